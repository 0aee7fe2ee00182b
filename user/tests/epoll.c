/* Waiting, part 2: epoll (level-triggered, EPOLLET, EPOLLONESHOT, MOD/DEL, nesting, errors),
 * eventfd (counter and semaphore, overflow, blocking), signalfd (blocked SIGUSR1 read as
 * signalfd_siginfo, with epoll), timerfd (one-shot, periodic, absolute, gettime, errors) and a
 * small event loop over all of them. Deterministic: "out:" lines are compared with Linux. */
#include "tap.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event ev = { .events = events, .data.u64 = data };
    return (int)E(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
}

static int mod(int ep, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event ev = { .events = events, .data.u64 = data };
    return (int)E(epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev));
}

/* epoll_wait for one event: "n events data/mask" as a number: -errno, 0, or data*0x10000+mask. */
static long wait1(int ep, int timeout)
{
    struct epoll_event ev[4];
    int n = epoll_wait(ep, ev, 4, timeout);
    if (n < 0)
        return -errno;
    if (n == 0)
        return 0;
    if (n > 1)
        return 1000000000L + n;
    return (long)(ev[0].data.u64 * 0x10000 + ev[0].events);
}

static void basics(void)
{
    res("create1-bad-flags", E(epoll_create1(1)), -EINVAL);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    check(ep >= 0, "create1", "epoll_create1: %s", strerror(errno));
    res("epoll-getfl", fcntl(ep, F_GETFL), O_RDWR);
    res("epoll-cloexec", fcntl(ep, F_GETFD), FD_CLOEXEC);
    res("epoll-read", E(read(ep, &(uint64_t){ 0 }, 8)), -EINVAL);
    int p[2];
    pipe(p);
    res("add", add(ep, p[0], EPOLLIN, 7), 0);
    res("add-again", add(ep, p[0], EPOLLIN, 7), -EEXIST);
    res("add-self", add(ep, ep, EPOLLIN, 0), -EINVAL);
    res("add-bad-fd", add(ep, 999, EPOLLIN, 0), -EBADF);
    res("add-to-non-epoll", add(p[1], p[0], EPOLLIN, 0), -EINVAL);
    char path[64];
    snprintf(path, sizeof path, "/tmp/epoll.%d", getpid());
    int reg = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    res("add-regular-file", add(ep, reg, EPOLLIN, 0), -EPERM);
    int opath = open("/tmp", O_PATH);
    res("add-o-path", add(ep, opath, EPOLLIN, 0), -EBADF);
    close(opath);
    close(reg);
    unlink(path);
    res("mod-absent", mod(ep, p[1], EPOLLOUT, 0), -ENOENT);
    res("del-absent", E(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL)), -ENOENT);
    res("bad-op", E(epoll_ctl(ep, 99, p[0], &(struct epoll_event){ 0 })), -EINVAL);
    res("exclusive-mod", mod(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE, 0), -EINVAL);
    res("exclusive-oneshot", add(ep, p[1], EPOLLOUT | EPOLLEXCLUSIVE | EPOLLONESHOT, 0), -EINVAL);
    res("exclusive-add", add(ep, p[1], EPOLLOUT | EPOLLEXCLUSIVE, 0), 0);
    res("exclusive-then-mod", mod(ep, p[1], EPOLLOUT, 0), -EINVAL);
    res("exclusive-del", E(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL)), 0);
    res("ctl-efault", E(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], (struct epoll_event *)8)), -EFAULT);
    struct epoll_event evs[2];
    res("wait-maxevents-0", E(epoll_wait(ep, evs, 0, 0)), -EINVAL);
    res("wait-not-epoll", E(epoll_wait(p[0], evs, 2, 0)), -EINVAL);
    res("wait-bad-fd", E(epoll_wait(999, evs, 2, 0)), -EBADF);

    /* Level-triggered: reported while data is there. */
    res("lt-empty", wait1(ep, 0), 0);
    write(p[1], "abc", 3);
    res("lt-ready", wait1(ep, 0), 7 * 0x10000 + EPOLLIN);
    res("lt-still-ready", wait1(ep, 0), 7 * 0x10000 + EPOLLIN);
    char b[8];
    read(p[0], b, sizeof b);
    res("lt-drained", wait1(ep, 0), 0);
    res("wait-efault", (write(p[1], "x", 1), E(syscall(SYS_epoll_pwait, ep, (struct epoll_event *)8, 2, 0, NULL, 8))), -EFAULT);
    read(p[0], b, sizeof b);

    /* Edge-triggered: once per new write. */
    res("mod-et", mod(ep, p[0], EPOLLIN | EPOLLET, 8), 0);
    write(p[1], "a", 1);
    res("et-first", wait1(ep, 0), 8 * 0x10000 + EPOLLIN);
    res("et-not-again", wait1(ep, 0), 0);
    write(p[1], "b", 1);
    res("et-new-data", wait1(ep, 0), 8 * 0x10000 + EPOLLIN);
    read(p[0], b, sizeof b);

    /* One-shot: disabled after one report until MOD re-arms it. */
    res("mod-oneshot", mod(ep, p[0], EPOLLIN | EPOLLONESHOT, 9), 0);
    write(p[1], "c", 1);
    res("oneshot-first", wait1(ep, 0), 9 * 0x10000 + EPOLLIN);
    write(p[1], "d", 1);
    res("oneshot-disabled", wait1(ep, 0), 0);
    res("oneshot-rearm", mod(ep, p[0], EPOLLIN | EPOLLONESHOT, 10), 0);
    res("oneshot-rearmed", wait1(ep, 0), 10 * 0x10000 + EPOLLIN);
    read(p[0], b, sizeof b);

    /* The write end: EPOLLOUT; the read end closing gives EPOLLERR. */
    res("add-write-end", add(ep, p[1], EPOLLOUT, 11), 0);
    res("del-read-end", E(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL)), 0);
    res("out-ready", wait1(ep, 0), 11 * 0x10000 + EPOLLOUT);
    close(p[0]);
    res("out-err", wait1(ep, 0), 11 * 0x10000 + (EPOLLOUT | EPOLLERR));
    close(p[1]);
    res("closed-file-dropped", wait1(ep, 0), 0);

    /* EPOLLHUP is always reported, even when not asked for. */
    pipe(p);
    add(ep, p[0], 0, 12);
    res("no-events-quiet", wait1(ep, 0), 0);
    close(p[1]);
    res("hup-always", wait1(ep, 0), 12 * 0x10000 + EPOLLHUP);
    close(p[0]);

    /* A dup keeps the item alive: it watches the open file, not the number. */
    pipe(p);
    int d = dup(p[0]);
    add(ep, p[0], EPOLLIN, 13);
    close(p[0]);
    write(p[1], "e", 1);
    res("dup-keeps-item", wait1(ep, 0), 13 * 0x10000 + EPOLLIN);
    close(d);
    res("last-close-drops", wait1(ep, 0), 0);
    close(p[1]);

    /* maxevents limits one call; the rest come next time (level-triggered). */
    int q[3][2];
    for (int i = 0; i < 3; i++) {
        pipe(q[i]);
        add(ep, q[i][0], EPOLLIN, 20 + (uint64_t)i);
        write(q[i][1], "f", 1);
    }
    res("maxevents-1", epoll_wait(ep, evs, 1, 0), 1);
    res("maxevents-2", epoll_wait(ep, evs, 2, 0), 2);
    struct epoll_event many[8];
    res("all-three", epoll_wait(ep, many, 8, 0), 3);
    for (int i = 0; i < 3; i++)
        close(q[i][0]), close(q[i][1]);

    /* Nested: an epoll in an epoll is readable when the inner one has events; no loops. */
    int inner = epoll_create1(0), outer = epoll_create1(0);
    pipe(p);
    add(inner, p[0], EPOLLIN, 30);
    res("nest-add", add(outer, inner, EPOLLIN, 31), 0);
    res("nest-loop", add(inner, outer, EPOLLIN, 0), -ELOOP);
    res("nest-quiet", wait1(outer, 0), 0);
    write(p[1], "g", 1);
    res("nest-ready", wait1(outer, 0), 31 * 0x10000 + EPOLLIN);
    struct pollfd pf = { outer, POLLIN, 0 };
    res("poll-on-epoll", poll(&pf, 1, 0), 1);
    close(p[0]), close(p[1]);
    close(inner);
    close(outer);

    /* A blocking wait woken by another process, and a timeout. */
    pipe(p);
    add(ep, p[0], EPOLLIN, 40);
    int parent = getpid(), pid = fork();
    if (pid == 0) {
        wait_sleeping(parent);
        write(p[1], "h", 1);
        _exit(0);
    }
    res("wait-woken", wait1(ep, 5000), 40 * 0x10000 + EPOLLIN);
    wait_for(pid, 0);
    read(p[0], b, 1);
    long t0 = now_ms();
    res("wait-timeout", wait1(ep, 150), 0);
    long dt = now_ms() - t0;
    check(dt >= 140 && dt < 3000, "wait-timeout-elapsed", "150 ms took %ld ms", dt);
    struct timespec ts2 = { 0, 50 * 1000000L };
    t0 = now_ms();
    res("pwait2-timeout", E(syscall(SYS_epoll_pwait2, ep, evs, 2, &ts2, NULL, 8)), 0);
    check(now_ms() - t0 >= 45, "pwait2-timeout-elapsed", "50 ms took %ld ms", now_ms() - t0);
    write(p[1], "i", 1);
    res("pwait2-ready", E(syscall(SYS_epoll_pwait2, ep, evs, 2, NULL, NULL, 8)), 1);
    res("pwait2-data", (long)evs[0].data.u64, 40);
    ts2.tv_nsec = 1000000000L;
    res("pwait2-bad-timeout", E(syscall(SYS_epoll_pwait2, ep, evs, 2, &ts2, NULL, 8)), -EINVAL);
    read(p[0], b, 1);
    close(p[0]), close(p[1]);
    close(ep);
}

