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
#include "mm/pagecache.h"
#include "fs/vfs.h"

#define ASID_MAX 4096

static void *vm_page_present(struct mm *mm, uint64_t va);

static void vm_area_free(struct vm_area *a)
{
    inode_put(a->file);
    kfree(a);
}

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
        vm_area_free(a);
    }
    pt_destroy(mm->root, true);
    arch_tlb_flush_asid(mm->asid, mm->cpus);
    asid_free(mm->asid);
    kfree(mm);
}

/* Instruction caches are not coherent with stores (docs/memory.md, "Instruction caches"):
 * every hart is marked stale, then the harts that run mm at this moment refetch at once
 * (this one with a local fence.i, the others through a remote one); the rest flush in
 * vm_activate when they next switch to mm. */
void vm_icache_written(struct mm *mm)
{
    uint64_t me = 1UL << this_cpu()->index, running = 0;
    for (uint32_t i = 0; i < MAX_HARTS; i++)
        if (cpus[i].online && cpus[i].proc && cpus[i].proc->mm == mm)
            running |= 1UL << i;
    mm->icache_stale = ~0UL;
    if (running & me) {
        arch_icache_flush_local();
        mm->icache_stale &= ~me;
    }
    if (running & ~me) {
        arch_icache_flush_remote(running & ~me);
        mm->icache_stale &= ~running;
    }
}

void vm_icache_flush_user(struct mm *mm, bool this_thread_only)
{
    if (!this_thread_only) {
        vm_icache_written(mm);
        return;
    }
    arch_icache_flush_local();
    mm->icache_stale = ~(1UL << this_cpu()->index);
}

void vm_activate(struct mm *mm)
{
    uint64_t me = 1UL << this_cpu()->index;
    /* Under the kernel lock: the stores that made mm stale happened before it was released. */
    if (mm->icache_stale & me) {
        arch_icache_flush_switch();
        mm->icache_stale &= ~me;
    }
    mm->cpus |= me;
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
    *a = (struct vm_area){ start, end, prot, flags, *link, NULL, 0, end };
    *link = a;
    return 0;
}

int vm_area_add_file(struct mm *mm, uint64_t start, uint64_t end, unsigned prot, unsigned flags,
                     struct inode *ino, uint64_t pgoff, uint64_t file_end)
{
    int err = vm_area_add(mm, start, end, prot, flags);
    if (err)
        return err;
    struct vm_area *a = vm_area_find(mm, start);
    a->file = inode_get(ino);
    a->pgoff = pgoff;
    a->file_end = file_end < start ? start : file_end > end ? end : file_end;
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
    *tail = (struct vm_area){ va, a->end, a->prot, a->flags, a->next, NULL, 0, a->file_end };
    if (a->file) {
        tail->file = inode_get(a->file);
        tail->pgoff = a->pgoff + (va - a->start) / PAGE_SIZE;
    }
    if (tail->file_end < va)
        tail->file_end = va;
    if (a->file_end > va)
        a->file_end = va;
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
            vm_area_free(a);
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
        if ((a->flags & VMA_NOWRITE) && (prot & VM_WRITE))
            return -EACCES;
        va = a->end;
    }
    if (vm_area_split(mm, start) || vm_area_split(mm, end))
        return -ENOMEM;
    bool gains_exec = false;
    for (struct vm_area *a = mm->areas; a; a = a->next)
        if (a->start >= start && a->end <= end) {
            gains_exec |= (prot & VM_EXEC) && !(a->prot & VM_EXEC);
            a->prot = prot;
        }
    struct protect_ctx pc = { prot };
    pt_for_each_leaf(mm->root, start, end - start, vm_protect_leaf, &pc);
    arch_tlb_flush_asid(mm->asid, mm->cpus);
    /* Pages written as data (by the user or the kernel) are about to run as code. */
    if (gains_exec)
        vm_icache_written(mm);
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
    if (prot & VM_EXEC)
        vm_icache_written(mm);
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
    /* A page-cache page always has the cache's reference besides ours: it is copied. */
    if (page_refcount(old) == 1) {
        *pte = pte_leaf(pte_to_pa(*pte), vm_leaf_prot(prot));
    } else {
        void *copy = page_alloc();
        if (!copy)
            return -ENOMEM;
        memcpy(copy, old, PAGE_SIZE);
        *pte = pte_leaf(kva_to_pa(copy), vm_leaf_prot(prot));
        page_put(old);
        if (prot & VM_EXEC)
            vm_icache_written(mm);
    }
    arch_tlb_flush_page(va, mm->asid, mm->cpus);
    return 0;
}

/* Give an invalid PTE of region a its page: the file's cache page (shared mappings map it
 * as is; private ones map it read-only copy-on-write, or copy it at once for a write), or a
 * zeroed page. -EIO when the file page lies wholly past the end of the file (SIGBUS). */
