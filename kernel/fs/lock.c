/* Advisory locks. Two fixed tables, searched linearly (a few dozen locks at most in practice):
 *  - flock locks: one entry per (inode, open file description), shared or exclusive; a
 *    description converts its own lock in place; released by LOCK_UN or when the
 *    description's last reference goes (lock_file_released, from file_put).
 *  - record locks: byte ranges [start, end] per (inode, descriptor table), read or write;
 *    setting a range first carves the owner's old ranges out of it, then adds the new one;
 *    every lock of a table on an inode goes when any of its descriptors for that inode
 *    closes (lock_fd_closed, from fd_close), as POSIX says.
 * Waiters (LOCK_EX without LOCK_NB, F_SETLKW) sleep on the table and retry on every release;
 * a signal ends the wait with EINTR (or restarts it under SA_RESTART). No deadlock detection. */
#include "fs/lock.h"
#include "fs/vfs.h"
#include "fs/fdtable.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "mm/vm.h"
#include "lib/errno.h"

#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8

#define F_GETLK  5
#define F_SETLK  6
#define F_SETLKW 7
#define F_RDLCK  0
#define F_WRLCK  1
#define F_UNLCK  2

#define NFLOCK 128
#define NRLOCK 256

struct flock_entry {
    struct inode *ino;          /* NULL: free */
    struct file *owner;
    int type;                   /* LOCK_SH or LOCK_EX */
};

struct rlock_entry {
    struct inode *ino;          /* NULL: free */
    struct fdtable *owner;
    int pid;                    /* reported by F_GETLK */
    int type;                   /* F_RDLCK or F_WRLCK */
    uint64_t start, end;        /* inclusive; end UINT64_MAX: to the end of the file and beyond */
};

static struct flock_entry flocks[NFLOCK];
static struct rlock_entry rlocks[NRLOCK];

/* --- flock --- */

static struct flock_entry *flock_find(struct file *f)
{
    for (int i = 0; i < NFLOCK; i++)
        if (flocks[i].ino == f->inode && flocks[i].owner == f)
            return &flocks[i];
    return NULL;
}

static bool flock_conflicts(struct file *f, int type)
{
    for (int i = 0; i < NFLOCK; i++)
        if (flocks[i].ino == f->inode && flocks[i].owner != f &&
            (type == LOCK_EX || flocks[i].type == LOCK_EX))
            return true;
    return false;
}

static void flock_drop(struct flock_entry *e)
{
    e->ino = NULL;
    e->owner = NULL;
    sched_wakeup(flocks);
}

long lock_flock(struct file *f, int op)
{
    int type = op & ~LOCK_NB;
    if (type != LOCK_SH && type != LOCK_EX && type != LOCK_UN)
        return -EINVAL;
    struct flock_entry *e = flock_find(f);
    if (type == LOCK_UN) {
        if (e)
            flock_drop(e);
        return 0;
    }
    if (e && e->type == type)
        return 0;
    /* A conversion gives up the old lock first (Linux does the same: not atomic). */
    if (e)
        flock_drop(e);
    while (flock_conflicts(f, type)) {
        if (op & LOCK_NB)
            return -EWOULDBLOCK;
        if (sched_sleep_on(flocks))
            return -ERESTARTSYS;    /* EINTR, or restarted under SA_RESTART (signal(7)) */
    }
    for (int i = 0; i < NFLOCK; i++)
        if (!flocks[i].ino) {
            flocks[i] = (struct flock_entry){ f->inode, f, type };
            return 0;
        }
    return -ENOLCK;
}

void lock_file_released(struct file *f)
{
    for (int i = 0; i < NFLOCK; i++)
        if (flocks[i].owner == f)
            flock_drop(&flocks[i]);
}

/* --- record locks --- */

struct user_flock {
    int16_t l_type, l_whence;
    int32_t pad;
    int64_t l_start, l_len;
    int32_t l_pid, pad2;
};
_Static_assert(sizeof(struct user_flock) == 32, "struct flock is 32 bytes on riscv64");

static struct rlock_entry *rlock_conflict(struct inode *ino, struct fdtable *owner, int type,
                                          uint64_t start, uint64_t end)
{
    for (int i = 0; i < NRLOCK; i++) {
        struct rlock_entry *e = &rlocks[i];
        if (e->ino == ino && e->owner != owner && e->start <= end && start <= e->end &&
            (type == F_WRLCK || e->type == F_WRLCK))
            return e;
    }
    return NULL;
}

static struct rlock_entry *rlock_alloc(void)
{
    for (int i = 0; i < NRLOCK; i++)
        if (!rlocks[i].ino)
            return &rlocks[i];
    return NULL;
}

