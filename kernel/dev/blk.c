/* The block layer: the registry of disks and MBR partitions, request submission with range and
 * read-only checks, waiting (sleeping on the request, or polling at boot), synchronous helpers,
 * statistics, and the /dev/vdX block-device files (read/write at any offset, ioctls). */
#include "dev/blk.h"
#include "dev/console.h"
#include "arch.h"
#include "fs/vfs.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "lib/printf.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/vm.h"
#include "proc/proc.h"
#include "proc/sched.h"

#define BLK_TIMEOUT_NS (10ULL * 1000000000)  /* a request not done by then fails the disk (generous: a loaded 2-core host) */
#define BLK_RW_CHUNK   (32 * 1024)           /* blk_rw splits larger transfers */

static struct {
    struct blkdev *devs[BLK_MAX_DEVS];
    struct blk_stats stats[BLK_MAX_DEVS];
    struct blkdev parts[BLK_MAX_DEVS];      /* partitions live here */
    int ndevs, nparts;
    bool sleepers;      /* some blk_wait has slept: the scheduler is up, wake-ups are safe */
} blk;

static const struct file_ops blk_file_ops;

int blk_count(void) { return blk.ndevs; }
struct blkdev *blk_at(int i) { return i >= 0 && i < blk.ndevs ? blk.devs[i] : NULL; }

struct blkdev *blk_by_rdev(uint32_t rdev)
{
    for (int i = 0; i < blk.ndevs; i++)
        if (blk.devs[i]->rdev == rdev)
            return blk.devs[i];
    return NULL;
}

struct blkdev *blk_by_name(const char *name)
{
    if (strncmp(name, "/dev/", 5) == 0)
        name += 5;
    for (int i = 0; i < blk.ndevs; i++)
        if (strcmp(blk.devs[i]->name, name) == 0)
            return blk.devs[i];
    return NULL;
}

static int blk_index(const struct blkdev *d)
{
    for (int i = 0; i < blk.ndevs; i++)
        if (blk.devs[i] == d)
            return i;
    return -1;
}

const struct blk_stats *blk_stats(struct blkdev *d)
{
    int i = blk_index(d);
    return i < 0 ? NULL : &blk.stats[i];
}

static int blk_add(struct blkdev *d)
{
    if (blk.ndevs >= BLK_MAX_DEVS)
        return -ENOSPC;
    blk.devs[blk.ndevs++] = d;
    blockdev_register(d->rdev, &blk_file_ops);
    return 0;
}

/* MBR: four 16-byte entries at 446 (type at +4, first LBA at +8, sector count at +12), 0x55 0xaa
 * at 510. A table whose entries point outside the disk is ignored whole, with a console line. */
static void blk_scan_mbr(struct blkdev *d)
{
    uint8_t *s = kmalloc(BLK_SECTOR_SIZE);
    if (!s)
        return;
    if (blk_rw(d, BLK_READ, 0, s, BLK_SECTOR_SIZE) || s[510] != 0x55 || s[511] != 0xaa) {
        kfree(s);
        return;
    }
    uint64_t start[4], count[4];
    bool any = false;
    for (int i = 0; i < 4; i++) {
        const uint8_t *e = s + 446 + 16 * i;
        start[i] = (uint64_t)e[8] | (uint64_t)e[9] << 8 | (uint64_t)e[10] << 16 | (uint64_t)e[11] << 24;
        count[i] = (uint64_t)e[12] | (uint64_t)e[13] << 8 | (uint64_t)e[14] << 16 | (uint64_t)e[15] << 24;
        if (e[4] == 0 || count[i] == 0) {
            count[i] = 0;
            continue;
        }
        if (e[4] == 0xee) {         /* a GPT's protective entry: not a partition table of ours */
            kfree(s);
            return;
        }
        if (start[i] == 0 || start[i] >= d->sectors || count[i] > d->sectors - start[i]) {
            kprintf("blk: %s: partition table entry %d (%lu+%lu) is outside the disk; table ignored\n",
                    d->name, i + 1, (unsigned long)start[i], (unsigned long)count[i]);
            kfree(s);
            return;
        }
        any = true;
    }
    kfree(s);
    for (int i = 0; any && i < 4; i++) {
        if (!count[i] || blk.nparts >= BLK_MAX_DEVS)
            continue;
        struct blkdev *p = &blk.parts[blk.nparts++];
        *p = *d;
        ksnprintf(p->name, sizeof p->name, "%s%d", d->name, i + 1);
        p->rdev = d->rdev + (uint32_t)(i + 1);
        p->start = start[i];
        p->sectors = count[i];
        p->whole = d;
        if (blk_add(p) == 0)
            kprintf("blk: %s: sectors %lu-%lu\n", p->name, (unsigned long)start[i],
                    (unsigned long)(start[i] + count[i] - 1));
    }
}

