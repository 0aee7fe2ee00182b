/* Kernel threads (see kthread.h): a proc_alloc'd slot whose first switch lands in
 * kthread_first_run instead of the return to user mode. */
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "lib/kstring.h"

/* What each kernel thread runs, by table slot (no field in struct proc is needed). */
static struct { void (*fn)(void *); void *arg; bool used; } kthreads[NPROC];

bool kthread_is(const struct proc *p)
{
    return p->slot >= 0 && p->slot < NPROC && kthreads[p->slot].used;
}

void kthread_clear_signals(void)
{
    struct proc *p = current();
    p->sig_pending = 0;
    p->sig_shared_pending = 0;
}

/* The new thread's first switch_context lands here, holding the kernel lock. */
static void kthread_first_run(void)
{
    struct proc *p = current();
    kthreads[p->slot].fn(kthreads[p->slot].arg);
    /* A kernel thread function that returns just sleeps for good: it has nothing to exit to. */
    for (;;) {
        kthread_clear_signals();
        sched_sleep_until(UINT64_MAX);
    }
}

struct proc *kthread_start(const char *name, void (*fn)(void *), void *arg)
{
    struct proc *p = proc_alloc();
    if (!p)
        return NULL;
    kstrlcpy(p->name, name, sizeof p->name);
    kthreads[p->slot].fn = fn;
    kthreads[p->slot].arg = arg;
    kthreads[p->slot].used = true;
    arch_context_init(&p->ctx, (uint64_t)p->tf, kthread_first_run);
    p->sig_blocked = ~0ull;
    p->parent = NULL;
    p->state = PROC_RUNNABLE;
    sched_kick();
    return p;
}
