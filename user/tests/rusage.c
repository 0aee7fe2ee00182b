/* getrusage (RUSAGE_SELF, RUSAGE_CHILDREN, RUSAGE_THREAD) with real figures: CPU times from
 * the tick's accounting, peak RSS, page faults, voluntary context switches; wait4's rusage of
 * the reaped child; times() of self and children; the errors. */
#include "tap.h"
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>

/* A checked call whose result is also an out: line for the comparison with Linux. */
#define CR(name, expr, want) do { long r_ = (expr); int e_ = errno; out("%s %s", name, rstr(r_)); errno = e_; \
                                  check_ret(name, r_, want); } while (0)

static volatile unsigned long sink;

static long cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Spin for ms of CPU time (a loaded host may give less CPU than wall time), at most 10 s. */
static void spin_ms(long ms)
{
    long end = cpu_ms() + ms, wall_end = now_ms() + 10000;
    while (cpu_ms() < end && now_ms() < wall_end)
        for (int i = 0; i < 10000; i++)
            sink += (unsigned long)i;
}

static long tv_ms(struct timeval tv)
{
    return tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

int main(void)
{
    struct rusage a, b;
    getrusage(RUSAGE_SELF, &a);
    spin_ms(300);
    getrusage(RUSAGE_SELF, &b);
    long du = tv_ms(b.ru_utime) - tv_ms(a.ru_utime), ds = tv_ms(b.ru_stime) - tv_ms(a.ru_stime);
    /* A loaded host (or QEMU on one) may give the spinner less than the wall time: at least half. */
    check(du >= 150 && du <= 400, "utime-grows-spinning", "utime +%ld ms over 300 ms of spinning", du);
    check(ds < du / 3, "stime-small-spinning", "stime +%ld ms, utime +%ld ms", ds, du);
    check(b.ru_utime.tv_usec >= 0 && b.ru_utime.tv_usec < 1000000, "utime-usec-range", "%ld", (long)b.ru_utime.tv_usec);

    /* touching 4 MiB: 1024 more minor faults and a peak RSS 4 MiB higher */
    getrusage(RUSAGE_SELF, &a);
    size_t len = 4u << 20;
    char *m = malloc(len);
    for (size_t i = 0; i < len; i += 4096)
        m[i] = 1;
    free(m);    /* a large block goes back with munmap: the peak must stay */
    getrusage(RUSAGE_SELF, &b);
    check(b.ru_minflt - a.ru_minflt >= 1000, "minflt-counts-touches", "+%ld minor faults for 1024 pages",
          b.ru_minflt - a.ru_minflt);
    check(b.ru_majflt == 0, "no-major-faults", "%ld", b.ru_majflt);
    say("maxrss before %ld KiB, after %ld KiB", a.ru_maxrss, b.ru_maxrss);
    check(b.ru_maxrss >= 4096 && b.ru_maxrss >= a.ru_maxrss, "maxrss-peak-after-free", "%ld then %ld KiB", a.ru_maxrss,
          b.ru_maxrss);

    m = malloc(len);
    for (size_t i = 0; i < len; i += 4096)
        m[i] = 1;
    getrusage(RUSAGE_SELF, &b);
    free(m);
    check(b.ru_maxrss >= 4096, "maxrss-peak", "%ld KiB with 4 MiB touched", b.ru_maxrss);

    getrusage(RUSAGE_SELF, &a);
    for (int i = 0; i < 5; i++)
        usleep(10000);
    getrusage(RUSAGE_SELF, &b);
    check(b.ru_nvcsw - a.ru_nvcsw >= 5, "nvcsw-counts-sleeps", "+%ld voluntary switches for 5 sleeps",
          b.ru_nvcsw - a.ru_nvcsw);

    struct rusage t;
    getrusage(RUSAGE_THREAD, &t);
    /* Linux computes the two from different clocks: a few ms apart either way. */
    check(tv_ms(t.ru_utime) + 10 >= tv_ms(b.ru_utime), "rusage-thread", "thread utime %ld ms, self %ld ms", tv_ms(t.ru_utime),
          tv_ms(b.ru_utime));

    /* children: nothing yet, then the child's 200 ms */
    struct rusage c0, c1, w;
    getrusage(RUSAGE_CHILDREN, &c0);
    check(tv_ms(c0.ru_utime) == 0 && c0.ru_minflt == 0, "children-none-yet", "%ld ms, %ld faults", tv_ms(c0.ru_utime),
          c0.ru_minflt);
    struct tms tm0, tm1;
    times(&tm0);
    pid_t pid = fork();
    if (pid == 0) {
        spin_ms(250);
        char *cm = malloc(len);
        for (size_t i = 0; i < len; i += 4096)
            cm[i] = 1;
        _exit(0);
    }
    memset(&w, 0xff, sizeof w);
    int st = 0;
    pid_t r = wait4(pid, &st, 0, &w);
    /* CPU time, user and system together: Linux splits sampled ticks between the two. */
    check(r == pid && tv_ms(w.ru_utime) + tv_ms(w.ru_stime) >= 200 && w.ru_minflt >= 1000 && w.ru_maxrss >= 4096,
          "wait4-rusage", "r=%d utime %ld ms, %ld faults, maxrss %ld KiB", r, tv_ms(w.ru_utime), w.ru_minflt,
          w.ru_maxrss);
    getrusage(RUSAGE_CHILDREN, &c1);
    check(tv_ms(c1.ru_utime) + tv_ms(c1.ru_stime) >= 200 && tv_ms(c1.ru_utime) == tv_ms(w.ru_utime) && c1.ru_minflt == w.ru_minflt,
          "children-after-wait", "children utime %ld ms (wait4 said %ld), faults %ld (%ld)", tv_ms(c1.ru_utime),
          tv_ms(w.ru_utime), c1.ru_minflt, w.ru_minflt);
    check(c1.ru_maxrss >= 4096, "children-maxrss", "%ld KiB", c1.ru_maxrss);
    times(&tm1);
    long hz = sysconf(_SC_CLK_TCK);
    check(tm1.tms_cutime - tm0.tms_cutime >= hz / 10, "times-cutime", "+%ld ticks of children's user time",
          (long)(tm1.tms_cutime - tm0.tms_cutime));

    /* WNOHANG with nothing to report: rusage left as it was (Linux) */
    pid = fork();
    if (pid == 0) {
        usleep(200000);
        _exit(0);
    }
    memset(&w, 0xff, sizeof w);
    r = wait4(pid, &st, WNOHANG, &w);
    check(r == 0 && w.ru_minflt == -1, "wait4-wnohang-untouched", "r=%d minflt %ld", r, w.ru_minflt);
    wait_for(pid, 0);

    CR("getrusage-bad-who", syscall(SYS_getrusage, 5, &a), -EINVAL);
    CR("getrusage-efault", syscall(SYS_getrusage, RUSAGE_SELF, (void *)8), -EFAULT);
    CR("getrusage-children-efault", syscall(SYS_getrusage, RUSAGE_CHILDREN, (void *)8), -EFAULT);
    return t_failed ? 1 : 0;
}
