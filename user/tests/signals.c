/* Signal handling: sigaction rules, SA_SIGINFO contents (kill, tgkill, faults, SIGCHLD), the
 * ucontext of a fault (saved pc, registers written back by sigreturn), handler masks,
 * SA_RESTART against EINTR (wait4, nanosleep, clock_nanosleep, sigsuspend), SA_NODEFER,
 * SA_RESETHAND, sigaltstack/SA_ONSTACK, pending and blocked signals, fork and pending
 * signals, SIG_IGN/SA_NOCLDWAIT for SIGCHLD, unhandleable faults, FP registers across
 * handlers. Default actions are in sigdefault.c, process-group kills in pgrp.c. */
#include "tap.h"
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>

/* ---- a generic recording handler ---- */

static volatile int h_count, h_sig, h_code, h_pid, h_uid, h_status;
static void *volatile h_addr;
static sigset_t h_mask;         /* the mask while the handler ran */

static void recorder(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    h_count++;
    h_sig = sig;
    h_code = si->si_code;
    h_pid = si->si_pid;
    h_uid = (int)si->si_uid;
    h_status = si->si_status;
    h_addr = si->si_addr;
    sigprocmask(SIG_BLOCK, NULL, &h_mask);
}

static void set_handler(int sig, void (*fn)(int, siginfo_t *, void *), int flags, int masked)
{
    struct sigaction sa = { .sa_sigaction = fn, .sa_flags = SA_SIGINFO | flags };
    sigemptyset(&sa.sa_mask);
    if (masked)
        sigaddset(&sa.sa_mask, masked);
    sigaction(sig, &sa, NULL);
}

static void reset_record(void)
{
    h_count = h_sig = h_code = h_pid = h_uid = h_status = 0;
    h_addr = NULL;
}

static void unblock_all(void)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/* The kernel's struct sigaction, for calls glibc would check itself. */
struct ksigaction {
    void *handler;
    unsigned long flags;
    unsigned long mask;
};

static void test_sigaction_rules(void)
{
    struct sigaction sa = { .sa_handler = SIG_IGN }, old;
    check_ret("sigaction-sigkill-einval", sigaction(SIGKILL, &sa, NULL), -EINVAL);
    check_ret("sigaction-sigstop-einval", sigaction(SIGSTOP, &sa, NULL), -EINVAL);
    check(sigaction(SIGKILL, NULL, &old) == 0 && old.sa_handler == SIG_DFL, "sigaction-sigkill-query",
          "querying SIGKILL: %s", strerror(errno));
    struct ksigaction k = { SIG_IGN, 0, 0 };
    check_ret("sigaction-sig0-einval", syscall(SYS_rt_sigaction, 0, &k, NULL, 8), -EINVAL);
    check_ret("sigaction-sig65-einval", syscall(SYS_rt_sigaction, 65, &k, NULL, 8), -EINVAL);
    check_ret("sigaction-setsize-einval", syscall(SYS_rt_sigaction, SIGUSR1, &k, NULL, 16), -EINVAL);

    set_handler(SIGUSR1, recorder, SA_RESTART, SIGUSR2);
    sigaction(SIGUSR1, NULL, &old);
    check(old.sa_sigaction == recorder && (old.sa_flags & (SA_SIGINFO | SA_RESTART)) == (SA_SIGINFO | SA_RESTART) &&
          sigismember(&old.sa_mask, SIGUSR2) && !sigismember(&old.sa_mask, SIGHUP), "sigaction-readback",
          "handler %d, flags %#x, mask has USR2 %d", old.sa_sigaction == recorder, old.sa_flags,
          sigismember(&old.sa_mask, SIGUSR2));

    sigset_t all, now;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    sigprocmask(SIG_SETMASK, NULL, &now);
    check(!sigismember(&now, SIGKILL) && !sigismember(&now, SIGSTOP) && sigismember(&now, SIGUSR1) &&
          sigismember(&now, SIGTERM), "sigprocmask-kill-stop-unblockable", "mask has KILL %d STOP %d USR1 %d",
          sigismember(&now, SIGKILL), sigismember(&now, SIGSTOP), sigismember(&now, SIGUSR1));
    unblock_all();
    check_ret("sigprocmask-bad-how", syscall(SYS_rt_sigprocmask, 7, &k.mask, NULL, 8), -EINVAL);
    check_ret("kill-bad-signal", kill(getpid(), 65), -EINVAL);
    check_ret("kill-no-process", kill(99999, 0), -ESRCH);
}

