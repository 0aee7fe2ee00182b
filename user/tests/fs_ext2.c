/* The ext2 file-system suite (docs/testing.md, "File-system suite"): one program, three modes.
 *   fs_ext2 [DIR [SMALLDIR]]  checks on a mounted file system; without DIR it mounts /dev/vda
 *                             at /mnt (and /dev/vdb at /mnt2 for the ENOSPC checks) itself;
 *   fs_crash [DIR]            (argv[0]) writes, appends, renames and fsyncs for ever, printing
 *                             "synced NAME LEN CHECKSUM" after each durable step (crash-test.py);
 *   fs_bench [DIR]            (argv[0]) sequential write/read MB/s and a create rate (bench.py).
 * Files it leaves behind have seeded contents (fs_pat) that scripts/fsimage.py checks in the image
 * on the host after QEMU exits. The same program runs on Linux in a temp dir (fsimage.py host-run). */
#include "tap.h"
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#define EXT2_MAGIC 0xEF53
#define MiB (1024LL * 1024)
#define GiB (1024LL * MiB)

/* Byte off of the seeded pattern: a stateless hash, so any piece of a file can be checked
 * alone (scripts/fsimage.py pattern() computes the same bytes). */
static uint8_t fs_pat(uint32_t seed, uint64_t off)
{
    uint32_t v = seed * 0x9E3779B1u ^ (uint32_t)(off >> 2) * 0x85EBCA6Bu ^ (uint32_t)(off >> 34) * 0xC2B2AE35u;
    v ^= v >> 15;
    v *= 0x2C1B3C6Du;
    v ^= v >> 12;
    v *= 0x297A2D39u;
    v ^= v >> 15;
    return (uint8_t)(v >> (8 * (off & 3)));
}

static void pat_fill(uint8_t *buf, size_t n, uint32_t seed, uint64_t off)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = fs_pat(seed, off + i);
}

/* The offset of the first byte differing from the pattern, or -1. */
static long long pat_diff(const uint8_t *buf, size_t n, uint32_t seed, uint64_t off)
{
    for (size_t i = 0; i < n; i++)
        if (buf[i] != fs_pat(seed, off + i))
            return (long long)(off + i);
    return -1;
}

static uint32_t fnv(uint32_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}
#define FNV_SEED 2166136261u

static char base[256];

static const char *P(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *P(const char *fmt, ...)
{
    static char bufs[8][512];
    static int i;
    char *b = bufs[i++ & 7];
    size_t n = (size_t)snprintf(b, 512, "%s/", base);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b + n, 512 - n, fmt, ap);
    va_end(ap);
    return b;
}

static int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? -errno : -ENOSPC;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static ssize_t read_all(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -errno;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* Write a pattern file of len bytes (seed) in chunks; 0 or -errno. */
static int pat_write(const char *path, uint32_t seed, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -errno;
    static uint8_t buf[65536];
    int e = 0;
    for (size_t off = 0; off < len && !e; off += sizeof buf) {
        size_t n = len - off < sizeof buf ? len - off : sizeof buf;
        pat_fill(buf, n, seed, off);
        e = write_all(fd, buf, n);
    }
    if (close(fd) < 0 && !e)
        e = -errno;
    return e;
}

/* Compare a whole file with the pattern: "" if equal, else what differs. */
static const char *pat_cmp(const char *path, uint32_t seed, size_t len)
{
    static char why[160];
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(why, sizeof why, "open %s: %s", path, strerror(errno));
        return why;
    }
    static uint8_t buf[65536];
    size_t off = 0;
    why[0] = 0;
    for (;;) {
        ssize_t r = read_all(fd, buf, sizeof buf);
        if (r < 0) {
            snprintf(why, sizeof why, "read at %zu: %s", off, strerror((int)-r));
            break;
        }
        if (r == 0)
            break;
        size_t want = off >= len ? 0 : (len - off < (size_t)r ? len - off : (size_t)r);
        long long d = pat_diff(buf, want, seed, off);
        if (d >= 0 || want != (size_t)r) {
            if (d >= 0)
                snprintf(why, sizeof why, "byte %lld differs", d);
            else
                snprintf(why, sizeof why, "longer than %zu", len);
            break;
        }
        off += (size_t)r;
    }
    if (!why[0] && off != len)
        snprintf(why, sizeof why, "%zu bytes, expected %zu", off, len);
    close(fd);
    return why;
}

