// SOURCES: kernel/fs/bcache.c kernel/fs/ext2/super.c kernel/fs/ext2/alloc.c kernel/fs/ext2/inode.c kernel/fs/ext2/dir.c kernel/fs/ext2/ops.c kernel/mm/pagecache.c kernel/mm/page.c
/* Host tests for the buffer cache and ext2 on a file-backed block device: images made by the
 * host's mke2fs (1 and 4 KiB blocks, with and without sparse_super) mounted, walked and read
 * back against the tree they were made from; corrupted images must fail cleanly. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "lib/errno.h"
#include "dev/blk.h"
#include "fs/bcache.h"
#include "fs/ext2/ext2.h"
#include "fs/mount.h"
#include "mm/pagecache.h"
#include "mm/page.h"

/* --- what the code under test needs from the rest of the kernel --- */
void kpanic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    abort();
}
static int console_lines;
int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "  [kernel] ");
    int n = vfprintf(stderr, fmt, ap);
    va_end(ap);
    console_lines++;
    return n;
}
void *kmalloc(size_t n) { return n > 4096 ? NULL : calloc(1, n); }
void kfree(void *p) { free(p); }
void sched_sleep_uninterruptible(const void *chan) { (void)chan; kpanic("sleep in a single-threaded test\n"); }
void sched_wakeup(const void *chan) { (void)chan; }
void vm_unmap_file(struct inode *ino, uint64_t first) { (void)ino; (void)first; }
uint64_t vfs_now_ns(void) { return 1700000000ull * 1000000000ull; }
const struct file_ops pipe_fifo_ops;
int uio_copy_out(struct uio *u, const void *src, size_t n) { memcpy((void *)u->addr, src, n); u->addr += n; return 0; }
int uio_copy_in(void *dst, struct uio *u, size_t n) { memcpy(dst, (const void *)u->addr, n); u->addr += n; return 0; }

static int live_inodes;
struct inode *inode_new(uint32_t mode, const struct inode_ops *iops, const struct file_ops *fops)
{
    struct inode *i = calloc(1, sizeof *i);
    i->mode = mode;
    i->nlink = 1;
    i->refs = 1;
    i->iops = iops;
    i->fops = fops;
    live_inodes++;
    return i;
}
struct inode *inode_get(struct inode *i) { if (i) i->refs++; return i; }
void inode_put(struct inode *i)
{
    if (!i || --i->refs > 0)
        return;
    pagecache_release(i);
    if (i->iops && i->iops->release)
        i->iops->release(i);
    live_inodes--;
    free(i);
}

/* A block device backed by a file: every request completes at once. */
static int img_fd = -1;
static FILE *img_file;
static struct blkdev disk = { .name = "img" };
static struct blk_stats stats;
void blk_submit(struct blk_req *r)
{
    off_t off = (off_t)(r->sector * BLK_SECTOR_SIZE);
    ssize_t n = r->op == BLK_FLUSH ? 0 : r->op == BLK_READ ? pread(img_fd, r->buf, r->len, off)
                                                          : pwrite(img_fd, r->buf, r->len, off);
    bool past = (r->sector * BLK_SECTOR_SIZE + r->len) > r->dev->sectors * BLK_SECTOR_SIZE;
    r->status = past || n != (ssize_t)r->len ? -EIO : 0;
    if (r->status)
        stats.errors++;
    r->op == BLK_READ ? stats.reads++ : stats.writes++;
    r->done = true;
}
int blk_wait(struct blk_req *r) { return r->status; }
int blk_rw(struct blkdev *d, enum blk_op op, uint64_t off, void *buf, size_t len)
{
    struct blk_req r = { .dev = d, .op = op, .sector = off / BLK_SECTOR_SIZE, .buf = buf, .len = len };
    blk_submit(&r);
    return r.status;
}
int blk_flush(struct blkdev *d) { (void)d; return fsync(img_fd) ? -EIO : 0; }
int blk_count(void) { return 1; }
struct blkdev *blk_at(int i) { (void)i; return &disk; }
struct blkdev *blk_by_name(const char *n) { (void)n; return &disk; }

static char data_dir[512];

/* Copy a generated image to a scratch file and open it as the disk. */
static bool disk_open(const char *name, const char *scratch)
{
    char src[600], cmd[1400];
    snprintf(src, sizeof src, "%s/%s", data_dir, name);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", src, scratch);
    if (system(cmd) != 0)
        return false;
    img_file = fopen(scratch, "r+b");
    if (!img_file)
        return false;
    img_fd = fileno(img_file);
    disk.sectors = (uint64_t)lseek(img_fd, 0, SEEK_END) / BLK_SECTOR_SIZE;
    return true;
}

static void disk_close(void)
{
    fclose(img_file);
    img_fd = -1;
}