static void test_siginfo(void)
{
    set_handler(SIGUSR1, recorder, 0, SIGUSR2);
    reset_record();
    kill(getpid(), SIGUSR1);
    check(h_count == 1 && h_sig == SIGUSR1 && h_code == SI_USER && h_pid == getpid() && h_uid == (int)getuid(),
          "siginfo-kill-self", "count %d, signo %d, code %d, pid %d (self %d), uid %d", h_count, h_sig,
          h_code, h_pid, getpid(), h_uid);
    /* While the handler ran: the signal itself and sa_mask blocked; afterwards neither. */
    sigset_t after;
    sigprocmask(SIG_BLOCK, NULL, &after);
    check(sigismember(&h_mask, SIGUSR1) && sigismember(&h_mask, SIGUSR2) && !sigismember(&h_mask, SIGHUP) &&
          !sigismember(&after, SIGUSR1) && !sigismember(&after, SIGUSR2), "handler-mask",
          "in handler USR1 %d USR2 %d HUP %d; after USR1 %d USR2 %d", sigismember(&h_mask, SIGUSR1),
          sigismember(&h_mask, SIGUSR2), sigismember(&h_mask, SIGHUP), sigismember(&after, SIGUSR1),
          sigismember(&after, SIGUSR2));

    /* From a child: si_pid is the child. */
    reset_record();
    int parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        kill(parent, SIGUSR1);
        _exit(0);
    }
    wait_for(pid, 0);
    check(h_count == 1 && h_pid == pid && h_code == SI_USER, "siginfo-kill-from-child",
          "count %d, si_pid %d (child %d), code %d", h_count, h_pid, pid, h_code);

    reset_record();
    long r = syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
    check(r == 0 && h_count == 1 && h_code == SI_TKILL && h_pid == getpid(), "siginfo-tgkill",
          "tgkill %ld, count %d, code %d (SI_TKILL %d), pid %d", r, h_count, h_code, SI_TKILL, h_pid);
    reset_record();
    r = syscall(SYS_tkill, gettid(), SIGUSR1);
    check(r == 0 && h_count == 1 && h_code == SI_TKILL, "siginfo-tkill", "tkill %ld, count %d, code %d",
          r, h_count, h_code);
    check_ret("tgkill-wrong-tid", syscall(SYS_tgkill, getpid(), 99999, SIGUSR1), -ESRCH);
    check_ret("tgkill-wrong-tgid", syscall(SYS_tgkill, 99999, gettid(), SIGUSR1), -ESRCH);
    check_ret("tgkill-bad-signal", syscall(SYS_tgkill, getpid(), gettid(), 65), -EINVAL);
    check_ret("tgkill-zero-tgid", syscall(SYS_tgkill, 0, gettid(), SIGUSR1), -EINVAL);
}

/* ---- faults: si_addr, the saved pc, and a context changed by the handler ---- */

static volatile uintptr_t f_pc;

static __attribute__((unused)) void fault_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    h_count++;
    h_sig = sig;
    h_code = si->si_code;
    h_addr = si->si_addr;
#ifdef __riscv
    f_pc = uc->uc_mcontext.__gregs[REG_PC];
    uc->uc_mcontext.__gregs[REG_A0] = 0x5eed;  /* sigreturn must put this in a0 */
    uc->uc_mcontext.__gregs[REG_PC] += 4;      /* skip the faulting 4-byte instruction */
#else
    (void)uc;
#endif
}

