/* Waiting, part 3: the console tty under poll, select and epoll. The guest case types a line
 * and then one key (scripts/qemu-test.py interact steps) after the prompts below; stdin is
 * the console. Canonical mode is readable only once a whole line is in; raw mode per key. */
#include "tap.h"
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <termios.h>

int main(void)
{
    struct pollfd pf = { 0, POLLIN | POLLOUT, 0 };
    check(isatty(0), "stdin-is-tty", "stdin is not a terminal");
    check(poll(&pf, 1, 0) == 1 && pf.revents == POLLOUT, "tty-idle", "revents %#x", pf.revents);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(0, &rs);
    struct timeval tv = { 0, 100000 };
    check(select(1, &rs, NULL, NULL, &tv) == 0, "tty-select-timeout", "select saw input");

    say("polltty: type a line");
    pf = (struct pollfd){ 0, POLLIN, 0 };
    int n = poll(&pf, 1, 30000);
    check(n == 1 && pf.revents == POLLIN, "tty-line-ready", "poll %d revents %#x", n, pf.revents);
    char buf[64] = { 0 };
    ssize_t r = read(0, buf, sizeof buf - 1);
    check(r == 6 && !strcmp(buf, "hello\n"), "tty-line-read", "read %zd '%s'", r, buf);

    struct termios old, raw;
    tcgetattr(0, &old);
    raw = old;
    raw.c_lflag &= (tcflag_t)~(ICANON | ECHO);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    tcsetattr(0, TCSANOW, &raw);
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 77 };
    check(epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev) == 0, "tty-epoll-add", "%s", strerror(errno));
    check(epoll_wait(ep, &ev, 1, 0) == 0, "tty-epoll-idle", "ready before the key");
    say("polltty: type a key");
    n = epoll_wait(ep, &ev, 1, 30000);
    check(n == 1 && ev.data.u32 == 77 && ev.events == EPOLLIN, "tty-key-ready", "n %d events %#x", n, ev.events);
    char c = 0;
    check(read(0, &c, 1) == 1 && c == 'k', "tty-key-read", "got '%c'", c);
    check(epoll_wait(ep, &ev, 1, 0) == 0, "tty-epoll-drained", "still ready");
    tcsetattr(0, TCSANOW, &old);
    close(ep);
    return t_done("polltty");
}
