// SOURCES: kernel/mm/pagecache.c kernel/mm/page.c
/* Host tests for the page cache: lookup and creation through readpage, reference counts held
 * by the cache and by callers, dirty tracking and writeback through writepage, truncation
 * (pages dropped, tail zeroed, mappings told), release, read/write through uio. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lib/errno.h"
#include "mm/page.h"
#include "mm/pagecache.h"
#include "fs/vfs.h"

#define PG 4096UL
#define ARENA_PAGES 256

void kpanic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    abort();
}

/* What pagecache.c needs from the rest of the kernel. */
static uint64_t unmapped_from = UINT64_MAX;
void vm_unmap_file(struct inode *ino, uint64_t first)
{
    (void)ino;
    unmapped_from = first;
}
uint64_t vfs_now_ns(void) { return 0; }
int uio_copy_out(struct uio *u, const void *src, size_t n)
{
    memcpy((void *)u->addr, src, n);
    u->addr += n;
    return 0;
}
int uio_copy_in(void *dst, struct uio *u, size_t n)
{
    memcpy(dst, (const void *)u->addr, n);
    u->addr += n;
    return 0;
}

static int reads, writes, fail_write;
static uint64_t last_written;

static int fake_readpage(struct inode *ino, uint64_t index, void *page)
{
    (void)ino;
    reads++;
    memset(page, (int)('A' + index % 26), PG);
    return 0;
}

static int fake_writepage(struct inode *ino, uint64_t index, const void *page)
{
    (void)ino;
    (void)page;
    if (fail_write)
        return -EIO;
    writes++;
    last_written = index;
    return 0;
}

static const struct inode_ops disk_iops = { .readpage = fake_readpage, .writepage = fake_writepage };
static const struct inode_ops ram_iops = { 0 };

static void setup(void)
{
    static unsigned char *arena;
    if (!arena)
        arena = aligned_alloc(PG, ARENA_PAGES * PG);
    struct page_region ram = { (paddr_t)(uintptr_t)arena, ARENA_PAGES * PG };
    page_init(&ram, 1, NULL, 0);
    reads = writes = fail_write = 0;
    unmapped_from = UINT64_MAX;
}

static void test_get_find_refs(void)
{
    setup();
    struct inode ino = { .iops = &disk_iops, .mode = S_IFREG, .size = 10 * PG };
    size_t free0 = page_free_count();
    CHECK(pagecache_find(&ino, 3) == NULL);
    int err = 0;
    unsigned char *p = pagecache_get(&ino, 3, &err);
    CHECK(p != NULL);
    CHECK_EQ(reads, 1);
    CHECK_EQ(p[0], 'D');
    CHECK_EQ(page_refcount(p), 2);          /* the cache's and ours */
    CHECK(pagecache_find(&ino, 3) == p);
    CHECK_EQ(pagecache_pages(), 1);
    unsigned char *q = pagecache_get(&ino, 3, &err);
    CHECK(q == p);
    CHECK_EQ(reads, 1);                     /* found, not read again */
    page_put(q);
    page_put(p);
    CHECK_EQ(page_refcount(p), 1);
    CHECK(pagecache_get(&ino, PAGECACHE_MAX_PAGES, &err) == NULL);
    CHECK_EQ(err, -EFBIG);
    pagecache_release(&ino);
    CHECK_EQ(pagecache_pages(), 0);
    CHECK(ino.cache == NULL);
    CHECK_EQ(page_free_count(), free0);     /* tables and pages all back */
}

static void test_dirty_writeback(void)
{
    setup();
    struct inode ino = { .iops = &disk_iops, .mode = S_IFREG, .size = 10 * PG };
    int err = 0;
    for (uint64_t i = 0; i < 4; i++)
        page_put(pagecache_get(&ino, i, &err));
    pagecache_set_dirty(&ino, 1);
    pagecache_set_dirty(&ino, 3);
    pagecache_set_dirty(&ino, 7);           /* not cached: nothing to mark */
    CHECK_EQ(pagecache_sync(&ino, 0, 2), 0);
    CHECK_EQ(writes, 1);
    CHECK_EQ(last_written, 1);
    CHECK_EQ(pagecache_sync(&ino, 0, 10), 0);
    CHECK_EQ(writes, 2);                    /* page 1 is clean now */
    CHECK_EQ(last_written, 3);
    pagecache_set_dirty(&ino, 2);
    fail_write = 1;
    CHECK_EQ(pagecache_sync(&ino, 0, 10), -EIO);
    fail_write = 0;
    CHECK_EQ(pagecache_sync(&ino, 0, 10), 0);   /* still dirty after the failure */
    CHECK_EQ(last_written, 2);
    /* Without writepage (ramfs) syncing just clears the marks. */
    struct inode ram = { .iops = &ram_iops, .mode = S_IFREG };
    page_put(pagecache_get(&ram, 0, &err));
    pagecache_set_dirty(&ram, 0);
    CHECK_EQ(pagecache_sync(&ram, 0, 1), 0);
    pagecache_release(&ino);
    pagecache_release(&ram);
}