#ifdef __riscv
/* Run one 4-byte instruction at a known address with a0 = 1 before it; returns a0 after. */
#define FAULT_AT(insn, arg, pc_out)                                                          \
    ({                                                                                      \
        long a0_;                                                                           \
        __asm__ volatile(".option push\n.option norvc\n"                                        \
                     "lla %1, 1f\n"                                                         \
                     "li a0, 1\n"                                                           \
                     "1: " insn "\n"                                                        \
                     ".option pop\n"                                                        \
                     "mv %0, a0\n"                                                          \
                     : "=r"(a0_), "=&r"(pc_out) : "r"(arg) : "a0", "memory");               \
        a0_;                                                                                \
    })
#endif

static void test_faults(void)
{
#ifdef __riscv
    set_handler(SIGSEGV, fault_handler, 0, 0);
    set_handler(SIGILL, fault_handler, 0, 0);
    set_handler(SIGTRAP, fault_handler, 0, 0);
    uintptr_t pc;
    void *bad = unmapped_addr();

    reset_record();
    long a0 = FAULT_AT("ld a0, 0(%2)", bad, pc);
    check(h_count == 1 && h_sig == SIGSEGV && h_code == SEGV_MAPERR && h_addr == bad, "fault-segv-siginfo",
          "count %d, signo %d, code %d, si_addr %p (want %p)", h_count, h_sig, h_code, h_addr, bad);
    check(f_pc == pc, "fault-segv-pc", "ucontext pc %#lx, faulting load at %#lx", (unsigned long)f_pc,
          (unsigned long)pc);
    check(a0 == 0x5eed, "fault-sigreturn-context", "a0 after the handler %#lx, handler wrote 0x5eed", a0);

    static const long ro = 5;
    reset_record();
    a0 = FAULT_AT("sd a0, 0(%2)", &ro, pc);
    check(h_count == 1 && h_code == SEGV_ACCERR && h_addr == &ro && f_pc == pc && a0 == 0x5eed,
          "fault-store-readonly", "count %d, code %d, si_addr %p (want %p), pc ok %d, a0 %#lx", h_count,
          h_code, h_addr, (void *)&ro, f_pc == pc, a0);

    reset_record();
    a0 = FAULT_AT(".4byte 0", 0, pc);
    check(h_count == 1 && h_sig == SIGILL && h_code == ILL_ILLOPC && (uintptr_t)h_addr == pc && f_pc == pc,
          "fault-sigill", "count %d, signo %d, code %d, si_addr %p, pc %#lx (insn at %#lx)", h_count, h_sig,
          h_code, h_addr, (unsigned long)f_pc, (unsigned long)pc);

    reset_record();
    a0 = FAULT_AT("ebreak", 0, pc);
    check(h_count == 1 && h_sig == SIGTRAP && h_code == TRAP_BRKPT && f_pc == pc && a0 == 0x5eed,
          "fault-sigtrap", "count %d, signo %d, code %d, pc %#lx (insn at %#lx)", h_count, h_sig, h_code,
          (unsigned long)f_pc, (unsigned long)pc);
#else
    const char *names[] = { "fault-segv-siginfo", "fault-segv-pc", "fault-sigreturn-context",
                            "fault-store-readonly", "fault-sigill", "fault-sigtrap" };
    for (int i = 0; i < 6; i++)
        check(1, names[i], "not RISC-V");
#endif
    signal(SIGSEGV, SIG_DFL);
    signal(SIGILL, SIG_DFL);
    signal(SIGTRAP, SIG_DFL);

    /* A fault whose signal is blocked or ignored cannot be handled: it kills. */
    for (int how = 0; how < 2; how++) {
        pid_t pid = fork();
        if (pid == 0) {
            if (how == 0) {
                set_handler(SIGSEGV, recorder, 0, 0);
                sigset_t s;
                sigemptyset(&s);
                sigaddset(&s, SIGSEGV);
                sigprocmask(SIG_BLOCK, &s, NULL);
            } else {
                signal(SIGSEGV, SIG_IGN);
            }
            *(volatile int *)unmapped_addr() = 1;
            _exit(h_count ? 1 : 0);
        }
        int st = wait_for(pid, 0);
        check(st == SIGSEGV, how == 0 ? "fault-blocked-kills" : "fault-ignored-kills",
              "child faulting with SIGSEGV %s: %s", how == 0 ? "blocked" : "ignored", status_str(st));
    }

    /* rt_sigreturn with no readable frame: SIGSEGV. */
    pid_t pid = fork();
    if (pid == 0) {
#ifdef __riscv
        __asm__ volatile("mv sp, %0\nli a7, %1\necall\n" : : "r"(unmapped_addr()), "i"(SYS_rt_sigreturn) : "a7", "memory");
#else
        raise(SIGSEGV);
#endif
        _exit(0);
    }
    int st = wait_for(pid, 0);
    check(st == SIGSEGV, "sigreturn-bad-frame", "child calling rt_sigreturn without a frame: %s", status_str(st));
}

