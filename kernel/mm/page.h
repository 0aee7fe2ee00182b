/* Physical page frames: 4 KiB pages handed out as direct-map kernel addresses,
 * with one reference count per frame so copy-on-write pages can be shared. */
#ifndef MM_PAGE_H
#define MM_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t;

/* kernel virtual address = physical + mm_direct_offset (the direct map); 0 in host tests */
extern uintptr_t mm_direct_offset;
static inline void *pa_to_kva(paddr_t pa) { return (void *)(uintptr_t)(pa + mm_direct_offset); }
static inline paddr_t kva_to_pa(const void *kva) { return (paddr_t)((uintptr_t)kva - mm_direct_offset); }

struct page_region { paddr_t base; uint64_t size; };

/* Manage the RAM ranges minus the holes (kernel image, DT blob, initrd, firmware-reserved memory).
 * Ranges and holes may be unaligned and in any order; holes may overlap each other and RAM partially.
 * Metadata (one reference count per page frame) is carved out of the managed RAM itself.
 * Returns 0, or -ENOMEM if nothing usable remains, -EINVAL on too many ranges (limit: 8 ram ranges, 32 holes).
 * The metadata is written through pa_to_kva(), so the direct map (or mm_direct_offset == 0 with
 * paging off) must already cover the RAM. Calling it again forgets everything managed before. */
int page_init(const struct page_region *ram, int nram, const struct page_region *holes, int nholes);

void *page_alloc(void);              /* one zeroed 4 KiB page (kernel VA), 1 reference; NULL when none left */
void page_get(void *kva);            /* one more reference (copy-on-write sharing) */
void page_put(void *kva);            /* one reference fewer; the page is free again at 0 */
unsigned page_refcount(const void *kva); /* of the frame holding kva; 0 when free or not managed */
bool page_is_ram(paddr_t pa);        /* a frame this allocator manages (free or in use) */
size_t page_free_count(void);
size_t page_total_count(void);

/* One word of per-frame data for the owner of an allocated page (kmalloc keeps its size class
 * and object count here). Reset to 0 by page_alloc; page_tag is 0 for free or unmanaged frames. */
void page_set_tag(void *kva, uint32_t tag);
uint32_t page_tag(const void *kva);

#endif
