/* User address spaces: a root page table plus a sorted list of regions (text, data, heap,
 * stack, mmap areas). Pages are allocated on first touch and shared copy-on-write by fork. */
#ifndef MM_VM_H
#define MM_VM_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "pagetable.h"

enum vm_access { VM_ACCESS_READ, VM_ACCESS_WRITE, VM_ACCESS_EXEC };

#define VMA_STACK  1u   /* the fixed-size stack; the page below it belongs to no region */
#define VMA_HEAP   2u   /* the brk area */
#define VMA_SHARED 4u   /* MAP_SHARED anonymous: populated at once, shared (not COW) by fork */
#define VMA_SIGPAGE 8u  /* the signal-return trampoline page */
#define VMA_NOWRITE 16u /* shared file mapping of a file not open for writing: mprotect(W) is EACCES */

struct inode;

struct vm_area {
    uint64_t start, end;        /* page aligned, [start, end) */
    unsigned prot;              /* VM_READ | VM_WRITE | VM_EXEC (VM_USER is implied) */
    unsigned flags;             /* VMA_* (VMA_SHARED with file: MAP_SHARED of the file) */
    struct vm_area *next;       /* sorted by start */
    /* File-backed regions: pages [start, file_end) are the file's page-cache pages from
     * page index pgoff on (shared, or copied on write); [file_end, end) is demand-zero
     * (the .bss after a segment's file bytes). The region holds a reference on file. */
    struct inode *file;
    uint64_t pgoff;
    uint64_t file_end;
};

struct mm {
    pte_t *root;
    struct vm_area *areas;
    unsigned asid;
    bool asid_fresh;            /* flush the ASID on the next activation */
    uint64_t brk_start, brk;    /* heap: [brk_start, brk) */
    uint64_t mmap_top;          /* next mmap search starts below this */
    uint64_t stack_top;
    uint64_t sigpage;           /* where the signal-return trampoline is mapped */
    uint64_t cpus;              /* harts (cpus[] indices) that have used it: they may cache it */
    int users;                  /* processes sharing it (a vfork child borrows its parent's) */
    uint64_t icache_stale;      /* harts (cpus[] indices) that must fence.i before running it */
};

#define USER_STACK_TOP   (USER_TOP - PAGE_SIZE)
#define USER_STACK_SIZE  (8UL << 20)
#define USER_MMAP_TOP    (USER_STACK_TOP - USER_STACK_SIZE - (1UL << 30))
#define USER_PIE_BASE    0x2000000000UL
#define USER_SIGPAGE     (USER_TOP - PAGE_SIZE)

struct mm *vm_create(void);
void vm_destroy(struct mm *mm);
/* Share mm with one more process / drop one user (destroyed with the last). */
struct mm *vm_get(struct mm *mm);
void vm_put(struct mm *mm);
/* The kernel wrote a page that mm maps executable (or made written pages executable):
 * fence.i here if mm runs here, on the harts running it now, and later on the others. */
void vm_icache_written(struct mm *mm);
/* riscv_flush_icache: every thread of mm (as vm_icache_written), or only the caller's. */
void vm_icache_flush_user(struct mm *mm, bool this_thread_only);
/* Make mm the address space this hart translates through. */
void vm_activate(struct mm *mm);
/* Add a region; -EINVAL if it overlaps one or is outside user space, -ENOMEM. */
int vm_area_add(struct mm *mm, uint64_t start, uint64_t end, unsigned prot, unsigned flags);
struct vm_area *vm_area_find(struct mm *mm, uint64_t va);
/* A region backed by ino's page cache from page index pgoff (see struct vm_area). */
int vm_area_add_file(struct mm *mm, uint64_t start, uint64_t end, unsigned prot, unsigned flags,
                     struct inode *ino, uint64_t pgoff, uint64_t file_end);
/* Unmap, in every address space, the pages of ino from page index first on (truncation). */
void vm_unmap_file(struct inode *ino, uint64_t first);
/* mremap: resize [old, old + old_len) (one region) to new_len, moving it if allowed
 * (VM_REMAP_MAYMOVE) or to new_addr (VM_REMAP_FIXED). The new address or -errno. */
#define VM_REMAP_MAYMOVE 1u
#define VM_REMAP_FIXED   2u
long vm_remap(struct mm *mm, uint64_t old, uint64_t old_len, uint64_t new_len, unsigned flags,
              uint64_t new_addr);
/* msync: write back the dirty shared file pages of [start, end); -ENOMEM if part is unmapped. */
int vm_sync(struct mm *mm, uint64_t start, uint64_t end);
/* Remove [start, end) from the regions and unmap it (munmap and brk shrinking). */
int vm_area_remove(struct mm *mm, uint64_t start, uint64_t end);
/* Change the protection of [start, end), splitting regions; -ENOMEM if part is unmapped,
 * -EACCES for write access to a VMA_NOWRITE region. */
int vm_protect(struct mm *mm, uint64_t start, uint64_t end, unsigned prot);
/* Drop the private pages of [start, end): they read back as zero (MADV_DONTNEED). */
void vm_discard(struct mm *mm, uint64_t start, uint64_t end);
/* A free, page-aligned range of len bytes below `below` (top-down search); 0 if none. */
uint64_t vm_find_gap(struct mm *mm, uint64_t len, uint64_t below);
/* Allocate every page of [start, end) now (shared mappings, MAP_POPULATE). */
int vm_populate(struct mm *mm, uint64_t start, uint64_t end);
/* Map one existing page (refcount taken) at va in a new region with prot. */
int vm_map_page(struct mm *mm, uint64_t va, void *page, unsigned prot, unsigned flags);
/* Resolve a fault at va: demand-zero, file page or copy-on-write. 0, -EFAULT when the access
 * is not allowed, -EIO for a file page wholly past the end of its file (SIGBUS), -ENOMEM. */
int vm_fault(struct mm *mm, uint64_t va, enum vm_access access);
/* A copy-on-write duplicate of mm (fork). NULL on ENOMEM. */
struct mm *vm_fork(struct mm *mm);
/* Check that [va, va+len) may be accessed, faulting pages in; 0 or -EFAULT. */
int vm_check(struct mm *mm, uint64_t va, size_t len, enum vm_access access);
/* Write into any address space (not only the active one) through the direct map. */
int vm_write(struct mm *mm, uint64_t va, const void *src, size_t len);
/* Fill pages of a region regardless of its protection (the ELF loader writing text). */
int vm_fill(struct mm *mm, uint64_t va, const void *src, size_t len);
size_t vm_resident_pages(struct mm *mm);

/* vm_check on the current process. */
int vm_check_current(uint64_t uva, size_t len);
/* Copies between the kernel and the current process; 0 or -EFAULT. */
int copy_to_user(uint64_t uva, const void *src, size_t len);
int copy_from_user(void *dst, uint64_t uva, size_t len);
/* Copy a NUL-terminated string of at most max-1 characters: its length, -EFAULT or -ENAMETOOLONG. */
long copy_string_from_user(char *dst, uint64_t uva, size_t max);

#endif
