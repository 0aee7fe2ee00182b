/* Interval timers: alarm (glibc implements it with setitimer on riscv64), setitimer/getitimer
 * for ITIMER_REAL, ITIMER_VIRTUAL and ITIMER_PROF, periodic intervals, the remaining time,
 * argument errors, and what fork (cleared in the child) and execve (kept) do to them. */
#include "tap.h"
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>

/* A checked call whose result is also an out: line for the comparison with Linux. */
#define CR(name, expr, want) do { long r_ = (expr); int e_ = errno; out("%s %s", name, rstr(r_)); errno = e_; \
                                  check_ret(name, r_, want); } while (0)

static volatile int n_alrm, n_vtalrm, n_prof, last_code;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (sig == SIGALRM)
        n_alrm++;
    else if (sig == SIGVTALRM)
        n_vtalrm++;
    else if (sig == SIGPROF)
        n_prof++;
    last_code = si->si_code;
}

static void handle(int sig)
{
    struct sigaction sa = { .sa_sigaction = on_sig, .sa_flags = SA_SIGINFO | SA_RESTART };
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

/* Sleep ms of wall time whatever signals arrive. */
static void sleep_ms(long ms)
{
    long end = now_ms() + ms;
    for (long left; (left = end - now_ms()) > 0;) {
        struct timespec ts = { left / 1000, (left % 1000) * 1000000 };
        nanosleep(&ts, NULL);
    }
}

static volatile unsigned long sink;

/* Spin until cond() or ms of wall time. */
static int spin_until(volatile int *counter, int want, long ms)
{
    long end = now_ms() + ms;
    while (*counter < want && now_ms() < end)
        for (int i = 0; i < 10000; i++)
            sink += (unsigned long)i;
    return *counter >= want;
}

static long tv_us(struct timeval tv)
{
    return tv.tv_sec * 1000000 + tv.tv_usec;
}

/* CPU time used so far in µs: user only, or user + system. */
static long cpu_us(int with_system)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return tv_us(ru.ru_utime) + (with_system ? tv_us(ru.ru_stime) : 0);
}

static void test_alarm(void)
{
    handle(SIGALRM);
    n_alrm = 0;
    unsigned r0 = alarm(1);
    unsigned r1 = alarm(5);     /* about 1 s was left: rounds to 1 */
    check(r0 == 0 && r1 == 1, "alarm-returns-remaining", "alarm(1) gave %u, then alarm(5) gave %u", r0, r1);
    unsigned r2 = alarm(0);     /* 4.99.. s left: rounds to 5 */
    unsigned r3 = alarm(0);
    check(r2 == 5 && r3 == 0, "alarm0-cancels", "alarm(0) gave %u then %u", r2, r3);
    sleep_ms(200);
    check(n_alrm == 0, "alarm-cancelled-silent", "%d SIGALRM after alarm(0)", n_alrm);
    long t0 = now_ms();
    alarm(1);
    while (n_alrm == 0 && now_ms() - t0 < 3000)
        pause();
    long t = now_ms() - t0;
    sleep_ms(1200);
    check(n_alrm == 1 && t >= 990 && t < 1500, "alarm-fires-once", "%d SIGALRM, first after %ld ms", n_alrm, t);
    check(last_code == SI_KERNEL, "alarm-si-code", "si_code %d", last_code);
    struct itimerval cur;
    getitimer(ITIMER_REAL, &cur);
    check(tv_us(cur.it_value) == 0 && tv_us(cur.it_interval) == 0, "alarm-one-shot", "ITIMER_REAL %ld us / %ld us after firing",
          tv_us(cur.it_value), tv_us(cur.it_interval));
}

