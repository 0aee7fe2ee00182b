/* Sv39 page tables: three levels of 512 entries; leaves may sit at any level (4 KiB, 2 MiB, 1 GiB).
 * Table pages come from the page allocator and are reached through the direct map. */
#include "pagetable.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "lib/panic.h"

#define PT_ENTRIES       512
#define PT_TOP_LEVEL     (SV39_LEVELS - 1)
#define PT_KERNEL_FIRST  (PT_ENTRIES / 2)
/* Addresses are handled as 39-bit "linear" offsets into the tree: the upper canonical half
 * [KERNEL_VA_BASE, 2^64) becomes [2^38, 2^39), so ranges never need 2^64 as an end. */
#define LIN_MASK         ((1UL << SV39_VA_BITS) - 1)
#define LIN_TOP          (1UL << SV39_VA_BITS)
#define KERNEL_VA_BASE   (~LIN_MASK | SV39_USER_TOP)
#define VM_ALL           (VM_READ | VM_WRITE | VM_EXEC | VM_USER | VM_GLOBAL | VM_COW)
#define PTE_PERM_MASK    (PTE_R | PTE_W | PTE_X | PTE_U | PTE_G | PTE_RSW_COW)
#define PAGE_MASK        (PAGE_SIZE - 1)
#define PA_SPACE         ((PTE_PPN_MASK + 1) << PAGE_SHIFT)   /* what a 44-bit PPN can name */

static uint64_t level_size(int level) { return 1UL << (PAGE_SHIFT + SV39_VPN_BITS * level); }

static unsigned pt_index(uint64_t lin, int level)
{
    return (lin >> (PAGE_SHIFT + SV39_VPN_BITS * level)) & (PT_ENTRIES - 1);
}

static bool va_is_canonical(uint64_t va)
{
    uint64_t top = va >> (SV39_VA_BITS - 1);
    return top == 0 || top == (~0UL >> (SV39_VA_BITS - 1));
}

static uint64_t lin_to_va(uint64_t lin)
{
    return lin >= SV39_USER_TOP ? (lin | ~LIN_MASK) : lin;
}

/* A valid entry with any of R/W/X is a leaf; with none it points to the next table. */
static bool pte_is_leaf(pte_t pte) { return (pte & (PTE_R | PTE_W | PTE_X)) != 0; }
static pte_t *pte_table(pte_t pte) { return pa_to_kva(pte_to_pa(pte)); }

uint64_t vm_to_pte_flags(unsigned vm_prot)
{
    uint64_t f = 0;
    if (vm_prot & VM_READ)   f |= PTE_R;
    if (vm_prot & VM_WRITE)  f |= PTE_W;
    if (vm_prot & VM_EXEC)   f |= PTE_X;
    if (vm_prot & VM_USER)   f |= PTE_U;
    if (vm_prot & VM_GLOBAL) f |= PTE_G;
    if (vm_prot & VM_COW)    f |= PTE_RSW_COW;
    return f;
}

unsigned pte_to_vm(pte_t pte)
{
    unsigned vm = 0;
    if (pte & PTE_R)       vm |= VM_READ;
    if (pte & PTE_W)       vm |= VM_WRITE;
    if (pte & PTE_X)       vm |= VM_EXEC;
    if (pte & PTE_U)       vm |= VM_USER;
    if (pte & PTE_G)       vm |= VM_GLOBAL;
    if (pte & PTE_RSW_COW) vm |= VM_COW;
    return vm;
}

/* W without R is reserved by the spec, and no R/W/X at all would read as a table pointer. */
static bool vm_prot_valid(unsigned vm_prot)
{
    if (vm_prot & ~VM_ALL)
        return false;
    if (!(vm_prot & (VM_READ | VM_WRITE | VM_EXEC)))
        return false;
    return !((vm_prot & VM_WRITE) && !(vm_prot & VM_READ));
}

pte_t *pt_create(void)
{
    return page_alloc();
}

