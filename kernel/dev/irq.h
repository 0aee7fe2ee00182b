/* Device interrupts: drivers register a handler for their PLIC source number. */
#ifndef DEV_IRQ_H
#define DEV_IRQ_H

#include <stdbool.h>
#include <stdint.h>

struct machine_info;

/* Set up the interrupt controller; false when the machine has none we can use. */
bool irq_init(const struct machine_info *mi, uint32_t hartid);
bool irq_register(uint32_t irq, void (*handler)(void));
/* Called from the trap path on a supervisor external interrupt. */
void irq_dispatch_external(void);

#endif
