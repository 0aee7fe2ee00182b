/* Sv39 page tables: building, querying and tearing down the three-level translation tree.
 * This code only edits tables in memory: it never executes sfence.vma nor writes satp, so after
 * changing a live table the caller does the TLB maintenance. */
#ifndef RISCV_PAGETABLE_H
#define RISCV_PAGETABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csr.h"
#include "mm/page.h"

/* Protection bits for generic code; vm_to_pte_flags() turns them into PTE bits. */
#define VM_READ   1u
#define VM_WRITE  2u
#define VM_EXEC   4u
#define VM_USER   8u
#define VM_GLOBAL 16u
#define VM_COW    32u   /* software bit PTE_RSW_COW */

typedef uint64_t pte_t;

#define SV39_USER_TOP  (1UL << 38)          /* user VAs are [0, SV39_USER_TOP) */

pte_t *pt_create(void);                     /* zeroed root table (page_alloc), NULL on ENOMEM */

/* Map [va, va+size) to [pa, pa+size) (all 4 KiB aligned, size > 0). With allow_large, use 1 GiB / 2 MiB leaves
 * wherever va, pa and the remaining size allow. -EINVAL on misalignment, non-canonical va, W without R,
 * or a range overlapping an existing mapping (nothing is changed then); -ENOMEM if a table page cannot
 * be allocated (what was mapped by this call is undone). Leaves get A and D set (some harts fault otherwise).
 * Also -EINVAL: no R/W/X in vm_prot (such a PTE would be a table pointer), unknown VM_* bits, a range
 * running out of its canonical half, or pa beyond the 56-bit physical space.
 * A large leaf is not used where an (even empty) lower-level table already sits. */
int pt_map(pte_t *root, uint64_t va, paddr_t pa, uint64_t size, unsigned vm_prot, bool allow_large);

/* The level-0 PTE slot for va, allocating tables if alloc; NULL if absent/ENOMEM or a large leaf covers va.
 * Tables allocated on a walk that then fails stay in place, empty; pt_destroy frees them. */
pte_t *pt_walk(pte_t *root, uint64_t va, bool alloc);

/* Translate va: true and *pa (+ *vm_prot if non-NULL) when mapped (large leaves included). */
bool pt_lookup(pte_t *root, uint64_t va, paddr_t *pa, unsigned *vm_prot);

/* Remove 4 KiB mappings in [va, va+size); page_put each mapped frame when put_frames. Returns pages unmapped.
 * Every page touching the range counts; large leaves are left alone. Frames that page_is_ram() does
 * not know (device memory) are never put. Emptied tables stay until pt_destroy. */
size_t pt_unmap(pte_t *root, uint64_t va, uint64_t size, bool put_frames);

/* Change protection of mapped 4 KiB pages in [va, va+size); returns pages changed.
 * The count is of mapped pages found (each now carries exactly vm_prot, VM_COW included); the frame
 * and the A/D bits stay. An invalid vm_prot (see pt_map) changes nothing and returns 0. */
size_t pt_protect(pte_t *root, uint64_t va, uint64_t size, unsigned vm_prot);

/* Free every table page of the user half (root entries [0, 256)) and, when put_frames, page_put the user
 * leaf frames; then the root itself. Kernel-half entries are shared and never freed here.
 * As in pt_unmap, large leaves and non-RAM frames are never put. */
void pt_destroy(pte_t *root, bool put_frames);

/* Copy the kernel-half root entries (indices 256..511) from src to dst so every address space shares the kernel.
 * Only tables below the root are shared, so kernel mappings must have their level-1 tables (or 1 GiB
 * leaves) in src before copies are made. */
void pt_share_kernel(pte_t *dst, const pte_t *src);

/* For iteration over user mappings (fork copy-on-write): call fn for each valid user leaf in [va, va+size).
 * Leaves are visited in address order; va is the leaf's first address (a large leaf may start below
 * the range). A nonzero return from fn stops the walk and is returned; otherwise 0. */
int pt_for_each_leaf(pte_t *root, uint64_t va, uint64_t size, int (*fn)(pte_t *pte, uint64_t va, void *arg), void *arg);

/* The PPN field is bits 53..10; masking keeps the reserved/PBMT/N bits 54..63 out of the address. */
#define PTE_PPN_MASK ((1UL << 44) - 1)

static inline paddr_t pte_to_pa(pte_t pte)
{
    return ((pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << PAGE_SHIFT;
}

/* A complete, valid leaf for pa with the given VM_* rights (A and D set). */
static inline pte_t pte_leaf(paddr_t pa, unsigned vm_prot);
static inline bool pte_valid(pte_t pte) { return (pte & PTE_V) != 0; }
static inline pte_t pa_to_pte(paddr_t pa, uint64_t pte_flags)
{
    return ((pa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | pte_flags;
}

/* Only the permission bits: R/W/X/U/G and the COW software bit, never V/A/D. */
unsigned pte_to_vm(pte_t pte);
uint64_t vm_to_pte_flags(unsigned vm_prot);
static inline pte_t pte_leaf(paddr_t pa, unsigned vm_prot)
{
    return pa_to_pte(pa, vm_to_pte_flags(vm_prot) | PTE_V | PTE_A | PTE_D);
}

#endif
