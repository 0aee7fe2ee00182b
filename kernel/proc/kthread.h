/* Kernel threads: table entries with no user address space, no files and no parent that run
 * one kernel function on their own kernel stack (the write-back flusher). */
#ifndef PROC_KTHREAD_H
#define PROC_KTHREAD_H

#include <stdbool.h>

struct proc;

/* Start fn(arg) in a new kernel thread called name (shown in /proc as that name). It runs
 * holding the kernel lock like any kernel code, so it must sleep (sched_sleep_*) to let
 * others run; it never returns to user mode, never exits and is never a zombie. Signals are
 * discarded: kthread_clear_signals() before each sleep keeps a kill(-1) from waking it in a
 * loop. NULL when the process table is full. */
struct proc *kthread_start(const char *name, void (*fn)(void *), void *arg);
void kthread_clear_signals(void);
bool kthread_is(const struct proc *p);

#endif
