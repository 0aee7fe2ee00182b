/* File mappings through the page cache (issue 13 point 4): MAP_SHARED writes reach read() and
 * every other mapper (forked child, second process), msync, MAP_PRIVATE copy-on-write leaves the
 * file alone, SIGBUS past the end of a truncated file, unlink while mapped, mremap of a file
 * mapping, mmap errors, and two processes running one program sharing its pages. */
#include "tap.h"
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>

#define PG 4096
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#define PATH "/tmp/mmapfile.dat"

static sigjmp_buf jb;
static volatile int last_sig;

static void on_sig(int sig)
{
    last_sig = sig;
    siglongjmp(jb, 1);
}

/* The signal a read of *p raised (0 if none); the byte read goes to *out. */
static int probe(volatile char *p, char *out)
{
    last_sig = 0;
    if (sigsetjmp(jb, 1) == 0)
        *out = *p;
    return last_sig;
}

static int make_file(size_t size, char fill)
{
    int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
    char buf[PG];
    memset(buf, fill, sizeof buf);
    for (size_t done = 0; fd >= 0 && done < size; done += PG)
        if (write(fd, buf, size - done < PG ? size - done : PG) < 0)
            return -1;
    return fd;
}

static char at(int fd, off_t off)
{
    char c = 0;
    if (pread(fd, &c, 1, off) != 1)
        return '?';
    return c;
}

static void test_shared(void)
{
    int fd = make_file(2 * PG, 'a');
    char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (!check(p != MAP_FAILED, "shared-map", "mmap MAP_SHARED: %s", strerror(errno)))
        return;
    p[0] = 'X';
    p[5000] = 'Y';
    check(at(fd, 0) == 'X' && at(fd, 5000) == 'Y', "shared-write-read", "read() sees %c %c", at(fd, 0),
          at(fd, 5000));
    pwrite(fd, "Z", 1, 100);
    check(p[100] == 'Z', "shared-sees-write", "mapping after write(): %c", p[100]);
    int pid = fork();
    if (pid == 0) {
        p[200] = 'C';
        _exit(p[100] == 'Z' ? 0 : 1);
    }
    int st = wait_for(pid, 0);
    check(st == 0 && p[200] == 'C' && at(fd, 200) == 'C', "shared-fork-child",
          "status %d, parent mapping %c, file %c", st, p[200], at(fd, 200));
    /* A second, independent mapping by another process. */
    pid = fork();
    if (pid == 0) {
        int fd2 = open(PATH, O_RDWR);
        char *q = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
        if (q == MAP_FAILED)
            _exit(2);
        q[300] = 'D';
        _exit(q[0] == 'X' ? 0 : 3);
    }
    st = wait_for(pid, 0);
    check(st == 0 && p[300] == 'D', "shared-second-process", "status %d, byte %c", st, p[300]);
    check(msync(p, 2 * PG, MS_SYNC) == 0 && msync(p, PG, MS_ASYNC) == 0 &&
          msync(p + PG, PG, MS_INVALIDATE) == 0, "msync", "msync: %s", strerror(errno));
    check_ret("msync-both", msync(p, PG, MS_SYNC | MS_ASYNC), -EINVAL);
    check_ret("msync-unaligned", msync(p + 1, PG, MS_SYNC), -EINVAL);
    munmap(p, 2 * PG);
    check_ret("msync-unmapped", msync(p, PG, MS_SYNC), -ENOMEM);
    close(fd);
}

static void test_private(void)
{
    int fd = make_file(2 * PG, 'b');
    char *s = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *q = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    s[10] = 'S';
    check(q[10] == 'S', "private-sees-file", "untouched private page: %c", q[10]);
    q[0] = 'P';
    check(at(fd, 0) == 'b' && s[0] == 'b' && q[0] == 'P', "private-cow", "file %c, shared %c, private %c",
          at(fd, 0), s[0], q[0]);
    s[1] = 'T';
    check(q[1] == 'b', "private-copy-kept", "after the copy, a file change shows %c", q[1]);
    munmap(s, 2 * PG);
    munmap(q, 2 * PG);
    close(fd);
}

static void test_sigbus(void)
{
    int fd = make_file(2 * PG, 'c');
    char *p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char c = 0;
    int sig = probe(p + PG, &c);
    check(sig == 0 && c == 'c', "map-before-eof", "signal %d, byte %c", sig, c);
    sig = probe(p + 2 * PG, &c);
    check(sig == SIGBUS, "sigbus-past-eof", "a page past the end: signal %d", sig);
    ftruncate(fd, 100);
    sig = probe(p + PG, &c);
    check(sig == SIGBUS, "sigbus-after-truncate", "truncated page: signal %d", sig);
    sig = probe(p + 200, &c);
    check(sig == 0 && c == 0, "truncate-tail-zero", "past EOF in the last page: signal %d, byte %d", sig, c);
    munmap(p, 3 * PG);
    close(fd);
}