static long fsize(const char *path)
{
    struct stat st;
    return stat(path, &st) < 0 ? -errno : (long)st.st_size;
}

static int is_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

/* --- checks ------------------------------------------------------------------------------ */

/* The files mke2fs -d put in seed/ (scripts/fsimage.py make_seed). */
static void test_seed(void)
{
    check(!*pat_cmp(P("seed/small"), 1, 1000), "seed-small", "%s", pat_cmp(P("seed/small"), 1, 1000));
    check(!*pat_cmp(P("seed/big"), 2, 300000), "seed-big", "%s", pat_cmp(P("seed/big"), 2, 300000));
    check(!*pat_cmp(P("seed/sub/deep/file"), 3, 5000), "seed-deep", "%s", pat_cmp(P("seed/sub/deep/file"), 3, 5000));
    check_val("seed-empty", fsize(P("seed/empty")), 0);
    char buf[64] = { 0 };
    long n = E(readlink(P("seed/link"), buf, sizeof buf - 1));
    check(n == 13 && !memcmp(buf, "sub/deep/file", 13), "seed-link", "readlink %ld '%s'", n, buf);
    check(!*pat_cmp(P("seed/link"), 3, 5000), "seed-link-follow", "%s", pat_cmp(P("seed/link"), 3, 5000));
}

/* Files of sizes around block boundaries and through the indirect levels (kept: post checks). */
static const size_t sizes[] = { 0, 1, 1023, 1024, 1025, 4096, 12 * 1024 + 1, 49153, 300000, 1100000 };
#define NSIZES (sizeof sizes / sizeof sizes[0])

static void test_rw(void)
{
    int bad = 0;
    char why[200] = "";
    for (size_t i = 0; i < NSIZES; i++) {
        const char *p = P("t/w/f_%zu", sizes[i]);
        int e = pat_write(p, (uint32_t)sizes[i], sizes[i]);
        const char *c = e ? strerror(-e) : pat_cmp(p, (uint32_t)sizes[i], sizes[i]);
        if (*c && !bad++)
            snprintf(why, sizeof why, "size %zu: %s", sizes[i], c);
    }
    check(!bad, "write-read-sizes", "%d bad: %s", bad, why);

    /* Append and overwrite in the middle. */
    const char *p = P("t/w/append");
    int fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0644);
    uint8_t buf[3000];
    pat_fill(buf, sizeof buf, 7, 0);
    int e = fd < 0 ? -errno : write_all(fd, buf, 1000);
    if (!e) {
        lseek(fd, 0, SEEK_SET);         /* O_APPEND ignores it */
        e = write_all(fd, buf + 1000, 2000);
    }
    close(fd);
    check(!e && !*pat_cmp(p, 7, 3000), "append", "%s %s", strerror(-e), pat_cmp(p, 7, 3000));
    fd = open(p, O_RDWR);
    uint8_t mid[500];
    memset(mid, 0xAB, sizeof mid);
    long w = E(pwrite(fd, mid, sizeof mid, 1500));
    uint8_t back[3000] = { 0 };
    long r = E(pread(fd, back, sizeof back, 0));
    close(fd);
    memset(buf + 1500, 0xAB, 500);
    check(w == 500 && r == 3000 && !memcmp(back, buf, 3000), "pwrite-middle", "w %ld r %ld", w, r);
}

