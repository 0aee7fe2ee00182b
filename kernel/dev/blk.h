/* The block layer: disks (virtio-blk, and in host tests a file) as numbered 512-byte sectors,
 * requests that complete asynchronously, and the /dev/vdX block-device files on top. */
#ifndef DEV_BLK_H
#define DEV_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BLK_SECTOR_SIZE 512
#define BLK_MAX_DEVS    16
/* virtio-blk's block major as Linux usually assigns it; 16 minors per disk (whole disk, then
 * up to 15 MBR partitions), as Linux's virtblk. */
#define BLK_VIRTIO_MAJOR 254
#define BLK_MINORS_PER_DISK 16

enum blk_op { BLK_READ, BLK_WRITE, BLK_FLUSH };

struct blkdev;

/* One transfer. The submitter fills dev, op, sector, buf and len; the driver sets status and
 * done, then calls end (if set) from its completion path (interrupt context, kernel lock
 * held: end may only sched_wakeup/waitq_wake, never sleep). buf is direct-map memory
 * (page_alloc, kmalloc), len a multiple of BLK_SECTOR_SIZE; a buffer may cross page
 * boundaries (the driver translates each page with kva_to_pa). */
struct blk_req {
    struct blkdev *dev;
    enum blk_op op;
    uint64_t sector;            /* relative to dev (a partition adds its start) */
    void *buf;
    size_t len;                 /* bytes; 0 for BLK_FLUSH */
    volatile bool done;
    int status;                 /* 0, or -EIO (device error, timeout, out of range) */
    void (*end)(struct blk_req *r);
    void *priv;                 /* the submitter's */
    struct blk_req *next;       /* the driver's queue link while in flight */
};

struct blkdev_ops {
    /* Queue r on the device and return at once; the driver completes it later (or at once,
     * with status set, if it cannot start it). Never sleeps. */
    void (*submit)(struct blkdev *d, struct blk_req *r);
    /* Complete what the device has finished without waiting for its interrupt (blk_wait at
     * boot, before any process can sleep). */
    void (*poll)(struct blkdev *d);
    /* A request timed out: stop the device, fail everything queued with -EIO, fail later
     * requests at once. */
    void (*abort)(struct blkdev *d);
};

struct blkdev {
    char name[16];              /* "vda", "vda1" */
    uint32_t rdev;              /* MKDEV(major, minor) as in fs/vfs.h */
    uint64_t sectors;           /* capacity */
    uint64_t start;             /* partitions: first sector on the whole disk */
    bool readonly;
    bool has_flush;             /* the device caches writes and honours BLK_FLUSH */
    const struct blkdev_ops *ops;
    struct blkdev *whole;       /* partitions: the disk; the disk itself: NULL */
    void *priv;                 /* the driver's */
};

/* Add a disk (and, from its MBR, its partitions); /dev/<name> appears. 0 or -errno. */
int blk_register(struct blkdev *d);
struct blkdev *blk_by_rdev(uint32_t rdev);
struct blkdev *blk_by_name(const char *name);      /* "vda" or "/dev/vda" */
int blk_count(void);
struct blkdev *blk_at(int i);                       /* 0 <= i < blk_count() */

/* Start r (range checked: -EIO past the end, -EROFS for writes to a read-only disk). */
void blk_submit(struct blk_req *r);
/* Sleep until r is done; its status. Without a process (boot) it polls the device instead.
 * A request not done within 10 s aborts the disk (ops->abort): r and every other request get
 * -EIO, and later ones fail at once. */
int blk_wait(struct blk_req *r);
/* Synchronous transfer of len bytes at byte offset off (both sector-aligned): 0 or -errno. */
int blk_rw(struct blkdev *d, enum blk_op op, uint64_t off, void *buf, size_t len);
/* Ask the device to make written data durable (no-op without has_flush). Buffers handed to the
 * block layer must be direct-map memory: never a kernel stack or kvm_alloc memory. */
int blk_flush(struct blkdev *d);

/* Drivers: r is finished with status (0 or -errno): counts it, sets done, calls r->end and
 * wakes blk_wait. */
void blk_complete(struct blk_req *r, int status);
/* The S_IFBLK file operations of /dev/vdX (read, write, ioctl; registered per rdev). */
uint64_t blk_size_bytes(uint32_t rdev);
int blk_fsync_rdev(uint32_t rdev);
/* /proc/diskstats-like text: one line per device. */
size_t blk_stats_format(char *buf, size_t n);

/* Counters for /proc/counters and make bench. */
struct blk_stats { uint64_t reads, writes, flushes, errors, sectors_read, sectors_written; };
const struct blk_stats *blk_stats(struct blkdev *d);

#endif
