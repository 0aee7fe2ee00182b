/* timer_create + epoll (issue 13, point 7): a periodic POSIX timer whose handler writes to a
 * pipe (the self-pipe idiom of event loops) wakes epoll_wait once per expiration; a timer
 * signal interrupts an epoll_wait with EINTR (SA_RESTART or not, as on Linux); epoll_pwait
 * with the signal blocked in its mask sleeps through the expiration and times out.
 * Needs epoll (the poll slice): its guest case is added when epoll exists. */
#include "tap.h"
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>

static int pipe_w = -1;
static volatile int n_sig, last_value;

static void on_timer(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    n_sig++;
    last_value = si->si_value.sival_int;
    if (pipe_w >= 0) {
        char c = 't';
        if (write(pipe_w, &c, 1) != 1)
            n_sig += 1000;
    }
}

int main(void)
{
    int sig = SIGRTMIN + 4;
    struct sigaction sa = { .sa_sigaction = on_timer, .sa_flags = SA_SIGINFO | SA_RESTART };
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);

    int p[2];
    if (pipe2(p, O_NONBLOCK | O_CLOEXEC) != 0) {
        check(0, "pipe", "%s", strerror(errno));
        return 1;
    }
    pipe_w = p[1];
    int ep = epoll_create1(EPOLL_CLOEXEC);
    check(ep >= 0, "epoll-create", "%s", strerror(errno));
    struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 77 };
    check(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0, "epoll-add-pipe", "%s", strerror(errno));

    timer_t t;
    struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = sig };
    sev.sigev_value.sival_int = 99;
    check(timer_create(CLOCK_MONOTONIC, &sev, &t) == 0, "timer-create", "%s", strerror(errno));
    struct itimerspec its = { { 0, 20000000 }, { 0, 20000000 } };
    timer_settime(t, 0, &its, NULL);

    /* five expirations, each seen by epoll_wait through the pipe */
    int wakeups = 0, bytes = 0, bad = 0;
    long t0 = now_ms();
    while (bytes < 5 && now_ms() - t0 < 3000) {
        struct epoll_event out[4];
        int n = epoll_wait(ep, out, 4, 1000);
        if (n < 0 && errno == EINTR)
            continue;           /* the handler ran during the wait: the byte is there next time */
        if (n != 1 || out[0].data.u32 != 77 || !(out[0].events & EPOLLIN)) {
            bad++;
            continue;
        }
        wakeups++;
        char buf[16];
        ssize_t r;
        while ((r = read(p[0], buf, sizeof buf)) > 0)
            bytes += (int)r;
    }
    struct itimerspec off = { { 0, 0 }, { 0, 0 } };
    timer_settime(t, 0, &off, NULL);
    long dt = now_ms() - t0;
    check(bytes >= 5 && bad == 0 && wakeups >= 1 && dt >= 80, "epoll-wakes-per-expiration",
          "%d bytes, %d wakeups, %d bad results in %ld ms", bytes, wakeups, bad, dt);
    check(last_value == 99, "timer-si-value", "si_value %d", last_value);

    /* a timer signal interrupts epoll_wait even with SA_RESTART */
    pipe_w = -1;
    char drain[64];
    while (read(p[0], drain, sizeof drain) > 0)
        ;
    struct itimerspec once = { { 0, 0 }, { 0, 50000000 } };
    timer_settime(t, 0, &once, NULL);
    t0 = now_ms();
    struct epoll_event out[4];
    int n = epoll_wait(ep, out, 4, 2000);
    int e = errno;
    dt = now_ms() - t0;
    check(n == -1 && e == EINTR && dt >= 40 && dt < 1500, "epoll-wait-eintr", "n=%d errno %s after %ld ms", n, ename(e), dt);

    /* epoll_pwait with the signal blocked: it stays pending, the wait times out */
    sigset_t mask;
    sigprocmask(SIG_BLOCK, NULL, &mask);
    sigaddset(&mask, sig);
    int before = n_sig;
    timer_settime(t, 0, &once, NULL);
    n = epoll_pwait(ep, out, 4, 200, &mask);
    e = errno;
    /* Blocked during the wait, the signal did not end it (a timeout, not EINTR); it is
     * delivered once the old mask is back, before epoll_pwait returns to the caller. */
    check(n == 0, "epoll-pwait-masked-times-out", "n=%d errno %s", n, n < 0 ? ename(e) : "0");
    check(n_sig - before == 1, "epoll-pwait-signal-after", "%d handler runs", n_sig - before);

    timer_delete(t);
    close(ep);
    close(p[0]);
    close(p[1]);
    return t_failed ? 1 : 0;
}