int blk_register(struct blkdev *d)
{
    int err = blk_add(d);
    if (err)
        return err;
    blk_scan_mbr(d);
    return 0;
}

void blk_complete(struct blk_req *r, int status)
{
    const struct blk_stats *cs = blk_stats(r->dev);
    struct blk_stats *st = (struct blk_stats *)cs;
    if (st && status)
        st->errors++;
    else if (st && r->op == BLK_READ)
        st->reads++, st->sectors_read += r->len / BLK_SECTOR_SIZE;
    else if (st && r->op == BLK_WRITE)
        st->writes++, st->sectors_written += r->len / BLK_SECTOR_SIZE;
    else if (st)
        st->flushes++;
    r->status = status;
    r->done = true;
    if (r->end)
        r->end(r);
    if (blk.sleepers)
        sched_wakeup(r);
}

void blk_submit(struct blk_req *r)
{
    struct blkdev *d = r->dev;
    uint64_t n = r->len / BLK_SECTOR_SIZE;
    r->done = false;
    r->status = 0;
    if (r->op != BLK_FLUSH && (r->len % BLK_SECTOR_SIZE || !r->len || r->sector > d->sectors ||
                               n > d->sectors - r->sector)) {
        blk_complete(r, -EIO);
        return;
    }
    if (r->op == BLK_WRITE && d->readonly) {
        blk_complete(r, -EROFS);
        return;
    }
    if (r->op == BLK_FLUSH && !d->has_flush) {
        blk_complete(r, 0);
        return;
    }
    struct blkdev *w = d->whole ? d->whole : d;
    w->ops->submit(w, r);
}

static struct blkdev *blk_whole(struct blk_req *r)
{
    return r->dev->whole ? r->dev->whole : r->dev;
}

/* Sleep on r until the interrupt completes it. Without a process (boot) or when a pending
 * signal makes sleeping return at once, poll the device instead. Past the timeout the driver
 * aborts: r completes with -EIO. */
int blk_wait(struct blk_req *r)
{
    struct blkdev *w = blk_whole(r);
    uint64_t deadline = arch_time_ns() + BLK_TIMEOUT_NS;
    while (!r->done) {
        blk.sleepers |= current() != NULL;
        int s = current() ? sched_sleep_on_until(r, deadline) : -EINTR;
        if (r->done)
            break;
        if (s == -EINTR && w->ops->poll)
            w->ops->poll(w);
        if (!r->done && arch_time_ns() >= deadline) {
            if (w->ops->abort)
                w->ops->abort(w);
            if (!r->done)
                blk_complete(r, -EIO);
        }
    }
    return r->status;
}

int blk_rw(struct blkdev *d, enum blk_op op, uint64_t off, void *buf, size_t len)
{
    if (off % BLK_SECTOR_SIZE || len % BLK_SECTOR_SIZE)
        return -EINVAL;
    for (size_t done = 0; done < len || (op == BLK_FLUSH && done == 0);) {
        size_t n = len - done < BLK_RW_CHUNK ? len - done : BLK_RW_CHUNK;
        struct blk_req r = { .dev = d, .op = op, .sector = (off + done) / BLK_SECTOR_SIZE,
                             .buf = (uint8_t *)buf + done, .len = op == BLK_FLUSH ? 0 : n };
        blk_submit(&r);
        int err = blk_wait(&r);
        if (err)
            return err;
        if (op == BLK_FLUSH)
            break;
        done += n;
    }
    return 0;
}

int blk_flush(struct blkdev *d)
{
    return d->has_flush ? blk_rw(d, BLK_FLUSH, 0, NULL, 0) : 0;
}

