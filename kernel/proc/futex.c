/* Futexes. A waiter records its key in its struct proc (futex_kind, futex_k1, futex_k2), a
 * bitset and a sequence number, and sleeps on futex_chan; a waker scans the table for matching
 * waiters in sequence order (FIFO), marks them futex_woken and makes them runnable. All of it
 * runs under the kernel lock, so checking the word and going to sleep is atomic with respect
 * to FUTEX_WAKE. User words are read and changed with atomics through the direct map, because
 * other harts may be changing them from user mode at the same time.
 * Keys: FUTEX_PRIVATE_FLAG, or any word in private memory -> (mm, address); a word in a
 * MAP_SHARED region without the private flag -> its physical address (shared across fork).
 * System calls: futex, set_robust_list is in sys_misc.c, get_robust_list here. */
#include "proc/futex.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "proc/sys.h"
#include "mm/vm.h"
#include "mm/page.h"
#include "dev/rtc.h"
#include "lib/errno.h"
#include "arch.h"

#define FUTEX_WAIT            0
#define FUTEX_WAKE            1
#define FUTEX_FD              2
#define FUTEX_REQUEUE         3
#define FUTEX_CMP_REQUEUE     4
#define FUTEX_WAKE_OP         5
#define FUTEX_LOCK_PI         6
#define FUTEX_UNLOCK_PI       7
#define FUTEX_TRYLOCK_PI      8
#define FUTEX_WAIT_BITSET     9
#define FUTEX_WAKE_BITSET     10
#define FUTEX_WAIT_REQUEUE_PI 11
#define FUTEX_CMP_REQUEUE_PI  12
#define FUTEX_LOCK_PI2        13
#define FUTEX_PRIVATE_FLAG    128
#define FUTEX_CLOCK_REALTIME  256
#define FUTEX_CMD_MASK        (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_ANY      0xffffffffu

#define FUTEX_WAITERS    0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK   0x3fffffffu
#define ROBUST_LIST_LIMIT 2048

#define KEY_PRIVATE 1
#define KEY_SHARED  2

struct futex_key {
    int kind;
    uint64_t k1, k2;
};

static const char futex_chan;
static uint64_t futex_next_seq;

/* The key of the word at uaddr in the current address space. */
static int futex_get_key(uint64_t uaddr, bool priv, struct futex_key *key)
{
    struct mm *mm = current()->mm;
    if (uaddr & 3)
        return -EINVAL;
    if (!mm || uaddr >= USER_TOP || USER_TOP - uaddr < 4)
        return -EFAULT;
    if (!priv) {
        struct vm_area *a = vm_area_find(mm, uaddr);
        if (!a)
            return -EFAULT;
        if (a->flags & VMA_SHARED) {
            paddr_t pa;
            if (vm_check(mm, uaddr, 4, VM_ACCESS_READ) || !pt_lookup(mm->root, uaddr, &pa, NULL))
                return -EFAULT;
            *key = (struct futex_key){ KEY_SHARED, pa, 0 };
            return 0;
        }
    }
    *key = (struct futex_key){ KEY_PRIVATE, (uint64_t)(uintptr_t)mm, uaddr };
    return 0;
}

/* The kernel address of the user word at uaddr (faulted in for the access), or NULL. */
static uint32_t *futex_word(uint64_t uaddr, enum vm_access access)
{
    struct mm *mm = current()->mm;
    paddr_t pa;
    if (!mm || vm_check(mm, uaddr, 4, access) || !pt_lookup(mm->root, uaddr, &pa, NULL))
        return NULL;
    return pa_to_kva(pa);
}

static bool futex_key_match(const struct proc *q, const struct futex_key *key)
{
    return q->futex_kind == key->kind && q->futex_k1 == key->k1 && q->futex_k2 == key->k2 &&
           !q->futex_woken && q->state != PROC_FREE && q->state != PROC_ZOMBIE;
}

/* The oldest waiter on key whose bitset meets mask, or NULL. */
static struct proc *futex_oldest(const struct futex_key *key, uint32_t mask)
{
    struct proc *best = NULL;
    for (int i = 0; i < NPROC; i++) {
        struct proc *q = &procs[i];
        if (futex_key_match(q, key) && (q->futex_bitset & mask) && (!best || q->futex_seq < best->futex_seq))
            best = q;
    }
    return best;
}

static void futex_wake_one(struct proc *q)
{
    q->futex_woken = true;
    q->futex_kind = 0;
    if (q->state == PROC_SLEEPING && q->wait_chan == &futex_chan) {
        q->state = PROC_RUNNABLE;
        sched_kick();
    }
}

/* Linux's counting: at least one waiter is woken even when nr is 0. */
static long futex_wake_key(const struct futex_key *key, int nr, uint32_t mask)
{
    long woken = 0;
    struct proc *q;
    while ((q = futex_oldest(key, mask)) != NULL) {
        futex_wake_one(q);
        if (++woken >= nr)
            break;
    }
    return woken;
}

long futex_wake(uint64_t uaddr, int nr, bool private_key)
{
    struct futex_key key;
    int err = futex_get_key(uaddr, private_key, &key);
    return err ? err : futex_wake_key(&key, nr, FUTEX_BITSET_ANY);
}

