/* Synchronous signal waiting and queueing, and waitid: sigwaitinfo/sigtimedwait (timeouts,
 * EAGAIN, EINTR, bad arguments), sigqueue with si_value into a handler and into sigwaitinfo,
 * rt_sigqueueinfo's EPERM rule, rt_tgsigqueueinfo, waitid P_PID/P_PGID/P_ALL with
 * WEXITED/WSTOPPED/WCONTINUED/WNOWAIT/WNOHANG and the siginfo it fills. */
#include "tap.h"
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>

static volatile int got_value = -1, got_code = 99, got_pid;

static void on_usr2(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    got_value = si->si_value.sival_int;
    got_code = si->si_code;
    got_pid = si->si_pid;
}

static void sigwait_checks(void)
{
    sigset_t set;
    siginfo_t si;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &set, NULL);

    /* A pending signal is taken at once, with its siginfo. */
    kill(getpid(), SIGUSR1);
    memset(&si, 0, sizeof si);
    int r = sigwaitinfo(&set, &si);
    check(r == SIGUSR1 && si.si_signo == SIGUSR1 && si.si_code == SI_USER && si.si_pid == getpid(),
          "sigwaitinfo-pending", "r=%d signo=%d code=%d pid=%d", r, si.si_signo, si.si_code, si.si_pid);
    sigset_t pend;
    sigpending(&pend);
    check(!sigismember(&pend, SIGUSR1), "sigwaitinfo-consumes", "still pending");

    /* A zero timeout only looks; a short one times out after about that long. */
    struct timespec zero = { 0, 0 }, short_ = { 0, 200 * 1000 * 1000 };
    check_ret("sigtimedwait-zero-EAGAIN", sigtimedwait(&set, &si, &zero), -EAGAIN);
    uint64_t t0 = now_ms();
    r = sigtimedwait(&set, &si, &short_);
    uint64_t dt = now_ms() - t0;
    check(r < 0 && errno == EAGAIN && dt >= 190 && dt < 2000, "sigtimedwait-timeout",
          "r=%d errno=%d after %llu ms", r, errno, (unsigned long long)dt);
    struct timespec bad = { 0, 1000000000 };
    check_ret("sigtimedwait-bad-nsec", sigtimedwait(&set, &si, &bad), -EINVAL);
    check_ret("sigtimedwait-EFAULT-timeout", sigtimedwait(&set, &si, (struct timespec *)8), -EFAULT);
    check_ret("rt_sigtimedwait-sigsetsize", syscall(SYS_rt_sigtimedwait, &set, &si, &zero, 4), -EINVAL);

    /* sigwait: a signal sent by a child while we sleep wakes us. */
    int pid = fork();
    if (pid == 0) {
        usleep(100 * 1000);
        union sigval v = { .sival_int = 4242 };
        sigqueue(getppid(), SIGRTMIN + 1, v);
        _exit(0);
    }
    memset(&si, 0, sizeof si);
    r = sigwaitinfo(&set, &si);
    check(r == SIGRTMIN + 1 && si.si_code == SI_QUEUE && si.si_value.sival_int == 4242 && si.si_pid == pid,
          "sigwaitinfo-sigqueue-from-child", "r=%d code=%d value=%d pid=%d (child %d)", r, si.si_code,
          si.si_value.sival_int, si.si_pid, pid);
    wait_for(pid, 0);
    int sig = 0;
    kill(getpid(), SIGUSR1);
    check(sigwait(&set, &sig) == 0 && sig == SIGUSR1, "sigwait", "sig=%d", sig);

    /* Another signal (handled, not in the set) ends the wait with EINTR. The child keeps
     * sending, so one arrives during the wait however late the parent gets there. */
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_usr2;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR2, &sa, NULL);
    got_code = 99;
    pid = fork();
    if (pid == 0) {
        for (;;) {
            usleep(100 * 1000);
            kill(getppid(), SIGUSR2);
        }
    }
    struct timespec longer = { 20, 0 };
    uint64_t t1 = now_ms();
    r = sigtimedwait(&set, &si, &longer);
    check(r < 0 && errno == EINTR && got_code == SI_USER, "sigtimedwait-EINTR", "r=%d errno=%d code=%d after %llu ms",
          r, errno, got_code, (unsigned long long)(now_ms() - t1));
    kill(pid, SIGKILL);
    wait_for(pid, 0);

    /* sigqueue to ourselves: the handler sees SI_QUEUE and the value. */
    union sigval v = { .sival_int = 77 };
    got_value = -1;
    check(sigqueue(getpid(), SIGUSR2, v) == 0 && got_value == 77 && got_code == SI_QUEUE &&
          got_pid == getpid(), "sigqueue-handler-value", "value=%d code=%d pid=%d", got_value, got_code,
          got_pid);

    /* rt_sigqueueinfo: si_code >= 0 may only be used on oneself. */
    memset(&si, 0, sizeof si);
    si.si_code = SI_USER;
    pid = fork();
    if (pid == 0) {
        for (;;)
            sleep(100);
    }
    check_ret("rt_sigqueueinfo-EPERM-code", syscall(SYS_rt_sigqueueinfo, pid, SIGUSR1, &si), -EPERM);
    si.si_code = SI_QUEUE;
    check_ret("rt_sigqueueinfo-other-ok", syscall(SYS_rt_sigqueueinfo, pid, 0, &si), 0);
    check_ret("rt_sigqueueinfo-EINVAL-sig", syscall(SYS_rt_sigqueueinfo, pid, 65, &si), -EINVAL);
    check_ret("rt_sigqueueinfo-EFAULT", syscall(SYS_rt_sigqueueinfo, pid, SIGUSR1, (void *)8), -EFAULT);
    check_ret("rt_sigqueueinfo-ESRCH", syscall(SYS_rt_sigqueueinfo, 99999, SIGUSR1, &si), -ESRCH);
    check_ret("rt_tgsigqueueinfo-ESRCH-mismatch", syscall(SYS_rt_tgsigqueueinfo, getpid(), pid, SIGUSR1, &si),
              -ESRCH);
    check_ret("rt_tgsigqueueinfo-EINVAL", syscall(SYS_rt_tgsigqueueinfo, 0, pid, SIGUSR1, &si), -EINVAL);
    got_value = -1;
    si.si_value.sival_int = 5;
    si.si_pid = getpid();
    check(syscall(SYS_rt_tgsigqueueinfo, getpid(), getpid(), SIGUSR2, &si) == 0 && got_value == 5,
          "rt_tgsigqueueinfo-self", "value=%d", got_value);
    kill(pid, SIGKILL);
    wait_for(pid, 0);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void waitid_checks(void)
{
    siginfo_t si;
    int pid = fork();
    if (pid == 0)
        _exit(7);
    /* WNOWAIT leaves the zombie there; the second call reaps it. */
    memset(&si, 0, sizeof si);
    int r = waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
    check(r == 0 && si.si_signo == SIGCHLD && si.si_code == CLD_EXITED && si.si_status == 7 && si.si_pid == pid,
          "waitid-wnowait", "r=%d signo=%d code=%d status=%d pid=%d", r, si.si_signo, si.si_code, si.si_status,
          si.si_pid);
    memset(&si, 0, sizeof si);
    r = waitid(P_PID, pid, &si, WEXITED);
    check(r == 0 && si.si_pid == pid && si.si_status == 7, "waitid-reap", "r=%d pid=%d", r, si.si_pid);
    check_ret("waitid-ECHILD-after-reap", waitid(P_PID, pid, &si, WEXITED), -ECHILD);

    /* Killed by a signal. */
    pid = fork();
    if (pid == 0) {
        for (;;)
            sleep(100);
    }
    kill(pid, SIGTERM);
    memset(&si, 0, sizeof si);
    r = waitid(P_ALL, 0, &si, WEXITED);
    check(r == 0 && si.si_code == CLD_KILLED && si.si_status == SIGTERM && si.si_pid == pid, "waitid-killed",
          "code=%d status=%d", si.si_code, si.si_status);

    /* Stopped and continued. */
    pid = fork();
    if (pid == 0) {
        for (;;)
            sleep(100);
    }
    memset(&si, 0xff, sizeof si);
    r = waitid(P_PID, pid, &si, WEXITED | WNOHANG);
    check(r == 0 && si.si_pid == 0 && si.si_signo == 0, "waitid-wnohang-nothing", "r=%d pid=%d signo=%d", r,
          si.si_pid, si.si_signo);
    kill(pid, SIGSTOP);
    memset(&si, 0, sizeof si);
    r = waitid(P_PID, pid, &si, WSTOPPED);
    check(r == 0 && si.si_code == CLD_STOPPED && si.si_status == SIGSTOP, "waitid-stopped", "code=%d status=%d",
          si.si_code, si.si_status);
    kill(pid, SIGCONT);
    memset(&si, 0, sizeof si);
    r = waitid(P_PID, pid, &si, WCONTINUED);
    check(r == 0 && si.si_code == CLD_CONTINUED && si.si_status == SIGCONT, "waitid-continued",
          "code=%d status=%d", si.si_code, si.si_status);
    kill(pid, SIGKILL);
    waitid(P_PID, pid, &si, WEXITED);

    /* P_PGID: a child in its own group is found by that group, not by ours. */
    pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        usleep(50 * 1000);
        _exit(3);
    }
    setpgid(pid, pid);
    check_ret("waitid-pgid-other-group-ECHILD", waitid(P_PGID, 0, &si, WEXITED | WNOHANG), -ECHILD);
    memset(&si, 0, sizeof si);
    r = waitid(P_PGID, pid, &si, WEXITED);
    check(r == 0 && si.si_pid == pid && si.si_status == 3, "waitid-pgid", "r=%d pid=%d", r, si.si_pid);

    /* Bad arguments. */
    check_ret("waitid-EINVAL-no-event", waitid(P_ALL, 0, &si, WNOHANG), -EINVAL);
    check_ret("waitid-EINVAL-idtype", syscall(SYS_waitid, 7, 0, &si, WEXITED, NULL), -EINVAL);
    check_ret("waitid-EINVAL-options", waitid(P_ALL, 0, &si, WEXITED | 0x100), -EINVAL);
    check_ret("waitid-EINVAL-pid0", waitid(P_PID, 0, &si, WEXITED), -EINVAL);
    check_ret("waitid-ECHILD", waitid(P_ALL, 0, &si, WEXITED), -ECHILD);
    pid = fork();
    if (pid == 0)
        _exit(0);
    check_ret("waitid-EFAULT-info", syscall(SYS_waitid, P_PID, pid, (void *)8, WEXITED, NULL), -EFAULT);
}

int main(void)
{
    sigwait_checks();
    waitid_checks();
    return t_failed != 0;
}
