/* Block devices: /dev/vda (a pattern the harness wrote: byte i is PAT(i)), /dev/vdb (read-only)
 * and /dev/vdc (blkdebug fails reads at 1 MiB). Raw reads, writes read back (the harness checks
 * them in the image too), odd offsets, the end of the disk, ioctls, concurrent readers. */
#include "../tests/tap.h"     /* dynamically linked: the initramfs has no room for one more static program */
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define DISK (4u << 20)
#define PAT(i) ((uint8_t)(((i) * 7u) ^ ((i) >> 9)))
#define BLKGETSIZE64 0x80081272
#define BLKSSZGET 0x1268
#define BLKGETSIZE 0x1260
#define BLKROGET 0x125e
#define BLKFLSBUF 0x1261

static int pattern_ok(const uint8_t *b, uint64_t off, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i] != PAT(off + i))
            return 0;
    return 1;
}

static void test_info(int fd)
{
    struct stat st;
    uint64_t size = 0;
    unsigned long secs = 0;
    int ssz = 0;
    check(fstat(fd, &st) == 0 && S_ISBLK(st.st_mode) && major(st.st_rdev) == 254 && minor(st.st_rdev) == 0,
          "vda-stat", "mode %o rdev %lx", st.st_mode, (unsigned long)st.st_rdev);
    check(ioctl(fd, BLKGETSIZE64, &size) == 0 && size == DISK, "blkgetsize64", "%llu", (unsigned long long)size);
    check(ioctl(fd, BLKGETSIZE, &secs) == 0 && secs == DISK / 512, "blkgetsize", "%lu", secs);
    check(ioctl(fd, BLKSSZGET, &ssz) == 0 && ssz == 512, "blksszget", "%d", ssz);
    check(lseek(fd, 0, SEEK_END) == DISK, "seek-end", "%s", strerror(errno));
    check(ioctl(fd, 0x5401, &ssz) < 0 && errno == ENOTTY, "ioctl-enotty", "%s", strerror(errno));
}

static void test_reads(int fd)
{
    static uint8_t buf[65536];
    int good = 1;
    for (uint64_t off = 0; off < DISK && good; off += sizeof buf)
        good = pread(fd, buf, sizeof buf, (off_t)off) == (ssize_t)sizeof buf && pattern_ok(buf, off, sizeof buf);
    check(good, "read-whole", "pattern mismatch or short read");
    ssize_t r = pread(fd, buf, 1000, 12345);
    check(r == 1000 && pattern_ok(buf, 12345, 1000), "read-odd", "r=%zd", r);
    r = pread(fd, buf, 7000, 4095);     /* crosses pages and sectors */
    check(r == 7000 && pattern_ok(buf, 4095, 7000), "read-cross", "r=%zd", r);
    check(pread(fd, buf, 100, DISK) == 0, "read-at-end", "not EOF");
    r = pread(fd, buf, 100, DISK - 10);
    check(r == 10 && pattern_ok(buf, DISK - 10, 10), "read-past-end", "r=%zd", r);
}

static void test_writes(int fd)
{
    static uint8_t buf[8192], back[8192];
    check(pwrite(fd, "x", 1, DISK) < 0 && errno == ENOSPC, "write-past-end", "%s", strerror(errno));
    for (int i = 0; i < 3000; i++)
        buf[i] = (uint8_t)('A' + i % 26);
    ssize_t w = pwrite(fd, buf, 3000, (1 << 20) + 77);
    ssize_t r = pread(fd, back, 3002, (1 << 20) + 76);
    check(w == 3000 && r == 3002 && memcmp(back + 1, buf, 3000) == 0 && back[0] == PAT((1u << 20) + 76) &&
          back[3001] == PAT((1u << 20) + 77 + 3000), "write-odd", "w=%zd r=%zd", w, r);
    memset(buf, 0xa5, sizeof buf);
    w = pwrite(fd, buf, sizeof buf, 2 << 20);
    check(w == (ssize_t)sizeof buf && fsync(fd) == 0 && ioctl(fd, BLKFLSBUF, 0) == 0, "write-aligned-fsync",
          "w=%zd %s", w, strerror(errno));
    r = pread(fd, back, sizeof back, 2 << 20);
    check(r == (ssize_t)sizeof back && memcmp(back, buf, sizeof buf) == 0, "write-readback", "r=%zd", r);
    check(lseek(fd, DISK - 2, SEEK_SET) == DISK - 2 && write(fd, "zz", 2) == 2 && write(fd, "z", 1) < 0 &&
          errno == ENOSPC, "write-to-end", "%s", strerror(errno));
}

/* Several processes read disjoint regions at once: requests in flight together. */
static void test_concurrent(void)
{
    int pids[4];
    for (int c = 0; c < 4; c++) {
        pids[c] = fork();
        if (pids[c] == 0) {
            static uint8_t buf[16384];
            int fd = open("/dev/vda", O_RDONLY);
            for (int round = 0; round < 8; round++)
                /* [2.5 MiB, 3.5 MiB): bytes test_writes left alone */
                for (uint64_t off = (5u << 19) + (uint64_t)c * (256 << 10);
                     off < (5u << 19) + (uint64_t)(c + 1) * (256 << 10); off += sizeof buf)
                    if (pread(fd, buf, sizeof buf, (off_t)off) != (ssize_t)sizeof buf || !pattern_ok(buf, off, sizeof buf))
                        _exit(1);
            _exit(0);
        }
    }
    int bad = 0;
    for (int c = 0; c < 4; c++) {
        int st = 0;
        if (pids[c] < 0 || waitpid(pids[c], &st, 0) != pids[c] || !WIFEXITED(st) || WEXITSTATUS(st))
            bad++;
    }
    check(bad == 0, "concurrent-readers", "%d of 4 readers failed", bad);
}

