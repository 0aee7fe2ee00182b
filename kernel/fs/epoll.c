/* epoll. An eventpoll holds one epitem per watched (file, fd) pair. At EPOLL_CTL_ADD the item
 * registers entries on the file's wait queues (through the file's poll op); when one of them
 * is woken, ep_wake puts the item on the ready list and wakes the eventpoll's own queue.
 * epoll_pwait takes items off the ready list, asks each file again (ready-list entries may be
 * stale) and reports those with events: level-triggered items go back on the list, EPOLLET
 * items wait for the next wake-up, EPOLLONESHOT items are disabled until EPOLL_CTL_MOD.
 * Items hold no reference on their file: file_put calls epoll_file_closed at the last close. */
#include "fs/epoll.h"
#include "fs/waitq.h"
#include "fs/vfs.h"
#include "fs/fdtable.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "mm/kmalloc.h"
#include "mm/vm.h"
#include "lib/errno.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "proc/sys.h"
#include "arch.h"

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3
#define EPOLLEXCLUSIVE (1U << 28)
#define EPOLLWAKEUP    (1U << 29)
#define EPOLLONESHOT   (1U << 30)
#define EPOLLET        (1U << 31)
#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EP_EXCLUSIVE_OK (POLLIN | POLLOUT | POLLERR | POLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)
#define EP_MAX_NESTS 4
#define EP_MAX_WQ 2             /* wait queues one file's poll op may register on */
#define EPOLL_CLOEXEC O_CLOEXEC

struct epoll_event {            /* not packed on riscv64 (only x86-64 packs it) */
    uint32_t events;
    uint64_t data;
};
_Static_assert(sizeof(struct epoll_event) == 16, "struct epoll_event is 16 bytes on riscv64");

struct eventpoll;

struct epitem {
    struct eventpoll *ep;
    struct file *file;
    int fd;
    uint32_t events;            /* interest (with POLLERR | POLLHUP) and EP_PRIVATE_BITS */
    uint64_t data;
    struct epitem *ep_next, *ep_prev;   /* all items of ep */
    struct epitem *f_next, *f_prev;     /* all items watching file (file->epoll_watch) */
    struct epitem *rd_next, *rd_prev;   /* ep's ready list */
    bool ready;
    int nwait;
    struct waitq_entry wait[EP_MAX_WQ];
};

struct eventpoll {
    struct waitq wq;            /* epoll_pwait sleeps here; outer epolls and pollers register */
    struct epitem *items;
    struct epitem *rd_head, *rd_tail;
};

static const struct file_ops epoll_ops;

static void ready_add(struct epitem *it)
{
    struct eventpoll *ep = it->ep;
    if (it->ready)
        return;
    it->ready = true;
    it->rd_next = NULL;
    it->rd_prev = ep->rd_tail;
    if (ep->rd_tail)
        ep->rd_tail->rd_next = it;
    else
        ep->rd_head = it;
    ep->rd_tail = it;
}

static void ready_del(struct epitem *it)
{
    struct eventpoll *ep = it->ep;
    if (!it->ready)
        return;
    it->ready = false;
    if (it->rd_prev)
        it->rd_prev->rd_next = it->rd_next;
    else
        ep->rd_head = it->rd_next;
    if (it->rd_next)
        it->rd_next->rd_prev = it->rd_prev;
    else
        ep->rd_tail = it->rd_prev;
}

/* A watched file's wait queue was woken. */
static void ep_wake(struct waitq_entry *e, uint32_t events)
{
    struct epitem *it = e->priv;
    if (!(it->events & ~EP_PRIVATE_BITS))
        return;                 /* a fired EPOLLONESHOT item, disabled until EPOLL_CTL_MOD */
    if (events && !(events & it->events))
        return;                 /* not a change this item asked about */
    ready_add(it);
    waitq_wake(&it->ep->wq, POLLIN | POLLRDNORM);
}

struct ep_pt {
    struct poll_table pt;
    struct epitem *it;
};

static void ep_queue(struct poll_table *pt, struct waitq *wq)
{
    struct epitem *it = ((struct ep_pt *)pt)->it;
    if (it->nwait == EP_MAX_WQ)
        return;
    struct waitq_entry *e = &it->wait[it->nwait++];
    e->fn = ep_wake;
    e->priv = it;
    waitq_add(wq, e);
}