static void test_rename(void)
{
    struct stat a, b;
    pat_write(P("t/r/a"), 11, 2000);
    pat_write(P("t/r/b"), 12, 5000);
    stat(P("t/r/a"), &a);
    check_ret("rename-simple", rename(P("t/r/a"), P("t/r/a2")), 0);
    check_val("rename-old-gone", E(stat(P("t/r/a"), &b)), -ENOENT);
    check_ret("rename-over", rename(P("t/r/a2"), P("t/r/b")), 0);
    int same = stat(P("t/r/b"), &b) == 0 && b.st_ino == a.st_ino && b.st_nlink == 1;
    check(same && !*pat_cmp(P("t/r/b"), 11, 2000), "rename-over-content", "ino %lu vs %lu %s",
          (unsigned long)b.st_ino, (unsigned long)a.st_ino, pat_cmp(P("t/r/b"), 11, 2000));
    /* Directories: rename, over an empty one, not over a non-empty one; '..' follows. */
    mkdir(P("t/r/d1"), 0755);
    mkdir(P("t/r/d2"), 0755);
    mkdir(P("t/r/d3"), 0755);
    mkdir(P("t/r/sub"), 0755);
    pat_write(P("t/r/d3/x"), 13, 10);
    pat_write(P("t/r/d1/in"), 14, 100);
    check_ret("rename-dir-over-empty", rename(P("t/r/d1"), P("t/r/d2")), 0);
    check_ret("rename-dir-over-full", rename(P("t/r/d2"), P("t/r/d3")), -ENOTEMPTY);
    check_ret("rename-file-over-dir", rename(P("t/r/b"), P("t/r/d3")), -EISDIR);
    check_ret("rename-dir-over-file", rename(P("t/r/d3"), P("t/r/b")), -ENOTDIR);
    check_ret("rename-dir-into-self", rename(P("t/r/d2"), P("t/r/d2/x")), -EINVAL);
    struct stat r0, s0, s1, dd;
    stat(P("t/r"), &r0);
    stat(P("t/r/sub"), &s0);
    check_ret("rename-dir-move", rename(P("t/r/d2"), P("t/r/sub/moved")), 0);
    struct stat r1;
    stat(P("t/r"), &r1);
    stat(P("t/r/sub"), &s1);
    int dotdot = stat(P("t/r/sub/moved/.."), &dd) == 0 && dd.st_ino == s1.st_ino;
    check(dotdot && r1.st_nlink == r0.st_nlink - 1 && s1.st_nlink == s0.st_nlink + 1, "rename-dir-dotdot",
          "'..' ino %lu (want %lu), nlink t/r %lu->%lu sub %lu->%lu", (unsigned long)dd.st_ino,
          (unsigned long)s1.st_ino, (unsigned long)r0.st_nlink, (unsigned long)r1.st_nlink,
          (unsigned long)s0.st_nlink, (unsigned long)s1.st_nlink);
    check(!*pat_cmp(P("t/r/sub/moved/in"), 14, 100), "rename-dir-content", "%s", pat_cmp(P("t/r/sub/moved/in"), 14, 100));
}

static void test_unlink_open(void)
{
    const char *p = P("t/u/open");
    pat_write(p, 21, 70000);
    int fd = open(p, O_RDWR);
    check_ret("unlink-open", unlink(p), 0);
    struct stat st;
    check_val("unlink-open-gone", E(stat(p, &st)), -ENOENT);
    int f = fstat(fd, &st);
    check(f == 0 && st.st_nlink == 0 && st.st_size == 70000, "unlink-open-fstat", "nlink %lu size %ld",
          (unsigned long)st.st_nlink, (long)st.st_size);
    static uint8_t buf[70000];
    long r = E(pread(fd, buf, sizeof buf, 0));
    check(r == 70000 && pat_diff(buf, 70000, 21, 0) < 0, "unlink-open-read", "read %ld", r);
    long w = E(pwrite(fd, buf, 1000, 70000));   /* still writable: grows the orphan */
    check_ret("unlink-open-write", w, 1000);
    check_ret("unlink-open-close", close(fd), 0);
}

static void test_link(void)
{
    const char *a = P("t/l/a"), *b = P("t/l/b");
    pat_write(a, 31, 3000);
    check_ret("link", link(a, b), 0);
    struct stat sa, sb;
    stat(a, &sa);
    stat(b, &sb);
    check(sa.st_ino == sb.st_ino && sa.st_nlink == 2, "link-same-inode", "ino %lu/%lu nlink %lu",
          (unsigned long)sa.st_ino, (unsigned long)sb.st_ino, (unsigned long)sa.st_nlink);
    check_ret("link-exists", link(a, b), -EEXIST);
    mkdir(P("t/l/dir"), 0755);
    check_ret("link-dir", link(P("t/l/dir"), P("t/l/dir2")), -EPERM);
    unlink(a);
    stat(b, &sb);
    check(sb.st_nlink == 1 && !*pat_cmp(b, 31, 3000), "link-survives-unlink", "nlink %lu %s",
          (unsigned long)sb.st_nlink, pat_cmp(b, 31, 3000));
}

static char slow_target[201];

