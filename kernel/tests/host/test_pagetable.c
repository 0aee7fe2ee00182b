// SOURCES: kernel/mm/page.c kernel/arch/riscv/pagetable.c
/* Host tests for the Sv39 page-table code: mapping with 4 KiB and large leaves, argument checks,
 * overlap and out-of-memory behaviour, unmap/protect, teardown leaks, kernel sharing, iteration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lib/errno.h"
#include "mm/page.h"
#include "pagetable.h"

#define PG    4096UL
#define MB2   (1UL << 21)
#define GB1   (1UL << 30)
#define ARENA_PAGES 512
#define KBASE 0xffffffc000000000UL      /* first kernel-half VA */
#define FAKE_PA 0x4000000000UL          /* mapped but never touched: not RAM in these tests */

void kpanic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "kpanic: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

static unsigned char *arena;

static void reset_memory(void)
{
    struct page_region ram = { (paddr_t)(uintptr_t)arena, ARENA_PAGES * PG };
    if (page_init(&ram, 1, NULL, 0) != 0)
        abort();
}

/* Every user leaf as (va, pte), to compare a table before and after an operation. */
struct leaf_log {
    size_t n;
    uint64_t va[64];
    pte_t pte[64];
};

static int log_leaf(pte_t *pte, uint64_t va, void *arg)
{
    struct leaf_log *log = arg;
    if (log->n < 64) {
        log->va[log->n] = va;
        log->pte[log->n] = *pte;
    }
    log->n++;
    return 0;
}

static struct leaf_log user_leaves(pte_t *root)
{
    struct leaf_log log = { 0 };
    pt_for_each_leaf(root, 0, SV39_USER_TOP, log_leaf, &log);
    return log;
}

static bool same_leaves(const struct leaf_log *a, const struct leaf_log *b)
{
    return a->n == b->n && memcmp(a->va, b->va, sizeof(a->va)) == 0 && memcmp(a->pte, b->pte, sizeof(a->pte)) == 0;
}

static void test_pte_conversions(void)
{
    CHECK_EQ(vm_to_pte_flags(VM_READ | VM_WRITE | VM_EXEC | VM_USER | VM_GLOBAL | VM_COW),
             PTE_R | PTE_W | PTE_X | PTE_U | PTE_G | PTE_RSW_COW);
    CHECK_EQ(vm_to_pte_flags(VM_READ), PTE_R);
    for (unsigned vm = 0; vm < 64; vm++)
        CHECK_EQ(pte_to_vm(vm_to_pte_flags(vm) | PTE_V | PTE_A | PTE_D), vm);
    pte_t pte = pa_to_pte(0x87654000UL, PTE_V | PTE_R);
    CHECK_EQ(pte, (0x87654UL << 10) | PTE_V | PTE_R);
    CHECK_EQ(pte_to_pa(pte), 0x87654000UL);
}

static void test_map_lookup_4k(void)
{
    reset_memory();
    pte_t *root = pt_create();
    CHECK(root != NULL);
    CHECK_EQ(pt_map(root, 0x10000, FAKE_PA, 3 * PG, VM_READ | VM_WRITE | VM_USER, true), 0);
    paddr_t pa = 0;
    unsigned prot = 0;
    CHECK(pt_lookup(root, 0x10000, &pa, &prot));
    CHECK_EQ(pa, FAKE_PA);
    CHECK_EQ(prot, VM_READ | VM_WRITE | VM_USER);
    CHECK(pt_lookup(root, 0x12123, &pa, NULL));
    CHECK_EQ(pa, FAKE_PA + 2 * PG + 0x123);
    CHECK(!pt_lookup(root, 0x13000, &pa, NULL));
    CHECK(!pt_lookup(root, 0xf000, &pa, NULL));
    CHECK(!pt_lookup(root, 1UL << 40, &pa, NULL));
    /* Leaf: V, permissions, A and D. Tables above it: V only. */
    pte_t *slot = pt_walk(root, 0x11000, false);
    CHECK(slot != NULL);
    CHECK_EQ(slot ? *slot : 0, pa_to_pte(FAKE_PA + PG, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D));
    CHECK_EQ(root[0] & PTE_FLAGS_MASK, PTE_V);
    pte_t *l1 = pa_to_kva(pte_to_pa(root[0]));
    CHECK_EQ(l1[0] & PTE_FLAGS_MASK, PTE_V);
    /* Without allow_large a 2 MiB-aligned 2 MiB range still gets 4 KiB leaves. */
    size_t before = page_free_count();
    CHECK_EQ(pt_map(root, 4 * MB2, 4 * MB2, MB2, VM_READ, false), 0);
    CHECK_EQ(before - page_free_count(), 1);   /* one new level-0 table */
    CHECK(pt_walk(root, 4 * MB2 + 5 * PG, false) != NULL);
    pt_destroy(root, false);
}

