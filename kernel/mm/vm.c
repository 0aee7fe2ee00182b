/* User address spaces: regions, demand-zero paging, copy-on-write fork, ASIDs.
 * Every PTE change is followed by the narrowest sfence.vma that covers it (docs/memory.md). */
#include "mm/vm.h"
#include "mm/page.h"
#include "mm/kmalloc.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "lib/panic.h"
#include "arch.h"
#include "lib/trace.h"
#include "proc/proc.h"
#include "proc/sched.h"

#define ASID_MAX 4096

static void *vm_page_present(struct mm *mm, uint64_t va);

/* The PTE rights for a region's page: a region with no access at all keeps its frames as
 * supervisor-only readable leaves (R=W=X=0 would read as a pointer to another table). */
static unsigned vm_leaf_prot(unsigned prot)
{
    return (prot & (VM_READ | VM_WRITE | VM_EXEC)) ? prot | VM_USER : VM_READ;
}

static struct {
    uint8_t used[ASID_MAX / 8];
    unsigned limit;             /* usable ASIDs are [1, limit) */
} asids;

static unsigned asid_alloc(void)
{
    if (asids.limit == 0) {
        int bits = arch_asid_bits();
        asids.limit = bits >= 12 ? ASID_MAX : (1u << bits);
    }
    for (unsigned a = 1; a < asids.limit; a++) {
        if (!(asids.used[a / 8] & (1u << (a % 8)))) {
            asids.used[a / 8] |= (uint8_t)(1u << (a % 8));
            return a;
        }
    }
    return 0;   /* none left: share ASID 0 and flush on every switch */
}

static void asid_free(unsigned a)
{
    if (a)
        asids.used[a / 8] &= (uint8_t)~(1u << (a % 8));
}

struct mm *vm_create(void)
{
    struct mm *mm = kmalloc(sizeof *mm);
    if (!mm)
        return NULL;
    mm->root = pt_create();
    if (!mm->root) {
        kfree(mm);
        return NULL;
    }
    pt_share_kernel(mm->root, arch_kernel_root());
    mm->asid = asid_alloc();
    mm->asid_fresh = true;
    mm->mmap_top = USER_MMAP_TOP;
    mm->stack_top = USER_STACK_TOP;
    mm->users = 1;
    return mm;
}

struct mm *vm_get(struct mm *mm)
{
    mm->users++;
    return mm;
}

void vm_put(struct mm *mm)
{
    if (mm && --mm->users == 0)
        vm_destroy(mm);
}

void vm_destroy(struct mm *mm)
{
    if (!mm)
        return;
    /* Never leave satp pointing at a table that is about to be freed. */
    arch_mm_deactivate(mm->root);
    for (struct vm_area *a = mm->areas, *next; a; a = next) {
        next = a->next;
        kfree(a);
    }
    pt_destroy(mm->root, true);
    arch_tlb_flush_asid(mm->asid, mm->cpus);
    asid_free(mm->asid);
    kfree(mm);
}

void vm_activate(struct mm *mm)
{
    mm->cpus |= 1UL << this_cpu()->index;
    arch_mm_activate(mm->root, mm->asid, mm->asid_fresh || mm->asid == 0);
    mm->asid_fresh = false;
}

struct vm_area *vm_area_find(struct mm *mm, uint64_t va)
{
    for (struct vm_area *a = mm->areas; a && a->start <= va; a = a->next)
        if (va < a->end)
            return a;
    return NULL;
}

int vm_area_add(struct mm *mm, uint64_t start, uint64_t end, unsigned prot, unsigned flags)
{
    if ((start | end) & (PAGE_SIZE - 1) || start >= end || end > USER_TOP)
        return -EINVAL;
    struct vm_area **link = &mm->areas;
    while (*link && (*link)->end <= start)
        link = &(*link)->next;
    if (*link && (*link)->start < end)
        return -EINVAL;
    struct vm_area *a = kmalloc(sizeof *a);
    if (!a)
        return -ENOMEM;
    *a = (struct vm_area){ start, end, prot, flags, *link };
    *link = a;
    return 0;
}

/* One shootdown for a range of more than one page: every remote flush is a round trip to
 * each hart that may cache mm, and threads unmap and discard whole stacks (a thread's exit
 * discards its 8 MiB stack); losing the rest of the ASID's entries is cheaper. */
#define VM_FLUSH_PAGES_MAX 1