/* ---- interrupted system calls ---- */

/* A child that sends SIGUSR1 to us after ms, then exits with code after another ms. */
static pid_t poke_later(int ms, int code)
{
    int parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        msleep(ms);
        kill(parent, SIGUSR1);
        msleep(ms);
        _exit(code);
    }
    return pid;
}

static void test_restart(void)
{
    for (int restart = 1; restart >= 0; restart--) {
        set_handler(SIGUSR1, recorder, restart ? SA_RESTART : 0, 0);
        reset_record();
        pid_t pid = poke_later(300, 5);   /* wide margin: a loaded host can stall the parent */
        int st = 0;
        long r = E(wait4(pid, &st, 0, NULL));
        if (restart) {
            check(r == pid && st == 5 << 8 && h_count == 1, "restart-wait4-sa-restart",
                  "wait4 %s (child %d), %s, handler ran %d times", vstr(r), pid, status_str(st), h_count);
        } else {
            check(r == -EINTR && h_count == 1, "restart-wait4-eintr", "wait4 %s, handler ran %d times",
                  vstr(r), h_count);
            wait_for(pid, 0);
        }
    }
    for (int restart = 1; restart >= 0; restart--) {
        set_handler(SIGUSR1, recorder, restart ? SA_RESTART : 0, 0);
        reset_record();
        pid_t pid = poke_later(200, 0);
        struct timespec req = { 1, 0 }, rem = { -1, -1 };
        long r = E(nanosleep(&req, &rem));
        long left_ms = rem.tv_sec * 1000 + rem.tv_nsec / 1000000;
        check(r == -EINTR && h_count == 1 && left_ms > 500 && left_ms < 1000 && rem.tv_nsec < 1000000000,
              restart ? "nanosleep-eintr-sa-restart" : "nanosleep-eintr",
              "nanosleep %s, handler ran %d times, remaining %ld ms (want 500..1000)", vstr(r), h_count, left_ms);
        wait_for(pid, 0);
    }
    set_handler(SIGUSR1, recorder, SA_RESTART, 0);
    reset_record();
    pid_t pid = poke_later(200, 0);
    struct timespec req = { 1, 0 }, rem = { 0, 0 };
    int e = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem);
    check(e == EINTR && h_count == 1 && rem.tv_sec == 0 && rem.tv_nsec > 500000000, "clock-nanosleep-eintr",
          "returned %d (%s), handler ran %d times, remaining %ld.%09ld", e, ename(e), h_count,
          (long)rem.tv_sec, rem.tv_nsec);
    wait_for(pid, 0);

    /* sigsuspend: waits with a temporary mask, returns EINTR after the handler, mask restored. */
    sigset_t block, empty, after;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigemptyset(&empty);
    sigprocmask(SIG_BLOCK, &block, NULL);
    reset_record();
    pid = poke_later(50, 0);
    long r = E(sigsuspend(&empty));
    sigprocmask(SIG_BLOCK, NULL, &after);
    check(r == -EINTR && h_count == 1 && sigismember(&after, SIGUSR1) && !sigismember(&h_mask, SIGUSR2),
          "sigsuspend", "returned %s, handler ran %d times, USR1 blocked again %d", vstr(r), h_count,
          sigismember(&after, SIGUSR1));
    wait_for(pid, 0);
    unblock_all();
}

/* ---- SA_NODEFER, SA_RESETHAND ---- */

static volatile int depth, max_depth, calls;

