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

int main(void)
{
    RUN_TEST(test_get_find_refs);
    RUN_TEST(test_dirty_writeback);
    RUN_TEST(test_truncate);
    CHECK_EXIT();
}
