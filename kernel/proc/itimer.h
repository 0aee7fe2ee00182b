/* Interval timers (setitimer/alarm), POSIX timers (timer_create...), and resource usage
 * figures (getrusage, wait4's rusage). See docs/processes.md, "Timers". */
#ifndef PROC_ITIMER_H
#define PROC_ITIMER_H

#include <stdint.h>
#include <stdbool.h>

struct proc;
struct k_siginfo;

#define SI_TIMER  (-2)
#define SI_KERNEL 0x80

/* The timer tick on this hart, after p (NULL when idle) was charged `ticks` ticks of user
 * (from_user) or system time: counts down p's CPU-time timers and fires expired wall-clock
 * timers. A compare of one pointer when no wall-clock timer is armed. */
void itimer_tick(struct proc *p, bool from_user, unsigned ticks);
/* A timer's signal (code SI_TIMER) is being delivered to p: fix its si_overrun and make it
 * the figure timer_getoverrun reports. */
void itimer_signal_taken(struct proc *p, struct k_siginfo *info);
/* execve: POSIX timers are deleted (interval timers stay); the old mm's peak RSS is kept. */
void itimer_exec(struct proc *p);
/* Another proc takes over from `from` as the process (a non-leader thread's execve): its
 * timers, CPU-time itimers, timer ids and usage figures move to `to`. Not called yet. */
void itimer_move(struct proc *to, struct proc *from);
/* exit: every timer of p is deleted; its peak RSS is sampled for the parent. */
void itimer_exit(struct proc *p);
/* wait4 reported child c to p: if reaped, add c's figures to p's children totals; in any
 * case remember c's figures (its own plus its children's) for wait4's rusage argument. */
void itimer_child_reported(struct proc *p, struct proc *c, bool reaped);
/* Copy the figures remembered by itimer_child_reported to user memory (struct rusage). */
int itimer_wait_rusage(struct proc *p, uint64_t urusage);
/* Memory is about to be unmapped: sample the peak RSS first (a page-table walk, done only if
 * a page fault happened since the last sample). */
void itimer_note_unmap(struct proc *p);
/* getrusage(who): 0 or -EINVAL/-EFAULT. */
long itimer_getrusage(struct proc *p, int64_t who, uint64_t urusage);

#endif
