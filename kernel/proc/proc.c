/* The process table and the lifecycle: spawn, fork, exit, wait, fault.
 * One hart, interrupts off in the kernel: no locks yet (the SMP issue adds them). */
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/exec.h"
#include "mm/vm.h"
#include "mm/page.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "lib/panic.h"
#include "dev/console.h"

struct proc procs[NPROC];
static int next_pid = 1;

void proc_init(void)
{
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
        if (procs[i].state != PROC_FREE)
            n++;
    return n;
}

/* A new process's first switch_context lands here, on its own kernel stack. */
static void proc_first_run(void)
{
    trap_return_user(current()->tf);
}

static struct proc *proc_alloc(void)
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
    p->state = PROC_EMBRYO;
    p->start_ticks = sched_ticks();
    return p;
}

static void proc_free(struct proc *p)
{
    arch_kstack_unmap(p->slot);
    vm_destroy(p->mm);
    p->mm = NULL;
    p->state = PROC_FREE;
}

int proc_spawn(const char *path, struct proc *parent)
{
    struct proc *p = proc_alloc();
    if (!p)
        return -EAGAIN;
    const char *argv[] = { path, NULL };
    const char *envp[] = { "HOME=/", "PATH=/bin:/sbin:/usr/bin", "TERM=vt100", NULL };
    int err = exec_load(p, path, argv, envp);
    if (err) {
        proc_free(p);
        return err;
    }
    p->parent = parent;
    p->state = PROC_RUNNABLE;
    return p->pid;
}

int proc_fork(void)
{
    struct proc *parent = current();
    struct proc *child = proc_alloc();
    if (!child)
        return -EAGAIN;
    child->mm = vm_fork(parent->mm);
    if (!child->mm) {
        proc_free(child);
        return -ENOMEM;
    }
    *child->tf = *parent->tf;
    child->tf->a0 = 0;          /* fork returns 0 in the child */
    child->fpu = parent->fpu;
    kstrlcpy(child->name, parent->name, sizeof child->name);
    child->parent = parent;
    child->state = PROC_RUNNABLE;
    return child->pid;
}

/* Children of an exiting process go to init (pid 1), or are reaped by the kernel if there is none. */
static void proc_reparent_children(struct proc *p)
{
    struct proc *init = proc_find(1);
    if (init == p)
        init = NULL;
    for (int i = 0; i < NPROC; i++) {
        struct proc *c = &procs[i];
        if (c->state == PROC_FREE || c->parent != p)
            continue;
        c->parent = init;
        if (c->state == PROC_ZOMBIE) {
            if (init)
                sched_wakeup(init);
            else
                proc_free(c);
        }
    }
}

void proc_exit(int status)
{
    struct proc *p = current();
    vm_destroy(p->mm);
    p->mm = NULL;
    proc_reparent_children(p);
    p->exit_status = status;
    p->state = PROC_ZOMBIE;
    if (p->parent)
        sched_wakeup(p->parent);
    if (p->pid == 1)
        kprintf("kernel: init exited with status %d\n", status);
    sched_switch_out();
    kpanic("proc_exit: zombie %d was scheduled", p->pid);
}

void proc_reap_orphan(struct proc *p)
{
    if (p->state == PROC_ZOMBIE && !p->parent)
        proc_free(p);
}

static bool proc_wait_matches(struct proc *c, struct proc *parent, int pid)
{
    return c->state != PROC_FREE && c->parent == parent && (pid == -1 || c->pid == pid);
}

int proc_wait(int pid, int *status, bool nohang)
{
    struct proc *p = current();
    for (;;) {
        bool have_children = false;
        for (int i = 0; i < NPROC; i++) {
            struct proc *c = &procs[i];
            if (!proc_wait_matches(c, p, pid))
                continue;
            have_children = true;
            if (c->state != PROC_ZOMBIE)
                continue;
            int cpid = c->pid;
            *status = c->exit_status;
            p->cutime += c->utime + c->cutime;
            p->cstime += c->stime + c->cstime;
            proc_free(c);
            return cpid;
        }
        if (!have_children)
            return -ECHILD;
        if (nohang)
            return 0;
        sched_sleep_on(p);
    }
}

static int proc_fault_signal(enum proc_fault kind)
{
    switch (kind) {
    case PROC_FAULT_SEGV: return 11;  /* SIGSEGV */
    case PROC_FAULT_BUS: return 7;    /* SIGBUS */
    case PROC_FAULT_TRAP: return 5;   /* SIGTRAP */
    default: return 4;                /* SIGILL */
    }
}

void proc_fault(struct proc *p, enum proc_fault kind, const char *what, uint64_t epc, uint64_t tval)
{
    kprintf("kernel: pid %d (%s) killed: %s sepc=%#lx stval=%#lx\n", p->pid, p->name, what, epc, tval);
    proc_exit(proc_fault_signal(kind));
}

void proc_return_to_user(void)
{
    if (this_cpu()->need_resched)
        sched_yield();
}
