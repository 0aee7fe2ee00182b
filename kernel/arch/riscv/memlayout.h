/* The Sv39 virtual address map: where user space, the direct map, kernel stacks,
 * device windows and the kernel image live. Physical addresses all come from the DT. */
#ifndef RISCV_MEMLAYOUT_H
#define RISCV_MEMLAYOUT_H

#include "csr.h"

/* User space: the lower half of Sv39, [0, 256 GiB). */
#define USER_TOP          CSR_UL(0x0000004000000000)
/* The kernel half starts here (root-table index 256). */
#define KERNEL_HALF       CSR_UL(0xffffffc000000000)
/* Every byte of RAM at DIRECT_MAP_BASE + physical address (first 128 GiB of physical space). */
#define DIRECT_MAP_BASE   CSR_UL(0xffffffc000000000)
#define DIRECT_MAP_SIZE   CSR_UL(0x0000002000000000)
/* Kernel stacks, each below an unmapped guard page (root index 384). */
#define KSTACK_AREA       CSR_UL(0xffffffe000000000)
#define KSTACK_AREA_SIZE  CSR_UL(0x0000000040000000)
/* Virtually contiguous kernel buffers built from single pages (root index 385). */
#define KVM_AREA          CSR_UL(0xffffffe040000000)
#define KVM_AREA_SIZE     CSR_UL(0x0000000040000000)
/* Device registers, mapped on request (root index 448). */
#define MMIO_AREA         CSR_UL(0xfffffff000000000)
#define MMIO_AREA_SIZE    CSR_UL(0x0000000040000000)
/* The kernel image is linked here and mapped to wherever the loader put it (root index 510). */
#define KERNEL_LINK_BASE  CSR_UL(0xffffffff80000000)

#define KSTACK_PAGES      4
#define KSTACK_SIZE       (KSTACK_PAGES * PAGE_SIZE)
#define BOOT_STACK_SIZE   (4 * PAGE_SIZE)
#define MAX_HARTS         8

#endif
