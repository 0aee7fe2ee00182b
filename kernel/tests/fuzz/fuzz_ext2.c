// SOURCES: kernel/fs/ext2/*.c kernel/fs/bcache.c kernel/mm/pagecache.c kernel/mm/page.c
/* libFuzzer target for ext2 (scripts/fuzz.sh, docs/testing.md "The fuzzer"): the input is a disk
 * image held in memory behind a struct blkdev; ext2_mount it, walk every directory, stat every
 * inode, read every file and symlink, try a create/write/unlink, sync and unmount. Any sanitizer
 * report, crash or hang is a bug in ext2's validation of on-disk values. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev/blk.h"
#include "fs/ext2/ext2.h"
#include "fs/vfs.h"
#include "lib/errno.h"
#include "mm/page.h"
#include "mm/pagecache.h"

/* --- the rest of the kernel, as ext2 sees it --------------------------------------------- */

void kpanic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    abort();
}

int kprintf(const char *fmt, ...)
{
    (void)fmt;          /* corruption messages are expected: keep the fuzzer's output readable */
    return 0;
}

void *kmalloc(size_t size) { return size > 4096 ? NULL : calloc(1, size ? size : 1); }
void kfree(void *p) { free(p); }
uint64_t vfs_now_ns(void) { return 1000000000ULL * 1700000000ULL; }
void sched_sleep_uninterruptible(const void *chan) { (void)chan; abort(); /* all I/O is synchronous here */ }
void sched_wakeup(const void *chan) { (void)chan; }
void vm_unmap_file(struct inode *ino, uint64_t first) { (void)ino; (void)first; }
const struct file_ops pipe_fifo_ops;

int uio_copy_out(struct uio *u, const void *src, size_t n)
{
    memcpy((void *)(uintptr_t)u->addr, src, n);
    u->addr += n;
    return 0;
}

int uio_copy_in(void *dst, struct uio *u, size_t n)
{
    memcpy(dst, (const void *)(uintptr_t)u->addr, n);
    u->addr += n;
    return 0;
}

struct inode *inode_new(uint32_t mode, const struct inode_ops *iops, const struct file_ops *fops)
{
    struct inode *ino = kmalloc(sizeof *ino);
    if (!ino)
        return NULL;
    ino->mode = mode;
    ino->nlink = 1;
    ino->refs = 1;
    ino->iops = iops;
    ino->fops = fops;
    return ino;
}

/* As fs/vfs.c: NULL is passed through. */
struct inode *inode_get(struct inode *ino)
{
    if (ino)
        ino->refs++;
    return ino;
}

void inode_put(struct inode *ino)
{
    if (!ino || --ino->refs > 0)
        return;
    pagecache_release(ino);
    if (ino->iops && ino->iops->release)
        ino->iops->release(ino);
    kfree(ino);
}

/* --- a disk in memory ------------------------------------------------------------------------ */

static uint8_t *disk;
static size_t disk_len;

static int mem_io(enum blk_op op, uint64_t off, void *buf, size_t len)
{
    if (op == BLK_FLUSH)
        return 0;
    if (off > disk_len || len > disk_len - off)
        return -EIO;
    if (op == BLK_READ)
        memcpy(buf, disk + off, len);
    else
        memcpy(disk + off, buf, len);
    return 0;
}

static void mem_submit(struct blkdev *d, struct blk_req *r)
{
    (void)d;
    r->status = mem_io(r->op, r->sector * BLK_SECTOR_SIZE, r->buf, r->len);
    r->done = true;
    if (r->end)
        r->end(r);
}

static const struct blkdev_ops mem_ops = { .submit = mem_submit };
static struct blkdev memdev = { .name = "fuzz", .ops = &mem_ops, .has_flush = true };

void blk_submit(struct blk_req *r) { mem_submit(r->dev, r); }
int blk_wait(struct blk_req *r) { return r->status; }
int blk_rw(struct blkdev *d, enum blk_op op, uint64_t off, void *buf, size_t len)
{
    (void)d;
    return mem_io(op, off, buf, len);
}
int blk_flush(struct blkdev *d) { (void)d; return 0; }
struct blkdev *blk_by_name(const char *name) { (void)name; return &memdev; }
struct blkdev *blk_by_rdev(uint32_t rdev) { (void)rdev; return &memdev; }
int blk_count(void) { return 1; }
struct blkdev *blk_at(int i) { return i == 0 ? &memdev : NULL; }

/* --- the walk -------------------------------------------------------------------------------- */

#define MAX_NAMES 64
struct names { int n; char name[MAX_NAMES][256]; size_t len[MAX_NAMES]; };

