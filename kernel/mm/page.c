/* The physical page allocator: usable RAM is RAM minus holes, free pages form a list threaded
 * through themselves, and a per-frame array (carved from RAM) holds reference counts and tags. */
#include "mm/page.h"
#include "csr.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "lib/panic.h"

#define PAGE_MAX_RAM    8
#define PAGE_MAX_HOLES  32
/* Sv39 PTEs hold a 44-bit PPN, so nothing above 2^56 can ever be mapped; clipping there also
 * keeps every exclusive end address representable. */
#define PA_LIMIT        (1UL << 56)
/* Reference count of frames inside a RAM range that are holes or hold the metadata itself. */
#define FRAME_UNMANAGED UINT32_MAX

uintptr_t mm_direct_offset;

struct frame_meta {
    uint32_t refs;
    uint32_t tag;
};

/* One merged RAM range with its metadata array, one entry per frame of the range. */
struct page_span {
    paddr_t base;
    size_t npages;
    struct frame_meta *meta;
};

struct free_page {
    struct free_page *next;
};

/* Page-aligned physical range [start, end). */
struct pa_range {
    paddr_t start, end;
};

static struct page_state {
    /* Guarded by the kernel lock, like every caller (see docs/smp.md). */
    struct page_span spans[PAGE_MAX_RAM];
    int nspans;
    struct free_page *free_list;
    size_t free_count;
    size_t total_count;
} pages;

