/* Processes: the table, creation from an executable, fork, exit and wait, fault handling. */
#ifndef PROC_PROC_H
#define PROC_PROC_H

#include <stdint.h>
#include <stdbool.h>
#include "arch.h"

#define NPROC 64
#define PROC_NAME_MAX 32

enum proc_state { PROC_FREE, PROC_EMBRYO, PROC_RUNNABLE, PROC_RUNNING, PROC_SLEEPING, PROC_ZOMBIE };

enum proc_fault { PROC_FAULT_SEGV, PROC_FAULT_BUS, PROC_FAULT_ILL, PROC_FAULT_TRAP };

struct mm;

struct proc {
    int pid;
    enum proc_state state;
    char name[PROC_NAME_MAX];
    struct context ctx;         /* kernel registers while switched out */
    struct trapframe *tf;       /* user registers, at the top of the kernel stack */
    uint64_t kstack_top;
    int slot;                   /* index in the table = kernel stack slot */
    struct mm *mm;
    struct proc *parent;
    const void *wait_chan;      /* what a SLEEPING process waits for */
    uint64_t wake_at_ns;        /* timed sleep deadline, 0 if none */
    int exit_status;            /* Linux wait status: (code << 8) or signal number */
    uint64_t utime, stime;      /* ticks spent in U-mode and S-mode */
    uint64_t cutime, cstime;    /* of reaped children */
    uint64_t start_ticks;
    uint64_t clear_child_tid;   /* set_tid_address / CLONE_CHILD_CLEARTID */
    struct fpu_state fpu;
};

extern struct proc procs[NPROC];

void proc_init(void);
/* Start a process running the executable at path (boot-time spawn and init). */
int proc_spawn(const char *path, struct proc *parent);
/* fork: a copy of the current process; returns the child's pid or -errno. */
int proc_fork(void);
/* exit: never returns. status is a Linux wait status. */
__attribute__((noreturn)) void proc_exit(int status);
/* wait4-style reaping: pid as in wait4 (-1 any child, >0 that child). */
int proc_wait(int pid, int *status, bool nohang);
/* A U-mode fault the process cannot recover from: report it and end the process. */
void proc_fault(struct proc *p, enum proc_fault kind, const char *what, uint64_t epc, uint64_t tval);
/* Last steps before sret to U-mode: reschedule if the tick asked for it. */
void proc_return_to_user(void);
/* Called by the scheduler once a process has switched out for good. */
void proc_reap_orphan(struct proc *p);
int proc_live_count(void);
struct proc *proc_find(int pid);

#endif
