/* In-kernel copies between descriptors: sendfile and copy_file_range. Bytes move through a
 * kernel buffer one page at a time, with the file systems' read and write operations. */
#include "proc/sys.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "fs/vfs.h"
#include "fs/fdtable.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/vm.h"
#include "lib/errno.h"
#include "lib/kstring.h"

#define MAX_RW_COUNT 0x7ffff000UL   /* Linux caps one transfer here */

static bool readable(struct file *f)
{
    return (f->flags & O_ACCMODE) != O_WRONLY && !(f->flags & O_PATH) && f->ops && f->ops->read;
}

static bool writable(struct file *f)
{
    return (f->flags & O_ACCMODE) != O_RDONLY && !(f->flags & O_PATH) && f->ops && f->ops->write;
}

/* Move up to len bytes from in at *ioff to out at *ooff; both offsets advance. Stops at the
 * end of the input or at a short write; an error after some bytes moved is not reported. */
static long copy_between(struct file *in, uint64_t *ioff, struct file *out, uint64_t *ooff, uint64_t len)
{
    void *buf = page_alloc();
    if (!buf)
        return -ENOMEM;
    long done = 0;
    while ((uint64_t)done < len) {
        size_t chunk = len - (uint64_t)done < PAGE_SIZE ? len - (uint64_t)done : PAGE_SIZE;
        struct uio u = { (uint64_t)buf, true };
        long r = in->ops->read(in, &u, chunk, ioff);
        if (r <= 0) {
            if (r < 0 && !done)
                done = r;
            break;
        }
        struct uio w = { (uint64_t)buf, true };
        long wr = out->ops->write(out, &w, (size_t)r, ooff);
        if (wr < 0) {
            *ioff -= (uint64_t)r;
            if (!done)
                done = wr;
            break;
        }
        done += wr;
        if (wr < r) {
            *ioff -= (uint64_t)(r - wr);
            break;
        }
        if (signal_pending(current()))
            break;
    }
    page_put(buf);
    return done;
}

static long offset_in(uint64_t uoff, uint64_t *off)
{
    int64_t v;
    if (copy_from_user(&v, uoff, sizeof v))
        return -EFAULT;
    if (v < 0)
        return -EINVAL;
    *off = (uint64_t)v;
    return 0;
}

SYSCALL(sendfile)
{
    struct fdtable *t = current()->fdt;
    struct file *out = fd_get(t, (int)a[0]), *in = fd_get(t, (int)a[1]);
    uint64_t len = a[3] > MAX_RW_COUNT ? MAX_RW_COUNT : a[3];
    if (!out || !in || !readable(in) || !writable(out))
        return -EBADF;
    if ((out->flags & O_APPEND) || S_ISDIR(in->inode->mode) || S_ISFIFO(in->inode->mode))
        return -EINVAL;
    uint64_t off, *ioff = &in->off;
    if (a[2]) {
        long err = offset_in(a[2], &off);
        if (err)
            return err;
        ioff = &off;
    }
    long r = len ? copy_between(in, ioff, out, &out->off, len) : 0;
    if (a[2] && r >= 0) {
        int64_t v = (int64_t)off;
        if (copy_to_user(a[2], &v, sizeof v))
            return -EFAULT;
    }
    return r;
}

SYSCALL(copy_file_range)
{
    struct fdtable *t = current()->fdt;
    struct file *in = fd_get(t, (int)a[0]), *out = fd_get(t, (int)a[2]);
    uint64_t len = a[4] > MAX_RW_COUNT ? MAX_RW_COUNT : a[4];
    if (a[5] != 0)
        return -EINVAL;
    if (!in || !out)
        return -EBADF;
    if (S_ISDIR(in->inode->mode) || S_ISDIR(out->inode->mode))
        return -EISDIR;
    if (!readable(in) || !writable(out) || (out->flags & O_APPEND))
        return -EBADF;
    if (!S_ISREG(in->inode->mode) || !S_ISREG(out->inode->mode))
        return -EINVAL;
    uint64_t ioff = in->off, ooff = out->off;
    long err;
    if (a[1] && (err = offset_in(a[1], &ioff)))
        return err;
    if (a[3] && (err = offset_in(a[3], &ooff)))
        return err;
    /* One file: the ranges must not overlap. */
    if (in->inode == out->inode && ioff < ooff + len && ooff < ioff + len)
        return -EINVAL;
    if (len == 0)
        return 0;
    long r = copy_between(in, &ioff, out, &ooff, len);
    if (r < 0)
        return r;
    if (a[1]) {
        int64_t v = (int64_t)ioff;
        if (copy_to_user(a[1], &v, sizeof v))
            return -EFAULT;
    } else {
        in->off = ioff;
    }
    if (a[3]) {
        int64_t v = (int64_t)ooff;
        if (copy_to_user(a[3], &v, sizeof v))
            return -EFAULT;
    } else {
        out->off = ooff;
    }
    return r;
}
