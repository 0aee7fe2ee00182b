/* trapdemo_a: process A of the trap-flow scenario (make trapflow, scripts/trapflow).
 * Boot with "spawn=/bench/trapdemo_a,/bench/trapdemo_b trace=1". A makes one system call
 * that nothing else in the scenario makes (getppid, number 173: the marker the renderer looks
 * for), then computes without any system call for TRAPDEMO_SPIN_MS of time, so the timer
 * interrupt preempts it in user mode and the kernel switches to B, which prints the trace.
 * Usage: trapdemo_a [spin milliseconds] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define TRAPDEMO_SPIN_MS 300

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#if defined(__riscv)
/* rdtime reads the time CSR directly: no system call while spinning. */
static uint64_t ticks(void)
{
    uint64_t t;
    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}
#endif

int main(int argc, char **argv)
{
    long ms = argc > 1 ? atol(argv[1]) : TRAPDEMO_SPIN_MS;
    char line[96];
    int n = snprintf(line, sizeof line, "trapdemo_a pid=%d: system call, then %ld ms of computing\n",
                     (int)getpid(), ms);
    if (write(1, line, (size_t)n) < 0)
        return 1;
#if defined(__riscv)
    /* Calibrate rdtime against the clock before the marker (two calls around 10 ms of
     * rdtime polling, at the 10 MHz of QEMU virt), so the spin itself makes no calls. */
    uint64_t n0 = now_ns(), t0 = ticks();
    while (ticks() - t0 < 100000)
        ;
    uint64_t t1 = ticks(), n1 = now_ns();
    uint64_t per_ms = n1 > n0 ? (t1 - t0) * 1000000u / (n1 - n0) : 10000;
    if (per_ms == 0)
        per_ms = 10000;
    syscall(SYS_getppid);               /* the marker system call */
    uint64_t start = ticks();
    volatile uint64_t x = 1;
    while (ticks() - start < (uint64_t)ms * per_ms)
        x = x * 6364136223846793005u + 1442695040888963407u;
#else
    syscall(SYS_getppid);
    uint64_t start = now_ns();
    volatile uint64_t x = 1;
    while (now_ns() - start < (uint64_t)ms * 1000000u)
        x = x * 6364136223846793005u + 1442695040888963407u;
#endif
    return 0;
}
