/* The cycle, time and instret counters are readable from U-mode (the kernel
 * enabled them in scounteren; otherwise the first read kills us) and move. */
#include "ulib.h"

#define LOOPS 100000UL

int main(void)
{
    uint64_t c0 = rd_cycle(), t0 = rd_time(), i0 = rd_instret();
    volatile unsigned long sink = 0;
    for (unsigned long i = 0; i < LOOPS; i++)
        sink += i;
    uint64_t c1 = rd_cycle(), t1 = rd_time(), i1 = rd_instret();
    uprintf("counters: cycle +%lu time +%lu instret +%lu\n",
            (unsigned long)(c1 - c0), (unsigned long)(t1 - t0), (unsigned long)(i1 - i0));

    t_ok("readable"); /* we are still alive after reading all three */
    t_check(c1 > c0, "cycle-advances", "cycle went from %lu to %lu", (unsigned long)c0, (unsigned long)c1);
    t_check(t1 >= t0, "time-nondecreasing", "time went from %lu to %lu", (unsigned long)t0, (unsigned long)t1);
    t_check(i1 > i0, "instret-advances", "instret went from %lu to %lu", (unsigned long)i0, (unsigned long)i1);

    /* time must move while we wait for it (bounded: about 10^8 reads at most). */
    uint64_t t2 = t1;
    for (unsigned long n = 0; n < 100000000UL && t2 == t1; n++)
        t2 = rd_time();
    t_check(t2 > t1, "time-advances", "time stuck at %lu", (unsigned long)t1);
    return t_status();
}