static void test_readonly(void)
{
    int ro = 0;
    char b[512];
    check(open("/dev/vdb", O_RDWR) < 0 && errno == EROFS, "ro-open-rdwr", "%s", strerror(errno));
    int fd = open("/dev/vdb", O_RDONLY);
    check(fd >= 0 && ioctl(fd, BLKROGET, &ro) == 0 && ro == 1 && pread(fd, b, sizeof b, 0) == 512,
          "ro-read", "fd %d ro %d %s", fd, ro, strerror(errno));
    close(fd);
    /* vdb's MBR has one partition: sectors 2048..6143 of the disk */
    uint64_t size = 0;
    uint8_t p[512];
    fd = open("/dev/vdb1", O_RDONLY);
    check(fd >= 0 && ioctl(fd, BLKGETSIZE64, &size) == 0 && size == (2u << 20) && pread(fd, p, 512, 0) == 512 &&
          pattern_ok(p, 1u << 20, 512) && pread(fd, p, 512, 2u << 20) == 0 && open("/dev/vdc1", O_RDONLY) < 0,
          "mbr-partition", "fd %d size %llu %s", fd, (unsigned long long)size, strerror(errno));
    close(fd);
}

static void test_eio(void)
{
    char b[4096];
    int fd = open("/dev/vdc", O_RDONLY);
    check(fd >= 0 && pread(fd, b, sizeof b, 0) == sizeof b, "eio-good-read", "%s", strerror(errno));
    check(pread(fd, b, sizeof b, 1 << 20) < 0 && errno == EIO, "eio-bad-read", "%s", strerror(errno));
    check(pread(fd, b, sizeof b, 8192) == sizeof b, "eio-then-ok", "%s", strerror(errno));
    close(fd);
}

static void test_counters(void)
{
    char buf[4096];
    int fd = open("/proc/counters", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    buf[n > 0 ? n : 0] = 0;
    char *l = strstr(buf, "blk_vda reads ");
    check(l && atol(l + 14) > 64 && strstr(buf, "blk_vdc") && strstr(buf, "errors 1"), "counters", "%s", buf);
    close(fd);
}

/* Run box's tool with argv; its exit status (-1 if it could not run). */
static int run_tool(char *const argv[])
{
    int pid = fork();
    if (pid == 0) {
        int nul = open("/dev/null", O_WRONLY);
        dup2(nul, 2);
        if (!strcmp(argv[0], "df"))
            dup2(nul, 1);
        execv("/bin/box", argv);
        _exit(127);
    }
    int st = 0;
    return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* dd from the disk (skip=) into a file, and from the file back onto the disk (seek=, notrunc). */
static void test_tools(void)
{
    static uint8_t buf[8193];
    int st = run_tool((char *[]){ "dd", "if=/dev/vda", "of=/tmp/dd.out", "bs=4k", "skip=700", "count=2", NULL });
    int fd = open("/tmp/dd.out", O_RDONLY);
    ssize_t r = fd >= 0 ? read(fd, buf, sizeof buf) : -1;
    close(fd);
    check(st == 0 && r == 8192 && pattern_ok(buf, 700 * 4096, 8192), "dd-read", "status %d, %zd bytes", st, r);
    st = run_tool((char *[]){ "dd", "if=/tmp/dd.out", "of=/dev/vda", "bs=512", "seek=7000", "count=3",
                              "conv=notrunc", NULL });
    fd = open("/dev/vda", O_RDONLY);
    r = fd >= 0 ? pread(fd, buf, 1536, 7000 * 512) : -1;
    close(fd);
    check(st == 0 && r == 1536 && pattern_ok(buf, 700 * 4096, 1536), "dd-write", "status %d, %zd", st, r);
    check(run_tool((char *[]){ "df", NULL }) == 0, "df", "df failed");
}

/* blk-timeout: /dev/vda is throttled (QEMU lets a burst through first): reads go on until one
 * outlasts the timeout and fails with EIO; after that the failed disk answers EIO at once. */
static int timeout_main(void)
{
    static char b[4096];
    int fd = open("/dev/vda", O_RDONLY), n = 0, err = 0;
    check(fd >= 0 && pread(fd, b, 512, 512) == 512, "slow-sector", "%s", strerror(errno));
    for (n = 0; n < 32 && !err; n++)
        err = pread(fd, b, sizeof b, (off_t)(8192 + n * 4096)) < 0 ? errno : 0;
    check(err == EIO, "timeout-eio", "after %d reads: %s", n, strerror(err));
    time_t t0 = time(NULL);
    check(pread(fd, b, 512, 0) < 0 && errno == EIO && time(NULL) - t0 < 3, "failed-disk-fast", "%s, %ld s",
          strerror(errno), (long)(time(NULL) - t0));
    return t_failed != 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char mark[8] = "";
    int mfd = open("/dev/vda", O_RDONLY);
    if (mfd >= 0 && pread(mfd, mark, sizeof mark, 0) == (ssize_t)sizeof mark && !memcmp(mark, "TIMEOUT!", 8))
        return close(mfd), timeout_main();
    close(mfd);
    int fd = open("/dev/vda", O_RDWR);
    if (!check(fd >= 0, "vda-open", "%s", strerror(errno)))
        return 1;
    test_info(fd);
    test_reads(fd);
    test_writes(fd);
    close(fd);
    test_concurrent();
    test_readonly();
    test_eio();
    test_counters();
    test_tools();
    return t_failed != 0;
}