static void vm_flush_range(struct mm *mm, uint64_t start, uint64_t end)
{
    if ((end - start) / PAGE_SIZE > VM_FLUSH_PAGES_MAX) {
        arch_tlb_flush_asid(mm->asid, mm->cpus);
        return;
    }
    for (uint64_t va = start; va < end; va += PAGE_SIZE)
        arch_tlb_flush_page(va, mm->asid, mm->cpus);
}

static void vm_unmap_range(struct mm *mm, uint64_t start, uint64_t end)
{
    pt_unmap(mm->root, start, end - start, true);
    vm_flush_range(mm, start, end);
}

void vm_discard(struct mm *mm, uint64_t start, uint64_t end)
{
    bool any = false;
    for (uint64_t va = start; va < end; va += PAGE_SIZE) {
        struct vm_area *a = vm_area_find(mm, va);
        if (a && !(a->flags & (VMA_SHARED | VMA_SIGPAGE))) {
            pt_unmap(mm->root, va, PAGE_SIZE, true);
            any = true;
        }
    }
    if (any)
        vm_flush_range(mm, start, end);
}

/* Split the region containing va so that a region starts exactly at va. */
static int vm_area_split(struct mm *mm, uint64_t va)
{
    struct vm_area *a = vm_area_find(mm, va);
    if (!a || a->start == va)
        return 0;
    struct vm_area *tail = kmalloc(sizeof *tail);
    if (!tail)
        return -ENOMEM;
    *tail = (struct vm_area){ va, a->end, a->prot, a->flags, a->next };
    a->end = va;
    a->next = tail;
    return 0;
}

static bool vm_range_ok(uint64_t start, uint64_t end)
{
    return !((start | end) & (PAGE_SIZE - 1)) && start < end && end <= USER_TOP;
}

/* Cut [start, end) out of every region and unmap it. */
int vm_area_remove(struct mm *mm, uint64_t start, uint64_t end)
{
    if (!vm_range_ok(start, end))
        return -EINVAL;
    if (vm_area_split(mm, start) || vm_area_split(mm, end))
        return -ENOMEM;
    for (struct vm_area **link = &mm->areas; *link;) {
        struct vm_area *a = *link;
        if (a->start >= start && a->end <= end) {
            *link = a->next;
            kfree(a);
        } else {
            link = &a->next;
        }
    }
    vm_unmap_range(mm, start, end);
    return 0;
}

struct protect_ctx {
    unsigned prot;
};

/* A COW page keeps its COW mark and stays read-only until the write fault copies it.
 * PROT_NONE keeps the frame as a supervisor-only leaf: user accesses fault, data survives. */
static int vm_protect_leaf(pte_t *pte, uint64_t va, void *arg)
{
    (void)va;
    struct protect_ctx *pc = arg;
    unsigned old = pte_to_vm(*pte), prot = pc->prot | VM_USER;
    if (!(pc->prot & (VM_READ | VM_WRITE | VM_EXEC)))
        prot = VM_READ;
    if (old & VM_COW)
        prot = (prot & ~VM_WRITE) | VM_COW;
    *pte = pte_leaf(pte_to_pa(*pte), prot);
    return 0;
}

int vm_protect(struct mm *mm, uint64_t start, uint64_t end, unsigned prot)
{
    if (!vm_range_ok(start, end))
        return -EINVAL;
    for (uint64_t va = start; va < end;) {
        struct vm_area *a = vm_area_find(mm, va);
        if (!a)
            return -ENOMEM;
        va = a->end;
    }
    if (vm_area_split(mm, start) || vm_area_split(mm, end))
        return -ENOMEM;
    for (struct vm_area *a = mm->areas; a; a = a->next)
        if (a->start >= start && a->end <= end)
            a->prot = prot;
    struct protect_ctx pc = { prot };
    pt_for_each_leaf(mm->root, start, end - start, vm_protect_leaf, &pc);
    arch_tlb_flush_asid(mm->asid, mm->cpus);
    return 0;
}

uint64_t vm_find_gap(struct mm *mm, uint64_t len, uint64_t below)
{
    uint64_t floor = mm->brk > PAGE_SIZE * 16 ? mm->brk : PAGE_SIZE * 16;
    if (len > below || below - len < floor)
        return 0;
    uint64_t cand = (below - len) & ~(PAGE_SIZE - 1);
    for (;;) {
        struct vm_area *hit = NULL;
        for (struct vm_area *a = mm->areas; a; a = a->next)
            if (a->start < cand + len && a->end > cand)
                hit = a;
        if (!hit)
            return cand;
        if (hit->start < len || hit->start - len < floor)
            return 0;
        cand = hit->start - len;
    }
}

