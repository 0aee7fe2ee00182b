/* The process table and the lifecycle: spawn, fork, exit, wait, fault.
 * All of it runs under the kernel lock (lib/spinlock.h), with interrupts off. */
#include "proc/proc.h"
#include "proc/kthread.h"
#include "proc/syscall.h"
#include "proc/sched.h"
#include "proc/exec.h"
#include "proc/itimer.h"
#include "mm/vm.h"
#include "mm/kvm.h"
#include "mm/page.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "lib/panic.h"
#include "dev/console.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"
#include "lib/trace.h"
#include "lib/spinlock.h"

/* Allocated at boot (proc_init), not in .bss: the table is megabytes, and an image whose
 * .bss ends past 32 MiB from its load address would cover the device tree that OpenSBI's
 * fw_jump puts at a fixed place there (docs/boot.md). */
struct proc *procs;
bool proc_init_is_vital;
static int next_pid = 1;

void proc_init(void)
{
    procs = kvm_alloc(NPROC * sizeof *procs);
    if (!procs)
        kpanic("no memory for the process table (%lu bytes)", NPROC * sizeof *procs);
    for (int i = 0; i < NPROC; i++)
        procs[i].slot = i;
}

struct proc *proc_find(int pid)
{
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state != PROC_FREE && procs[i].pid == pid)
            return &procs[i];
    return NULL;
}

int proc_live_count(void)
{
    int n = 0;
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state != PROC_FREE && !kthread_is(&procs[i]))  /* the flusher never ends */
            n++;
    return n;
}


static void proc_default_rlimits(struct proc *p)
{
    for (int i = 0; i < 16; i++)
        p->rlimits[i][0] = p->rlimits[i][1] = RLIM_INFINITY;
    p->rlimits[RLIMIT_STACK][0] = USER_STACK_SIZE;
    p->rlimits[RLIMIT_STACK][1] = USER_STACK_SIZE;
    p->rlimits[RLIMIT_NPROC][0] = p->rlimits[RLIMIT_NPROC][1] = NPROC;
    p->rlimits[RLIMIT_NOFILE][0] = p->rlimits[RLIMIT_NOFILE][1] = NOFILE;
}

void *proc_signal_page(void)
{
    static void *page;
    if (!page) {
        page = page_alloc();
        if (page)
            arch_signal_page_fill(page);
    }
    return page;
}

/* Processes started by the kernel get the console as descriptors 0, 1 and 2. */
static int proc_open_console(struct fdtable *t)
{
    struct inode *ino;
    int err = vfs_lookup(NULL, "/dev/console", LOOKUP_FOLLOW, &ino);
    if (err)
        return 0;   /* no /dev yet: the program runs without standard descriptors */
    for (int fd = 0; fd < 3 && !err; fd++) {
        struct file *f = file_open_inode(ino, O_RDWR, &err);
        if (f)
            fd_install(t, fd, f, false);
    }
    inode_put(ino);
    return err;
}

/* A new process's first switch_context lands here, on its own kernel stack. */
static void proc_first_run(void)
{
    proc_return_to_user();      /* signals sent before the first run act now */
    TRACE(TRACE_TRAP_RETURN, current()->pid, current()->tf->epc, 0, 0);
    kernel_lock_release();
    trap_return_user(current()->tf);
}

struct proc *proc_alloc(void)
{
    struct proc *p = NULL;
    for (int i = 0; i < NPROC && !p; i++)
        if (procs[i].state == PROC_FREE)
            p = &procs[i];
    if (!p)
        return NULL;
    int slot = p->slot;
    memset(p, 0, sizeof *p);
    p->slot = slot;
    if (!arch_kstack_map(slot, &p->kstack_top))
        return NULL;
    p->tf = (struct trapframe *)(p->kstack_top - sizeof(struct trapframe));
    arch_context_init(&p->ctx, (uint64_t)p->tf, proc_first_run);
    p->pid = next_pid++;
    p->tgid = p->pid;
    p->leader = p;
    p->live_threads = 1;
    p->exit_signal = SIGCHLD;
    p->fs_group = p->pid;
    p->state = PROC_EMBRYO;
    p->start_ticks = sched_ticks();
    p->altstack_flags = 2;      /* SS_DISABLE */
    proc_default_rlimits(p);
    return p;
}

/* Everything a process holds besides its kernel stack: files, directory, memory. */
void proc_release_resources(struct proc *p)
{
    fdtable_free(p->fdt);
    p->fdt = NULL;
    inode_put(p->cwd);
    p->cwd = NULL;
    vm_put(p->mm);
    p->mm = NULL;
}

void proc_free(struct proc *p)
{
    arch_kstack_unmap(p->slot);
    proc_release_resources(p);
    p->state = PROC_FREE;
}

