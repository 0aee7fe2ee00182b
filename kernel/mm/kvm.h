/* Virtually contiguous kernel buffers made of separate physical pages, mapped in KVM_AREA. */
#ifndef MM_KVM_H
#define MM_KVM_H

#include <stddef.h>

#define KVM_MAX_BYTES (64UL << 20)

void *kvm_alloc(size_t bytes);      /* zeroed; NULL if too big or out of memory */
void kvm_free(void *p);

#endif
