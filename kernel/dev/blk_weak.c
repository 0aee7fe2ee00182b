/* Fallbacks for the block layer while no driver is linked in (dev/blk.c defines the real,
 * strong symbols): no disks exist, so every transfer fails with ENXIO. */
#include "dev/blk.h"
#include "lib/errno.h"

__attribute__((weak)) struct blkdev *blk_by_name(const char *name) { (void)name; return 0; }
__attribute__((weak)) struct blkdev *blk_by_rdev(uint32_t rdev) { (void)rdev; return 0; }
__attribute__((weak)) int blk_count(void) { return 0; }
__attribute__((weak)) struct blkdev *blk_at(int i) { (void)i; return 0; }
__attribute__((weak)) void blk_submit(struct blk_req *r) { r->status = -ENXIO; r->done = true; }
__attribute__((weak)) int blk_wait(struct blk_req *r) { return r->status; }
__attribute__((weak)) int blk_rw(struct blkdev *d, enum blk_op op, uint64_t off, void *buf, size_t len)
{
    (void)d; (void)op; (void)off; (void)buf; (void)len;
    return -ENXIO;
}
__attribute__((weak)) int blk_flush(struct blkdev *d) { (void)d; return 0; }
