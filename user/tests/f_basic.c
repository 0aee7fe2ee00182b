/* File layer, part 1: open flags, descriptors and offsets. openat with O_CREAT/O_EXCL/O_TRUNC/
 * O_APPEND/O_DIRECTORY/O_CLOEXEC/O_NONBLOCK, close, read/write/readv/writev/pread64/pwrite64,
 * lseek and holes, dup/dup3/fcntl, offsets shared across dup and fork, close-on-exec across
 * execve, and a 100 KB redirection round trip. Deterministic: its "out:" lines are compared
 * with Linux by scripts/host-compare.py. Works in its own directory under /tmp.
 * "f_basic --fds SPEC" is the helper run by execve (see test_cloexec). */
#include "tap.h"
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#define KERNEL_HALF 0xffffffc000000000UL
#define K_O_LARGEFILE 0100000   /* the kernel's value; glibc defines O_LARGEFILE as 0 on 64-bit */

static char base[64];
static const char *self;        /* argv[0], for execve of the helper */

static const char *P(const char *rel)
{
    static char bufs[8][256];
    static int i;
    char *b = bufs[i++ & 7];
    snprintf(b, 256, "%s/%s", base, rel);
    return b;
}

static long sys_open(const char *path, long flags, long mode)
{
    return E(syscall(SYS_openat, AT_FDCWD, path, flags, mode));
}

static long fsize(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 ? (long)st.st_size : -errno;
}

static long cur(int fd)
{
    return E(lseek(fd, 0, SEEK_CUR));
}

/* The whole file at path as a string (at most n - 1 bytes), or "" if it cannot be read. */
static const char *contents(const char *path, char *buf, size_t n)
{
    buf[0] = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return buf;
    ssize_t r = pread(fd, buf, n - 1, 0);
    buf[r > 0 ? r : 0] = 0;
    close(fd);
    return buf;
}

static int write_file(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -errno;
    ssize_t w = write(fd, s, strlen(s));
    close(fd);
    return w == (ssize_t)strlen(s) ? 0 : -EIO;
}