static void test_real(void)
{
    handle(SIGALRM);
    n_alrm = 0;
    struct itimerval it = { { 0, 50000 }, { 0, 50000 } }, old, cur;
    setitimer(ITIMER_REAL, &it, NULL);
    getitimer(ITIMER_REAL, &cur);
    check(tv_us(cur.it_interval) == 50000 && tv_us(cur.it_value) > 0 && tv_us(cur.it_value) <= 50000,
          "getitimer-real-armed", "value %ld us, interval %ld us", tv_us(cur.it_value), tv_us(cur.it_interval));
    sleep_ms(525);
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &off, &old);
    int n = n_alrm;
    check(n >= 6 && n <= 11, "real-periodic-count", "%d SIGALRM in 525 ms at 50 ms", n);
    check(tv_us(old.it_interval) == 50000 && tv_us(old.it_value) > 0 && tv_us(old.it_value) <= 50000,
          "setitimer-old-value", "old value %ld us, interval %ld us", tv_us(old.it_value), tv_us(old.it_interval));
    sleep_ms(150);
    check(n_alrm == n, "real-disarm-stops", "%d more after disarming", n_alrm - n);

    struct itimerval two = { { 0, 0 }, { 2, 0 } }, a, b;
    setitimer(ITIMER_REAL, &two, NULL);
    getitimer(ITIMER_REAL, &a);
    sleep_ms(100);
    getitimer(ITIMER_REAL, &b);
    setitimer(ITIMER_REAL, &off, NULL);
    check(tv_us(a.it_value) > 1900000 && tv_us(a.it_value) <= 2000000 && tv_us(b.it_value) < tv_us(a.it_value) - 80000 &&
          tv_us(b.it_value) > 1500000 && tv_us(a.it_interval) == 0, "getitimer-decreasing",
          "%ld us, then %ld us 100 ms later", tv_us(a.it_value), tv_us(b.it_value));
    /* A zero value disarms and forgets the interval (ITIMER_REAL). */
    struct itimerval iv_only = { { 1, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &iv_only, NULL);
    getitimer(ITIMER_REAL, &a);
    check(tv_us(a.it_value) == 0 && tv_us(a.it_interval) == 0, "real-zero-value-disarms", "%ld / %ld us",
          tv_us(a.it_value), tv_us(a.it_interval));
    /* NULL new value: disarm (Linux accepts it). */
    setitimer(ITIMER_REAL, &two, NULL);
    long r = syscall(SYS_setitimer, ITIMER_REAL, NULL, &a);
    getitimer(ITIMER_REAL, &b);
    check(r == 0 && tv_us(a.it_value) > 1900000 && tv_us(b.it_value) == 0, "setitimer-null-disarms",
          "r=%ld old %ld us, now %ld us", r, tv_us(a.it_value), tv_us(b.it_value));
}

static void test_virtual(void)
{
    handle(SIGVTALRM);
    n_vtalrm = 0;
    struct itimerval it = { { 0, 0 }, { 0, 100000 } }, off = { { 0, 0 }, { 0, 0 } }, cur;
    setitimer(ITIMER_VIRTUAL, &it, NULL);
    getitimer(ITIMER_VIRTUAL, &cur);
    check(tv_us(cur.it_value) > 50000 && tv_us(cur.it_value) <= 130000, "getitimer-virtual", "%ld us left",
          tv_us(cur.it_value));
    long u0 = cpu_us(0);
    sleep_ms(300);
    long slept = cpu_us(0) - u0;
    /* Sleeping uses no user time (a stalled virtual hart might charge some: then it may fire). */
    check(n_vtalrm == 0 || slept >= 90000, "virtual-not-while-sleeping", "%d SIGVTALRM while sleeping (%ld us user time)",
          n_vtalrm, slept);
    long t0 = now_ms();
    int fired = spin_until(&n_vtalrm, 1, 3000);
    long t = now_ms() - t0;
    check(fired && t >= 80 && last_code == SI_KERNEL, "virtual-fires-busy", "fired=%d after %ld ms of spinning, code %d",
          fired, t, last_code);
    setitimer(ITIMER_VIRTUAL, &off, NULL);
    /* ITIMER_VIRTUAL keeps the interval of a zero value (Linux stores both). */
    struct itimerval iv_only = { { 1, 0 }, { 0, 0 } };
    setitimer(ITIMER_VIRTUAL, &iv_only, NULL);
    getitimer(ITIMER_VIRTUAL, &cur);
    check(tv_us(cur.it_value) == 0 && tv_us(cur.it_interval) == 1000000, "virtual-interval-kept", "%ld / %ld us",
          tv_us(cur.it_value), tv_us(cur.it_interval));
    setitimer(ITIMER_VIRTUAL, &off, NULL);
}

