/* The page cache (see pagecache.h and docs/memory.md): per inode, a two-level table of slots,
 * each slot a page pointer whose low bit marks the page dirty. Guarded by the kernel lock. */
#include "mm/pagecache.h"
#include "mm/page.h"
#include "mm/vm.h"
#include "fs/vfs.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "arch.h"

#define SLOTS_PER_TABLE (PAGE_SIZE / sizeof(uintptr_t))
#define SLOT_DIRTY 1UL

/* inode->cache points at the top table: SLOTS_PER_TABLE pointers to second-level tables. */
static size_t cached_pages;

/* The file system's say in the cache's size (tmpfs size=), if it wants one. */
static int pagecache_charge(struct inode *ino, long pages)
{
    return ino->iops && ino->iops->charge ? ino->iops->charge(ino, pages) : 0;
}

static uintptr_t *pagecache_slot(struct inode *ino, uint64_t index, bool alloc)
{
    if (index >= PAGECACHE_MAX_PAGES)
        return NULL;
    uintptr_t **top = ino->cache;
    if (!top) {
        if (!alloc || !(top = page_alloc()))
            return NULL;
        ino->cache = top;
    }
    uintptr_t **l2 = &top[index / SLOTS_PER_TABLE];
    if (!*l2 && (!alloc || !(*l2 = page_alloc())))
        return NULL;
    return &(*l2)[index % SLOTS_PER_TABLE];
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
            if (e) {
                page_put(page);
                pagecache_charge(ino, -1);
                *err = e;
                return NULL;
            }
        }
        *slot = (uintptr_t)page;
        cached_pages++;
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

int pagecache_sync(struct inode *ino, uint64_t first, uint64_t last)
{
    int err = 0;
    if (!ino->cache)
        return 0;
    if (last > PAGECACHE_MAX_PAGES)
        last = PAGECACHE_MAX_PAGES;
    for (uint64_t i = first; i < last; i++) {
        uintptr_t *slot = pagecache_slot(ino, i, false);
        if (!slot) {
            i |= SLOTS_PER_TABLE - 1;   /* no second-level table: skip its whole range */
            continue;
        }
        if (!(*slot & SLOT_DIRTY))
            continue;
        int e = ino->iops && ino->iops->writepage ? ino->iops->writepage(ino, i, slot_page(*slot)) : 0;
        if (e)
            err = e;
        else
            *slot &= ~SLOT_DIRTY;
    }
    return err;
}

/* Drop cached pages from index first on (the table pages too when first == 0). */
static void pagecache_drop_from(struct inode *ino, uint64_t first)
{
    uintptr_t **top = ino->cache;
    if (!top)
        return;
    for (size_t t = 0; t < SLOTS_PER_TABLE; t++) {
        uintptr_t *l2 = top[t];
        if (!l2 || (t + 1) * SLOTS_PER_TABLE <= first)
            continue;
        for (size_t j = 0; j < SLOTS_PER_TABLE; j++) {
            if (t * SLOTS_PER_TABLE + j >= first && l2[j]) {
                page_put(slot_page(l2[j]));
                l2[j] = 0;
                cached_pages--;
                pagecache_charge(ino, -1);
            }
        }
        if (t * SLOTS_PER_TABLE >= first) {
            page_put(l2);
            top[t] = NULL;
        }
    }
    if (first == 0) {
        page_put(top);
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