static void test_open(void)
{
    char buf[64];
    const char *a = P("a");
    long fd = sys_open(a, O_WRONLY | O_CREAT | O_EXCL, 0644);
    res("open-creat-excl-new", fdv(fd), 0);
    res("write-new-file", fd >= 0 ? E(write((int)fd, "hello", 5)) : fd, 5);
    struct stat st;
    long r = fd >= 0 ? E(fstat((int)fd, &st)) : fd;
    resb("creat-mode-regular-0644", r == 0 && st.st_mode == (S_IFREG | 0644) && st.st_size == 5 &&
         st.st_nlink == 1, "fstat %s, mode %#o size %ld nlink %ld", vstr(r), st.st_mode, (long)st.st_size,
         (long)st.st_nlink);
    close((int)fd);

    res("open-creat-excl-exists", fdv(sys_open(a, O_WRONLY | O_CREAT | O_EXCL, 0644)), -EEXIST);
    fd = sys_open(a, O_RDWR | O_CREAT, 0600);
    res("open-creat-existing-keeps-data", fd >= 0 ? fsize((int)fd) : fd, 5);
    resb("open-creat-existing-keeps-mode", fd >= 0 && fstat((int)fd, &st) == 0 && (st.st_mode & 07777) == 0644,
         "mode %#o", st.st_mode);
    close((int)fd);

    res("open-missing", fdv(sys_open(P("missing"), O_RDONLY, 0)), -ENOENT);

    /* O_TRUNC empties it; O_APPEND writes at the end whatever the offset. */
    fd = sys_open(a, O_WRONLY | O_TRUNC, 0);
    res("open-trunc-size", fd >= 0 ? fsize((int)fd) : fd, 0);
    if (fd >= 0 && write((int)fd, "abc", 3) != 3)
        say("write abc failed");
    close((int)fd);
    fd = sys_open(a, O_WRONLY | O_APPEND, 0);
    r = fd >= 0 ? E(lseek((int)fd, 0, SEEK_SET)) : fd;
    r = r == 0 ? E(write((int)fd, "XY", 2)) : r;
    res("append-write", r, 2);
    res("append-offset-after-write", fd >= 0 ? cur((int)fd) : fd, 5);
    r = fd >= 0 ? E(lseek((int)fd, 1, SEEK_SET)) : fd;
    r = r == 1 ? E(write((int)fd, "Z", 1)) : r;
    const char *c = contents(a, buf, sizeof buf);
    out("append-contents: %s", c);
    check(strcmp(c, "abcXYZ") == 0 && r == 1, "append-contents", "file \"%s\", expected \"abcXYZ\" (last write %s)",
          c, vstr(r));
    close((int)fd);

    /* O_APPEND through F_GETFL, exactly as Linux reports it on 64-bit (with O_LARGEFILE). */
    fd = sys_open(a, O_RDWR | O_APPEND, 0);
    r = fd >= 0 ? E(fcntl((int)fd, F_GETFL)) : fd;
    out("getfl-rdwr-append: %#lo", r);
    check(r == (K_O_LARGEFILE | O_RDWR | O_APPEND), "getfl-rdwr-append",
          "F_GETFL %#lo, expected %#o (O_LARGEFILE|O_RDWR|O_APPEND, as Linux sets O_LARGEFILE on 64-bit)",
          r, K_O_LARGEFILE | O_RDWR | O_APPEND);
    resb("getfl-access-and-append", r >= 0 && (r & (O_ACCMODE | O_APPEND | O_NONBLOCK)) == (O_RDWR | O_APPEND),
         "F_GETFL %#lo", r);
    close((int)fd);

    /* O_DIRECTORY, and directories opened for writing or read like files. */
    res("open-directory-on-file", fdv(sys_open(a, O_RDONLY | O_DIRECTORY, 0)), -ENOTDIR);
    long d = sys_open(base, O_RDONLY | O_DIRECTORY, 0);
    res("open-directory-on-dir", fdv(d), 0);
    res("read-directory", d >= 0 ? E(read((int)d, buf, sizeof buf)) : d, -EISDIR);
    res("write-directory", d >= 0 ? E(write((int)d, "x", 1)) : d, -EBADF);
    close((int)d);
    res("open-dir-wronly", fdv(sys_open(base, O_WRONLY, 0)), -EISDIR);
    res("open-dir-rdwr", fdv(sys_open(base, O_RDWR, 0)), -EISDIR);
    res("open-dir-creat", fdv(sys_open(base, O_RDONLY | O_CREAT, 0644)), -EISDIR);

    /* The access mode decides which of read and write work. */
    fd = sys_open(a, O_RDONLY, 0);
    res("write-on-rdonly", fd >= 0 ? E(write((int)fd, "x", 1)) : fd, -EBADF);
    close((int)fd);
    fd = sys_open(a, O_WRONLY, 0);
    res("read-on-wronly", fd >= 0 ? E(read((int)fd, buf, 1)) : fd, -EBADF);
    close((int)fd);

    /* O_NONBLOCK on a regular file: recorded, no effect on reading. */
    fd = sys_open(a, O_RDONLY | O_NONBLOCK, 0);
    r = fd >= 0 ? E(fcntl((int)fd, F_GETFL)) : fd;
    resb("nonblock-in-getfl", r >= 0 && (r & O_NONBLOCK), "F_GETFL %#lo", r);
    res("nonblock-regular-read", fd >= 0 ? E(read((int)fd, buf, sizeof buf)) : fd, 6);
    close((int)fd);

    /* close: once, then EBADF. */
    fd = sys_open(a, O_RDONLY, 0);
    res("close-first", fd >= 0 ? E(close((int)fd)) : fd, 0);
    res("close-again", E(close((int)fd)), -EBADF);
    res("close-minus-one", E(close(-1)), -EBADF);
    res("close-huge", E(close(100000)), -EBADF);
    res("read-closed", E(read((int)fd, buf, 1)), -EBADF);
}

