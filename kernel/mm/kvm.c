/* kvm_alloc: first-fit over a bitmap of KVM_AREA's pages. Every buffer is followed by an
 * unmapped guard page, so running off its end faults instead of corrupting a neighbour. */
#include "mm/kvm.h"
#include "mm/page.h"
#include "pagetable.h"
#include "arch.h"

#define KVM_PAGES (KVM_AREA_SIZE / PAGE_SIZE)

static struct {
    uint64_t used[KVM_PAGES / 64];      /* a bit per page of VA, guard pages included */
    uint32_t length[KVM_PAGES / 64];    /* pages of the buffer starting at each 64-page boundary */
} kvm;

/* Buffers start on 64-page boundaries: the length table needs one entry per start. */
#define KVM_ALIGN 64

static bool kvm_range_free(size_t first, size_t n)
{
    for (size_t i = first; i < first + n; i++)
        if (kvm.used[i / 64] & (1UL << (i % 64)))
            return false;
    return true;
}

static void kvm_mark(size_t first, size_t n, bool used)
{
    for (size_t i = first; i < first + n; i++) {
        if (used)
            kvm.used[i / 64] |= 1UL << (i % 64);
        else
            kvm.used[i / 64] &= ~(1UL << (i % 64));
    }
}

static void kvm_unmap(uint64_t va, size_t npages)
{
    pt_unmap(arch_kernel_root(), va, npages * PAGE_SIZE, true);
    arch_tlb_flush_kernel_range(va, npages * PAGE_SIZE);
}

void *kvm_alloc(size_t bytes)
{
    size_t npages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
    if (npages == 0 || bytes > KVM_MAX_BYTES)
        return NULL;
    size_t first = 0;
    while (first + npages + 1 <= KVM_PAGES && !kvm_range_free(first, npages + 1))
        first += KVM_ALIGN;
    if (first + npages + 1 > KVM_PAGES)
        return NULL;
    uint64_t va = KVM_AREA + first * PAGE_SIZE;
    for (size_t i = 0; i < npages; i++) {
        void *page = page_alloc();
        if (!page || pt_map(arch_kernel_root(), va + i * PAGE_SIZE, kva_to_pa(page), PAGE_SIZE,
                            VM_READ | VM_WRITE | VM_GLOBAL, false)) {
            if (page)
                page_put(page);
            kvm_unmap(va, i);
            return NULL;
        }
    }
    arch_tlb_flush_kernel_new(va, npages * PAGE_SIZE);
    kvm_mark(first, npages + 1, true);
    kvm.length[first / KVM_ALIGN] = (uint32_t)npages;
    return (void *)va;
}

void kvm_free(void *p)
{
    if (!p)
        return;
    size_t first = ((uint64_t)p - KVM_AREA) / PAGE_SIZE;
    size_t npages = kvm.length[first / KVM_ALIGN];
    kvm_unmap((uint64_t)p, npages);
    kvm_mark(first, npages + 1, false);
    kvm.length[first / KVM_ALIGN] = 0;
}
