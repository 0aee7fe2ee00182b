/* Signals: Linux numbering and semantics (actions, masks, default actions, stop/continue). */
#ifndef PROC_SIGNAL_H
#define PROC_SIGNAL_H

#include <stdint.h>
#include <stdbool.h>

#define NSIG 64
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGXFSZ 25
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGSYS 31

#define SIG_DFL 0UL
#define SIG_IGN 1UL

#define SA_NOCLDSTOP 0x00000001UL
#define SA_NOCLDWAIT 0x00000002UL
#define SA_SIGINFO   0x00000004UL
#define SA_ONSTACK   0x08000000UL
#define SA_RESTART   0x10000000UL
#define SA_NODEFER   0x40000000UL
#define SA_RESETHAND 0x80000000UL

/* si_code values */
#define SI_USER      0
#define SI_TKILL     (-6)
#define SEGV_MAPERR  1
#define SEGV_ACCERR  2
#define BUS_ADRALN   1
#define BUS_ADRERR   2
#define ILL_ILLOPC   1
#define TRAP_BRKPT   1
#define CLD_EXITED   1
#define CLD_KILLED   2
#define CLD_STOPPED  5
#define CLD_CONTINUED 6

/* Internal: the system call was interrupted; restart it or return EINTR depending on SA_RESTART. */
#define ERESTARTSYS    512
/* Internal: return EINTR if a handler runs, restart otherwise (nanosleep, sigsuspend). */
#define ERESTARTNOHAND 514
/* Internal: return EINTR if a handler runs, else resume through restart_syscall (relative sleeps). */
#define ERESTART_RESTARTBLOCK 516

#define SIGBIT(sig) (1UL << ((sig) - 1))
#define SIG_UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

struct k_sigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t mask;
};

struct k_siginfo {
    int32_t signo, errno_, code;
    int32_t pid, uid, status;
    uint64_t addr;
    uint64_t utime, stime;
    int32_t timer_id, overrun;  /* SI_TIMER: si_tid, si_overrun */
    uint64_t value;             /* si_value (SI_TIMER) */
};

struct proc;

/* Queue sig for p (one pending instance per signal, as for Linux standard signals). */
void signal_send(struct proc *p, int sig, const struct k_siginfo *info);
/* Queue sig for the thread t only (tgkill, faults, SIGEV_THREAD_ID). signal_send is
 * process-directed: it goes to p's group and is taken by one thread that does not block it. */
void signal_send_thread(struct proc *t, int sig, const struct k_siginfo *info);
/* A fault: deliver sig to the current process even if it is blocked or ignored. */
void signal_force(int sig, int code, uint64_t addr);
bool signal_pending(struct proc *p);
/* Take the lowest-numbered pending signal of p that is in mask (blocked or not) with its
 * siginfo, as signalfd reads them: the signal number, or 0 if none is pending. */
int signal_dequeue(struct proc *p, uint64_t mask, struct k_siginfo *info);
/* Did the system call being returned from end with an internal restart code? */
bool signal_restart_pending(struct proc *p);
/* On the way back to U-mode: act on pending signals (run handlers, stop, or terminate).
 * syscall_ret is the result the interrupted system call produced, for restart decisions. */
void signal_deliver(void);
/* execve: handlers reset to default, ignored stay ignored. */
void signal_exec_reset(struct proc *p);
/* Is sig's current disposition in p "ignore" (explicit or by default)? */
bool signal_ignored(struct proc *p, int sig);
/* Tell p's parent that p exited, stopped or continued. */
void signal_notify_parent(struct proc *p, int code, int status);

#endif
