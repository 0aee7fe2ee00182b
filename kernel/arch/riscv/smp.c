/* Bringing up the other harts: every hart with an MMU and status "okay" is started through
 * SBI HSM at secondary_entry (entry.S), which lands in secondary_main on the boot page table;
 * from there each hart loads the kernel table, its trap vector and timer, and joins the
 * scheduler. Harts without an MMU (the E51/S7 monitor cores) are never started. */
#include "arch.h"
#include "sbi.h"
#include "dev/devtree.h"
#include "dev/console.h"
#include "proc/sched.h"
#include "lib/spinlock.h"

extern char secondary_entry[];

static const struct machine_info *smp_machine;

static uint64_t image_pa(const void *va)
{
    return (uint64_t)va - KERNEL_LINK_BASE + kernel_phys_base;
}

__attribute__((noreturn)) void secondary_main(uint64_t hartid, uint64_t index)
{
    sched_init_hart((uint32_t)hartid, (uint32_t)index);
    arch_trap_init_hart();
    arch_mm_activate(arch_kernel_root(), 0, true);
    cpu_sfence_all();
    arch_timer_init_hart();
    sched_loop();
}

static bool smp_wait_online(uint32_t index)
{
    for (uint64_t spins = 0; spins < 100000000; spins++)
        if (__atomic_load_n(&cpus[index].online, __ATOMIC_ACQUIRE))
            return true;
    return false;
}

void arch_smp_start(const struct machine_info *mi, unsigned max_harts)
{
    uint32_t boot = this_cpu()->hartid, next = 1;
    smp_machine = mi;
    for (int i = 0; i < mi->nharts && next < MAX_HARTS && next < max_harts; i++) {
        const struct dt_hart *h = &mi->harts[i];
        if (h->hartid == boot || !h->okay || !h->has_mmu || h->hartid >= 64)
            continue;
        long err = sbi_hart_start(h->hartid, image_pa(secondary_entry), next);
        if (err) {
            kprintf("rvix: hart %u did not start (SBI error %ld)\n", h->hartid, err);
            continue;
        }
        if (!smp_wait_online(next)) {
            kprintf("rvix: hart %u did not come online\n", h->hartid);
            continue;
        }
        next++;
    }
}

/* IPIs and remote fences name harts by hart id; the kernel names them by cpus[] index. */
static uint64_t smp_hart_mask(uint64_t cpu_mask)
{
    uint64_t harts = 0;
    for (uint32_t i = 0; i < MAX_HARTS; i++)
        if ((cpu_mask & (1UL << i)) && cpus[i].online)
            harts |= 1UL << cpus[i].hartid;
    return harts;
}

void arch_send_ipi(uint64_t cpu_mask)
{
    sbi_send_ipi(smp_hart_mask(cpu_mask));
}

/* Other online harts in cpu_mask (this one is flushed locally by the caller). */
static uint64_t smp_others(uint64_t cpu_mask)
{
    return smp_hart_mask(cpu_mask & ~(1UL << this_cpu()->index));
}

void arch_tlb_flush_remote(uint64_t cpu_mask, uint64_t va, uint64_t size, long asid)
{
    uint64_t harts = smp_others(cpu_mask);
    if (harts)
        sbi_remote_sfence(harts, va, size, asid);
}
