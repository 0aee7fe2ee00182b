/* The scheduler: each hart loops picking the next runnable process round robin and
 * switch_context()s into it; a process gives the hart back by switching to that loop. */
#include "proc/syscall.h"
#include "proc/sched.h"
#include "proc/proc.h"
#include "proc/itimer.h"
#include "mm/vm.h"
#include "lib/panic.h"
#include "lib/errno.h"
#include "lib/trace.h"
#include "lib/spinlock.h"
#include "dev/console.h"
#include "fs/timerfd.h"

struct cpu cpus[MAX_HARTS];
uint32_t cpu_count;

static struct {
    unsigned hz;
    int last;               /* round-robin cursor */
    bool booted;            /* the first processes exist: an empty table now means the end */
} sched = { .hz = 100, .last = NPROC - 1 };  /* the first pick is slot 0 */

void sched_init_hart(uint32_t hartid, uint32_t index)
{
    struct cpu *c = &cpus[index];
    c->hartid = hartid;
    c->index = index;
    c->last_pid = TRACE_PID_IDLE;
    arch_set_this_cpu(c);
    __atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
    __atomic_fetch_add(&cpu_count, 1, __ATOMIC_RELAXED);
}

unsigned sched_hz(void) { return sched.hz; }
void sched_set_hz(unsigned hz) { sched.hz = hz; }
/* Ticks since boot, from the clock: an idle hart's timer may be late, the clock is not. */
uint64_t sched_ticks(void) { return arch_time_ns() / (1000000000ULL / sched.hz); }

static struct proc *sched_pick(void)
{
    uint64_t me = 1UL << this_cpu()->index;
    for (int n = 1; n <= NPROC; n++) {
        int i = (sched.last + n) % NPROC;
        /* sched_setaffinity: a process runs only on the harts of its mask (0: any). */
        if (procs[i].state == PROC_RUNNABLE && (!procs[i].abi.cpu_mask || (procs[i].abi.cpu_mask & me))) {
            sched.last = i;
            return &procs[i];
        }
    }
    return NULL;
}

static void sched_run(struct cpu *c, struct proc *p)
{
    kstat_inc(KSTAT_CONTEXT_SWITCHES);
    TRACE(TRACE_SWITCH, c->last_pid, (uint64_t)(int64_t)p->pid, 0, 0);
    c->last_pid = p->pid;
    c->run_since_ns = arch_time_ns();
    p->state = PROC_RUNNING;
    c->proc = p;
    c->need_resched = false;
    if (p->mm)
        vm_activate(p->mm);
    else    /* a kernel thread (proc/kthread.h): the kernel-only page table */
        arch_mm_activate(arch_kernel_root(), 0, false);
    arch_fpu_switch_in(p->tf, &p->fpu);
    switch_context(&c->sched_ctx, &p->ctx);
    /* p gave the hart back: it yielded, slept, or exited. */
    c->proc = NULL;
    if (p->mm)
        arch_fpu_switch_out(p->tf, &p->fpu);
    proc_reap_orphan(p);
}

/* Wait for an interrupt without the kernel lock, on the kernel-only page table (so no
 * address space that might be freed meanwhile stays loaded on an idle hart). */
static void sched_idle(struct cpu *c)
{
    arch_mm_activate(arch_kernel_root(), 0, false);
    __atomic_store_n(&c->idle, 1, __ATOMIC_RELEASE);
    kernel_lock_release();
    arch_wait_for_interrupt();
    kernel_lock_acquire();
    __atomic_store_n(&c->idle, 0, __ATOMIC_RELEASE);
}

/* One runnable process needs one hart: wake a single idle one (waking them all would only
 * have them queue for the kernel lock). */
