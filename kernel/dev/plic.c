/* PLIC driver. Registers (from the RISC-V PLIC specification): source priorities at
 * base + 4*irq, per-context enable bits at base + 0x2000 + 0x80*ctx, and per-context
 * threshold and claim/complete at base + 0x200000 + 0x1000*ctx. The context of a hart's
 * S-mode comes from the DT (devtree's plic_s_context), never from a formula. */
#include "dev/plic.h"
#include "dev/devtree.h"
#include "arch.h"

#define PLIC_PRIORITY      0x0
#define PLIC_ENABLE(ctx)   (0x2000 + 0x80 * (uint64_t)(ctx))
#define PLIC_CONTEXT(ctx)  (0x200000 + 0x1000 * (uint64_t)(ctx))
#define PLIC_THRESHOLD     0x0
#define PLIC_CLAIM         0x4

static struct {
    volatile uint32_t *priority;
    volatile uint32_t *enable;
    volatile uint32_t *context;
    uint32_t ndev;
} plic;

bool plic_init(const struct machine_info *mi, uint32_t hartid)
{
    const struct dt_hart *h = devtree_boot_hart(mi, hartid);
    if (!mi->plic.present || !h || h->plic_s_context < 0)
        return false;
    uint64_t base = mi->plic.base;
    int ctx = h->plic_s_context;
    plic.ndev = mi->plic.ndev;
    plic.priority = arch_mmio_map(base + PLIC_PRIORITY, 4 * (plic.ndev + 1));
    plic.enable = arch_mmio_map(base + PLIC_ENABLE(ctx), 0x80);
    plic.context = arch_mmio_map(base + PLIC_CONTEXT(ctx), 8);
    if (!plic.priority || !plic.enable || !plic.context)
        return false;
    plic.context[PLIC_THRESHOLD / 4] = 0;
    return true;
}

void plic_enable(uint32_t irq)
{
    if (!plic.priority || irq == 0 || irq > plic.ndev)
        return;
    plic.priority[irq] = 1;
    plic.enable[irq / 32] |= 1u << (irq % 32);
}

uint32_t plic_claim(void)
{
    return plic.context ? plic.context[PLIC_CLAIM / 4] : 0;
}

void plic_complete(uint32_t irq)
{
    if (plic.context)
        plic.context[PLIC_CLAIM / 4] = irq;
}
