/* ns16550-compatible UARTs (QEMU virt, and the DesignWare 8250 of the JH7110). */
#ifndef DEV_UART16550_H
#define DEV_UART16550_H

#include <stdint.h>
#include "dev/console.h"

struct uart16550 {
    volatile uint8_t *base;
    uint32_t reg_shift;     /* register n is at base + (n << reg_shift) */
    uint32_t reg_io_width;  /* 1 = byte accesses, 4 = 32-bit accesses */
};

void uart16550_init(struct uart16550 *u);
extern const struct console_driver uart16550_driver;

#endif
