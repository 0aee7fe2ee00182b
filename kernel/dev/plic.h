/* The RISC-V platform-level interrupt controller: routes device interrupts to a hart's S-mode. */
#ifndef DEV_PLIC_H
#define DEV_PLIC_H

#include <stdbool.h>
#include <stdint.h>

struct machine_info;

/* Map the PLIC the DT describes and prepare the boot hart's S-mode context. */
bool plic_init(const struct machine_info *mi, uint32_t hartid);
void plic_enable(uint32_t irq);
uint32_t plic_claim(void);          /* 0 when nothing is pending */
void plic_complete(uint32_t irq);

#endif
