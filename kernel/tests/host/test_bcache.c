// SOURCES: kernel/fs/bcache.c
/* Host tests for the buffer cache alone, on a counting in-memory disk: hits and misses,
 * references and the LRU, the BCACHE_MAX_BUFS cap (clean buffers reused first, a dirty one
 * written before it goes), batched sync with write errors that keep buffers dirty,
 * bcache_forget of freed blocks, bcache_shrink and bcache_drop, failed reads retried. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lib/errno.h"
#include "mm/kmalloc.h"
#include "fs/bcache.h"
#include "dev/blk.h"
#include "proc/sched.h"

#define BS 1024u
#define NBLOCKS (BCACHE_MAX_BUFS + 64)

void kpanic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    abort();
}
static long kmallocs_live;
void *kmalloc(size_t size)
{
    if (size > 4096)
        return NULL;
    kmallocs_live++;
    return calloc(1, size);
}
void kfree(void *p)
{
    if (p)
        kmallocs_live--;
    free(p);
}
static int sleeps;
void sched_sleep_uninterruptible(const void *chan) { (void)chan; sleeps++; kpanic("unexpected sleep\n"); }
void sched_wakeup(const void *chan) { (void)chan; }

/* The disk: NBLOCKS blocks of BS bytes; counters of each kind of request. */
static uint8_t *bytes;
static int reads, writes, flushes, submits, fail_reads, fail_writes;
static struct blkdev disk, disk2;

static int io(enum blk_op op, uint64_t off, void *buf, size_t len)
{
    if (op == BLK_FLUSH) {
        flushes++;
        return 0;
    }
    if (off + len > (uint64_t)NBLOCKS * BS)
        return -EIO;
    if (op == BLK_READ) {
        reads++;
        if (fail_reads)
            return -EIO;
        memcpy(buf, bytes + off, len);
    } else {
        writes++;
        if (fail_writes)
            return -EIO;
        memcpy(bytes + off, buf, len);
    }
    return 0;
}
int blk_rw(struct blkdev *d, enum blk_op op, uint64_t off, void *buf, size_t len)
{
    (void)d;
    return io(op, off, buf, len);
}
void blk_submit(struct blk_req *r)
{
    submits++;
    r->status = io(r->op, r->sector * BLK_SECTOR_SIZE, r->buf, r->len);
    r->done = true;
}
int blk_wait(struct blk_req *r) { return r->status; }
int blk_flush(struct blkdev *d)
{
    (void)d;
    return io(BLK_FLUSH, 0, NULL, 0);
}
int blk_count(void) { return 1; }
struct blkdev *blk_at(int i) { return i == 0 ? &disk : NULL; }

static void setup(void)
{
    if (!bytes)
        bytes = calloc(NBLOCKS, BS);
    for (uint32_t b = 0; b < NBLOCKS; b++)
        memset(bytes + (size_t)b * BS, (int)(b & 0xff), BS);
    reads = writes = flushes = submits = fail_reads = fail_writes = 0;
    disk = (struct blkdev){ .name = "d0", .sectors = (uint64_t)NBLOCKS * BS / BLK_SECTOR_SIZE };
    disk2 = (struct blkdev){ .name = "d1", .sectors = disk.sectors };
}

/* Every buffer of both disks gone, all memory back. */
static void teardown(void)
{
    bcache_drop(&disk);
    bcache_drop(&disk2);
    CHECK_EQ(bcache_stats().bufs, 0);
    CHECK_EQ(bcache_stats().dirty, 0);
    CHECK_EQ(kmallocs_live, 0);
}

static void test_hit_miss_refs(void)
{
    setup();
    int err = 0;
    struct bcache_stats s0 = bcache_stats();
    struct bbuf *a = bcache_read(&disk, 5, BS, &err);
    CHECK(a != NULL);
    CHECK_EQ(reads, 1);
    CHECK_EQ(a->data[0], 5);
    CHECK_EQ(a->refs, 1);
    struct bbuf *b = bcache_read(&disk, 5, BS, &err);
    CHECK(b == a);
    CHECK_EQ(reads, 1);             /* cached: no second read */
    CHECK_EQ(a->refs, 2);
    CHECK_EQ(bcache_stats().hits - s0.hits, 1);
    CHECK_EQ(bcache_stats().misses - s0.misses, 1);
    /* Same number, another device or size: another buffer. */
    struct bbuf *c = bcache_read(&disk2, 5, BS, &err);
    struct bbuf *d = bcache_read(&disk, 5, 2 * BS, &err);
    CHECK(c && c != a && d && d != a && d != c);
    CHECK_EQ(reads, 3);
    bcache_put(a);
    bcache_put(b);
    bcache_put(c);
    bcache_put(d);
    CHECK_EQ(a->refs, 0);           /* on the LRU, still cached */
    CHECK(bcache_read(&disk, 5, BS, &err) == a);
    CHECK_EQ(reads, 3);
    bcache_put(a);
    teardown();
}

