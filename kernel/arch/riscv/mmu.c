/* The kernel's own address space: the final Sv39 table (W^X image, direct map of RAM,
 * kernel stacks with guard pages, device windows), ASID detection and satp loads.
 * The sfence.vma discipline is documented in docs/memory.md. */
#include "arch.h"
#include "csr.h"
#include "pagetable.h"
#include "mm/page.h"
#include "dev/devtree.h"
#include "dev/console.h"
#include "lib/panic.h"

extern char _kernel_start[], _etext[], _erodata[], _kernel_end[];

static struct {
    pte_t *root;
    int asid_bits;
    uint64_t mmio_next;     /* bump pointer in MMIO_AREA */
} mmu;

static uint64_t image_pa(const void *va)
{
    return (uint64_t)va - KERNEL_LINK_BASE + kernel_phys_base;
}

static void mmu_map_or_die(uint64_t va, uint64_t pa, uint64_t size, unsigned prot, bool large)
{
    int err = pt_map(mmu.root, va, pa, size, prot, large);
    if (err)
        kpanic("mmu: cannot map %#lx..%#lx (error %d)", va, va + size, err);
}

static void mmu_map_image(void)
{
    uint64_t text = (uint64_t)_kernel_start, rodata = (uint64_t)_etext;
    uint64_t data = (uint64_t)_erodata, end = (uint64_t)_kernel_end;
    mmu_map_or_die(text, image_pa(_kernel_start), rodata - text, VM_READ | VM_EXEC | VM_GLOBAL, false);
    mmu_map_or_die(rodata, image_pa(_etext), data - rodata, VM_READ | VM_GLOBAL, false);
    mmu_map_or_die(data, image_pa(_erodata), end - data, VM_READ | VM_WRITE | VM_GLOBAL, false);
}

/* RAM at DIRECT_MAP_BASE + pa, read-write but never executable; the alias of the kernel
 * image is read-only, so no page of it is writable and executable through any mapping. */
