// SOURCES: kernel/mm/page.c kernel/mm/kmalloc.c
/* Host tests for kmalloc: every size class, alignment, packing, reuse, leak-free return of pages
 * to the page allocator, and the panics on bad or double frees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mm/kmalloc.h"
#include "mm/page.h"

#define PG 4096UL
#define ARENA_PAGES 1024

static jmp_buf panic_jmp;
static volatile bool panic_expected;
static volatile int panics;

void kpanic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!panic_expected) {
        fprintf(stderr, "kpanic: ");
        vfprintf(stderr, fmt, ap);
        fprintf(stderr, "\n");
        abort();
    }
    va_end(ap);
    panics++;
    longjmp(panic_jmp, 1);
}

/* Runs stmt, which must end in kpanic (the test's kpanic jumps back here). */
#define CHECK_PANICS(stmt) do { \
    int before_ = panics; \
    panic_expected = true; \
    if (setjmp(panic_jmp) == 0) { stmt; } \
    panic_expected = false; \
    CHECK(panics == before_ + 1); \
    } while (0)

static unsigned char *arena;

static void reset_memory(void)
{
    struct page_region ram = { (paddr_t)(uintptr_t)arena, ARENA_PAGES * PG };
    if (page_init(&ram, 1, NULL, 0) != 0)
        abort();
}

static bool all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

static size_t class_of(size_t size)
{
    size_t c = 16;
    while (c < size)
        c *= 2;
    return c;
}

static void test_every_size(void)
{
    reset_memory();
    size_t free0 = page_free_count();
    static const size_t sizes[] = { 0, 1, 15, 16, 17, 31, 32, 33, 64, 65, 100, 128, 200, 256, 257,
                                    500, 512, 513, 1000, 1024, 1025, 2000, 2048, 2049, 3000, 4096 };
    size_t n = sizeof(sizes) / sizeof(sizes[0]);
    unsigned char *p[sizeof(sizes) / sizeof(sizes[0])];
    for (size_t i = 0; i < n; i++) {
        size_t align = sizes[i] > 2048 ? PG : class_of(sizes[i]);
        p[i] = kmalloc(sizes[i]);
        CHECK(p[i] != NULL);
        if (!p[i])
            continue;
        CHECK_EQ((uintptr_t)p[i] % align, 0);
        CHECK(all_zero(p[i], sizes[i]));
        memset(p[i], (int)i + 1, sizes[i]);
    }
    /* Nothing overlapped: every object still holds its own pattern. */
    for (size_t i = 0; i < n; i++) {
        bool intact = true;
        for (size_t b = 0; p[i] && b < sizes[i]; b++)
            intact &= p[i][b] == (unsigned char)(i + 1);
        CHECK(intact);
    }
    CHECK(kmalloc(4097) == NULL);
    CHECK(kmalloc(SIZE_MAX) == NULL);
    for (size_t i = 0; i < n; i++)
        kfree(p[i]);
    kfree(NULL);
    CHECK_EQ(kmalloc_pages_in_use(), 0);
    CHECK_EQ(page_free_count(), free0);
}

/* A full page of one class costs exactly one page; one more object costs a second. */
static void test_packing(void)
{
    reset_memory();
    for (size_t size = 16; size <= 2048; size *= 2) {
        size_t per_page = PG / size;
        size_t free0 = page_free_count();
        void **objs = calloc(per_page + 1, sizeof(void *));
        for (size_t i = 0; i < per_page; i++)
            objs[i] = kmalloc(size);
        CHECK_EQ(kmalloc_pages_in_use(), 1);
        CHECK_EQ(free0 - page_free_count(), 1);
        bool same_page = true;
        for (size_t i = 0; i < per_page; i++)
            same_page &= ((uintptr_t)objs[i] & ~(PG - 1)) == ((uintptr_t)objs[0] & ~(PG - 1));
        CHECK(same_page);
        objs[per_page] = kmalloc(size);
        CHECK_EQ(kmalloc_pages_in_use(), 2);
        for (size_t i = 0; i <= per_page; i++)
            kfree(objs[i]);
        CHECK_EQ(kmalloc_pages_in_use(), 0);
        CHECK_EQ(page_free_count(), free0);
        free(objs);
    }
}

