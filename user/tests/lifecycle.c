/* The small process and system calls through glibc: getppid/gettid/set_tid_address, resource
 * limits (getrlimit/setrlimit/prlimit64), the uid family, uname, getrandom, sysinfo, times,
 * getrusage, gettimeofday, clock_gettime/getres/nanosleep, nanosleep, sched_yield. */
#include "tap.h"
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/time.h>
#include <sys/utsname.h>

static long ns_between(const struct timespec *a, const struct timespec *b)
{
    return (b->tv_sec - a->tv_sec) * 1000000000L + (b->tv_nsec - a->tv_nsec);
}

static void test_ids(void)
{
    int me = getpid();
    pid_t pid = fork();
    if (pid == 0)
        _exit(getppid() == me ? 0 : 1);
    int st = wait_for(pid, 0);
    check(st == 0, "getppid", "child saw another parent: %s", status_str(st));
    check(gettid() == getpid(), "gettid", "gettid %d, getpid %d", gettid(), getpid());
    int dummy;
    long tid = syscall(SYS_set_tid_address, &dummy);
    check(tid == gettid(), "set-tid-address", "returned %ld", tid);
    check(getuid() == 0 && geteuid() == 0 && getgid() == 0 && getegid() == 0, "uid-family-root",
          "uid %d euid %d gid %d egid %d", getuid(), geteuid(), getgid(), getegid());
}

static void test_rlimits(void)
{
    struct rlimit rl = { 0, 0 }, rl2 = { 0, 0 };
    check(getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur == 8UL << 20, "getrlimit-stack",
          "RLIMIT_STACK soft %#lx, want 8 MiB", (unsigned long)rl.rlim_cur);
    check(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur > 0 && rl.rlim_cur <= rl.rlim_max, "getrlimit-nofile",
          "soft %lu hard %lu", (unsigned long)rl.rlim_cur, (unsigned long)rl.rlim_max);
    rl.rlim_cur = 64;
    rl.rlim_max = 128;
    check(setrlimit(RLIMIT_CORE, &rl) == 0 && getrlimit(RLIMIT_CORE, &rl2) == 0 && rl2.rlim_cur == 64 &&
          rl2.rlim_max == 128, "setrlimit-readback", "core limit %lu/%lu", (unsigned long)rl2.rlim_cur,
          (unsigned long)rl2.rlim_max);
    rl.rlim_cur = 200;
    check_ret("setrlimit-soft-above-hard", setrlimit(RLIMIT_CORE, &rl), -EINVAL);
    check_ret("getrlimit-bad-resource", syscall(SYS_getrlimit, 99, &rl), -EINVAL);
    /* prlimit64 on a child: read and set its limits from outside. */
    pid_t pid = fork();
    if (pid == 0) {
        msleep(100);
        struct rlimit r;
        getrlimit(RLIMIT_CORE, &r);
        _exit(r.rlim_cur == 32 ? 0 : 1);
    }
    struct rlimit newl = { 32, 128 }, oldl;
    long r = syscall(SYS_prlimit64, pid, RLIMIT_CORE, &newl, &oldl);
    int st = wait_for(pid, 0);
    check(r == 0 && oldl.rlim_cur == 64 && st == 0, "prlimit64-child", "prlimit64 %ld, old soft %lu, child: %s",
          r, (unsigned long)oldl.rlim_cur, status_str(st));
    check_ret("prlimit64-esrch", syscall(SYS_prlimit64, 99999, RLIMIT_CORE, NULL, &oldl), -ESRCH);
    /* Limits are inherited across fork. */
    pid = fork();
    if (pid == 0) {
        struct rlimit r2;
        getrlimit(RLIMIT_CORE, &r2);
        _exit(r2.rlim_cur == 64 && r2.rlim_max == 128 ? 0 : 1);
    }
    check(wait_for(pid, 0) == 0, "rlimit-inherited", "child has other limits");
}

static void test_uname(void)
{
    struct utsname u;
    int r = uname(&u);
    say("lifecycle: uname: %s %s %s %s %s", u.sysname, u.nodename, u.release, u.version, u.machine);
    check(r == 0 && strcmp(u.sysname, "Linux") == 0 && strcmp(u.machine, "riscv64") == 0 && u.release[0],
          "uname", "sysname \"%s\" machine \"%s\" release \"%s\"", u.sysname, u.machine, u.release);
}

static void test_random(void)
{
    unsigned char a[64], b[64];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    ssize_t ra = getrandom(a, sizeof a, 0), rb = getrandom(b, sizeof b, GRND_NONBLOCK);
    int zeros = 0;
    for (size_t i = 0; i < sizeof a; i++)
        zeros += a[i] == 0;
    check(ra == 64 && rb == 64 && memcmp(a, b, sizeof a) != 0 && zeros < 8, "getrandom",
          "returned %zd and %zd, equal %d, zero bytes %d", ra, rb, memcmp(a, b, sizeof a) == 0, zeros);
    check_ret("getrandom-bad-flags", syscall(SYS_getrandom, a, 8, 0x100), -EINVAL);
    char *big = malloc(1 << 20);
    ssize_t rbig = getrandom(big, 1 << 20, 0);
    check(rbig > 0 && rbig <= (1 << 20), "getrandom-large", "1 MiB request returned %zd", rbig);
    free(big);
}