static void test_symlink(void)
{
    pat_write(P("t/s/target"), 41, 500);
    check_ret("symlink-fast", symlink("target", P("t/s/fast")), 0);
    /* 200 bytes: more than fit in i_block, so the target lives in a data block (dangling). */
    for (int i = 0; i < 200; i++)
        slow_target[i] = i % 10 == 9 ? '/' : (char)('a' + i % 26);
    check_ret("symlink-slow", symlink(slow_target, P("t/s/slow")), 0);
    char buf[300] = { 0 };
    long n = E(readlink(P("t/s/fast"), buf, sizeof buf));
    check(n == 6 && !memcmp(buf, "target", 6), "readlink-fast", "%ld '%.*s'", n, (int)(n > 0 ? n : 0), buf);
    n = E(readlink(P("t/s/slow"), buf, sizeof buf));
    check(n == 200 && !memcmp(buf, slow_target, 200), "readlink-slow", "%ld", n);
    struct stat st;
    lstat(P("t/s/slow"), &st);
    check(S_ISLNK(st.st_mode) && st.st_size == 200, "lstat-slow", "mode %o size %ld", st.st_mode, (long)st.st_size);
    check(!*pat_cmp(P("t/s/fast"), 41, 500), "symlink-follow", "%s", pat_cmp(P("t/s/fast"), 41, 500));
    check_ret("symlink-exists", symlink("x", P("t/s/fast")), -EEXIST);
}

static void test_truncate(void)
{
    const char *p = P("t/tr/f");
    pat_write(p, 51, 10000);
    check_ret("truncate-down", truncate(p, 3000), 0);
    check(!*pat_cmp(p, 51, 3000), "truncate-down-content", "%s", pat_cmp(p, 51, 3000));
    check_ret("truncate-up", truncate(p, 20000), 0);
    int fd = open(p, O_RDONLY);
    static uint8_t buf[20000];
    long r = E(read_all(fd, buf, sizeof buf));
    close(fd);
    check(r == 20000 && pat_diff(buf, 3000, 51, 0) < 0 && is_zero(buf + 3000, 17000), "truncate-up-zeros",
          "read %ld", r);
    fd = open(p, O_RDWR);
    check_ret("ftruncate-zero", ftruncate(fd, 0), 0);
    struct stat st;
    fstat(fd, &st);
    check(st.st_size == 0 && st.st_blocks == 0, "truncate-zero-blocks", "size %ld blocks %ld",
          (long)st.st_size, (long)st.st_blocks);
    close(fd);
    /* Deep truncation: a file through the double-indirect level cut to a few blocks. */
    const char *q = P("t/tr/big");
    pat_write(q, 52, 600000);
    check_ret("truncate-indirect", truncate(q, 5000), 0);
    stat(q, &st);
    check(st.st_blocks <= 16 && !*pat_cmp(q, 52, 5000), "truncate-indirect-freed", "blocks %ld %s",
          (long)st.st_blocks, pat_cmp(q, 52, 5000));
    pat_write(p, 53, 4500);             /* kept for the host check */
}

static void test_sparse(void)
{
    const char *p = P("t/sp/sparse");
    int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
    uint8_t buf[4096];
    pat_fill(buf, sizeof buf, 61, 10 * MiB);
    long w = E(pwrite(fd, buf, sizeof buf, 10 * MiB));
    struct stat st;
    fstat(fd, &st);
    check(w == 4096 && st.st_size == 10 * MiB + 4096 && st.st_blocks <= 64, "sparse-size-blocks",
          "w %ld size %ld blocks %ld", w, (long)st.st_size, (long)st.st_blocks);
    uint8_t hole[8192];
    long r = E(pread(fd, hole, sizeof hole, 5 * MiB));
    check(r == 8192 && is_zero(hole, sizeof hole), "sparse-hole-zero", "read %ld", r);
    r = E(pread(fd, hole, 4096, 10 * MiB));
    check(r == 4096 && pat_diff(hole, 4096, 61, 10 * MiB) < 0, "sparse-data", "read %ld", r);
    close(fd);
}

/* Pieces of the large file: offset past 64 MiB (double/triple indirect with 1 KiB blocks) and
 * past 4 GiB (large_file, i_size_high). scripts/fsimage.py LARGE_PIECES lists the same. */
static const long long large_off[] = { 64 * MiB + 123, 4 * GiB + 3 * 4096 + 7, 5 * GiB + 100 };
#define LARGE_LEN 8192