static void test_unlink_mremap(void)
{
    int fd = make_file(2 * PG, 'd');
    char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    unlink(PATH);
    p[1] = 'U';
    check(p[0] == 'd' && p[1] == 'U', "unlinked-mapped", "after unlink+close: %c %c", p[0], p[1]);
    /* Something right after it (if that space is free), so growing has to move. */
    char *blocker = mmap(p + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    char *g = mremap(p, PG, 2 * PG, MREMAP_MAYMOVE);
    check(g != MAP_FAILED && g[1] == 'U' && g[PG] == 'd', "mremap-file", "moved mapping: %s",
          g == MAP_FAILED ? strerror(errno) : "contents differ");
    if (blocker != MAP_FAILED)
        munmap(blocker, PG);
    if (g != MAP_FAILED)
        munmap(g, 2 * PG);
}

static void test_errors(void)
{
    int fd = make_file(PG, 'e');
    int ro = open(PATH, O_RDONLY), wo = open(PATH, O_WRONLY), pfd[2];
    pipe(pfd);
    check_ret("err-no-type", (long)mmap(NULL, PG, PROT_READ, 0, fd, 0), -EINVAL);
    check_ret("err-offset", (long)mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 10), -EINVAL);
    check_ret("err-ebadf", (long)mmap(NULL, PG, PROT_READ, MAP_SHARED, 999, 0), -EBADF);
    check_ret("err-rdonly-shared-write", (long)mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), -EACCES);
    check_ret("err-wronly", (long)mmap(NULL, PG, PROT_READ, MAP_PRIVATE, wo, 0), -EACCES);
    check_ret("err-pipe", (long)mmap(NULL, PG, PROT_READ, MAP_PRIVATE, pfd[0], 0), -ENODEV);
    char *r = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
    check(r != MAP_FAILED && (r[0] = 'w', at(fd, 0) == 'e'), "rdonly-private-write", "%s",
          r == MAP_FAILED ? strerror(errno) : "private write reached the file");
    char *s = mmap(NULL, PG, PROT_READ, MAP_SHARED, ro, 0);
    check_ret("err-mprotect-write-rdonly", mprotect(s, PG, PROT_READ | PROT_WRITE), -EACCES);
    munmap(r, PG);
    munmap(s, PG);
    close(fd);
    close(ro);
    close(wo);
    close(pfd[0]);
    close(pfd[1]);
    unlink(PATH);
}

static long meminfo(const char *key)
{
    char buf[512];
    int fd = open("/proc/meminfo", O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    char *k = strstr(buf, key);
    return k ? strtol(k + strlen(key) + 1, NULL, 10) : -1;
}

/* Start /tests/mmhold and wait for its "ready"; *wfd ends it when closed. */
static int start_hold(int *wfd)
{
    int in[2], outp[2];
    pipe(in);
    pipe(outp);
    int pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(outp[1], 1);
        close(in[1]);
        close(outp[0]);
        execl("/tests/mmhold", "mmhold", NULL);
        _exit(127);
    }
    close(in[0]);
    close(outp[1]);
    char buf[8] = { 0 };
    ssize_t n = read(outp[0], buf, sizeof buf - 1);
    close(outp[0]);
    *wfd = in[1];
    return n == 6 && strcmp(buf, "ready\n") == 0 ? pid : -pid;
}

static void test_shared_text(void)
{
    long c0 = meminfo("Cached:");
    int w1, w2;
    int p1 = start_hold(&w1);
    long c1 = meminfo("Cached:"), f1 = meminfo("MemFree:");
    int p2 = start_hold(&w2);
    long c2 = meminfo("Cached:"), f2 = meminfo("MemFree:");
    close(w1);
    close(w2);
    int s1 = wait_for(p1 < 0 ? -p1 : p1, 0), s2 = wait_for(p2 < 0 ? -p2 : p2, 0);
    say("Cached %ld -> %ld -> %ld kB, MemFree %ld -> %ld kB", c0, c1, c2, f1, f2);
    check(p1 > 0 && p2 > 0 && s1 == 0 && s2 == 0, "hold-ran", "helpers %d %d, status %d %d", p1, p2, s1, s2);
    /* The first run reads the 1 MiB array into the cache (unless an earlier run did). */
    check(c0 >= 0 && c1 >= 1024, "cached-counts", "Cached %ld kB after one run", c1);
    check(c2 - c1 < 64, "text-shared-cache", "a second copy grew Cached by %ld kB", c2 - c1);
    check(f1 - f2 < 512, "text-shared-memory", "a second copy used %ld kB (the array alone is 1024)", f1 - f2);
}

int main(void)
{
    struct sigaction sa = { .sa_handler = on_sig };
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    mkdir("/tmp", 0777);
    test_shared();
    test_private();
    test_sigbus();
    test_unlink_mremap();
    test_errors();
    test_shared_text();
    return t_failed ? 1 : 0;
}