static void eventfds(void)
{
    res("eventfd-bad-flags", E(eventfd(0, 0x10)), -EINVAL);
    int e = eventfd(5, EFD_NONBLOCK);
    uint64_t v = 0;
    res("eventfd-initial", (read(e, &v, 8), (long)v), 5);
    res("eventfd-empty", E(read(e, &v, 8)), -EAGAIN);
    v = 3;
    write(e, &v, 8);
    v = 4;
    write(e, &v, 8);
    res("eventfd-sum", (read(e, &v, 8), (long)v), 7);
    res("eventfd-short-read", E(read(e, &v, 4)), -EINVAL);
    res("eventfd-short-write", E(write(e, &v, 4)), -EINVAL);
    v = UINT64_MAX;
    res("eventfd-write-max", E(write(e, &v, 8)), -EINVAL);
    v = UINT64_MAX - 1;
    res("eventfd-write-top", E(write(e, &v, 8)), 8);
    v = 1;
    res("eventfd-overflow", E(write(e, &v, 8)), -EAGAIN);
    struct pollfd pf = { e, POLLIN | POLLOUT, 0 };
    poll(&pf, 1, 0);
    res("eventfd-full-mask", pf.revents, POLLIN);
    read(e, &v, 8);
    poll(&pf, 1, 0);
    res("eventfd-empty-mask", pf.revents, POLLOUT);
    res("eventfd-lseek", E(lseek(e, 0, SEEK_CUR)), 0);
    struct stat st;
    fstat(e, &st);
    out("eventfd-mode: %o", st.st_mode);
    close(e);

    e = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    res("eventfd-getfl", fcntl(e, F_GETFL), O_RDWR | O_NONBLOCK);
    res("eventfd-cloexec", fcntl(e, F_GETFD), FD_CLOEXEC);
    close(e);
    e = eventfd(0, 0);
    res("eventfd-getfl-blocking", fcntl(e, F_GETFL), O_RDWR);
    fcntl(e, F_SETFL, O_NONBLOCK);
    res("eventfd-setfl-nonblock", E(read(e, &v, 8)), -EAGAIN);
    close(e);
    e = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    long got[4];
    for (int i = 0; i < 4; i++)
        got[i] = read(e, &v, 8) == 8 ? (long)v : -errno;
    resb("semaphore", got[0] == 1 && got[1] == 1 && got[2] == 1 && got[3] == -EAGAIN, "%ld %ld %ld %ld", got[0],
         got[1], got[2], got[3]);
    close(e);

    /* Blocking read woken by a writer in another process; epoll sees the counter. */
    e = eventfd(0, 0);
    int ep = epoll_create1(0);
    add(ep, e, EPOLLIN, 50);
    int parent = getpid(), pid = fork();
    if (pid == 0) {
        wait_sleeping(parent);
        uint64_t one = 2;
        write(e, &one, 8);
        _exit(0);
    }
    v = 0;
    res("eventfd-blocking-read", (read(e, &v, 8), (long)v), 2);
    wait_for(pid, 0);
    res("eventfd-epoll-quiet", wait1(ep, 0), 0);
    v = 1;
    write(e, &v, 8);
    res("eventfd-epoll", wait1(ep, 0), 50 * 0x10000 + EPOLLIN);
    close(ep);
    close(e);
}

