/* Virtually contiguous kernel buffers (up to KVM_MAX_BYTES) made of separate physical pages. */
#ifndef MM_KVM_H
#define MM_KVM_H

#include <stddef.h>

#define KVM_SLOT_PAGES 64
#define KVM_MAX_BYTES  ((KVM_SLOT_PAGES - 1) * 4096UL)   /* one unmapped guard page per slot */

void *kvm_alloc(size_t bytes);      /* zeroed; NULL if too big or out of memory */
void kvm_free(void *p);

#endif