static void test_rw(void)
{
    char buf[128];
    const char *f = P("rw");
    write_file(f, "0123456789");
    int fd = open(f, O_RDWR);
    long r = E(read(fd, buf, 4));
    buf[r > 0 ? r : 0] = 0;
    out("read-4: %s %s", vstr(r), buf);
    check(r == 4 && memcmp(buf, "0123", 4) == 0, "read-4", "read %s \"%s\"", vstr(r), buf);
    memset(buf, 0, sizeof buf);
    r = E(pread(fd, buf, 3, 7));
    out("pread-3-at-7: %s %s", vstr(r), buf);
    check(r == 3 && strcmp(buf, "789") == 0, "pread-3-at-7", "pread %s \"%s\"", vstr(r), buf);
    res("pread-keeps-offset", cur(fd), 4);
    res("pwrite-2-at-1", E(pwrite(fd, "AB", 2, 1)), 2);
    res("pwrite-keeps-offset", cur(fd), 4);
    res("pread-beyond-eof", E(pread(fd, buf, 3, 100)), 0);
    res("pread-negative-offset", E(syscall(SYS_pread64, fd, buf, 3, -1L)), -EINVAL);
    res("pwrite-negative-offset", E(syscall(SYS_pwrite64, fd, "x", 1, -1L)), -EINVAL);

    char a[2], b[3], c[100];
    struct iovec iov[3] = { { a, 2 }, { b, 3 }, { c, 100 } };
    r = E(readv(fd, iov, 3));
    int good = r == 6 && memcmp(a, "45", 2) == 0 && memcmp(b, "678", 3) == 0 && c[0] == '9';
    resb("readv-three-buffers", good, "readv %s: \"%.2s\" \"%.3s\" \"%.1s\"", vstr(r), a, b, c);
    res("readv-offset-at-eof", cur(fd), 10);
    struct iovec wv[3] = { { "xy", 2 }, { "", 0 }, { "z", 1 } };
    res("writev-three-buffers", E(writev(fd, wv, 3)), 3);
    res("read-at-eof", E(read(fd, buf, sizeof buf)), 0);
    res("write-zero-bytes", E(write(fd, buf, 0)), 0);
    res("readv-zero-vectors", E(readv(fd, iov, 0)), 0);
    res("readv-1025-vectors", E(syscall(SYS_readv, fd, iov, 1025)), -EINVAL);
    struct iovec huge[1] = { { buf, (size_t)-1 } };
    res("writev-negative-length", E(syscall(SYS_writev, fd, huge, 1)), -EINVAL);
    const char *s = contents(f, buf, sizeof buf);
    out("rw-contents: %s", s);
    check(strcmp(s, "0AB3456789xyz") == 0, "rw-contents", "\"%s\", expected \"0AB3456789xyz\"", s);

    /* lseek */
    res("lseek-set", E(lseek(fd, 3, SEEK_SET)), 3);
    res("lseek-cur-forward", E(lseek(fd, 2, SEEK_CUR)), 5);
    res("lseek-cur-back", E(lseek(fd, -1, SEEK_CUR)), 4);
    res("lseek-end", E(lseek(fd, 0, SEEK_END)), 13);
    res("lseek-end-back", E(lseek(fd, -3, SEEK_END)), 10);
    res("lseek-negative", E(lseek(fd, -1, SEEK_SET)), -EINVAL);
    res("lseek-before-start", E(lseek(fd, -100, SEEK_CUR)), -EINVAL);
    res("lseek-offset-kept-after-error", cur(fd), 10);
    res("lseek-bad-whence", E(syscall(SYS_lseek, fd, 0L, 5L)), -EINVAL);
    res("lseek-bad-fd", E(lseek(999, 0, SEEK_SET)), -EBADF);

    /* Beyond the end: no size change until a write, then a hole of zeros. */
    long hole_at = 3 * 4096 + 100;
    res("lseek-beyond-eof", E(lseek(fd, hole_at, SEEK_SET)), hole_at);
    res("size-unchanged-by-lseek", fsize(fd), 13);
    res("write-after-hole", E(write(fd, "Q", 1)), 1);
    res("size-after-hole-write", fsize(fd), hole_at + 1);
    static char hole[4 * 4096];
    memset(hole, 0x55, sizeof hole);
    r = E(pread(fd, hole, sizeof hole, 0));
    int zeros = 1;
    for (long i = 13; i < hole_at && r == hole_at + 1; i++)
        zeros &= hole[i] == 0;
    resb("hole-reads-zeros", r == hole_at + 1 && zeros && hole[hole_at] == 'Q' && memcmp(hole, "0AB", 3) == 0,
         "pread %s, zeros %d, last byte %#x", vstr(r), zeros, hole[hole_at]);

    /* Bad buffers: a count that cannot be a buffer size, and buffers whose second page is not
     * mapped (the bytes before the hole are transferred, as on Linux). */
    res("read-huge-count", E(syscall(SYS_read, fd, buf, (size_t)-1)), -EFAULT);
    res("write-huge-count", E(syscall(SYS_write, fd, buf, (size_t)-1)), -EFAULT);
    char *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (two != MAP_FAILED) {
        memset(two, 'w', 4096);
        munmap(two + 4096, 4096);
        int pf = open(P("partial"), O_RDWR | O_CREAT | O_TRUNC, 0644);
        res("write-partly-unmapped-buffer", E(write(pf, two, 8192)), 4096);
        res("write-partly-unmapped-size", fsize(pf), 4096);
        static char eight[8192];
        pwrite(pf, eight, sizeof eight, 0);
        res("read-partly-unmapped-buffer", E(pread(pf, two, 8192, 0)), 4096);
        close(pf);
        munmap(two, 4096);
    } else {
        for (int i = 0; i < 3; i++)
            check(0, "partly-unmapped", "mmap: %s", ename(errno));
    }
    close(fd);

    /* Pipes have no position. */
    int p[2];
    if (pipe(p) == 0) {
        res("lseek-pipe", E(lseek(p[0], 0, SEEK_CUR)), -ESPIPE);
        res("lseek-pipe-write-end", E(lseek(p[1], 0, SEEK_SET)), -ESPIPE);
        res("pread-pipe", E(pread(p[0], buf, 1, 0)), -ESPIPE);
        res("pwrite-pipe", E(pwrite(p[1], "x", 1, 0)), -ESPIPE);
        close(p[0]);
        close(p[1]);
    } else {
        for (int i = 0; i < 4; i++)
            check(0, "pipe", "pipe: %s", ename(errno));
    }
}