static void signalfds(void)
{
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigprocmask(SIG_BLOCK, &m, NULL);
    res("signalfd-bad-flags", E(signalfd(-1, &m, 0x10)), -EINVAL);
    res("signalfd-bad-size", E(syscall(SYS_signalfd4, -1, &m, 4, 0)), -EINVAL);
    res("signalfd-not-signalfd", E(signalfd(0, &m, 0)), -EINVAL);
    int s = signalfd(-1, &m, SFD_NONBLOCK | SFD_CLOEXEC);
    struct signalfd_siginfo si;
    res("signalfd-empty", E(read(s, &si, sizeof si)), -EAGAIN);
    res("signalfd-short-read", E(read(s, &si, 64)), -EINVAL);
    int ep = epoll_create1(0);
    add(ep, s, EPOLLIN, 60);
    res("signalfd-epoll-quiet", wait1(ep, 0), 0);
    kill(getpid(), SIGUSR1);
    res("signalfd-epoll-ready", wait1(ep, 0), 60 * 0x10000 + EPOLLIN);
    memset(&si, 0, sizeof si);
    res("signalfd-read", E(read(s, &si, sizeof si)), 128);
    res("signalfd-signo", si.ssi_signo, SIGUSR1);
    res("signalfd-code", si.ssi_code, SI_USER);
    resb("signalfd-pid", si.ssi_pid == (uint32_t)getpid(), "ssi_pid %u", si.ssi_pid);
    sigset_t pend;
    sigpending(&pend);
    resb("signalfd-consumed", !sigismember(&pend, SIGUSR1), "still pending");
    res("signalfd-epoll-after", wait1(ep, 0), 0);

    /* A blocking read woken by a signal from another process. */
    int s2 = signalfd(-1, &m, 0);
    int parent = getpid(), pid = fork();
    if (pid == 0) {
        wait_sleeping(parent);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    memset(&si, 0, sizeof si);
    res("signalfd-blocking-read", E(read(s2, &si, sizeof si)), 128);
    resb("signalfd-sender", si.ssi_signo == SIGUSR1 && si.ssi_pid == (uint32_t)pid, "signo %u pid %u",
         si.ssi_signo, si.ssi_pid);
    wait_for(pid, 0);
    /* Changing the mask through the descriptor. */
    sigset_t m2;
    sigemptyset(&m2);
    sigaddset(&m2, SIGUSR2);
    sigprocmask(SIG_BLOCK, &m2, NULL);
    res("signalfd-remask", signalfd(s, &m2, 0) == s, 1);
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR2);
    res("signalfd-remasked-read", (read(s, &si, sizeof si), (long)si.ssi_signo), SIGUSR2);
    res("signalfd-other-left", E(read(s, &si, sizeof si)), -EAGAIN);
    sigpending(&pend);
    resb("signalfd-usr1-pending", sigismember(&pend, SIGUSR1), "SIGUSR1 gone");
    res("signalfd-usr1-via-s2", (read(s2, &si, sizeof si), (long)si.ssi_signo), SIGUSR1);
    close(s2);
    close(s);
    close(ep);
    sigprocmask(SIG_UNBLOCK, &m, NULL);
    sigprocmask(SIG_UNBLOCK, &m2, NULL);
}

