/* Wait queues, file_poll and anonymous descriptors (see waitq.h and docs/polling.md). */
#include "fs/waitq.h"
#include "fs/vfs.h"
#include "fs/fdtable.h"
#include "mm/kmalloc.h"
#include "lib/errno.h"
#include "proc/proc.h"
#include "proc/sched.h"

void waitq_init(struct waitq *wq)
{
    wq->head = NULL;
    wq->sleepers = 0;
}

void waitq_add(struct waitq *wq, struct waitq_entry *e)
{
    e->wq = wq;
    e->prev = NULL;
    e->next = wq->head;
    if (wq->head)
        wq->head->prev = e;
    wq->head = e;
}

void waitq_del(struct waitq_entry *e)
{
    if (!e->wq)
        return;
    if (e->prev)
        e->prev->next = e->next;
    else
        e->wq->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    e->next = e->prev = NULL;
    e->wq = NULL;
}

void waitq_wake(struct waitq *wq, uint32_t events)
{
    if (wq->sleepers)
        sched_wakeup(wq);
    for (struct waitq_entry *e = wq->head, *next; e; e = next) {
        next = e->next;         /* an action may take its own entry off */
        if (e->fn)
            e->fn(e, events);
        else
            sched_wakeup(e->chan);
    }
}

int waitq_sleep(struct waitq *wq, uint64_t deadline_ns)
{
    wq->sleepers++;
    int r = sched_sleep_on_until(wq, deadline_ns);
    wq->sleepers--;
    return r;
}

uint32_t file_poll(struct file *f, struct poll_table *pt)
{
    if (!f->ops || !f->ops->poll)
        return POLL_DEFAULT_MASK;
    return f->ops->poll(f, pt);
}

static struct inode *anon_inode;


int anonfd_install(const struct file_ops *ops, void *priv, uint32_t flags, bool cloexec)
{
    if (!anon_inode && !(anon_inode = inode_new(0600, NULL, NULL)))
        return -ENOMEM;
    struct file *f = kmalloc(sizeof *f);
    if (!f)
        return -ENOMEM;
    f->refs = 1;
    f->inode = inode_get(anon_inode);
    f->flags = flags;
    f->ops = ops;
    f->priv = priv;
    struct proc *p = current();
    uint64_t lim = p->rlimits[RLIMIT_NOFILE][0];
    int fd = fd_install(p->fdt, 0, f, cloexec);
    if (fd >= 0 && (uint64_t)fd >= lim) {
        p->fdt->files[fd] = NULL;
        fd = -EMFILE;
    }
    if (fd < 0) {
        inode_put(f->inode);
        kfree(f);
    }
    return fd;
}

struct file *anonfd_get(int fd, const struct file_ops *ops)
{
    struct file *f = fd_get(current()->fdt, fd);
    return f && f->ops == ops ? f : NULL;
}
