/* timerfd_create/settime/gettime. A timer keeps its next expiry on the monotonic clock and
 * counts expirations lazily (timerfd_update: one, plus one per whole interval since); read
 * returns and clears the count. Armed timers are on a list that timerfd_tick (from sched_tick)
 * walks to wake their pollers; with no armed timer the tick pays one load. An absolute
 * CLOCK_REALTIME expiry is converted to the monotonic clock when set (rtc_to_monotonic). */
#include "fs/timerfd.h"
#include "fs/waitq.h"
#include "fs/vfs.h"
#include "fs/fdtable.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "mm/kmalloc.h"
#include "mm/vm.h"
#include "dev/rtc.h"
#include "lib/errno.h"
#include "proc/signal.h"
#include "proc/sys.h"
#include "arch.h"

#include "proc/clock.h"
#define TFD_TIMER_ABSTIME 1
#define TFD_TIMER_CANCEL_ON_SET 2
#define NSEC_PER_SEC 1000000000ULL

struct timerfd {
    int clock;
    bool armed;
    uint64_t next_ns;           /* next expiry, monotonic */
    uint64_t interval_ns;       /* 0: one-shot */
    uint64_t ticks;             /* expirations not read yet */
    struct waitq wq;
    struct timerfd *next_armed, *prev_armed;
};

int timerfd_armed_count;
static struct timerfd *armed_head;

static void timerfd_list_add(struct timerfd *t)
{
    if (t->armed)
        return;
    t->armed = true;
    t->prev_armed = NULL;
    t->next_armed = armed_head;
    if (armed_head)
        armed_head->prev_armed = t;
    armed_head = t;
    timerfd_armed_count++;
}

static void timerfd_list_del(struct timerfd *t)
{
    if (!t->armed)
        return;
    t->armed = false;
    if (t->prev_armed)
        t->prev_armed->next_armed = t->next_armed;
    else
        armed_head = t->next_armed;
    if (t->next_armed)
        t->next_armed->prev_armed = t->prev_armed;
    timerfd_armed_count--;
}

/* Count the expirations up to now; true if there were any. */
static bool timerfd_update(struct timerfd *t, uint64_t now)
{
    if (!t->armed || now < t->next_ns)
        return false;
    if (t->interval_ns) {
        uint64_t n = 1 + (now - t->next_ns) / t->interval_ns;
        t->ticks += n;
        t->next_ns += n * t->interval_ns;
    } else {
        t->ticks++;
        timerfd_list_del(t);
    }
    return true;
}

void timerfd_expire(void)
{
    uint64_t now = arch_time_ns();
    for (struct timerfd *t = armed_head, *next; t; t = next) {
        next = t->next_armed;
        if (timerfd_update(t, now))
            waitq_wake(&t->wq, POLLIN | POLLRDNORM);
    }
}

static long timerfd_read(struct file *f, struct uio *u, size_t n, uint64_t *off)
{
    (void)off;
    struct timerfd *t = f->priv;
    if (n < 8)
        return -EINVAL;
    timerfd_update(t, arch_time_ns());
    while (t->ticks == 0) {
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        /* Sleep until the expiry itself, not only until the next tick's wake-up. */
        if (waitq_sleep(&t->wq, t->armed ? t->next_ns : 0) == -EINTR)
            return -ERESTARTSYS;
        timerfd_update(t, arch_time_ns());
    }
    if (uio_copy_out(u, &t->ticks, 8))
        return -EFAULT;
    t->ticks = 0;
    return 8;
}

static uint32_t timerfd_poll(struct file *f, struct poll_table *pt)
{
    struct timerfd *t = f->priv;
    poll_wait(pt, &t->wq);
    timerfd_update(t, arch_time_ns());
    return t->ticks ? POLLIN | POLLRDNORM : 0;
}

static void timerfd_close(struct file *f)
{
    struct timerfd *t = f->priv;
    timerfd_list_del(t);
    kfree(t);
}

static const struct file_ops timerfd_ops = {
    .read = timerfd_read,
    .poll = timerfd_poll,
    .close = timerfd_close,
};