static void test_get_zeroes_and_dirty_sync(void)
{
    setup();
    int err = 0;
    struct bbuf *g = bcache_get(&disk, 9, BS, &err);
    CHECK(g != NULL);
    CHECK_EQ(reads, 0);             /* never read from the disk */
    CHECK_EQ(g->data[0], 0);
    CHECK_EQ(g->data[BS - 1], 0);
    memset(g->data, 0xab, BS);
    bcache_dirty(g);
    bcache_dirty(g);
    CHECK_EQ(bcache_stats().dirty, 1);
    bcache_put(g);
    CHECK_EQ(bytes[9 * BS], 9);     /* nothing written yet */
    /* 40 dirty buffers: written in batches of several requests, then one flush. */
    for (uint32_t b = 100; b < 140; b++) {
        struct bbuf *x = bcache_read(&disk, b, BS, &err);
        x->data[0] = 0xcd;
        bcache_dirty(x);
        bcache_put(x);
    }
    CHECK_EQ(bcache_sync(&disk), 0);
    CHECK_EQ(writes, 41);
    CHECK_EQ(submits, 41);
    CHECK_EQ(flushes, 1);
    CHECK_EQ(bcache_stats().dirty, 0);
    CHECK_EQ(bytes[9 * BS], 0xab);
    CHECK_EQ(bytes[139 * BS], 0xcd);
    CHECK_EQ(bytes[139 * BS + 1], 139);
    CHECK_EQ(bcache_sync(&disk), 0);
    CHECK_EQ(writes, 41);           /* nothing left to write */
    teardown();
}

static void test_write_error_keeps_dirty(void)
{
    setup();
    int err = 0;
    struct bbuf *x = bcache_read(&disk, 3, BS, &err);
    x->data[0] = 0x77;
    bcache_dirty(x);
    bcache_put(x);
    fail_writes = 1;
    CHECK_EQ(bcache_sync(&disk), -EIO);
    CHECK_EQ(bcache_stats().dirty, 1);      /* not lost: still dirty */
    CHECK_EQ(bytes[3 * BS], 3);
    CHECK(writes >= 1 && writes <= 6);      /* a failing disk does not keep sync for ever */
    fail_writes = 0;
    CHECK_EQ(bcache_sync(&disk), 0);
    CHECK_EQ(bytes[3 * BS], 0x77);
    CHECK_EQ(bcache_stats().dirty, 0);
    teardown();
}

static void test_failed_read_retried(void)
{
    setup();
    int err = 0;
    fail_reads = 1;
    CHECK(bcache_read(&disk, 7, BS, &err) == NULL);
    CHECK_EQ(err, -EIO);
    CHECK_EQ(bcache_stats().bufs, 0);       /* nothing invalid is kept */
    fail_reads = 0;
    struct bbuf *x = bcache_read(&disk, 7, BS, &err);
    CHECK(x != NULL);
    CHECK_EQ(x->data[0], 7);
    bcache_put(x);
    teardown();
}

static void test_forget(void)
{
    setup();
    int err = 0;
    struct bbuf *x = bcache_read(&disk, 11, BS, &err);
    x->data[0] = 0x55;
    bcache_dirty(x);
    bcache_put(x);
    bcache_forget(&disk, 11, BS);           /* freed: its stale contents must never be written */
    CHECK_EQ(bcache_stats().dirty, 0);
    CHECK_EQ(bcache_stats().bufs, 0);
    CHECK_EQ(bcache_sync(&disk), 0);
    CHECK_EQ(writes, 0);
    CHECK_EQ(bytes[11 * BS], 11);
    /* A held buffer that is forgotten stays usable but clean. */
    x = bcache_read(&disk, 12, BS, &err);
    bcache_dirty(x);
    bcache_forget(&disk, 12, BS);
    CHECK_EQ(x->refs, 1);
    CHECK_EQ(bcache_stats().dirty, 0);
    bcache_put(x);
    teardown();
}

