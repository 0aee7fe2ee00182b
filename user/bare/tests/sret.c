/* Executes sret in U-mode: must die with "illegal instruction". */
#include "ulib.h"

int main(void)
{
    __asm__ volatile("sret" ::: "memory");
    t_fail("sret", "sret executed in U-mode without a trap");
    return 1;
}