static void test_map_large(void)
{
    reset_memory();
    pte_t *root = pt_create();
    size_t before = page_free_count();
    /* 2 MiB + 3 pages: one 2 MiB leaf, then three 4 KiB leaves in a new level-0 table. */
    CHECK_EQ(pt_map(root, 2 * MB2, FAKE_PA, MB2 + 3 * PG, VM_READ | VM_EXEC, true), 0);
    CHECK_EQ(before - page_free_count(), 2);   /* level 1 + one level 0 */
    CHECK(pt_walk(root, 2 * MB2 + PG, false) == NULL);   /* covered by a large leaf */
    CHECK(pt_walk(root, 3 * MB2 + PG, false) != NULL);
    paddr_t pa;
    unsigned prot;
    CHECK(pt_lookup(root, 2 * MB2 + 0x12345, &pa, &prot));
    CHECK_EQ(pa, FAKE_PA + 0x12345);
    CHECK_EQ(prot, VM_READ | VM_EXEC);
    CHECK(pt_lookup(root, 3 * MB2 + 2 * PG + 7, &pa, NULL));
    CHECK_EQ(pa, FAKE_PA + MB2 + 2 * PG + 7);
    pte_t *l1 = pa_to_kva(pte_to_pa(root[0]));
    CHECK_EQ(l1[2] & PTE_FLAGS_MASK, PTE_V | PTE_R | PTE_X | PTE_A | PTE_D);

    /* 1 GiB: a root leaf, no table pages at all. */
    before = page_free_count();
    CHECK_EQ(pt_map(root, 3 * GB1, 2 * GB1, GB1, VM_READ | VM_WRITE, true), 0);
    CHECK_EQ(page_free_count(), before);
    CHECK_EQ(root[3] & PTE_FLAGS_MASK, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    CHECK(pt_lookup(root, 4 * GB1 - 1, &pa, NULL));
    CHECK_EQ(pa, 3 * GB1 - 1);

    /* va and pa disagree on 2 MiB alignment: 4 KiB leaves only. */
    CHECK_EQ(pt_map(root, 8 * MB2, FAKE_PA + PG, MB2, VM_READ, true), 0);
    CHECK(pt_walk(root, 8 * MB2, false) != NULL);

    /* An existing (empty) level-0 table blocks a 2 MiB leaf; 4 KiB leaves are used there. */
    CHECK(pt_walk(root, 12 * MB2, true) != NULL);
    before = page_free_count();
    CHECK_EQ(pt_map(root, 12 * MB2, 0, MB2, VM_READ, true), 0);
    CHECK_EQ(page_free_count(), before);
    CHECK(pt_walk(root, 12 * MB2 + PG, false) != NULL);
    pt_destroy(root, false);
}

static void test_overlap_rejected(void)
{
    reset_memory();
    pte_t *root = pt_create();
    CHECK_EQ(pt_map(root, 0x400000, FAKE_PA, 4 * PG, VM_READ, false), 0);
    CHECK_EQ(pt_map(root, 2 * GB1, 0, MB2, VM_READ, true), 0);   /* a 2 MiB leaf */
    struct leaf_log before = user_leaves(root);
    size_t free0 = page_free_count();
    /* First pages free, last one taken: nothing may be mapped. */
    CHECK_EQ(pt_map(root, 0x400000 - 8 * PG, 0, 9 * PG, VM_READ, false), -EINVAL);
    CHECK_EQ(pt_map(root, 0x403000, 0, 2 * PG, VM_READ, false), -EINVAL);
    /* Starts in a fresh 1 GiB region (would need new tables) and ends in the old mapping. */
    CHECK_EQ(pt_map(root, GB1, 0, GB1 + PG, VM_READ, false), -EINVAL);
    /* Inside or across a large leaf, and a large leaf over small ones. */
    CHECK_EQ(pt_map(root, 2 * GB1 + 5 * PG, 0, PG, VM_READ, false), -EINVAL);
    CHECK_EQ(pt_map(root, 2 * GB1 - PG, 0, 2 * PG, VM_READ, true), -EINVAL);
    CHECK_EQ(pt_map(root, 0x400000 - MB2 * 2, 0, 4 * MB2, VM_READ, true), -EINVAL);
    struct leaf_log after = user_leaves(root);
    CHECK(same_leaves(&before, &after));
    CHECK_EQ(after.n, 5);
    CHECK_EQ(page_free_count(), free0);
    paddr_t pa;
    CHECK(!pt_lookup(root, 0x400000 - PG, &pa, NULL));
    CHECK(!pt_lookup(root, 2 * GB1 - PG, &pa, NULL));
    pt_destroy(root, false);
}

static void test_bad_arguments(void)
{
    reset_memory();
    pte_t *root = pt_create();
    size_t free0 = page_free_count();
    unsigned rw = VM_READ | VM_WRITE;
    CHECK_EQ(pt_map(root, 0x1001, 0, PG, rw, false), -EINVAL);
    CHECK_EQ(pt_map(root, 0x1000, 0x10, PG, rw, false), -EINVAL);
    CHECK_EQ(pt_map(root, 0x1000, 0, PG + 1, rw, false), -EINVAL);
    CHECK_EQ(pt_map(root, 0x1000, 0, 0, rw, false), -EINVAL);
    CHECK_EQ(pt_map(root, SV39_USER_TOP, 0, PG, rw, false), -EINVAL);          /* non-canonical */
    CHECK_EQ(pt_map(root, 0x8000000000000000UL, 0, PG, rw, false), -EINVAL);   /* non-canonical */
    CHECK_EQ(pt_map(root, SV39_USER_TOP - PG, 0, 2 * PG, rw, false), -EINVAL); /* runs off the half */
    CHECK_EQ(pt_map(root, 0xfffffffffffff000UL, 0, 2 * PG, rw, false), -EINVAL); /* wraps */
    CHECK_EQ(pt_map(root, 0x1000, 0, PG, VM_WRITE, false), -EINVAL);           /* W without R */
    CHECK_EQ(pt_map(root, 0x1000, 0, PG, VM_WRITE | VM_EXEC, false), -EINVAL);
    CHECK_EQ(pt_map(root, 0x1000, 0, PG, VM_USER, false), -EINVAL);            /* no R/W/X */
    CHECK_EQ(pt_map(root, 0x1000, 0, PG, VM_READ | 64, false), -EINVAL);      /* unknown bit */
    CHECK_EQ(pt_map(root, 0x1000, 1UL << 56, PG, VM_READ, false), -EINVAL);    /* pa too big */
    CHECK_EQ(page_free_count(), free0);
    struct leaf_log log = user_leaves(root);
    CHECK_EQ(log.n, 0);
    /* The edges that are allowed. */
    CHECK_EQ(pt_map(root, SV39_USER_TOP - PG, (1UL << 56) - PG, PG, VM_EXEC, false), 0);
    CHECK_EQ(pt_map(root, 0xfffffffffffff000UL, 0, PG, rw | VM_GLOBAL, false), 0);
    paddr_t pa;
    CHECK(pt_lookup(root, 0xffffffffffffffffUL, &pa, NULL));
    CHECK_EQ(pa, 0xfff);
    CHECK(pt_lookup(root, SV39_USER_TOP - 1, &pa, NULL));
    CHECK_EQ(pa, (1UL << 56) - 1);
    CHECK(pt_walk(root, SV39_USER_TOP, true) == NULL);
    CHECK(!pt_lookup(root, SV39_USER_TOP, &pa, NULL));
    pt_destroy(root, false);
}

static void test_enomem_rollback(void)
{
    reset_memory();
    pte_t *root = pt_create();
    CHECK_EQ(pt_map(root, 0x1000, FAKE_PA, PG, VM_READ, false), 0);
    struct leaf_log before = user_leaves(root);
    pte_t root_copy[512];
    memcpy(root_copy, root, sizeof(root_copy));
    /* Hoard all pages but `spare`; the mapping needs 3 tables: a level 1 and two level 0. */
    void *hoard[ARENA_PAGES];
    size_t nh = 0;
    while ((hoard[nh] = page_alloc()) != NULL)
        nh++;
    uint64_t va = GB1 + MB2 - 2 * PG;
    for (size_t spare = 0; spare <= 3; spare++) {
        for (size_t i = 0; i < spare; i++)
            page_put(hoard[--nh]);
        int err = pt_map(root, va, FAKE_PA, 4 * PG, VM_READ | VM_WRITE, false);
        if (spare < 3) {
            CHECK_EQ(err, -ENOMEM);
            CHECK_EQ(page_free_count(), spare);
            CHECK(memcmp(root_copy, root, sizeof(root_copy)) == 0);
            struct leaf_log after = user_leaves(root);
            CHECK(same_leaves(&before, &after));
            for (size_t i = 0; i < spare; i++)
                hoard[nh++] = page_alloc();
        } else {
            CHECK_EQ(err, 0);
            CHECK_EQ(page_free_count(), 0);
            CHECK_EQ(user_leaves(root).n, 5);
        }
    }
    /* pt_walk with alloc fails cleanly when no table page is left. */
    CHECK(pt_walk(root, 5 * GB1, true) == NULL);
    while (nh > 0)
        page_put(hoard[--nh]);
    pt_destroy(root, false);
    CHECK_EQ(page_free_count(), page_total_count());
}

/* Frames from the allocator, so refcounts and leaks can be checked. */
static void map_frames(pte_t *root, uint64_t va, size_t n, void **frames)
{
    for (size_t i = 0; i < n; i++) {
        frames[i] = page_alloc();
        CHECK_EQ(pt_map(root, va + i * PG, kva_to_pa(frames[i]), PG, VM_READ | VM_WRITE | VM_USER, false), 0);
    }
}

static void test_unmap(void)
{
    reset_memory();
    pte_t *root = pt_create();
    void *frames[8];
    map_frames(root, 0x200000 - 4 * PG, 8, frames);   /* spans two level-0 tables */
    page_get(frames[3]);
    size_t free0 = page_free_count();
    CHECK_EQ(pt_unmap(root, 0x200000 - 2 * PG, 4 * PG, true), 4);
    CHECK_EQ(page_free_count(), free0 + 3);
    CHECK_EQ(page_refcount(frames[1]), 1);
    CHECK_EQ(page_refcount(frames[2]), 0);
    CHECK_EQ(page_refcount(frames[3]), 1);
    CHECK_EQ(page_refcount(frames[4]), 0);
    CHECK_EQ(page_refcount(frames[6]), 1);
    paddr_t pa;
    CHECK(pt_lookup(root, 0x200000 - 3 * PG, &pa, NULL));
    CHECK(!pt_lookup(root, 0x200000 - 2 * PG, &pa, NULL));
    CHECK(!pt_lookup(root, 0x200000 + PG, &pa, NULL));
    CHECK(pt_lookup(root, 0x200000 + 2 * PG, &pa, NULL));
    CHECK_EQ(pt_unmap(root, 0x200000 - 2 * PG, 4 * PG, true), 0);
    /* Unaligned bounds take every page they touch; without put_frames refcounts stay. */
    CHECK_EQ(pt_unmap(root, 0x200000 - 3 * PG + 100, 1, false), 1);
    CHECK_EQ(page_refcount(frames[1]), 1);
    /* A huge sparse range is fine; large leaves are left alone. */
    CHECK_EQ(pt_map(root, 4 * GB1, 0, GB1, VM_READ, true), 0);
    CHECK_EQ(pt_unmap(root, 0, SV39_USER_TOP, false), 3);   /* frames 0, 6, 7 */
    CHECK(pt_lookup(root, 4 * GB1, &pa, NULL));
    CHECK_EQ(pt_unmap(root, 0, ~0UL, false), 0);
    page_put(frames[0]);
    page_put(frames[1]);
    page_put(frames[3]);
    page_put(frames[6]);
    page_put(frames[7]);
    pt_destroy(root, false);
    CHECK_EQ(page_free_count(), page_total_count());
}

static void test_protect(void)
{
    reset_memory();
    pte_t *root = pt_create();
    CHECK_EQ(pt_map(root, 0x10000, FAKE_PA, 4 * PG, VM_READ | VM_WRITE | VM_USER, false), 0);
    CHECK_EQ(pt_map(root, 0x20000, FAKE_PA, PG, VM_READ, false), 0);
    CHECK_EQ(pt_protect(root, 0x11000, 0x10000, VM_READ | VM_USER | VM_COW), 4);   /* 3 + 1 mapped */
    unsigned prot;
    paddr_t pa;
    CHECK(pt_lookup(root, 0x10000, &pa, &prot));
    CHECK_EQ(prot, VM_READ | VM_WRITE | VM_USER);
    CHECK(pt_lookup(root, 0x13000, &pa, &prot));
    CHECK_EQ(prot, VM_READ | VM_USER | VM_COW);
    CHECK_EQ(pa, FAKE_PA + 3 * PG);
    pte_t *slot = pt_walk(root, 0x12000, false);
    CHECK_EQ(slot ? *slot : 0, pa_to_pte(FAKE_PA + 2 * PG, PTE_V | PTE_R | PTE_U | PTE_RSW_COW | PTE_A | PTE_D));
    CHECK_EQ(pt_protect(root, 0x30000, 0x10000, VM_READ), 0);
    CHECK_EQ(pt_protect(root, 0x10000, PG, VM_WRITE), 0);   /* invalid: nothing changes */
    CHECK(pt_lookup(root, 0x10000, &pa, &prot));
    CHECK_EQ(prot, VM_READ | VM_WRITE | VM_USER);
    pt_destroy(root, false);
}

static void test_destroy_no_leak(void)
{
    reset_memory();
    pte_t *kroot = pt_create();
    CHECK_EQ(pt_map(kroot, KBASE, 0x80000000UL, 4 * MB2 + PG, VM_READ | VM_WRITE | VM_GLOBAL, true), 0);
    size_t free0 = page_free_count();
    pte_t *root = pt_create();
    pt_share_kernel(root, kroot);
    void *frames[6];
    map_frames(root, 0x1000, 2, frames);
    map_frames(root, 5 * GB1 + 7 * MB2, 2, frames + 2);
    map_frames(root, SV39_USER_TOP - 2 * PG, 2, frames + 4);
    CHECK_EQ(pt_map(root, 9 * GB1, FAKE_PA, MB2 + PG, VM_READ, true), 0);   /* device memory */
    page_get(frames[5]);
    CHECK(page_free_count() < free0 - 6);
    pt_destroy(root, true);
    /* Everything back but the extra reference on frames[5]. */
    CHECK_EQ(page_free_count(), free0 - 1);
    CHECK_EQ(page_refcount(frames[5]), 1);
    page_put(frames[5]);
    CHECK_EQ(page_free_count(), free0);
    /* The shared kernel tables survived. */
    paddr_t pa;
    CHECK(pt_lookup(kroot, KBASE + 4 * MB2 + 5, &pa, NULL));
    CHECK_EQ(pa, 0x80000000UL + 4 * MB2 + 5);
    pt_destroy(kroot, false);
    /* A kernel root's own kernel-half tables are never freed by pt_destroy: two remain. */
    CHECK_EQ(page_free_count(), page_total_count() - 2);
}

static void test_share_kernel(void)
{
    reset_memory();
    pte_t *kroot = pt_create();
    CHECK_EQ(pt_map(kroot, KBASE, 0x80000000UL, GB1, VM_READ | VM_EXEC | VM_GLOBAL, true), 0);
    CHECK_EQ(pt_map(kroot, 0xffffffff80000000UL, 0x10000000UL, PG, VM_READ | VM_WRITE | VM_GLOBAL, false), 0);
    CHECK_EQ(pt_map(kroot, 0x1000, 0x1000, PG, VM_READ, false), 0);   /* user half: not shared */
    pte_t *root = pt_create();
    CHECK_EQ(pt_map(root, 0x5000, FAKE_PA, PG, VM_READ | VM_USER, false), 0);
    pte_t user0 = root[0];
    pt_share_kernel(root, kroot);
    CHECK(memcmp(&root[256], &kroot[256], 256 * sizeof(pte_t)) == 0);
    CHECK_EQ(root[0], user0);
    paddr_t pa;
    unsigned prot;
    CHECK(pt_lookup(root, KBASE + 0x1234, &pa, &prot));
    CHECK_EQ(pa, 0x80001234UL);
    CHECK_EQ(prot, VM_READ | VM_EXEC | VM_GLOBAL);
    CHECK(pt_lookup(root, 0xffffffff80000010UL, &pa, NULL));
    CHECK_EQ(pa, 0x10000010UL);
    CHECK(!pt_lookup(root, 0x1000, &pa, NULL));
    CHECK(pt_lookup(root, 0x5000, &pa, NULL));
    /* A later kernel mapping under an existing shared table shows up everywhere. */
    CHECK_EQ(pt_map(kroot, 0xffffffff80001000UL, 0x20000000UL, PG, VM_READ | VM_GLOBAL, false), 0);
    CHECK(pt_lookup(root, 0xffffffff80001000UL, &pa, NULL));
    pt_destroy(root, false);
    pt_destroy(kroot, false);
}

struct visit_log {
    size_t n;
    uint64_t va[16];
    int stop_after;
};

static int visit(pte_t *pte, uint64_t va, void *arg)
{
    struct visit_log *log = arg;
    if (!(*pte & PTE_V))
        return -1;
    if (log->n < 16)
        log->va[log->n] = va;
    log->n++;
    return log->stop_after && (int)log->n == log->stop_after ? 42 : 0;
}

static void test_for_each_leaf(void)
{
    reset_memory();
    pte_t *root = pt_create();
    uint64_t expect[] = { 0x1000, 0x2000, 0x1ff000, 0x200000, 3 * GB1 + 0x5000, 4 * GB1, 7 * GB1,
                          SV39_USER_TOP - PG };
    CHECK_EQ(pt_map(root, 0x1000, FAKE_PA, 2 * PG, VM_READ, false), 0);
    CHECK_EQ(pt_map(root, 0x1ff000, FAKE_PA, 2 * PG, VM_READ, false), 0);
    CHECK_EQ(pt_map(root, 3 * GB1 + 0x5000, FAKE_PA, PG, VM_READ, false), 0);
    CHECK_EQ(pt_map(root, 4 * GB1, 0, MB2, VM_READ, true), 0);
    CHECK_EQ(pt_map(root, 7 * GB1, 0, GB1, VM_READ, true), 0);
    CHECK_EQ(pt_map(root, SV39_USER_TOP - PG, FAKE_PA, PG, VM_READ, false), 0);
    CHECK_EQ(pt_map(root, KBASE, FAKE_PA, PG, VM_READ, false), 0);   /* kernel half: never visited */

    struct visit_log log = { 0 };
    CHECK_EQ(pt_for_each_leaf(root, 0, ~0UL, visit, &log), 0);
    CHECK_EQ(log.n, 8);
    for (size_t i = 0; i < 8; i++)
        CHECK_EQ(log.va[i], expect[i]);

    /* A sub-range: only what it overlaps; a large leaf reports its own start. */
    struct visit_log sub = { 0 };
    CHECK_EQ(pt_for_each_leaf(root, 0x2000, 4 * GB1 + PG - 0x2000, visit, &sub), 0);
    CHECK_EQ(sub.n, 5);
    CHECK_EQ(sub.va[0], 0x2000);
    CHECK_EQ(sub.va[4], 4 * GB1);
    struct visit_log mid = { 0 };
    CHECK_EQ(pt_for_each_leaf(root, 7 * GB1 + MB2, PG, visit, &mid), 0);
    CHECK_EQ(mid.n, 1);
    CHECK_EQ(mid.va[0], 7 * GB1);

    struct visit_log stop = { .stop_after = 3 };
    CHECK_EQ(pt_for_each_leaf(root, 0, SV39_USER_TOP, visit, &stop), 42);
    CHECK_EQ(stop.n, 3);
    struct visit_log none = { 0 };
    CHECK_EQ(pt_for_each_leaf(root, 0x3000, 0x1fc000 - 0x3000, visit, &none), 0);
    CHECK_EQ(none.n, 0);
    pt_destroy(root, false);
}

static void test_walk(void)
{
    reset_memory();
    pte_t *root = pt_create();
    CHECK(pt_walk(root, 0x7000, false) == NULL);
    size_t free0 = page_free_count();
    pte_t *slot = pt_walk(root, 0x7000, true);
    CHECK(slot != NULL);
    CHECK_EQ(free0 - page_free_count(), 2);
    CHECK(pt_walk(root, 0x7000, false) == slot);
    CHECK(pt_walk(root, 0x8000, true) == slot + 1);
    CHECK_EQ(free0 - page_free_count(), 2);
    if (slot) {
        CHECK_EQ(*slot, 0);
        *slot = pa_to_pte(FAKE_PA, PTE_V | PTE_R | PTE_A);
    }
    paddr_t pa;
    CHECK(pt_lookup(root, 0x7abc, &pa, NULL));
    CHECK_EQ(pa, FAKE_PA + 0xabc);
    CHECK(pt_walk(root, 0x0000800000000000UL, true) == NULL);   /* non-canonical */
    CHECK(pt_walk(root, KBASE + 0x3000, true) != NULL);
    CHECK_EQ(root[256] & PTE_FLAGS_MASK, PTE_V);
    pt_destroy(root, false);
}

int main(void)
{
    arena = aligned_alloc(PG, ARENA_PAGES * PG);
    if (!arena)
        return 1;
    RUN_TEST(test_pte_conversions);
    RUN_TEST(test_map_lookup_4k);
    RUN_TEST(test_map_large);
    RUN_TEST(test_overlap_rejected);
    RUN_TEST(test_bad_arguments);
    RUN_TEST(test_enomem_rollback);
    RUN_TEST(test_unmap);
    RUN_TEST(test_protect);
    RUN_TEST(test_destroy_no_leak);
    RUN_TEST(test_share_kernel);
    RUN_TEST(test_for_each_leaf);
    RUN_TEST(test_walk);
    free(arena);
    CHECK_EXIT();
}
