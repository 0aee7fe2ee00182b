/* signalfd4: a descriptor that reads the caller's pending signals of a mask as 128-byte
 * struct signalfd_siginfo records (taking them, so no handler runs). Readiness depends on
 * the pending set of whoever polls, so every signalfd shares one wait queue, woken by
 * signal_send through signalfd_notify whenever a signal becomes pending. */
#include "fs/signalfd.h"
#include "fs/waitq.h"
#include "fs/vfs.h"
#include "fs/fdtable.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "mm/kmalloc.h"
#include "mm/vm.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "proc/itimer.h"
#include "proc/sys.h"

struct signalfd_siginfo {
    uint32_t ssi_signo;
    int32_t ssi_errno, ssi_code;
    uint32_t ssi_pid, ssi_uid;
    int32_t ssi_fd;
    uint32_t ssi_tid, ssi_band, ssi_overrun, ssi_trapno;
    int32_t ssi_status, ssi_int;
    uint64_t ssi_ptr, ssi_utime, ssi_stime, ssi_addr;
    uint16_t ssi_addr_lsb, pad2;
    int32_t ssi_syscall;
    uint64_t ssi_call_addr;
    uint32_t ssi_arch;
    uint8_t pad[28];
};
_Static_assert(sizeof(struct signalfd_siginfo) == 128, "struct signalfd_siginfo is 128 bytes");

struct signalfd {
    uint64_t mask;
};

int signalfd_count;
static struct waitq signalfd_wq;

void signalfd_wake(struct proc *p, int sig)
{
    (void)p;
    (void)sig;
    waitq_wake(&signalfd_wq, POLLIN | POLLRDNORM);
}

static long signalfd_read(struct file *f, struct uio *u, size_t n, uint64_t *off)
{
    (void)off;
    struct signalfd *s = f->priv;
    struct proc *p = current();
    if (n < sizeof(struct signalfd_siginfo))
        return -EINVAL;
    size_t done = 0;
    while (done + sizeof(struct signalfd_siginfo) <= n) {
        struct k_siginfo info;
        int sig = signal_dequeue(p, s->mask, &info);
        if (sig && info.code == SI_TIMER)
            itimer_signal_taken(p, &info);  /* si_overrun and timer_getoverrun, as at delivery */
        if (!sig) {
            if (done)
                break;
            if (f->flags & O_NONBLOCK)
                return -EAGAIN;
            if (waitq_sleep(&signalfd_wq, 0) == -EINTR)
                return -ERESTARTSYS;
            continue;
        }
        struct signalfd_siginfo si;
        memset(&si, 0, sizeof si);
        si.ssi_signo = (uint32_t)sig;
        si.ssi_errno = info.errno_;
        si.ssi_code = info.code;
        si.ssi_pid = (uint32_t)info.pid;
        si.ssi_uid = (uint32_t)info.uid;
        si.ssi_status = info.status;
        si.ssi_utime = info.utime;
        si.ssi_stime = info.stime;
        si.ssi_addr = info.addr;
        if (uio_copy_out(u, &si, sizeof si)) {
            signal_send(p, sig, &info);     /* put it back: nothing was read */
            return done ? (long)done : -EFAULT;
        }
        done += sizeof si;
    }
    return (long)done;
}

static uint32_t signalfd_poll(struct file *f, struct poll_table *pt)
{
    struct signalfd *s = f->priv;
    poll_wait(pt, &signalfd_wq);
    struct proc *p = current();
    return (p->sig_pending | proc_group(p)->sig_shared_pending) & s->mask ? POLLIN | POLLRDNORM : 0;
}

static void signalfd_close(struct file *f)
{
    kfree(f->priv);
    signalfd_count--;
}

static const struct file_ops signalfd_ops = {
    .read = signalfd_read,
    .poll = signalfd_poll,
    .close = signalfd_close,
};

SYSCALL(signalfd4)
{
    int fd = (int)a[0];
    uint64_t m, flags = a[3];
    if (a[2] != 8 || (flags & ~(uint64_t)(O_NONBLOCK | O_CLOEXEC)))
        return -EINVAL;
    if (copy_from_user(&m, a[1], 8))
        return -EFAULT;
    m &= ~SIG_UNBLOCKABLE;
    if (fd != -1) {
        struct file *f = fd_get(current()->fdt, fd);
        if (!f)
            return -EBADF;
        if (f->ops != &signalfd_ops)
            return -EINVAL;
        ((struct signalfd *)f->priv)->mask = m;
        waitq_wake(&signalfd_wq, POLLIN | POLLRDNORM);
        return fd;
    }
    struct signalfd *s = kmalloc(sizeof *s);
    if (!s)
        return -ENOMEM;
    s->mask = m;
    fd = anonfd_install(&signalfd_ops, s, O_RDWR | (uint32_t)(flags & O_NONBLOCK), flags & O_CLOEXEC);
    if (fd < 0)
        kfree(s);
    else
        signalfd_count++;
    return fd;
}
