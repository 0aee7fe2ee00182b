/* The kernel console: kprintf output goes to the DT-described UART once it is up,
 * and to the firmware's console (SBI) before that or when no UART is described. */
#ifndef DEV_CONSOLE_H
#define DEV_CONSOLE_H

#include <stddef.h>
#include <stdbool.h>

struct machine_info;

struct console_driver {
    const char *name;
    void (*putc)(void *regs, char c);
    int (*getc)(void *regs);                 /* -1 when nothing is waiting */
    void (*enable_rx_irq)(void *regs);
};

/* Switch to the UART the device tree names; returns false (staying on SBI) if none is usable. */
bool console_init(const struct machine_info *mi);
void console_putc(char c);
/* One character exactly as given (the tty does its own newline translation). */
void console_put_raw(char c);
/* Deliver received characters to rx: from the UART's interrupt when the PLIC can route it,
 * else by polling on each timer tick. */
void console_start_input(void (*rx)(char c));
/* Called every tick: polls for input when there is no receive interrupt. */
void console_poll(void);
void console_write(const char *s, size_t n);
const char *console_name(void);
/* printf to the console (formats: see lib/printf.h). */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
