/* Writes a supervisor CSR from U-mode: the kernel must kill us with
 * "illegal instruction". Printing anything means the write was allowed. */
#include "ulib.h"

int main(void)
{
    __asm__ volatile("csrw stvec, zero" ::: "memory");
    t_fail("privileged", "csrw stvec executed in U-mode without a trap");
    return 1;
}