static void test_sysinfo(void)
{
    struct sysinfo si;
    int r = sysinfo(&si);
    check(r == 0 && si.totalram > 0 && si.freeram > 0 && si.freeram <= si.totalram && si.mem_unit > 0 &&
          si.procs >= 1 && si.uptime >= 0, "sysinfo", "total %lu free %lu unit %u procs %u uptime %ld",
          si.totalram, si.freeram, si.mem_unit, si.procs, si.uptime);
    pid_t pid = fork();
    if (pid == 0) {
        msleep(100);
        _exit(0);
    }
    struct sysinfo si2;
    sysinfo(&si2);
    wait_for(pid, 0);
    check(si2.procs == si.procs + 1, "sysinfo-procs", "procs %u with one more child, %u before", si2.procs,
          si.procs);
}

static void spin_ms(long ms)
{
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    do
        clock_gettime(CLOCK_MONOTONIC, &b);
    while (ns_between(&a, &b) < ms * 1000000L);
}

static void test_times(void)
{
    long hz = sysconf(_SC_CLK_TCK);
    struct tms t0, t1;
    clock_t c0 = times(&t0);
    spin_ms(200);
    clock_t c1 = times(&t1);
    long spent = (long)(t1.tms_utime + t1.tms_stime - t0.tms_utime - t0.tms_stime);
    long wall = (long)(c1 - c0);
    check(spent >= hz / 10 && spent <= hz / 2 && wall >= hz / 10 && wall <= hz, "times-spin",
          "200 ms of spinning: %ld CPU ticks, %ld elapsed ticks, %ld per second", spent, wall, hz);
    pid_t pid = fork();
    if (pid == 0) {
        spin_ms(200);
        _exit(0);
    }
    wait_for(pid, 0);
    struct tms t2;
    times(&t2);
    long child = (long)(t2.tms_cutime + t2.tms_cstime - t1.tms_cutime - t1.tms_cstime);
    check(child >= hz / 10 && child <= hz / 2, "times-children", "a child's 200 ms: %ld ticks", child);
    struct rusage ru;
    check(getrusage(RUSAGE_SELF, &ru) == 0 && ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec +
          ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec >= 150000, "getrusage-self", "user %ld.%06ld",
          (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec);
    check(getrusage(RUSAGE_CHILDREN, &ru) == 0 && ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec +
          ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec >= 100000, "getrusage-children",
          "children user %ld.%06ld", (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec);
}

static void test_clocks(void)
{
    struct timespec m0, m1, r0, res;
    struct timeval tv;
    clock_gettime(CLOCK_MONOTONIC, &m0);
    clock_gettime(CLOCK_REALTIME, &r0);
    gettimeofday(&tv, NULL);
    long diff_us = (tv.tv_sec - r0.tv_sec) * 1000000L + (tv.tv_usec - r0.tv_nsec / 1000);
    check(diff_us >= 0 && diff_us < 20000, "gettimeofday-matches-realtime", "gettimeofday - CLOCK_REALTIME = %ld us",
          diff_us);
    int mono = 1;
    for (int i = 0; i < 1000; i++) {
        clock_gettime(CLOCK_MONOTONIC, &m1);
        mono &= ns_between(&m0, &m1) >= 0;
        m0 = m1;
    }
    check(mono, "clock-monotonic", "CLOCK_MONOTONIC went backwards");
    check(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0 &&
          res.tv_nsec <= 10000000, "clock-getres", "resolution %ld.%09ld", (long)res.tv_sec, res.tv_nsec);
    check_ret("clock-gettime-bad-clock", syscall(SYS_clock_gettime, 99, &m0), -EINVAL);
    struct timespec cpu;
    check(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0 && (cpu.tv_sec > 0 || cpu.tv_nsec > 100000000),
          "clock-process-cputime", "%ld.%09ld s of CPU so far (after 200 ms of spinning)", (long)cpu.tv_sec,
          cpu.tv_nsec);

    struct timespec a, b, req = { 0, 50000000 };
    clock_gettime(CLOCK_MONOTONIC, &a);
    int r = nanosleep(&req, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long ms = ns_between(&a, &b) / 1000000;
    check(r == 0 && ms >= 50 && ms < 300, "nanosleep-50ms", "returned %d after %ld ms", r, ms);
    clock_gettime(CLOCK_MONOTONIC, &a);
    r = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    ms = ns_between(&a, &b) / 1000000;
    check(r == 0 && ms >= 50 && ms < 300, "clock-nanosleep-relative", "returned %d after %ld ms", r, ms);
    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec until = a;
    until.tv_nsec += 80000000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    check(r == 0 && ns_between(&until, &b) >= 0 && ns_between(&a, &b) < 300000000, "clock-nanosleep-abstime",
          "returned %d, woke %ld ns after the deadline", r, ns_between(&until, &b));
    r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &m0, NULL);   /* in the past: at once */
    check(r == 0, "clock-nanosleep-past", "returned %d", r);
    struct timespec bad = { 0, 1000000000 };
    check_ret("nanosleep-einval", nanosleep(&bad, NULL), -EINVAL);
    bad.tv_sec = -1;
    bad.tv_nsec = 0;
    check_ret("nanosleep-negative-einval", nanosleep(&bad, NULL), -EINVAL);
    struct timespec zero = { 0, 0 };
    check_ret("nanosleep-zero", nanosleep(&zero, NULL), 0);
}

static void test_yield(void)
{
    check_ret("sched-yield", sched_yield(), 0);
    /* Two processes taking turns with sched_yield both make progress. */
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < 200; i++)
            sched_yield();
        _exit(0);
    }
    for (int i = 0; i < 200; i++)
        sched_yield();
    check(wait_for(pid, 0) == 0, "sched-yield-two", "child did not finish");
}

int main(void)
{
    test_ids();
    test_rlimits();
    test_uname();
    test_random();
    test_sysinfo();
    test_times();
    test_clocks();
    test_yield();
    return t_done("lifecycle");
}
