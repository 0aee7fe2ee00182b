/* hello: the tiny static program that lat_proc execs, and a boot-time probe.
 *   hello -q   exit(0) at once, printing nothing (what lat_proc's fork_exec runs)
 *   hello      print the hart's counters as the first thing main does:
 *              "hello pid=<n> instret=<n> cycle=<n> time=<n>"
 * On RISC-V, instret counts every instruction the hart retired since reset, in all modes:
 * firmware, kernel, and this program's C library start-up. Under QEMU with -icount shift=0
 * it is exactly the number of guest instructions executed so far (plus any idle time). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
#if defined(__riscv)
    uint64_t instret, cycle, time;
    __asm__ volatile("rdinstret %0" : "=r"(instret));
    __asm__ volatile("rdcycle %0" : "=r"(cycle));
    __asm__ volatile("rdtime %0" : "=r"(time));
#endif
    if (argc > 1 && strcmp(argv[1], "-q") == 0)
        return 0;
    char line[160];
#if defined(__riscv)
    int n = snprintf(line, sizeof line, "hello pid=%d instret=%llu cycle=%llu time=%llu\n", (int)getpid(),
                     (unsigned long long)instret, (unsigned long long)cycle, (unsigned long long)time);
#else
    int n = snprintf(line, sizeof line, "hello pid=%d\n", (int)getpid());
#endif
    return write(1, line, (size_t)n) == n ? 0 : 1;
}