static void timerfds(void)
{
    res("timerfd-bad-clock", E(timerfd_create(12345, 0)), -EINVAL);
    res("timerfd-bad-flags", E(timerfd_create(CLOCK_MONOTONIC, 0x10)), -EINVAL);
    int t = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    res("timerfd-getfl", fcntl(t, F_GETFL), O_RDWR | O_NONBLOCK);
    res("timerfd-write", E(write(t, &(uint64_t){ 1 }, 8)), -EINVAL);
    struct itimerspec its, old;
    timerfd_gettime(t, &its);
    resb("timerfd-disarmed", !its.it_value.tv_sec && !its.it_value.tv_nsec, "value set");
    uint64_t n = 0;
    res("timerfd-unarmed-read", E(read(t, &n, 8)), -EAGAIN);
    struct itimerspec bad = { { 0, 0 }, { 0, 1000000000L } };
    res("timerfd-bad-nsec", E(timerfd_settime(t, 0, &bad, NULL)), -EINVAL);
    res("timerfd-bad-settime-flags", E(timerfd_settime(t, 0x10, &its, NULL)), -EINVAL);
    res("timerfd-settime-not-timerfd", E(timerfd_settime(0, 0, &its, NULL)), -EINVAL);
    res("timerfd-settime-ebadf", E(timerfd_settime(999, 0, &its, NULL)), -EBADF);
    res("timerfd-short-read", E(read(t, &n, 4)), -EINVAL);

    /* One-shot, 60 ms: not yet, then one expiration. */
    its = (struct itimerspec){ { 0, 0 }, { 0, 60 * 1000000L } };
    long t0 = now_ms();         /* before settime: the timer runs from there */
    timerfd_settime(t, 0, &its, NULL);
    res("oneshot-not-yet", E(read(t, &n, 8)), -EAGAIN);
    timerfd_gettime(t, &its);
    resb("oneshot-gettime", its.it_value.tv_sec == 0 && its.it_value.tv_nsec > 0 &&
         its.it_value.tv_nsec <= 60 * 1000000L, "value %ld.%09ld", (long)its.it_value.tv_sec, its.it_value.tv_nsec);
    struct pollfd pf = { t, POLLIN, 0 };
    res("oneshot-poll", poll(&pf, 1, 5000), 1);
    long dt = now_ms() - t0;
    check(dt >= 50 && dt < 3000, "oneshot-poll-elapsed", "60 ms took %ld ms", dt);
    res("oneshot-read", (read(t, &n, 8), (long)n), 1);
    res("oneshot-read-again", E(read(t, &n, 8)), -EAGAIN);
    timerfd_gettime(t, &its);
    resb("oneshot-disarmed", !its.it_value.tv_sec && !its.it_value.tv_nsec, "value %ld.%09ld",
         (long)its.it_value.tv_sec, its.it_value.tv_nsec);

    /* Periodic, 20 ms: several expirations counted in one read. */
    its = (struct itimerspec){ { 0, 20 * 1000000L }, { 0, 20 * 1000000L } };
    timerfd_settime(t, 0, &its, &old);
    msleep(110);
    n = 0;
    read(t, &n, 8);
    check(n >= 3 && n <= 500, "periodic-count", "%llu expirations in 110 ms of 20 ms", (unsigned long long)n);
    timerfd_gettime(t, &its);
    resb("periodic-interval", its.it_interval.tv_sec == 0 && its.it_interval.tv_nsec == 20 * 1000000L,
         "interval %ld", its.it_interval.tv_nsec);
    its = (struct itimerspec){ { 0, 0 }, { 0, 0 } };
    timerfd_settime(t, 0, &its, &old);
    resb("disarm-old-interval", old.it_interval.tv_nsec == 20 * 1000000L, "old interval %ld", old.it_interval.tv_nsec);
    msleep(30);
    res("disarmed-read", E(read(t, &n, 8)), -EAGAIN);
    close(t);

    /* Blocking read of an absolute timer on CLOCK_REALTIME and CLOCK_BOOTTIME. */
    int clocks[2] = { CLOCK_REALTIME, CLOCK_BOOTTIME };
    for (int i = 0; i < 2; i++) {
        t = timerfd_create(clocks[i], 0);
        struct timespec now;
        t0 = now_ms();
        clock_gettime(clocks[i], &now);
        its = (struct itimerspec){ { 0, 0 }, now };
        its.it_value.tv_nsec += 50 * 1000000L;
        if (its.it_value.tv_nsec >= 1000000000L)
            its.it_value.tv_sec++, its.it_value.tv_nsec -= 1000000000L;
        timerfd_settime(t, TFD_TIMER_ABSTIME, &its, NULL);
        n = 0;
        res(i ? "abs-boottime-read" : "abs-realtime-read", (read(t, &n, 8), (long)n), 1);
        dt = now_ms() - t0;
        check(dt >= 45 && dt < 3000, i ? "abs-boottime-elapsed" : "abs-realtime-elapsed", "took %ld ms", dt);
        close(t);
    }

    /* An absolute time in the past with an interval: the missed expirations are counted. */
    t = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    its = (struct itimerspec){ { 0, 100 * 1000000L }, { now.tv_sec - 1, now.tv_nsec } };
    timerfd_settime(t, TFD_TIMER_ABSTIME, &its, NULL);
    n = 0;
    read(t, &n, 8);
    check(n >= 10 && n <= 40, "abs-past-count", "%llu expirations for 1 s of 100 ms", (unsigned long long)n);
    close(t);
}

