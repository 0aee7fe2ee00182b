/* eventfd2: a 64-bit counter. write adds (blocking or EAGAIN while the sum would pass
 * 0xfffffffffffffffe), read takes the whole count (EFD_SEMAPHORE: one) and blocks or fails
 * with EAGAIN while it is zero. Readable while non-zero, writable while below the maximum. */
#include "fs/waitq.h"
#include "fs/vfs.h"
#include "fs/fdtable.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "mm/kmalloc.h"
#include "lib/errno.h"
#include "proc/signal.h"
#include "proc/sys.h"

#define EFD_SEMAPHORE 1
#define EFD_MAX 0xfffffffffffffffeULL

struct eventfd {
    uint64_t count;
    bool semaphore;
    struct waitq wq;            /* pollers, and readers/writers sleeping on the queue itself */
};

static long eventfd_read(struct file *f, struct uio *u, size_t n, uint64_t *off)
{
    (void)off;
    struct eventfd *e = f->priv;
    if (n < 8)
        return -EINVAL;
    while (e->count == 0) {
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if (waitq_sleep(&e->wq, 0) == -EINTR)
            return -ERESTARTSYS;
    }
    uint64_t v = e->semaphore ? 1 : e->count;
    if (uio_copy_out(u, &v, 8))
        return -EFAULT;
    e->count -= v;
    waitq_wake(&e->wq, POLLOUT | POLLWRNORM);
    return 8;
}

static long eventfd_write(struct file *f, struct uio *u, size_t n, uint64_t *off)
{
    (void)off;
    struct eventfd *e = f->priv;
    uint64_t v;
    if (n < 8)
        return -EINVAL;
    if (uio_copy_in(&v, u, 8))
        return -EFAULT;
    if (v == UINT64_MAX)
        return -EINVAL;
    while (EFD_MAX - e->count < v) {
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if (waitq_sleep(&e->wq, 0) == -EINTR)
            return -ERESTARTSYS;
    }
    e->count += v;
    if (v)
        waitq_wake(&e->wq, POLLIN | POLLRDNORM);
    return 8;
}

static uint32_t eventfd_poll(struct file *f, struct poll_table *pt)
{
    struct eventfd *e = f->priv;
    poll_wait(pt, &e->wq);
    uint32_t m = 0;
    if (e->count)
        m |= POLLIN | POLLRDNORM;
    if (e->count < EFD_MAX)
        m |= POLLOUT | POLLWRNORM;
    return m;
}

static void eventfd_close(struct file *f)
{
    kfree(f->priv);
}

static const struct file_ops eventfd_ops = {
    .read = eventfd_read,
    .write = eventfd_write,
    .poll = eventfd_poll,
    .close = eventfd_close,
};

SYSCALL(eventfd2)
{
    uint64_t flags = a[1];
    if (flags & ~(uint64_t)(EFD_SEMAPHORE | O_NONBLOCK | O_CLOEXEC))
        return -EINVAL;
    struct eventfd *e = kmalloc(sizeof *e);
    if (!e)
        return -ENOMEM;
    e->count = (uint32_t)a[0];
    e->semaphore = flags & EFD_SEMAPHORE;
    int fd = anonfd_install(&eventfd_ops, e, O_RDWR | (uint32_t)(flags & O_NONBLOCK), flags & O_CLOEXEC);
    if (fd < 0)
        kfree(e);
    return fd;
}
