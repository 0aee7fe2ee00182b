// SOURCES: kernel/mm/page.c
/* Host tests for the physical page allocator: layout of RAM and holes, exhaustion,
 * reference counts and the panics that catch double frees. */
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

static paddr_t A(size_t page, size_t off) { return (paddr_t)(uintptr_t)arena + page * PG + off; }

static void test_single_range(void)
{
    struct page_region ram = { A(0, 0), 64 * PG };
    CHECK_EQ(page_init(&ram, 1, NULL, 0), 0);
    /* 64 frames of metadata fit in one page, which is taken from the range itself. */
    CHECK_EQ(page_total_count(), 63);
    CHECK_EQ(page_free_count(), 63);
    void *p = page_alloc();
    CHECK(p != NULL);
    CHECK_EQ((uintptr_t)p % PG, 0);
    CHECK_EQ(page_free_count(), 62);
    CHECK_EQ(page_refcount(p), 1);
    CHECK(page_is_ram(kva_to_pa(p)));
    page_put(p);
    CHECK_EQ(page_free_count(), 63);
    CHECK_EQ(page_refcount(p), 0);
    CHECK(page_is_ram(kva_to_pa(p)));
}

/* Model of the layout: a page is usable when fully inside some RAM range and touching no hole. */
static void model_usable(const struct page_region *ram, int nram, const struct page_region *holes,
                         int nholes, bool *usable)
{
    for (size_t i = 0; i < ARENA_PAGES; i++) {
        paddr_t lo = A(i, 0), hi = A(i + 1, 0);
        bool in = false, hit = false;
        for (int r = 0; r < nram; r++)
            in |= ram[r].base <= lo && hi <= ram[r].base + ram[r].size;
        for (int h = 0; h < nholes; h++)
            hit |= holes[h].size && holes[h].base < hi && lo < holes[h].base + holes[h].size;
        usable[i] = in && !hit;
    }
}

