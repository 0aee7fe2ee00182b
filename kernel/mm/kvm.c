/* kvm_alloc: map fresh pages into a fixed-size slot of KVM_AREA. Each slot ends with an
 * unmapped page, so running off a buffer faults instead of corrupting its neighbour. */
#include "mm/kvm.h"
#include "mm/page.h"
#include "pagetable.h"
#include "arch.h"

#define KVM_SLOTS (KVM_AREA_SIZE / (KVM_SLOT_PAGES * PAGE_SIZE))

static struct {
    uint8_t pages[KVM_SLOTS];   /* pages mapped in each slot, 0 = free */
} kvm;

static uint64_t kvm_slot_va(size_t slot)
{
    return KVM_AREA + slot * KVM_SLOT_PAGES * PAGE_SIZE;
}

static void kvm_unmap(size_t slot, size_t npages)
{
    uint64_t va = kvm_slot_va(slot);
    pt_unmap(arch_kernel_root(), va, npages * PAGE_SIZE, true);
    arch_tlb_flush_kernel_range(va, npages * PAGE_SIZE);
}

void *kvm_alloc(size_t bytes)
{
    size_t npages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
    if (npages == 0 || bytes > KVM_MAX_BYTES)
        return NULL;
    size_t slot = 0;
    while (slot < KVM_SLOTS && kvm.pages[slot])
        slot++;
    if (slot == KVM_SLOTS)
        return NULL;
    uint64_t va = kvm_slot_va(slot);
    for (size_t i = 0; i < npages; i++) {
        void *page = page_alloc();
        if (!page || pt_map(arch_kernel_root(), va + i * PAGE_SIZE, kva_to_pa(page), PAGE_SIZE,
                            VM_READ | VM_WRITE | VM_GLOBAL, false)) {
            if (page)
                page_put(page);
            kvm_unmap(slot, i);
            return NULL;
        }
    }
    arch_tlb_flush_kernel_range(va, npages * PAGE_SIZE);
    kvm.pages[slot] = (uint8_t)npages;
    return (void *)va;
}

void kvm_free(void *p)
{
    if (!p)
        return;
    size_t slot = ((uint64_t)p - KVM_AREA) / (KVM_SLOT_PAGES * PAGE_SIZE);
    kvm_unmap(slot, kvm.pages[slot]);
    kvm.pages[slot] = 0;
}