static int same_file(int a, int b)
{
    struct stat x, y;
    return fstat(a, &x) == 0 && fstat(b, &y) == 0 && x.st_ino == y.st_ino && x.st_dev == y.st_dev;
}

static void test_dup(void)
{
    char buf[16];
    write_file(P("dup"), "abcdefgh");
    write_file(P("other"), "other");
    int fd = open(P("dup"), O_RDWR);
    long d = E(dup(fd));
    res("dup", fdv(d), 0);
    if (read(fd, buf, 2) != 2)
        say("read failed");
    res("dup-shares-offset", cur((int)d), 2);
    res("dup-no-cloexec", E(fcntl((int)d, F_GETFD)), 0);
    res("dup-bad-fd", E(dup(999)), -EBADF);
    close((int)d);

    res("dup3-same-fd", E(dup3(fd, fd, 0)), -EINVAL);
    res("dup3-same-fd-not-open", E(syscall(SYS_dup3, 60, 60, 0)), -EINVAL);
    res("dup3-bad-old", E(dup3(60, 61, 0)), -EBADF);
    res("dup3-bad-new", E(dup3(fd, -1, 0)), -EBADF);
    res("dup3-bad-flags", E(syscall(SYS_dup3, fd, 50, O_NONBLOCK)), -EINVAL);
    res("dup3-cloexec", E(dup3(fd, 50, O_CLOEXEC)), 50);
    res("dup3-cloexec-set", E(fcntl(50, F_GETFD)), FD_CLOEXEC);
    int o = open(P("other"), O_RDONLY);
    res("dup3-over-open", E(dup3(fd, o, 0)), o);
    resb("dup3-over-open-replaces", same_file(fd, o), "descriptor %d does not name the file of %d", o, fd);
    res("dup3-over-open-no-cloexec", E(fcntl(o, F_GETFD)), 0);
    close(o);
    close(50);

    res("f_dupfd-40", E(fcntl(fd, F_DUPFD, 40)), 40);
    res("f_dupfd-40-next", E(fcntl(fd, F_DUPFD, 40)), 41);
    res("f_dupfd-cloexec", E(fcntl(fd, F_DUPFD_CLOEXEC, 40)), 42);
    res("f_dupfd-cloexec-set", E(fcntl(42, F_GETFD)), FD_CLOEXEC);
    res("f_dupfd-no-cloexec", E(fcntl(40, F_GETFD)), 0);
    res("f_dupfd-shares-offset", cur(41), 2);
    res("f_dupfd-negative", E(fcntl(fd, F_DUPFD, -1)), -EINVAL);
    close(40);
    close(41);
    close(42);
    res("f_dupfd-lowest-free", E(fcntl(fd, F_DUPFD, 0)), 4);
    close(4);

    res("f_setfd-cloexec", E(fcntl(fd, F_SETFD, FD_CLOEXEC)), 0);
    res("f_getfd-cloexec", E(fcntl(fd, F_GETFD)), FD_CLOEXEC);
    res("f_setfd-clear", E(fcntl(fd, F_SETFD, 0)), 0);
    res("f_getfd-clear", E(fcntl(fd, F_GETFD)), 0);

    /* F_SETFL changes O_APPEND and O_NONBLOCK, not the access mode. */
    long fl = E(fcntl(fd, F_GETFL));
    res("f_getfl-access", fl < 0 ? fl : (fl & O_ACCMODE), O_RDWR);
    res("f_setfl-append-nonblock", E(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK)), 0);
    fl = E(fcntl(fd, F_GETFL));
    res("f_getfl-append-nonblock", fl < 0 ? fl : (fl & (O_ACCMODE | O_APPEND | O_NONBLOCK)),
        O_RDWR | O_APPEND | O_NONBLOCK);
    lseek(fd, 0, SEEK_SET);
    long w = E(write(fd, "!", 1));
    res("f_setfl-append-writes-at-end", w == 1 ? cur(fd) : w, 9);
    res("f_setfl-clear", E(fcntl(fd, F_SETFL, 0)), 0);
    fl = E(fcntl(fd, F_GETFL));
    res("f_getfl-cleared", fl < 0 ? fl : (fl & (O_ACCMODE | O_APPEND | O_NONBLOCK)), O_RDWR);
    fcntl(fd, F_SETFL, O_WRONLY);
    fl = E(fcntl(fd, F_GETFL));
    res("f_setfl-keeps-access-mode", fl < 0 ? fl : (fl & O_ACCMODE), O_RDWR);
    res("fcntl-bad-cmd", E(fcntl(fd, 9999)), -EINVAL);
    res("fcntl-bad-fd", E(fcntl(999, F_GETFD)), -EBADF);
    close(fd);
}

