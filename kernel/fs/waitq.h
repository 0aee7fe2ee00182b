/* Wait queues and the poll operation. A waitq is a list of entries that want to hear when
 * an object (a pipe, the tty, an eventfd...) changes state. waitq_wake() wakes every process
 * sleeping on the queue itself (sched_sleep_on(wq)) and runs each entry: a poll()/select()
 * entry wakes its sleeper, an epoll entry marks its item ready. Everything runs under the
 * kernel lock, so a check followed by a sleep cannot miss a wake-up. See docs/polling.md. */
#ifndef FS_WAITQ_H
#define FS_WAITQ_H

#include <stdint.h>
#include <stdbool.h>

/* Poll event bits (Linux values; the EPOLL* names share them). */
#define POLLIN     0x0001
#define POLLPRI    0x0002
#define POLLOUT    0x0004
#define POLLERR    0x0008
#define POLLHUP    0x0010
#define POLLNVAL   0x0020
#define POLLRDNORM 0x0040
#define POLLRDBAND 0x0080
#define POLLWRNORM 0x0100
#define POLLWRBAND 0x0200
#define POLLMSG    0x0400
#define POLLRDHUP  0x2000
/* What a file without a poll operation reports (regular files, directories, /dev/null). */
#define POLL_DEFAULT_MASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

struct waitq_entry;
/* An entry's action; events is the waker's hint (the bits that may have become true), 0 if unknown. */
typedef void (*waitq_fn)(struct waitq_entry *e, uint32_t events);

struct waitq_entry {
    struct waitq_entry *next, *prev;
    struct waitq *wq;           /* the queue it is on, NULL when on none */
    waitq_fn fn;                /* NULL: sched_wakeup(chan) */
    const void *chan;
    void *priv;
};

struct waitq {
    struct waitq_entry *head;
    int sleepers;               /* processes in waitq_sleep on it: only then is there a scan */
};

void waitq_init(struct waitq *wq);
void waitq_add(struct waitq *wq, struct waitq_entry *e);
void waitq_del(struct waitq_entry *e);          /* no-op if e is on no queue */
static inline bool waitq_active(const struct waitq *wq) { return wq->head != 0; }
/* Wake the processes in waitq_sleep(wq) (the channel is wq itself) and run every entry's
 * action. Sleep on a queue only through waitq_sleep, which counts the sleepers. */
void waitq_wake(struct waitq *wq, uint32_t events);
/* Sleep on wq until waitq_wake, deadline_ns (0: none) or a signal: 0, -ETIMEDOUT or -EINTR. */
int waitq_sleep(struct waitq *wq, uint64_t deadline_ns);

/* The second argument of file_ops.poll: a poller that wants to be woken registers itself on
 * each waitq the file's readiness depends on by calling poll_wait(). NULL means "just report". */
struct poll_table {
    void (*queue)(struct poll_table *pt, struct waitq *wq);
};

static inline void poll_wait(struct poll_table *pt, struct waitq *wq)
{
    if (pt && pt->queue)
        pt->queue(pt, wq);
}

struct file;
struct file_ops;
/* The file's ready mask (POLL_DEFAULT_MASK without a poll operation), registering pt. */
uint32_t file_poll(struct file *f, struct poll_table *pt);

/* Descriptors for files with no name (eventfd, epoll, signalfd, timerfd): an open file on the
 * shared anonymous inode (mode 0600, no type bits, as Linux's anon_inode), with ops and priv;
 * installed as the lowest free descriptor. Returns the fd or -errno (priv is not freed then). */
int anonfd_install(const struct file_ops *ops, void *priv, uint32_t flags, bool cloexec);
/* The open file for fd if it has these ops, else NULL. */
struct file *anonfd_get(int fd, const struct file_ops *ops);

#endif

/* Shared by ppoll, pselect6 and epoll_pwait (kernel/fs/poll.c). */
/* A relative struct timespec at uts as an absolute monotonic deadline: *deadline 0 when uts is
 * NULL (wait forever), *zero set for a zero timeout (do not sleep at all). */
int poll_timeout_from_user(uint64_t uts, uint64_t *deadline, bool *zero);
/* Write the time left until deadline back to uts, as Linux's ppoll and pselect6 do. */
void poll_timeout_to_user(uint64_t uts, uint64_t deadline);
/* The temporary signal mask of ppoll/pselect6/epoll_pwait: installed by poll_mask_set (a NULL
 * mask leaves it alone), undone by poll_mask_done once the call's result is known: at once,
 * or, when it is -ERESTARTNOHAND, after the signal handler has run (as rt_sigsuspend). */
struct poll_mask { bool set; uint64_t old; };
int poll_mask_set(struct poll_mask *pm, uint64_t umask, uint64_t size);
void poll_mask_done(struct poll_mask *pm, long result);