static void test_ranges_and_holes(void)
{
    /* Out of order, unaligned, two ranges overlapping each other (merged), one fully hidden by holes. */
    struct page_region ram[] = {
        { A(100, 123), 50 * PG },          /* pages 101..149 whole */
        { A(10, 0), 40 * PG + 7 },         /* pages 10..49 */
        { A(30, 5), 30 * PG },             /* overlaps the previous: 31..59 */
        { A(200, 0), 10 * PG },            /* 200..209, all covered by holes below */
        { A(220, 0), 20 * PG - 1 },        /* 220..238 */
    };
    struct page_region holes[] = {
        { A(12, 100), 3 * PG },            /* touches 12..15 */
        { A(14, 0), 2 * PG },              /* overlaps the previous: 14..15 */
        { A(9, 0), 2 * PG },               /* straddles the start of RAM: 9..10 */
        { A(198, 0), 6 * PG },             /* 198..203 */
        { A(204, 1), 6 * PG },             /* 204..210 */
        { A(120, 0), 0 },                  /* empty: ignored */
        { A(230, 4095), 2 },               /* two bytes touch pages 230 and 231 */
        { A(180, 0), PG },                 /* outside every range */
    };
    int nram = sizeof(ram) / sizeof(ram[0]), nholes = sizeof(holes) / sizeof(holes[0]);
    bool usable[ARENA_PAGES], given[ARENA_PAGES] = { false };
    model_usable(ram, nram, holes, nholes, usable);
    size_t nusable = 0;
    for (size_t i = 0; i < ARENA_PAGES; i++)
        nusable += usable[i];

    CHECK_EQ(page_init(ram, nram, holes, nholes), 0);
    size_t total = page_total_count();
    CHECK_EQ(page_free_count(), total);
    /* One metadata page per non-empty merged range (three of them, each under 512 frames). */
    CHECK_EQ(total, nusable - 3);

    size_t count = 0, bad = 0, dup = 0, dirty = 0;
    void *p;
    while ((p = page_alloc()) != NULL) {
        size_t i = ((unsigned char *)p - arena) / PG;
        if ((uintptr_t)p % PG || (unsigned char *)p < arena || i >= ARENA_PAGES || !usable[i]) {
            bad++;
            continue;
        }
        dup += given[i];
        given[i] = true;
        for (size_t b = 0; b < PG; b++)
            dirty += ((unsigned char *)p)[b] != 0;
        memset(p, 0xa5, PG);   /* must not disturb the allocator's own metadata */
        count++;
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(dup, 0);
    CHECK_EQ(dirty, 0);
    CHECK_EQ(count, total);
    CHECK_EQ(page_free_count(), 0);
    size_t ram_mismatch = 0;
    for (size_t i = 0; i < ARENA_PAGES; i++)
        ram_mismatch += page_is_ram(A(i, 0)) != given[i];
    CHECK_EQ(ram_mismatch, 0);
    CHECK(!page_is_ram(A(13, 0)));
    CHECK(!page_is_ram(A(205, 0)));
    for (size_t i = 0; i < ARENA_PAGES; i++)
        if (given[i])
            page_put(arena + i * PG);
    CHECK_EQ(page_free_count(), total);
}

static void test_exhaust_and_recover(void)
{
    struct page_region ram = { A(0, 0), 16 * PG };
    CHECK_EQ(page_init(&ram, 1, NULL, 0), 0);
    void *pages[16];
    size_t n = 0;
    while (n < 16 && (pages[n] = page_alloc()) != NULL)
        n++;
    CHECK_EQ(n, 15);
    CHECK(page_alloc() == NULL);
    CHECK(page_alloc() == NULL);
    memset(pages[3], 0xff, PG);
    page_put(pages[3]);
    CHECK_EQ(page_free_count(), 1);
    unsigned char *again = page_alloc();
    CHECK(again == pages[3]);
    CHECK(again != NULL && again[0] == 0 && again[PG - 1] == 0);
    CHECK(page_alloc() == NULL);
    for (size_t i = 0; i < n; i++)
        page_put(pages[i]);
    CHECK_EQ(page_free_count(), 15);
}

static void test_refcounts(void)
{
    struct page_region ram = { A(0, 0), 16 * PG };
    CHECK_EQ(page_init(&ram, 1, NULL, 0), 0);
    void *p = page_alloc();
    size_t free0 = page_free_count();
    page_get(p);
    page_get(p);
    CHECK_EQ(page_refcount(p), 3);
    CHECK_EQ(page_refcount((char *)p + 100), 3);
    page_put(p);
    page_put(p);
    CHECK_EQ(page_refcount(p), 1);
    CHECK_EQ(page_free_count(), free0);
    page_put(p);
    CHECK_EQ(page_refcount(p), 0);
    CHECK_EQ(page_free_count(), free0 + 1);
}

static void test_tags(void)
{
    struct page_region ram = { A(0, 0), 16 * PG };
    CHECK_EQ(page_init(&ram, 1, NULL, 0), 0);
    void *p = page_alloc();
    CHECK_EQ(page_tag(p), 0);
    page_set_tag(p, 0x1234);
    CHECK_EQ(page_tag(p), 0x1234);
    page_put(p);
    CHECK_EQ(page_tag(p), 0);
    void *q = page_alloc();
    CHECK(q == p);
    CHECK_EQ(page_tag(q), 0);
    CHECK_EQ(page_tag(arena + 200 * PG), 0);
    page_put(q);
}

static void test_bad_puts_panic(void)
{
    struct page_region ram = { A(0, 0), 16 * PG };
    struct page_region hole = { A(5, 0), PG };
    CHECK_EQ(page_init(&ram, 1, &hole, 1), 0);
    void *p = page_alloc();
    page_put(p);
    size_t free0 = page_free_count();
    CHECK_PANICS(page_put(p));                    /* double free */
    CHECK_PANICS(page_get(p));                    /* get on a free page */
    CHECK_PANICS(page_put(arena + 5 * PG));       /* a hole */
    CHECK_PANICS(page_put(arena + 100 * PG));     /* outside RAM */
    void *q = page_alloc();
    CHECK_PANICS(page_put((char *)q + 8));        /* not a page start */
    CHECK_EQ(page_refcount(q), 1);
    CHECK_EQ(page_free_count(), free0 - 1);
    page_put(q);
    CHECK_EQ(page_free_count(), free0);
}

static void test_init_errors(void)
{
    struct page_region ram[9];
    struct page_region holes[33];
    for (int i = 0; i < 9; i++)
        ram[i] = (struct page_region){ A(i * 10, 0), 8 * PG };
    for (int i = 0; i < 33; i++)
        holes[i] = (struct page_region){ A(200 + i, 0), 1 };
    CHECK_EQ(page_init(ram, 9, NULL, 0), -EINVAL);
    CHECK_EQ(page_init(ram, 8, holes, 33), -EINVAL);
    CHECK_EQ(page_init(ram, -1, NULL, 0), -EINVAL);
    CHECK_EQ(page_init(ram, 8, holes, 32), 0);
    CHECK_EQ(page_total_count(), 8 * 7);
    CHECK_EQ(page_init(ram, 0, NULL, 0), -ENOMEM);
    CHECK_EQ(page_total_count(), 0);
    CHECK(page_alloc() == NULL);
    /* Less than one whole page once aligned. */
    struct page_region tiny = { A(3, 100), PG };
    CHECK_EQ(page_init(&tiny, 1, NULL, 0), -ENOMEM);
    /* One page: it would be eaten by its own metadata. */
    struct page_region one = { A(3, 0), PG };
    CHECK_EQ(page_init(&one, 1, NULL, 0), -ENOMEM);
    /* Everything covered by holes. */
    struct page_region cover = { A(0, 1), 20 * PG };
    CHECK_EQ(page_init(ram, 1, &cover, 1), -ENOMEM);
    /* Sizes that wrap around the address space are clipped, not trusted. */
    struct page_region ram32 = { A(0, 0), 32 * PG };
    struct page_region above = { A(16, 0), UINT64_MAX };
    CHECK_EQ(page_init(&ram32, 1, &above, 1), 0);
    CHECK_EQ(page_total_count(), 15);
    /* RAM "up to the end of everything" would need terabytes of metadata: refused, not crashed. */
    struct page_region wrap = { A(0, 0), UINT64_MAX };
    CHECK_EQ(page_init(&wrap, 1, &above, 1), -ENOMEM);
}

/* A range too fragmented to hold its own metadata gets it placed in another range. */
static void test_metadata_elsewhere(void)
{
    /* Range B (600 frames, 2 pages of metadata) keeps only the lone pages 309, 319, ..., 609. */
    struct page_region ram[] = { { A(300, 0), 600 * PG }, { A(0, 0), 16 * PG } };
    struct page_region holes[32];
    holes[0] = (struct page_region){ A(300, 0), 9 * PG };
    for (int k = 0; k < 30; k++)
        holes[k + 1] = (struct page_region){ A(310 + 10 * k, 0), 9 * PG };
    holes[31] = (struct page_region){ A(610, 0), 290 * PG };
    CHECK_EQ(page_init(ram, 2, holes, 32), 0);
    /* Range A: 16 pages minus its own metadata page minus B's two. */
    CHECK_EQ(page_total_count(), (16 - 3) + 31);
    CHECK(!page_is_ram(A(0, 0)));
    CHECK(!page_is_ram(A(1, 0)));
    CHECK(!page_is_ram(A(2, 0)));
    CHECK(page_is_ram(A(3, 0)));
    CHECK(page_is_ram(A(309, 0)));
    CHECK(!page_is_ram(A(310, 0)));
    CHECK(page_is_ram(A(609, 0)));
    size_t lone = 0;
    void *p;
    while ((p = page_alloc()) != NULL)
        lone += (unsigned char *)p >= arena + 300 * PG;
    CHECK_EQ(lone, 31);
}

int main(void)
{
    arena = aligned_alloc(PG, ARENA_PAGES * PG);
    if (!arena)
        return 1;
    RUN_TEST(test_single_range);
    RUN_TEST(test_ranges_and_holes);
    RUN_TEST(test_exhaust_and_recover);
    RUN_TEST(test_refcounts);
    RUN_TEST(test_tags);
    RUN_TEST(test_bad_puts_panic);
    RUN_TEST(test_init_errors);
    RUN_TEST(test_metadata_elsewhere);
    free(arena);
    CHECK_EXIT();
}
