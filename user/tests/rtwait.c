/* Absolute waits on CLOCK_REALTIME (the wall clock, offset from the monotonic one; set here):
 * each must end about when the wall clock reaches its time, not hang and not return at once.
 * pthread_cond_timedwait, sem_timedwait and pthread_mutex_timedlock go through futex with
 * FUTEX_CLOCK_REALTIME; timerfd, timer_settime and clock_nanosleep take TIMER_ABSTIME. */
#include "tap.h"
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <sys/timerfd.h>

#define WAIT_MS 150

static struct timespec wall_in(long ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += (ms % 1000) * 1000000L;
    ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    return ts;
}

/* The wait took about WAIT_MS: not at once, and not the hours a misread deadline would give. */
static void took(const char *name, long start, int ok_result, const char *what)
{
    long ms = now_ms() - start;
    check(ok_result && ms >= WAIT_MS - 15 && ms < WAIT_MS + 2000, name, "%s, after %ld ms", what, ms);
}

static volatile int fired;
static void on_alarm(int sig) { (void)sig; fired++; }

int main(void)
{
    /* Far from the monotonic clock on every machine (sifive_u has no RTC: its wall clock starts
     * at the epoch), so a deadline read on the wrong clock would be decades off. */
    struct timespec wall = { 1800000000, 0 };
    int set = clock_settime(CLOCK_REALTIME, &wall);
    clock_gettime(CLOCK_REALTIME, &wall);
    check(set == 0 && wall.tv_sec >= 1800000000 && wall.tv_sec < 1800000005, "realtime-set",
          "clock_settime %d, CLOCK_REALTIME %ld s", set, (long)wall.tv_sec);

    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t c = PTHREAD_COND_INITIALIZER;
    pthread_mutex_lock(&m);
    struct timespec dl = wall_in(WAIT_MS);
    long t0 = now_ms();
    int r = pthread_cond_timedwait(&c, &m, &dl);
    took("cond-timedwait-realtime", t0, r == ETIMEDOUT, strerror(r));
    pthread_mutex_unlock(&m);

    sem_t s;
    sem_init(&s, 0, 0);
    dl = wall_in(WAIT_MS);
    t0 = now_ms();
    r = sem_timedwait(&s, &dl);
    took("sem-timedwait-realtime", t0, r == -1 && errno == ETIMEDOUT, strerror(errno));

    pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&held);
    dl = wall_in(WAIT_MS);
    t0 = now_ms();
    /* A normal mutex locked by ourselves: timedlock waits for the deadline (glibc futex wait). */
    r = pthread_mutex_timedlock(&held, &dl);
    took("mutex-timedlock-realtime", t0, r == ETIMEDOUT, strerror(r));

    int fd = timerfd_create(CLOCK_REALTIME, 0);
    struct itimerspec its = { { 0, 0 }, wall_in(WAIT_MS) };
    t0 = now_ms();
    uint64_t n = 0;
    r = timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) == 0 && read(fd, &n, 8) == 8 && n == 1;
    took("timerfd-abs-realtime", t0, r, "read one expiration");
    close(fd);

    signal(SIGALRM, on_alarm);
    timer_t tid;
    struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM };
    timer_create(CLOCK_REALTIME, &ev, &tid);
    its.it_value = wall_in(WAIT_MS);
    t0 = now_ms();
    timer_settime(tid, TIMER_ABSTIME, &its, NULL);
    while (!fired && now_ms() - t0 < WAIT_MS + 3000)
        pause();
    took("timer-abs-realtime", t0, fired == 1, "SIGALRM");
    timer_delete(tid);

    dl = wall_in(WAIT_MS);
    t0 = now_ms();
    r = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &dl, NULL);
    took("nanosleep-abs-realtime", t0, r == 0, strerror(r));

    /* A time already past returns at once. */
    dl = wall_in(-1000);
    pthread_mutex_lock(&m);
    t0 = now_ms();
    r = pthread_cond_timedwait(&c, &m, &dl);
    long ms = now_ms() - t0;
    pthread_mutex_unlock(&m);
    check(r == ETIMEDOUT && ms < 100, "cond-timedwait-past", "%s after %ld ms", strerror(r), ms);
    return t_failed ? 1 : 0;
}