/* epoll over a timerfd, an eventfd, a pipe and a signalfd fed by a child. */
static void event_loop(void)
{
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigprocmask(SIG_BLOCK, &m, NULL);
    int ep = epoll_create1(0);
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    int efd = eventfd(0, EFD_NONBLOCK);
    int sfd = signalfd(-1, &m, SFD_NONBLOCK);
    int p[2];
    pipe2(p, O_NONBLOCK);
    add(ep, tfd, EPOLLIN, 1);
    add(ep, efd, EPOLLIN, 2);
    add(ep, p[0], EPOLLIN | EPOLLET, 3);
    add(ep, sfd, EPOLLIN, 4);
    struct itimerspec its = { { 0, 30 * 1000000L }, { 0, 30 * 1000000L } };
    timerfd_settime(tfd, 0, &its, NULL);
    int parent = getpid(), pid = fork();
    if (pid == 0) {
        uint64_t one = 1;
        for (int i = 0; i < 3; i++) {
            msleep(40);
            write(efd, &one, 8);
            write(p[1], "ab", 2);
            kill(parent, SIGUSR1);
        }
        _exit(0);
    }
    close(p[1]);
    int ticks = 0, events = 0, bytes = 0, sigs = 0, hup = 0;
    long t0 = now_ms();
    while ((ticks < 5 || events < 3 || bytes < 6 || sigs < 1 || !hup) && now_ms() - t0 < 10000) {
        struct epoll_event ev[8];
        int n = epoll_wait(ep, ev, 8, 1000);
        for (int i = 0; i < n; i++) {
            uint64_t v;
            char buf[16];
            struct signalfd_siginfo si;
            switch (ev[i].data.u64) {
            case 1:
                if (read(tfd, &v, 8) == 8)
                    ticks += (int)v;
                break;
            case 2:
                if (read(efd, &v, 8) == 8)
                    events += (int)v;
                break;
            case 3:
                for (ssize_t r; (r = read(p[0], buf, sizeof buf)) > 0;)
                    bytes += (int)r;
                if (ev[i].events & EPOLLHUP)
                    hup = 1;
                break;
            case 4:
                while (read(sfd, &si, sizeof si) == sizeof si)
                    sigs++;
                break;
            }
        }
    }
    wait_for(pid, 0);
    check(ticks >= 5, "loop-timer", "%d ticks", ticks);
    check(events == 3, "loop-eventfd", "%d events", events);
    check(bytes == 6, "loop-pipe", "%d bytes", bytes);
    check(sigs >= 1 && sigs <= 3, "loop-signalfd", "%d signals", sigs);
    check(hup, "loop-pipe-hup", "no EPOLLHUP after the writer left");
    close(ep), close(tfd), close(efd), close(sfd), close(p[0]);
    sigprocmask(SIG_UNBLOCK, &m, NULL);
}

