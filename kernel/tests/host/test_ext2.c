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

static bool all_zero_host(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

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


static long write_file(struct inode *ino, const void *buf, size_t n, uint64_t off)
{
    struct file f = { .refs = 1, .inode = ino, .ops = ino->fops, .flags = O_RDWR };
    struct uio u = { (uint64_t)buf, true };
    return ino->fops->write(&f, &u, n, &off);
}

static struct inode *make(struct inode *dir, const char *name, uint32_t mode)
{
    struct inode *i = NULL;
    int err = dir->iops->create(dir, name, strlen(name), mode, 0, &i);
    CHECK_EQ(err, 0);
    return err ? NULL : i;
}

static bool fsck_clean(const char *img)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "PATH=$PATH:/sbin:/usr/sbin e2fsck -fn '%s' >/tmp/test_ext2_fsck.log 2>&1", img);
    int rc = system(cmd);
    if (rc != 0)
        system("cat /tmp/test_ext2_fsck.log >&2");
    return rc == 0;
}

static void pattern(uint8_t *b, size_t n, uint64_t seed)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)((i + seed) * 131 >> 3);
}

static void write_image(const char *name)
{
    char scratch[] = "/tmp/test_ext2_XXXXXX";
    int fd = mkstemp(scratch);
    close(fd);
    CHECK(disk_open(name, scratch));
    struct ext2_fs *fs = NULL;
    CHECK_EQ(ext2_mount(&disk, false, 7, &fs), 0);
    if (!fs)
        return;
    struct inode *root;
    CHECK_EQ(ext2_root(fs, &root), 0);
    static uint8_t buf[300000], back[300000];
    pattern(buf, sizeof buf, 1);
    /* a file written in odd pieces */
    struct inode *f = make(root, "new.bin", S_IFREG | 0644);
    CHECK_EQ(write_file(f, buf, 1000, 0), 1000);
    CHECK_EQ(write_file(f, buf + 1000, sizeof buf - 1000, 1000), (long)(sizeof buf - 1000));
    f->uid = 1234;
    f->mode = S_IFREG | 0600;
    inode_put(f);
    /* sparse + large: a byte past 70 MiB (triple indirect with 1 KiB blocks) */
    struct inode *s = make(root, "sparse.big", S_IFREG | 0644);
    CHECK_EQ(write_file(s, "X", 1, 70ull << 20), 1);
    CHECK_EQ(write_file(s, "Y", 1, 5ull << 20), 1);
    CHECK(ext2_node(s)->blocks <= 8 * (fs->bsize / 512));
    inode_put(s);
    /* past 4 GiB (i_size_high, a three-level page-cache table); EFBIG without large_file */
    bool large = fs->sb.s_rev_level > 0 && (fs->sb.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE);
    struct inode *hg = make(root, "huge", S_IFREG | 0644);
    CHECK_EQ(write_file(hg, "Z", 1, 5ull << 30), large ? 1 : -EFBIG);
    CHECK_EQ(write_file(hg, "z", 1, (1ull << 30) + 5), 1);
    CHECK_EQ(hg->size, large ? (5ull << 30) + 1 : (1ull << 30) + 6);
    CHECK(hg->iops->stat_blocks(hg) <= 16 * (fs->bsize / 512));  /* sparse: a few blocks */
    inode_put(hg);
    /* directories, deep */
    struct inode *d = make(root, "d1", S_IFDIR | 0755), *cur = inode_get(d);
    for (int i = 0; i < 20; i++) {
        char nm[16];
        snprintf(nm, sizeof nm, "lvl%d", i);
        struct inode *n = make(cur, nm, S_IFDIR | 0755);
        inode_put(cur);
        cur = n;
    }
    struct inode *leaf = make(cur, "leaf", S_IFREG | 0644);
    CHECK_EQ(write_file(leaf, "deep\n", 5, 0), 5);
    inode_put(leaf);
    inode_put(cur);
    /* many files in one directory (several blocks), half removed again */
    for (int i = 0; i < 300; i++) {
        char nm[40];
        snprintf(nm, sizeof nm, "file-with-a-longish-name-%d", i);
        struct inode *n = make(d, nm, S_IFREG | 0644);
        if (n)
            CHECK_EQ(write_file(n, nm, strlen(nm), 0), (long)strlen(nm));
        inode_put(n);
    }
    for (int i = 0; i < 300; i += 2) {
        char nm[40];
        snprintf(nm, sizeof nm, "file-with-a-longish-name-%d", i);
        CHECK_EQ(d->iops->unlink(d, nm, strlen(nm), false), 0);
    }
    CHECK_EQ(root->iops->unlink(root, "d1", 2, true), -ENOTEMPTY);
    /* links, symlinks, rename */
    struct inode *h = walk(root, "hello.txt");
    CHECK_EQ(root->iops->link(root, "hard", 4, h), 0);
    CHECK_EQ(h->nlink, 2);
    inode_put(h);
    CHECK_EQ(root->iops->symlink(root, "fast2", 5, "hello.txt"), 0);
    char longt[300];
    memset(longt, 'a', sizeof longt);
    longt[299] = 0;
    CHECK_EQ(root->iops->symlink(root, "slow2", 5, longt), 0);
    CHECK_EQ(root->iops->rename(root, "hard", 4, d, "moved", 5), 0);
    CHECK_EQ(root->iops->rename(root, "dir", 3, d, "dir-moved", 9), 0);      /* a directory, new parent */
    CHECK_EQ(root->iops->rename(root, "fast2", 5, root, "fastlink", 8), 0);  /* over an existing name */
    /* truncate down and up */
    struct inode *big = walk(d, "dir-moved/big.txt");
    CHECK(big != NULL);
    if (big) {
        CHECK_EQ(big->iops->truncate(big, 5000), 0);
        CHECK_EQ(big->iops->truncate(big, 9000), 0);
        CHECK_EQ(read_file(big, back, 9000, 0), 9000);
        CHECK(all_zero_host(back + 5000, 4000));
        inode_put(big);
    }
    /* unlink of an open file: the data lives until the last reference */
    struct inode *o = make(root, "open-unlinked", S_IFREG | 0644);
    CHECK_EQ(write_file(o, buf, 50000, 0), 50000);
    uint32_t free_before = fs->sb.s_free_blocks_count;
    CHECK_EQ(root->iops->unlink(root, "open-unlinked", 13, false), 0);
    CHECK_EQ(read_file(o, back, 50000, 0), 50000);
    CHECK(memcmp(back, buf, 50000) == 0);
    inode_put(o);
    CHECK(fs->sb.s_free_blocks_count > free_before);
    /* ENOSPC from write(), not lost later */
    struct inode *full = make(root, "filler", S_IFREG | 0644);
    long r = 0;
    for (uint64_t off = 0; r >= 0 && off < (64ull << 20); off += sizeof buf)
        r = write_file(full, buf, sizeof buf, off);
    CHECK_EQ(r, -ENOSPC);
    CHECK_EQ(root->iops->unlink(root, "filler", 6, false), 0);
    inode_put(full);
    inode_put(d);
    /* remount read-only: clean on disk, changes refused; then read-write again */
    CHECK_EQ(ext2_set_readonly(fs, true), 0);
    CHECK(fs->sb.s_state & EXT2_VALID_FS);
    struct inode *ro = NULL;
    CHECK_EQ(root->iops->create(root, "nope", 4, S_IFREG | 0644, 0, &ro), -EROFS);
    CHECK_EQ(ext2_set_readonly(fs, false), 0);
    CHECK(!(fs->sb.s_state & EXT2_VALID_FS));
    CHECK_EQ(ext2_sync(fs), 0);
    inode_put(root);
    ext2_unmount(fs);
    CHECK_EQ(live_inodes, 0);
    CHECK_EQ(bcache_stats().bufs, 0);
    fflush(img_file);
    CHECK(fsck_clean(scratch));
    struct ext2_super sb;
    CHECK_EQ(pread(img_fd, &sb, sizeof sb, 1024), (long)sizeof sb);
    CHECK(sb.s_state & EXT2_VALID_FS);     /* umount marked it clean */
    /* mount again and read it all back */
    fs = NULL;
    CHECK_EQ(ext2_mount(&disk, true, 7, &fs), 0);
    if (fs) {
        CHECK_EQ(ext2_root(fs, &root), 0);
        f = walk(root, "new.bin");
        CHECK(f && f->size == sizeof buf && f->uid == 1234 && f->mode == (S_IFREG | 0600));
        if (f) {
            CHECK_EQ(read_file(f, back, sizeof back, 0), (long)sizeof back);
            CHECK(memcmp(back, buf, sizeof buf) == 0);
        }
        inode_put(f);
        s = walk(root, "sparse.big");
        char c = 0;
        CHECK(s && s->size == (70ull << 20) + 1);
        if (s) {
            CHECK_EQ(read_file(s, &c, 1, 70ull << 20), 1);
            CHECK_EQ(c, 'X');
            CHECK_EQ(read_file(s, &c, 1, 1000), 1);
            CHECK_EQ(c, 0);
        }
        inode_put(s);
        s = walk(root, "huge");
        CHECK(s && s->size == (large ? (5ull << 30) + 1 : (1ull << 30) + 6));
        if (s) {
            CHECK_EQ(read_file(s, &c, 1, (1ull << 30) + 5), 1);
            CHECK_EQ(c, 'z');
            if (large) {
                CHECK_EQ(read_file(s, &c, 1, 5ull << 30), 1);
                CHECK_EQ(c, 'Z');
                CHECK_EQ(read_file(s, &c, 1, 3ull << 30), 1);
                CHECK_EQ(c, 0);
            }
        }
        inode_put(s);
        struct inode *l = walk(root, "d1/lvl0/lvl1/lvl2/lvl3/lvl4/lvl5/lvl6/lvl7/lvl8/lvl9/lvl10/lvl11/lvl12/lvl13/lvl14/lvl15/lvl16/lvl17/lvl18/lvl19/leaf");
        CHECK(l && l->size == 5);
        inode_put(l);
        l = walk(root, "d1/moved");
        CHECK(l && l->nlink == 2);
        inode_put(l);
        CHECK(walk(root, "d1/file-with-a-longish-name-4") == NULL);
        l = walk(root, "d1/file-with-a-longish-name-5");
        CHECK(l != NULL);
        inode_put(l);
        l = walk(root, "fastlink");
        char t[400];
        CHECK(l && l->iops->readlink(l, t, sizeof t) == 9);
        inode_put(l);
        l = walk(root, "slow2");
        CHECK(l && l->iops->readlink(l, t, sizeof t) == 299);
        inode_put(l);
        l = walk(root, "d1/dir-moved/sub/deeper/leaf");
        CHECK(l != NULL);
        inode_put(l);
        inode_put(root);
        ext2_unmount(fs);
    }
    disk_close();
    unlink(scratch);
}

