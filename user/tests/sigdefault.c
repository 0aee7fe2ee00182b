/* Default signal actions, one child per signal: terminate, ignore, stop (then continue), and
 * the special cases: SIGKILL/SIGSTOP with everything blocked, a blocked fatal signal left
 * pending, SIG_IGN, job-control stops in an orphaned process group, a fatal signal sent to a
 * stopped process. Deterministic "out:" lines (host-compare.py). Run it as a session leader
 * (as a boot-spawned program is, or with setsid on Linux): its children then form process
 * groups that are not orphaned. */
#include "tap.h"
#include <signal.h>
#include <stdlib.h>

enum { PLAIN, BLOCK_ALL, IGNORE, ORPHANED };

/* Fork a child that sends itself sig (in the given setup) and exits 0 if it survives.
 * Stopped children are continued with SIGCONT. Returns "what happened" in words. */
static const char *run(int sig, int setup, int *final)
{
    static char buf[96];
    pid_t pid = fork();
    if (pid == 0) {
        if (setup == ORPHANED) {
            /* A new session: our process group has no parent in another group of the same
             * session, so it is orphaned. */
            setsid();
        } else {
            setpgid(0, 0);
        }
        if (setup == BLOCK_ALL) {
            sigset_t all;
            sigfillset(&all);
            sigprocmask(SIG_BLOCK, &all, NULL);
        }
        if (setup == IGNORE)
            signal(sig, SIG_IGN);
        kill(getpid(), sig);
        _exit(0);
    }
    int st = wait_for(pid, WUNTRACED);
    if (st >= 0 && WIFSTOPPED(st)) {
        int stopsig = WSTOPSIG(st);
        kill(pid, SIGCONT);
        int st2 = wait_for(pid, 0);
        snprintf(buf, sizeof buf, "stopped by %d, continued, then %s", stopsig, status_str(st2));
        *final = st2;
    } else {
        snprintf(buf, sizeof buf, "%s", status_str(st));
        *final = st;
    }
    return buf;
}

static void one(int sig, int setup, const char *expect_kind)
{
    int final;
    const char *what = run(sig, setup, &final);
    static const char *const setups[] = { "default", "all blocked", "SIG_IGN", "orphaned pgrp" };
    out("%-8s %2d (%s): %s", sigabbrev_np(sig) ? sigabbrev_np(sig) : "RT", sig, setups[setup], what);
    char name[48];
    snprintf(name, sizeof name, "default-%s%d", setup == PLAIN ? "" : setup == BLOCK_ALL ? "blocked-" :
             setup == IGNORE ? "ignored-" : "orphaned-", sig);
    int good;
    if (strcmp(expect_kind, "term") == 0)
        good = final >= 0 && WIFSIGNALED(final) && WTERMSIG(final) == sig && strncmp(what, "killed", 6) == 0;
    else if (strcmp(expect_kind, "stop") == 0)
        good = strncmp(what, "stopped by", 10) == 0 && atoi(what + 11) == sig && final == 0;
    else
        good = strcmp(what, "exited 0") == 0;
    check(good, name, "signal %d (%s): %s, expected %s", sig, setups[setup], what, expect_kind);
}

int main(void)
{
    static const int term[] = { SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE,
                                SIGUSR1, SIGSEGV, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGSTKFLT,
                                SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO, SIGPWR, SIGSYS, 34, 40, 64 };
    static const int ign[] = { SIGCHLD, SIGCONT, SIGURG, SIGWINCH };
    static const int stop[] = { SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU };
    /* Core-dumping signals would set 0x80 in the status where core dumps are enabled. */
    struct rlimit rl = { 0, 0 };
    setrlimit(RLIMIT_CORE, &rl);
    for (unsigned i = 0; i < sizeof term / sizeof term[0]; i++)
        one(term[i], PLAIN, "term");
    for (unsigned i = 0; i < sizeof ign / sizeof ign[0]; i++)
        one(ign[i], PLAIN, "ignore");
    for (unsigned i = 0; i < sizeof stop / sizeof stop[0]; i++)
        one(stop[i], PLAIN, "stop");
    one(SIGKILL, PLAIN, "term");
    one(SIGKILL, BLOCK_ALL, "term");
    one(SIGSTOP, BLOCK_ALL, "stop");
    one(SIGTERM, BLOCK_ALL, "ignore");      /* stays pending; the child exits normally */
    one(SIGTSTP, BLOCK_ALL, "ignore");
    one(SIGTERM, IGNORE, "ignore");
    one(SIGSEGV, IGNORE, "ignore");         /* sent by kill, not a fault: ignored */
    one(SIGTSTP, IGNORE, "ignore");
    /* Job-control stop signals are discarded in an orphaned process group; SIGSTOP is not. */
    one(SIGTSTP, ORPHANED, "ignore");
    one(SIGTTIN, ORPHANED, "ignore");
    one(SIGTTOU, ORPHANED, "ignore");
    one(SIGSTOP, ORPHANED, "stop");

    /* A fatal signal sent to a stopped process waits for SIGCONT, then kills it. */
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        raise(SIGSTOP);
        _exit(0);
    }
    int st = wait_for(pid, WUNTRACED);
    kill(pid, SIGTERM);
    msleep(50);
    int mid = wait_for(pid, WNOHANG);
    kill(pid, SIGCONT);
    int end = wait_for(pid, 0);
    out("SIGTERM to a stopped child: %s, after 50 ms: %s, after SIGCONT: %s", status_str(st),
        status_str(mid), status_str(end));
    check(st >= 0 && WIFSTOPPED(st) && mid == -1000 && end == SIGTERM, "default-term-while-stopped",
          "%s / %s / %s", status_str(st), status_str(mid), status_str(end));
    return t_done("sigdefault");
}