void futex_forget(struct proc *p)
{
    p->futex_kind = 0;
}

static long futex_wait(uint64_t uaddr, bool priv, uint32_t val, uint64_t deadline, uint32_t bitset)
{
    struct proc *p = current();
    struct futex_key key;
    if (!bitset)
        return -EINVAL;
    int err = futex_get_key(uaddr, priv, &key);
    if (err)
        return err;
    uint32_t *word = futex_word(uaddr, VM_ACCESS_READ);
    if (!word)
        return -EFAULT;
    if (__atomic_load_n(word, __ATOMIC_SEQ_CST) != val)
        return -EAGAIN;
    p->futex_kind = key.kind;
    p->futex_k1 = key.k1;
    p->futex_k2 = key.k2;
    p->futex_bitset = bitset;
    p->futex_seq = ++futex_next_seq;
    p->futex_woken = false;
    long r;
    for (;;) {
        if (deadline && arch_time_ns() >= deadline) {
            r = -ETIMEDOUT;
            break;
        }
        p->wake_at_ns = deadline;
        err = sched_sleep_on(&futex_chan);
        p->wake_at_ns = 0;
        if (p->futex_woken) {
            r = 0;
            break;
        }
        if (err) {
            /* Untimed waits restart after a handler with SA_RESTART; timed ones report EINTR. */
            r = deadline ? -ERESTARTNOHAND : -ERESTARTSYS;
            break;
        }
    }
    if (p->futex_woken)
        r = 0;      /* woken and timed out at once: the wake counts, as on Linux */
    p->futex_kind = 0;
    p->futex_woken = false;
    return r;
}

/* Wake nr_wake waiters of uaddr and move up to nr_requeue more to uaddr2 (at its queue's end). */
static long futex_requeue(uint64_t uaddr, uint64_t uaddr2, bool priv, int nr_wake, int nr_requeue,
                          bool cmp, uint32_t cmpval)
{
    struct futex_key k1, k2;
    if (nr_wake < 0 || nr_requeue < 0)
        return -EINVAL;
    int err = futex_get_key(uaddr, priv, &k1);
    if (!err)
        err = futex_get_key(uaddr2, priv, &k2);
    if (err)
        return err;
    if (cmp) {
        uint32_t *word = futex_word(uaddr, VM_ACCESS_READ);
        if (!word)
            return -EFAULT;
        if (__atomic_load_n(word, __ATOMIC_SEQ_CST) != cmpval)
            return -EAGAIN;
    }
    /* The waiters of uaddr in queue order, taken before any is moved. */
    static struct proc *queue[NPROC];
    int n = 0;
    for (struct proc *q; (q = futex_oldest(&k1, FUTEX_BITSET_ANY)) != NULL; n++) {
        queue[n] = q;
        q->futex_woken = true;      /* hide it from futex_oldest for now */
    }
    for (int i = 0; i < n; i++)
        queue[i]->futex_woken = false;
    bool same = k1.kind == k2.kind && k1.k1 == k2.k1 && k1.k2 == k2.k2;
    long count = 0;
    for (int i = 0; i < n; i++) {
        struct proc *q = queue[i];
        if (count - nr_wake >= nr_requeue)
            break;
        if (++count <= nr_wake) {
            futex_wake_one(q);
            continue;
        }
        if (same)
            continue;   /* requeued onto its own queue: it keeps its place */
        q->futex_kind = k2.kind;
        q->futex_k1 = k2.k1;
        q->futex_k2 = k2.k2;
        q->futex_seq = ++futex_next_seq;
    }
    return count;
}

static long futex_wake_op(uint64_t uaddr, uint64_t uaddr2, bool priv, int nr_wake, int nr_wake2,
                          uint32_t encoded)
{
    struct futex_key k1, k2;
    int op = (encoded >> 28) & 7, cmp = (encoded >> 24) & 15;
    int32_t oparg = (int32_t)(encoded << 8) >> 20;      /* bits 23..12, sign-extended */
    int32_t cmparg = (int32_t)(encoded << 20) >> 20;    /* bits 11..0, sign-extended */
    if (encoded & 0x80000000u)      /* FUTEX_OP_OPARG_SHIFT */
        oparg = (int32_t)(1u << (oparg & 31));
    int err = futex_get_key(uaddr, priv, &k1);
    if (!err)
        err = futex_get_key(uaddr2, priv, &k2);
    if (err)
        return err;
    if (op > 4 || cmp > 5)
        return -ENOSYS;
    uint32_t *word = futex_word(uaddr2, VM_ACCESS_WRITE);
    if (!word)
        return -EFAULT;
    uint32_t arg = (uint32_t)oparg, old;
    switch (op) {
    case 0: old = __atomic_exchange_n(word, arg, __ATOMIC_SEQ_CST); break;
    case 1: old = __atomic_fetch_add(word, arg, __ATOMIC_SEQ_CST); break;
    case 2: old = __atomic_fetch_or(word, arg, __ATOMIC_SEQ_CST); break;
    case 3: old = __atomic_fetch_and(word, ~arg, __ATOMIC_SEQ_CST); break;
    default: old = __atomic_fetch_xor(word, arg, __ATOMIC_SEQ_CST); break;
    }
    int32_t o = (int32_t)old;
    bool hit;
    switch (cmp) {
    case 0: hit = o == cmparg; break;
    case 1: hit = o != cmparg; break;
    case 2: hit = o < cmparg; break;
    case 3: hit = o <= cmparg; break;
    case 4: hit = o > cmparg; break;
    default: hit = o >= cmparg; break;
    }
    long woken = futex_wake_key(&k1, nr_wake, FUTEX_BITSET_ANY);
    if (hit)
        woken += futex_wake_key(&k2, nr_wake2, FUTEX_BITSET_ANY);
    return woken;
}