void sched_kick(void)
{
    struct cpu *self = this_cpu();
    for (uint32_t i = 0; i < MAX_HARTS; i++) {
        /* Claim the idle hart, so the next kick (same lock hold) wakes another one. */
        uint32_t idle = 1;
        if (&cpus[i] != self && __atomic_compare_exchange_n(&cpus[i].idle, &idle, 0, false,
                                                            __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            arch_send_ipi(1UL << i);
            return;
        }
    }
}

void sched_boot_done(void)
{
    kernel_lock_acquire();
    sched.booted = true;
    kernel_lock_release();
}

void sched_loop(void)
{
    struct cpu *c = this_cpu();
    kernel_lock_acquire();
    for (;;) {
        struct proc *p = sched_pick();
        if (p) {
            sched_run(c, p);
            continue;
        }
        if (c->last_pid != TRACE_PID_IDLE) {
            TRACE(TRACE_SWITCH, c->last_pid, (uint64_t)(int64_t)TRACE_PID_IDLE, 0, 0);
            c->last_pid = TRACE_PID_IDLE;
        }
        if (sched.booted && proc_live_count() == 0) {
            syscall_enosys_report();
            kprintf("kernel: no processes left, powering off\n");
            arch_power_off(false);
        }
        sched_idle(c);
    }
}

void sched_switch_out(void)
{
    struct cpu *c = this_cpu();
    struct proc *p = c->proc;
    /* getrusage's context-switch counts: giving the hart up while still runnable is involuntary. */
    if (p->state == PROC_RUNNABLE)
        p->ru_self.nivcsw++;
    else if (p->state != PROC_ZOMBIE)
        p->ru_self.nvcsw++;
    switch_context(&p->ctx, &c->sched_ctx);
}

void sched_yield(void)
{
    current()->state = PROC_RUNNABLE;
    sched_switch_out();
}

int sched_sleep_on(const void *chan)
{
    struct proc *p = current();
    if (signal_pending(p))
        return -EINTR;
    p->wait_chan = chan;
    p->state = PROC_SLEEPING;
    sched_switch_out();
    p->wait_chan = NULL;
    return signal_pending(p) ? -EINTR : 0;
}

void sched_sleep_uninterruptible(const void *chan)
{
    struct proc *p = current();
    p->wait_chan = chan;
    p->state = PROC_SLEEPING;
    p->uninterruptible = true;
    sched_switch_out();
    p->uninterruptible = false;
    p->wait_chan = NULL;
}

void sched_wakeup(const void *chan)
{
    bool woke = false;
    for (int i = 0; i < NPROC; i++) {
        if (procs[i].state == PROC_SLEEPING && procs[i].wait_chan == chan) {
            procs[i].state = PROC_RUNNABLE;
            woke = true;
        }
    }
    if (woke)
        sched_kick();
}

static const char timed_sleep;

int sched_sleep_until(uint64_t deadline_ns)
{
    struct proc *p = current();
    int err = 0;
    while (!err && arch_time_ns() < deadline_ns) {
        p->wake_at_ns = deadline_ns;
        err = sched_sleep_on(&timed_sleep);
    }
    p->wake_at_ns = 0;
    return err;
}

int sched_sleep_on_until(const void *chan, uint64_t deadline_ns)
{
    struct proc *p = current();
    if (deadline_ns && arch_time_ns() >= deadline_ns)
        return signal_pending(p) ? -EINTR : -ETIMEDOUT;
    p->wake_at_ns = deadline_ns;
    int err = sched_sleep_on(chan);
    p->wake_at_ns = 0;
    if (!err && deadline_ns && arch_time_ns() >= deadline_ns)
        err = -ETIMEDOUT;
    return err;
}

static void sched_wake_timers(void)
{
    uint64_t now = arch_time_ns();
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        if (p->state == PROC_SLEEPING && p->wake_at_ns && p->wake_at_ns <= now) {
            p->state = PROC_RUNNABLE;
            sched_kick();
        }
    }
}

/* Every tick: charge the running process, wake expired sleepers, and ask the running
 * process to give up the hart (its time slice is one tick). */
void sched_tick(bool from_user, unsigned ticks)
{
    struct cpu *c = this_cpu();
    c->ticks += ticks;
    if (c->proc) {
        /* Intervals missed while this hart idled belong to nobody: charge the running process
         * at most for the time it has actually been here. */
        uint64_t here = (arch_time_ns() - c->run_since_ns) / (1000000000ULL / sched.hz) + 1;
        if (ticks > here)
            ticks = (unsigned)here;
        if (from_user)
            c->proc->utime += ticks;
        else
            c->proc->stime += ticks;
        c->need_resched = true;
    }
    itimer_tick(c->proc, from_user, c->proc ? ticks : 0);
    sched_wake_timers();
    timerfd_tick();
    console_poll();
}
