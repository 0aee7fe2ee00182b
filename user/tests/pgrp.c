/* Process groups and sessions: setpgid/getpgid/getpgrp/setsid/getsid rules and errors, and
 * kill() to a group (negative pid), to our own group (0) and to everybody (-1).
 * Must start as a session leader (boot-spawned, or setsid on Linux). Deterministic "out:"
 * lines (host-compare.py); kill(-1) runs only when this program is pid 1 (never on a host,
 * where it would signal every process of the user). */
#include "tap.h"
#include <signal.h>
#include <stdlib.h>

static volatile sig_atomic_t got_usr1, got_usr2;

static void on_usr1(int sig)
{
    (void)sig;
    got_usr1 = 1;
}

static void on_usr2(int sig)
{
    (void)sig;
    got_usr2 = 1;
}

/* A child that waits up to ms for SIGUSR1 (or SIGUSR2) and exits 1 if it came, else 0. */
static pid_t listener(int pgid, int ms)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (pgid >= 0)
            setpgid(0, pgid);
        for (int i = 0; i < ms / 5 && !got_usr1 && !got_usr2; i++)
            msleep(5);
        _exit(got_usr1 || got_usr2);
    }
    if (pgid >= 0)
        setpgid(pid, pgid);    /* both sides, so it is done whoever runs first */
    return pid;
}

static int got(pid_t pid)
{
    int st = wait_for(pid, 0);
    return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_rules(void)
{
    int me = getpid();
    out("session leader: getsid(0) == pid %s, getpgrp() == pid %s, getpgid(0) == pid %s",
        yn(getsid(0) == me), yn(getpgrp() == me), yn(getpgid(0) == me));
    check(getsid(0) == me && getpgrp() == me && getpgid(0) == me, "pgrp-leader",
          "sid %d, pgrp %d, pid %d", getsid(0), getpgrp(), me);
    long r = E(setsid());
    out("setsid() as group leader: %s", vstr(r));
    check_val("pgrp-setsid-leader-eperm", r, -EPERM);
    r = E(setpgid(0, 0));
    out("setpgid(0, 0) as session leader: %s", vstr(r));
    check_val("pgrp-setpgid-session-leader-eperm", r, -EPERM);

    /* A child starts in our group and session, may make its own group, then cannot setsid. */
    pid_t pid = fork();
    if (pid == 0) {
        int bits = (getpgrp() == me) | (getsid(0) == me) << 1;
        bits |= (setpgid(0, 0) == 0 && getpgrp() == getpid()) << 2;
        bits |= (setsid() < 0 && errno == EPERM) << 3;
        bits |= (setpgid(0, me) == 0 && getpgrp() == me) << 4;   /* back into the parent's group */
        _exit(bits);
    }
    int bits = got(pid);
    out("child: inherits group %s and session %s, setpgid(0,0) %s, then setsid EPERM %s, rejoins %s",
        yn(bits & 1), yn(bits & 2), yn(bits & 4), yn(bits & 8), yn(bits & 16));
    check(bits == 31, "pgrp-child-rules", "bits %#x (1 group, 2 session, 4 own group, 8 setsid EPERM, "
          "16 rejoin)", bits);

    /* A child that is not a group leader may start a session. */
    pid = fork();
    if (pid == 0) {
        int sid = setsid();
        _exit((sid == getpid()) | (getsid(0) == getpid()) << 1 | (getpgrp() == getpid()) << 2);
    }
    bits = got(pid);
    out("child setsid: new session and group %s", yn(bits == 7));
    check(bits == 7, "pgrp-child-setsid", "bits %#x", bits);

    /* The parent moves a child between groups; the errors. */
    pid_t c = listener(-1, 400);
    r = E(setpgid(c, c));
    int g1 = getpgid(c);
    long r2 = E(setpgid(c, me));
    int g2 = getpgid(c);
    long e_nogroup = E(setpgid(c, 99999));
    long e_neg = E(setpgid(c, -1));
    long e_nochild = E(setpgid(99999, 0));
    out("parent: setpgid(child, child) %s -> group is child %s; back to ours %s %s; to a missing group "
        "%s; negative %s; no such process %s", vstr(r), yn(g1 == c), vstr(r2), yn(g2 == me),
        vstr(e_nogroup), vstr(e_neg), vstr(e_nochild));
    check(r == 0 && g1 == c && r2 == 0 && g2 == me, "pgrp-parent-moves-child", "%s %d %s %d",
          vstr(r), g1, vstr(r2), g2);
    check_val("pgrp-setpgid-missing-group-eperm", e_nogroup, -EPERM);
    check_val("pgrp-setpgid-negative-einval", e_neg, -EINVAL);
    check_val("pgrp-setpgid-nonexistent-esrch", e_nochild, -ESRCH);
    kill(c, SIGKILL);
    got(c);

    /* A grandchild is not our child: ESRCH. A child in another session: EPERM. */
    pid = fork();
    if (pid == 0) {
        pid_t g = listener(-1, 300);
        _exit(got(g) >= 0 ? 0 : 1);
    }
    /* The grandchild's pid: after the child's, but other programs may be forking beside this
     * one, so search, and give a loaded machine up to two seconds to start it. */
    pid_t grandchild = -1;
    for (int tries = 0; tries < 100 && grandchild < 0; tries++) {
        msleep(20);
        for (int p = pid + 1; p < pid + 200 && grandchild < 0; p++)
            if (getpgid(p) == me && getsid(p) == me && p != pid && getppid() != p)
                grandchild = p;
    }
    r = grandchild > 0 ? E(setpgid(grandchild, grandchild)) : -ENOENT;
    out("setpgid(grandchild): %s", vstr(r));
    check_val("pgrp-setpgid-grandchild-esrch", r, -ESRCH);
    if (grandchild > 0)     /* never kill(-1): that would hit every other test running */
        kill(grandchild, SIGKILL);
    got(pid);

    pid = fork();
    if (pid == 0) {
        setsid();
        msleep(300);
        _exit(0);
    }
    msleep(30);
    r = E(setpgid(pid, me));
    int sid = getsid(pid);
    out("setpgid(child in another session): %s; getsid(child) is the child %s", vstr(r), yn(sid == pid));
    check_val("pgrp-setpgid-other-session-eperm", r, -EPERM);
    check(sid == pid, "pgrp-getsid-child", "getsid %d, child %d", sid, pid);
    kill(pid, SIGKILL);
    got(pid);

    r = E(getpgid(99999));
    long r3 = E(getsid(99999));
    out("getpgid/getsid of no process: %s %s", vstr(r), vstr(r3));
    check_val("pgrp-getpgid-esrch", r, -ESRCH);
    check_val("pgrp-getsid-esrch", r3, -ESRCH);
}

/* After the child has called execve, its parent may no longer change its group (EACCES). */
static void test_after_exec(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = { "sleeper", "300", NULL };
        char *envp[] = { NULL };
        execve("/tests/sleeper", argv, envp);
        _exit(127);
    }
    msleep(100);
    long r = E(setpgid(pid, pid));
    int st = wait_for(pid, 0);
    if (st == 127 << 8) {
        check(1, "pgrp-setpgid-after-exec-eacces", "skipped: no /tests/sleeper here");
        return;
    }
    check_val("pgrp-setpgid-after-exec-eacces", r, -EACCES);
}

