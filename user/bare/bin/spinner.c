/* Preemption demo: burns the CPU for a couple of seconds without a single
 * system call, so the only way anything else runs is a timer interrupt.
 * Progress is reported only at the end, in rdtime ticks. */
#include "ulib.h"

#define ITERATIONS 1500000000UL /* about 2 s under QEMU TCG on a typical host */

int main(void)
{
    uint64_t t0 = rd_time();
    unsigned long x = 1;
    for (unsigned long i = 0; i < ITERATIONS; i++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        __asm__ volatile("" : "+r"(x)); /* keep the loop from being folded away */
    }
    uint64_t t1 = rd_time();
    uprintf("spinner pid %ld: %lu iterations in %lu time ticks (x=%lx)\n",
            sys_getpid(), ITERATIONS, (unsigned long)(t1 - t0), x);
    return 0;
}
