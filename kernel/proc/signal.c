/* Signal generation and delivery. A signal is queued by signal_send; it acts when its target
 * next returns to U-mode (signal_deliver): a handler frame is built, or the default action
 * (terminate, ignore, stop, continue) is taken. The frame layout lives in arch/riscv/signal.c. */
#include "proc/signal.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/thread.h"
#include "lib/errno.h"
#include "proc/itimer.h"
#include "lib/kstring.h"
#include "dev/console.h"
#include "fs/signalfd.h"

enum sig_default { SIGDFL_TERM, SIGDFL_CORE, SIGDFL_IGNORE, SIGDFL_STOP, SIGDFL_CONT };

void arch_syscall_restart(struct proc *p);
void arch_syscall_restart_block(struct proc *p);
void arch_syscall_set_result(struct proc *p, long value);
long arch_syscall_result(struct proc *p);

static enum sig_default signal_default(int sig)
{
    switch (sig) {
    case SIGCHLD: case 23 /* SIGURG */: case 28 /* SIGWINCH */:
        return SIGDFL_IGNORE;
    case SIGCONT:
        return SIGDFL_CONT;
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
        return SIGDFL_STOP;
    case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE:
    case SIGSEGV: case 24 /* SIGXCPU */: case 25 /* SIGXFSZ */: case SIGSYS:
        return SIGDFL_CORE;
    default:
        return SIGDFL_TERM;     /* including the real-time signals 32..64 */
    }
}

bool signal_ignored(struct proc *p, int sig)
{
    uint64_t h = proc_group(p)->sig_actions[sig].handler;
    return h == SIG_IGN || (h == SIG_DFL && signal_default(sig) == SIGDFL_IGNORE);
}

bool signal_restart_pending(struct proc *p)
{
    long r = arch_syscall_result(p);
    return r == -ERESTARTSYS || r == -ERESTARTNOHAND || r == -ERESTART_RESTARTBLOCK;
}

bool signal_pending(struct proc *p)
{
    uint64_t pending = p->sig_pending | proc_group(p)->sig_shared_pending;
    return (pending & ~(p->sig_blocked & ~SIG_UNBLOCKABLE)) != 0 || p->group_stop_req;
}

/* The lowest pending signal in mask, the thread's own before the group's (signalfd). */
int signal_dequeue(struct proc *p, uint64_t mask, struct k_siginfo *info)
{
    struct proc *g = proc_group(p);
    uint64_t *pending = &p->sig_pending;
    struct k_siginfo *infos = p->sig_info;
    if (!(*pending & mask)) {
        pending = &g->sig_shared_pending;
        infos = g->sig_shared_info;
    }
    uint64_t ready = *pending & mask;
    if (!ready)
        return 0;
    int sig = 1;
    while (!(ready & SIGBIT(sig)))
        sig++;
    *pending &= ~SIGBIT(sig);
    *info = infos[sig];
    return sig;
}

static bool signal_is_stop(int sig)
{
    return signal_default(sig) == SIGDFL_STOP;
}

#define SIG_STOP_SET (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))

/* SIGCONT or SIGKILL: discard pending stops and resume a stopped group. */
static void signal_group_continue(struct proc *g, int sig)
{
    g->sig_shared_pending &= ~SIG_STOP_SET;
    bool was_stopped = g->group_stopped;
    for (int i = 0; i < NPROC; i++) {
        struct proc *t = &procs[i];
        if (!thread_in_group(t, g))
            continue;
        t->sig_pending &= ~SIG_STOP_SET;
        t->group_stop_req = false;
        if (t->state == PROC_STOPPED) {
            t->state = PROC_RUNNABLE;
            was_stopped = true;
            sched_kick();
        }
    }
    g->group_stopped = false;
    if (was_stopped) {
        g->stop_unreported = false;
        if (sig == SIGCONT) {   /* a stopped process killed by SIGKILL was not "continued" */
            g->cont_unreported = true;
            signal_notify_parent(g, CLD_CONTINUED, SIGCONT);
        }
    }
}

static void signal_wake_thread(struct proc *t, int sig)
{
    if (t->state == PROC_SLEEPING && signal_pending(t) && (!t->uninterruptible || sig == SIGKILL)) {
        t->state = PROC_RUNNABLE;
        sched_kick();
    }
}

