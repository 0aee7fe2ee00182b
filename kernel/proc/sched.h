/* Per-hart state and the scheduler: round robin over runnable processes, driven by the timer tick. */
#ifndef PROC_SCHED_H
#define PROC_SCHED_H

#include <stdint.h>
#include <stdbool.h>
#include "arch.h"

struct proc;

struct cpu {
    uint64_t trap_stack_top;    /* first: trapvec.S finds these at 0(tp) and 8(tp). */
    uint64_t trap_stack_bottom; /* kernel-mode traps save their frame on this stack */
    struct proc *proc;          /* running process; NULL while in the scheduler loop */
    struct context sched_ctx;   /* where switch_context resumes the scheduler loop */
    uint32_t hartid;
    uint32_t index;             /* position in cpus[] */
    bool online;
    uint32_t idle;              /* 1: waiting in wfi without the kernel lock (a word: RV64 has no byte CAS) */
    int intr_depth;             /* intr_push nesting */
    bool intr_was_on;
    bool need_resched;          /* set by the tick, acted on before returning to U-mode */
    uint64_t ticks;
    int last_pid;               /* who last ran here (for the trace's switch events) */
    uint64_t run_since_ns;      /* when the running process was switched in */
};

extern struct cpu cpus[MAX_HARTS];
extern uint32_t cpu_count;      /* harts brought online */

static inline struct cpu *this_cpu(void) { return arch_this_cpu(); }
static inline struct proc *current(void) { return this_cpu()->proc; }

void sched_init_hart(uint32_t hartid, uint32_t index);
/* Wake idle harts so they look for work (a process just became runnable). */
void sched_kick(void);
__attribute__((noreturn)) void sched_loop(void);
/* Boot has started its processes; from now on a hart finding none left powers off. */
void sched_boot_done(void);
void sched_yield(void);                    /* stay runnable, let others run */
void sched_switch_out(void);               /* caller already set a non-running state */
/* Block until sched_wakeup(chan); returns -EINTR (at once, or on waking) if a signal is pending. */
int sched_sleep_on(const void *chan);
/* Block until sched_wakeup(chan) whatever signals arrive (vfork's parent). */
void sched_sleep_uninterruptible(const void *chan);
void sched_wakeup(const void *chan);
/* Block until the monotonic clock reaches deadline_ns; 0, or -EINTR for a signal. */
int sched_sleep_until(uint64_t deadline_ns);
/* Block until sched_wakeup(chan) or the monotonic clock reaches deadline_ns (0: no deadline):
 * 0 (woken), -ETIMEDOUT (the deadline has passed) or -EINTR (a signal is pending). */
int sched_sleep_on_until(const void *chan, uint64_t deadline_ns);
void sched_tick(bool from_user, unsigned ticks);  /* timer interrupt on this hart */
uint64_t sched_ticks(void);                /* ticks since boot */
unsigned sched_hz(void);
void sched_set_hz(unsigned hz);

#endif