static uint32_t ep_item_poll(struct epitem *it, struct poll_table *pt)
{
    return file_poll(it->file, pt) & it->events & ~EP_PRIVATE_BITS;
}

static void ep_remove(struct epitem *it)
{
    struct eventpoll *ep = it->ep;
    for (int i = 0; i < it->nwait; i++)
        waitq_del(&it->wait[i]);
    ready_del(it);
    if (it->ep_prev)
        it->ep_prev->ep_next = it->ep_next;
    else
        ep->items = it->ep_next;
    if (it->ep_next)
        it->ep_next->ep_prev = it->ep_prev;
    if (it->f_prev)
        it->f_prev->f_next = it->f_next;
    else
        it->file->epoll_watch = it->f_next;
    if (it->f_next)
        it->f_next->f_prev = it->f_prev;
    kfree(it);
}

void epoll_file_closed(struct file *f)
{
    while (f->epoll_watch)
        ep_remove(f->epoll_watch);
}

static uint32_t epoll_poll(struct file *f, struct poll_table *pt)
{
    struct eventpoll *ep = f->priv;
    poll_wait(pt, &ep->wq);
    for (struct epitem *it = ep->rd_head; it; it = it->rd_next)
        if (ep_item_poll(it, NULL))
            return POLLIN | POLLRDNORM;
    return 0;
}

static void epoll_close(struct file *f)
{
    struct eventpoll *ep = f->priv;
    while (ep->items)
        ep_remove(ep->items);
    kfree(ep);
}

static const struct file_ops epoll_ops = {
    .poll = epoll_poll,
    .close = epoll_close,
};

SYSCALL(epoll_create1)
{
    if (a[0] & ~(uint64_t)EPOLL_CLOEXEC)
        return -EINVAL;
    struct eventpoll *ep = kmalloc(sizeof *ep);
    if (!ep)
        return -ENOMEM;
    int fd = anonfd_install(&epoll_ops, ep, O_RDWR, a[0] & EPOLL_CLOEXEC);
    if (fd < 0)
        kfree(ep);
    return fd;
}

static struct epitem *ep_find(struct eventpoll *ep, struct file *f, int fd)
{
    for (struct epitem *it = ep->items; it; it = it->ep_next)
        if (it->file == f && it->fd == fd)
            return it;
    return NULL;
}

/* Would watching epoll `from` in `target` close a loop, or nest too deep? */
static bool ep_loops(struct eventpoll *from, struct eventpoll *target, int depth)
{
    if (from == target || depth > EP_MAX_NESTS)
        return true;
    for (struct epitem *it = from->items; it; it = it->ep_next)
        if (it->file->ops == &epoll_ops && ep_loops(it->file->priv, target, depth + 1))
            return true;
    return false;
}

static int ep_insert(struct eventpoll *ep, struct file *f, int fd, const struct epoll_event *ev)
{
    struct epitem *it = kmalloc(sizeof *it);
    if (!it)
        return -ENOMEM;
    it->ep = ep;
    it->file = f;
    it->fd = fd;
    it->events = ev->events | POLLERR | POLLHUP;
    it->data = ev->data;
    it->ep_next = ep->items;
    if (ep->items)
        ep->items->ep_prev = it;
    ep->items = it;
    it->f_next = f->epoll_watch;
    if (f->epoll_watch)
        f->epoll_watch->f_prev = it;
    f->epoll_watch = it;
    struct ep_pt pt = { { ep_queue }, it };
    if (ep_item_poll(it, &pt.pt)) {
        ready_add(it);
        waitq_wake(&ep->wq, POLLIN | POLLRDNORM);
    }
    return 0;
}

