/* Signal and process-group system calls: rt_sigaction, rt_sigprocmask, rt_sigpending,
 * rt_sigsuspend, rt_sigreturn, sigaltstack, kill, tkill, tgkill, setpgid, getpgid, setsid, getsid. */
#include "proc/sys.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "proc/thread.h"
#include "mm/vm.h"
#include "lib/errno.h"

#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SS_ONSTACK  1
#define SS_DISABLE  2
#define SS_AUTODISARM (1 << 31)
#define MINSIGSTKSZ 2048
#define SA_KNOWN (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_NODEFER | \
                  SA_RESETHAND | 0x04000000UL /* SA_RESTORER, accepted and unused */)

SYSCALL(rt_sigaction)
{
    int sig = (int)a[0];
    struct k_sigaction act, *cur;
    if (a[3] != 8 || sig < 1 || sig > NSIG)
        return -EINVAL;
    cur = &proc_group(current())->sig_actions[sig];
    if (a[1]) {
        if (copy_from_user(&act, a[1], sizeof act))
            return -EFAULT;
        if (sig == SIGKILL || sig == SIGSTOP)
            return -EINVAL;
    }
    if (a[2] && copy_to_user(a[2], cur, sizeof *cur))
        return -EFAULT;
    if (a[1]) {
        act.flags &= SA_KNOWN;
        act.mask &= ~SIG_UNBLOCKABLE;
        *cur = act;
        /* Setting a signal to be ignored discards it if pending (POSIX). */
        if (signal_ignored(current(), sig)) {
            struct proc *g = proc_group(current());
            g->sig_shared_pending &= ~SIGBIT(sig);
            for (int i = 0; i < NPROC; i++)
                if (thread_in_group(&procs[i], g))
                    procs[i].sig_pending &= ~SIGBIT(sig);
        }
    }
    return 0;
}

SYSCALL(rt_sigprocmask)
{
    struct proc *p = current();
    uint64_t set;
    if (a[3] != 8)
        return -EINVAL;
    if (a[1] && copy_from_user(&set, a[1], 8))
        return -EFAULT;
    if (a[1] && a[0] > SIG_SETMASK)
        return -EINVAL;
    uint64_t old = p->sig_blocked;
    if (a[2] && copy_to_user(a[2], &old, 8))
        return -EFAULT;
    if (a[1]) {
        if (a[0] == SIG_BLOCK)
            p->sig_blocked |= set;
        else if (a[0] == SIG_UNBLOCK)
            p->sig_blocked &= ~set;
        else
            p->sig_blocked = set;
        p->sig_blocked &= ~SIG_UNBLOCKABLE;
    }
    return 0;
}

SYSCALL(rt_sigpending)
{
    struct proc *p = current();
    uint64_t set = (p->sig_pending | proc_group(p)->sig_shared_pending) & p->sig_blocked;
    if (a[1] != 8)
        return -EINVAL;
    return copy_to_user(a[0], &set, 8);
}

/* Wait for a signal with a temporary mask; the old mask comes back after the handler. */
SYSCALL(rt_sigsuspend)
{
    struct proc *p = current();
    uint64_t set;
    if (a[1] != 8)
        return -EINVAL;
    if (copy_from_user(&set, a[0], 8))
        return -EFAULT;
    p->sig_saved_mask = p->sig_blocked;
    p->sig_saved_valid = true;
    p->sig_blocked = set & ~SIG_UNBLOCKABLE;
    while (sched_sleep_on(&p->sig_pending) == 0)
        ;
    return -ERESTARTNOHAND;
}

SYSCALL(rt_sigreturn)
{
    (void)a;
    struct proc *p = current();
    p->in_syscall = false;
    if (arch_signal_return(p)) {
        p->fault_what = "bad signal frame";
        signal_force(SIGSEGV, SI_USER, arch_tf_sp(p));
    }
    return 0;
}

SYSCALL(sigaltstack)
{
    struct proc *p = current();
    struct { uint64_t sp; int32_t flags, pad; uint64_t size; } ss, old;
    uint64_t sp = arch_tf_sp(p);
    bool on = p->altstack_size && sp - p->altstack_sp <= p->altstack_size;
    old.sp = p->altstack_sp;
    old.size = p->altstack_size;
    old.flags = on ? SS_ONSTACK : (p->altstack_size ? p->altstack_flags : SS_DISABLE);
    old.pad = 0;
    if (a[0]) {
        if (copy_from_user(&ss, a[0], sizeof ss))
            return -EFAULT;
        if (on)
            return -EPERM;
        int mode = ss.flags & ~SS_AUTODISARM;
        if (mode != 0 && mode != SS_DISABLE && mode != SS_ONSTACK)
            return -EINVAL;
        ss.flags = mode;
        if (!(ss.flags & SS_DISABLE) && ss.size < MINSIGSTKSZ)
            return -ENOMEM;
    }
    if (a[1] && copy_to_user(a[1], &old, sizeof old))
        return -EFAULT;
    if (a[0]) {
        bool off = ss.flags & SS_DISABLE;
        p->altstack_sp = off ? 0 : ss.sp;
        p->altstack_size = off ? 0 : ss.size;
        p->altstack_flags = off ? SS_DISABLE : 0;
    }
    return 0;
}

