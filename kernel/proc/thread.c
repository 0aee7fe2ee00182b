/* Thread groups. A struct proc is one thread; the threads of a process share the leader's
 * tgid (getpid), address space, descriptor table, cwd/umask and signal handlers, and each
 * has its own tid (pid field), signal mask, pending set, alternate stack and tp.
 * The leader keeps the group state: live_threads, the exit status of exit_group, the shared
 * pending set and the handlers. A leader that exits before its threads stays a zombie that
 * wait4 cannot see until live_threads reaches 0; other threads reap themselves.
 * System calls here: clone, clone3, exit, exit_group, gettid. */
#include "proc/thread.h"
#include "proc/futex.h"
#include "proc/itimer.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "proc/sys.h"
#include "proc/syscall.h"
#include "mm/vm.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "lib/panic.h"
#include "dev/console.h"

#define CLONE_CSIGNAL        0x000000ffUL
#define CLONE_VM             0x00000100UL
#define CLONE_FS             0x00000200UL
#define CLONE_FILES          0x00000400UL
#define CLONE_SIGHAND        0x00000800UL
#define CLONE_PIDFD          0x00001000UL
#define CLONE_PTRACE         0x00002000UL
#define CLONE_VFORK          0x00004000UL
#define CLONE_PARENT         0x00008000UL
#define CLONE_THREAD         0x00010000UL
#define CLONE_NEWNS          0x00020000UL
#define CLONE_SYSVSEM        0x00040000UL
#define CLONE_SETTLS         0x00080000UL
#define CLONE_PARENT_SETTID  0x00100000UL
#define CLONE_CHILD_CLEARTID 0x00200000UL
#define CLONE_DETACHED       0x00400000UL
#define CLONE_UNTRACED       0x00800000UL
#define CLONE_CHILD_SETTID   0x01000000UL
#define CLONE_NEWCGROUP      0x02000000UL
#define CLONE_NEWUTS         0x04000000UL
#define CLONE_NEWIPC         0x08000000UL
#define CLONE_NEWUSER        0x10000000UL
#define CLONE_NEWPID         0x20000000UL
#define CLONE_NEWNET         0x40000000UL
#define CLONE_IO             0x80000000UL
#define CLONE_CLEAR_SIGHAND  0x100000000UL
#define CLONE_INTO_CGROUP    0x200000000UL
#define CLONE_NAMESPACES     (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | \
                              CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)
#define SS_DISABLE 2

bool thread_in_group(const struct proc *q, const struct proc *g)
{
    return q->state != PROC_FREE && q->state != PROC_ZOMBIE && q->leader == g;
}

void thread_fs_changed(struct proc *p)
{
    for (int i = 0; i < NPROC; i++) {
        struct proc *q = &procs[i];
        if (q == p || q->state == PROC_FREE || q->state == PROC_ZOMBIE || q->fs_group != p->fs_group)
            continue;
        if (q->cwd != p->cwd) {
            inode_put(q->cwd);
            q->cwd = inode_get(p->cwd);
        }
        q->umask = p->umask;
    }
}

static long clone_check(uint64_t flags)
{
    struct proc *g = proc_group(current());
    if (flags & (CLONE_NAMESPACES | CLONE_PIDFD | CLONE_INTO_CGROUP))
        return -EINVAL;
    if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
        return -EINVAL;
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
        return -EINVAL;
    /* Shared handlers outside a thread group (old LinuxThreads) are not supported. */
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_THREAD))
        return -EINVAL;
    if ((flags & CLONE_CLEAR_SIGHAND) && (flags & CLONE_SIGHAND))
        return -EINVAL;
    /* init cannot make siblings (they would have no parent). */
    if ((flags & (CLONE_PARENT | CLONE_THREAD)) && g->pid == 1 && !(flags & CLONE_THREAD))
        return -EINVAL;
    return 0;
}