static void test_prof(void)
{
    handle(SIGPROF);
    n_prof = 0;
    struct itimerval it = { { 0, 50000 }, { 0, 50000 } }, off = { { 0, 0 }, { 0, 0 } };
    long c0 = cpu_us(1);
    setitimer(ITIMER_PROF, &it, NULL);
    sleep_ms(200);
    long slept = cpu_us(1) - c0;
    int asleep = n_prof;
    int ok = spin_until(&n_prof, 4, 5000);
    setitimer(ITIMER_PROF, &off, NULL);
    check((asleep == 0 || slept >= 45000) && ok, "prof-periodic", "%d SIGPROF while asleep (%ld us CPU), %d after spinning",
          asleep, slept, n_prof);
    int n = n_prof;
    spin_until(&n_prof, 1000, 200);
    check(n_prof == n, "prof-disarm-stops", "%d more after disarming", n_prof - n);
}

static void test_errors(void)
{
    struct itimerval ok = { { 0, 0 }, { 0, 0 } }, cur;
    struct itimerval bad_usec = { { 0, 0 }, { 0, 1000000 } }, neg_usec = { { 0, 0 }, { 0, -1 } };
    struct itimerval neg_sec = { { 0, 0 }, { -1, 0 } }, bad_iv = { { 0, 1000000 }, { 1, 0 } };
    CR("setitimer-bad-which", syscall(SYS_setitimer, 3, &ok, NULL), -EINVAL);
    CR("setitimer-usec-1e6", syscall(SYS_setitimer, ITIMER_REAL, &bad_usec, NULL), -EINVAL);
    CR("setitimer-usec-neg", syscall(SYS_setitimer, ITIMER_REAL, &neg_usec, NULL), -EINVAL);
    CR("setitimer-sec-neg", syscall(SYS_setitimer, ITIMER_VIRTUAL, &neg_sec, NULL), -EINVAL);
    CR("setitimer-interval-bad", syscall(SYS_setitimer, ITIMER_PROF, &bad_iv, NULL), -EINVAL);
    CR("setitimer-new-efault", syscall(SYS_setitimer, ITIMER_REAL, (void *)8, NULL), -EFAULT);
    CR("setitimer-old-efault", syscall(SYS_setitimer, ITIMER_REAL, &ok, (void *)8), -EFAULT);
    CR("getitimer-bad-which", syscall(SYS_getitimer, 7, &cur), -EINVAL);
    CR("getitimer-efault", syscall(SYS_getitimer, ITIMER_REAL, (void *)8), -EFAULT);
}

/* After execve: ITIMER_REAL must still run; the POSIX timer made before it must be gone. */
static int after_exec(void)
{
    struct itimerval cur;
    getitimer(ITIMER_REAL, &cur);
    struct itimerspec ts;
    long r = syscall(SYS_timer_gettime, 0, &ts);
    int bits = 0;
    if (!(tv_us(cur.it_value) > 0 && tv_us(cur.it_value) < 5000000))
        bits |= 1;
    if (!(r < 0 && errno == EINVAL))
        bits |= 2;
    return bits;
}

static void test_fork_exec(const char *self)
{
    struct itimerval five = { { 0, 0 }, { 5, 0 } }, off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &five, NULL);
    pid_t pid = fork();
    if (pid == 0) {
        struct itimerval cur;
        getitimer(ITIMER_REAL, &cur);
        _exit(tv_us(cur.it_value) == 0 ? 0 : 1);
    }
    int st = wait_for(pid, 0);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fork-clears-itimer", "child: %s", status_str(st));
    setitimer(ITIMER_REAL, &off, NULL);

    pid = fork();
    if (pid == 0) {
        timer_t t;
        struct sigevent sev = { .sigev_notify = SIGEV_NONE };
        if (timer_create(CLOCK_MONOTONIC, &sev, &t) != 0 || (long)(intptr_t)t != 0)
            _exit(10);
        setitimer(ITIMER_REAL, &five, NULL);
        char *argv[] = { (char *)self, "after-exec", NULL };
        execv(self, argv);
        _exit(11);
    }
    st = wait_for(pid, 0);
    check(WIFEXITED(st) && !(WEXITSTATUS(st) & ~2), "exec-keeps-itimer", "child: %s", status_str(st));
    check(WIFEXITED(st) && !(WEXITSTATUS(st) & ~1), "exec-deletes-posix-timers", "child: %s", status_str(st));
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "after-exec") == 0)
        return after_exec();
    test_alarm();
    test_real();
    test_virtual();
    test_prof();
    test_errors();
    test_fork_exec(argv[0]);
    return t_failed ? 1 : 0;
}