/* Queue sig for thread t (shared: for its whole group) and wake a thread that can take it. */
static void signal_generate(struct proc *t, int sig, const struct k_siginfo *info, bool shared)
{
    if (sig <= 0 || sig > NSIG || t->state == PROC_FREE || t->state == PROC_EMBRYO)
        return;
    struct proc *g = proc_group(t);
    /* A zombie leader still receives signals for its live threads. */
    if (shared ? g->live_threads == 0 : t->state == PROC_ZOMBIE)
        return;
    if (sig == SIGKILL && shared) {
        /* Fatal to the whole group at once: every thread gets it. */
        for (int i = 0; i < NPROC; i++)
            if (thread_in_group(&procs[i], g))
                signal_generate(&procs[i], SIGKILL, info, false);
        return;
    }
    if (sig == SIGCONT || sig == SIGKILL)
        signal_group_continue(g, sig);
    if (signal_is_stop(sig)) {
        g->sig_shared_pending &= ~SIGBIT(SIGCONT);
        for (int i = 0; i < NPROC; i++)
            if (thread_in_group(&procs[i], g))
                procs[i].sig_pending &= ~SIGBIT(SIGCONT);
    }
    /* An ignored signal is dropped at once, unless blocked (its disposition may change). */
    if (signal_ignored(t, sig) && !(t->sig_blocked & SIGBIT(sig)) && sig != SIGKILL)
        return;
    uint64_t *pending = shared ? &g->sig_shared_pending : &t->sig_pending;
    struct k_siginfo *slot = shared ? &g->sig_shared_info[sig] : &t->sig_info[sig];
    *pending |= SIGBIT(sig);
    if (info)
        *slot = *info;
    else
        *slot = (struct k_siginfo){ .signo = sig, .code = SI_USER };
    slot->signo = sig;
    signalfd_notify(t, sig);
    if (!shared) {
        signal_wake_thread(t, sig);
        return;
    }
    /* Process-directed: the named thread if it does not block sig, else any thread that does not. */
    struct proc *pick = NULL;
    if (t->state != PROC_ZOMBIE && !(t->sig_blocked & SIGBIT(sig)))
        pick = t;
    for (int i = 0; i < NPROC && !pick; i++)
        if (thread_in_group(&procs[i], g) && !(procs[i].sig_blocked & SIGBIT(sig)))
            pick = &procs[i];
    if (pick)
        signal_wake_thread(pick, sig);
}

void signal_send(struct proc *p, int sig, const struct k_siginfo *info)
{
    signal_generate(p, sig, info, true);
}

void signal_send_thread(struct proc *t, int sig, const struct k_siginfo *info)
{
    signal_generate(t, sig, info, false);
}

void signal_force(int sig, int code, uint64_t addr)
{
    struct proc *p = current();
    struct k_sigaction *act = &proc_group(p)->sig_actions[sig];
    /* A fault that cannot be handled must not loop forever: take the default action. */
    if (act->handler == SIG_IGN || (p->sig_blocked & SIGBIT(sig))) {
        act->handler = SIG_DFL;
        p->sig_blocked &= ~SIGBIT(sig);
    }
    struct k_siginfo info = { .signo = sig, .code = code, .addr = addr };
    signal_send_thread(p, sig, &info);
}

void signal_exec_reset(struct proc *p)
{
    for (int sig = 1; sig <= NSIG; sig++) {
        struct k_sigaction *act = &proc_group(p)->sig_actions[sig];
        if (act->handler != SIG_IGN)
            *act = (struct k_sigaction){ SIG_DFL, 0, 0 };
    }
    p->altstack_sp = p->altstack_size = 0;
    p->altstack_flags = 2;  /* SS_DISABLE */
}

/* SIGCHLD and wait4 wake-ups for the parent; a parent ignoring SIGCHLD gets no zombies. */
void signal_notify_parent(struct proc *p, int code, int status)
{
    struct proc *parent = p->parent;
    if (!parent)
        return;
    struct k_sigaction *act = &proc_group(parent)->sig_actions[SIGCHLD];
    bool exited = code == CLD_EXITED || code == CLD_KILLED;
    /* Exit is reported with the child's exit signal (clone's low byte), stops with SIGCHLD. */
    int sig = exited ? p->exit_signal : SIGCHLD;
    if (exited && sig == SIGCHLD && (act->handler == SIG_IGN || (act->flags & SA_NOCLDWAIT)))
        p->parent = NULL;   /* the scheduler frees it once it has switched out */
    if (sig > 0 && (exited || !(act->flags & SA_NOCLDSTOP))) {
        struct k_siginfo info = { .signo = sig, .code = code, .pid = p->tgid, .status = status,
                                  .utime = p->utime, .stime = p->stime };
        signal_send(parent, sig, &info);
    }
    sched_wakeup(parent);
}

static int signal_take_from(uint64_t *pending, uint64_t blocked)
{
    uint64_t ready = *pending & ~(blocked & ~SIG_UNBLOCKABLE);
    if (!ready)
        return 0;
    /* SIGKILL first, then synchronous faults would come first on Linux; lowest number otherwise. */
    int sig = SIGKILL;
    if (!(ready & SIGBIT(SIGKILL)))
        for (sig = 1; !(ready & SIGBIT(sig)); sig++)
            ;
    *pending &= ~SIGBIT(sig);
    return sig;
}

/* The thread's own pending set first, then the group's (its siginfo is moved to the thread). */
static int signal_take(struct proc *p)
{
    int sig = signal_take_from(&p->sig_pending, p->sig_blocked);
    if (sig)
        return sig;
    struct proc *g = proc_group(p);
    sig = signal_take_from(&g->sig_shared_pending, p->sig_blocked);
    if (sig)
        p->sig_info[sig] = g->sig_shared_info[sig];
    return sig;
}