size_t blk_stats_format(char *buf, size_t n)
{
    size_t len = 0;
    for (int i = 0; i < blk.ndevs && len < n; i++) {
        const struct blk_stats *s = &blk.stats[i];
        len += (size_t)ksnprintf(buf + len, n - len,
                                 "blk_%s reads %lu writes %lu flushes %lu errors %lu sectors_read %lu sectors_written %lu\n",
                                 blk.devs[i]->name, s->reads, s->writes, s->flushes, s->errors,
                                 s->sectors_read, s->sectors_written);
    }
    return len < n ? len : n;
}

/* ---- /dev/vdX ---- */

uint64_t blk_size_bytes(uint32_t rdev)
{
    struct blkdev *d = blk_by_rdev(rdev);
    return d ? d->sectors * BLK_SECTOR_SIZE : 0;
}

int blk_fsync_rdev(uint32_t rdev)
{
    struct blkdev *d = blk_by_rdev(rdev);
    return d ? blk_flush(d) : -ENXIO;
}

static int blkfile_open(struct inode *ino, struct file *f)
{
    struct blkdev *d = blk_by_rdev(ino->rdev);
    if (!d)
        return -ENXIO;
    if ((f->flags & O_ACCMODE) != O_RDONLY && d->readonly)
        return -EROFS;
    f->priv = d;
    return 0;
}

/* Move n bytes at byte offset off between the caller and the disk through a page-sized bounce
 * buffer; partial sectors are read, patched and written back. */
static long blkfile_io(struct file *f, struct uio *u, size_t n, uint64_t *off, bool write)
{
    struct blkdev *d = f->priv;
    uint64_t size = d->sectors * BLK_SECTOR_SIZE;
    if (*off >= size)
        return write && n ? -ENOSPC : 0;
    if (n > size - *off)
        n = (size_t)(size - *off);
    uint8_t *bounce = page_alloc();
    if (!bounce)
        return -ENOMEM;
    size_t done = 0;
    long err = 0;
    while (done < n && !err) {
        uint64_t pos = *off + done, base = pos & ~(uint64_t)(BLK_SECTOR_SIZE - 1);
        size_t skip = (size_t)(pos - base), c = PAGE_SIZE - skip;
        if (c > n - done)
            c = n - done;
        size_t span = (skip + c + BLK_SECTOR_SIZE - 1) & ~(size_t)(BLK_SECTOR_SIZE - 1);
        bool partial = skip || (c % BLK_SECTOR_SIZE);
        if (!write || partial)
            err = blk_rw(d, BLK_READ, base, bounce, span);
        if (!err && write) {
            err = uio_copy_in(bounce + skip, u, c) ? -EFAULT : blk_rw(d, BLK_WRITE, base, bounce, span);
        } else if (!err) {
            err = uio_copy_out(u, bounce + skip, c) ? -EFAULT : 0;
        }
        if (!err)
            done += c;
    }
    page_put(bounce);
    *off += done;
    return done ? (long)done : err;
}

static long blkfile_read(struct file *f, struct uio *u, size_t n, uint64_t *off)
{
    return blkfile_io(f, u, n, off, false);
}

static long blkfile_write(struct file *f, struct uio *u, size_t n, uint64_t *off)
{
    return blkfile_io(f, u, n, off, true);
}

#define BLKFLSBUF    0x1261
#define BLKGETSIZE   0x1260
#define BLKSSZGET    0x1268
#define BLKROGET     0x125e
#define BLKGETSIZE64 0x80081272

static long blkfile_ioctl(struct file *f, uint64_t cmd, uint64_t arg)
{
    struct blkdev *d = f->priv;
    uint64_t v64;
    int v;
    switch (cmd) {
    case BLKGETSIZE64:
        v64 = d->sectors * BLK_SECTOR_SIZE;
        return copy_to_user(arg, &v64, sizeof v64) ? -EFAULT : 0;
    case BLKGETSIZE:
        v64 = d->sectors;
        return copy_to_user(arg, &v64, sizeof v64) ? -EFAULT : 0;
    case BLKSSZGET:
        v = BLK_SECTOR_SIZE;
        return copy_to_user(arg, &v, sizeof v) ? -EFAULT : 0;
    case BLKROGET:
        v = d->readonly;
        return copy_to_user(arg, &v, sizeof v) ? -EFAULT : 0;
    case BLKFLSBUF:
        return blk_flush(d);
    default:
        return -ENOTTY;
    }
}

static const struct file_ops blk_file_ops = {
    .open = blkfile_open, .read = blkfile_read, .write = blkfile_write, .ioctl = blkfile_ioctl,
};