static void test_read_rev0(void) { read_image("ext2-rev0.img"); }
static void test_write_rev0(void) { write_image("ext2-rev0.img"); }

/* An unknown read-only-compatible feature: the mount succeeds, read-only. */
static void test_unknown_ro_compat(void)
{
    char scratch[] = "/tmp/test_ext2_XXXXXX";
    int fd = mkstemp(scratch);
    close(fd);
    CHECK(disk_open("ext2-1k.img", scratch));
    uint32_t ro = 0x3 | 0x400;     /* sparse_super, large_file + one we do not know */
    CHECK_EQ(pwrite(img_fd, &ro, 4, 1024 + 100), 4);
    struct ext2_fs *fs = NULL;
    CHECK_EQ(ext2_mount(&disk, false, 7, &fs), 0);
    CHECK(fs && fs->readonly);
    if (fs) {
        struct inode *root, *n = NULL;
        CHECK_EQ(ext2_root(fs, &root), 0);
        CHECK_EQ(root->iops->create(root, "x", 1, S_IFREG | 0644, 0, &n), -EROFS);
        inode_put(root);
        ext2_unmount(fs);
    }
    disk_close();
    unlink(scratch);
}

static void test_write_1k(void) { write_image("ext2-1k.img"); }
static void test_write_4k(void) { write_image("ext2-4k.img"); }
static void test_write_1k_nosparse(void) { write_image("ext2-1k-nosparse.img"); }
static void test_write_4k_nosparse(void) { write_image("ext2-4k-nosparse.img"); }

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
    unsigned char *arena = aligned_alloc(4096, 8192 * 4096);
    struct page_region ram = { (paddr_t)(uintptr_t)arena, 8192 * 4096 };
    page_init(&ram, 1, NULL, 0);
    RUN_TEST(test_read_1k);
    RUN_TEST(test_read_4k);
    RUN_TEST(test_read_1k_nosparse);
    RUN_TEST(test_read_4k_nosparse);
    RUN_TEST(test_write_1k);
    RUN_TEST(test_write_4k);
    RUN_TEST(test_write_1k_nosparse);
    RUN_TEST(test_write_4k_nosparse);
    RUN_TEST(test_read_rev0);
    RUN_TEST(test_write_rev0);
    RUN_TEST(test_unknown_ro_compat);
    RUN_TEST(test_corrupt);
    RUN_TEST(test_corrupt_dir_and_inode);
    free(arena);
    return check_tests_failed ? 1 : 0;
}