int proc_spawn(const char *path, struct proc *parent)
{
    struct proc *p = proc_alloc();
    if (!p)
        return -EAGAIN;
    const char *argv[] = { path, NULL };
    const char *envp[] = { "HOME=/", "PATH=/bin:/sbin:/usr/bin", "TERM=vt100", NULL };
    p->umask = 022;
    p->cwd = inode_get(vfs_root());
    p->fdt = fdtable_new();
    int err = p->fdt ? proc_open_console(p->fdt) : -ENOMEM;
    if (!err)
        err = exec_load(p, path, argv, envp);
    if (err) {
        proc_free(p);
        return err;
    }
    p->parent = parent;
    p->pgid = p->sid = p->pid;
    p->state = PROC_RUNNABLE;
    return p->pid;
}

void proc_abi_inherit(struct proc *child, const struct proc *parent)
{
    child->abi = parent->abi;
    child->abi.pdeathsig = 0;
    child->cred = parent->cred;
    if (child->abi.policy & PROC_SCHED_RESET_ON_FORK) {     /* back to SCHED_OTHER, nice >= 0 */
        child->abi.policy = 0;
        child->abi.nice = child->abi.nice < 0 ? 0 : child->abi.nice;
    }
}

/* Children of an exiting process go to init (pid 1), or are reaped by the kernel if there is none. */
void proc_reparent_children(struct proc *p)
{
    struct proc *init = proc_find(1);
    if (init == p)
        init = NULL;
    for (int i = 0; i < NPROC; i++) {
        struct proc *c = &procs[i];
        if (c->state == PROC_FREE || c->parent != p)
            continue;
        c->parent = init;
        if (c->abi.pdeathsig && c->state != PROC_ZOMBIE)
            signal_send(c, c->abi.pdeathsig, NULL);
        /* A zombie leader whose threads still run is reported when the last one ends. */
        if (c->state == PROC_ZOMBIE && c->live_threads == 0) {
            if (init)
                signal_notify_parent(c, (c->exit_status & 0x7f) ? CLD_KILLED : CLD_EXITED,
                                     (c->exit_status & 0x7f) ? c->exit_status & 0x7f
                                                             : (c->exit_status >> 8) & 0xff);
            if (!c->parent)
                proc_free(c);
        }
    }
}

void proc_vfork_release(struct proc *child)
{
    if (child->vfork_parent) {
        sched_wakeup(&child->vfork_parent);
        child->vfork_parent = NULL;
    }
}

/* vfork's parent sleeps (only SIGKILL can end the wait early) until the child lets go. */
void proc_vfork_wait(struct proc *child)
{
    struct proc *p = current();
    child->vfork_parent = p;
    while (child->vfork_parent == p && !(p->sig_pending & SIGBIT(SIGKILL)))
        sched_sleep_uninterruptible(&child->vfork_parent);
}

void proc_reap_orphan(struct proc *p)
{
    if (p->state == PROC_ZOMBIE && !p->parent && p->live_threads == 0)
        proc_free(p);
}

#define WAIT_CLONE 0x80000000   /* __WCLONE: only children reporting with a signal other than SIGCHLD */
#define WAIT_ALL   0x40000000   /* __WALL */

static bool proc_wait_matches(struct proc *c, struct proc *parent, int pid, int options)
{
    if (c->state == PROC_FREE || c->parent != parent || c->leader != c)
        return false;
    if (!(options & WAIT_ALL) && ((c->exit_signal != SIGCHLD) != !!(options & WAIT_CLONE)))
        return false;
    if (pid == -1)
        return true;
    if (pid > 0)
        return c->pid == pid;
    return c->pgid == (pid == 0 ? parent->pgid : -pid);
}

/* wait4 and waitid share these: a whole group has ended, a stop is unreported, a reaping. */
static bool proc_child_exited(const struct proc *c)
{
    return c->state == PROC_ZOMBIE && c->live_threads == 0;
}

static bool proc_child_stop_unreported(const struct proc *c)
{
    return (c->state == PROC_STOPPED || c->group_stopped) && c->stop_unreported;
}

static void proc_reap_child(struct proc *p, struct proc *c)
{
    itimer_child_reported(p, c, true);
    p->cutime += c->utime + c->cutime;
    p->cstime += c->stime + c->cstime;
    proc_free(c);
}

/* What wait4 would report for c now: 1 and *status, or 0 for nothing. Zombies are freed. */
static int proc_wait_report(struct proc *p, struct proc *c, int options, int *status)
{
    if (proc_child_exited(c)) {
        *status = c->exit_status;
        proc_reap_child(p, c);
        return 1;
    }
    if ((options & WAIT_UNTRACED) && proc_child_stop_unreported(c)) {
        c->stop_unreported = false;
        itimer_child_reported(p, c, false);
        *status = (c->stop_sig << 8) | 0x7f;
        return 1;
    }
    if ((options & WAIT_CONTINUED) && c->cont_unreported) {
        c->cont_unreported = false;
        itimer_child_reported(p, c, false);
        *status = 0xffff;
        return 1;
    }
    return 0;
}

