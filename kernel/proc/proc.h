/* Processes: the table, creation from an executable, fork, exit and wait, fault handling. */
#ifndef PROC_PROC_H
#define PROC_PROC_H

#include <stdint.h>
#include <stdbool.h>
#include "arch.h"
#include "proc/signal.h"

#define NPROC 128
#define PROC_NAME_MAX 32
/* setrlimit resources that the kernel enforces (the table holds all 16), Linux's numbers. */
#define RLIM_INFINITY (~0UL)
#define RLIMIT_FSIZE  1
#define RLIMIT_STACK  3
#define RLIMIT_NPROC  6
#define RLIMIT_NOFILE 7
/* What uname and /proc/sys/kernel report: Linux to programs that check (glibc parses the release). */
#define PROC_UNAME_SYSNAME "Linux"
#define PROC_UNAME_RELEASE "6.1.0-rvix"

enum proc_state { PROC_FREE, PROC_EMBRYO, PROC_RUNNABLE, PROC_RUNNING, PROC_SLEEPING, PROC_STOPPED,
                  PROC_ZOMBIE };

enum proc_fault {
    PROC_FAULT_SEGV,        /* no mapping there */
    PROC_FAULT_SEGV_ACCESS, /* mapped, but not for this access */
    PROC_FAULT_BUS, PROC_FAULT_ILL, PROC_FAULT_TRAP,
    PROC_FAULT_OOM,         /* no memory to resolve a page fault */
};

struct mm;
struct fdtable;
struct inode;

struct proc {
    int pid;
    enum proc_state state;
    char name[PROC_NAME_MAX];
    struct context ctx;         /* kernel registers while switched out */
    struct trapframe *tf;       /* user registers, at the top of the kernel stack */
    uint64_t kstack_top;
    int slot;                   /* index in the table = kernel stack slot */
    struct mm *mm;
    struct fdtable *fdt;        /* open files */
    struct inode *cwd;          /* current directory */
    uint32_t umask;
    char exe[128];              /* path of the running program (/proc/<pid>/exe) */
    char cmdline[128];          /* argv joined by NULs (/proc/<pid>/cmdline) */
    uint32_t cmdline_len;
    struct proc *parent;
    const void *wait_chan;      /* what a SLEEPING process waits for */
    bool uninterruptible;       /* signals do not end this sleep (SIGKILL is checked by the sleeper) */
    uint64_t wake_at_ns;        /* timed sleep deadline, 0 if none */
    int exit_status;            /* Linux wait status: (code << 8) or signal number */
    uint64_t utime, stime;      /* ticks spent in U-mode and S-mode */
    uint64_t cutime, cstime;    /* of reaped children */
    uint64_t start_ticks;
    uint64_t clear_child_tid;   /* set_tid_address / CLONE_CHILD_CLEARTID */
    struct fpu_state fpu;
    int pgid, sid;              /* process group and session */
    /* Signals */
    uint64_t sig_pending, sig_blocked;
    uint64_t sig_saved_mask;    /* mask to restore after rt_sigsuspend's handler */
    bool sig_saved_valid;
    struct k_sigaction sig_actions[NSIG + 1];
    struct k_siginfo sig_info[NSIG + 1];
    uint64_t altstack_sp, altstack_size;
    int altstack_flags;
    int stop_sig;               /* signal that stopped us, for wait4(WUNTRACED) */
    bool stop_unreported, cont_unreported;
    /* The system call being returned from, for -EINTR/restart decisions. */
    bool in_syscall;
    uint64_t syscall_a0;
    /* The last unrecoverable fault, reported if its signal kills the process. */
    const char *fault_what;
    uint64_t fault_epc, fault_tval;
    uint64_t robust_list, robust_len;
    bool did_exec;              /* setpgid on a child that has exec'd is refused */
    struct proc *vfork_parent;  /* suspended in vfork until this child execs or exits */
    uint64_t rlimits[16][2];

    /* -- threads and futex: kernel/proc/thread.c, futex.c -- */
    int tgid;                   /* thread group id = the leader's pid (getpid) */
    struct proc *leader;        /* group leader (a leader points to itself); see proc_group */
    int exit_signal;            /* sent to the parent when the group ends (SIGCHLD for fork) */
    int fs_group;               /* CLONE_FS: threads with the same id share cwd and umask */
    bool group_stop_req;        /* a group stop asks this thread to stop before user mode */
    /* In the leader only: */
    int live_threads;           /* threads of the group not yet exited */
    bool group_exiting;         /* exit_group or a fatal signal is ending the group */
    int group_exit_status;
    bool group_stopped;         /* the group is stopped by a stop signal */
    struct proc *exec_thread;   /* a thread in execve waiting for the others to die */
    uint64_t sig_shared_pending;                /* process-directed signals */
    struct k_siginfo sig_shared_info[NSIG + 1];
    /* futex waiting (kernel/proc/futex.c) */
    int futex_kind;             /* 0 not waiting, 1 private (mm, addr), 2 shared (phys addr) */
    uint64_t futex_k1, futex_k2;
    uint32_t futex_bitset;
    uint64_t futex_seq;         /* FIFO order of waiters */
    bool futex_woken;
    /* (end of threads) */

    /* -- polling and event fds: kernel/fs/poll.c, epoll.c, eventfd.c, signalfd.c, timerfd.c -- */
    /* (end of poll) */