static void nested(int sig)
{
    calls++;
    depth++;
    if (depth > max_depth)
        max_depth = depth;
    if (calls == 1)
        raise(sig);
    depth--;
}

static void test_flags(void)
{
    for (int nodefer = 1; nodefer >= 0; nodefer--) {
        struct sigaction sa = { .sa_handler = nested, .sa_flags = nodefer ? SA_NODEFER : 0 };
        sigaction(SIGUSR2, &sa, NULL);
        depth = max_depth = calls = 0;
        raise(SIGUSR2);
        check(calls == 2 && max_depth == (nodefer ? 2 : 1), nodefer ? "sa-nodefer-nests" : "sa-defer-queues",
              "handler ran %d times, max nesting %d (want %d)", calls, max_depth, nodefer ? 2 : 1);
    }
    struct sigaction sa = { .sa_handler = nested, .sa_flags = SA_RESETHAND }, old;
    pid_t pid = fork();
    if (pid == 0) {
        sigaction(SIGUSR2, &sa, NULL);
        calls = 2;  /* no re-raise from the handler */
        raise(SIGUSR2);
        sigaction(SIGUSR2, NULL, &old);
        if (old.sa_handler != SIG_DFL)
            _exit(1);
        if (!(old.sa_flags & SA_RESETHAND))
            _exit(3);       /* Linux resets only the handler: the flags stay */
        raise(SIGUSR2);     /* default action now: terminate */
        _exit(2);
    }
    int st = wait_for(pid, 0);
    check(st == SIGUSR2, "sa-resethand", "child: %s (want killed by %d; 1: still handled, 2: survived, 3: flags cleared)",
          status_str(st), SIGUSR2);
}

/* ---- sigaltstack ---- */

static char altstack[65536] __attribute__((aligned(16)));
static volatile uintptr_t local_addr;
static volatile int alt_flags, alt_change;

static void on_alt(int sig)
{
    (void)sig;
    volatile char here = 0;
    local_addr = (uintptr_t)&here;
    stack_t cur, ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
    sigaltstack(NULL, &cur);
    alt_flags = cur.ss_flags;
    alt_change = sigaltstack(&ss, NULL) == 0 ? 0 : errno;
}

static void test_altstack(void)
{
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack }, old;
    check_ret("sigaltstack-set", sigaltstack(&ss, &old), 0);
    check(old.ss_flags == SS_DISABLE, "sigaltstack-initially-disabled", "old flags %d", old.ss_flags);
    struct sigaction sa = { .sa_handler = on_alt, .sa_flags = SA_ONSTACK };
    sigaction(SIGUSR2, &sa, NULL);
    local_addr = 0;
    raise(SIGUSR2);
    int on = local_addr >= (uintptr_t)altstack && local_addr < (uintptr_t)altstack + sizeof altstack;
    check(on, "sa-onstack-runs-on-altstack", "handler local at %#lx, altstack %p..%p", (unsigned long)local_addr,
          (void *)altstack, (void *)(altstack + sizeof altstack));
    check(alt_flags == SS_ONSTACK && alt_change == EPERM, "sigaltstack-onstack-query",
          "in handler: flags %d (want SS_ONSTACK), changing it gave %s (want EPERM)", alt_flags, ename(alt_change));
    sa.sa_flags = 0;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    on = local_addr >= (uintptr_t)altstack && local_addr < (uintptr_t)altstack + sizeof altstack;
    check(!on && alt_flags == 0, "no-onstack-normal-stack", "handler without SA_ONSTACK: on altstack %d, flags %d",
          on, alt_flags);
    ss.ss_size = 1024;
    check_ret("sigaltstack-too-small", sigaltstack(&ss, NULL), -ENOMEM);
    ss.ss_size = sizeof altstack;
    ss.ss_flags = 0x100;
    check_ret("sigaltstack-bad-flags", sigaltstack(&ss, NULL), -EINVAL);
    ss.ss_flags = SS_ONSTACK;   /* accepted by Linux, means the same as 0 */
    check_ret("sigaltstack-ss-onstack-flag", sigaltstack(&ss, NULL), 0);
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    sigaltstack(NULL, &old);
    check(old.ss_flags == SS_DISABLE, "sigaltstack-disable", "flags %d", old.ss_flags);
    signal(SIGUSR2, SIG_DFL);
}