static void mmu_map_direct(const struct machine_info *mi)
{
    uint64_t kstart = kernel_phys_base, kend = image_pa(_kernel_end);
    const unsigned rw = VM_READ | VM_WRITE | VM_GLOBAL;
    for (int i = 0; i < mi->nmem; i++) {
        uint64_t base = (mi->mem[i].base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        uint64_t end = (mi->mem[i].base + mi->mem[i].size) & ~(PAGE_SIZE - 1);
        if (end > DIRECT_MAP_SIZE) {
            kprintf("mmu: RAM above %#lx is not mapped\n", DIRECT_MAP_SIZE);
            end = DIRECT_MAP_SIZE;
        }
        if (base >= end)
            continue;
        uint64_t lo = kstart > base ? (kstart < end ? kstart : end) : base;
        uint64_t hi = kend < end ? (kend > base ? kend : base) : end;
        if (lo > base)
            mmu_map_or_die(DIRECT_MAP_BASE + base, base, lo - base, rw, true);
        if (hi > lo)
            mmu_map_or_die(DIRECT_MAP_BASE + lo, lo, hi - lo, VM_READ | VM_GLOBAL, false);
        if (end > hi)
            mmu_map_or_die(DIRECT_MAP_BASE + hi, hi, end - hi, rw, true);
    }
}

/* Kernel-half root entries are copied into every address space when it is created, so every
 * root entry the kernel will ever use must exist before the first process. */
static void mmu_reserve_root_entry(uint64_t va)
{
    if (!pt_walk(mmu.root, va, true))
        kpanic("mmu: no memory for the table of %#lx", va);
}

static int mmu_detect_asid_bits(uint64_t satp)
{
    csr_write(satp, satp | (SATP_ASID_MASK << SATP_ASID_SHIFT));
    uint64_t back = csr_read(satp);
    csr_write(satp, satp);
    cpu_sfence_all();
    uint64_t asids = (back >> SATP_ASID_SHIFT) & SATP_ASID_MASK;
    int bits = 0;
    while (asids & 1) {
        bits++;
        asids >>= 1;
    }
    return bits;
}

struct wx_audit {
    unsigned leaves, wx, user;
};

/* Visit every leaf of one table level (recursively); count W+X and U leaves. */
static void mmu_audit_table(const pte_t *table, int level, struct wx_audit *a)
{
    for (int i = 0; i < 512; i++) {
        pte_t pte = table[i];
        if (!(pte & PTE_V))
            continue;
        if (pte & (PTE_R | PTE_W | PTE_X)) {
            a->leaves++;
            a->wx += (pte & PTE_W) && (pte & PTE_X);
            a->user += (pte & PTE_U) != 0;
        } else if (level > 0) {
            mmu_audit_table(pa_to_kva(pte_to_pa(pte)), level - 1, a);
        }
    }
}

/* W^X is a property of the table actually loaded, so check that table, not the intent. */
static void mmu_audit_wx(void)
{
    struct wx_audit a = { 0, 0, 0 };
    for (int i = 256; i < 512; i++) {
        pte_t pte = mmu.root[i];
        if (!(pte & PTE_V))
            continue;
        if (pte & (PTE_R | PTE_W | PTE_X)) {
            a.leaves++;
            a.wx += (pte & PTE_W) && (pte & PTE_X);
        } else {
            mmu_audit_table(pa_to_kva(pte_to_pa(pte)), 1, &a);
        }
    }
    kprintf("rvix: kernel page table: %u leaves, %u writable+executable, %u user, %s\n", a.leaves, a.wx,
            a.user, a.wx || a.user ? "W^X VIOLATED" : "W^X holds");
}

void arch_mmu_init(const struct machine_info *mi)
{
    mmu.root = pt_create();
    if (!mmu.root)
        kpanic("mmu: no memory for the kernel page table");
    mmu_map_image();
    mmu_map_direct(mi);
    mmu_reserve_root_entry(KSTACK_AREA);
    mmu_reserve_root_entry(MMIO_AREA);
    mmu_reserve_root_entry(KVM_AREA);
    mmu.mmio_next = MMIO_AREA + PAGE_SIZE;
    uint64_t satp = (SATP_MODE_SV39 << SATP_MODE_SHIFT) | (kva_to_pa(mmu.root) >> PAGE_SHIFT);
    /* The boot table's identity map is dropped here; nothing runs at physical addresses any more. */
    kstat_inc(KSTAT_SATP_WRITES);
    csr_write(satp, satp);
    cpu_sfence_all();
    mmu.asid_bits = mmu_detect_asid_bits(satp);
    mmu_audit_wx();
}

uint64_t *arch_kernel_root(void)
{
    return mmu.root;
}

int arch_asid_bits(void)
{
    return mmu.asid_bits;
}

/* A kernel mapping was removed or changed: every hart may cache it, flush it everywhere. */
void arch_tlb_flush_kernel_range(uint64_t va, uint64_t size)
{
    for (uint64_t off = 0; off < size; off += PAGE_SIZE)
        cpu_sfence_page(va + off);
    arch_tlb_flush_remote(~0UL, va, size, -1);
}

/* A kernel mapping was added (invalid -> valid): flush only here. Another hart can at most
 * hold a stale "not mapped", which costs it one spurious fault that trap_kernel resolves. */
void arch_tlb_flush_kernel_new(uint64_t va, uint64_t size)
{
    for (uint64_t off = 0; off < size; off += PAGE_SIZE)
        cpu_sfence_page(va + off);
}

/* Looked up in the table this hart has loaded: kernel addresses, and user pages the kernel
 * touches with SUM set (copy_to_user after another hart mapped the page). */
bool arch_kernel_fault_is_stale(uint64_t va, bool write, bool exec)
{
    paddr_t pa;
    unsigned prot;
    pte_t *root = pa_to_kva((csr_read(satp) & SATP_PPN_MASK) << PAGE_SHIFT);
    if (!pt_lookup(root, va, &pa, &prot))
        return false;
    if ((write && !(prot & VM_WRITE)) || (exec && !(prot & VM_EXEC)) || (!write && !exec && !(prot & VM_READ)))
        return false;
    if (va < KERNEL_HALF && (!(prot & VM_USER) || !(csr_read(sstatus) & SSTATUS_SUM)))
        return false;
    cpu_sfence_page(va & ~(PAGE_SIZE - 1));
    return true;
}

void *arch_mmio_map(uint64_t pa, uint64_t size)
{
    uint64_t base = pa & ~(PAGE_SIZE - 1);
    uint64_t len = ((pa + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)) - base;
    if (size == 0 || mmu.mmio_next + len + PAGE_SIZE > MMIO_AREA + MMIO_AREA_SIZE)
        return 0;
    uint64_t va = mmu.mmio_next;
    if (pt_map(mmu.root, va, base, len, VM_READ | VM_WRITE | VM_GLOBAL, false))
        return 0;
    mmu.mmio_next += len + PAGE_SIZE;   /* an unmapped page between windows catches overruns */
    arch_tlb_flush_kernel_new(va, len);
    return (void *)(va + (pa - base));
}

bool arch_kstack_guard(uint64_t va)
{
    uint64_t slot_size = (KSTACK_PAGES + 1) * PAGE_SIZE;
    return va >= KSTACK_AREA && va < KSTACK_AREA + KSTACK_AREA_SIZE && (va - KSTACK_AREA) % slot_size < PAGE_SIZE;
}

static uint64_t kstack_base(int slot)
{
    return KSTACK_AREA + (uint64_t)slot * (KSTACK_PAGES + 1) * PAGE_SIZE + PAGE_SIZE;
}

/* Each stack sits above an unmapped guard page, so an overflow faults instead of corrupting. */
bool arch_kstack_map(int slot, uint64_t *top)
{
    uint64_t base = kstack_base(slot);
    for (int i = 0; i < KSTACK_PAGES; i++) {
        void *page = page_alloc();
        if (!page || pt_map(mmu.root, base + i * PAGE_SIZE, kva_to_pa(page), PAGE_SIZE,
                            VM_READ | VM_WRITE | VM_GLOBAL, false)) {
            if (page)
                page_put(page);
            pt_unmap(mmu.root, base, (uint64_t)i * PAGE_SIZE, true);
            arch_tlb_flush_kernel_range(base, (uint64_t)i * PAGE_SIZE);
            return false;
        }
    }
    arch_tlb_flush_kernel_new(base, KSTACK_SIZE);
    *top = base + KSTACK_SIZE;
    return true;
}

void arch_kstack_unmap(int slot)
{
    uint64_t base = kstack_base(slot);
    pt_unmap(mmu.root, base, KSTACK_SIZE, true);
    arch_tlb_flush_kernel_range(base, KSTACK_SIZE);
}

/* Loading satp does not flush the TLB. A process keeps its ASID for life, so its entries
 * stay valid across switches; only a freshly (re)assigned ASID, or ASID 0 shared by all
 * when the hart has no ASIDs, needs its old entries flushed. Global kernel entries survive. */
void arch_mm_activate(uint64_t *root, unsigned asid, bool fresh)
{
    uint64_t satp = (SATP_MODE_SV39 << SATP_MODE_SHIFT) | ((uint64_t)asid << SATP_ASID_SHIFT)
                    | (kva_to_pa(root) >> PAGE_SHIFT);
    if (csr_read(satp) != satp) {
        kstat_inc(KSTAT_SATP_WRITES);
        csr_write(satp, satp);
    }
    if (fresh)
        cpu_sfence_asid(asid);
}

void arch_mm_deactivate(uint64_t *root)
{
    uint64_t ppn = kva_to_pa(root) >> PAGE_SHIFT;
    if ((csr_read(satp) & SATP_PPN_MASK) == ppn)
        arch_mm_activate(mmu.root, 0, false);
}

void arch_tlb_flush_page(uint64_t va, unsigned asid, uint64_t cpus)
{
    cpu_sfence_page_asid(va, asid);
    arch_tlb_flush_remote(cpus, va, PAGE_SIZE, asid);
}

void arch_tlb_flush_asid(unsigned asid, uint64_t cpus)
{
    cpu_sfence_asid(asid);
    arch_tlb_flush_remote(cpus, 0, ~0UL, asid);
}
