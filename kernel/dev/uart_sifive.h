/* SiFive UART ("sifive,uart0": HiFive Unleashed/Unmatched, QEMU sifive_u), 32-bit registers. */
#ifndef DEV_UART_SIFIVE_H
#define DEV_UART_SIFIVE_H

#include <stdint.h>
#include "dev/console.h"

struct uart_sifive {
    volatile uint32_t *base;
};

/* Enables transmit and receive and masks interrupts; the firmware's baud divisor is kept. */
void uart_sifive_init(struct uart_sifive *u);
extern const struct console_driver uart_sifive_driver;

#endif
