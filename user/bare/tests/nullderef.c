/* Loads from address 0: must die with "load page fault" (page 0 is never mapped). */
#include "ulib.h"

int main(void)
{
    volatile int *p = (volatile int *)0;
    int v = *p;
    t_fail("nullderef", "load from address 0 returned %d", v);
    return 1;
}
