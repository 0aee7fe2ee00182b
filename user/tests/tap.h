/* Shared helpers for the glibc tests in user/tests (header only: every test is one program).
 *
 * Output protocol (read by scripts/qemu-test.py and scripts/host-compare.py):
 *   ok NAME                 a check passed
 *   not ok NAME: reason     a check failed
 *   out: text               a deterministic result, compared with the same program on Linux
 *   anything else           information for a human
 * Every line is written with a single write(2) so lines of concurrent processes never mix,
 * and nothing is buffered in stdio when a process forks.
 * Children report to their parent through their exit status; only the process that started
 * the test prints ok/not ok lines, so the number of ok lines is fixed. */
#ifndef USER_TESTS_TAP_H
#define USER_TESTS_TAP_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

/* Not every test uses every helper. */
#define T_FN static __attribute__((unused))

static int t_failed __attribute__((unused));

T_FN void t_vsay(const char *prefix, const char *fmt, va_list ap)
{
    char buf[1024];
    size_t n = (size_t)snprintf(buf, sizeof buf, "%s", prefix);
    int m = vsnprintf(buf + n, sizeof buf - n - 1, fmt, ap);
    n = m < 0 ? n : (n + (size_t)m < sizeof buf - 1 ? n + (size_t)m : sizeof buf - 2);
    buf[n++] = '\n';
    for (size_t done = 0; done < n;) {
        ssize_t w = write(1, buf + done, n - done);
        if (w <= 0)
            break;
        done += (size_t)w;
    }
}

/* A plain line. */
__attribute__((format(printf, 1, 2))) T_FN void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    t_vsay("", fmt, ap);
    va_end(ap);
}

/* A result line for the host comparison. */
__attribute__((format(printf, 1, 2))) T_FN void out(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    t_vsay("out: ", fmt, ap);
    va_end(ap);
}

/* One check: "ok NAME" if cond, else "not ok NAME: <why>". Returns cond. */
__attribute__((format(printf, 3, 4))) T_FN int check(int cond, const char *name, const char *fmt, ...)
{
    if (cond) {
        say("ok %s", name);
        return 1;
    }
    char prefix[128];
    snprintf(prefix, sizeof prefix, "not ok %s: ", name);
    va_list ap;
    va_start(ap, fmt);
    t_vsay(prefix, fmt, ap);
    va_end(ap);
    t_failed++;
    return 0;
}

/* A system call's result against an expected value or errno (want < 0 means -errno). */
T_FN int check_ret(const char *name, long r, long want)
{
    long got = r < 0 ? -errno : r;
    return check(got == want, name, "returned %ld (%s), expected %ld%s%s", r,
                 r < 0 ? strerror(errno) : "no error", want < 0 ? -want : want,
                 want < 0 ? " = -" : "", want < 0 ? strerrorname_np((int)-want) : "");
}

/* A system call's result captured at once: the value, or -errno on failure. */
T_FN long E(long r)
{
    return r < 0 ? -errno : r;
}

/* errno's symbolic name ("EFAULT"), for out: lines that must match across systems. */
T_FN const char *ename(int e)
{
    const char *n = e ? strerrorname_np(e) : "0";
    return n ? n : "E?";
}

/* A raw syscall's result as "ok" or "-ENAME" (for out: lines). */
T_FN const char *rstr(long r)
{
    static char bufs[4][32];
    static int i;
    char *b = bufs[i++ & 3];
    if (r < 0)
        snprintf(b, 32, "-%s", ename(errno));
    else
        snprintf(b, 32, "%ld", r);
    return b;
}

/* FNV-1a over a NULL-terminated string vector, counting each string's bytes and terminator
 * and the number of strings: echoargs uses it to prove argv/envp arrived exactly. */
T_FN unsigned long long vec_hash(char *const v[], unsigned long long h)
{
    size_t n = 0;
    for (; v && v[n]; n++)
        for (const unsigned char *s = (const unsigned char *)v[n];; s++) {
            h = (h ^ *s) * 1099511628211ULL;
            if (!*s)
                break;
        }
    return (h ^ n) * 1099511628211ULL;
}
#define VEC_HASH_SEED 14695981039346656037ULL

