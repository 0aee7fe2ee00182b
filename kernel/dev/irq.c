/* External interrupt dispatch: claim the source from the PLIC, run its handler, complete it. */
#include "dev/irq.h"
#include "dev/plic.h"
#include "dev/console.h"
#include "arch.h"

#define IRQ_MAX 128

static struct {
    bool ready;
    void (*handlers[IRQ_MAX])(void);
} irq;

bool irq_init(const struct machine_info *mi, uint32_t hartid)
{
    irq.ready = plic_init(mi, hartid);
    if (irq.ready)
        arch_irq_enable_external();
    return irq.ready;
}

bool irq_register(uint32_t n, void (*handler)(void))
{
    if (!irq.ready || n == 0 || n >= IRQ_MAX)
        return false;
    irq.handlers[n] = handler;
    plic_enable(n);
    return true;
}

void irq_dispatch_external(void)
{
    uint32_t n;
    while ((n = plic_claim()) != 0) {
        if (n < IRQ_MAX && irq.handlers[n])
            irq.handlers[n]();
        else
            kprintf("kernel: interrupt %u has no handler\n", n);
        plic_complete(n);
    }
}
