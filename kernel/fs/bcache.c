/* The buffer cache (see bcache.h): a hash of buffers by (device, block, size), an LRU list of
 * the unreferenced ones, reads that sleep while another reader's I/O for the block is in
 * flight, and batched write-back. Guarded by the kernel lock; blk_wait sleeps release it. */
#include "fs/bcache.h"
#include "dev/blk.h"
#include "mm/kmalloc.h"
#include "proc/sched.h"
#include "lib/errno.h"
#include "lib/kstring.h"

#define NHASH 1024
#define WRITE_BATCH 16      /* write requests in flight at once during a sync */

static struct {
    struct bbuf *hash[NHASH];
    struct bbuf *lru_head, *lru_tail;   /* head: most recently released */
    size_t nbufs;
    struct bcache_stats st;
} bc;

static unsigned bcache_hash(struct blkdev *d, uint64_t blockno)
{
    uintptr_t x = (uintptr_t)d / 64 + blockno * 2654435761u;
    return (unsigned)(x % NHASH);
}

static void lru_remove(struct bbuf *b)
{
    if (b->lru_prev)
        b->lru_prev->lru_next = b->lru_next;
    else if (bc.lru_head == b)
        bc.lru_head = b->lru_next;
    if (b->lru_next)
        b->lru_next->lru_prev = b->lru_prev;
    else if (bc.lru_tail == b)
        bc.lru_tail = b->lru_prev;
    b->lru_prev = b->lru_next = NULL;
}

static void lru_push(struct bbuf *b)
{
    b->lru_prev = NULL;
    b->lru_next = bc.lru_head;
    if (bc.lru_head)
        bc.lru_head->lru_prev = b;
    bc.lru_head = b;
    if (!bc.lru_tail)
        bc.lru_tail = b;
}

static struct bbuf *bcache_find(struct blkdev *d, uint64_t blockno, uint32_t size)
{
    for (struct bbuf *b = bc.hash[bcache_hash(d, blockno)]; b; b = b->hnext)
        if (b->dev == d && b->blockno == blockno && b->size == size)
            return b;
    return NULL;
}

static void hash_remove(struct bbuf *b)
{
    struct bbuf **link = &bc.hash[bcache_hash(b->dev, b->blockno)];
    while (*link && *link != b)
        link = &(*link)->hnext;
    if (*link)
        *link = b->hnext;
}

/* An unreferenced buffer leaves the cache for good. */
static void bcache_free(struct bbuf *b)
{
    lru_remove(b);
    hash_remove(b);
    if (b->dirty)
        bc.st.dirty--;
    kfree(b->data);
    kfree(b);
    bc.nbufs--;
    bc.st.evictions++;
}

/* Synchronous write of one buffer (eviction of a dirty buffer, forced drop). */
static int bcache_write_one(struct bbuf *b)
{
    b->dirty = false;
    bc.st.dirty--;
    b->refs++;      /* nobody frees it while we sleep */
    int err = blk_rw(b->dev, BLK_WRITE, b->blockno * b->size, b->data, b->size);
    b->refs--;
    bc.st.writebacks++;
    if (err && !b->dirty) {
        b->dirty = true;
        bc.st.dirty++;
    }
    return err;
}

size_t bcache_shrink(size_t want)
{
    size_t freed = 0;
    struct bbuf *b = bc.lru_tail;
    while (b && freed < want) {
        struct bbuf *prev = b->lru_prev;
        if (!b->dirty && !b->busy && b->refs == 0) {
            bcache_free(b);
            freed++;
        }
        b = prev;
    }
    return freed;
}

/* Make room under the cap: drop a clean LRU buffer, else write the oldest dirty one back. */
static void bcache_make_room(void)
{
    if (bc.nbufs < BCACHE_MAX_BUFS || bcache_shrink(1))
        return;
    for (struct bbuf *b = bc.lru_tail; b; b = b->lru_prev) {
        if (b->refs == 0 && b->dirty && !b->busy) {
            if (bcache_write_one(b) == 0 && b->refs == 0 && !b->dirty)
                bcache_free(b);
            return;
        }
    }
}

/* The buffer for the block, referenced, created (invalid) if missing. */
static struct bbuf *bcache_lookup(struct blkdev *d, uint64_t blockno, uint32_t size, int *err)
{
    struct bbuf *b = bcache_find(d, blockno, size);
    if (b) {
        if (b->refs++ == 0)
            lru_remove(b);
        bc.st.hits++;
        return b;
    }
    bc.st.misses++;
    bcache_make_room();
    b = kmalloc(sizeof *b);
    uint8_t *data = b ? kmalloc(size) : NULL;
    if (b && !data && bcache_shrink(8))
        data = kmalloc(size);
    if (!data) {
        kfree(b);
        *err = -ENOMEM;
        return NULL;
    }
    /* Sleeping in make_room may have let someone else create it. */
    struct bbuf *other = bcache_find(d, blockno, size);
    if (other) {
        kfree(data);
        kfree(b);
        if (other->refs++ == 0)
            lru_remove(other);
        return other;
    }
    *b = (struct bbuf){ .dev = d, .blockno = blockno, .size = size, .data = data, .refs = 1 };
    unsigned h = bcache_hash(d, blockno);
    b->hnext = bc.hash[h];
    bc.hash[h] = b;
    bc.nbufs++;
    return b;
}