/* Helper mode, after execve: SPEC is "fd:wantopen:wantoffset,..." (wantoffset -1: any); exit status
 * bit i is set when descriptor i of the list is not as wanted. */
static int fds_helper(const char *spec)
{
    int bad = 0, i = 0;
    for (const char *s = spec; *s && i < 8; i++) {
        char *end;
        long fd = strtol(s, &end, 10);
        long want_open = strtol(end + 1, &end, 10);
        long want_off = strtol(end + 1, &end, 10);
        s = *end ? end + 1 : end;
        long fl = fcntl((int)fd, F_GETFD);
        int is_open = fl >= 0;
        if (is_open != want_open || (is_open && fl != 0) ||
            (is_open && want_off >= 0 && lseek((int)fd, 0, SEEK_CUR) != want_off))
            bad |= 1 << i;
    }
    return bad;
}

/* RLIMIT_NOFILE bounds descriptor numbers (in a child, so ours stays as it is). */
static void test_nofile_limit(void)
{
    int pid = fork();
    if (pid == 0) {
        struct rlimit rl;
        getrlimit(RLIMIT_NOFILE, &rl);
        rl.rlim_cur = 8;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
            _exit(100);
        for (int fd = 3; fd < 64; fd++)
            close(fd);
        int last = -1;
        long r;
        while ((r = E(open("/dev/null", O_RDONLY))) >= 0 && r < 64)
            last = (int)r;
        int bad = (last != 7) | (r != -EMFILE) << 1;
        bad |= (E(dup(0)) != -EMFILE) << 2;
        bad |= (E(dup3(0, 8, 0)) != -EBADF) << 3;
        bad |= (E(fcntl(0, F_DUPFD, 8)) != -EINVAL) << 4;
        bad |= (E(fcntl(0, F_DUPFD, 5)) != -EMFILE) << 5;
        close(7);
        bad |= (E(dup(0)) != 7) << 6;
        _exit(bad);
    }
    int st = wait_for(pid, 0);
    out("rlimit-nofile: %s", status_str(st));
    check(st == 0, "rlimit-nofile", "child %s (bits: 1 last fd not 7, 2 open not EMFILE, 4 dup, 8 dup3 not EBADF, "
          "16 F_DUPFD at the limit not EINVAL, 32 F_DUPFD below it not EMFILE, 64 freed fd not reused; 100 "
          "setrlimit failed)", status_str(st));
}

