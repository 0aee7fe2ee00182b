/* ppoll and pselect6 (glibc's poll and select use them): scan the files, and if none is ready
 * register on their wait queues and sleep until a wake-up, the deadline or a signal, then scan
 * again. The order of events is in docs/polling.md. */
#include "fs/waitq.h"
#include "fs/vfs.h"
#include "fs/fdtable.h"
#include "mm/kmalloc.h"
#include "mm/kvm.h"
#include "mm/vm.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "proc/sys.h"
#include "arch.h"

#define NSEC_PER_SEC 1000000000ULL

struct k_timespec { int64_t tv_sec, tv_nsec; };

int poll_timeout_from_user(uint64_t uts, uint64_t *deadline, bool *zero)
{
    *deadline = 0;
    *zero = false;
    if (!uts)
        return 0;
    struct k_timespec ts;
    if (copy_from_user(&ts, uts, sizeof ts))
        return -EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
        return -EINVAL;
    if (ts.tv_sec == 0 && ts.tv_nsec == 0) {
        *zero = true;
        *deadline = arch_time_ns();
        return 0;
    }
    uint64_t now = arch_time_ns(), ns;
    if ((uint64_t)ts.tv_sec > (UINT64_MAX - now) / NSEC_PER_SEC - 1)
        ns = UINT64_MAX - now;
    else
        ns = (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
    *deadline = now + ns;
    return 0;
}

void poll_timeout_to_user(uint64_t uts, uint64_t deadline)
{
    uint64_t now = arch_time_ns(), left = deadline > now ? deadline - now : 0;
    struct k_timespec ts = { (int64_t)(left / NSEC_PER_SEC), (int64_t)(left % NSEC_PER_SEC) };
    (void)copy_to_user(uts, &ts, sizeof ts);    /* Linux ignores a read-only timeout too */
}

int poll_mask_set(struct poll_mask *pm, uint64_t umask, uint64_t size)
{
    pm->set = false;
    pm->old = 0;
    if (!umask)
        return 0;
    uint64_t m;
    if (size != 8)
        return -EINVAL;
    if (copy_from_user(&m, umask, 8))
        return -EFAULT;
    struct proc *p = current();
    pm->set = true;
    pm->old = p->sig_blocked;
    p->sig_blocked = m & ~SIG_UNBLOCKABLE;
    return 0;
}

void poll_mask_done(struct poll_mask *pm, long result)
{
    if (!pm->set)
        return;
    struct proc *p = current();
    if (result == -ERESTARTNOHAND) {
        p->sig_saved_mask = pm->old;    /* signal delivery puts it back after the handler */
        p->sig_saved_valid = true;
    } else {
        p->sig_blocked = pm->old;
    }
}

/* --- the poll table of one ppoll/pselect6 call: wait queue entries in pages --- */

#define ENTRIES_PER_PAGE ((4096 - 16) / sizeof(struct waitq_entry))

struct poll_page {
    struct poll_page *next;
    size_t used;
    struct waitq_entry e[ENTRIES_PER_PAGE];
};

struct poll_waiter {
    struct poll_table pt;       /* first: the file's poll op gets &pt */
    struct poll_page *pages;
    int err;
};

static void poll_queue(struct poll_table *pt, struct waitq *wq)
{
    struct poll_waiter *w = (struct poll_waiter *)pt;
    struct poll_page *pg = w->pages;
    if (!pg || pg->used == ENTRIES_PER_PAGE) {
        if (!(pg = kmalloc(sizeof *pg))) {
            w->err = -ENOMEM;
            return;
        }
        pg->next = w->pages;
        w->pages = pg;
    }
    struct waitq_entry *e = &pg->e[pg->used++];
    e->fn = NULL;
    e->chan = w;                /* waitq_wake does sched_wakeup(w): our sleep's channel */
    waitq_add(wq, e);
}

static void poll_waiter_done(struct poll_waiter *w)
{
    while (w->pages) {
        struct poll_page *pg = w->pages;
        for (size_t i = 0; i < pg->used; i++)
            waitq_del(&pg->e[i]);
        w->pages = pg->next;
        kfree(pg);
    }
}

struct kpoll {
    struct file *file;          /* referenced for the call; NULL: fd < 0 or not open */
    uint32_t events, revents;
};

/* The common loop. Poll mode: revents = ready & (events | POLLERR | POLLHUP), and a closed
 * descriptor counts with POLLNVAL. Returns how many entries have revents, 0 on timeout, or
 * -EINTR / -ENOMEM. */
static long poll_files(struct kpoll *k, size_t n, uint64_t deadline, bool zero, bool select_mode)
{
    struct poll_waiter w = { .pt = { poll_queue }, .pages = NULL, .err = 0 };
    struct poll_table *pt = zero ? NULL : &w.pt;
    bool timed_out = zero;
    long count;
    for (;;) {
        count = 0;
        for (size_t i = 0; i < n; i++) {
            if (!k[i].file) {   /* POLLNVAL, or (select) an O_PATH descriptor */
                if (k[i].revents & (select_mode ? k[i].events : ~0U))
                    count++;
                continue;
            }
            uint32_t m = file_poll(k[i].file, pt);
            k[i].revents = select_mode ? m : m & (k[i].events | POLLERR | POLLHUP);
            if (k[i].revents & k[i].events || (!select_mode && k[i].revents))
                count++;
        }
        pt = NULL;              /* registered once; the entries stay until we return */
        if (count || timed_out)
            break;
        if (w.err) {
            count = w.err;
            break;
        }
        int r = sched_sleep_on_until(&w, deadline);
        if (r == -EINTR) {
            count = -EINTR;
            break;
        }
        if (r == -ETIMEDOUT)
            timed_out = true;   /* one last scan */
    }
    poll_waiter_done(&w);
    return count;
}

static void kpoll_put(struct kpoll *k, size_t n)
{
    for (size_t i = 0; i < n; i++)
        file_put(k[i].file);
}

struct k_pollfd { int32_t fd; int16_t events, revents; };

SYSCALL(ppoll)
{
    struct proc *p = current();
    uint64_t nfds = a[1];
    if (nfds > p->rlimits[RLIMIT_NOFILE][0] || nfds > 65536)
        return -EINVAL;
    uint64_t deadline;
    bool zero;
    long r = poll_timeout_from_user(a[2], &deadline, &zero);
    if (r)
        return r;
    size_t bytes = nfds * (sizeof(struct k_pollfd) + sizeof(struct kpoll));
    void *buf = bytes ? kvm_alloc(bytes) : NULL;
    if (bytes && !buf)
        return -ENOMEM;
    struct k_pollfd *ufds = buf;
    struct kpoll *k = (struct kpoll *)((char *)buf + nfds * sizeof(struct k_pollfd));
    if (nfds && copy_from_user(ufds, a[0], nfds * sizeof *ufds)) {
        kvm_free(buf);
        return -EFAULT;
    }
    struct poll_mask pm;
    if ((r = poll_mask_set(&pm, a[3], a[4]))) {
        kvm_free(buf);
        return r;
    }
    for (size_t i = 0; i < nfds; i++) {
        k[i].events = (uint16_t)ufds[i].events;
        if (ufds[i].fd >= 0) {
            struct file *f = fd_get(p->fdt, ufds[i].fd);
            if (f && !(f->flags & O_PATH))     /* O_PATH descriptors count as closed (Linux) */
                k[i].file = file_get(f);
            else
                k[i].revents = POLLNVAL;
        }
    }
    r = poll_files(k, nfds, deadline, zero, false);
    kpoll_put(k, nfds);
    if (r >= 0) {
        for (size_t i = 0; i < nfds; i++)
            ufds[i].revents = (int16_t)k[i].revents;
        if (nfds && copy_to_user(a[0], ufds, nfds * sizeof *ufds))
            r = -EFAULT;
    }
    kvm_free(buf);
    if (r == -EINTR)
        r = -ERESTARTNOHAND;
    if (a[2] && !zero)
        poll_timeout_to_user(a[2], deadline);
    poll_mask_done(&pm, r);
    return r;
}

#define POLLIN_SET  (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define POLLOUT_SET (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define POLLEX_SET  POLLPRI
#define FDSET_WORDS (NOFILE / 64)

SYSCALL(pselect6)
{
    struct proc *p = current();
    int64_t n = (int32_t)a[0];
    if (n < 0)
        return -EINVAL;
    if (n > NOFILE)
        n = NOFILE;             /* as Linux: bits past the descriptor table are not looked at */
    uint64_t deadline;
    bool zero;
    long r = poll_timeout_from_user(a[4], &deadline, &zero);
    if (r)
        return r;
    size_t words = ((size_t)n + 63) / 64, bytes = words * 8;
    uint64_t in[3][FDSET_WORDS], res[3][FDSET_WORDS];
    memset(in, 0, sizeof in);
    memset(res, 0, sizeof res);
    for (int s = 0; s < 3; s++)
        if (a[1 + s] && copy_from_user(in[s], a[1 + s], bytes))
            return -EFAULT;
    struct { uint64_t ss, len; } sig = { 0, 0 };
    if (a[5] && copy_from_user(&sig, a[5], sizeof sig))
        return -EFAULT;
    static const uint32_t set_events[3] = { POLLIN_SET, POLLOUT_SET, POLLEX_SET };
    struct kpoll *k = kmalloc(sizeof(struct kpoll) * NOFILE);
    int *fds = kmalloc(sizeof(int) * NOFILE);
    if (!k || !fds) {
        kfree(k);
        kfree(fds);
        return -ENOMEM;
    }
    size_t m = 0;
    for (int fd = 0; fd < n; fd++) {
        uint32_t ev = 0;
        for (int s = 0; s < 3; s++)
            if (in[s][fd / 64] & (1ULL << (fd % 64)))
                ev |= set_events[s];
        if (!ev)
            continue;
        struct file *f = fd_get(p->fdt, fd);
        if (!f) {
            kpoll_put(k, m);
            kfree(k);
            kfree(fds);
            return -EBADF;
        }
        /* Linux: an O_PATH descriptor is open for select but cannot be polled, and its
         * POLLNVAL makes it count as ready in every set it is in. */
        if (f->flags & O_PATH)
            k[m] = (struct kpoll){ NULL, ev, ~0U };
        else
            k[m] = (struct kpoll){ file_get(f), ev, 0 };
        fds[m++] = fd;
    }
    struct poll_mask pm;
    if ((r = poll_mask_set(&pm, sig.ss, sig.len))) {
        kpoll_put(k, m);
        kfree(k);
        kfree(fds);
        return r;
    }
    r = poll_files(k, m, deadline, zero, true);
    kpoll_put(k, m);
    if (r >= 0) {
        r = 0;
        for (size_t i = 0; i < m; i++)
            for (int s = 0; s < 3; s++)
                if ((in[s][fds[i] / 64] & (1ULL << (fds[i] % 64))) && (k[i].revents & set_events[s])) {
                    res[s][fds[i] / 64] |= 1ULL << (fds[i] % 64);
                    r++;
                }
        for (int s = 0; s < 3; s++)
            if (a[1 + s] && copy_to_user(a[1 + s], res[s], bytes))
                r = -EFAULT;
    }
    kfree(k);
    kfree(fds);
    if (r == -EINTR)
        r = -ERESTARTNOHAND;
    if (a[4] && !zero)
        poll_timeout_to_user(a[4], deadline);
    poll_mask_done(&pm, r);
    return r;
}