/* A group stop: every thread stops before it next returns to user mode (group_stop_req),
 * sleepers are woken for it; the leader carries what wait4(WUNTRACED) reports. */
static void signal_stop(struct proc *p, int sig)
{
    struct proc *g = proc_group(p);
    g->group_stopped = true;
    g->stop_sig = sig;
    g->stop_unreported = true;
    g->cont_unreported = false;
    for (int i = 0; i < NPROC; i++) {
        struct proc *t = &procs[i];
        if (t == p || !thread_in_group(t, g))
            continue;
        t->group_stop_req = true;
        if (t->state == PROC_SLEEPING && !t->uninterruptible) {
            t->state = PROC_RUNNABLE;
            sched_kick();
        }
    }
    signal_notify_parent(g, CLD_STOPPED, sig);
    p->state = PROC_STOPPED;
    sched_switch_out();
}

/* A group is orphaned when no member has a parent in another group of the same session:
 * nobody is left to continue it, so terminal stop signals are discarded (POSIX). */
static bool signal_pgrp_orphaned(int pgid)
{
    for (int i = 0; i < NPROC; i++) {
        struct proc *q = &procs[i];
        if (q->state == PROC_FREE || q->state == PROC_ZOMBIE || q->pgid != pgid || !q->parent)
            continue;
        if (q->parent->pgid != pgid && q->parent->sid == q->sid)
            return false;
    }
    return true;
}

static __attribute__((noreturn)) void signal_terminate(struct proc *p, int sig)
{
    if (p->fault_what)
        kprintf("kernel: pid %d (%s) killed: %s sepc=0x%lx stval=0x%lx\n", p->pid, p->name,
                p->fault_what, p->fault_epc, p->fault_tval);
    proc_exit(sig);
}

/* Interrupted system calls: restart, or fail with EINTR when a handler without SA_RESTART runs. */
static void signal_fix_syscall(struct proc *p, const struct k_sigaction *handler)
{
    if (!p->in_syscall)
        return;
    long r = arch_syscall_result(p);
    if (r == -ERESTARTSYS || r == -ERESTARTNOHAND || r == -ERESTART_RESTARTBLOCK) {
        if (!handler && r == -ERESTART_RESTARTBLOCK)
            arch_syscall_restart_block(p);
        else if (!handler || (r == -ERESTARTSYS && (handler->flags & SA_RESTART)))
            arch_syscall_restart(p);
        else
            arch_syscall_set_result(p, -EINTR);
    }
    p->in_syscall = false;
}

static bool signal_run_handler(struct proc *p, int sig)
{
    struct k_sigaction *act = &proc_group(p)->sig_actions[sig];
    struct k_sigaction copy = *act;
    uint64_t old_mask = p->sig_saved_valid ? p->sig_saved_mask : p->sig_blocked;
    signal_fix_syscall(p, &copy);
    if (p->sig_info[sig].code == SI_TIMER)
        itimer_signal_taken(p, &p->sig_info[sig]);
    if (arch_signal_setup_frame(p, sig, &copy, &p->sig_info[sig], old_mask)) {
        p->fault_what = "bad signal stack";
        signal_terminate(p, SIGSEGV);
    }
    p->sig_saved_valid = false;
    p->sig_blocked |= copy.mask | ((copy.flags & SA_NODEFER) ? 0 : SIGBIT(sig));
    p->sig_blocked &= ~SIG_UNBLOCKABLE;
    if (copy.flags & SA_RESETHAND)
        act->handler = SIG_DFL;     /* as Linux: flags and mask stay (sigaction01 reads them back) */
    return true;
}

void signal_deliver(void)
{
    struct proc *p = current();
    int sig;
    for (;;) {
        if (p->group_stop_req) {
            p->group_stop_req = false;
            if (proc_group(p)->group_stopped) {
                p->state = PROC_STOPPED;
                sched_switch_out();
            }
        }
        if ((sig = signal_take(p)) == 0)
            break;
        uint64_t h = proc_group(p)->sig_actions[sig].handler;
        if (sig == SIGKILL || sig == SIGSTOP)
            h = SIG_DFL;
        if (h == SIG_IGN)
            continue;
        if (h != SIG_DFL) {
            signal_run_handler(p, sig);
            return;
        }
        switch (signal_default(sig)) {
        case SIGDFL_IGNORE:
        case SIGDFL_CONT:
            break;
        case SIGDFL_STOP:
            if (sig == SIGSTOP || !signal_pgrp_orphaned(p->pgid))
                signal_stop(p, sig);
            break;
        default:
            signal_terminate(p, sig);
        }
    }
    if (p->sig_saved_valid) {
        p->sig_blocked = p->sig_saved_mask;
        p->sig_saved_valid = false;
    }
    signal_fix_syscall(p, NULL);
}