/* wait4 for pid, retrying after signal handlers; returns the status, or -1 - errno. */
T_FN int wait_for(int pid, int options)
{
    int status = 0, r;
    do
        r = (int)wait4(pid, &status, options, NULL);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return -1 - errno;
    return r == 0 ? -1000 : status;
}

/* A wait status in words, the same on every Linux-like system. */
T_FN const char *status_str(int st)
{
    static char bufs[4][48];
    static int i;
    char *b = bufs[i++ & 3];
    if (st == -1000)
        snprintf(b, 48, "no report");
    else if (st < 0)
        snprintf(b, 48, "wait error %s", ename(-1 - st));
    else if (WIFEXITED(st))
        snprintf(b, 48, "exited %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        snprintf(b, 48, "killed by %d", WTERMSIG(st));
    else if (WIFSTOPPED(st))
        snprintf(b, 48, "stopped by %d", WSTOPSIG(st));
    else if (WIFCONTINUED(st))
        snprintf(b, 48, "continued");
    else
        snprintf(b, 48, "status %#x", st);
    return b;
}

/* An address no allocator will hand out during a test (far from the heap and the mmap area
 * on rvix and on Linux), checked to be free: for "unmapped pointer" checks. */
T_FN void *unmapped_addr(void)
{
    for (unsigned long a = 0x1000000000UL; a < 0x2000000000UL; a += 0x10000000UL) {
        void *p = mmap((void *)a, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        if (p == (void *)a) {
            munmap(p, 4096);
            return p;
        }
        if (p != MAP_FAILED)
            munmap(p, 4096);
    }
    return (void *)0x1000000000UL;
}

T_FN const char *yn(int b)
{
    return b ? "yes" : "no";
}

/* A value from E() as "0" or "-ENAME" (for out: lines). */
T_FN const char *vstr(long v)
{
    static char bufs[8][32];
    static int i;
    char *b = bufs[i++ & 7];
    if (v < 0)
        snprintf(b, 32, "-%s", ename((int)-v));
    else
        snprintf(b, 32, "%ld", v);
    return b;
}

/* A value from E() against an expected value or -errno. */
T_FN int check_val(const char *name, long v, long want)
{
    return check(v == want, name, "returned %s, expected %s", vstr(v), vstr(want));
}

T_FN int t_done(const char *prog)
{
    say("%s: %s", prog, t_failed ? "FAILED" : "done");
    return t_failed ? 1 : 0;
}

/* Sleep for ms milliseconds, restarting after signal handlers. */
T_FN void msleep(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L }, rem;
    while (nanosleep(&ts, &rem) != 0 && errno == EINTR)
        ts = rem;
}

/* The monotonic clock in milliseconds, for measuring how long a call took. */
T_FN long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait (at most 3 s) until pid sleeps in the kernel, as /proc/<pid>/stat shows it: the other
 * side of a blocking call is then really blocked. */
T_FN int wait_sleeping(int pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    for (int i = 0; i < 600; i++) {
        int fd = open(path, O_RDONLY);
        ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
        if (fd >= 0)
            close(fd);
        buf[n > 0 ? n : 0] = 0;
        char *paren = strrchr(buf, ')');
        if (paren && paren[1] == ' ' && paren[2] == 'S')
            return 1;
        msleep(5);
    }
    return 0;
}

/* A result compared with Linux: an "out:" line (for scripts/host-compare.py) and a check of
 * the value (or -errno). */
T_FN int res(const char *name, long got, long want)
{
    out("%s: %s", name, vstr(got));
    return check_val(name, got, want);
}

/* A yes/no result compared with Linux, with details for the "not ok" line. */
__attribute__((format(printf, 3, 4))) T_FN int resb(const char *name, int cond, const char *fmt, ...)
{
    out("%s: %s", name, yn(cond));
    if (cond) {
        say("ok %s", name);
        return 1;
    }
    char prefix[128];
    snprintf(prefix, sizeof prefix, "not ok %s: ", name);
    va_list ap;
    va_start(ap, fmt);
    t_vsay(prefix, fmt, ap);
    va_end(ap);
    t_failed++;
    return 0;
}

/* A descriptor or -errno as "fd" or "-ENAME": descriptor numbers are not compared. */
T_FN long fdv(long v)
{
    return v >= 0 ? 0 : v;
}

#endif
