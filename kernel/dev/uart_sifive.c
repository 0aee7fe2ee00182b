/* Driver for the SiFive UART: polled transmit through the txdata full flag, receive by
 * popping rxdata (its empty flag says when nothing is waiting). The baud divisor is left as set. */
#include "dev/uart_sifive.h"

/* Register indices in 32-bit words. */
#define SIFIVE_TXDATA 0         /* write a byte; reads bit 31 = FIFO full */
#define SIFIVE_RXDATA 1         /* read pops a byte; bit 31 = FIFO was empty */
#define SIFIVE_TXCTRL 2
#define SIFIVE_RXCTRL 3
#define SIFIVE_IE     4
#define SIFIVE_IP     5
#define SIFIVE_DIV    6
#define SIFIVE_FLAG   0x80000000u
#define SIFIVE_TXEN   0x1u      /* txctrl bit 0 */
#define SIFIVE_RXEN   0x1u      /* rxctrl bit 0 */
#define SIFIVE_RXCNT  (7u << 16) /* rxctrl watermark: rxwm pending while entries > rxcnt */
#define SIFIVE_IE_RXWM 0x2u

static uint32_t sifive_read(const struct uart_sifive *u, unsigned reg)
{
    return u->base[reg];
}

static void sifive_write(const struct uart_sifive *u, unsigned reg, uint32_t v)
{
    u->base[reg] = v;
}

/* Read-modify-write keeps the firmware's stop bits and watermarks; only the enables change. */
void uart_sifive_init(struct uart_sifive *u)
{
    sifive_write(u, SIFIVE_IE, 0);
    sifive_write(u, SIFIVE_TXCTRL, sifive_read(u, SIFIVE_TXCTRL) | SIFIVE_TXEN);
    sifive_write(u, SIFIVE_RXCTRL, sifive_read(u, SIFIVE_RXCTRL) | SIFIVE_RXEN);
}

static void uart_sifive_putc(void *regs, char c)
{
    struct uart_sifive *u = regs;
    while (sifive_read(u, SIFIVE_TXDATA) & SIFIVE_FLAG)
        ;
    sifive_write(u, SIFIVE_TXDATA, (uint8_t)c);
}

static int uart_sifive_getc(void *regs)
{
    uint32_t v = sifive_read(regs, SIFIVE_RXDATA);
    if (v & SIFIVE_FLAG)
        return -1;
    return (int)(v & 0xff);
}

/* Interrupt as soon as one byte waits (watermark 0). */
static void uart_sifive_enable_rx_irq(void *regs)
{
    struct uart_sifive *u = regs;
    sifive_write(u, SIFIVE_RXCTRL, (sifive_read(u, SIFIVE_RXCTRL) & ~SIFIVE_RXCNT) | SIFIVE_RXEN);
    sifive_write(u, SIFIVE_IE, SIFIVE_IE_RXWM);
}

const struct console_driver uart_sifive_driver = {
    .name = "sifive-uart",
    .putc = uart_sifive_putc,
    .getc = uart_sifive_getc,
    .enable_rx_irq = uart_sifive_enable_rx_irq,
};