long thread_clone(const struct clone_req *r)
{
    uint64_t flags = r->flags;
    long err = clone_check(flags);
    if (err)
        return err;
    struct proc *cur = current(), *g = proc_group(cur);
    if (g->group_exiting || g->exec_thread)
        return -EAGAIN;
    struct proc *c = proc_alloc();
    if (!c)
        return -EAGAIN;
    c->mm = (flags & CLONE_VM) ? vm_get(cur->mm) : vm_fork(cur->mm);
    if (cur->fdt && (flags & CLONE_FILES)) {
        c->fdt = cur->fdt;
        c->fdt->refs++;
    } else if (cur->fdt) {
        c->fdt = fdtable_dup(cur->fdt);
    }
    if (!c->mm || (cur->fdt && !c->fdt)) {
        proc_free(c);
        return -ENOMEM;
    }
    c->cwd = inode_get(cur->cwd);
    c->umask = cur->umask;
    c->fs_group = (flags & CLONE_FS) ? cur->fs_group : c->pid;
    memcpy(c->exe, cur->exe, sizeof c->exe);
    memcpy(c->cmdline, cur->cmdline, sizeof c->cmdline);
    c->cmdline_len = cur->cmdline_len;
    kstrlcpy(c->name, cur->name, sizeof c->name);
    arch_fpu_switch_out(cur->tf, &cur->fpu);     /* the live registers, not the last save */
    *c->tf = *cur->tf;
    c->tf->a0 = 0;                                 /* clone returns 0 in the child */
    c->fpu = cur->fpu;
    if (r->stack)
        c->tf->sp = r->stack;
    if (flags & CLONE_SETTLS)
        c->tf->tp = r->tls;
    c->pgid = cur->pgid;
    c->sid = cur->sid;
    c->did_exec = cur->did_exec && (flags & CLONE_THREAD);
    memcpy(c->rlimits, cur->rlimits, sizeof c->rlimits);
    proc_abi_inherit(c, cur);
    c->sig_blocked = cur->sig_blocked;
    if ((flags & (CLONE_VM | CLONE_VFORK)) != CLONE_VM) {
        c->altstack_sp = cur->altstack_sp;
        c->altstack_size = cur->altstack_size;
        c->altstack_flags = cur->altstack_flags;
    } else {
        c->altstack_flags = SS_DISABLE;     /* a new thread starts without an alternate stack */
    }
    if (flags & CLONE_THREAD) {
        c->leader = g;
        c->tgid = g->tgid;
        c->parent = NULL;       /* threads report to nobody; the group's parent is the leader's */
        c->live_threads = 0;
        c->exit_signal = -1;
        g->live_threads++;
    } else {
        c->parent = (flags & CLONE_PARENT) ? g->parent : g;
        c->exit_signal = (flags & CLONE_PARENT) ? g->exit_signal : r->exit_signal;
        memcpy(c->sig_actions, g->sig_actions, sizeof c->sig_actions);
        if (flags & CLONE_CLEAR_SIGHAND)
            for (int sig = 1; sig <= NSIG; sig++)
                if (c->sig_actions[sig].handler != SIG_IGN)
                    c->sig_actions[sig] = (struct k_sigaction){ SIG_DFL, 0, 0 };
    }
    if (flags & CLONE_CHILD_CLEARTID)
        c->clear_child_tid = r->ctid;
    /* As on Linux, a bad tid pointer does not undo the clone: the write is just skipped. */
    int32_t tid = c->pid;
    if (flags & CLONE_PARENT_SETTID)
        copy_to_user(r->ptid, &tid, 4);
    if (flags & CLONE_CHILD_SETTID)
        vm_write(c->mm, r->ctid, &tid, 4);
    c->state = PROC_RUNNABLE;
    sched_kick();
    if (flags & CLONE_VFORK)
        proc_vfork_wait(c);
    return tid;
}

