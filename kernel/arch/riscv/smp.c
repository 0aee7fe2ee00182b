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
#include "lib/trace.h"

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
        /* A hart that is only slow keeps its slot (and stack): the next one gets another. */
        if (!smp_wait_online(next))
            kprintf("rvix: hart %u did not come online in time\n", h->hartid);
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

/* The stores that wrote the code were made by this hart: the fence makes them visible to
 * the targets before they are asked to refetch. */
void arch_icache_flush_remote(uint64_t cpu_mask)
{
    uint64_t targets = 0;
    for (uint32_t i = 0; i < MAX_HARTS; i++)
        if ((cpu_mask & (1UL << i)) && cpus[i].online && &cpus[i] != this_cpu()) {
            targets |= 1UL << i;
            kstat_inc(KSTAT_FENCE_I_REMOTE);
        }
    if (!targets)
        return;
    __asm__ volatile("fence rw, rw" ::: "memory");
    sbi_remote_fence_i(smp_hart_mask(targets));
}

/* Remote TLB shootdown. By default the kernel's own protocol (as on x86): the initiator, which
 * holds the kernel lock, posts the range, sends each target an S-mode IPI and waits until
 * every target has flushed and cleared its bit. Targets flush in arch_tlb_shootdown_poll,
 * called from the IPI's trap and from the spin-wait loop, so a hart waiting for the kernel
 * lock still answers. tlb=rfence uses SBI RFENCE instead (see docs/smp.md for why it is
 * not the default with OpenSBI 1.1). */
static struct {
    uint64_t va, size;
    long asid;
    uint64_t pending;           /* cpus[] indices still to flush */
    bool use_rfence;
} shootdown;

void arch_tlb_use_rfence(bool on)
{
    shootdown.use_rfence = on;
}

static void smp_flush_local(uint64_t va, uint64_t size, long asid)
{
    if (size > 64 * PAGE_SIZE) {
        if (asid < 0)
            cpu_sfence_all();
        else
            cpu_sfence_asid((uint64_t)asid);
        return;
    }
    for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
        if (asid < 0)
            cpu_sfence_page(va + off);
        else
            cpu_sfence_page_asid(va + off, (uint64_t)asid);
    }
}

void arch_tlb_shootdown_poll(void)
{
    uint64_t me = 1UL << this_cpu()->index;
    if (!(__atomic_load_n(&shootdown.pending, __ATOMIC_ACQUIRE) & me))
        return;
    smp_flush_local(shootdown.va, shootdown.size, shootdown.asid);
    __atomic_fetch_and(&shootdown.pending, ~me, __ATOMIC_RELEASE);
}

void arch_tlb_flush_remote(uint64_t cpu_mask, uint64_t va, uint64_t size, long asid)
{
    uint64_t targets = 0;
    for (uint32_t i = 0; i < MAX_HARTS; i++)
        if ((cpu_mask & (1UL << i)) && cpus[i].online && &cpus[i] != this_cpu())
            targets |= 1UL << i;
    if (!targets)
        return;
    if (shootdown.use_rfence) {
        sbi_remote_sfence(smp_hart_mask(targets), va, size, asid);
        return;
    }
    shootdown.va = va;
    shootdown.size = size;
    shootdown.asid = asid;
    __atomic_store_n(&shootdown.pending, targets, __ATOMIC_RELEASE);
    sbi_send_ipi(smp_hart_mask(targets));
    while (__atomic_load_n(&shootdown.pending, __ATOMIC_ACQUIRE))
        ;
}