/* ---- pending, blocked, fork ---- */

static void test_pending(void)
{
    set_handler(SIGUSR1, recorder, 0, 0);
    sigset_t block, pend;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    reset_record();
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR1);
    sigpending(&pend);
    check(h_count == 0 && sigismember(&pend, SIGUSR1) && !sigismember(&pend, SIGUSR2), "blocked-stays-pending",
          "handler ran %d times, pending USR1 %d", h_count, sigismember(&pend, SIGUSR1));

    pid_t pid = fork();
    if (pid == 0) {
        sigset_t p, m;
        sigpending(&p);
        sigprocmask(SIG_BLOCK, NULL, &m);
        _exit(sigismember(&p, SIGUSR1) | !sigismember(&m, SIGUSR1) << 1);
    }
    int st = wait_for(pid, 0);
    check(st == 0, "fork-no-pending-keeps-mask", "child: %s (1: USR1 pending, 2: mask lost)", status_str(st));

    sigprocmask(SIG_UNBLOCK, &block, NULL);
    int right_away = h_count;
    sigpending(&pend);
    check(right_away == 1 && !sigismember(&pend, SIGUSR1), "unblock-delivers-once",
          "handler ran %d times on unblocking (3 sent, standard signals do not queue)", right_away);

    /* sigpending reports only blocked signals; setting SIG_IGN discards a pending one. */
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, NULL);
    kill(getpid(), SIGUSR2);
    signal(SIGUSR2, SIG_IGN);
    sigpending(&pend);
    check(!sigismember(&pend, SIGUSR2), "sig-ign-discards-pending", "SIGUSR2 still pending after SIG_IGN");
    signal(SIGUSR2, SIG_DFL);
    /* A blocked signal whose action is "ignore" by default is still kept while blocked. */
    kill(getpid(), SIGWINCH);
    sigaddset(&block, SIGWINCH);
    sigprocmask(SIG_BLOCK, &block, NULL);
    kill(getpid(), SIGWINCH);
    sigpending(&pend);
    check(sigismember(&pend, SIGWINCH), "blocked-default-ignored-pending", "blocked SIGWINCH not pending");
    unblock_all();
}

/* ---- SIGCHLD ---- */

