/* Time system calls: clocks, sleeping, process times. CLOCK_REALTIME is the monotonic clock
 * plus the offset read from the RTC at boot (rtc_realtime_ns; the epoch at boot without one). */
#include "proc/sys.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "mm/vm.h"
#include "lib/errno.h"
#include "arch.h"
#include "dev/rtc.h"
#include "proc/signal.h"

#define CLOCK_REALTIME           0
#define CLOCK_MONOTONIC          1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID  3
#define CLOCK_MONOTONIC_RAW      4
#define CLOCK_REALTIME_COARSE    5
#define CLOCK_MONOTONIC_COARSE   6
#define CLOCK_BOOTTIME           7
#define TIMER_ABSTIME            1
#define NSEC_PER_SEC             1000000000ULL

struct k_timespec { int64_t tv_sec, tv_nsec; };

static int clock_read(uint64_t id, uint64_t *ns)
{
    struct proc *p = current();
    switch (id) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
        *ns = rtc_realtime_ns();
        return 0;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
        *ns = arch_time_ns();
        return 0;
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
        *ns = (p->utime + p->stime) * (NSEC_PER_SEC / sched_hz());
        return 0;
    default:
        return -EINVAL;
    }
}

static int timespec_from_user(uint64_t uts, uint64_t *ns)
{
    struct k_timespec ts;
    if (copy_from_user(&ts, uts, sizeof ts))
        return -EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
        return -EINVAL;
    if ((uint64_t)ts.tv_sec > UINT64_MAX / NSEC_PER_SEC - 1)
        *ns = UINT64_MAX;
    else
        *ns = (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
    return 0;
}

static int timespec_to_user(uint64_t uts, uint64_t ns)
{
    struct k_timespec ts = { (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC) };
    return copy_to_user(uts, &ts, sizeof ts);
}

SYSCALL(clock_gettime)
{
    uint64_t ns;
    int err = clock_read(a[0], &ns);
    return err ? err : timespec_to_user(a[1], ns);
}

SYSCALL(clock_getres)
{
    uint64_t ns;
    int err = clock_read(a[0], &ns);
    if (err || !a[1])
        return err;
    return timespec_to_user(a[1], a[0] == CLOCK_PROCESS_CPUTIME_ID || a[0] == CLOCK_THREAD_CPUTIME_ID
                                      ? NSEC_PER_SEC / sched_hz() : 1);
}

static uint64_t deadline_after(uint64_t ns)
{
    uint64_t now = arch_time_ns();
    return ns > UINT64_MAX - now ? UINT64_MAX : now + ns;
}

SYSCALL(nanosleep)
{
    uint64_t ns;
    int err = timespec_from_user(a[0], &ns);
    if (err)
        return err;
    uint64_t deadline = deadline_after(ns);
    if (sched_sleep_until(deadline) == 0)
        return 0;
    /* Interrupted: report the time left, as Linux does. */
    uint64_t now = arch_time_ns();
    if (a[1] && timespec_to_user(a[1], deadline > now ? deadline - now : 0))
        return -EFAULT;
    return -ERESTARTNOHAND;
}

SYSCALL(clock_nanosleep)
{
    uint64_t ns, now;
    int err = clock_read(a[0], &now);
    if (!err)
        err = timespec_from_user(a[2], &ns);
    if (err)
        return err;
    if (a[0] == CLOCK_PROCESS_CPUTIME_ID || a[0] == CLOCK_THREAD_CPUTIME_ID)
        return -EINVAL;
    /* An absolute time on any clock becomes a monotonic deadline (CLOCK_REALTIME is offset). */
    uint64_t deadline = (a[1] & TIMER_ABSTIME) ? (ns > now ? arch_time_ns() + (ns - now) : 0) : deadline_after(ns);
    if (sched_sleep_until(deadline) == 0)
        return 0;
    uint64_t left = arch_time_ns();
    left = deadline > left ? deadline - left : 0;
    if (!(a[1] & TIMER_ABSTIME) && a[3] && timespec_to_user(a[3], left))
        return -EFAULT;
    return -ERESTARTNOHAND;
}

SYSCALL(gettimeofday)
{
    uint64_t ns = rtc_realtime_ns();
    struct { int64_t tv_sec, tv_usec; } tv = { (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC / 1000) };
    if (a[0] && copy_to_user(a[0], &tv, sizeof tv))
        return -EFAULT;
    if (a[1]) {
        static const int32_t tz[2];
        if (copy_to_user(a[1], tz, sizeof tz))
            return -EFAULT;
    }
    return 0;
}

SYSCALL(times)
{
    struct proc *p = current();
    int64_t t[4] = { (int64_t)p->utime, (int64_t)p->stime, (int64_t)p->cutime, (int64_t)p->cstime };
    if (a[0] && copy_to_user(a[0], t, sizeof t))
        return -EFAULT;
    return (long)sched_ticks();
}