static void test_kill_groups(void)
{
    int me = getpid();
    (void)me;
    got_usr1 = got_usr2 = 0;
    /* Group g: a and b. Our group: c (and us). */
    pid_t a = listener(0, 400);
    pid_t b = listener(a, 400);
    pid_t c = listener(-1, 400);
    msleep(30);
    long r = E(kill(-a, SIGUSR1));
    int ga = got(a), gb = got(b);
    got_usr1 = 0;   /* our own flag: must not have been set, checked below via c */
    int gc = got(c);
    out("kill(-pgid): %s; in the group: %s %s; outside: %s", vstr(r), yn(ga == 1), yn(gb == 1), yn(gc == 1));
    check(r == 0 && ga == 1 && gb == 1 && gc == 0, "kill-negative-pgid", "kill %s, a %d b %d c %d (1 = signalled)",
          vstr(r), ga, gb, gc);

    /* kill(0): our group (with us), not the other one. */
    got_usr1 = 0;
    a = listener(0, 400);
    c = listener(-1, 400);
    msleep(30);
    r = E(kill(0, SIGUSR1));
    int self = got_usr1;
    ga = got(a);
    gc = got(c);
    out("kill(0): %s; us %s, our group's child %s, other group %s", vstr(r), yn(self), yn(gc == 1), yn(ga == 1));
    check(r == 0 && self && gc == 1 && ga == 0, "kill-zero-own-group", "kill %s, self %d, c %d, a %d",
          vstr(r), self, gc, ga);

    r = E(kill(-99999, SIGUSR1));
    out("kill(-missing group): %s", vstr(r));
    check_val("kill-missing-group-esrch", r, -ESRCH);
    got_usr1 = 0;
    a = listener(0, 200);
    r = E(kill(-a, 0));
    out("kill(-group, 0): %s", vstr(r));
    check_val("kill-group-sig0", r, 0);
    kill(a, SIGKILL);
    got(a);

    /* A group whose only member is a zombie still exists. */
    a = fork();
    if (a == 0) {
        setpgid(0, 0);
        _exit(0);
    }
    setpgid(a, a);
    msleep(50);
    r = E(kill(-a, 0));
    long r_term = E(kill(-a, SIGTERM));
    out("kill(-group of a zombie, 0): %s, SIGTERM: %s", vstr(r), vstr(r_term));
    check(r == 0 && r_term == 0, "kill-zombie-group", "kill(-pgid, 0) %s, kill(-pgid, SIGTERM) %s (want 0, 0)",
          vstr(r), vstr(r_term));
    got(a);

    /* kill(-1): everybody except pid 1 and the sender. Only safe where we are pid 1. */
    if (me != 1) {
        check(1, "kill-minus-one", "skipped: not pid 1");
        return;
    }
    got_usr2 = 0;
    pid_t sender = fork();
    if (sender == 0) {
        got_usr1 = got_usr2 = 0;
        pid_t x = listener(0, 400);     /* its own group */
        pid_t y = listener(-1, 400);
        msleep(30);
        long k = E(kill(-1, SIGUSR2));
        int sent_to_self = got_usr2;
        _exit((k == 0) | (got(x) == 1) << 1 | (got(y) == 1) << 2 | (!sent_to_self) << 3);
    }
    int res = got(sender);
    msleep(20);
    check(res == 15 && !got_usr2, "kill-minus-one", "sender bits %#x (1 ok, 2/4 children signalled, 8 not "
          "itself), pid 1 signalled %d", res, (int)got_usr2);
}

int main(void)
{
    struct sigaction sa = { .sa_handler = on_usr1 };
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_usr2;
    sigaction(SIGUSR2, &sa, NULL);
    test_rules();
    test_after_exec();
    test_kill_groups();
    return t_done("pgrp");
}