static void test_sigchld(void)
{
    set_handler(SIGCHLD, recorder, SA_RESTART, 0);
    reset_record();
    pid_t pid = fork();
    if (pid == 0)
        _exit(42);
    int st = wait_for(pid, 0);
    check(h_count == 1 && h_sig == SIGCHLD && h_code == CLD_EXITED && h_status == 42 && h_pid == pid,
          "sigchld-exited", "count %d, code %d, status %d, pid %d (child %d)", h_count, h_code, h_status,
          h_pid, pid);

    reset_record();
    pid = fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    kill(pid, SIGTERM);
    st = wait_for(pid, 0);
    check(h_count == 1 && h_code == CLD_KILLED && h_status == SIGTERM && st == SIGTERM, "sigchld-killed",
          "count %d, code %d, status %d, %s", h_count, h_code, h_status, status_str(st));

    reset_record();
    pid = fork();
    if (pid == 0) {
        raise(SIGSTOP);
        msleep(300);
        _exit(0);
    }
    st = wait_for(pid, WUNTRACED);
    int stop_code = h_code, stop_status = h_status, stop_count = h_count;
    reset_record();
    kill(pid, SIGCONT);
    /* The continue notification may come after wait4(WCONTINUED) can report it. */
    for (int i = 0; i < 200 && !h_count; i++)
        msleep(1);
    int cont_code = h_code, cont_status = h_status;
    wait_for(pid, WCONTINUED);
    wait_for(pid, 0);
    check(stop_count == 1 && stop_code == CLD_STOPPED && stop_status == SIGSTOP, "sigchld-stopped",
          "count %d, code %d, status %d", stop_count, stop_code, stop_status);
    check(cont_code == CLD_CONTINUED && cont_status == SIGCONT, "sigchld-continued", "code %d, status %d",
          cont_code, cont_status);

    set_handler(SIGCHLD, recorder, SA_RESTART | SA_NOCLDSTOP, 0);
    reset_record();
    pid = fork();
    if (pid == 0) {
        raise(SIGSTOP);
        _exit(0);
    }
    wait_for(pid, WUNTRACED);
    int stops = h_count;
    kill(pid, SIGCONT);
    wait_for(pid, 0);
    check(stops == 0, "sa-nocldstop", "SIGCHLD for a stop with SA_NOCLDSTOP: %d", stops);

    /* SIG_IGN (and SA_NOCLDWAIT): children are reaped by the kernel; wait4 ends with ECHILD. */
    for (int how = 0; how < 2; how++) {
        if (how == 0) {
            signal(SIGCHLD, SIG_IGN);
        } else {
            set_handler(SIGCHLD, recorder, SA_NOCLDWAIT, 0);
        }
        pid = fork();
        if (pid == 0) {
            msleep(30);
            _exit(1);
        }
        long r = E(wait4(pid, &st, 0, NULL));
        msleep(10);
        long again = E(kill(pid, 0));
        check(r == -ECHILD && again == -ESRCH, how == 0 ? "sigchld-ign-autoreap" : "sa-nocldwait-autoreap",
              "wait4 %s (want -ECHILD), then kill(pid, 0) %s (want -ESRCH)", vstr(r), vstr(again));
    }
    /* A SIGCHLD handler without SA_RESTART: wait4 still returns the child that woke it. */
    set_handler(SIGCHLD, recorder, 0, 0);
    reset_record();
    pid = fork();
    if (pid == 0) {
        msleep(50);
        _exit(3);
    }
    long r = E(wait4(pid, &st, 0, NULL));
    check(r == pid && st == 3 << 8 && h_count == 1, "wait4-sigchld-handler-returns-child",
          "wait4 %s (child %d), %s, handler ran %d times", vstr(r), pid, status_str(st), h_count);
    if (r != pid)
        wait_for(pid, 0);
    signal(SIGCHLD, SIG_DFL);
}

/* ---- FP registers across handlers ---- */

static volatile int fp_handled;

static void fp_clobber(int sig)
{
    (void)sig;
    fp_handled++;
#ifdef __riscv
    static const double junk[32] = { -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16,
                                     -17, -18, -19, -20, -21, -22, -23, -24, -25, -26, -27, -28, -29, -30,
                                     -31, -32 };
#define L(n) "fld f" #n ", " #n "*8(%0)\n"
    __asm__ volatile(L(0) L(1) L(2) L(3) L(4) L(5) L(6) L(7) L(8) L(9) L(10) L(11) L(12) L(13) L(14) L(15)
                 L(16) L(17) L(18) L(19) L(20) L(21) L(22) L(23) L(24) L(25) L(26) L(27) L(28) L(29)
                 L(30) L(31) "li t0, 0xff\nfscsr t0\n"
                 : : "r"(junk)
                 : "t0", "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12",
                   "f13", "f14", "f15", "f16", "f17", "f18", "f19", "f20", "f21", "f22", "f23", "f24", "f25",
                   "f26", "f27", "f28", "f29", "f30", "f31", "memory");
#undef L
#else
    volatile double x = 1e300;
    x = x * x;
    (void)x;
#endif
}

/* Enough floating-point state in registers to notice if any of it changes. */
static volatile double fp_seed = 1.0;   /* read on every call: no call can be optimised away */

static double fp_work(long n)
{
    double a = fp_seed, b = 0.5, c = 0.25, d = 2.0, e = 3.0, f = 0.1, g = 0.7, h = 1.3;
    for (long i = 0; i < n; i++) {
        a = a * 0.999999 + b;
        b = b * 1.000001 - c * 1e-7;
        c = c + d * 1e-9;
        d = d * 0.9999999 + e * 1e-8;
        e = e - f * 1e-9;
        f = f * 1.0000001;
        g = g + a * 1e-12;
        h = h * 0.99999999 + g * 1e-10;
    }
    return a + b + c + d + e + f + g + h;
}

