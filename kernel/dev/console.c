/* Console output and kprintf. Before console_init (and on machines whose DT describes no
 * supported UART) characters go to the SBI firmware console. */
#include <stdarg.h>
#include "dev/console.h"
#include "dev/devtree.h"
#include "dev/uart16550.h"
#include "dev/uart_sifive.h"
#include "lib/printf.h"
#include "arch.h"
#include "dev/irq.h"
#include "dev/klog.h"

static struct {
    const struct console_driver *drv;
    void *regs;
    uint32_t irq;
    void (*rx)(char c);
    bool polling;
    union {
        struct uart16550 ns16550;
        struct uart_sifive sifive;
    } u;
} console;

bool console_init(const struct machine_info *mi)
{
    const struct dt_uart *u = &mi->uart;
    if (u->base == 0 || (u->kind != DT_UART_NS16550 && u->kind != DT_UART_SIFIVE))
        return false;
    void *base = arch_mmio_map(u->base, u->size ? u->size : 0x100);
    if (!base)
        return false;
    if (u->kind == DT_UART_SIFIVE) {
        console.u.sifive = (struct uart_sifive){ base };
        uart_sifive_init(&console.u.sifive);
        console.regs = &console.u.sifive;
        console.drv = &uart_sifive_driver;
    } else {
        console.u.ns16550 = (struct uart16550){ base, u->reg_shift, u->reg_io_width ? u->reg_io_width : 1 };
        uart16550_init(&console.u.ns16550);
        console.regs = &console.u.ns16550;
        console.drv = &uart16550_driver;
    }
    console.irq = u->irq;
    return true;
}

const char *console_name(void)
{
    return console.drv ? console.drv->name : "sbi";
}

void console_putc(char c)
{
    if (c == '\n')
        console_putc('\r');
    if (console.drv)
        console.drv->putc(console.regs, c);
    else
        arch_early_putc(c);
}

void console_put_raw(char c)
{
    if (console.drv)
        console.drv->putc(console.regs, c);
    else
        arch_early_putc(c);
}

static void console_drain(void)
{
    int c;
    while (console.drv && console.rx && (c = console.drv->getc(console.regs)) >= 0)
        console.rx((char)c);
}

void console_start_input(void (*rx)(char c))
{
    console.rx = rx;
    if (!console.drv)
        return;
    if (console.irq && irq_register(console.irq, console_drain)) {
        console.drv->enable_rx_irq(console.regs);
        return;
    }
    console.polling = true;
}

void console_poll(void)
{
    if (console.polling)
        console_drain();
}

void console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        console_putc(s[i]);
}

static void console_emit(char c, void *arg)
{
    (void)arg;
    klog_putc(c);
    console_putc(c);
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvformat(console_emit, NULL, fmt, ap);
    va_end(ap);
    return n;
}