static struct inode *walk(struct inode *root, const char *path)
{
    struct inode *cur = inode_get(root);
    while (*path) {
        const char *e = strchr(path, '/');
        size_t len = e ? (size_t)(e - path) : strlen(path);
        struct inode *next;
        int err = cur->iops->lookup(cur, path, len, &next);
        inode_put(cur);
        if (err)
            return NULL;
        cur = next;
        path += len + (e ? 1 : 0);
    }
    return cur;
}

static long read_file(struct inode *ino, void *buf, size_t n, uint64_t off)
{
    struct file f = { .refs = 1, .inode = ino, .ops = ino->fops };
    struct uio u = { (uint64_t)buf, true };
    return ino->fops->read(&f, &u, n, &off);
}

/* The whole host file, malloc'd. */
static char *host_file(const char *rel, size_t *len)
{
    char p[700];
    snprintf(p, sizeof p, "%s/ext2-tree/%s", data_dir, rel);
    FILE *f = fopen(p, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    char *b = malloc(*len + 1);
    if (fread(b, 1, *len, f) != *len)
        *len = 0;
    fclose(f);
    return b;
}

static void check_same(struct inode *root, const char *rel)
{
    size_t len;
    char *want = host_file(rel, &len);
    struct inode *ino = walk(root, rel);
    CHECK(want && ino);
    if (!want || !ino) {
        free(want);
        inode_put(ino);
        return;
    }
    CHECK_EQ(ino->size, len);
    char *got = malloc(len + 10);
    CHECK_EQ(read_file(ino, got, len + 10, 0), (long)len);
    CHECK(memcmp(got, want, len) == 0);
    free(got);
    free(want);
    inode_put(ino);
}

struct names { char seen[64][64]; int n; };
static int collect(void *arg, const char *name, size_t len, uint64_t ino, unsigned type)
{
    (void)ino;
    (void)type;
    struct names *c = arg;
    if (c->n < 64 && len < 64) {
        memcpy(c->seen[c->n], name, len);
        c->seen[c->n][len] = 0;
        c->n++;
    }
    return 0;
}
static bool has_name(struct names *c, const char *s)
{
    for (int i = 0; i < c->n; i++)
        if (!strcmp(c->seen[i], s))
            return true;
    return false;
}

static void read_image(const char *name)
{
    char scratch[] = "/tmp/test_ext2_XXXXXX";
    int fd = mkstemp(scratch);
    close(fd);
    CHECK(disk_open(name, scratch));
    struct ext2_fs *fs = NULL;
    CHECK_EQ(ext2_mount(&disk, true, 7, &fs), 0);
    if (!fs)
        return;
    struct inode *root;
    CHECK_EQ(ext2_root(fs, &root), 0);
    CHECK(S_ISDIR(root->mode));
    struct names c = { .n = 0 };
    uint64_t pos = 0;
    CHECK_EQ(root->iops->readdir(root, &pos, collect, &c), 0);
    CHECK(has_name(&c, ".") && has_name(&c, "..") && has_name(&c, "hello.txt") && has_name(&c, "dir") &&
          has_name(&c, "lost+found") && has_name(&c, "fastlink") && has_name(&c, "slowlink"));
    check_same(root, "hello.txt");
    check_same(root, "dir/big.txt");
    check_same(root, "dir/sub/deeper/leaf");
    check_same(root, "sparse");
    struct inode *l = walk(root, "fastlink");
    char buf[400];
    CHECK(l && S_ISLNK(l->mode));
    CHECK(l && l->iops->readlink(l, buf, sizeof buf) == 9 && !memcmp(buf, "hello.txt", 9));
    inode_put(l);
    l = walk(root, "slowlink");
    CHECK(l && l->iops->readlink(l, buf, sizeof buf) == 207 && !memcmp(buf + 200, "/target", 7));
    inode_put(l);
    CHECK(walk(root, "nope") == NULL);
    struct k_statfs st = { 0 };
    ext2_statfs(fs, &st);
    CHECK(st.f_blocks > 0 && st.f_bfree > 0 && st.f_bfree < st.f_blocks);
    inode_put(root);
    ext2_unmount(fs);
    CHECK_EQ(live_inodes, 0);
    CHECK_EQ(bcache_stats().bufs, 0);
    disk_close();
    unlink(scratch);
}

static void test_read_1k(void) { read_image("ext2-1k.img"); }
static void test_read_4k(void) { read_image("ext2-4k.img"); }
static void test_read_1k_nosparse(void) { read_image("ext2-1k-nosparse.img"); }
static void test_read_4k_nosparse(void) { read_image("ext2-4k-nosparse.img"); }

/* Patch bytes of a copy of the 1 KiB image, then mount it (and walk it). */
static int mount_patched(long off, const void *bytes, size_t n, bool walk_all)
{
    char scratch[] = "/tmp/test_ext2_XXXXXX";
    int fd = mkstemp(scratch);
    close(fd);
    if (!disk_open("ext2-1k.img", scratch))
        return -999;
    if (off >= 0 && pwrite(img_fd, bytes, n, off) != (ssize_t)n)
        return -998;
    struct ext2_fs *fs = NULL;
    int err = ext2_mount(&disk, true, 7, &fs);
    if (!err) {
        struct inode *root;
        err = ext2_root(fs, &root);
        if (!err && walk_all) {
            struct names c = { .n = 0 };
            uint64_t pos = 0;
            err = root->iops->readdir(root, &pos, collect, &c);
            struct inode *h = walk(root, "dir/big.txt");
            if (h) {
                char buf[4096];
                long r = read_file(h, buf, sizeof buf, 0);
                if (r < 0 && !err)
                    err = (int)r;
                inode_put(h);
            } else if (!err) {
                err = -ENOENT;
            }
        }
        if (!err || root)
            inode_put(root);
        ext2_unmount(fs);
    }
    disk_close();
    unlink(scratch);
    return err;
}

static void test_corrupt(void)
{
    uint16_t bad16 = 0x1234;
    uint32_t huge = 0x7fffffff, zero = 0, big_log = 9;
    CHECK_EQ(mount_patched(-1, NULL, 0, true), 0);                  /* the pristine image */
    console_lines = 0;
    CHECK_EQ(mount_patched(1024 + 56, &bad16, 2, false), -EUCLEAN); /* magic */
    CHECK_EQ(mount_patched(1024 + 4, &huge, 4, false), -EUCLEAN);   /* blocks count */
    CHECK_EQ(mount_patched(1024 + 24, &big_log, 4, false), -EUCLEAN); /* block size */
    CHECK_EQ(mount_patched(1024 + 40, &zero, 4, false), -EUCLEAN);  /* inodes per group */
    CHECK(console_lines >= 4);
    uint32_t incompat = 0x2 | 0x40;     /* filetype + extents */
    CHECK_EQ(mount_patched(1024 + 96, &incompat, 4, false), -EINVAL);
    /* Group 0's inode table pointer far outside the image. */
    CHECK_EQ(mount_patched(2048 + 8, &huge, 4, false), -EUCLEAN);
}

/* Find a byte pattern in the image copy: where mke2fs put things. */
static long find_in_image(const char *needle, size_t n)
{
    char p[600];
    snprintf(p, sizeof p, "%s/ext2-1k.img", data_dir);
    FILE *f = fopen(p, "rb");
    static char buf[1 << 20];
    long off = -1, base = 0;
    size_t got;
    while (off < 0 && (got = fread(buf, 1, sizeof buf, f)) > 0) {
        for (size_t i = 0; i + n <= got; i++)
            if (!memcmp(buf + i, needle, n)) {
                off = base + (long)i;
                break;
            }
        base += (long)got;
    }
    fclose(f);
    return off;
}

static void test_corrupt_dir_and_inode(void)
{
    /* The root directory record for "hello.txt": its rec_len made to overrun the block. */
    long at = find_in_image("\x09\x01hello.txt", 11) + 2;   /* name_len, file_type, name */
    CHECK(at > 8);
    uint16_t overrun = 2000;
    CHECK_EQ(mount_patched(at - 4, &overrun, 2, true), -EUCLEAN);
    uint16_t odd = 13;
    CHECK_EQ(mount_patched(at - 4, &odd, 2, true), -EUCLEAN);
    /* The entry's inode number past the inode count. */
    uint32_t far = 0x00ffffff;
    CHECK_EQ(mount_patched(at - 8, &far, 4, true), -EUCLEAN);
}

int main(void)
{
    const char *d = getenv("HOST_TEST_DATA");
    snprintf(data_dir, sizeof data_dir, "%s", d ? d : "build/host/data");
    char probe[600];
    snprintf(probe, sizeof probe, "%s/ext2-1k.img", data_dir);
    if (access(probe, R_OK)) {
        printf("SKIP host/test_ext2: no mke2fs images in %s\n", data_dir);
        return 0;
    }
    unsigned char *arena = aligned_alloc(4096, 2048 * 4096);
    struct page_region ram = { (paddr_t)(uintptr_t)arena, 2048 * 4096 };
    page_init(&ram, 1, NULL, 0);
    RUN_TEST(test_read_1k);
    RUN_TEST(test_read_4k);
    RUN_TEST(test_read_1k_nosparse);
    RUN_TEST(test_read_4k_nosparse);
    RUN_TEST(test_corrupt);
    RUN_TEST(test_corrupt_dir_and_inode);
    free(arena);
    return check_tests_failed ? 1 : 0;
}