static paddr_t pa_align_down(paddr_t pa) { return pa & ~(PAGE_SIZE - 1); }
static paddr_t pa_align_up(paddr_t pa) { return (pa + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }

/* base + size, saturated at PA_LIMIT so wrapping sizes from firmware cannot overflow. */
static paddr_t region_end(const struct page_region *r)
{
    if (r->base >= PA_LIMIT || r->size > PA_LIMIT - r->base)
        return PA_LIMIT;
    return r->base + r->size;
}

/* Whole pages inside each RAM range, sorted and merged; returns how many remain. */
static int collect_ram(const struct page_region *ram, int nram, struct pa_range *out)
{
    int n = 0;
    for (int i = 0; i < nram; i++) {
        paddr_t start = pa_align_up(ram[i].base < PA_LIMIT ? ram[i].base : PA_LIMIT);
        paddr_t end = pa_align_down(region_end(&ram[i]));
        if (start >= end)
            continue;
        int j = n++;
        for (; j > 0 && out[j - 1].start > start; j--)
            out[j] = out[j - 1];
        out[j] = (struct pa_range){ start, end };
    }
    int merged = 0;
    for (int i = 0; i < n; i++) {
        if (merged > 0 && out[i].start <= out[merged - 1].end) {
            if (out[i].end > out[merged - 1].end)
                out[merged - 1].end = out[i].end;
        } else {
            out[merged++] = out[i];
        }
    }
    return merged;
}

/* Every page a hole touches is lost, so holes grow outwards to page boundaries. */
static int collect_holes(const struct page_region *holes, int nholes, struct pa_range *out)
{
    int n = 0;
    for (int i = 0; i < nholes; i++) {
        if (holes[i].size == 0 || holes[i].base >= PA_LIMIT)
            continue;
        out[n++] = (struct pa_range){ pa_align_down(holes[i].base), pa_align_up(region_end(&holes[i])) };
    }
    return n;
}

static bool range_overlaps(const struct pa_range *r, int n, paddr_t start, paddr_t end)
{
    for (int i = 0; i < n; i++)
        if (r[i].start < end && start < r[i].end)
            return true;
    return false;
}

/* First hole-free run of len bytes in [lo, hi): it can only begin at lo or right after a hole. */
static bool find_run(paddr_t lo, paddr_t hi, uint64_t len, const struct pa_range *resv, int nresv,
                     paddr_t *found)
{
    for (int k = -1; k < nresv; k++) {
        paddr_t start = k < 0 ? lo : resv[k].end;
        if (start < lo || start >= hi || len > hi - start)
            continue;
        if (!range_overlaps(resv, nresv, start, start + len)) {
            *found = start;
            return true;
        }
    }
    return false;
}

/* Find room for the metadata of ram[i], preferring the range itself, and reserve it. */
static bool place_meta(const struct pa_range *ram, int nram, int i, struct pa_range *resv, int *nresv,
                       paddr_t *meta_pa)
{
    uint64_t npages = (ram[i].end - ram[i].start) / PAGE_SIZE;
    uint64_t len = pa_align_up(npages * sizeof(struct frame_meta));
    for (int k = -1; k < nram; k++) {
        const struct pa_range *r = &ram[k < 0 ? i : k];
        if (find_run(r->start, r->end, len, resv, *nresv, meta_pa)) {
            resv[(*nresv)++] = (struct pa_range){ *meta_pa, *meta_pa + len };
            return true;
        }
    }
    return false;
}

static void span_mark_unmanaged(struct page_span *s, const struct pa_range *resv, int nresv)
{
    paddr_t end = s->base + s->npages * PAGE_SIZE;
    for (int k = 0; k < nresv; k++) {
        paddr_t lo = resv[k].start > s->base ? resv[k].start : s->base;
        paddr_t hi = resv[k].end < end ? resv[k].end : end;
        for (paddr_t pa = lo; pa < hi; pa += PAGE_SIZE)
            s->meta[(pa - s->base) / PAGE_SIZE].refs = FRAME_UNMANAGED;
    }
}

/* Pushing from the top down makes page_alloc hand out low addresses first. */
static void span_free_all(struct page_span *s)
{
    for (size_t j = s->npages; j-- > 0;) {
        if (s->meta[j].refs == FRAME_UNMANAGED)
            continue;
        struct free_page *p = pa_to_kva(s->base + j * PAGE_SIZE);
        p->next = pages.free_list;
        pages.free_list = p;
        pages.free_count++;
        pages.total_count++;
    }
}

int page_init(const struct page_region *ram, int nram, const struct page_region *holes, int nholes)
{
    struct pa_range ramr[PAGE_MAX_RAM];
    struct pa_range resv[PAGE_MAX_HOLES + PAGE_MAX_RAM];

    if (nram < 0 || nram > PAGE_MAX_RAM || nholes < 0 || nholes > PAGE_MAX_HOLES)
        return -EINVAL;
    memset(&pages, 0, sizeof(pages));
    int n = collect_ram(ram, nram, ramr);
    int nresv = collect_holes(holes, nholes, resv);
    for (int i = 0; i < n; i++) {
        paddr_t meta_pa, dummy;
        /* A range with no usable page at all needs no metadata. */
        if (!find_run(ramr[i].start, ramr[i].end, PAGE_SIZE, resv, nresv, &dummy))
            continue;
        if (!place_meta(ramr, n, i, resv, &nresv, &meta_pa))
            continue;
        pages.spans[pages.nspans++] = (struct page_span){
            .base = ramr[i].start,
            .npages = (ramr[i].end - ramr[i].start) / PAGE_SIZE,
            .meta = pa_to_kva(meta_pa),
        };
    }
    /* Only now is every metadata array placed, so only now are the reservations final. */
    for (int s = 0; s < pages.nspans; s++) {
        memset(pages.spans[s].meta, 0, pages.spans[s].npages * sizeof(struct frame_meta));
        span_mark_unmanaged(&pages.spans[s], resv, nresv);
    }
    for (int s = pages.nspans; s-- > 0;)
        span_free_all(&pages.spans[s]);
    if (pages.total_count == 0) {
        memset(&pages, 0, sizeof(pages));
        return -ENOMEM;
    }
    return 0;
}

/* Metadata of the frame holding pa, including hole frames; NULL outside every span. */
static struct frame_meta *frame_meta_of(paddr_t pa)
{
    for (int s = 0; s < pages.nspans; s++) {
        const struct page_span *sp = &pages.spans[s];
        if (pa >= sp->base && (pa - sp->base) / PAGE_SIZE < sp->npages)
            return &sp->meta[(pa - sp->base) / PAGE_SIZE];
    }
    return NULL;
}

/* Metadata of an allocated page; anything else means the caller's bookkeeping is broken. */
static struct frame_meta *frame_in_use(const void *kva, const char *who)
{
    paddr_t pa = kva_to_pa(kva);
    struct frame_meta *m = (pa & (PAGE_SIZE - 1)) ? NULL : frame_meta_of(pa);
    if (!m || m->refs == FRAME_UNMANAGED)
        kpanic("%s: %p is not a managed page", who, kva);
    if (m->refs == 0)
        kpanic("%s: page %p is free (double free?)", who, kva);
    return m;
}

/* A use-after-free write into a free page would corrupt the list; catch it before following it. */
static void free_list_check(const struct free_page *p)
{
    paddr_t pa = kva_to_pa(p);
    const struct frame_meta *m = (pa & (PAGE_SIZE - 1)) ? NULL : frame_meta_of(pa);
    if (!m || m->refs != 0)
        kpanic("page: free list corrupted at %p", (const void *)p);
}

void *page_alloc(void)
{
    struct free_page *p = pages.free_list;
    if (!p)
        return NULL;
    if (p->next)
        free_list_check(p->next);
    pages.free_list = p->next;
    pages.free_count--;
    struct frame_meta *m = frame_meta_of(kva_to_pa(p));
    m->refs = 1;
    m->tag = 0;
    memset(p, 0, PAGE_SIZE);
    return p;
}

void page_get(void *kva)
{
    struct frame_meta *m = frame_in_use(kva, "page_get");
    if (m->refs == FRAME_UNMANAGED - 1)
        kpanic("page_get: reference count of %p overflows", kva);
    m->refs++;
}

void page_put(void *kva)
{
    struct frame_meta *m = frame_in_use(kva, "page_put");
    if (--m->refs > 0)
        return;
    m->tag = 0;
    struct free_page *p = kva;
    p->next = pages.free_list;
    pages.free_list = p;
    pages.free_count++;
}

unsigned page_refcount(const void *kva)
{
    const struct frame_meta *m = frame_meta_of(kva_to_pa(kva));
    return (m && m->refs != FRAME_UNMANAGED) ? m->refs : 0;
}

bool page_is_ram(paddr_t pa)
{
    const struct frame_meta *m = frame_meta_of(pa);
    return m && m->refs != FRAME_UNMANAGED;
}

size_t page_free_count(void)
{
    return pages.free_count;
}

size_t page_total_count(void)
{
    return pages.total_count;
}

void page_set_tag(void *kva, uint32_t tag)
{
    frame_in_use(kva, "page_set_tag")->tag = tag;
}

uint32_t page_tag(const void *kva)
{
    const struct frame_meta *m = frame_meta_of(kva_to_pa(kva));
    return (m && m->refs != FRAME_UNMANAGED && m->refs != 0) ? m->tag : 0;
}