static void test_reuse_is_zeroed(void)
{
    reset_memory();
    unsigned char *keep = kmalloc(100);   /* keeps the page alive across the free */
    unsigned char *p = kmalloc(100);
    memset(p, 0xee, 128);
    kfree(p);
    unsigned char *q = kmalloc(128);
    CHECK(q == p);
    CHECK(q && all_zero(q, 128));
    unsigned char *big = kmalloc(3000);
    memset(big, 0xdd, PG);
    kfree(big);
    unsigned char *big2 = kmalloc(4096);
    CHECK(big2 == big);
    CHECK(big2 && all_zero(big2, PG));
    kfree(big2);
    kfree(q);
    kfree(keep);
    CHECK_EQ(kmalloc_pages_in_use(), 0);
}

/* Many mixed objects freed in a scrambled order: every page must come back. */
static void test_no_leak_mixed(void)
{
    reset_memory();
    size_t free0 = page_free_count();
    enum { N = 1500 };
    static void *objs[N];
    unsigned seed = 12345;
    for (size_t i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        size_t size = 1 + (seed >> 8) % (i % 10 == 0 ? 4096 : 300);
        objs[i] = kmalloc(size);
        CHECK(objs[i] != NULL);
    }
    CHECK(kmalloc_pages_in_use() > 0);
    CHECK_EQ(free0 - page_free_count(), kmalloc_pages_in_use());
    for (size_t step = 0; step < N; step++) {
        size_t i = (step * 7919) % N;   /* 7919 is prime and does not divide N: a permutation */
        kfree(objs[i]);
    }
    CHECK_EQ(kmalloc_pages_in_use(), 0);
    CHECK_EQ(page_free_count(), free0);
}

static void test_out_of_pages(void)
{
    reset_memory();
    size_t total = page_free_count();
    void *hoard[ARENA_PAGES];
    size_t n = 0;
    while ((hoard[n] = page_alloc()) != NULL)
        n++;
    CHECK_EQ(n, total);
    CHECK(kmalloc(16) == NULL);
    CHECK(kmalloc(4000) == NULL);
    CHECK_EQ(kmalloc_pages_in_use(), 0);
    page_put(hoard[--n]);
    void *a = kmalloc(16);
    CHECK(a != NULL);
    CHECK(kmalloc(4000) == NULL);   /* the only free page now serves the 16-byte class */
    void *b = kmalloc(16);
    CHECK(b != NULL);
    kfree(a);
    kfree(b);
    CHECK_EQ(page_free_count(), 1);
    while (n > 0)
        page_put(hoard[--n]);
    CHECK_EQ(page_free_count(), total);
}

static void test_bad_frees_panic(void)
{
    reset_memory();
    unsigned char *keep16 = kmalloc(16);
    unsigned char *a16 = kmalloc(16);
    unsigned char *keep64 = kmalloc(64);
    unsigned char *a64 = kmalloc(64);
    unsigned char *b64 = kmalloc(64);
    unsigned char *page = kmalloc(4096);
    unsigned char *alone = kmalloc(2048);
    kfree(a16);
    CHECK_PANICS(kfree(a16));               /* double free of the list head */
    kfree(a64);
    kfree(b64);
    CHECK_PANICS(kfree(a64));               /* double free further down the list */
    CHECK_PANICS(kfree(keep64 + 16));       /* inside an object */
    CHECK_PANICS(kfree(page + 64));         /* inside a whole-page object */
    CHECK_PANICS(kfree(arena + (ARENA_PAGES - 1) * PG));   /* a free page */
    kfree(page);
    CHECK_PANICS(kfree(page));              /* whole page freed twice */
    kfree(alone);
    CHECK_PANICS(kfree(alone));             /* its page went back to the allocator */
    int local;
    CHECK_PANICS(kfree(&local));            /* not managed memory at all */
    /* A live object whose bytes happen to look like free-list poison is still freed normally. */
    unsigned char *c64 = kmalloc(64);
    unsigned char *d64 = kmalloc(64);
    uint64_t fake[3] = { 0, 0, (uintptr_t)d64 ^ 0x6b667265655f6f6bUL };
    memcpy(d64, fake, sizeof(fake));
    kfree(d64);
    kfree(c64);
    kfree(keep64);
    kfree(keep16);
    CHECK_EQ(kmalloc_pages_in_use(), 0);
    CHECK_EQ(page_free_count(), page_total_count());
}

int main(void)
{
    arena = aligned_alloc(PG, ARENA_PAGES * PG);
    if (!arena)
        return 1;
    RUN_TEST(test_every_size);
    RUN_TEST(test_packing);
    RUN_TEST(test_reuse_is_zeroed);
    RUN_TEST(test_no_leak_mixed);
    RUN_TEST(test_out_of_pages);
    RUN_TEST(test_bad_frees_panic);
    free(arena);
    CHECK_EXIT();
}