int proc_wait(int pid, int *status, int options)
{
    struct proc *p = proc_group(current());    /* any thread waits for the group's children */
    bool interrupted = false;
    for (;;) {
        bool have_children = false;
        for (int i = 0; i < NPROC; i++) {
            struct proc *c = &procs[i];
            if (!proc_wait_matches(c, p, pid, options))
                continue;
            have_children = true;
            int cpid = c->pid;
            if (proc_wait_report(p, c, options, status))
                return cpid;
        }
        if (!have_children)
            return -ECHILD;
        if (options & WAIT_NOHANG)
            return 0;
        /* A signal (often the child's own SIGCHLD) ends the wait only after one more look. */
        if (interrupted)
            return -ERESTARTSYS;
        interrupted = sched_sleep_on(p) != 0;
    }
}

/* waitid's view of c: fills *info and returns 1 if c has an event the options ask for.
 * WNOWAIT leaves the event (and the zombie) to be reported again. */
static int proc_waitid_report(struct proc *p, struct proc *c, int options, struct k_siginfo *info)
{
    bool keep = options & WAITID_NOWAIT;
    *info = (struct k_siginfo){ .signo = SIGCHLD, .pid = c->tgid, .uid = (int32_t)c->cred.ruid,
                                .utime = c->utime, .stime = c->stime };
    if (proc_child_exited(c)) {
        if (!(options & WAITID_EXITED))
            return 0;
        int st = c->exit_status;
        if ((st & 0x7f) == 0) {
            info->code = CLD_EXITED;
            info->status = (st >> 8) & 0xff;
        } else {
            info->code = (st & 0x80) ? 3 /* CLD_DUMPED */ : CLD_KILLED;
            info->status = st & 0x7f;
        }
        if (keep)
            itimer_child_reported(p, c, false);
        else
            proc_reap_child(p, c);
        return 1;
    }
    if ((options & WAIT_UNTRACED) && proc_child_stop_unreported(c)) {
        c->stop_unreported = keep;
        itimer_child_reported(p, c, false);
        info->code = CLD_STOPPED;
        info->status = c->stop_sig;
        return 1;
    }
    if ((options & WAIT_CONTINUED) && c->cont_unreported) {
        c->cont_unreported = keep;
        itimer_child_reported(p, c, false);
        info->code = CLD_CONTINUED;
        info->status = SIGCONT;
        return 1;
    }
    return 0;
}

int proc_waitid(int idtype, int id, int options, struct k_siginfo *info)
{
    struct proc *p = proc_group(current());     /* children belong to the whole thread group */
    bool interrupted = false;
    for (;;) {
        bool have_children = false;
        for (int i = 0; i < NPROC; i++) {
            struct proc *c = &procs[i];
            if (c->state == PROC_FREE || c->parent != p || (idtype == 1 && c->pid != id) ||
                (idtype == 2 && c->pgid != id))
                continue;
            have_children = true;
            if (proc_waitid_report(p, c, options, info))
                return 1;
        }
        if (!have_children)
            return -ECHILD;
        if (options & WAIT_NOHANG)
            return 0;
        if (interrupted)
            return -ERESTARTSYS;
        interrupted = sched_sleep_on(p) != 0;
    }
}

void proc_fault(struct proc *p, enum proc_fault kind, const char *what, uint64_t epc, uint64_t tval)
{
    p->fault_what = what;
    p->fault_epc = epc;
    p->fault_tval = tval;
    switch (kind) {
    case PROC_FAULT_SEGV: signal_force(SIGSEGV, SEGV_MAPERR, tval); break;
    case PROC_FAULT_SEGV_ACCESS: signal_force(SIGSEGV, SEGV_ACCERR, tval); break;
    case PROC_FAULT_BUS: signal_force(SIGBUS, BUS_ADRALN, tval); break;
    case PROC_FAULT_TRAP: signal_force(SIGTRAP, TRAP_BRKPT, epc); break;
    case PROC_FAULT_OOM:
        p->fault_what = "out of memory";
        signal_force(SIGKILL, SI_USER, tval);
        break;
    default: signal_force(SIGILL, ILL_ILLOPC, epc); break;
    }
}

void proc_return_to_user(void)
{
    struct proc *p = current();
    if (this_cpu()->need_resched)
        sched_yield();
    /* Signal work only when a signal is pending, a sigsuspend mask waits to be put back, or
     * the system call asks to be restarted: the common return skips it entirely. */
    if (p->sig_pending || proc_group(p)->sig_shared_pending || p->group_stop_req || p->sig_saved_valid ||
        (p->in_syscall && signal_restart_pending(p)))
        signal_deliver();
    p->in_syscall = false;
    /* A handler that returns normally clears the record of the fault it was raised for. */
    p->fault_what = NULL;
}