/* The whole group has ended: report it to the parent as one process. */
static void thread_group_end(struct proc *g, int status)
{
    g->exit_status = status;
    proc_reparent_children(g);
    if (status & 0x7f)
        signal_notify_parent(g, CLD_KILLED, status & 0x7f);
    else
        signal_notify_parent(g, CLD_EXITED, (status >> 8) & 0xff);
    if (g->pid == 1) {
        kprintf("kernel: init exited with status %d\n", status);
        /* A real init must never end; spawn= test runs simply go on until all have exited. */
        if (proc_init_is_vital) {
            syscall_enosys_report();
            kprintf("kernel: powering off\n");
            arch_power_off(status != 0);
        }
    }
    /* Nobody will wait for it: a leader that already switched out is freed now (the
     * scheduler frees the running one, see proc_reap_orphan). */
    if (!g->parent && g != current())
        proc_free(g);
}

/* clear_child_tid and the robust list, while the old address space is still the current one. */
static void thread_mm_release(struct proc *p)
{
    if (!p->mm)
        return;
    futex_robust_release(p);
    p->robust_list = 0;
    if (p->clear_child_tid && p->mm->users > 1) {
        uint32_t zero = 0;
        if (copy_to_user(p->clear_child_tid, &zero, 4) == 0)
            futex_wake(p->clear_child_tid, 1, false);
    }
    p->clear_child_tid = 0;
}

void thread_exit(int status)
{
    struct proc *p = current(), *g = proc_group(p);
    proc_vfork_release(p);
    thread_mm_release(p);
    futex_forget(p);
    g->live_threads--;
    if (g->exec_thread)
        sched_wakeup(&g->live_threads);
    bool last = g->live_threads == 0;
    if (last)
        itimer_exit(g);     /* the process's timers end with its last thread */
    proc_release_resources(p);
    p->exit_status = status;
    /* As Linux does: exit_group's (or the fatal signal's) status, else the last thread's. */
    int gstatus = g->group_exiting ? g->group_exit_status : status;
    p->state = PROC_ZOMBIE;
    if (p != g) {
        g->utime += p->utime;
        g->stime += p->stime;
        p->parent = NULL;       /* freed by the scheduler once switched out */
    }
    if (last)
        thread_group_end(g, gstatus);
    if (p != g)
        p->leader = p;          /* detached: loops over g's threads no longer see it */
    sched_switch_out();
    kpanic("thread_exit: zombie %d was scheduled", p->pid);
}

/* exit_group, a fatal signal, or a kernel kill: the whole group ends with status. */
void proc_exit(int status)
{
    struct proc *p = current(), *g = proc_group(p);
    /* A thread killed by another's execve just goes; the group lives on. */
    if (!g->group_exiting && !(g->exec_thread && g->exec_thread != p)) {
        g->group_exiting = true;
        g->group_exit_status = status;
        for (int i = 0; i < NPROC; i++)
            if (&procs[i] != p && thread_in_group(&procs[i], g))
                signal_send_thread(&procs[i], SIGKILL, NULL);
    }
    thread_exit(status);
}

/* The caller (not the leader) becomes the process: it takes the leader's pid and place. */
static void thread_take_over(struct proc *p, struct proc *g)
{
    p->pid = g->pid;
    p->tgid = g->tgid;
    p->leader = p;
    p->parent = g->parent;
    p->exit_signal = g->exit_signal;
    p->live_threads = 1;
    p->start_ticks = g->start_ticks;
    p->utime += g->utime;
    p->stime += g->stime;
    p->cutime = g->cutime;
    p->cstime = g->cstime;
    p->group_stopped = g->group_stopped;
    p->stop_sig = g->stop_sig;
    p->stop_unreported = g->stop_unreported;
    p->cont_unreported = g->cont_unreported;
    itimer_move(p, g);
    memcpy(p->sig_actions, g->sig_actions, sizeof p->sig_actions);
    p->sig_shared_pending = g->sig_shared_pending;
    memcpy(p->sig_shared_info, g->sig_shared_info, sizeof p->sig_shared_info);
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state != PROC_FREE && procs[i].parent == g)
            procs[i].parent = p;
    g->parent = NULL;
    proc_free(g);
}

