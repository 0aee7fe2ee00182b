/* The page cache (see pagecache.h and docs/memory.md): per inode, a radix table of slots two
 * or three levels deep, each slot a page pointer whose low bit marks the page dirty. Guarded
 * by the kernel lock; readpage and writepage may sleep, so no table pointer is kept across
 * them. */
#include "mm/pagecache.h"
#include "mm/page.h"
#include "mm/vm.h"
#include "fs/vfs.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "arch.h"

#define SLOTS_PER_TABLE (PAGE_SIZE / sizeof(uintptr_t))
#define LEVEL_BITS 9                /* log2(SLOTS_PER_TABLE) */
#define SLOT_DIRTY 1UL
/* inode->cache is the top table's address with the tree's height (2 or 3) in its low bits:
 * small files pay for two table pages, only files past 1 GiB for a third level. */
#define HEIGHT_MASK 3UL
#define NO_INDEX UINT64_MAX

_Static_assert(SLOTS_PER_TABLE == 1u << LEVEL_BITS, "one table is a page of pointers");
_Static_assert(PAGECACHE_MAX_PAGES == 1ull << (3 * LEVEL_BITS), "three levels at most");

static size_t cached_pages;

static unsigned cache_height(const struct inode *ino) { return (uintptr_t)ino->cache & HEIGHT_MASK; }
static uintptr_t *cache_top(const struct inode *ino) { return (uintptr_t *)((uintptr_t)ino->cache & ~HEIGHT_MASK); }
/* Pages covered by one entry of a table at level (1: the entry is a page slot). */
static uint64_t entry_span(unsigned level) { return 1ull << (LEVEL_BITS * (level - 1)); }

/* The file system's say in the cache's size (tmpfs size=), if it wants one. */
static int pagecache_charge(struct inode *ino, long pages)
{
    return ino->iops && ino->iops->charge ? ino->iops->charge(ino, pages) : 0;
}

/* Make the tree tall enough for index (alloc only): a new top whose entry 0 is the old one. */
static bool pagecache_grow(struct inode *ino, uint64_t index, bool alloc)
{
    unsigned h = cache_height(ino);
    if (!h) {
        uintptr_t *top = alloc ? page_alloc() : NULL;
        if (!top)
            return false;
        ino->cache = (void *)((uintptr_t)top | 2);
        h = 2;
    }
    while (index >= entry_span(h + 1)) {
        uintptr_t *top = alloc ? page_alloc() : NULL;
        if (!top)
            return false;
        top[0] = (uintptr_t)cache_top(ino);
        ino->cache = (void *)((uintptr_t)top | ++h);
    }
    return true;
}

static uintptr_t *pagecache_slot(struct inode *ino, uint64_t index, bool alloc)
{
    if (index >= PAGECACHE_MAX_PAGES || !pagecache_grow(ino, index, alloc))
        return NULL;
    uintptr_t *table = cache_top(ino);
    for (unsigned level = cache_height(ino); level > 1; level--) {
        uintptr_t *entry = &table[(index / entry_span(level)) % SLOTS_PER_TABLE];
        if (!*entry) {
            void *t = alloc ? page_alloc() : NULL;
            if (!t)
                return NULL;
            *entry = (uintptr_t)t;
        }
        table = (uintptr_t *)*entry;
    }
    return &table[index % SLOTS_PER_TABLE];
}

static void *slot_page(uintptr_t slot)
{
    return (void *)(slot & ~SLOT_DIRTY);
}

void *pagecache_find(struct inode *ino, uint64_t index)
{
    uintptr_t *slot = pagecache_slot(ino, index, false);
    return slot ? slot_page(*slot) : NULL;
}

void *pagecache_get(struct inode *ino, uint64_t index, int *err)
{
    uintptr_t *slot = pagecache_slot(ino, index, true);
    if (!slot) {
        *err = index >= PAGECACHE_MAX_PAGES ? -EFBIG : -ENOMEM;
        return NULL;
    }
    if (!*slot) {
        int e = pagecache_charge(ino, 1);
        if (e) {
            *err = e;
            return NULL;
        }
        void *page = page_alloc();
        if (!page) {
            pagecache_charge(ino, -1);
            *err = -ENOMEM;
            return NULL;
        }
        if (ino->iops && ino->iops->readpage) {
            int e = ino->iops->readpage(ino, index, page);
            /* readpage may sleep: a truncate may have freed the table, or another reader
             * filled the slot meanwhile (then its page is the one everybody uses). */
            slot = e ? NULL : pagecache_slot(ino, index, true);
            if (!slot || *slot) {
                page_put(page);
                pagecache_charge(ino, -1);
                if (!slot) {
                    *err = e ? e : -ENOMEM;
                    return NULL;
                }
            }
        }
        if (!*slot) {
            *slot = (uintptr_t)page;
            cached_pages++;
        }
    }
    void *page = slot_page(*slot);
    page_get(page);
    return page;
}

void pagecache_set_dirty(struct inode *ino, uint64_t index)
{
    uintptr_t *slot = pagecache_slot(ino, index, false);
    if (slot && *slot)
        *slot |= SLOT_DIRTY;
}

/* The first dirty page at or after from and before last in the subtree of table (at level,
 * covering pages from base), or NO_INDEX. Never sleeps. */