static void kill_one(struct proc *t, int sig, int code)
{
    struct k_siginfo info = { .signo = sig, .code = code, .pid = current()->tgid };
    if (sig && code == SI_TKILL)
        signal_send_thread(t, sig, &info);
    else if (sig)
        signal_send(t, sig, &info);
}

static bool kill_target_alive(const struct proc *t)
{
    return t->state != PROC_FREE && t->state != PROC_EMBRYO;
}

SYSCALL(kill)
{
    int pid = (int)a[0], sig = (int)a[1], hits = 0;
    struct proc *self = current();
    if (sig < 0 || sig > NSIG)
        return -EINVAL;
    if (pid > 0) {
        struct proc *t = proc_find(pid);
        if (!t || !kill_target_alive(t))
            return -ESRCH;
        kill_one(t, sig, SI_USER);
        return 0;
    }
    int pgid = pid == 0 ? self->pgid : -pid;
    for (int i = 0; i < NPROC; i++) {
        struct proc *t = &procs[i];
        if (!kill_target_alive(t))
            continue;
        if (t->leader != t)
            continue;       /* one signal per process, to its group */
        /* Zombies still belong to their group (the signal does nothing to them). */
        if (pid == -1 ? (t->pid == 1 || t == proc_group(self) || t->live_threads == 0) : t->pgid != pgid)
            continue;
        kill_one(t, sig, SI_USER);
        hits++;
    }
    return hits ? 0 : -ESRCH;
}

/* Thread-directed signals: only the thread tid takes them (its group's handlers run). */
static long tkill_common(int tgid, int tid, int sig)
{
    if (sig < 0 || sig > NSIG || tid <= 0 || tgid == 0 || tgid < -1)
        return -EINVAL;
    struct proc *t = proc_find(tid);
    if (!t || (tgid != -1 && t->tgid != tgid) || !kill_target_alive(t) || t->state == PROC_ZOMBIE)
        return -ESRCH;
    kill_one(t, sig, SI_TKILL);
    return 0;
}

SYSCALL(tgkill) { return tkill_common((int)a[0], (int)a[1], (int)a[2]); }
SYSCALL(tkill) { return tkill_common(-1, (int)a[0], (int)a[1]); }

static bool pgid_exists_in_session(int pgid, int sid)
{
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state != PROC_FREE && procs[i].pgid == pgid && procs[i].sid == sid)
            return true;
    return false;
}

SYSCALL(setpgid)
{
    struct proc *self = current();
    int pid = (int)a[0] ? (int)a[0] : self->tgid;
    int pgid = (int)a[1] ? (int)a[1] : pid;
    if (pgid < 0)
        return -EINVAL;
    struct proc *t = proc_find(pid);
    if (t)
        t = proc_group(t);
    if (!t || (t != proc_group(self) && t->parent != proc_group(self)))
        return -ESRCH;
    if (t != proc_group(self) && t->did_exec)
        return -EACCES;
    if (t->sid != self->sid || t->sid == t->tgid)
        return -EPERM;
    if (pgid != t->tgid && !pgid_exists_in_session(pgid, self->sid))
        return -EPERM;
    /* Every thread keeps a copy of the group's pgid. */
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state != PROC_FREE && proc_group(&procs[i]) == t)
            procs[i].pgid = pgid;
    return 0;
}

SYSCALL(getpgid)
{
    struct proc *t = a[0] ? proc_find((int)a[0]) : current();
    return t ? t->pgid : -ESRCH;
}

SYSCALL(getsid)
{
    struct proc *t = a[0] ? proc_find((int)a[0]) : current();
    return t ? t->sid : -ESRCH;
}

SYSCALL(setsid)
{
    (void)a;
    struct proc *p = current(), *g = proc_group(p);
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state != PROC_FREE && procs[i].pgid == p->tgid)
            return -EPERM;
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state != PROC_FREE && proc_group(&procs[i]) == g)
            procs[i].sid = procs[i].pgid = p->tgid;
    return p->sid;
}