static int vm_fill_pte(struct vm_area *a, uint64_t va, pte_t *pte, enum vm_access access)
{
    unsigned prot = vm_leaf_prot(a->prot);
    void *page;
    if (a->file && va < a->file_end) {
        struct inode *ino = a->file;
        uint64_t index = a->pgoff + (va - a->start) / PAGE_SIZE;
        if (index >= (ino->size + PAGE_SIZE - 1) / PAGE_SIZE)
            return -EIO;
        int err = 0;
        page = pagecache_get(ino, index, &err);
        if (!page)
            return err == -EFBIG ? -EIO : err;
        if (a->flags & VMA_SHARED) {
            if (a->prot & VM_WRITE)
                pagecache_set_dirty(ino, index);
        } else if (access == VM_ACCESS_WRITE) {
            void *copy = page_alloc();
            if (!copy) {
                page_put(page);
                return -ENOMEM;
            }
            memcpy(copy, page, PAGE_SIZE);
            page_put(page);
            page = copy;
        } else {
            prot = (prot & ~VM_WRITE) | VM_COW;
        }
    } else {
        page = page_alloc();
        if (!page)
            return -ENOMEM;
    }
    *pte = pte_leaf(kva_to_pa(page), prot);
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
            *pte = pte_leaf(pte_to_pa(*pte), have & VM_COW ? (vm_leaf_prot(a->prot) & ~VM_WRITE) | VM_COW
                                                           : vm_leaf_prot(a->prot));
        /* Rights were only added: stale entries elsewhere just fault once more. */
        arch_tlb_flush_page(va, mm->asid, 0);
        return 0;
    }
    int err = vm_fill_pte(a, va, pte, access);
    if (err)
        return err;
    /* A new frame, whatever it held before, or a page-cache page the kernel filled. */
    if (a->prot & VM_EXEC)
        vm_icache_written(mm);
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

/* After the kernel stored into the page at va: code there must be refetched. */
static void vm_icache_after_write(struct mm *mm, uint64_t va)
{
    struct vm_area *a = vm_area_find(mm, va);
    if (a && (a->prot & VM_EXEC))
        vm_icache_written(mm);
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
        vm_icache_after_write(mm, va);
        s += chunk;
        va += chunk;
        len -= chunk;
    }
    return 0;
}

/* The page at va, present in the page table (allocated zeroed or taken from the file if
 * needed), as a kernel pointer. For a write it is made private first (copy-on-write broken). */
static void *vm_page_present_for(struct mm *mm, uint64_t va, bool write)
{
    struct vm_area *a = vm_area_find(mm, va);
    if (!a)
        return NULL;
    va &= ~(PAGE_SIZE - 1);
    pte_t *pte = pt_walk(mm->root, va, true);
    if (!pte)
        return NULL;
    if (!pte_valid(*pte)) {
        if (vm_fill_pte(a, va, pte, write ? VM_ACCESS_WRITE : VM_ACCESS_READ))
            return NULL;
        if (a->prot & VM_EXEC)
            vm_icache_written(mm);
        /* Invalid -> valid. An address space no hart has loaded yet (exec building it) needs
         * nothing: its fresh ASID is flushed when it is first activated. */
        if (!mm->asid_fresh)
            arch_tlb_flush_page(va, mm->asid, 0);
    } else if (write && (pte_to_vm(*pte) & VM_COW) && vm_break_cow(mm, pte, va, a->prot)) {
        return NULL;
    }
    return pa_to_kva(pte_to_pa(*pte));
}

static void *vm_page_present(struct mm *mm, uint64_t va)
{
    return vm_page_present_for(mm, va, false);
}