static uint64_t next_dirty(const uintptr_t *table, unsigned level, uint64_t base, uint64_t from, uint64_t last)
{
    uint64_t span = entry_span(level);
    for (size_t i = from > base ? (from - base) / span : 0; i < SLOTS_PER_TABLE; i++) {
        uint64_t lo = base + i * span;
        if (lo >= last)
            break;
        if (!table[i])
            continue;
        if (level == 1) {
            if (table[i] & SLOT_DIRTY)
                return lo;
            continue;
        }
        uint64_t r = next_dirty((const uintptr_t *)table[i], level - 1, lo, from, last);
        if (r != NO_INDEX)
            return r;
    }
    return NO_INDEX;
}

int pagecache_sync(struct inode *ino, uint64_t first, uint64_t last)
{
    int err = 0;
    if (last > PAGECACHE_MAX_PAGES)
        last = PAGECACHE_MAX_PAGES;
    for (uint64_t i = first; ino->cache && i < last; i++) {
        i = next_dirty(cache_top(ino), cache_height(ino), 0, i, last);
        if (i == NO_INDEX)
            break;
        uintptr_t *slot = pagecache_slot(ino, i, false);
        void *page = slot_page(*slot);
        /* Clean before the write, so a write() or store while writepage sleeps dirties the
         * page again instead of being forgotten; our reference keeps the page alive. */
        *slot &= ~SLOT_DIRTY;
        page_get(page);
        int e = ino->iops && ino->iops->writepage ? ino->iops->writepage(ino, i, page) : 0;
        if (e) {
            err = e;
            slot = pagecache_slot(ino, i, false);   /* the table may have changed meanwhile */
            if (slot && slot_page(*slot) == page)
                *slot |= SLOT_DIRTY;
        }
        page_put(page);
    }
    return err;
}

/* Drop cached pages from index first on in the subtree of table (at level, from base),
 * freeing the tables wholly past first. */
static void drop_table(struct inode *ino, uintptr_t *table, unsigned level, uint64_t base, uint64_t first)
{
    uint64_t span = entry_span(level);
    for (size_t i = 0; i < SLOTS_PER_TABLE; i++) {
        uint64_t lo = base + i * span;
        if (!table[i] || lo + span <= first)
            continue;
        if (level == 1) {
            page_put(slot_page(table[i]));
            cached_pages--;
            pagecache_charge(ino, -1);
        } else {
            drop_table(ino, (uintptr_t *)table[i], level - 1, lo, first);
            if (lo < first)
                continue;   /* the table still holds pages before first */
            page_put((void *)table[i]);
        }
        table[i] = 0;
    }
}

/* Drop cached pages from index first on (the table pages too when first == 0). */
static void pagecache_drop_from(struct inode *ino, uint64_t first)
{
    if (!ino->cache)
        return;
    drop_table(ino, cache_top(ino), cache_height(ino), 0, first);
    if (first == 0) {
        page_put(cache_top(ino));
        ino->cache = NULL;
    }
}

void pagecache_truncate(struct inode *ino, uint64_t size)
{
    uint64_t keep = (size + PAGE_SIZE - 1) / PAGE_SIZE;
    /* Mappings first: no PTE may keep a page the file no longer has. */
    vm_unmap_file(ino, keep);
    pagecache_drop_from(ino, keep);
    uint8_t *last = size % PAGE_SIZE ? pagecache_find(ino, size / PAGE_SIZE) : NULL;
    if (last)   /* bytes past the new end read back as zero if the file grows again */
        memset(last + size % PAGE_SIZE, 0, PAGE_SIZE - size % PAGE_SIZE);
}

void pagecache_release(struct inode *ino)
{
    pagecache_drop_from(ino, 0);
}

size_t pagecache_pages(void)
{
    return cached_pages;
}

/* Copy n bytes between the file at *off and u, page by page through the cache; a write
 * dirties the pages and grows the file. Returns the bytes copied, or an error if none were. */
static long pagecache_copy(struct inode *ino, struct uio *u, size_t n, uint64_t *off, bool write)
{
    size_t done = 0;
    while (done < n) {
        uint64_t pos = *off + done;
        size_t in_page = pos % PAGE_SIZE, chunk = PAGE_SIZE - in_page;
        if (chunk > n - done)
            chunk = n - done;
        int err = 0;
        uint8_t *page = pagecache_get(ino, pos / PAGE_SIZE, &err);
        if (!page)
            return done ? (long)done : err;
        /* The reference keeps the page even if the user copy faults and truncates the file. */
        int bad = write ? uio_copy_in(page + in_page, u, chunk) : uio_copy_out(u, page + in_page, chunk);
        if (write && !bad)
            pagecache_set_dirty(ino, pos / PAGE_SIZE);
        page_put(page);
        if (bad)
            return done ? (long)done : -EFAULT;
        done += chunk;
        if (write && pos + chunk > ino->size)
            ino->size = pos + chunk;
    }
    *off += done;
    return (long)done;
}

long pagecache_read(struct inode *ino, struct uio *u, size_t n, uint64_t *off)
{
    if (*off >= ino->size)
        return 0;
    if (n > ino->size - *off)
        n = ino->size - *off;
    long r = pagecache_copy(ino, u, n, off, false);
    if (r > 0)
        ino->atime_ns = (int64_t)vfs_now_ns();
    return r;
}

long pagecache_write(struct inode *ino, struct uio *u, size_t n, uint64_t *off)
{
    const uint64_t max = PAGECACHE_MAX_PAGES * PAGE_SIZE;
    if (n == 0)
        return 0;
    if (*off >= max || n > max - *off)
        return -EFBIG;
    long r = pagecache_copy(ino, u, n, off, true);
    if (r > 0)
        ino->mtime_ns = ino->ctime_ns = (int64_t)vfs_now_ns();
    return r;
}
