/* The buffer cache: file-system METADATA blocks (superblock, descriptors, bitmaps, inode
 * tables, indirect blocks, directories) by (device, block number, size). File DATA lives in
 * the page cache (mm/pagecache.h); see docs/files.md for why there are two caches. */
#ifndef FS_BCACHE_H
#define FS_BCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct blkdev;

struct bbuf {
    struct blkdev *dev;
    uint64_t blockno;           /* in units of size bytes */
    uint32_t size;              /* 512..4096, a multiple of the sector size */
    uint8_t *data;
    int refs;                   /* holders; 0: on the LRU list, may be evicted */
    bool valid;                 /* data holds the block's contents */
    bool dirty;                 /* data is newer than the disk */
    bool busy;                  /* a read is in flight: others sleep on the buffer */
    struct bbuf *hnext;         /* hash chain */
    struct bbuf *lru_prev, *lru_next;
};

/* Cap on cached buffers; past it the least recently used clean unreferenced one is reused
 * (a dirty one is written back first). bcache_shrink() drops clean ones on demand. */
#define BCACHE_MAX_BUFS 4096

/* The block, read from the disk unless cached; one reference (bcache_put it). NULL and *err
 * (-EIO, -ENOMEM) on failure. Two callers never read one block at once: the second sleeps. */
struct bbuf *bcache_read(struct blkdev *d, uint64_t blockno, uint32_t size, int *err);
/* The block without reading it: a freshly allocated block whose old contents do not matter.
 * Its data is zeroed unless it was cached already. */
struct bbuf *bcache_get(struct blkdev *d, uint64_t blockno, uint32_t size, int *err);
void bcache_dirty(struct bbuf *b);
void bcache_put(struct bbuf *b);
/* The block was freed: drop any cached copy, even a dirty one (nothing needs it now). */
void bcache_forget(struct blkdev *d, uint64_t blockno, uint32_t size);
/* Write back the dirty buffers of d (NULL: of every device), several requests in flight,
 * then blk_flush. 0 or the first error (the failed buffers stay dirty). */
int bcache_sync(struct blkdev *d);
/* Umount: drop every unreferenced buffer of d (call bcache_sync first; dirty ones are
 * written here too rather than lost). */
void bcache_drop(struct blkdev *d);
/* Memory pressure: free up to want clean unreferenced buffers; how many were freed. */
size_t bcache_shrink(size_t want);

struct bcache_stats { uint64_t hits, misses, writebacks, evictions, bufs, dirty; };
struct bcache_stats bcache_stats(void);

#endif