static int rlock_free_count(void)
{
    int n = 0;
    for (int i = 0; i < NRLOCK; i++)
        n += !rlocks[i].ino;
    return n;
}

/* Take [start, end] out of owner's locks on ino, splitting a lock that straddles it. The
 * caller made sure one spare entry exists for a split. */
static void rlock_carve(struct inode *ino, struct fdtable *owner, uint64_t start, uint64_t end)
{
    for (int i = 0; i < NRLOCK; i++) {
        struct rlock_entry *e = &rlocks[i];
        if (e->ino != ino || e->owner != owner || e->end < start || end < e->start)
            continue;
        if (e->start < start && e->end > end) {         /* split in two */
            struct rlock_entry *tail = rlock_alloc();
            *tail = *e;
            tail->start = end + 1;
            e->end = start - 1;
        } else if (e->start < start) {
            e->end = start - 1;
        } else if (e->end > end) {
            e->start = end + 1;
        } else {
            e->ino = NULL;
            e->owner = NULL;
        }
    }
}

/* The range a struct flock names, from its whence/start/len; -EINVAL if it is not a range. */
static int rlock_range(struct file *f, const struct user_flock *fl, uint64_t *start, uint64_t *end)
{
    int64_t base;
    switch (fl->l_whence) {
    case 0: base = 0; break;
    case 1: base = (int64_t)f->off; break;
    case 2: base = (int64_t)f->inode->size; break;
    default: return -EINVAL;
    }
    if ((fl->l_start > 0 && base > INT64_MAX - fl->l_start) || base + fl->l_start < 0)
        return -EINVAL;
    int64_t s = base + fl->l_start;
    if (fl->l_len > 0) {
        if (s > INT64_MAX - (fl->l_len - 1))
            return -EOVERFLOW;
        *start = (uint64_t)s;
        *end = (uint64_t)(s + fl->l_len - 1);
    } else if (fl->l_len < 0) {                     /* [s + len, s - 1] */
        if (s + fl->l_len < 0)
            return -EINVAL;
        *start = (uint64_t)(s + fl->l_len);
        *end = (uint64_t)s - 1;
    } else {
        *start = (uint64_t)s;
        *end = UINT64_MAX;
    }
    return 0;
}

long lock_fcntl(struct fdtable *t, struct file *f, int cmd, uint64_t uflock)
{
    struct user_flock fl;
    uint64_t start, end;
    if (copy_from_user(&fl, uflock, sizeof fl))
        return -EFAULT;
    if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK && fl.l_type != F_UNLCK)
        return -EINVAL;
    int r = rlock_range(f, &fl, &start, &end);
    if (r)
        return r;
    struct inode *ino = f->inode;
    if (cmd == F_GETLK) {
        if (fl.l_type == F_UNLCK)
            return -EINVAL;
        struct rlock_entry *c = rlock_conflict(ino, t, fl.l_type, start, end);
        if (!c) {
            fl.l_type = F_UNLCK;
        } else {
            fl.l_type = (int16_t)c->type;
            fl.l_whence = 0;
            fl.l_start = (int64_t)c->start;
            fl.l_len = c->end == UINT64_MAX ? 0 : (int64_t)(c->end - c->start + 1);
            fl.l_pid = c->pid;
        }
        return copy_to_user(uflock, &fl, sizeof fl) ? -EFAULT : 0;
    }
    uint32_t acc = f->flags & O_ACCMODE;
    if ((fl.l_type == F_RDLCK && acc == O_WRONLY) || (fl.l_type == F_WRLCK && acc == O_RDONLY))
        return -EBADF;
    if (fl.l_type != F_UNLCK) {
        while (rlock_conflict(ino, t, fl.l_type, start, end)) {
            if (cmd == F_SETLK)
                return -EAGAIN;
            if (sched_sleep_on(rlocks))
                return -ERESTARTSYS;
        }
    }
    /* Worst case: one split plus the new lock. */
    if (rlock_free_count() < 2)
        return -ENOLCK;
    rlock_carve(ino, t, start, end);
    if (fl.l_type != F_UNLCK)
        *rlock_alloc() = (struct rlock_entry){ ino, t, current()->pid, fl.l_type, start, end };
    sched_wakeup(rlocks);
    return 0;
}

void lock_fd_closed(struct fdtable *t, struct file *f)
{
    bool any = false;
    for (int i = 0; i < NRLOCK; i++)
        if (rlocks[i].owner == t && rlocks[i].ino == f->inode) {
            rlocks[i].ino = NULL;
            rlocks[i].owner = NULL;
            any = true;
        }
    if (any)
        sched_wakeup(rlocks);
}