static void test_cloexec(void)
{
    write_file(P("ce"), "0123456789");
    int a = open(P("ce"), O_RDONLY | O_CLOEXEC);     /* closed by exec */
    int b = open(P("ce"), O_RDONLY);                 /* kept, offset kept */
    lseek(b, 3, SEEK_SET);
    int c = dup3(b, 20, O_CLOEXEC);                   /* closed */
    int d = fcntl(b, F_DUPFD_CLOEXEC, 21);            /* closed */
    int e = fcntl(b, F_DUPFD, 22);                    /* F_SETFD on, then off: kept */
    fcntl(e, F_SETFD, FD_CLOEXEC);
    fcntl(e, F_SETFD, 0);
    int f = dup(b);                                    /* F_SETFD on: closed */
    fcntl(f, F_SETFD, FD_CLOEXEC);
    res("o_cloexec-getfd", E(fcntl(a, F_GETFD)), FD_CLOEXEC);
    char spec[128];
    snprintf(spec, sizeof spec, "%d:0:-1,%d:1:3,%d:0:-1,%d:0:-1,%d:1:3,%d:0:-1", a, b, c, d, e, f);
    int pid = fork();
    if (pid == 0) {
        char *argv[] = { (char *)self, "--fds", spec, NULL };
        char *envp[] = { NULL };
        execve(self, argv, envp);
        _exit(127);
    }
    int st = wait_for(pid, 0);
    out("cloexec-after-execve: %s", status_str(st));
    check(st == 0, "cloexec-after-execve", "helper %s: %s (status bit i: descriptor i of %s wrong; 127: exec "
          "failed)", self, status_str(st), spec);
    close(a);
    close(b);
    close(c);
    close(d);
    close(e);
    close(f);
}