static volatile int usr2_count;

static void on_usr2(int sig)
{
    (void)sig;
    usr2_count++;
}

static void set_usr2(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr2;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR2, &sa, NULL);
}

/* A child that sends SIGUSR2 once the parent sleeps. */
static int poke(void)
{
    int parent = getpid(), pid = fork();
    if (pid == 0) {
        wait_sleeping(parent);
        msleep(20);
        kill(parent, SIGUSR2);
        _exit(0);
    }
    return pid;
}

/* Signals during the blocking calls: epoll_wait is never restarted; reads of eventfd,
 * signalfd and timerfd follow SA_RESTART. */
static void interrupts(void)
{
    int ep = epoll_create1(0), e = eventfd(0, 0);
    add(ep, e, EPOLLIN, 1);
    set_usr2(SA_RESTART);
    usr2_count = 0;
    int pid = poke();
    res("epoll-eintr-sa-restart", wait1(ep, 10000), -EINTR);
    res("epoll-eintr-handler", usr2_count, 1);
    wait_for(pid, 0);

    set_usr2(0);
    uint64_t v;
    pid = poke();
    res("eventfd-read-eintr", E(read(e, &v, 8)), -EINTR);
    wait_for(pid, 0);

    /* With SA_RESTART the eventfd read goes on and gets the value written later. */
    set_usr2(SA_RESTART);
    usr2_count = 0;
    int parent = getpid();
    pid = fork();
    if (pid == 0) {
        wait_sleeping(parent);
        kill(parent, SIGUSR2);
        msleep(50);
        wait_sleeping(parent);
        uint64_t three = 3;
        write(e, &three, 8);
        _exit(0);
    }
    v = 0;
    res("eventfd-read-restarted", (read(e, &v, 8), (long)v), 3);
    res("eventfd-restart-handler", usr2_count, 1);
    wait_for(pid, 0);

    /* A full eventfd: a blocking write waits for a read. */
    v = 0xfffffffffffffffeULL;
    write(e, &v, 8);
    pid = fork();
    if (pid == 0) {
        wait_sleeping(parent);
        uint64_t x;
        read(e, &x, 8);
        _exit(0);
    }
    v = 5;
    res("eventfd-write-blocks", E(write(e, &v, 8)), 8);
    wait_for(pid, 0);
    res("eventfd-after-blocked-write", (read(e, &v, 8), (long)v), 5);

    /* timerfd read restarted after a handler: still one expiration. */
    int t = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec its = { { 0, 0 }, { 0, 300 * 1000000L } };
    timerfd_settime(t, 0, &its, NULL);
    usr2_count = 0;
    pid = poke();
    v = 0;
    res("timerfd-read-restarted", (read(t, &v, 8), (long)v), 1);
    res("timerfd-restart-handler", usr2_count, 1);
    wait_for(pid, 0);
    close(t);

    /* signalfd read interrupted by another signal's handler, no SA_RESTART. */
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigprocmask(SIG_BLOCK, &m, NULL);
    int s = signalfd(-1, &m, 0);
    set_usr2(0);
    pid = poke();
    struct signalfd_siginfo si;
    res("signalfd-read-eintr", E(read(s, &si, sizeof si)), -EINTR);
    wait_for(pid, 0);
    close(s);
    sigprocmask(SIG_UNBLOCK, &m, NULL);
    signal(SIGUSR2, SIG_DFL);
    close(e);
    close(ep);
}

int main(void)
{
    basics();
    interrupts();
    eventfds();
    signalfds();
    timerfds();
    event_loop();
    return t_done("epoll");
}
