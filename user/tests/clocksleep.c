/* clock_getres, clock_nanosleep (relative and TIMER_ABSTIME on REALTIME and MONOTONIC, EINTR
 * with the time left, resuming after a stop, bad clocks and arguments) and nanosleep. */
#include "tap.h"
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>

/* A checked call whose result is also an out: line for the comparison with Linux. */
#define CR(name, expr, want) do { long r_ = (expr); int e_ = errno; out("%s %s", name, rstr(r_)); errno = e_; \
                                  check_ret(name, r_, want); } while (0)

static volatile int n_alrm;

static void on_alrm(int sig)
{
    (void)sig;
    n_alrm++;
}

static long ts_ns(struct timespec ts)
{
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static long now_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts_ns(ts);
}

static struct timespec ns_ts(long ns)
{
    return (struct timespec){ ns / 1000000000L, ns % 1000000000L };
}

static void arm_alarm_ms(long ms)
{
    struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };
    setitimer(ITIMER_REAL, &it, NULL);
}

static void test_getres(void)
{
    struct timespec r;
    static const struct { clockid_t id; const char *name; } clocks[] = {
        { CLOCK_REALTIME, "realtime" }, { CLOCK_MONOTONIC, "monotonic" }, { CLOCK_BOOTTIME, "boottime" },
        { CLOCK_MONOTONIC_RAW, "monotonic-raw" }, { CLOCK_REALTIME_COARSE, "realtime-coarse" },
        { CLOCK_MONOTONIC_COARSE, "monotonic-coarse" }, { CLOCK_PROCESS_CPUTIME_ID, "process-cputime" },
        { CLOCK_THREAD_CPUTIME_ID, "thread-cputime" },
    };
    for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        r = (struct timespec){ -1, -1 };
        int e = clock_getres(clocks[i].id, &r);
        char name[48];
        snprintf(name, sizeof name, "getres-%s", clocks[i].name);
        /* At most a tick of 100 Hz: fine clocks report the timebase period, coarse ones a tick. */
        check(e == 0 && r.tv_sec == 0 && r.tv_nsec > 0 && r.tv_nsec <= 10000000, name, "e=%d res %ld.%09ld s", e,
              (long)r.tv_sec, r.tv_nsec);
        say("%s: %ld ns", name, r.tv_nsec);
    }
    clock_getres(CLOCK_MONOTONIC, &r);
    long fine = r.tv_nsec;
    clock_getres(CLOCK_MONOTONIC_COARSE, &r);
    check(r.tv_nsec >= fine, "getres-coarse-not-finer", "coarse %ld ns, fine %ld ns", r.tv_nsec, fine);
    check_ret("getres-bad-clock", syscall(SYS_clock_getres, 99, &r), -EINVAL);
    check_ret("getres-null", syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL), 0);
    check_ret("getres-efault", syscall(SYS_clock_getres, CLOCK_MONOTONIC, (void *)8), -EFAULT);
}

static void test_sleeps(void)
{
    long t0 = now_ns(CLOCK_MONOTONIC);
    struct timespec req = ns_ts(100000000);
    int e = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL);
    long dt = now_ns(CLOCK_MONOTONIC) - t0;
    check(e == 0 && dt >= 100000000 && dt < 400000000, "relative-monotonic", "e=%d slept %ld ns", e, dt);

    long target = now_ns(CLOCK_MONOTONIC) + 100000000;
    req = ns_ts(target);
    e = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &req, NULL);
    long after = now_ns(CLOCK_MONOTONIC);
    check(e == 0 && after >= target && after - target < 300000000, "abstime-monotonic", "e=%d woke %ld ns after",
          e, after - target);

    target = now_ns(CLOCK_REALTIME) + 100000000;
    req = ns_ts(target);
    e = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &req, NULL);
    after = now_ns(CLOCK_REALTIME);
    check(e == 0 && after >= target && after - target < 300000000, "abstime-realtime", "e=%d woke %ld ns after",
          e, after - target);

    t0 = now_ns(CLOCK_MONOTONIC);
    req = ns_ts(t0 / 2);
    e = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &req, NULL);
    dt = now_ns(CLOCK_MONOTONIC) - t0;
    check(e == 0 && dt < 50000000, "abstime-past-returns", "e=%d took %ld ns", e, dt);

    t0 = now_ns(CLOCK_MONOTONIC);
    req = ns_ts(50000000);
    e = clock_nanosleep(CLOCK_BOOTTIME, 0, &req, NULL);
    dt = now_ns(CLOCK_MONOTONIC) - t0;
    check(e == 0 && dt >= 50000000, "relative-boottime", "e=%d slept %ld ns", e, dt);
}

