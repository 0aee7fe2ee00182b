/* Goldfish RTC: TIME_LOW at +0, TIME_HIGH at +4 (reading TIME_LOW latches TIME_HIGH), the time
 * in nanoseconds since the epoch. rtc_init reads it once and keeps the difference to the
 * monotonic clock (arch_time_ns), so CLOCK_REALTIME = monotonic + offset. */
#include "dev/rtc.h"
#include "dev/devtree.h"
#include "dev/console.h"
#include "arch.h"

static uint64_t realtime_offset_ns;

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
    if (ns > now)
        realtime_offset_ns = ns - now;
    kprintf("rvix: rtc goldfish at %#lx, %lu s since the epoch\n", mi->rtc_base, ns / 1000000000);
}

uint64_t rtc_realtime_ns(void)
{
    return arch_time_ns() + realtime_offset_ns;
}