/* ---- mapping ---- */

/* pt_map runs the same walk twice: a dry run that finds overlaps and counts missing tables,
 * then, with exactly that many pages set aside, a real run that cannot fail. */
struct map_req {
    uint64_t leaf_flags;
    bool allow_large;
    bool dry_run;
    size_t tables_needed;
    void *spares;           /* set-aside table pages, chained through their first word */
};

static int map_in_table(pte_t *table, int level, uint64_t lin, paddr_t pa, uint64_t size,
                        struct map_req *rq);

static pte_t *spare_take(struct map_req *rq)
{
    void **page = rq->spares;
    if (!page)
        kpanic("pt_map: table count from the dry run was wrong");
    rq->spares = *page;
    *page = NULL;
    return (pte_t *)page;
}

static void spares_release(struct map_req *rq)
{
    while (rq->spares)
        page_put(spare_take(rq));
}

static bool spares_reserve(struct map_req *rq)
{
    for (size_t i = 0; i < rq->tables_needed; i++) {
        void **page = page_alloc();
        if (!page) {
            spares_release(rq);
            return false;
        }
        *page = rq->spares;
        rq->spares = page;
    }
    return true;
}

static bool leaf_fits(int level, uint64_t chunk, paddr_t pa, const struct map_req *rq)
{
    if (level == 0)
        return true;
    return rq->allow_large && chunk == level_size(level) && (pa & (level_size(level) - 1)) == 0;
}

/* One entry's share of the range; slot is NULL in a dry run below a table that does not exist yet. */
static int map_slot(pte_t *slot, int level, uint64_t lin, paddr_t pa, uint64_t chunk, struct map_req *rq)
{
    pte_t pte = slot ? *slot : 0;
    if (pte & PTE_V) {
        if (level == 0 || pte_is_leaf(pte))
            return -EINVAL;
        return map_in_table(pte_table(pte), level - 1, lin, pa, chunk, rq);
    }
    if (leaf_fits(level, chunk, pa, rq)) {
        if (!rq->dry_run)
            *slot = pa_to_pte(pa, rq->leaf_flags);
        return 0;
    }
    pte_t *sub = NULL;
    if (rq->dry_run) {
        rq->tables_needed++;
    } else {
        sub = spare_take(rq);
        *slot = pa_to_pte(kva_to_pa(sub), PTE_V);
    }
    return map_in_table(sub, level - 1, lin, pa, chunk, rq);
}

static int map_in_table(pte_t *table, int level, uint64_t lin, paddr_t pa, uint64_t size,
                        struct map_req *rq)
{
    uint64_t slot_size = level_size(level);
    while (size > 0) {
        uint64_t chunk = slot_size - (lin & (slot_size - 1));
        if (chunk > size)
            chunk = size;
        pte_t *slot = table ? &table[pt_index(lin, level)] : NULL;
        int err = map_slot(slot, level, lin, pa, chunk, rq);
        if (err)
            return err;
        lin += chunk;
        pa += chunk;
        size -= chunk;
    }
    return 0;
}

static bool map_args_valid(uint64_t va, paddr_t pa, uint64_t size, unsigned vm_prot)
{
    if (size == 0 || ((va | pa | size) & PAGE_MASK) || !va_is_canonical(va) || !vm_prot_valid(vm_prot))
        return false;
    uint64_t lin = va & LIN_MASK;
    uint64_t half_end = lin < SV39_USER_TOP ? SV39_USER_TOP : LIN_TOP;
    if (size > half_end - lin)
        return false;
    return pa < PA_SPACE && size <= PA_SPACE - pa;
}

