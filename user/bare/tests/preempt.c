/* Preemption test; the case spawns two copies.
 * Each copy spins on rdtime for a fixed span of "time" ticks without making
 * a single system call. Whenever two consecutive reads differ by more than
 * GAP_TICKS, something else ran in between: the process was preempted.
 * With two CPU-bound copies on one hart, each should be off the CPU for
 * roughly half of its span; without preemption the first copy runs to the
 * end undisturbed and the second starts only after it, so neither sees gaps. */
#include "ulib.h"

#define SPAN_TICKS 5000000UL /* 0.5 s at QEMU virt's 10 MHz timebase, 5 s at 1 MHz */
#define GAP_TICKS  5000UL    /* 0.5 ms at 10 MHz: far above a loop iteration or an interrupt */
#define MIN_SHARE  10        /* percent of the span spent descheduled */

int main(void)
{
    uint64_t start = rd_time(), prev = start, now;
    unsigned long reads = 0, gaps = 0;
    uint64_t gap_ticks = 0, max_gap = 0;
    do {
        now = rd_time();
        reads++;
        uint64_t d = now - prev;
        if (d > GAP_TICKS) {
            gaps++;
            gap_ticks += d;
            if (d > max_gap)
                max_gap = d;
        }
        prev = now;
    } while (now - start < SPAN_TICKS);

    uint64_t span = now - start;
    unsigned long share = (unsigned long)(gap_ticks * 100 / span);
    long pid = sys_getpid();
    uprintf("preempt pid %ld: %lu reads, %lu gaps, off-cpu %lu%% of %lu ticks, longest gap %lu\n",
            pid, reads, gaps, share, (unsigned long)span, (unsigned long)max_gap);
    t_check(gaps >= 1, "gaps", "pid %ld never descheduled in %lu rdtime reads over %lu ticks",
            pid, reads, (unsigned long)span);
    t_check(share >= MIN_SHARE, "share",
            "pid %ld was off the CPU only %lu%% of its span (%lu gaps); the other copy should get about half",
            pid, share, gaps);
    return t_status();
}
