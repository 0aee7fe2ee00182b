/* Process lifecycle and wait4: fork/vfork/clone return values, CLONE_*SETTID/CLEARTID,
 * Linux wait-status encodings, wait4 by pid / any / own group / other group, WNOHANG,
 * WUNTRACED, WCONTINUED, ECHILD, zombies. Deterministic "out:" lines (host-compare.py). */
#include "tap.h"
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#ifndef CLONE_CHILD_SETTID
#define CLONE_CHILD_SETTID 0x01000000
#endif

/* clone with fork semantics: the argument order differs between architectures. */
static long raw_clone(unsigned long flags, int *ptid, int *ctid)
{
#if defined(__x86_64__)
    return syscall(SYS_clone, flags, 0, ptid, ctid, 0);
#else
    return syscall(SYS_clone, flags, 0, ptid, 0, ctid);
#endif
}

static void test_fork_family(void)
{
    int self = getpid();
    pid_t pid = fork();
    if (pid == 0)
        _exit(getppid() == self && getpid() != self ? 0 : 1);
    int st = wait_for(pid, 0);
    out("fork: parent gets child pid %s, child gets 0 and sees its parent %s", yn(pid > 0 && pid != self),
        yn(st == 0));
    check(pid > 0 && st == 0, "fork-returns", "fork returned %d, child %s", pid, status_str(st));

    pid = vfork();
    if (pid == 0)
        _exit(9);
    st = wait_for(pid, 0);
    out("vfork: child exit 9 -> %s", status_str(st));
    check(pid > 0 && st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 9, "vfork", "vfork %d, %s", pid,
          status_str(st));

    long r = raw_clone(SIGCHLD, NULL, NULL);
    if (r == 0)
        _exit(getppid() == self ? 10 : 11);
    st = wait_for((int)r, 0);
    out("clone(SIGCHLD): %s", status_str(st));
    check(r > 0 && st >= 0 && WEXITSTATUS(st) == 10, "clone-sigchld", "clone %ld, %s", r, status_str(st));

    /* CLONE_CHILD_SETTID writes the child's tid in the child's memory only;
     * CLONE_PARENT_SETTID in the parent's only (their memory is already separate). */
    static int ctid, ptid;
    ctid = ptid = 0;
    r = raw_clone(SIGCHLD | CLONE_CHILD_SETTID | CLONE_PARENT_SETTID, &ptid, &ctid);
    if (r == 0)
        _exit((ctid == getpid()) | (ptid == 0) << 1);
    st = wait_for((int)r, 0);
    int code = st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    out("CLONE_CHILD_SETTID: child sees its tid %s, parent's copy untouched %s", yn(code >= 0 && (code & 1)),
        yn(ctid == 0));
    out("CLONE_PARENT_SETTID: parent sees the tid %s, child's copy untouched %s", yn(ptid == r),
        yn(code >= 0 && (code & 2)));
    check(r > 0 && code == 3 && ctid == 0 && ptid == r, "clone-settid", "clone %ld, child bits %d "
          "(1 ctid set in child, 2 ptid clear in child), parent ctid %d ptid %d", r, code, ctid, ptid);

    /* CLONE_CHILD_CLEARTID: a process (not a thread) exiting has nobody sharing its memory, so
     * nothing is cleared, even in memory shared with the parent. */
    int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    *shared = 12345;
    r = raw_clone(SIGCHLD | CLONE_CHILD_CLEARTID, NULL, shared);
    if (r == 0)
        _exit(0);
    st = wait_for((int)r, 0);
    out("CLONE_CHILD_CLEARTID in shared memory after the child exits: %d", *shared);
    check(r > 0 && st == 0 && *shared == 12345, "clone-cleartid", "clone %ld, %s, value %d", r,
          status_str(st), *shared);
    *shared = 777;
    r = raw_clone(SIGCHLD, NULL, NULL);
    if (r == 0) {
        long tid = syscall(SYS_set_tid_address, shared);
        _exit(tid == getpid() ? 0 : 1);
    }
    st = wait_for((int)r, 0);
    out("set_tid_address returns the tid: %s; shared word after exit: %d", yn(st == 0), *shared);
    check(st == 0 && *shared == 777, "set-tid-address", "%s, value %d", status_str(st), *shared);
    munmap(shared, 4096);
}