static void test_truncate(void)
{
    setup();
    struct inode ino = { .iops = &ram_iops, .mode = S_IFREG };
    char buf[3 * PG];
    memset(buf, 'x', sizeof buf);
    struct uio u = { (uint64_t)(uintptr_t)buf, true };
    uint64_t off = 0;
    CHECK_EQ(pagecache_write(&ino, &u, sizeof buf, &off), (long)sizeof buf);
    CHECK_EQ(ino.size, 3 * PG);
    CHECK_EQ(pagecache_pages(), 3);
    int err = 0;
    unsigned char *held = pagecache_get(&ino, 2, &err);   /* like a PTE mapping page 2 */
    ino.size = PG + 10;
    pagecache_truncate(&ino, PG + 10);
    CHECK_EQ(unmapped_from, 2);             /* mappings from page 2 on were told first */
    CHECK_EQ(pagecache_pages(), 2);
    CHECK(pagecache_find(&ino, 2) == NULL);
    CHECK_EQ(page_refcount(held), 1);       /* ours survives the cache dropping it */
    CHECK_EQ(held[0], 'x');
    page_put(held);
    unsigned char *tail = pagecache_find(&ino, 1);
    CHECK_EQ(tail[9], 'x');
    CHECK_EQ(tail[10], 0);                  /* past the new end: zero */
    CHECK_EQ(tail[PG - 1], 0);
    /* Read back through uio: stops at the end of the file. */
    char rd[2 * PG];
    struct uio r = { (uint64_t)(uintptr_t)rd, true };
    off = 0;
    CHECK_EQ(pagecache_read(&ino, &r, sizeof rd, &off), (long)(PG + 10));
    CHECK_EQ(rd[PG + 9], 'x');
    off = PAGECACHE_MAX_PAGES * PG;
    CHECK_EQ(pagecache_write(&ino, &u, 1, &off), -EFBIG);
    pagecache_release(&ino);
    CHECK_EQ(pagecache_pages(), 0);
}

/* -- ext2: files past 1 GiB, writes during writeback, readpage that sleeps -- */
#define L2_PAGES (512UL * 512UL)     /* what two table levels cover: 1 GiB */

/* A file that grows past 1 GiB gets a third level; its first pages stay where they were. */
static void test_three_levels(void)
{
    setup();
    struct inode ino = { .iops = &ram_iops, .mode = S_IFREG };
    size_t free0 = page_free_count();
    int err = 0;
    unsigned char *p = pagecache_get(&ino, 3, &err);
    p[0] = 'a';
    page_put(p);
    uint64_t far[] = { L2_PAGES, L2_PAGES + 7, 5 * L2_PAGES + 1, PAGECACHE_MAX_PAGES - 1 };
    for (int i = 0; i < 4; i++) {
        unsigned char *q = pagecache_get(&ino, far[i], &err);
        CHECK(q != NULL);
        if (!q)
            return;
        q[1] = (unsigned char)('0' + i);
        page_put(q);
    }
    unsigned char *again = pagecache_find(&ino, 3);
    CHECK(again == p);
    CHECK_EQ(again[0], 'a');
    for (int i = 0; i < 4; i++) {
        unsigned char *q = pagecache_find(&ino, far[i]);
        CHECK(q != NULL && q[1] == '0' + i);
    }
    CHECK(pagecache_find(&ino, L2_PAGES + 8) == NULL);
    CHECK_EQ(pagecache_pages(), 5);
    /* A write at 4 GiB + 10 through uio, read back. */
    char buf[20] = "past four gibibytes", rd[20] = { 0 };
    struct uio u = { (uint64_t)(uintptr_t)buf, true }, r = { (uint64_t)(uintptr_t)rd, true };
    uint64_t off = (4ull << 30) + 10, roff = off;
    CHECK_EQ(pagecache_write(&ino, &u, sizeof buf, &off), (long)sizeof buf);
    CHECK_EQ(ino.size, (4ull << 30) + 30);
    CHECK_EQ(pagecache_read(&ino, &r, sizeof rd, &roff), (long)sizeof rd);
    CHECK(memcmp(rd, buf, sizeof buf) == 0);
    /* Truncate to 2 GiB: pages past it (and their tables) go, the rest stay. */
    ino.size = 2ull << 30;
    pagecache_truncate(&ino, ino.size);
    CHECK(pagecache_find(&ino, 3) == p);
    CHECK(pagecache_find(&ino, L2_PAGES + 7) != NULL);
    CHECK(pagecache_find(&ino, 5 * L2_PAGES + 1) == NULL);
    CHECK(pagecache_find(&ino, PAGECACHE_MAX_PAGES - 1) == NULL);
    CHECK_EQ(pagecache_pages(), 3);
    pagecache_release(&ino);
    CHECK_EQ(pagecache_pages(), 0);
    CHECK(ino.cache == NULL);
    CHECK_EQ(page_free_count(), free0);     /* every table of every level back */
}

