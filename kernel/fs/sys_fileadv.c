/* File calls that advise or reserve: flock, fallocate, fadvise64, readahead, sync_file_range.
 * Everything lives in memory here, so advice and syncing change nothing once the arguments
 * pass Linux's checks; fallocate really extends a regular file (mode 0). */
#include "proc/sys.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "fs/vfs.h"
#include "fs/fdtable.h"
#include "fs/mount.h"
#include "fs/lock.h"
#include "lib/errno.h"

#define FALLOC_FL_KEEP_SIZE 0x01
#define POSIX_FADV_NOREUSE  5
#define SYNC_FILE_RANGE_ALL 0x7  /* WAIT_BEFORE | WRITE | WAIT_AFTER */

static struct file *adv_file(uint64_t fd)
{
    struct file *f = fd_get(current()->fdt, (int)fd);
    return f && !(f->flags & O_PATH) ? f : NULL;
}

SYSCALL(flock)
{
    struct file *f = adv_file(a[0]);
    if (!f)
        return -EBADF;
    return lock_flock(f, (int)a[1]);
}

/* fallocate(fd, mode, offset, len): mode 0 grows the file to offset + len (the new bytes read
 * as zero), FALLOC_FL_KEEP_SIZE alone reserves nothing and succeeds; hole punching, range
 * collapsing, zeroing and inserting are -EOPNOTSUPP. */
SYSCALL(fallocate)
{
    struct file *f = adv_file(a[0]);
    int mode = (int)a[1];
    int64_t off = (int64_t)a[2], len = (int64_t)a[3];
    if (!f)
        return -EBADF;
    if (off < 0 || len <= 0)
        return -EINVAL;
    if (mode & ~FALLOC_FL_KEEP_SIZE)
        return -EOPNOTSUPP;
    if ((f->flags & O_ACCMODE) == O_RDONLY)
        return -EBADF;
    struct inode *ino = f->inode;
    if (S_ISFIFO(ino->mode))
        return -ESPIPE;
    if (S_ISDIR(ino->mode))
        return -EISDIR;
    if (!S_ISREG(ino->mode))
        return -ENODEV;
    if (off > INT64_MAX - len)
        return -EFBIG;
    if (mount_check_write(ino))
        return -EROFS;
    uint64_t want = (uint64_t)(off + len);
    if ((mode & FALLOC_FL_KEEP_SIZE) || want <= ino->size)
        return 0;
    if (!ino->iops || !ino->iops->truncate)
        return -EOPNOTSUPP;
    long r = ino->iops->truncate(ino, want);
    return r == -ENOMEM ? -ENOSPC : r;
}

SYSCALL(fadvise64)
{
    struct file *f = adv_file(a[0]);
    if (!f)
        return -EBADF;
    if (S_ISFIFO(f->inode->mode))
        return -ESPIPE;
    if ((int64_t)a[2] < 0 || a[3] > POSIX_FADV_NOREUSE)
        return -EINVAL;
    return 0;
}

SYSCALL(readahead)
{
    struct file *f = adv_file(a[0]);
    if (!f || (f->flags & O_ACCMODE) == O_WRONLY)
        return -EBADF;
    if (!S_ISREG(f->inode->mode))
        return -EINVAL;
    return 0;
}

SYSCALL(sync_file_range)
{
    struct file *f = adv_file(a[0]);
    int64_t off = (int64_t)a[1], n = (int64_t)a[2];
    if (a[3] & ~(uint64_t)SYNC_FILE_RANGE_ALL)
        return -EINVAL;
    if (off < 0 || n < 0 || (n > 0 && off > INT64_MAX - n))
        return -EINVAL;
    if (!f)
        return -EBADF;
    if (!S_ISREG(f->inode->mode) && !S_ISDIR(f->inode->mode) && !S_ISLNK(f->inode->mode))
        return -ESPIPE;
    return 0;
}