static void test_statuses(void)
{
    static const int codes[] = { 0, 1, 42, 255, 256 + 3, -1 };
    for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(codes[i]);
        int st = wait_for(pid, 0);
        int want = codes[i] & 0xff;
        out("_exit(%d) -> status %#x, WIFEXITED %d WEXITSTATUS %d WIFSIGNALED %d WIFSTOPPED %d",
            codes[i], st, WIFEXITED(st), WEXITSTATUS(st), WIFSIGNALED(st), WIFSTOPPED(st));
        char name[32];
        snprintf(name, sizeof name, "status-exit-%d", codes[i]);
        check(st == want << 8, name, "status %#x, expected %#x", st, want << 8);
    }
    /* Signals without a core dump, so the status has no 0x80 bit on any system. */
    static const int sigs[] = { SIGTERM, SIGKILL, SIGUSR1, SIGINT, SIGHUP, SIGPIPE };
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            kill(getpid(), sigs[i]);
            for (;;)
                pause();
        }
        int st = wait_for(pid, 0);
        out("killed by %d -> status %#x, WIFEXITED %d WIFSIGNALED %d WTERMSIG %d", sigs[i], st,
            WIFEXITED(st), WIFSIGNALED(st), WTERMSIG(st));
        char name[32];
        snprintf(name, sizeof name, "status-signal-%d", sigs[i]);
        check(st == sigs[i], name, "status %#x, expected %#x", st, sigs[i]);
    }
    /* A core-dumping signal: WTERMSIG is the signal whatever the core-dump bit says. */
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit rl = { 0, 0 };
        setrlimit(RLIMIT_CORE, &rl);
        abort();
    }
    int st = wait_for(pid, 0);
    out("abort() -> WIFSIGNALED %d WTERMSIG %d", WIFSIGNALED(st), WTERMSIG(st));
    check(st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "status-abort", "%s", status_str(st));
}

static void test_stop_continue(void)
{
    /* After SIGCONT the child waits on this pipe, so on another hart it cannot exit before the
     * parent has collected the "continued" report (an exited child is reported first). */
    int go[2];
    if (pipe(go) != 0)
        go[0] = go[1] = -1;
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(go[1]);
        raise(SIGSTOP);
        (void)!read(go[0], &c, 1);
        _exit(5);
    }
    close(go[0]);
    int st = wait_for(pid, WUNTRACED);
    out("stopped child: status %#x, WIFSTOPPED %d WSTOPSIG %d", st, WIFSTOPPED(st), WSTOPSIG(st));
    check(st == 0x137f, "wait-untraced", "status %#x, expected 0x137f", st);
    int again = wait_for(pid, WUNTRACED | WNOHANG);
    out("the stop is reported once: %s", yn(again == -1000));
    check(again == -1000, "wait-stop-once", "second wait: %s", status_str(again));
    kill(pid, SIGCONT);
    st = wait_for(pid, WCONTINUED);
    out("continued child: status %#x, WIFCONTINUED %d", st, WIFCONTINUED(st));
    check(st == 0xffff, "wait-continued", "status %#x, expected 0xffff", st);
    close(go[1]);
    st = wait_for(pid, 0);
    out("then exits: %s", status_str(st));
    check(st == 5 << 8, "wait-after-continue", "%s", status_str(st));

    /* Without WUNTRACED a stop is not reported: WNOHANG sees nothing. */
    pid = fork();
    if (pid == 0) {
        raise(SIGSTOP);
        _exit(6);
    }
    msleep(50);
    st = wait_for(pid, WNOHANG);
    out("stopped child, wait without WUNTRACED: %s", status_str(st));
    check(st == -1000, "wait-stop-needs-untraced", "%s", status_str(st));
    kill(pid, SIGKILL);
    st = wait_for(pid, 0);
    out("stopped child killed by SIGKILL: %s", status_str(st));
    check(st == SIGKILL, "kill-stopped", "%s", status_str(st));
}