    /* -- interval and POSIX timers: kernel/proc/itimer.c -- */
    /* ITIMER_VIRTUAL / ITIMER_PROF: expiry in CPU-time ns (user / user+system), 0 = off. */
    uint64_t it_virt_expires, it_virt_incr, it_prof_expires, it_prof_incr;
    int it_cpu_posix;           /* armed POSIX timers on a CPU-time clock */
    int it_next_id;             /* next timer_create id */
    /* A relative sleep interrupted by a signal without handler resumes here (restart_syscall). */
    uint64_t it_restart_deadline, it_restart_rmtp;
    bool it_restart_valid;
    uint64_t it_rss_minflt;     /* ru_self.minflt when the peak RSS was last sampled */
    /* Resource usage: own figures, reaped children's totals, and the child wait4 last reported. */
    struct proc_rusage { uint64_t utime, stime, maxrss_kib, minflt, majflt, nvcsw, nivcsw; }
        ru_self, ru_children, ru_reported;
    /* (end of timers) */

    /* -- the everyday ABI: mount, statfs, sched_*, prctl, ... (kernel/fs/mount.c, kernel/proc/sys_sched.c) -- */
#define PROC_SCHED_RESET_ON_FORK 0x40000000
    struct {
        uint64_t cpu_mask;      /* sched_setaffinity: cpus[] indices it may run on; 0 means all */
        int nice;               /* -20..19 (setpriority) */
        int policy;             /* SCHED_OTHER, SCHED_BATCH or SCHED_IDLE (| SCHED_RESET_ON_FORK) */
        int pdeathsig;          /* PR_SET_PDEATHSIG: sent when the parent exits */
        bool undumpable;        /* PR_SET_DUMPABLE 0 */
        bool membarrier_private;    /* MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED done */
        bool membarrier_global;     /* MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED done */
    } abi;                      /* clone copies it (proc_abi_inherit), minus pdeathsig */
    struct {                    /* credentials (kernel/proc/sys_cred.c); all zero: root, full caps */
        uint32_t ruid, euid, suid, fsuid, rgid, egid, sgid, fsgid;
        uint32_t ngroups;
        uint32_t groups[32];
        uint64_t caps_dropped_eff, caps_dropped_perm;   /* capability bits taken away */
        uint64_t caps_inh;
        uint32_t personality;
    } cred;                     /* fork copies it */
    /* (end of abi) */

    /* -- page cache and file mappings: kernel/mm/pagecache.c, sys_mm.c -- */
    /* (end of mm) */

    /* -- dynamic linking: kernel/proc/exec.c -- */
    /* (end of dynlink) */
};

extern struct proc *procs;      /* NPROC entries, allocated by proc_init */
/* Set when pid 1 is the system's init (init=, /init): its exit powers the machine off. */
extern bool proc_init_is_vital;

void proc_init(void);
/* Start a process running the executable at path (boot-time spawn and init). */
int proc_spawn(const char *path, struct proc *parent);
/* clone: what a new thread or process inherits of the scheduling and prctl state. */
void proc_abi_inherit(struct proc *child, const struct proc *parent);
void proc_vfork_wait(struct proc *child);
/* A vfork child has exec'd or is exiting: give the parent back its address space. */
void proc_vfork_release(struct proc *child);
/* exit: never returns. status is a Linux wait status. */
__attribute__((noreturn)) void proc_exit(int status);
/* wait4-style reaping: pid -1 any child, >0 that child, 0 own group, <-1 group -pid.
 * Returns the pid, 0 (WNOHANG and nothing to report), -ECHILD or -ERESTARTSYS. */
#define WAIT_NOHANG    1
#define WAIT_UNTRACED  2
#define WAIT_CONTINUED 8
int proc_wait(int pid, int *status, int options);
#define WAITID_EXITED  4
#define WAITID_NOWAIT  0x01000000
/* waitid: idtype 0 (P_ALL) any child, 1 (P_PID) child id, 2 (P_PGID) children in group id; options
 * WAIT_NOHANG | WAIT_UNTRACED (WSTOPPED) | WAITID_EXITED | WAIT_CONTINUED | WAITID_NOWAIT.
 * 1 with *info filled, 0 (WNOHANG, nothing yet), -ECHILD or -ERESTARTSYS. */
int proc_waitid(int idtype, int id, int options, struct k_siginfo *info);
/* A U-mode fault: raise the matching signal (SIGSEGV, SIGBUS, SIGILL...) with si_addr. */
void proc_fault(struct proc *p, enum proc_fault kind, const char *what, uint64_t epc, uint64_t tval);
/* Last steps before sret to U-mode: reschedule if the tick asked for it, deliver signals. */
void proc_return_to_user(void);
/* Called by the scheduler once a process has switched out for good. */
void proc_reap_orphan(struct proc *p);
int proc_live_count(void);
struct proc *proc_find(int pid);
/* The signal-return trampoline page shared by every process (allocated on first use). */
void *proc_signal_page(void);
/* The thread group leader of p (p itself for a single-threaded process). */
static inline struct proc *proc_group(struct proc *p) { return p->leader ? p->leader : p; }
/* Table slots for kernel/proc/thread.c: a fresh EMBRYO proc, and freeing one. */
struct proc *proc_alloc(void);
void proc_free(struct proc *p);
/* Everything a process holds besides its kernel stack (files, cwd, mm). */
void proc_release_resources(struct proc *p);
/* Children of p go to init (the group ended). */
void proc_reparent_children(struct proc *p);

#endif