static void test_eintr(void)
{
    struct sigaction sa = { .sa_handler = on_alrm };     /* no SA_RESTART */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);

    struct timespec req = ns_ts(1000000000), rem = { -1, -1 };
    arm_alarm_ms(150);
    int e = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem);
    check(e == EINTR && ts_ns(rem) > 500000000 && ts_ns(rem) < 900000000, "relative-eintr-remaining",
          "e=%d rem %ld ns", e, ts_ns(rem));

    rem = (struct timespec){ 7, 7 };
    long target = now_ns(CLOCK_MONOTONIC) + 1000000000;
    req = ns_ts(target);
    arm_alarm_ms(100);
    e = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &req, &rem);
    check(e == EINTR && rem.tv_sec == 7 && rem.tv_nsec == 7, "abstime-eintr-rem-untouched", "e=%d rem %ld.%ld", e,
          (long)rem.tv_sec, rem.tv_nsec);

    req = ns_ts(1000000000);
    rem = (struct timespec){ -1, -1 };
    arm_alarm_ms(150);
    int r = nanosleep(&req, &rem);
    check(r == -1 && errno == EINTR && ts_ns(rem) > 500000000 && ts_ns(rem) < 900000000, "nanosleep-eintr-remaining",
          "r=%d errno %d rem %ld ns", r, errno, ts_ns(rem));

    req = ns_ts(1000000000);
    arm_alarm_ms(100);
    e = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, (struct timespec *)8);
    check(e == EFAULT, "eintr-rem-efault", "e=%d", e);
}

/* A relative sleep stopped and continued goes on for the time that was left, not again from
 * the start (Linux resumes it through restart_syscall). */
static void test_stop_resume(void)
{
    int fd[2];
    if (pipe(fd) != 0)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        long t0 = now_ns(CLOCK_MONOTONIC);
        struct timespec req = ns_ts(600000000), rem = { -1, -1 };
        int e = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem);
        long dt = now_ns(CLOCK_MONOTONIC) - t0;
        long v[2] = { e, dt };
        if (write(fd[1], v, sizeof v) != sizeof v)
            _exit(2);
        _exit(0);
    }
    close(fd[1]);
    struct timespec d = ns_ts(150000000);
    nanosleep(&d, NULL);
    kill(pid, SIGSTOP);
    d = ns_ts(150000000);
    nanosleep(&d, NULL);
    kill(pid, SIGCONT);
    long v[2] = { -1, -1 };
    ssize_t n = read(fd[0], v, sizeof v);
    close(fd[0]);
    wait_for(pid, 0);
    check(n == sizeof v && v[0] == 0 && v[1] >= 600000000 && v[1] < 850000000, "stopped-sleep-resumes-remaining",
          "e=%ld, slept %ld ns for 600 ms with a 150 ms stop", v[0], v[1]);
}

static void test_errors(void)
{
    struct timespec req = ns_ts(1000), bad = { 0, 1000000000 }, neg = { -1, 0 };
    check(clock_nanosleep(CLOCK_MONOTONIC_RAW, 0, &req, NULL) == ENOTSUP, "nsleep-raw-enotsup", "not ENOTSUP");
    check(clock_nanosleep(CLOCK_MONOTONIC_COARSE, 0, &req, NULL) == ENOTSUP, "nsleep-coarse-enotsup", "not ENOTSUP");
    check(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL) == EINVAL, "nsleep-thread-cputime-einval", "not EINVAL");
    CR("nsleep-bad-clock", syscall(SYS_clock_nanosleep, 99, 0, &req, NULL), -EINVAL);
    CR("nsleep-bad-clock-before-efault", syscall(SYS_clock_nanosleep, 99, 0, (void *)8, NULL), -EINVAL);
    CR("nsleep-nsec-1e9", syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &bad, NULL), -EINVAL);
    CR("nsleep-sec-neg", syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &neg, NULL), -EINVAL);
    CR("nsleep-efault", syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, (void *)8, NULL), -EFAULT);
    CR("nsleep-other-flags-ignored", syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0x100, &req, NULL), 0);
    CR("nanosleep-nsec-1e9", syscall(SYS_nanosleep, &bad, NULL), -EINVAL);
    CR("nanosleep-efault", syscall(SYS_nanosleep, (void *)8, NULL), -EFAULT);
}

int main(void)
{
    test_getres();
    test_sleeps();
    test_eintr();
    test_stop_resume();
    test_errors();
    return t_failed ? 1 : 0;
}
