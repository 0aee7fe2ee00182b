/* Pipe semantics as POSIX gives them: reads block while empty and writers exist (EOF when
 * none do), writes of at most PIPE_BUF bytes are never interleaved, writing with no reader
 * raises SIGPIPE and fails with EPIPE. Sleepers wait on the pipe itself. */
#include "fs/pipe.h"
#include "fs/waitq.h"
#include "mm/kmalloc.h"
#include "mm/kvm.h"
#include "lib/errno.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "mm/vm.h"

struct pipe {
    uint8_t *buf;
    size_t head, count;         /* bytes [head, head + count) modulo the capacity */
    int readers, writers;
    unsigned reader_opens, writer_opens;    /* counts of opens, so a waiting open sees one come and go */
    struct waitq wq;            /* pollers and epoll items (sleepers in read/write wait on the pipe) */
};

static struct pipe *pipe_alloc(void)
{
    struct pipe *p = kmalloc(sizeof *p);
    if (!p)
        return NULL;
    p->buf = kvm_alloc(PIPE_CAPACITY);
    if (!p->buf) {
        kfree(p);
        return NULL;
    }
    return p;
}

static void pipe_free(struct pipe *p)
{
    kvm_free(p->buf);
    kfree(p);
}

static void pipe_release(struct inode *ino, struct pipe *p)
{
    if (p->readers == 0 && p->writers == 0) {
        ino->pipe = NULL;
        pipe_free(p);
    }
}

/* A named FIFO opened for reading waits for a writer and vice versa (POSIX); a non-blocking
 * reader does not wait, a non-blocking writer with no reader gets ENXIO. */
static int pipe_fifo_wait(struct inode *ino, struct pipe *p, uint32_t acc, uint32_t flags)
{
    if (!ino->iops || acc == O_RDWR)
        return 0;                           /* pipe2's ends, or both ends at once */
    if (acc == O_WRONLY && p->readers == 0 && (flags & O_NONBLOCK))
        return -ENXIO;
    if (flags & O_NONBLOCK)
        return 0;
    unsigned seen = acc == O_RDONLY ? p->writer_opens : p->reader_opens;
    while (acc == O_RDONLY ? p->writers == 0 && p->writer_opens == seen
                           : p->readers == 0 && p->reader_opens == seen) {
        if (sched_sleep_on(p))
            return -ERESTARTSYS;
    }
    return 0;
}

static int pipe_open(struct inode *ino, struct file *f)
{
    if (!ino->pipe && !(ino->pipe = pipe_alloc()))
        return -ENOMEM;
    struct pipe *p = ino->pipe;
    uint32_t acc = f->flags & O_ACCMODE;
    bool reads = acc == O_RDONLY || acc == O_RDWR, writes = acc == O_WRONLY || acc == O_RDWR;
    if (acc == O_WRONLY && p->readers == 0 && (f->flags & O_NONBLOCK) && ino->iops) {
        pipe_release(ino, p);
        return -ENXIO;
    }
    p->readers += reads;
    p->writers += writes;
    p->reader_opens += reads;
    p->writer_opens += writes;
    /* A reader opened without waiting while no writer exists sees no POLLHUP until one comes. */
    if (acc == O_RDONLY && ino->iops && !p->writers)
        f->version = p->writer_opens;
    sched_wakeup(p);
    waitq_wake(&p->wq, 0);
    int err = pipe_fifo_wait(ino, p, acc, f->flags);
    if (err) {
        p->readers -= reads;
        p->writers -= writes;
        pipe_release(ino, p);
        return err;
    }
    f->priv = p;
    return 0;
}

static void pipe_close(struct file *f)
{
    struct pipe *p = f->priv;
    uint32_t acc = f->flags & O_ACCMODE;
    if (acc == O_RDONLY || acc == O_RDWR)
        p->readers--;
    if (acc == O_WRONLY || acc == O_RDWR)
        p->writers--;
    sched_wakeup(p);
    waitq_wake(&p->wq, 0);
    pipe_release(f->inode, p);
}

#define FIONREAD 0x541B

static long pipe_ioctl(struct file *f, uint64_t cmd, uint64_t arg)
{
    struct pipe *p = f->priv;
    if (cmd != FIONREAD)
        return -ENOTTY;
    int32_t n = (int32_t)p->count;
    return copy_to_user(arg, &n, sizeof n);
}

