/* Signal generation and delivery. A signal is queued by signal_send; it acts when its target
 * next returns to U-mode (signal_deliver): a handler frame is built, or the default action
 * (terminate, ignore, stop, continue) is taken. The frame layout lives in arch/riscv/signal.c. */
#include "proc/signal.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "lib/errno.h"
#include "proc/itimer.h"
#include "lib/kstring.h"
#include "dev/console.h"

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
    uint64_t h = p->sig_actions[sig].handler;
    return h == SIG_IGN || (h == SIG_DFL && signal_default(sig) == SIGDFL_IGNORE);
}

bool signal_restart_pending(struct proc *p)
{
    long r = arch_syscall_result(p);
    return r == -ERESTARTSYS || r == -ERESTARTNOHAND || r == -ERESTART_RESTARTBLOCK;
}

bool signal_pending(struct proc *p)
{
    return (p->sig_pending & ~(p->sig_blocked & ~SIG_UNBLOCKABLE)) != 0;
}

static bool signal_is_stop(int sig)
{
    return signal_default(sig) == SIGDFL_STOP;
}

void signal_send(struct proc *p, int sig, const struct k_siginfo *info)
{
    if (sig <= 0 || sig > NSIG || p->state == PROC_FREE || p->state == PROC_ZOMBIE ||
        p->state == PROC_EMBRYO)
        return;
    if (sig == SIGCONT || sig == SIGKILL) {
        p->sig_pending &= ~(SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU));
        if (p->state == PROC_STOPPED) {
            p->state = PROC_RUNNABLE;
            sched_kick();
            p->stop_unreported = false;
            if (sig == SIGCONT) {   /* a stopped process killed by SIGKILL was not "continued" */
                p->cont_unreported = true;
                signal_notify_parent(p, CLD_CONTINUED, SIGCONT);
            }
        }
    }
    if (signal_is_stop(sig))
        p->sig_pending &= ~SIGBIT(SIGCONT);
    /* An ignored signal is dropped at once, unless blocked (its disposition may change). */
    if (signal_ignored(p, sig) && !(p->sig_blocked & SIGBIT(sig)) && sig != SIGKILL)
        return;
    p->sig_pending |= SIGBIT(sig);
    if (info)
        p->sig_info[sig] = *info;
    else
        p->sig_info[sig] = (struct k_siginfo){ .signo = sig, .code = SI_USER };
    p->sig_info[sig].signo = sig;
    if (p->state == PROC_SLEEPING && signal_pending(p) && (!p->uninterruptible || sig == SIGKILL)) {
        p->state = PROC_RUNNABLE;
        sched_kick();
    }
}

void signal_force(int sig, int code, uint64_t addr)
{
    struct proc *p = current();
    struct k_sigaction *act = &p->sig_actions[sig];
    /* A fault that cannot be handled must not loop forever: take the default action. */
    if (act->handler == SIG_IGN || (p->sig_blocked & SIGBIT(sig))) {
        act->handler = SIG_DFL;
        p->sig_blocked &= ~SIGBIT(sig);
    }
    struct k_siginfo info = { .signo = sig, .code = code, .addr = addr };
    signal_send(p, sig, &info);
}

void signal_exec_reset(struct proc *p)
{
    for (int sig = 1; sig <= NSIG; sig++) {
        struct k_sigaction *act = &p->sig_actions[sig];
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
    struct k_sigaction *act = &parent->sig_actions[SIGCHLD];
    bool exited = code == CLD_EXITED || code == CLD_KILLED;
    if (exited && (act->handler == SIG_IGN || (act->flags & SA_NOCLDWAIT)))
        p->parent = NULL;   /* the scheduler frees it once it has switched out */
    if (exited || !(act->flags & SA_NOCLDSTOP)) {
        struct k_siginfo info = { .signo = SIGCHLD, .code = code, .pid = p->pid, .status = status,
                                  .utime = p->utime, .stime = p->stime };
        signal_send(parent, SIGCHLD, &info);
    }
    sched_wakeup(parent);
}

static int signal_take(struct proc *p)
{
    uint64_t ready = p->sig_pending & ~(p->sig_blocked & ~SIG_UNBLOCKABLE);
    if (!ready)
        return 0;
    /* SIGKILL first, then synchronous faults would come first on Linux; lowest number otherwise. */
    int sig = SIGKILL;
    if (!(ready & SIGBIT(SIGKILL)))
        for (sig = 1; !(ready & SIGBIT(sig)); sig++)
            ;
    p->sig_pending &= ~SIGBIT(sig);
    return sig;
}

static void signal_stop(struct proc *p, int sig)
{
    p->state = PROC_STOPPED;
    p->stop_sig = sig;
    p->stop_unreported = true;
    p->cont_unreported = false;
    signal_notify_parent(p, CLD_STOPPED, sig);
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
    struct k_sigaction *act = &p->sig_actions[sig];
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
        *act = (struct k_sigaction){ SIG_DFL, 0, 0 };
    return true;
}

void signal_deliver(void)
{
    struct proc *p = current();
    int sig;
    while ((sig = signal_take(p)) != 0) {
        uint64_t h = p->sig_actions[sig].handler;
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