int vm_populate(struct mm *mm, uint64_t start, uint64_t end)
{
    for (uint64_t va = start; va < end; va += PAGE_SIZE)
        if (!vm_page_present(mm, va))
            return -ENOMEM;
    return 0;
}

int vm_map_page(struct mm *mm, uint64_t va, void *page, unsigned prot, unsigned flags)
{
    int err = vm_area_add(mm, va, va + PAGE_SIZE, prot & ~VM_COW, flags);
    if (err)
        return err;
    pte_t *pte = pt_walk(mm->root, va, true);
    if (!pte)
        return -ENOMEM;
    page_get(page);
    *pte = pte_leaf(kva_to_pa(page), prot | VM_USER);
    return 0;
}

static bool vm_access_allowed(unsigned prot, enum vm_access access)
{
    switch (access) {
    case VM_ACCESS_WRITE: return prot & VM_WRITE;
    case VM_ACCESS_EXEC: return prot & VM_EXEC;
    default: return prot & VM_READ;
    }
}

/* A write to a shared copy-on-write page: copy it unless we are its last user. */
static int vm_break_cow(struct mm *mm, pte_t *pte, uint64_t va, unsigned prot)
{
    void *old = pa_to_kva(pte_to_pa(*pte));
    if (page_refcount(old) == 1) {
        *pte = pte_leaf(pte_to_pa(*pte), prot | VM_USER);
    } else {
        void *copy = page_alloc();
        if (!copy)
            return -ENOMEM;
        memcpy(copy, old, PAGE_SIZE);
        *pte = pte_leaf(kva_to_pa(copy), prot | VM_USER);
        page_put(old);
    }
    arch_tlb_flush_page(va, mm->asid, mm->cpus);
    return 0;
}

int vm_fault(struct mm *mm, uint64_t va, enum vm_access access)
{
    struct vm_area *a = mm ? vm_area_find(mm, va) : NULL;
    if (!a || !vm_access_allowed(a->prot, access))
        return -EFAULT;
    va &= ~(PAGE_SIZE - 1);
    pte_t *pte = pt_walk(mm->root, va, true);
    if (!pte)
        return -ENOMEM;
    if (pte_valid(*pte)) {
        unsigned have = pte_to_vm(*pte);
        if (access == VM_ACCESS_WRITE && (have & VM_COW)) {
            TRACE(TRACE_PAGE_FAULT, current() ? current()->pid : TRACE_PID_IDLE, va, 1, 0);
            return vm_break_cow(mm, pte, va, a->prot);
        }
        /* The region allows it: give the page the region's rights (or, if it already has
         * them, this was a stale TLB entry that the flush below clears). */
        if (!(have & VM_USER) || !vm_access_allowed(have, access))
            *pte = pte_leaf(pte_to_pa(*pte), (a->prot | VM_USER) & ~(have & VM_COW ? VM_WRITE : 0u));
        /* Rights were only added: stale entries elsewhere just fault once more. */
        arch_tlb_flush_page(va, mm->asid, 0);
        return 0;
    }
    void *page = page_alloc();
    if (!page)
        return -ENOMEM;
    *pte = pte_leaf(kva_to_pa(page), vm_leaf_prot(a->prot));
    /* Invalid -> valid: other harts can only hold a stale "not mapped", which gives them a
     * spurious fault that the valid-PTE path above resolves; so this hart alone. */
    arch_tlb_flush_page(va, mm->asid, 0);
    TRACE(TRACE_PAGE_FAULT, current() ? current()->pid : TRACE_PID_IDLE, va, 0, 0);
    return 0;
}

/* Is va mapped with a PTE that already allows this access without a fault? */
static bool vm_pte_allows(struct mm *mm, uint64_t va, enum vm_access access)
{
    pte_t *pte = pt_walk(mm->root, va, false);
    if (!pte || !pte_valid(*pte) || !(pte_to_vm(*pte) & VM_USER))
        return false;
    return vm_access_allowed(pte_to_vm(*pte), access);
}

