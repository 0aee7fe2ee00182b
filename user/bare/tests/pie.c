/* A position-independent executable (ET_DYN, no interpreter): the kernel must pick a load
 * bias, map it there and enter it; code and data are then found pc-relatively. Self-contained
 * (no user/lib) so the whole program is position-independent. */
#include <stdint.h>

static int data_value = 42;
static int bss_value;

static long sys3(long nr, long a0, long a1, long a2)
{
    register long r0 __asm__("a0") = a0, r1 __asm__("a1") = a1, r2 __asm__("a2") = a2;
    register long r7 __asm__("a7") = nr;
    __asm__ volatile("ecall" : "+r"(r0) : "r"(r1), "r"(r2), "r"(r7) : "memory");
    return r0;
}

static void say(const char *s)
{
    long n = 0;
    while (s[n])
        n++;
    sys3(64, 1, (long)s, n);
}

void _start(void)
{
    uint64_t pc;
    __asm__ volatile("auipc %0, 0" : "=r"(pc));
    say(pc >= 0x2000000000UL && pc < 0x4000000000UL ? "ok pie-bias\n"
        : "not ok pie-bias: not running above the PIE base 0x2000000000\n");
    say(data_value == 42 && bss_value == 0 ? "ok pie-data\n" : "not ok pie-data: data or bss wrong\n");
    bss_value = 7;
    say(bss_value == 7 ? "ok pie-bss-writable\n" : "not ok pie-bss-writable\n");
    sys3(94, 0, 0, 0);
    for (;;)
        ;
}