int vm_fill(struct mm *mm, uint64_t va, const void *src, size_t len)
{
    const uint8_t *s = src;
    while (len) {
        uint8_t *page = vm_page_present_for(mm, va, true);
        if (!page)
            return -ENOMEM;
        size_t off = va & (PAGE_SIZE - 1), chunk = PAGE_SIZE - off;
        if (chunk > len)
            chunk = len;
        memcpy(page + off, s, chunk);
        vm_icache_after_write(mm, va);
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
        int err = a->file ? vm_area_add_file(child, a->start, a->end, a->prot, a->flags, a->file,
                                             a->pgoff, a->file_end)
                          : vm_area_add(child, a->start, a->end, a->prot, a->flags);
        if (err ||
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

void vm_unmap_file(struct inode *ino, uint64_t first)
{
    for (int i = 0; i < NPROC; i++) {
        struct mm *mm = procs[i].mm;
        if (!mm || procs[i].state == PROC_FREE)
            continue;
        for (struct vm_area *a = mm->areas; a; a = a->next) {
            if (a->file != ino || a->file_end <= a->start)
                continue;
            uint64_t npages = (a->file_end - a->start) / PAGE_SIZE;
            if (a->pgoff + npages <= first)
                continue;
            uint64_t from = first > a->pgoff ? a->start + (first - a->pgoff) * PAGE_SIZE : a->start;
            /* Private copies go too, as on Linux: the page past the end raises SIGBUS. */
            vm_unmap_range(mm, from, a->file_end);
        }
    }
}

/* Move the PTEs of [old, old + len) to new (no reference changes: the pages just move). */
static int vm_move_ptes(struct mm *mm, uint64_t old, uint64_t len, uint64_t new)
{
    for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
        pte_t *src = pt_walk(mm->root, old + off, false);
        if (!src || !pte_valid(*src))
            continue;
        pte_t *dst = pt_walk(mm->root, new + off, true);
        if (!dst)
            return -ENOMEM;
        *dst = *src;
        *src = 0;
    }
    arch_tlb_flush_asid(mm->asid, mm->cpus);
    return 0;
}

long vm_remap(struct mm *mm, uint64_t old, uint64_t old_len, uint64_t new_len, unsigned flags,
              uint64_t new_addr)
{
    struct vm_area *a = vm_area_find(mm, old);
    if (!a || old_len > a->end - old)
        return -EFAULT;
    if (a->flags & (VMA_STACK | VMA_SIGPAGE | VMA_HEAP))
        return -EFAULT;
    uint64_t old_end = old + old_len;
    if (!(flags & VM_REMAP_FIXED)) {
        if (new_len <= old_len) {
            if (new_len < old_len)
                vm_area_remove(mm, old + new_len, old_end);
            return (long)old;
        }
        /* Grow in place when the region ends here and the space after it is free. */
        if (a->end == old_end && new_len - old_len <= USER_TOP - old_end &&
            (!a->next || a->next->start >= old + new_len)) {
            if (a->file_end == a->end)
                a->file_end = old + new_len;
            a->end = old + new_len;
            /* Shared anonymous memory is populated up front (see mmap), its growth too. */
            if ((a->flags & VMA_SHARED) && !a->file && vm_populate(mm, old_end, old + new_len)) {
                vm_area_remove(mm, old_end, old + new_len);
                return -ENOMEM;
            }
            return (long)old;
        }
        if (!(flags & VM_REMAP_MAYMOVE))
            return -ENOMEM;
        new_addr = vm_find_gap(mm, new_len, mm->mmap_top);
        if (!new_addr)
            return -ENOMEM;
    } else {
        if ((new_addr & (PAGE_SIZE - 1)) || new_addr >= USER_TOP || new_len > USER_TOP - new_addr)
            return -EINVAL;
        if (new_addr < old_end && old < new_addr + new_len)
            return -EINVAL;     /* the ranges may not overlap */
        if (vm_area_remove(mm, new_addr, new_addr + new_len))
            return -ENOMEM;
        a = vm_area_find(mm, old);
    }
    /* Cut the old range out as a region of its own, then give it its new place. */
    if (vm_area_split(mm, old) || vm_area_split(mm, old_end))
        return -ENOMEM;
    a = vm_area_find(mm, old);
    uint64_t keep = old_len < new_len ? old_len : new_len;
    if (keep < old_len)
        vm_area_remove(mm, old + keep, old_end);
    a = vm_area_find(mm, old);
    uint64_t fe = a->file_end - a->start;
    int err = a->file ? vm_area_add_file(mm, new_addr, new_addr + new_len, a->prot, a->flags, a->file,
                                         a->pgoff, new_addr + (fe == keep ? new_len : fe))
                      : vm_area_add(mm, new_addr, new_addr + new_len, a->prot, a->flags);
    if (err)
        return err;
    if (vm_move_ptes(mm, old, keep, new_addr)) {
        vm_area_remove(mm, new_addr, new_addr + new_len);
        return -ENOMEM;
    }
    vm_area_remove(mm, old, old + keep);
    struct vm_area *n = vm_area_find(mm, new_addr);
    if (n && (n->flags & VMA_SHARED) && !n->file && keep < new_len &&
        vm_populate(mm, new_addr + keep, new_addr + new_len)) {
        vm_area_remove(mm, new_addr, new_addr + new_len);
        return -ENOMEM;
    }
    return (long)new_addr;
}

int vm_sync(struct mm *mm, uint64_t start, uint64_t end)
{
    int err = 0;
    for (uint64_t va = start; va < end;) {
        struct vm_area *a = vm_area_find(mm, va);
        if (!a)
            return -ENOMEM;
        uint64_t to = a->end < end ? a->end : end;
        if (a->file && (a->flags & VMA_SHARED) && va < a->file_end) {
            uint64_t fe = a->file_end < to ? a->file_end : to;
            int e = pagecache_sync(a->file, a->pgoff + (va - a->start) / PAGE_SIZE,
                                   a->pgoff + (fe - a->start) / PAGE_SIZE);
            if (e)
                err = e;
        }
        va = to;
    }
    return err;
}