static void test_fork_offset(void)
{
    char buf[64];
    int fd = open(P("fork"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    int pid = fork();
    if (pid == 0)
        _exit(write(fd, "child-", 6) == 6 ? 0 : 1);
    int st = wait_for(pid, 0);
    long w = E(write(fd, "parent", 6));
    const char *s = contents(P("fork"), buf, sizeof buf);
    out("fork-shared-offset: %s %s", status_str(st), s);
    check(st == 0 && w == 6 && strcmp(s, "child-parent") == 0, "fork-shared-offset",
          "child %s, parent write %s, file \"%s\" (expected \"child-parent\")", status_str(st), vstr(w), s);
    pid = fork();
    if (pid == 0)
        _exit(lseek(fd, 2, SEEK_SET) == 2 ? 0 : 1);
    wait_for(pid, 0);
    res("fork-child-lseek-seen", cur(fd), 2);
    int other = open(P("fork"), O_RDONLY);
    res("separate-open-own-offset", cur(other), 0);
    close(other);
    close(fd);
}

#define BIG (100 * 1024)

static unsigned char pattern(size_t i)
{
    return (unsigned char)(i * 7 + i / 251);
}

/* A child writes the pattern to its standard output redirected to a file; another reads it back
 * through its standard input; the parent reads the file itself. */
static void test_roundtrip(void)
{
    static unsigned char data[BIG], back[BIG + 100];
    static const size_t chunks[] = { 1, 4095, 4097, 10000, 3, 65536, 511 };
    for (size_t i = 0; i < BIG; i++)
        data[i] = pattern(i);
    int fd = open(P("big"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int pid = fork();
    if (pid == 0) {
        if (dup2(fd, 1) != 1)
            _exit(2);
        size_t done = 0;
        for (int k = 0; done < BIG; k++) {
            size_t n = chunks[k % 7] < BIG - done ? chunks[k % 7] : BIG - done;
            if (write(1, data + done, n) != (ssize_t)n)
                _exit(1);
            done += n;
        }
        _exit(0);
    }
    int st = wait_for(pid, 0);
    close(fd);
    res("redirect-writer", st, 0);
    fd = open(P("big"), O_RDONLY);
    res("redirect-size", fsize(fd), BIG);
    size_t got = 0;
    for (;;) {
        ssize_t r = read(fd, back + got, 3000 < sizeof back - got ? 3000 : sizeof back - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    size_t bad = BIG;
    for (size_t i = 0; i < BIG && got == BIG; i++)
        if (back[i] != data[i]) {
            bad = i;
            break;
        }
    resb("redirect-readback-exact", got == BIG && bad == BIG, "read %zu bytes, first difference at %zu",
         got, bad);
    lseek(fd, 0, SEEK_SET);
    pid = fork();
    if (pid == 0) {
        if (dup2(fd, 0) != 0)
            _exit(2);
        size_t n = 0;
        unsigned char c[777];
        for (;;) {
            ssize_t r = read(0, c, sizeof c);
            if (r < 0)
                _exit(3);
            if (r == 0)
                break;
            for (ssize_t i = 0; i < r; i++, n++)
                if (c[i] != pattern(n))
                    _exit(1);
        }
        _exit(n == BIG ? 0 : 4);
    }
    st = wait_for(pid, 0);
    out("redirect-stdin-reader: %s", status_str(st));
    check(st == 0, "redirect-stdin-reader", "reader %s (1: wrong byte, 4: wrong length)", status_str(st));
    close(fd);
}

static void rm_rf(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (fd < 0) {
        unlink(path);
        return;
    }
    char buf[4096];
    for (;;) {
        long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
        if (n <= 0)
            break;
        for (long off = 0; off < n;) {
            const char *name = buf + off + 19;
            unsigned short reclen;
            memcpy(&reclen, buf + off + 16, 2);
            off += reclen;
            if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                continue;
            char sub[512];
            snprintf(sub, sizeof sub, "%s/%s", path, name);
            rm_rf(sub);
        }
    }
    close(fd);
    rmdir(path);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--fds") == 0)
        return fds_helper(argv[2]);
    self = argv[0];
    umask(022);
    snprintf(base, sizeof base, "/tmp/f_basic.%d", getpid());
    rm_rf(base);
    if (mkdir(base, 0755) != 0) {
        check(0, "setup", "mkdir %s: %s", base, ename(errno));
        return 1;
    }
    test_open();
    test_rw();
    test_dup();
    test_nofile_limit();
    test_cloexec();
    test_fork_offset();
    test_roundtrip();
    rm_rf(base);
    return t_done("f_basic");
}