/* writepage that "sleeps" while the page is written again (a write() on another hart). */
static struct inode *redirty_ino;
static int redirty_left;
static int redirty_writepage(struct inode *ino, uint64_t index, const void *page)
{
    (void)page;
    writes++;
    last_written = index;
    if (redirty_left > 0) {
        redirty_left--;
        pagecache_set_dirty(redirty_ino, index);
    }
    (void)ino;
    return 0;
}
static const struct inode_ops redirty_iops = { .readpage = fake_readpage, .writepage = redirty_writepage };

static void test_write_during_writeback(void)
{
    setup();
    struct inode ino = { .iops = &redirty_iops, .mode = S_IFREG, .size = 3 * L2_PAGES * PG };
    redirty_ino = &ino;
    int err = 0;
    uint64_t idx[] = { 2, L2_PAGES + 1, 2 * L2_PAGES + 5 };
    for (int i = 0; i < 3; i++) {
        page_put(pagecache_get(&ino, idx[i], &err));
        pagecache_set_dirty(&ino, idx[i]);
    }
    redirty_left = 1;
    CHECK_EQ(pagecache_sync(&ino, 0, PAGECACHE_MAX_PAGES), 0);
    CHECK_EQ(writes, 3);                    /* every dirty page, across all levels */
    CHECK_EQ(last_written, 2 * L2_PAGES + 5);
    /* Page 2 was written again during its writeback: it is still dirty, nothing else is. */
    CHECK_EQ(pagecache_sync(&ino, 0, PAGECACHE_MAX_PAGES), 0);
    CHECK_EQ(writes, 4);
    CHECK_EQ(last_written, 2);
    CHECK_EQ(pagecache_sync(&ino, 0, PAGECACHE_MAX_PAGES), 0);
    CHECK_EQ(writes, 4);
    /* A range only writes what is inside it. */
    pagecache_set_dirty(&ino, idx[1]);
    pagecache_set_dirty(&ino, idx[2]);
    CHECK_EQ(pagecache_sync(&ino, L2_PAGES, 2 * L2_PAGES), 0);
    CHECK_EQ(writes, 5);
    CHECK_EQ(last_written, L2_PAGES + 1);
    pagecache_release(&ino);
}

/* readpage that "sleeps" while another reader brings the same page in first. */
static struct inode *race_ino;
static void *race_page;
static int race_readpage(struct inode *ino, uint64_t index, void *page)
{
    (void)ino;
    reads++;
    memset(page, 'r', PG);
    if (!race_page) {           /* the second reader, inside the first one's sleep */
        int err = 0;
        race_page = (void *)1;
        race_page = pagecache_get(race_ino, index, &err);
    }
    return 0;
}
static const struct inode_ops race_iops = { .readpage = race_readpage };

static void test_readpage_race(void)
{
    setup();
    struct inode ino = { .iops = &race_iops, .mode = S_IFREG, .size = 4 * PG };
    race_ino = &ino;
    race_page = NULL;
    size_t free0 = page_free_count();
    int err = 0;
    void *p = pagecache_get(&ino, 1, &err);
    CHECK(p != NULL && p == race_page);     /* both readers got the one cached page */
    CHECK_EQ(pagecache_pages(), 1);
    CHECK_EQ(page_refcount(p), 3);          /* the cache's and the two readers' */
    page_put(race_page);
    page_put(p);
    pagecache_release(&ino);
    CHECK_EQ(page_free_count(), free0);     /* the loser's page was not leaked */
}
/* (end of ext2) */

int main(void)
{
    RUN_TEST(test_get_find_refs);
    RUN_TEST(test_dirty_writeback);
    RUN_TEST(test_truncate);
    RUN_TEST(test_three_levels);
    RUN_TEST(test_write_during_writeback);
    RUN_TEST(test_readpage_race);
    CHECK_EXIT();
}