static int futex_timeout(uint64_t uts, bool absolute, bool realtime, uint64_t *deadline)
{
    int64_t ts[2];
    if (copy_from_user(ts, uts, sizeof ts))
        return -EFAULT;
    if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000)
        return -EINVAL;
    uint64_t ns = (uint64_t)ts[0] > UINT64_MAX / 1000000000ULL - 1 ? UINT64_MAX / 2
                  : (uint64_t)ts[0] * 1000000000ULL + (uint64_t)ts[1];
    if (absolute && realtime)
        *deadline = rtc_to_monotonic(ns);   /* never 0 */
    else if (absolute)
        *deadline = ns ? ns : 1;    /* 0 means "no deadline" to the sleep: use the past */
    else
        *deadline = arch_time_ns() + ns;
    return 0;
}

SYSCALL(futex)
{
    uint64_t uaddr = a[0], uaddr2 = a[4];
    int op = (int)a[1], cmd = op & FUTEX_CMD_MASK;
    bool priv = op & FUTEX_PRIVATE_FLAG, rt = op & FUTEX_CLOCK_REALTIME;
    uint32_t val = (uint32_t)a[2], val3 = (uint32_t)a[5];
    if (rt && cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT_REQUEUE_PI &&
        cmd != FUTEX_LOCK_PI2)
        return -ENOSYS;
    uint64_t deadline = 0;
    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
        if (a[3]) {
            int err = futex_timeout(a[3], cmd == FUTEX_WAIT_BITSET, rt, &deadline);
            if (err)
                return err;
        }
        return futex_wait(uaddr, priv, val, deadline, cmd == FUTEX_WAIT ? FUTEX_BITSET_ANY : val3);
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: {
        uint32_t mask = cmd == FUTEX_WAKE ? FUTEX_BITSET_ANY : val3;
        if (!mask)
            return -EINVAL;
        struct futex_key key;
        int err = futex_get_key(uaddr, priv, &key);
        return err ? err : futex_wake_key(&key, (int)val, mask);
    }
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
        return futex_requeue(uaddr, uaddr2, priv, (int)val, (int)a[3], cmd == FUTEX_CMP_REQUEUE, val3);
    case FUTEX_WAKE_OP:
        return futex_wake_op(uaddr, uaddr2, priv, (int)val, (int)a[3], val3);
    default:
        /* FUTEX_FD (gone from Linux too) and the priority-inheritance operations. */
        return -ENOSYS;
    }
}

SYSCALL(get_robust_list)
{
    struct proc *t = a[0] ? proc_find((int)a[0]) : current();
    if (!t || t->state == PROC_ZOMBIE)
        return -ESRCH;
    uint64_t head = t->robust_list, len = 24;
    if (copy_to_user(a[1], &head, 8) || copy_to_user(a[2], &len, 8))
        return -EFAULT;
    return 0;
}

/* The owner of the lock word at uaddr died: hand it on with FUTEX_OWNER_DIED. */
static void futex_owner_died(struct proc *p, uint64_t uaddr, bool pi)
{
    if (uaddr & 3)
        return;
    uint32_t *word = futex_word(uaddr, VM_ACCESS_WRITE);
    if (!word)
        return;
    uint32_t cur = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    for (;;) {
        if ((cur & FUTEX_TID_MASK) != (uint32_t)p->pid)
            return;
        uint32_t next = (cur & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
        if (__atomic_compare_exchange_n(word, &cur, next, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            break;
    }
    if (!pi && (cur & FUTEX_WAITERS))
        futex_wake(uaddr, 1, false);
}

void futex_robust_release(struct proc *p)
{
    uint64_t head_addr = p->robust_list;
    struct { uint64_t list; int64_t offset; uint64_t pending; } head;
    if (!head_addr || copy_from_user(&head, head_addr, sizeof head))
        return;
    uint64_t entry = head.list;
    for (int n = 0; entry != head_addr && n < ROBUST_LIST_LIMIT; n++) {
        uint64_t next;
        if (copy_from_user(&next, entry & ~1UL, 8))
            return;
        if (entry != head.pending)
            futex_owner_died(p, (entry & ~1UL) + (uint64_t)head.offset, entry & 1);
        entry = next;
    }
    if (head.pending)
        futex_owner_died(p, (head.pending & ~1UL) + (uint64_t)head.offset, head.pending & 1);
}