int pt_map(pte_t *root, uint64_t va, paddr_t pa, uint64_t size, unsigned vm_prot, bool allow_large)
{
    if (!map_args_valid(va, pa, size, vm_prot))
        return -EINVAL;
    struct map_req rq = {
        .leaf_flags = vm_to_pte_flags(vm_prot) | PTE_V | PTE_A | PTE_D,
        .allow_large = allow_large,
        .dry_run = true,
    };
    uint64_t lin = va & LIN_MASK;
    int err = map_in_table(root, PT_TOP_LEVEL, lin, pa, size, &rq);
    if (err)
        return err;
    if (!spares_reserve(&rq))
        return -ENOMEM;
    rq.dry_run = false;
    if (map_in_table(root, PT_TOP_LEVEL, lin, pa, size, &rq) != 0 || rq.spares)
        kpanic("pt_map: real run disagrees with the dry run");
    return 0;
}

/* ---- single-address queries ---- */

pte_t *pt_walk(pte_t *root, uint64_t va, bool alloc)
{
    if (!va_is_canonical(va))
        return NULL;
    uint64_t lin = va & LIN_MASK;
    pte_t *table = root;
    for (int level = PT_TOP_LEVEL; level > 0; level--) {
        pte_t *slot = &table[pt_index(lin, level)];
        if (*slot & PTE_V) {
            if (pte_is_leaf(*slot))
                return NULL;
            table = pte_table(*slot);
            continue;
        }
        if (!alloc)
            return NULL;
        pte_t *sub = page_alloc();
        if (!sub)
            return NULL;
        *slot = pa_to_pte(kva_to_pa(sub), PTE_V);
        table = sub;
    }
    return &table[pt_index(lin, 0)];
}

bool pt_lookup(pte_t *root, uint64_t va, paddr_t *pa, unsigned *vm_prot)
{
    if (!va_is_canonical(va))
        return false;
    uint64_t lin = va & LIN_MASK;
    pte_t *table = root;
    for (int level = PT_TOP_LEVEL; level >= 0; level--) {
        pte_t pte = table[pt_index(lin, level)];
        if (!(pte & PTE_V))
            return false;
        if (level == 0 || pte_is_leaf(pte)) {
            *pa = pte_to_pa(pte) + (lin & (level_size(level) - 1));
            if (vm_prot)
                *vm_prot = pte_to_vm(pte);
            return true;
        }
        table = pte_table(pte);
    }
    return false;
}

/* ---- range walks ---- */

typedef int (*leaf_visit_fn)(pte_t *slot, int level, uint64_t lin, void *arg);

/* Visit valid leaves overlapping linear [lin, end), skipping absent subtrees whole. */
static int walk_leaves(pte_t *table, int level, uint64_t lin, uint64_t end, leaf_visit_fn fn, void *arg)
{
    uint64_t slot_size = level_size(level);
    while (lin < end) {
        uint64_t base = lin & ~(slot_size - 1);
        uint64_t next = base + slot_size;
        pte_t *slot = &table[pt_index(lin, level)];
        if (*slot & PTE_V) {
            int r = (level == 0 || pte_is_leaf(*slot))
                        ? fn(slot, level, base, arg)
                        : walk_leaves(pte_table(*slot), level - 1, lin, end < next ? end : next, fn, arg);
            if (r)
                return r;
        }
        lin = next;
    }
    return 0;
}

/* The pages of [va, va+size) that fall in one canonical half, as a linear range. */
static bool clip_to_half(uint64_t va, uint64_t size, bool upper, uint64_t *lo, uint64_t *hi)
{
    if (size == 0)
        return false;
    uint64_t last = va + size - 1 < va ? ~0UL : va + size - 1;
    uint64_t half_first = upper ? KERNEL_VA_BASE : 0;
    uint64_t half_last = upper ? ~0UL : SV39_USER_TOP - 1;
    if (last < half_first || va > half_last)
        return false;
    uint64_t first = va < half_first ? half_first : va;
    if (last > half_last)
        last = half_last;
    *lo = (first & LIN_MASK) & ~PAGE_MASK;
    *hi = ((last & LIN_MASK) | PAGE_MASK) + 1;
    return true;
}