SYSCALL(timerfd_create)
{
    int clock = (int)a[0];
    uint64_t flags = a[1];
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME &&
        clock != CLOCK_REALTIME_ALARM && clock != CLOCK_BOOTTIME_ALARM)
        return -EINVAL;
    if (flags & ~(uint64_t)(O_NONBLOCK | O_CLOEXEC))
        return -EINVAL;
    struct timerfd *t = kmalloc(sizeof *t);
    if (!t)
        return -ENOMEM;
    t->clock = clock;
    int fd = anonfd_install(&timerfd_ops, t, O_RDWR | (uint32_t)(flags & O_NONBLOCK), flags & O_CLOEXEC);
    if (fd < 0)
        kfree(t);
    return fd;
}

struct k_itimerspec { int64_t int_sec, int_nsec, val_sec, val_nsec; };

static int ts_to_ns(int64_t sec, int64_t nsec, uint64_t *ns)
{
    if (sec < 0 || nsec < 0 || nsec >= (int64_t)NSEC_PER_SEC)
        return -EINVAL;
    *ns = (uint64_t)sec > UINT64_MAX / NSEC_PER_SEC - 1 ? UINT64_MAX / 2
                                                        : (uint64_t)sec * NSEC_PER_SEC + (uint64_t)nsec;
    return 0;
}

static void timerfd_current(struct timerfd *t, struct k_itimerspec *its)
{
    uint64_t now = arch_time_ns();
    timerfd_update(t, now);
    uint64_t left = t->armed && t->next_ns > now ? t->next_ns - now : 0;
    its->int_sec = (int64_t)(t->interval_ns / NSEC_PER_SEC);
    its->int_nsec = (int64_t)(t->interval_ns % NSEC_PER_SEC);
    its->val_sec = (int64_t)(left / NSEC_PER_SEC);
    its->val_nsec = (int64_t)(left % NSEC_PER_SEC);
    if (t->armed && !left)
        its->val_nsec = 1;      /* armed and due: Linux reports a tiny value, not "disarmed" */
}

SYSCALL(timerfd_settime)
{
    struct file *f = fd_get(current()->fdt, (int)a[0]);
    if (!f)
        return -EBADF;
    if (f->ops != &timerfd_ops)
        return -EINVAL;
    if (a[1] & ~(uint64_t)(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
        return -EINVAL;
    struct timerfd *t = f->priv;
    struct k_itimerspec its, old;
    uint64_t value, interval;
    if (copy_from_user(&its, a[2], sizeof its))
        return -EFAULT;
    int err = ts_to_ns(its.val_sec, its.val_nsec, &value);
    if (!err)
        err = ts_to_ns(its.int_sec, its.int_nsec, &interval);
    if (err)
        return err;
    timerfd_current(t, &old);
    if (a[3] && copy_to_user(a[3], &old, sizeof old))
        return -EFAULT;
    timerfd_list_del(t);
    t->ticks = 0;
    t->interval_ns = interval;
    if (value) {
        uint64_t now = arch_time_ns();
        if ((a[1] & TFD_TIMER_ABSTIME) && (t->clock == CLOCK_REALTIME || t->clock == CLOCK_REALTIME_ALARM))
            value = rtc_to_monotonic(value);    /* expiries are kept on the monotonic clock */
        t->next_ns = (a[1] & TFD_TIMER_ABSTIME) ? value : (value > UINT64_MAX / 2 ? UINT64_MAX / 2 : now + value);
        timerfd_list_add(t);
        if (timerfd_update(t, now))      /* an absolute time already past */
            waitq_wake(&t->wq, POLLIN | POLLRDNORM);
    }
    return 0;
}

SYSCALL(timerfd_gettime)
{
    struct file *f = fd_get(current()->fdt, (int)a[0]);
    if (!f)
        return -EBADF;
    if (f->ops != &timerfd_ops)
        return -EINVAL;
    struct k_itimerspec its;
    timerfd_current(f->priv, &its);
    return copy_to_user(a[1], &its, sizeof its);
}
