/* Waiting for signals synchronously and queueing them with data, and waitid:
 * rt_sigtimedwait (sigwait, sigwaitinfo, sigtimedwait), rt_sigqueueinfo and rt_tgsigqueueinfo
 * (sigqueue, pthread_sigqueue), waitid.
 * Signals stay one pending instance per number (real-time signals are not queued several
 * times): a second sigqueue of a pending signal replaces the first one's siginfo. */
#include "proc/sys.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "mm/vm.h"
#include "lib/errno.h"
#include "arch.h"

#define SI_QUEUE (-1)
#define P_ALL  0
#define P_PID  1
#define P_PGID 2
#define WAITID_KNOWN (WAIT_NOHANG | WAIT_UNTRACED | WAITID_EXITED | WAIT_CONTINUED | WAITID_NOWAIT | \
                      0x20000000 /* __WNOTHREAD */ | 0x40000000 /* __WALL */ | 0x80000000 /* __WCLONE */)

/* Take the lowest-numbered pending signal of set, the thread's own before the process's
 * (SIGKILL/SIGSTOP never are in set); its siginfo goes to *info. */
static int sigwait_take(struct proc *p, uint64_t set, struct k_siginfo *info)
{
    return signal_dequeue(p, set, info);
}

/* rt_sigtimedwait(set, info, timeout, sigsetsize): while waiting, the signals of set are
 * unblocked so that their arrival wakes us; the mask is back before we return, and the
 * signal taken is consumed here instead of being delivered. Another (unblocked) signal ends
 * the wait with -EINTR; it is then delivered normally. */
SYSCALL(rt_sigtimedwait)
{
    struct proc *p = current();
    uint64_t set, uinfo = a[1], deadline = 0;
    if (a[3] != 8)
        return -EINVAL;
    if (copy_from_user(&set, a[0], 8))
        return -EFAULT;
    set &= ~SIG_UNBLOCKABLE;
    if (a[2]) {
        struct { int64_t sec, nsec; } ts;
        if (copy_from_user(&ts, a[2], sizeof ts))
            return -EFAULT;
        if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
            return -EINVAL;
        uint64_t span = (uint64_t)ts.sec * 1000000000 + (uint64_t)ts.nsec;
        if ((uint64_t)ts.sec > UINT64_MAX / 4000000000)
            span = UINT64_MAX / 4;      /* centuries: as good as forever */
        if (!span) {                    /* a zero timeout only looks */
            struct k_siginfo info;
            int sig = sigwait_take(p, set, &info);
            if (!sig)
                return -EAGAIN;
            if (uinfo && arch_siginfo_to_user(uinfo, &info))
                return -EFAULT;
            return sig;
        }
        deadline = arch_time_ns() + span;
    }
    for (;;) {
        struct k_siginfo info;
        int sig = sigwait_take(p, set, &info);
        if (sig) {
            if (uinfo && arch_siginfo_to_user(uinfo, &info))
                return -EFAULT;
            return sig;
        }
        if (signal_pending(p))
            return -EINTR;
        if (deadline && arch_time_ns() >= deadline)
            return -EAGAIN;
        uint64_t saved = p->sig_blocked;
        p->sig_blocked &= ~set;
        if (deadline)
            sched_sleep_until(deadline);
        else
            sched_sleep_on(&p->sig_pending);
        p->sig_blocked = saved;
    }
}

/* The checks both queueing calls share: a caller may not pretend to be the kernel or
 * kill(2) when signalling another process (si_code >= 0 or SI_TKILL). */
static long sigqueue_prepare(uint64_t uinfo, int sig, int pid, struct k_siginfo *info)
{
    if (sig < 0 || sig > NSIG)
        return -EINVAL;
    if (arch_siginfo_from_user(uinfo, info))
        return -EFAULT;
    if ((info->code >= 0 || info->code == SI_TKILL) && pid != current()->tgid)
        return -EPERM;
    info->signo = sig;
    return 0;
}

static long sigqueue_to(struct proc *t, int sig, const struct k_siginfo *info, bool thread)
{
    /* A zombie still exists until reaped: the signal is accepted and does nothing (as kill). */
    if (!t || t->state == PROC_FREE || t->state == PROC_EMBRYO)
        return -ESRCH;
    if (sig && thread)
        signal_send_thread(t, sig, info);
    else if (sig)
        signal_send(t, sig, info);
    return 0;
}

SYSCALL(rt_sigqueueinfo)
{
    int pid = (int)a[0], sig = (int)a[1];
    struct k_siginfo info;
    long r = sigqueue_prepare(a[2], sig, pid, &info);
    if (r)
        return r;
    if (pid <= 0)
        return -ESRCH;
    return sigqueue_to(proc_find(pid), sig, &info, false);
}

SYSCALL(rt_tgsigqueueinfo)
{
    int tgid = (int)a[0], tid = (int)a[1], sig = (int)a[2];
    struct k_siginfo info;
    if (tgid <= 0 || tid <= 0)
        return -EINVAL;
    long r = sigqueue_prepare(a[3], sig, tgid, &info);
    if (r)
        return r;
    struct proc *t = proc_find(tid);
    if (t && t->tgid != tgid)
        return -ESRCH;
    return sigqueue_to(t, sig, &info, true);
}

/* waitid(idtype, id, infop, options, rusage). */
SYSCALL(waitid)
{
    int idtype = (int)a[0], id = (int)a[1], options = (int)a[3];
    uint64_t uinfo = a[2], urusage = a[4];
    if (options & ~WAITID_KNOWN)
        return -EINVAL;
    if (!(options & (WAITID_EXITED | WAIT_UNTRACED | WAIT_CONTINUED)))
        return -EINVAL;
    switch (idtype) {
    case P_ALL: break;
    case P_PID:
        if (id <= 0)
            return -EINVAL;
        break;
    case P_PGID:
        if (id < 0)
            return -EINVAL;
        if (id == 0)
            id = current()->pgid;
        break;
    default: return -EINVAL;
    }
    struct k_siginfo info = { 0 };
    int r = proc_waitid(idtype, id, options, &info);
    if (r < 0)
        return r;
    if (r == 0)
        info = (struct k_siginfo){ 0 };     /* WNOHANG and nothing: si_signo = si_pid = 0 */
    if (uinfo && arch_siginfo_to_user(uinfo, &info))
        return -EFAULT;
    if (urusage) {
        static const uint8_t zero[144];
        if (copy_to_user(urusage, zero, sizeof zero))
            return -EFAULT;
    }
    return 0;
}