static void test_cap_and_lru(void)
{
    setup();
    int err = 0;
    /* Fill the cache to its cap; block 0 is the least recently used, block 1 is dirty. */
    for (uint32_t b = 0; b < BCACHE_MAX_BUFS; b++) {
        struct bbuf *x = bcache_read(&disk, b, BS, &err);
        CHECK(x != NULL);
        if (!x)
            return;
        if (b == 1) {
            x->data[0] = 0xee;
            bcache_dirty(x);
        }
        bcache_put(x);
    }
    CHECK_EQ(bcache_stats().bufs, BCACHE_MAX_BUFS);
    /* Touch block 0 so it is recent; the next miss evicts block 2 (oldest clean). */
    bcache_put(bcache_read(&disk, 0, BS, &err));
    int r0 = reads;
    bcache_put(bcache_read(&disk, BCACHE_MAX_BUFS, BS, &err));
    CHECK_EQ(bcache_stats().bufs, BCACHE_MAX_BUFS);
    CHECK_EQ(writes, 0);                    /* a clean one went, not the dirty one */
    bcache_put(bcache_read(&disk, 0, BS, &err));
    CHECK_EQ(reads, r0 + 1);                /* block 0 still cached */
    bcache_put(bcache_read(&disk, 2, BS, &err));
    CHECK_EQ(reads, r0 + 2);                /* block 2 was evicted: read again */
    CHECK_EQ(bcache_stats().dirty, 1);
    CHECK_EQ(bcache_shrink(BCACHE_MAX_BUFS), BCACHE_MAX_BUFS - 1);  /* all but the dirty one */
    CHECK_EQ(bcache_stats().bufs, 1);
    CHECK_EQ(bytes[1 * BS], 1);
    bcache_drop(&disk);                     /* umount: the dirty one is written, not lost */
    CHECK_EQ(bytes[1 * BS], 0xee);
    teardown();
}

static void test_cap_dirty_eviction(void)
{
    setup();
    int err = 0;
    /* Every cached buffer dirty: a miss past the cap writes the oldest back to make room. */
    for (uint32_t b = 0; b < BCACHE_MAX_BUFS; b++) {
        struct bbuf *x = bcache_read(&disk, b, BS, &err);
        if (!x) {
            CHECK(x != NULL);
            return;
        }
        x->data[1] = 0x99;
        bcache_dirty(x);
        bcache_put(x);
    }
    struct bbuf *y = bcache_read(&disk, BCACHE_MAX_BUFS + 1, BS, &err);
    CHECK(y != NULL);
    bcache_put(y);
    CHECK(bcache_stats().bufs <= BCACHE_MAX_BUFS);
    CHECK_EQ(writes, 1);
    CHECK_EQ(bytes[0 * BS + 1], 0x99);      /* block 0, the oldest, reached the disk */
    CHECK_EQ(bcache_sync(NULL), 0);
    CHECK_EQ(bcache_stats().dirty, 0);
    for (uint32_t b = 0; b < BCACHE_MAX_BUFS; b += 997)
        CHECK_EQ(bytes[(size_t)b * BS + 1], 0x99);
    teardown();
}

static void test_drop_per_device(void)
{
    setup();
    int err = 0;
    struct bbuf *a = bcache_read(&disk, 1, BS, &err);
    struct bbuf *b = bcache_read(&disk2, 1, BS, &err);
    bcache_put(a);
    bcache_put(b);
    bcache_drop(&disk2);
    CHECK_EQ(bcache_stats().bufs, 1);       /* only disk2's went */
    int r0 = reads;
    bcache_put(bcache_read(&disk, 1, BS, &err));
    CHECK_EQ(reads, r0);
    teardown();
}

int main(void)
{
    RUN_TEST(test_hit_miss_refs);
    RUN_TEST(test_get_zeroes_and_dirty_sync);
    RUN_TEST(test_write_error_keeps_dirty);
    RUN_TEST(test_failed_read_retried);
    RUN_TEST(test_forget);
    RUN_TEST(test_cap_and_lru);
    RUN_TEST(test_cap_dirty_eviction);
    RUN_TEST(test_drop_per_device);
    free(bytes);
    return check_tests_failed ? 1 : 0;
}