static void test_fp(void)
{
    struct sigaction sa = { .sa_handler = fp_clobber };
    sigaction(SIGUSR1, &sa, NULL);
#ifdef __riscv
    static double fin[32], fout[32];
    for (int i = 0; i < 32; i++)
        fin[i] = 1.5 + i * 0.25;
    unsigned long fcsr_in = 0x3 << 5 | 0x5, fcsr_out;
    fp_handled = 0;
#define L(n) "fld f" #n ", " #n "*8(%[i])\n"
#define S(n) "fsd f" #n ", " #n "*8(%[o])\n"
    __asm__ volatile(L(0) L(1) L(2) L(3) L(4) L(5) L(6) L(7) L(8) L(9) L(10) L(11) L(12) L(13) L(14) L(15)
                 L(16) L(17) L(18) L(19) L(20) L(21) L(22) L(23) L(24) L(25) L(26) L(27) L(28) L(29)
                 L(30) L(31)
                 "fscsr %[ci]\n"
                 "mv a0, %[pid]\nli a1, %[sig]\nli a7, %[nr]\necall\n"
                 "frcsr %[co]\n"
                 S(0) S(1) S(2) S(3) S(4) S(5) S(6) S(7) S(8) S(9) S(10) S(11) S(12) S(13) S(14) S(15)
                 S(16) S(17) S(18) S(19) S(20) S(21) S(22) S(23) S(24) S(25) S(26) S(27) S(28) S(29)
                 S(30) S(31)
                 : [co] "=&r"(fcsr_out)
                 : [i] "r"(fin), [o] "r"(fout), [ci] "r"(fcsr_in), [pid] "r"((long)getpid()),
                   [sig] "i"(SIGUSR1), [nr] "i"(SYS_kill)
                 : "a0", "a1", "a7", "memory", "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9",
                   "f10", "f11", "f12", "f13", "f14", "f15", "f16", "f17", "f18", "f19", "f20", "f21", "f22",
                   "f23", "f24", "f25", "f26", "f27", "f28", "f29", "f30", "f31");
#undef L
#undef S
    int same = memcmp(fin, fout, sizeof fin) == 0, first_bad = -1;
    for (int i = 0; i < 32 && first_bad < 0; i++)
        if (memcmp(&fin[i], &fout[i], sizeof fin[i]) != 0)
            first_bad = i;
    check(fp_handled == 1 && same && fcsr_out == fcsr_in, "fp-regs-survive-handler",
          "handler ran %d times, first changed register f%d, fcsr %#lx (was %#lx)", fp_handled, first_bad,
          fcsr_out, fcsr_in);
#else
    check(1, "fp-regs-survive-handler", "not RISC-V");
#endif

    /* Asynchronously: signals land at arbitrary points of an FP loop, run until 20 of them
     * have come (or 2000 rounds); every round must give the same result. */
    const long n = 20000;
    double want = fp_work(n), got = want;
    fp_handled = 0;
    int parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < 400; i++) {
            if (kill(parent, SIGUSR1) != 0)
                break;
            msleep(2);
        }
        _exit(0);
    }
    int rounds = 0;
    for (; rounds < 2000 && fp_handled < 20; rounds++) {
        got = fp_work(n);
        if (memcmp(&got, &want, sizeof got) != 0)
            break;
    }
    int handled = fp_handled;
    kill(pid, SIGKILL);
    wait_for(pid, 0);
    check(memcmp(&got, &want, sizeof got) == 0 && handled >= 5, "fp-regs-survive-async",
          "result %.17g, reference %.17g after %d rounds, interrupted by %d handlers (want >= 5)", got,
          want, rounds, handled);
    signal(SIGUSR1, SIG_DFL);
}

int main(void)
{
    test_sigaction_rules();
    test_siginfo();
    test_faults();
    test_restart();
    test_flags();
    test_altstack();
    test_pending();
    test_sigchld();
    test_fp();
    return t_done("signals");
}