static int walk_va_range(pte_t *root, uint64_t va, uint64_t size, bool user_only, leaf_visit_fn fn, void *arg)
{
    for (int half = 0; half < (user_only ? 1 : 2); half++) {
        uint64_t lo, hi;
        if (!clip_to_half(va, size, half == 1, &lo, &hi))
            continue;
        int r = walk_leaves(root, PT_TOP_LEVEL, lo, hi, fn, arg);
        if (r)
            return r;
    }
    return 0;
}

/* Device frames are not reference counted, so only frames the allocator owns are put. */
static void leaf_put_frame(pte_t pte)
{
    paddr_t pa = pte_to_pa(pte);
    if (page_is_ram(pa))
        page_put(pa_to_kva(pa));
}

struct unmap_ctx {
    bool put_frames;
    size_t count;
};

static int unmap_leaf(pte_t *slot, int level, uint64_t lin, void *arg)
{
    struct unmap_ctx *c = arg;
    (void)lin;
    if (level != 0)
        return 0;
    pte_t pte = *slot;
    *slot = 0;
    if (c->put_frames)
        leaf_put_frame(pte);
    c->count++;
    return 0;
}

size_t pt_unmap(pte_t *root, uint64_t va, uint64_t size, bool put_frames)
{
    struct unmap_ctx c = { .put_frames = put_frames };
    walk_va_range(root, va, size, false, unmap_leaf, &c);
    return c.count;
}

struct protect_ctx {
    uint64_t flags;
    size_t count;
};

static int protect_leaf(pte_t *slot, int level, uint64_t lin, void *arg)
{
    struct protect_ctx *c = arg;
    (void)lin;
    if (level != 0)
        return 0;
    *slot = (*slot & ~PTE_PERM_MASK) | c->flags;
    c->count++;
    return 0;
}

size_t pt_protect(pte_t *root, uint64_t va, uint64_t size, unsigned vm_prot)
{
    if (!vm_prot_valid(vm_prot))
        return 0;
    struct protect_ctx c = { .flags = vm_to_pte_flags(vm_prot) };
    walk_va_range(root, va, size, false, protect_leaf, &c);
    return c.count;
}

struct leaf_iter_ctx {
    int (*fn)(pte_t *pte, uint64_t va, void *arg);
    void *arg;
};

static int iter_leaf(pte_t *slot, int level, uint64_t lin, void *arg)
{
    struct leaf_iter_ctx *c = arg;
    (void)level;
    return c->fn(slot, lin_to_va(lin), c->arg);
}

int pt_for_each_leaf(pte_t *root, uint64_t va, uint64_t size, int (*fn)(pte_t *pte, uint64_t va, void *arg), void *arg)
{
    struct leaf_iter_ctx c = { .fn = fn, .arg = arg };
    return walk_va_range(root, va, size, true, iter_leaf, &c);
}

/* ---- teardown and sharing ---- */

static void table_free(pte_t *table, int level, bool put_frames)
{
    for (int i = 0; i < PT_ENTRIES; i++) {
        pte_t pte = table[i];
        if (!(pte & PTE_V))
            continue;
        if (level > 0 && !pte_is_leaf(pte))
            table_free(pte_table(pte), level - 1, put_frames);
        else if (level == 0 && put_frames)
            leaf_put_frame(pte);
    }
    page_put(table);
}

void pt_destroy(pte_t *root, bool put_frames)
{
    for (int i = 0; i < PT_KERNEL_FIRST; i++) {
        pte_t pte = root[i];
        if ((pte & PTE_V) && !pte_is_leaf(pte))
            table_free(pte_table(pte), PT_TOP_LEVEL - 1, put_frames);
    }
    page_put(root);
}

void pt_share_kernel(pte_t *dst, const pte_t *src)
{
    memcpy(&dst[PT_KERNEL_FIRST], &src[PT_KERNEL_FIRST], (PT_ENTRIES - PT_KERNEL_FIRST) * sizeof(pte_t));
}