static void test_large(void)
{
    const char *p = P("t/large");
    int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
    uint8_t buf[LARGE_LEN];
    int ok = fd >= 0;
    long w = 0;
    for (size_t i = 0; i < 3 && ok; i++) {
        pat_fill(buf, LARGE_LEN, 71, (uint64_t)large_off[i]);
        w = E(pwrite(fd, buf, LARGE_LEN, large_off[i]));
        ok = w == LARGE_LEN;
    }
    check(ok, "large-write", "pwrite %ld (%s)", w, w < 0 ? strerror((int)-w) : "");
    struct stat st;
    fstat(fd, &st);
    check(st.st_size == 5 * GiB + 100 + LARGE_LEN && st.st_blocks < 400, "large-size-blocks",
          "size %lld blocks %ld", (long long)st.st_size, (long)st.st_blocks);
    int same = 1;
    for (size_t i = 0; i < 3; i++) {
        memset(buf, 0, sizeof buf);
        long r = E(pread(fd, buf, LARGE_LEN, large_off[i]));
        same &= r == LARGE_LEN && pat_diff(buf, LARGE_LEN, 71, (uint64_t)large_off[i]) < 0;
    }
    long r = E(pread(fd, buf, 4096, 4 * GiB - 4096));
    check(same && r == 4096 && is_zero(buf, 4096), "large-read-back", "pieces %s, hole read %ld", same ? "ok" : "bad", r);
    close(fd);
}

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

static void test_many(void)
{
    enum { N = 300 };
    int bad = 0;
    for (int i = 0; i < N && !bad; i++) {
        int fd = open(P("t/m/file-with-a-longish-name-%03d", i), O_WRONLY | O_CREAT | O_EXCL, 0644);
        char txt[16];
        int n = snprintf(txt, sizeof txt, "%d\n", i);
        bad += fd < 0 || write_all(fd, txt, (size_t)n) != 0;
        close(fd);
    }
    check(!bad, "many-create", "creating failed");
    for (int i = 0; i < N; i += 2)
        bad += unlink(P("t/m/file-with-a-longish-name-%03d", i)) != 0;
    check(!bad, "many-unlink-half", "%d unlinks failed", bad);
    DIR *d = opendir(P("t/m"));
    int seen[N], n = 0, dots = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        int k;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            dots++;
        else if (sscanf(e->d_name, "file-with-a-longish-name-%d", &k) == 1 && n < N && e->d_type == DT_REG)
            seen[n++] = k;
        else
            bad++;
    }
    if (d)
        closedir(d);
    qsort(seen, (size_t)n, sizeof seen[0], cmp_int);
    for (int i = 0; i < n && !bad; i++)
        bad += seen[i] != 2 * i + 1;
    check(!bad && n == N / 2 && dots == 2, "many-list", "%d names, %d dots, %d wrong", n, dots, bad);
    char txt[16] = { 0 };
    int fd = open(P("t/m/file-with-a-longish-name-%03d", 251), O_RDONLY);
    long r = E(read(fd, txt, sizeof txt - 1));
    close(fd);
    check(r == 4 && !strcmp(txt, "251\n"), "many-read", "read %ld '%s'", r, txt);
}

static void test_deep(void)
{
    enum { DEPTH = 40 };
    char path[512];
    int n = snprintf(path, sizeof path, "%s/t/deep", base), bad = mkdir(path, 0755) != 0;
    for (int i = 0; i < DEPTH && !bad; i++) {
        n += snprintf(path + n, sizeof path - (size_t)n, "/d%d", i);
        bad = mkdir(path, 0755) != 0;
    }
    check(!bad, "deep-mkdir", "mkdir %s: %s", path, strerror(errno));
    snprintf(path + n, sizeof path - (size_t)n, "/leaf");
    int e = pat_write(path, 81, 777);
    check(!e && !*pat_cmp(path, 81, 777), "deep-file", "%s %s", strerror(-e), pat_cmp(path, 81, 777));
    struct stat st;
    path[n] = 0;
    stat(path, &st);
    check(S_ISDIR(st.st_mode) && st.st_nlink == 2, "deep-stat", "mode %o nlink %lu", st.st_mode, (unsigned long)st.st_nlink);
}