static int collect(void *arg, const char *name, size_t len, uint64_t ino, unsigned type)
{
    (void)ino;
    (void)type;
    struct names *ns = arg;
    if (ns->n >= MAX_NAMES)
        return 1;
    if (len > 255)
        len = 255;
    memcpy(ns->name[ns->n], name, len);
    ns->len[ns->n++] = len;
    return 0;
}

static int budget;      /* inodes visited per input: bounds the time of one run */
static uint8_t filebuf[65536];

static void visit(struct inode *ino, int depth);

static void read_file(struct inode *ino)
{
    if (!ino->fops || !ino->fops->read)
        return;
    struct file f = { .refs = 1, .inode = ino, .ops = ino->fops };
    uint64_t off = 0;
    for (int i = 0; i < 4; i++) {
        struct uio u = { .addr = (uint64_t)(uintptr_t)filebuf, .kernel = true };
        long r = ino->fops->read(&f, &u, sizeof filebuf, &off);
        if (r <= 0)
            break;
    }
    if (ino->size > 4 * sizeof filebuf) {     /* and the tail, wherever it is */
        off = ino->size - 100;
        struct uio u = { .addr = (uint64_t)(uintptr_t)filebuf, .kernel = true };
        ino->fops->read(&f, &u, 100, &off);
    }
}

static void walk_dir(struct inode *dir, int depth)
{
    static struct names ns[9];
    if (depth > 8 || !dir->iops || !dir->iops->readdir)
        return;
    struct names *n = &ns[depth];
    n->n = 0;
    uint64_t pos = 0;
    dir->iops->readdir(dir, &pos, collect, n);
    for (int i = 0; i < n->n && budget > 0; i++) {
        if ((n->len[i] == 1 && n->name[i][0] == '.') || (n->len[i] == 2 && !memcmp(n->name[i], "..", 2)))
            continue;
        struct inode *child = NULL;
        if (dir->iops->lookup && dir->iops->lookup(dir, n->name[i], n->len[i], &child) == 0 && child) {
            visit(child, depth + 1);
            inode_put(child);
        }
    }
}

static void visit(struct inode *ino, int depth)
{
    budget--;
    volatile uint64_t sum = ino->size + ino->nlink + ino->uid + ino->gid + ino->mode + (uint64_t)ino->mtime_ns;
    (void)sum;
    if (S_ISDIR(ino->mode))
        walk_dir(ino, depth);
    else if (S_ISLNK(ino->mode) && ino->iops && ino->iops->readlink) {
        char buf[4096];
        ino->iops->readlink(ino, buf, sizeof buf);
    } else if (S_ISREG(ino->mode))
        read_file(ino);
}

static void try_writes(struct inode *root)
{
    if (!root->iops || !root->iops->create)
        return;
    struct inode *f = NULL;
    if (root->iops->create(root, "fuzz-new", 8, S_IFREG | 0644, 0, &f) == 0 && f) {
        if (f->fops && f->fops->write) {
            struct file file = { .refs = 1, .inode = f, .ops = f->fops, .flags = 2 /* O_RDWR */ };
            uint64_t off = 0;
            memset(filebuf, 'x', 5000);
            struct uio u = { .addr = (uint64_t)(uintptr_t)filebuf, .kernel = true };
            f->fops->write(&file, &u, 5000, &off);
        }
        inode_put(f);
        if (root->iops->unlink)
            root->iops->unlink(root, "fuzz-new", 8, false);
    }
    if (root->iops->symlink)
        root->iops->symlink(root, "fuzz-link", 9, "target");
}

static void once_init(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    enum { ARENA_PAGES = 4096 };
    void *arena = aligned_alloc(4096, ARENA_PAGES * 4096UL);
    struct page_region ram = { (paddr_t)(uintptr_t)arena, ARENA_PAGES * 4096UL };
    page_init(&ram, 1, NULL, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    once_init();
    if (size < 2048)
        return 0;
    disk_len = size & ~(size_t)(BLK_SECTOR_SIZE - 1);
    disk = malloc(disk_len);
    memcpy(disk, data, disk_len);
    memdev.sectors = disk_len / BLK_SECTOR_SIZE;
    struct ext2_fs *fs = NULL;
    int err = ext2_mount(&memdev, false, 1, &fs);
    if (getenv("FUZZ_VERBOSE"))     /* scripts/fuzz.sh checks the seeds really are walked */
        fprintf(stderr, "fuzz_ext2: mount %d\n", err);
    if (err == 0 && fs) {
        struct inode *root = NULL;
        if (ext2_root(fs, &root) == 0 && root) {
            budget = 300;
            visit(root, 0);
            if (getenv("FUZZ_VERBOSE"))
                fprintf(stderr, "fuzz_ext2: visited %d inodes\n", 300 - budget);
            try_writes(root);
            inode_put(root);
        }
        ext2_sync(fs);
        ext2_unmount(fs);
    }
    free(disk);
    disk = NULL;
    return 0;
}
