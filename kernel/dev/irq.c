/* External interrupt dispatch. No device asks for interrupts yet, so sie.SEIE stays clear
 * and an external interrupt reaching here means a misconfigured controller: say so once. */
#include "dev/irq.h"
#include "dev/console.h"

void irq_dispatch_external(void)
{
    static int reported;
    if (!reported++)
        kprintf("kernel: external interrupt with no controller driver\n");
}