static void test_meta(void)
{
    const char *p = P("t/meta");
    pat_write(p, 91, 100);
    check_ret("chmod", chmod(p, 0640), 0);
    check_ret("chown", chown(p, 1234, 5678), 0);
    struct timespec ts[2] = { { 1000000000, 0 }, { 1234567890, 0 } };
    check_ret("utimensat", utimensat(AT_FDCWD, p, ts, 0), 0);
    struct stat st;
    stat(p, &st);
    check((st.st_mode & 07777) == 0640 && S_ISREG(st.st_mode) && st.st_uid == 1234 && st.st_gid == 5678,
          "meta-stat", "mode %o uid %u gid %u", st.st_mode, st.st_uid, st.st_gid);
    check(st.st_atim.tv_sec == 1000000000 && st.st_mtim.tv_sec == 1234567890, "meta-times",
          "atime %ld mtime %ld", (long)st.st_atim.tv_sec, (long)st.st_mtim.tv_sec);
    mkdir(P("t/metadir"), 0700);
    chmod(P("t/metadir"), 01755);
    stat(P("t/metadir"), &st);
    check((st.st_mode & 07777) == 01755 && S_ISDIR(st.st_mode), "meta-dir-mode", "mode %o", st.st_mode);
}

static void test_errors(void)
{
    check_ret("err-mkdir-eexist", mkdir(P("t/w"), 0755), -EEXIST);
    check_ret("err-creat-excl", open(P("t/w/f_1"), O_WRONLY | O_CREAT | O_EXCL, 0644), -EEXIST);
    check_ret("err-open-enoent", open(P("t/nosuch"), O_RDONLY), -ENOENT);
    check_ret("err-mkdir-noparent", mkdir(P("t/nosuch/x"), 0755), -ENOENT);
    check_ret("err-rmdir-notempty", rmdir(P("t/w")), -ENOTEMPTY);
    check_ret("err-unlink-dir", unlink(P("t/w")), -EISDIR);
    check_ret("err-open-dir-write", open(P("t/w"), O_WRONLY), -EISDIR);
    check_ret("err-notdir", open(P("t/w/f_1/x"), O_RDONLY), -ENOTDIR);
    check_ret("err-rmdir-file", rmdir(P("t/w/f_1")), -ENOTDIR);
    check_ret("err-rmdir-dot", rmdir(P("t/w/.")), -EINVAL);
}

static void test_statfs(void)
{
    struct statfs sf;
    int r = statfs(base, &sf);
    check(r == 0 && sf.f_type == EXT2_MAGIC && (sf.f_bsize == 1024 || sf.f_bsize == 2048 || sf.f_bsize == 4096) &&
          sf.f_blocks > 0 && sf.f_bfree <= sf.f_blocks && sf.f_bavail <= sf.f_bfree && sf.f_files > 0 &&
          sf.f_ffree < sf.f_files, "statfs", "r %d type %lx bsize %ld blocks %lu free %lu files %lu",
          r, (long)sf.f_type, (long)sf.f_bsize, (unsigned long)sf.f_blocks, (unsigned long)sf.f_bfree,
          (unsigned long)sf.f_files);
}

/* A full disk: write() says ENOSPC, what was written stays readable, deleting gives the space back. */
static void test_enospc(const char *dir)
{
    char path[300];
    snprintf(path, sizeof path, "%s/fill", dir);
    struct statfs before, full, after;
    statfs(dir, &before);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    static uint8_t buf[65536];
    long long total = 0;
    int err = 0;
    for (int i = 0; i < 100000 && fd >= 0; i++) {
        pat_fill(buf, sizeof buf, 99, (uint64_t)total);
        ssize_t w = write(fd, buf, sizeof buf);
        if (w < 0) {
            err = errno;
            break;
        }
        total += w;
    }
    check(err == ENOSPC && total > 0, "enospc-write", "errno %s after %lld bytes", ename(err), total);
    int fs = fsync(fd);
    check(fs == 0 || errno == ENOSPC, "enospc-fsync", "%s", strerror(errno));
    close(fd);
    statfs(dir, &full);
    check(fsize(path) == total && !*pat_cmp(path, 99, (size_t)total), "enospc-content", "size %ld of %lld: %s",
          fsize(path), total, pat_cmp(path, 99, (size_t)total));
    check(full.f_bavail == 0 || full.f_bavail * full.f_bsize < 65536, "enospc-statfs-full", "bavail %lu",
          (unsigned long)full.f_bavail);
    check_ret("enospc-unlink", unlink(path), 0);
    sync();
    statfs(dir, &after);
    check(after.f_bfree == before.f_bfree, "enospc-space-back", "bfree %lu before, %lu after",
          (unsigned long)before.f_bfree, (unsigned long)after.f_bfree);
    snprintf(path, sizeof path, "%s/after", dir);
    int e = pat_write(path, 98, 20000);
    check(!e && !*pat_cmp(path, 98, 20000), "enospc-recovered", "%s", strerror(-e));
}