static void test_wait_selection(void)
{
    int me = getpid();
    /* a: in a new group of its own; b: in ours. Both exit; a exits first. */
    pid_t a = fork();
    if (a == 0) {
        setpgid(0, 0);
        msleep(20);
        _exit(1);
    }
    setpgid(a, a);
    pid_t b = fork();
    if (b == 0) {
        msleep(300);
        _exit(2);
    }
    msleep(100);    /* a is a zombie now, b still runs */
    int st, r;
    r = (int)wait4(0, &st, 0, NULL);      /* own group: must wait for b, not take a */
    out("wait4(0) takes the child in our group: %s (%s)", yn(r == b), status_str(st));
    check(r == b && st == 2 << 8, "wait-own-group", "returned %d (a %d, b %d), %s", r, a, b, status_str(st));
    r = (int)wait4(0, &st, WNOHANG, NULL);
    out("wait4(0) again: %s", rstr(r));
    check(r < 0 && errno == ECHILD, "wait-own-group-echild", "returned %s", rstr(r));
    r = (int)wait4(-a, &st, 0, NULL);
    out("wait4(-pgid) takes the child in that group: %s (%s)", yn(r == a), status_str(st));
    check(r == a && st == 1 << 8, "wait-other-group", "returned %d, %s", r, status_str(st));

    r = (int)wait4(-1, &st, WNOHANG, NULL);
    out("wait4(-1) with no children: %s", rstr(r));
    check(r < 0 && errno == ECHILD, "wait-echild", "returned %s", rstr(r));
    r = (int)wait4(me, &st, 0, NULL);
    out("wait4(own pid): %s", rstr(r));
    check(r < 0 && errno == ECHILD, "wait-self-echild", "returned %s", rstr(r));
    r = (int)wait4(-1, &st, 0x1000000, NULL);
    out("wait4 with an unknown option: %s", rstr(r));
    check(r < 0 && errno == EINVAL, "wait-einval", "returned %s", rstr(r));

    /* Any child; a specific child while another is ready; WNOHANG while running. */
    a = fork();
    if (a == 0)
        _exit(3);
    b = fork();
    if (b == 0) {
        msleep(100);
        _exit(4);
    }
    r = (int)wait4(b, &st, WNOHANG, NULL);
    out("WNOHANG while the child runs: %s", rstr(r));
    check(r == 0, "wait-wnohang-running", "returned %s", rstr(r));
    r = (int)wait4(b, &st, 0, NULL);
    out("wait4(pid) waits for that child: %s (%s)", yn(r == b), status_str(st));
    check(r == b && st == 4 << 8, "wait-pid", "returned %d, %s", r, status_str(st));
    r = (int)wait4(-1, &st, 0, NULL);
    out("wait4(-1) takes the other: %s (%s)", yn(r == a), status_str(st));
    check(r == a && st == 3 << 8, "wait-any", "returned %d, %s", r, status_str(st));
    r = (int)wait4(-1, NULL, 0, NULL);
    check(r < 0 && errno == ECHILD, "wait-all-reaped", "returned %s", rstr(r));
}

static void test_zombie(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(8);
    msleep(50);
    int alive = kill(pid, 0);
    int pg = getpgid(pid);
    int sig = kill(pid, SIGTERM);   /* a zombie takes (and ignores) signals */
    out("zombie: kill(pid, 0) %s, getpgid works %s, kill(SIGTERM) %s", rstr(alive), yn(pg == getpgrp()),
        rstr(sig));
    check(alive == 0 && pg == getpgrp() && sig == 0, "zombie-exists", "kill 0: %s, getpgid %d, kill TERM %s",
          rstr(alive), pg, rstr(sig));
    int st = wait_for(pid, 0);
    int gone = kill(pid, 0);
    out("reaped zombie: status %s, then kill(pid, 0) %s", status_str(st), rstr(gone));
    check(st == 8 << 8 && gone < 0 && errno == ESRCH, "zombie-reaped", "%s, kill: %s", status_str(st),
          rstr(gone));
}

int main(void)
{
    test_fork_family();
    test_statuses();
    test_stop_continue();
    test_wait_selection();
    test_zombie();
    return t_done("wait");
}