int thread_exec_prepare(struct proc *p)
{
    struct proc *g = proc_group(p);
    if (g->live_threads > 1) {
        if (g->group_exiting || g->exec_thread)
            return -EAGAIN;
        g->exec_thread = p;
        for (int i = 0; i < NPROC; i++)
            if (&procs[i] != p && thread_in_group(&procs[i], g))
                signal_send_thread(&procs[i], SIGKILL, NULL);
        while (g->live_threads > 1) {
            if (p->sig_pending & SIGBIT(SIGKILL)) {
                g->exec_thread = NULL;
                return -EINTR;      /* the group is being killed: the caller dies on return */
            }
            sched_sleep_uninterruptible(&g->live_threads);
        }
        g->exec_thread = NULL;
    }
    thread_mm_release(p);
    if (p != g)
        thread_take_over(p, g);
    /* Descriptors shared with another process (CLONE_FILES) are unshared by execve. */
    if (p->fdt && p->fdt->refs > 1) {
        struct fdtable *t = fdtable_dup(p->fdt);
        if (t) {
            p->fdt->refs--;
            p->fdt = t;
        }
    }
    return 0;
}

SYSCALL(exit) { thread_exit((int)((a[0] & 0xff) << 8)); }
SYSCALL(exit_group) { proc_exit((int)((a[0] & 0xff) << 8)); }
SYSCALL(gettid) { (void)a; return current()->pid; }

/* clone(flags, newsp, parent_tid, tls, child_tid): riscv's argument order. */
SYSCALL(clone)
{
    struct clone_req r = { a[0] & ~CLONE_CSIGNAL & 0xffffffffUL, (int)(a[0] & CLONE_CSIGNAL), a[1],
                           a[3], a[2], a[4] };
    /* Unknown flags are ignored by clone (only clone3 checks them). */
    r.flags &= ~(CLONE_DETACHED | CLONE_PTRACE | CLONE_UNTRACED | CLONE_IO | CLONE_SYSVSEM);
    if (r.exit_signal > NSIG)
        return -EINVAL;
    return thread_clone(&r);
}

struct clone_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
    uint64_t set_tid, set_tid_size, cgroup;
};
#define CLONE_ARGS_SIZE_VER0 64

SYSCALL(clone3)
{
    struct clone_args ca;
    uint64_t size = a[1];
    memset(&ca, 0, sizeof ca);
    if (size < CLONE_ARGS_SIZE_VER0)
        return -EINVAL;
    if (size > 4096)
        return -E2BIG;
    if (copy_from_user(&ca, a[0], size < sizeof ca ? size : sizeof ca))
        return -EFAULT;
    for (uint64_t off = sizeof ca; off < size; off++) {     /* a newer struct: the rest must be 0 */
        uint8_t b;
        if (copy_from_user(&b, a[0] + off, 1))
            return -EFAULT;
        if (b)
            return -E2BIG;
    }
    uint64_t known = 0xffffff00UL | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP;
    if (ca.flags & ~known)
        return -EINVAL;
    if (ca.exit_signal & ~CLONE_CSIGNAL || ca.exit_signal > NSIG)
        return -EINVAL;
    if ((ca.flags & (CLONE_THREAD | CLONE_PARENT)) && ca.exit_signal)
        return -EINVAL;
    if (ca.set_tid || ca.set_tid_size)
        return -EINVAL;
    if ((ca.stack == 0) != (ca.stack_size == 0))
        return -EINVAL;
    struct clone_req r = { ca.flags & ~(CLONE_DETACHED | CLONE_PTRACE | CLONE_UNTRACED | CLONE_IO |
                                        CLONE_SYSVSEM),
                           (int)ca.exit_signal, ca.stack ? ca.stack + ca.stack_size : 0,
                           ca.tls, ca.parent_tid, ca.child_tid };
    if (ca.flags & CLONE_DETACHED)
        return -EINVAL;     /* clone3 rejects the obsolete CLONE_DETACHED */
    return thread_clone(&r);
}