static void rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char sub[1024];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            rm_rf(sub);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void run_suite(const char *small)
{
    rm_rf(P("t"));
    static const char *const dirs[] = { "t", "t/w", "t/r", "t/u", "t/l", "t/s", "t/tr", "t/sp", "t/m" };
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        mkdir(P("%s", dirs[i]), 0755);
    test_seed();
    test_rw();
    test_rename();
    test_unlink_open();
    test_link();
    test_symlink();
    test_truncate();
    test_sparse();
    test_large();
    test_many();
    test_deep();
    test_meta();
    test_errors();
    test_statfs();
    if (small)
        test_enospc(small);
    else
        say("# no small file system given: ENOSPC checks skipped");
    check_ret("sync", syscall(SYS_sync), 0);
}

/* --- the kill test's writer ---------------------------------------------------------------- */

static void synced(const char *name, const char *path)
{
    int fd = open(path, O_RDONLY);
    static uint8_t buf[65536];
    uint32_t h = FNV_SEED;
    long long len = 0;
    ssize_t r;
    while ((r = read(fd, buf, sizeof buf)) > 0) {
        h = fnv(h, buf, (size_t)r);
        len += r;
    }
    close(fd);
    say("synced %s %lld %08x", name, len, h);
}

static int fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY);
    int r = fd < 0 ? -1 : fsync(fd);
    close(fd);
    return r;
}

/* For ever: a new file written to a temporary name, fsynced, renamed into place, the directory
 * fsynced, reported; every few rounds an append to a log file, fsynced and reported; unsynced
 * scratch files created and unlinked in between. A new generation directory per boot. */
static int run_crash(void)
{
    int gen = 0;
    while (mkdir(P("g%d", gen), 0755) != 0)
        if (errno != EEXIST || ++gen > 10000)
            return say("crash: cannot make a generation directory: %s", strerror(errno)), 1;
    say("crash: generation %d", gen);
    fsync_path(base);
    static uint8_t buf[65536];
    long long loglen = 0;
    for (unsigned i = 0;; i++) {
        uint32_t seed = (uint32_t)(gen * 100000 + i);
        size_t len = 1 + (seed * 2654435761u >> 8) % 40000;
        char tmp[64], fin[64], scratch[64];
        snprintf(tmp, sizeof tmp, "g%d/tmp%u", gen, i);
        snprintf(fin, sizeof fin, "g%d/f%u", gen, i);
        snprintf(scratch, sizeof scratch, "g%d/scratch%u", gen, i % 7);
        if (pat_write(P("%s", tmp), seed, len) || fsync_path(P("%s", tmp)) ||
            rename(P("%s", tmp), P("%s", fin)) || fsync_path(P("g%d", gen)))
            return say("crash: step %u failed: %s", i, strerror(errno)), 1;
        synced(fin, P("%s", fin));
        if (i % 3 == 0) {
            int fd = open(P("g%d/log", gen), O_WRONLY | O_CREAT | O_APPEND, 0644);
            size_t n = 100 + i % 5000;
            pat_fill(buf, n, (uint32_t)gen + 7777, (uint64_t)loglen);
            if (fd < 0 || write_all(fd, buf, n) || fsync(fd))
                return say("crash: log append failed: %s", strerror(errno)), 1;
            close(fd);
            loglen += (long long)n;
            if (i == 0)
                fsync_path(P("g%d", gen));
            synced(P("g%d/log", gen) + strlen(base) + 1, P("g%d/log", gen));
        }
        pat_write(P("%s", scratch), seed ^ 1, len / 2);     /* never synced: may be lost */
        if (i % 7 == 6)
            unlink(P("g%d/scratch%u", gen, i % 5));
    }
}

