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

#include "proc/clock.h"
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
    default: {
        /* Linux's encoded CPU clocks, (~pid << 3) | per-thread | which (0 prof, 1 virt,
         * 2 sched): only the caller's own (pid 0 or its pid). */
        int64_t c = (int64_t)id, pid = ~(c >> 3);
        if (c >= 0 || (c & 3) == 3 || (pid != 0 && pid != p->pid))
            return -EINVAL;
        *ns = (p->utime + ((c & 3) == 1 ? 0 : p->stime)) * (NSEC_PER_SEC / sched_hz());
        return 0;
    }
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

/* The clocks read the hart's time CSR (one count = 1/timebase s); the coarse ones are, as on
 * Linux, reported at tick resolution, and so are the CPU-time clocks, which are charged by the
 * tick. Timers and sleeps on every clock expire on a tick (docs/processes.md, "Timers"). */
SYSCALL(clock_getres)
{
    uint64_t ns;
    int err = clock_read(a[0], &ns);
    if (err || !a[1])
        return err;
    uint64_t tb = arch_timebase_hz(), res;
    switch (a[0]) {
    case CLOCK_REALTIME: case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_BOOTTIME:
        res = tb ? (NSEC_PER_SEC + tb - 1) / tb : 1;
        break;
    default:
        res = NSEC_PER_SEC / sched_hz();
        break;
    }
    return timespec_to_user(a[1], res);
}

static uint64_t deadline_after(uint64_t ns)
{
    uint64_t now = arch_time_ns();
    return ns > UINT64_MAX - now ? UINT64_MAX : now + ns;
}

/* Sleep until deadline (on the one clock that REALTIME, MONOTONIC and BOOTTIME share). A
 * relative sleep that a signal interrupts reports the time left in rmtp; without a handler
 * (a stop and continue) it resumes for the time left, through restart_syscall, as on Linux.
 * An absolute sleep is simply restarted with its own arguments. */
static long sleep_until(struct proc *p, uint64_t deadline, bool absolute, uint64_t rmtp)
{
    if (sched_sleep_until(deadline) == 0)
        return 0;
    if (absolute)
        return -ERESTARTNOHAND;
    uint64_t now = arch_time_ns();
    if (deadline <= now)
        return 0;
    if (rmtp && timespec_to_user(rmtp, deadline - now))
        return -EFAULT;
    p->it_restart_deadline = deadline;
    p->it_restart_rmtp = rmtp;
    p->it_restart_valid = true;
    return -ERESTART_RESTARTBLOCK;
}

SYSCALL(restart_syscall)
{
    (void)a;
    struct proc *p = current();
    if (!p->it_restart_valid)
        return -EINTR;
    p->it_restart_valid = false;
    return sleep_until(p, p->it_restart_deadline, false, p->it_restart_rmtp);
}

SYSCALL(nanosleep)
{
    struct proc *p = current();
    uint64_t ns;
    p->it_restart_valid = false;
    int err = timespec_from_user(a[0], &ns);
    if (err)
        return err;
    return sleep_until(p, deadline_after(ns), false, a[1]);
}

/* Linux's order of checks: unknown clock EINVAL, clock without sleeping ENOTSUP, then the
 * request (EFAULT, EINVAL), then per-clock refusals. Flags other than TIMER_ABSTIME are ignored. */
SYSCALL(clock_nanosleep)
{
    struct proc *p = current();
    uint64_t ns;
    int64_t clock = (int64_t)a[0];
    p->it_restart_valid = false;
    switch (clock) {
    case CLOCK_REALTIME: case CLOCK_MONOTONIC: case CLOCK_BOOTTIME:
    case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
    case CLOCK_REALTIME_ALARM: case CLOCK_BOOTTIME_ALARM:
        break;
    case CLOCK_MONOTONIC_RAW: case CLOCK_REALTIME_COARSE: case CLOCK_MONOTONIC_COARSE:
        return -ENOTSUP;
    default:
        return -EINVAL;
    }
    int err = timespec_from_user(a[2], &ns);
    if (err)
        return err;
    if (clock == CLOCK_THREAD_CPUTIME_ID)
        return -EINVAL;     /* as Linux: a thread cannot sleep on its own CPU clock */
    if (clock == CLOCK_PROCESS_CPUTIME_ID)
        return -EINVAL;     /* not supported here: no other thread could advance it */
    if (clock == CLOCK_REALTIME_ALARM || clock == CLOCK_BOOTTIME_ALARM)
        return -ENOTSUP; /* alarm clocks need an RTC, as on a Linux without one */
    bool absolute = a[1] & TIMER_ABSTIME;
    uint64_t deadline = deadline_after(ns);
    if (absolute) {     /* a time on the named clock becomes a monotonic deadline (REALTIME is offset) */
        uint64_t now;
        clock_read(clock, &now);
        deadline = arch_time_ns() + (ns > now ? ns - now : 0);
    }
    return sleep_until(p, deadline, absolute, a[3]);
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
