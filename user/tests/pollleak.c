/* Waiting, part 4 (rvix only): 300 cycles of epoll sets over a pipe, an eventfd, an armed
 * timerfd, a signalfd and a nested epoll, a ppoll over all of them and an epoll_wait, closed
 * in alternating orders (the epoll first, or the watched files first), leak no page: after a
 * warm-up, sysinfo's free memory is identical before and after. */
#include "tap.h"
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/sysinfo.h>
#include <sys/timerfd.h>

static long free_pages(void)
{
    struct sysinfo si;
    sysinfo(&si);
    return (long)(si.freeram * si.mem_unit / 4096);
}

static int cycle(int i)
{
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR2);
    int p[2];
    if (pipe(p))
        return 1;
    int ep = epoll_create1(0), inner = epoll_create1(0);
    int efd = eventfd(1, EFD_NONBLOCK), sfd = signalfd(-1, &m, SFD_NONBLOCK);
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    struct itimerspec its = { { 0, 1000000 }, { 0, 1000000 } };
    timerfd_settime(tfd, 0, &its, NULL);
    int fds[] = { p[0], p[1], efd, sfd, tfd, inner };
    struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT };
    int bad = 0;
    for (int k = 0; k < 6; k++) {
        ev.data.u32 = (uint32_t)k;
        bad += epoll_ctl(ep, EPOLL_CTL_ADD, fds[k], &ev) != 0;
    }
    ev.events = EPOLLIN | EPOLLET;
    bad += epoll_ctl(inner, EPOLL_CTL_ADD, efd, &ev) != 0;
    struct pollfd pf[6];
    for (int k = 0; k < 6; k++)
        pf[k] = (struct pollfd){ fds[k], POLLIN, 0 };
    bad += poll(pf, 6, 1) < 0;
    struct epoll_event out[8];
    bad += epoll_wait(ep, out, 8, 1) <= 0;
    if (i % 2) {
        close(ep);
        close(inner);
    }
    for (int k = 0; k < 5; k++)
        close(fds[k]);
    if (!(i % 2)) {
        close(inner);
        close(ep);
    }
    return bad;
}

int main(void)
{
    int warm = 0, bad = 0;
    for (int i = 0; i < 20; i++)
        warm += cycle(i);
    long f0 = free_pages();
    for (int i = 0; i < 300; i++)
        bad += cycle(i);
    long f1 = free_pages();
    say("pollleak: free pages %ld -> %ld", f0, f1);
    check(bad == 0 && warm == 0, "pollleak-300-runs", "%d failures (%d in the warm-up)", bad, warm);
    check(f1 == f0, "pollleak-no-leak", "free pages %ld before, %ld after 300 cycles (%+ld)", f0, f1, f1 - f0);
    return t_done("pollleak");
}
