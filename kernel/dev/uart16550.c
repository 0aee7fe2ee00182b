/* Driver for 16550-style UARTs: polled transmit, receive through the line-status register.
 * Register spacing and access width come from the DT (reg-shift, reg-io-width). */
#include "dev/uart16550.h"

#define UART_RBR 0      /* receive buffer (read) */
#define UART_THR 0      /* transmit holding (write) */
#define UART_IER 1      /* interrupt enable */
#define UART_FCR 2      /* FIFO control (write) */
#define UART_LCR 3      /* line control */
#define UART_LSR 5      /* line status */
#define IER_RX_AVAILABLE 0x01
#define FCR_ENABLE_CLEAR 0x07
#define LCR_8N1          0x03
#define LSR_DATA_READY   0x01
#define LSR_THR_EMPTY    0x20

static uint32_t uart_read(const struct uart16550 *u, unsigned reg)
{
    volatile uint8_t *p = u->base + (reg << u->reg_shift);
    if (u->reg_io_width == 4)
        return *(volatile uint32_t *)p;
    return *p;
}

static void uart_write(const struct uart16550 *u, unsigned reg, uint32_t v)
{
    volatile uint8_t *p = u->base + (reg << u->reg_shift);
    if (u->reg_io_width == 4)
        *(volatile uint32_t *)p = v;
    else
        *p = (uint8_t)v;
}

/* The firmware already set the baud rate; keep it and only make sure of 8N1 and FIFOs. */
void uart16550_init(struct uart16550 *u)
{
    uart_write(u, UART_IER, 0);
    uart_write(u, UART_LCR, LCR_8N1);
    uart_write(u, UART_FCR, FCR_ENABLE_CLEAR);
}

static void uart16550_putc(void *regs, char c)
{
    struct uart16550 *u = regs;
    while (!(uart_read(u, UART_LSR) & LSR_THR_EMPTY))
        ;
    uart_write(u, UART_THR, (uint8_t)c);
}

static int uart16550_getc(void *regs)
{
    struct uart16550 *u = regs;
    if (!(uart_read(u, UART_LSR) & LSR_DATA_READY))
        return -1;
    return (int)(uart_read(u, UART_RBR) & 0xff);
}

static void uart16550_enable_rx_irq(void *regs)
{
    uart_write(regs, UART_IER, IER_RX_AVAILABLE);
}

const struct console_driver uart16550_driver = {
    .name = "ns16550",
    .putc = uart16550_putc,
    .getc = uart16550_getc,
    .enable_rx_irq = uart16550_enable_rx_irq,
};