static long pipe_read(struct file *f, struct uio *u, size_t n, uint64_t *off)
{
    (void)off;
    struct pipe *p = f->priv;
    if (n == 0)
        return 0;
    while (p->count == 0) {
        if (p->writers == 0)
            return 0;
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if (sched_sleep_on(p))
            return -ERESTARTSYS;
    }
    size_t done = 0;
    while (done < n && p->count) {
        size_t chunk = PIPE_CAPACITY - p->head;
        if (chunk > p->count)
            chunk = p->count;
        if (chunk > n - done)
            chunk = n - done;
        if (uio_copy_out(u, p->buf + p->head, chunk))
            return done ? (long)done : -EFAULT;
        p->head = (p->head + chunk) % PIPE_CAPACITY;
        p->count -= chunk;
        done += chunk;
    }
    sched_wakeup(p);
    waitq_wake(&p->wq, POLLOUT | POLLWRNORM);
    return (long)done;
}

static size_t pipe_space(const struct pipe *p)
{
    return PIPE_CAPACITY - p->count;
}

static long pipe_put(struct pipe *p, struct uio *u, size_t n)
{
    size_t done = 0;
    while (done < n) {
        size_t tail = (p->head + p->count) % PIPE_CAPACITY;
        size_t chunk = PIPE_CAPACITY - tail;
        if (chunk > pipe_space(p))
            chunk = pipe_space(p);
        if (chunk > n - done)
            chunk = n - done;
        if (uio_copy_in(p->buf + tail, u, chunk))
            return -EFAULT;
        p->count += chunk;
        done += chunk;
    }
    return (long)done;
}

static long pipe_write(struct file *f, struct uio *u, size_t n, uint64_t *off)
{
    (void)off;
    struct pipe *p = f->priv;
    size_t done = 0;
    while (done < n) {
        if (p->readers == 0) {
            signal_send(current(), SIGPIPE, NULL);
            return done ? (long)done : -EPIPE;
        }
        /* A small write waits for room for all of it, so it stays in one piece. */
        size_t want = n - done <= PIPE_BUF ? n - done : 1;
        if (pipe_space(p) < want) {
            if (f->flags & O_NONBLOCK)
                return done ? (long)done : -EAGAIN;
            if (sched_sleep_on(p))
                return done ? (long)done : -ERESTARTSYS;
            continue;
        }
        size_t chunk = n - done < pipe_space(p) ? n - done : pipe_space(p);
        long r = pipe_put(p, u, chunk);
        if (r < 0)
            return done ? (long)done : r;
        done += (size_t)r;
        sched_wakeup(p);
        waitq_wake(&p->wq, POLLIN | POLLRDNORM);
    }
    return (long)done;
}

/* As Linux: readable with data, POLLHUP once no writer is left (see pipe_open for FIFOs),
 * writable with room for PIPE_BUF bytes, POLLERR once no reader is left. */
static uint32_t pipe_poll(struct file *f, struct poll_table *pt)
{
    struct pipe *p = f->priv;
    uint32_t acc = f->flags & O_ACCMODE, mask = 0;
    poll_wait(pt, &p->wq);
    if (acc == O_RDONLY || acc == O_RDWR) {
        if (p->count)
            mask |= POLLIN | POLLRDNORM;
        if (!p->writers && f->version != p->writer_opens)
            mask |= POLLHUP;
    }
    if (acc == O_WRONLY || acc == O_RDWR) {
        if (pipe_space(p) >= PIPE_BUF)
            mask |= POLLOUT | POLLWRNORM;
        if (!p->readers)
            mask |= POLLERR;
    }
    return mask;
}

const struct file_ops pipe_fifo_ops = {
    .poll = pipe_poll,
    .open = pipe_open,
    .read = pipe_read,
    .write = pipe_write,
    .ioctl = pipe_ioctl,
    .close = pipe_close,
};

int pipe_create(uint32_t flags, struct file *ends[2])
{
    struct inode *ino = inode_new(S_IFIFO | 0600, NULL, &pipe_fifo_ops);
    if (!ino)
        return -ENOMEM;
    ino->dev = 2;
    int err;
    ends[0] = file_open_inode(ino, O_RDONLY | (flags & O_NONBLOCK), &err);
    if (ends[0])
        ends[1] = file_open_inode(ino, O_WRONLY | (flags & O_NONBLOCK), &err);
    inode_put(ino);
    if (!ends[0])
        return err;
    if (!ends[1]) {
        file_put(ends[0]);
        return err;
    }
    return 0;
}