struct bbuf *bcache_read(struct blkdev *d, uint64_t blockno, uint32_t size, int *err)
{
    struct bbuf *b = bcache_lookup(d, blockno, size, err);
    if (!b)
        return NULL;
    while (!b->valid) {
        if (b->busy) {          /* another reader's I/O: wait for it, then look again */
            sched_sleep_uninterruptible(b);
            continue;
        }
        b->busy = true;
        int e = blk_rw(d, BLK_READ, blockno * size, b->data, size);
        b->busy = false;
        sched_wakeup(b);
        if (e) {
            bcache_put(b);
            *err = e;
            return NULL;
        }
        b->valid = true;
    }
    return b;
}

struct bbuf *bcache_get(struct blkdev *d, uint64_t blockno, uint32_t size, int *err)
{
    struct bbuf *b = bcache_lookup(d, blockno, size, err);
    if (!b)
        return NULL;
    while (b->busy)
        sched_sleep_uninterruptible(b);
    if (!b->valid) {
        memset(b->data, 0, size);
        b->valid = true;
    }
    return b;
}

void bcache_dirty(struct bbuf *b)
{
    if (!b->dirty) {
        b->dirty = true;
        bc.st.dirty++;
    }
}

void bcache_put(struct bbuf *b)
{
    if (!b || --b->refs > 0)
        return;
    if (!b->valid && !b->busy) {     /* a failed read: nothing worth keeping */
        bcache_free(b);
        return;
    }
    lru_push(b);
}

void bcache_forget(struct blkdev *d, uint64_t blockno, uint32_t size)
{
    struct bbuf *b = bcache_find(d, blockno, size);
    if (!b)
        return;
    if (b->dirty) {
        b->dirty = false;
        bc.st.dirty--;
    }
    if (b->refs == 0 && !b->busy)
        bcache_free(b);
    else
        b->valid = true;    /* a holder keeps using it; it is simply clean now */
}

/* Up to WRITE_BATCH dirty buffers of d (NULL: any) into reqs, each referenced and marked
 * clean (a change made while the write is in flight marks it dirty again). */
static int collect_dirty(struct blkdev *d, struct bbuf **bufs, struct blk_req *reqs)
{
    int n = 0;
    for (unsigned h = 0; h < NHASH && n < WRITE_BATCH; h++) {
        for (struct bbuf *b = bc.hash[h]; b && n < WRITE_BATCH; b = b->hnext) {
            if (!b->dirty || (d && b->dev != d))
                continue;
            if (b->refs++ == 0)
                lru_remove(b);
            b->dirty = false;
            bc.st.dirty--;
            bufs[n] = b;
            reqs[n] = (struct blk_req){ .dev = b->dev, .op = BLK_WRITE, .sector = b->blockno * (b->size / BLK_SECTOR_SIZE),
                                        .buf = b->data, .len = b->size };
            n++;
        }
    }
    return n;
}

int bcache_sync(struct blkdev *d)
{
    /* Not static: two syncs may be in flight at once (blk_wait sleeps). */
    struct blk_req *reqs = kmalloc(WRITE_BATCH * sizeof *reqs);
    struct bbuf *bufs[WRITE_BATCH];
    int err = 0, rounds = 0;
    if (!reqs)
        return -ENOMEM;
    for (;;) {
        int n = collect_dirty(d, bufs, reqs);
        if (n == 0)
            break;
        for (int i = 0; i < n; i++)
            blk_submit(&reqs[i]);
        for (int i = 0; i < n; i++) {
            int e = blk_wait(&reqs[i]);
            bc.st.writebacks++;
            if (e) {
                if (!err)
                    err = e;
                bcache_dirty(bufs[i]);
            }
            bcache_put(bufs[i]);
        }
        /* A failing disk must not keep us here for ever. */
        if (err && ++rounds > 4)
            break;
    }
    kfree(reqs);
    /* Flush every device we may have written to. */
    if (d) {
        int e = blk_flush(d);
        if (!err)
            err = e;
    } else {
        for (int i = 0; i < blk_count(); i++) {
            int e = blk_flush(blk_at(i));
            if (!err)
                err = e;
        }
    }
    return err;
}

void bcache_drop(struct blkdev *d)
{
    for (unsigned h = 0; h < NHASH; h++) {
        struct bbuf *b = bc.hash[h];
        while (b) {
            struct bbuf *next = b->hnext;
            if (b->dev == d && b->refs == 0 && !b->busy) {
                if (b->dirty)
                    bcache_write_one(b);
                if (b->refs == 0 && !b->dirty) {
                    bcache_free(b);
                    next = bc.hash[h];  /* the chain may have changed while we slept */
                }
            }
            b = next;
        }
    }
}

struct bcache_stats bcache_stats(void)
{
    struct bcache_stats s = bc.st;
    s.bufs = bc.nbufs;
    return s;
}
