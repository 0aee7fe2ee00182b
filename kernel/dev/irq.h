/* External (device) interrupts arriving through the platform interrupt controller. */
#ifndef DEV_IRQ_H
#define DEV_IRQ_H

/* Called from the trap path on a supervisor external interrupt. */
void irq_dispatch_external(void);

#endif