SYSCALL(epoll_ctl)
{
    struct fdtable *t = current()->fdt;
    int op = (int)a[1], fd = (int)a[2];
    struct epoll_event ev = { 0, 0 };
    if (op != EPOLL_CTL_DEL && copy_from_user(&ev, a[3], sizeof ev))
        return -EFAULT;
    struct file *epf = fd_get(t, (int)a[0]), *f = fd_get(t, fd);
    if (!epf || !f || (epf->flags & O_PATH) || (f->flags & O_PATH))
        return -EBADF;
    if (!f->ops || !f->ops->poll)
        return -EPERM;          /* regular files and directories cannot be watched (Linux) */
    if (epf->ops != &epoll_ops || f == epf)
        return -EINVAL;
    if (ev.events & EPOLLEXCLUSIVE) {
        if (op == EPOLL_CTL_MOD || (op == EPOLL_CTL_ADD && ((ev.events & ~EP_EXCLUSIVE_OK) ||
                                                            f->ops == &epoll_ops)))
            return -EINVAL;
    }
    struct eventpoll *ep = epf->priv;
    struct epitem *it = ep_find(ep, f, fd);
    switch (op) {
    case EPOLL_CTL_ADD:
        if (it)
            return -EEXIST;
        if (f->ops == &epoll_ops && ep_loops(f->priv, ep, 1))
            return -ELOOP;
        return ep_insert(ep, f, fd, &ev);
    case EPOLL_CTL_MOD:
        if (!it)
            return -ENOENT;
        if (it->events & EPOLLEXCLUSIVE)
            return -EINVAL;
        it->events = ev.events | POLLERR | POLLHUP;
        it->data = ev.data;
        if (ep_item_poll(it, NULL) && !it->ready) {
            ready_add(it);
            waitq_wake(&ep->wq, POLLIN | POLLRDNORM);
        }
        return 0;
    case EPOLL_CTL_DEL:
        if (!it)
            return -ENOENT;
        ep_remove(it);
        return 0;
    default:
        return -EINVAL;
    }
}

/* Report up to max ready items to the user array; returns the count or -EFAULT. */
static long ep_send_events(struct eventpoll *ep, uint64_t uevents, int max)
{
    int count = 0, pass = 0;
    for (struct epitem *it = ep->rd_head; it; it = it->rd_next)
        pass++;
    /* Look at each item that is ready now once; level-triggered ones go to the back. */
    while (pass-- > 0 && count < max) {
        struct epitem *it = ep->rd_head;
        ready_del(it);
        uint32_t revents = ep_item_poll(it, NULL);
        if (!revents)
            continue;
        struct epoll_event ev = { revents, it->data };
        if (copy_to_user(uevents + (uint64_t)count * sizeof ev, &ev, sizeof ev)) {
            ready_add(it);
            return count ? count : -EFAULT;
        }
        count++;
        if (it->events & EPOLLONESHOT)
            it->events &= EP_PRIVATE_BITS;
        else if (!(it->events & EPOLLET))
            ready_add(it);
    }
    return count;
}

/* epoll_pwait and epoll_pwait2: deadline 0 is none; zero: do not sleep. */
static long ep_wait(uint64_t epfd, uint64_t uevents, int max, uint64_t deadline, bool zero,
                    uint64_t umask, uint64_t masksize)
{
    if (max <= 0 || max > (int)(0x7fffffff / sizeof(struct epoll_event)))
        return -EINVAL;
    struct file *epf = fd_get(current()->fdt, (int)epfd);
    if (!epf)
        return -EBADF;
    if (epf->ops != &epoll_ops)
        return -EINVAL;
    struct poll_mask pm;
    long r = poll_mask_set(&pm, umask, masksize);
    if (r)
        return r;
    struct eventpoll *ep = epf->priv;
    file_get(epf);
    bool timed_out = zero;
    for (;;) {
        r = ep_send_events(ep, uevents, max);
        if (r || timed_out)
            break;
        int s = waitq_sleep(&ep->wq, deadline);
        if (s == -EINTR) {
            r = -EINTR;         /* epoll_wait is never restarted, whatever SA_RESTART says */
            break;
        }
        if (s == -ETIMEDOUT)
            timed_out = true;
    }
    file_put(epf);
    /* After an interruption the caller's mask comes back once the handler has run. */
    poll_mask_done(&pm, r == -EINTR ? -ERESTARTNOHAND : r);
    return r;
}

SYSCALL(epoll_pwait)
{
    int timeout_ms = (int)a[3];
    uint64_t deadline = timeout_ms > 0 ? arch_time_ns() + (uint64_t)timeout_ms * 1000000ULL : 0;
    return ep_wait(a[0], a[1], (int)a[2], deadline, timeout_ms == 0, a[4], a[5]);
}

/* The same with a struct timespec timeout (NULL: none); it is not written back. */
SYSCALL(epoll_pwait2)
{
    uint64_t deadline;
    bool zero;
    long r = poll_timeout_from_user(a[3], &deadline, &zero);
    return r ? r : ep_wait(a[0], a[1], (int)a[2], deadline, zero, a[4], a[5]);
}