/* --- bench ----------------------------------------------------------------------------------- */

static double secs(long ms)
{
    return (ms > 0 ? ms : 1) / 1000.0;
}

static int run_bench(void)
{
    enum { BS = 65536, TOTAL = 32 * 1024 * 1024, NFILES = 1000 };
    static uint8_t buf[BS];
    pat_fill(buf, BS, 5, 0);
    rm_rf(P("bench"));
    mkdir(P("bench"), 0755);
    long t0 = now_ms();
    int fd = open(P("bench/seq"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    for (int i = 0; i < TOTAL / BS; i++)
        if (write_all(fd, buf, BS))
            return say("bench: write: %s", strerror(errno)), 1;
    fsync(fd);
    close(fd);
    long t1 = now_ms();
    say("bench: seq-write %.1f MB/s (32 MiB in 64 KiB writes + fsync, %ld ms)", TOTAL / 1e6 / secs(t1 - t0), t1 - t0);
    /* Reading right after writing would read the page cache: first drop it by unmounting
     * when we mounted the disk ourselves (the caller does), else report what we measure. */
    return 0;
}

static int run_bench_read(void)
{
    enum { BS = 65536 };
    static uint8_t buf[BS];
    long t0 = now_ms(), total = 0;
    int fd = open(P("bench/seq"), O_RDONLY);
    ssize_t r;
    while ((r = read(fd, buf, BS)) > 0)
        total += r;
    close(fd);
    long t1 = now_ms();
    say("bench: seq-read %.1f MB/s (%ld bytes in 64 KiB reads, %ld ms)", total / 1e6 / secs(t1 - t0), total, t1 - t0);
    t0 = now_ms();
    for (int i = 0; i < 1000; i++) {
        int f = open(P("bench/c%04d", i), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (f < 0 || write_all(f, buf, 100))
            return say("bench: create: %s", strerror(errno)), 1;
        close(f);
    }
    sync();
    t1 = now_ms();
    say("bench: create %.0f files/s (1000 files of 100 bytes + sync, %ld ms)", 1000 / secs(t1 - t0), t1 - t0);
    return 0;
}

/* --- main ------------------------------------------------------------------------------------ */

static int guest_mount(const char *dev, const char *dir, int quiet)
{
    mkdir(dir, 0755);
    int r = mount(dev, dir, "ext2", 0, NULL);
    if (!quiet)
        check_ret("mount", r, 0);
    return r;
}

int main(int argc, char **argv)
{
    const char *me = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    int guest = argc < 2;
    snprintf(base, sizeof base, "%s", guest ? "/mnt" : argv[1]);
    if (!strcmp(me, "fs_crash")) {
        if (guest && mount("/dev/vda", "/mnt", "ext2", 0, NULL) && (mkdir("/mnt", 0755), mount("/dev/vda", "/mnt", "ext2", 0, NULL)))
            return say("crash: mount: %s", strerror(errno)), 1;
        return run_crash();
    }
    if (!strcmp(me, "fs_bench")) {
        if (guest && guest_mount("/dev/vda", "/mnt", 1))
            return say("bench: mount: %s", strerror(errno)), 1;
        int r = run_bench();
        if (guest && !r) {          /* cold cache for the read: unmount and mount again */
            umount("/mnt");
            guest_mount("/dev/vda", "/mnt", 1);
        }
        r = r ? r : run_bench_read();
        if (guest)
            umount("/mnt");
        return r;
    }
    const char *small = argc > 2 ? argv[2] : NULL;
    if (guest) {
        guest_mount("/dev/vda", "/mnt", 0);
        struct stat st;
        if (stat("/dev/vdb", &st) == 0 && guest_mount("/dev/vdb", "/mnt2", 1) == 0)
            small = "/mnt2";
    }
    run_suite(small);
    if (guest) {
        check_ret("umount", umount("/mnt"), 0);
        if (small)
            umount("/mnt2");
        /* Mounted again, everything comes from the disk, not from caches of the first mount. */
        guest_mount("/dev/vda", "/mnt", 1);
        check(!*pat_cmp("/mnt/t/w/f_1100000", 1100000, 1100000), "remount-content", "%s",
              pat_cmp("/mnt/t/w/f_1100000", 1100000, 1100000));
        check_ret("umount-again", umount("/mnt"), 0);
    }
    return t_done("fs_ext2");
}