int vm_check(struct mm *mm, uint64_t va, size_t len, enum vm_access access)
{
    if (!mm || va >= USER_TOP || len > USER_TOP - va)
        return -EFAULT;
    if (len == 0)
        return 0;
    for (uint64_t page = va & ~(PAGE_SIZE - 1); page < va + len; page += PAGE_SIZE) {
        if (vm_pte_allows(mm, page, access))
            continue;
        if (vm_fault(mm, page, access))
            return -EFAULT;
    }
    return 0;
}

int vm_write(struct mm *mm, uint64_t va, const void *src, size_t len)
{
    if (vm_check(mm, va, len, VM_ACCESS_WRITE))
        return -EFAULT;
    const uint8_t *s = src;
    while (len) {
        paddr_t pa;
        if (!pt_lookup(mm->root, va, &pa, NULL))
            return -EFAULT;
        size_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        memcpy(pa_to_kva(pa), s, chunk);
        s += chunk;
        va += chunk;
        len -= chunk;
    }
    return 0;
}

/* The page at va, present in the page table (allocated zeroed if needed), as a kernel pointer. */
static void *vm_page_present(struct mm *mm, uint64_t va)
{
    struct vm_area *a = vm_area_find(mm, va);
    if (!a)
        return NULL;
    pte_t *pte = pt_walk(mm->root, va, true);
    if (!pte)
        return NULL;
    if (!pte_valid(*pte)) {
        void *page = page_alloc();
        if (!page)
            return NULL;
        *pte = pte_leaf(kva_to_pa(page), vm_leaf_prot(a->prot));
        /* Invalid -> valid. An address space no hart has loaded yet (exec building it) needs
         * nothing: its fresh ASID is flushed when it is first activated. */
        if (!mm->asid_fresh)
            arch_tlb_flush_page(va & ~(PAGE_SIZE - 1), mm->asid, 0);
    }
    return pa_to_kva(pte_to_pa(*pte));
}

int vm_fill(struct mm *mm, uint64_t va, const void *src, size_t len)
{
    const uint8_t *s = src;
    while (len) {
        uint8_t *page = vm_page_present(mm, va);
        if (!page)
            return -ENOMEM;
        size_t off = va & (PAGE_SIZE - 1), chunk = PAGE_SIZE - off;
        if (chunk > len)
            chunk = len;
        memcpy(page + off, s, chunk);
        s += chunk;
        va += chunk;
        len -= chunk;
    }
    return 0;
}

struct fork_ctx {
    struct mm *child;
    unsigned flags;
};

/* Share one parent page with the child; writable pages become read-only COW in both. */
static int vm_fork_leaf(pte_t *pte, uint64_t va, void *arg)
{
    struct fork_ctx *fc = arg;
    pte_t *cpte = pt_walk(fc->child->root, va, true);
    if (!cpte)
        return -ENOMEM;
    /* Every private page is marked COW, writable or not: a later mprotect may make it
     * writable, and the first write must still copy it. */
    unsigned prot = pte_to_vm(*pte);
    if (!(fc->flags & VMA_SHARED))
        *pte = pte_leaf(pte_to_pa(*pte), (prot & ~VM_WRITE) | VM_COW);
    *cpte = *pte;
    page_get(pa_to_kva(pte_to_pa(*pte)));
    return 0;
}

struct mm *vm_fork(struct mm *mm)
{
    struct mm *child = vm_create();
    if (!child)
        return NULL;
    child->brk_start = mm->brk_start;
    child->brk = mm->brk;
    child->mmap_top = mm->mmap_top;
    child->stack_top = mm->stack_top;
    child->sigpage = mm->sigpage;
    for (struct vm_area *a = mm->areas; a; a = a->next) {
        struct fork_ctx fc = { child, a->flags };
        if (vm_area_add(child, a->start, a->end, a->prot, a->flags) ||
            pt_for_each_leaf(mm->root, a->start, a->end - a->start, vm_fork_leaf, &fc)) {
            vm_destroy(child);
            arch_tlb_flush_asid(mm->asid, mm->cpus);
            return NULL;
        }
    }
    /* The parent's writable entries just became read-only. */
    arch_tlb_flush_asid(mm->asid, mm->cpus);
    return child;
}

static int vm_count_leaf(pte_t *pte, uint64_t va, void *arg)
{
    (void)pte;
    (void)va;
    (*(size_t *)arg)++;
    return 0;
}

size_t vm_resident_pages(struct mm *mm)
{
    size_t n = 0;
    pt_for_each_leaf(mm->root, 0, USER_TOP, vm_count_leaf, &n);
    return n;
}
