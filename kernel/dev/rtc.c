/* Goldfish RTC: TIME_LOW at +0, TIME_HIGH at +4 (reading TIME_LOW latches TIME_HIGH), the time
 * in nanoseconds since the epoch. rtc_init reads it once and keeps the difference to the
 * monotonic clock (arch_time_ns), so CLOCK_REALTIME = monotonic + offset. */
#include "dev/rtc.h"
#include "dev/devtree.h"
#include "dev/console.h"
#include "arch.h"
#include "proc/sys.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "mm/vm.h"
#include "lib/errno.h"

/* CLOCK_REALTIME minus the monotonic clock; negative after setting a time earlier than the
 * uptime (without an RTC the clock starts at the epoch, so an hour after boot it is 01:00). */
static int64_t realtime_offset_ns;

void rtc_init(const struct machine_info *mi)
{
    if (!mi->has_rtc)
        return;
    volatile uint32_t *regs = arch_mmio_map(mi->rtc_base, 0x1000);
    if (!regs)
        return;
    uint32_t lo = regs[0];
    uint32_t hi = regs[1];
    uint64_t ns = ((uint64_t)hi << 32) | lo, now = arch_time_ns();
    realtime_offset_ns = (int64_t)(ns - now);
    kprintf("rvix: rtc goldfish at %#lx, %lu s since the epoch\n", mi->rtc_base, ns / 1000000000);
}

uint64_t rtc_realtime_ns(void)
{
    return arch_time_ns() + (uint64_t)realtime_offset_ns;     /* never below 0: see rtc_set */
}

uint64_t rtc_to_monotonic(uint64_t realtime_ns)
{
    int64_t mono = (int64_t)realtime_ns - realtime_offset_ns;
    return mono > 0 ? (uint64_t)mono : 1;
}

/* Setting the wall clock moves the offset; the monotonic clock never changes. Needs
 * CAP_SYS_TIME (bit 25) in the effective set. */
#define CAP_SYS_TIME 25
static long rtc_set(int64_t sec, int64_t nsec)
{
    const struct proc *p = current();
    if (p->cred.caps_dropped_eff & (1UL << CAP_SYS_TIME))
        return -EPERM;
    if (sec < 0 || nsec < 0 || nsec >= 1000000000)
        return -EINVAL;
    uint64_t want = (uint64_t)sec * 1000000000ULL + (uint64_t)nsec, now = arch_time_ns();
    if ((uint64_t)sec > UINT64_MAX / 2000000000ULL)
        return -EINVAL;
    realtime_offset_ns = (int64_t)want - (int64_t)now;    /* realtime stays >= want >= 0 */
    return 0;
}

SYSCALL(clock_settime)
{
    struct { int64_t sec, nsec; } ts;
    if (a[0] != 0 /* CLOCK_REALTIME */)
        return -EINVAL;
    if (copy_from_user(&ts, a[1], sizeof ts))
        return -EFAULT;
    return rtc_set(ts.sec, ts.nsec);
}

SYSCALL(settimeofday)
{
    struct { int64_t sec, usec; } tv;
    struct { int32_t minuteswest, dsttime; } tz;
    if (a[1] && copy_from_user(&tz, a[1], sizeof tz))
        return -EFAULT;
    if (a[1] && (tz.minuteswest < -15 * 60 || tz.minuteswest > 15 * 60))
        return -EINVAL;
    if (!a[0])
        return 0;       /* the time zone is not kept (gettimeofday answers UTC) */
    if (copy_from_user(&tv, a[0], sizeof tv))
        return -EFAULT;
    if (tv.usec < 0 || tv.usec >= 1000000)
        return -EINVAL;
    return rtc_set(tv.sec, tv.usec * 1000);
}
