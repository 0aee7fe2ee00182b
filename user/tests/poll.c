/* Waiting, part 1: poll, ppoll and select (glibc: ppoll and pselect6) over pipes, FIFOs,
 * regular files and /dev/null: ready masks (POLLIN/POLLOUT/POLLHUP/POLLERR/POLLNVAL), a full
 * pipe, wake-ups by another process, timeouts (measured, and written back by ppoll/select),
 * EINTR from a handler (also with SA_RESTART), ppoll's and pselect's temporary signal mask,
 * bad arguments. Deterministic: its "out:" lines are compared with Linux by host-compare.py. */
#include "tap.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>

static volatile int usr1_count;
static char base[64];

static void on_usr1(int sig)
{
    (void)sig;
    usr1_count++;
}

static void set_handler(int sig, void (*fn)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

/* A child that waits until the parent sleeps, then sends it sig (or writes a byte to wfd). */
static int poke_parent(int sig, int wfd)
{
    int parent = getpid();
    int pid = fork();
    if (pid == 0) {
        wait_sleeping(parent);
        msleep(20);
        if (sig)
            kill(parent, sig);
        if (wfd >= 0 && write(wfd, "x", 1) != 1)
            _exit(1);
        _exit(0);
    }
    return pid;
}

static int poll1(int fd, short events, int timeout)
{
    struct pollfd p = { fd, events, 0 };
    int r = poll(&p, 1, timeout);
    return r < 0 ? -errno : r == 0 ? 0 : p.revents;
}

static void masks(void)
{
    int p[2];
    pipe(p);
    res("pipe-empty-read", poll1(p[0], POLLIN | POLLOUT, 0), 0);
    res("pipe-empty-write", poll1(p[1], POLLIN | POLLOUT, 0), POLLOUT);
    write(p[1], "ab", 2);
    res("pipe-data", poll1(p[0], POLLIN | POLLOUT, 0), POLLIN);
    res("pipe-data-rdnorm", poll1(p[0], POLLRDNORM, 0), POLLRDNORM);
    close(p[1]);
    res("pipe-hup-data", poll1(p[0], POLLIN, 0), POLLIN | POLLHUP);
    char b[4];
    read(p[0], b, 2);
    res("pipe-hup", poll1(p[0], POLLIN, 0), POLLHUP);
    res("pipe-hup-noevents", poll1(p[0], 0, 0), POLLHUP);
    close(p[0]);
    pipe(p);
    close(p[0]);
    res("pipe-err", poll1(p[1], POLLOUT, 0), POLLOUT | POLLERR);
    close(p[1]);

    /* A full pipe is not writable; a page of room makes it writable again. */
    pipe2(p, O_NONBLOCK);
    static char page[4096];
    int pages = 0;
    while (write(p[1], page, sizeof page) == (ssize_t)sizeof page)
        pages++;
    out("pipe-pages: %d", pages);
    res("pipe-full", poll1(p[1], POLLOUT, 0), 0);
    read(p[0], page, sizeof page);
    res("pipe-room", poll1(p[1], POLLOUT, 0), POLLOUT);
    close(p[0]);
    close(p[1]);

    char path[96];
    snprintf(path, sizeof path, "%s/file", base);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    res("regular", poll1(fd, POLLIN | POLLOUT | POLLPRI, 0), POLLIN | POLLOUT);
    close(fd);
    fd = open("/dev/null", O_RDWR);
    res("dev-null", poll1(fd, POLLIN | POLLOUT, 0), POLLIN | POLLOUT);
    close(fd);
    res("closed-fd", poll1(fd, POLLIN, 0), POLLNVAL);
    fd = open("/tmp", O_PATH);
    res("o-path-nval", poll1(fd, POLLIN, 0), POLLNVAL);
    fd_set ps;
    FD_ZERO(&ps);
    FD_SET(fd, &ps);
    struct timeval ptv = { 0, 0 };
    fd_set pw;
    FD_ZERO(&pw);
    FD_SET(fd, &pw);
    res("o-path-select", E(select(fd + 1, &ps, &pw, NULL, &ptv)), 2);
    resb("o-path-select-bits", FD_ISSET(fd, &ps) && FD_ISSET(fd, &pw), "bits not set");
    close(fd);
    struct pollfd two[2] = { { -1, POLLIN, 7 }, { 0, 0, 0 } };
    two[1].fd = open("/dev/null", O_RDONLY);
    two[1].events = POLLIN;
    res("negative-fd-ignored", poll(two, 2, 0), 1);
    res("negative-fd-revents", two[0].revents, 0);
    close(two[1].fd);
    res("nfds-zero-timeout", E(poll(NULL, 0, 30)), 0);
    res("nfds-too-big", E(syscall(SYS_ppoll, two, 1 << 20, NULL, NULL, 8)), -EINVAL);
    res("efault", E(syscall(SYS_ppoll, (struct pollfd *)8, 1, NULL, NULL, 8)), -EFAULT);
    struct timespec bad = { 0, 1000000000 };
    res("ppoll-bad-timeout", E(ppoll(two, 1, &bad, NULL)), -EINVAL);
    res("ppoll-bad-sigsetsize", E(syscall(SYS_ppoll, two, 1, NULL, &(sigset_t){ { 0 } }, 4)), -EINVAL);
}

static void fifos(void)
{
    char path[96];
    snprintf(path, sizeof path, "%s/fifo", base);
    mkfifo(path, 0600);
    int r = open(path, O_RDONLY | O_NONBLOCK);
    /* No writer has come yet: no POLLHUP (Linux's rule for FIFOs). */
    res("fifo-no-writer-yet", poll1(r, POLLIN, 0), 0);
    int w = open(path, O_WRONLY | O_NONBLOCK);
    res("fifo-writer", poll1(w, POLLOUT, 0), POLLOUT);
    write(w, "z", 1);
    res("fifo-data", poll1(r, POLLIN, 0), POLLIN);
    close(w);
    res("fifo-writer-gone", poll1(r, POLLIN, 0), POLLIN | POLLHUP);
    close(r);
    unlink(path);
}

static void wakeups(void)
{
    int p[2];
    pipe(p);
    int pid = poke_parent(0, p[1]);
    long t0 = now_ms();
    struct pollfd pf[2] = { { p[0], POLLIN, 0 }, { -1, 0, 0 } };
    int n = poll(pf, 1, 5000);
    long dt = now_ms() - t0;
    res("wake-by-writer", n, 1);
    res("wake-by-writer-revents", pf[0].revents, POLLIN);
    check(dt < 4000, "wake-by-writer-early", "took %ld ms", dt);
    wait_for(pid, 0);
    char c;
    read(p[0], &c, 1);

    /* The last writer going away wakes a poller with POLLHUP. */
    pid = fork();
    if (pid == 0) {
        close(p[0]);
        wait_sleeping(getppid());
        _exit(0);
    }
    close(p[1]);
    res("wake-by-hup", poll1(p[0], POLLIN, 5000), POLLHUP);
    wait_for(pid, 0);
    close(p[0]);

    /* Two descriptors, one becomes ready. */
    int a[2], b[2];
    pipe(a);
    pipe(b);
    pid = poke_parent(0, b[1]);
    struct pollfd pp[2] = { { a[0], POLLIN, 0 }, { b[0], POLLIN, 0 } };
    res("two-fds", poll(pp, 2, 5000), 1);
    resb("two-fds-which", pp[0].revents == 0 && pp[1].revents == POLLIN, "revents %x %x", pp[0].revents,
         pp[1].revents);
    wait_for(pid, 0);
    close(a[0]), close(a[1]), close(b[0]), close(b[1]);
}

static void timeouts(void)
{
    int p[2];
    pipe(p);
    long t0 = now_ms();
    res("poll-timeout", poll1(p[0], POLLIN, 200), 0);
    long dt = now_ms() - t0;
    check(dt >= 190 && dt < 3000, "poll-timeout-elapsed", "200 ms took %ld ms", dt);

    struct timespec ts = { 0, 150 * 1000000L };
    struct pollfd pf = { p[0], POLLIN, 0 };
    t0 = now_ms();
    /* The raw call: glibc's ppoll passes a copy, so only the system call shows the update. */
    res("ppoll-timeout", syscall(SYS_ppoll, &pf, 1, &ts, NULL, 8), 0);
    dt = now_ms() - t0;
    check(dt >= 140 && dt < 3000, "ppoll-timeout-elapsed", "150 ms took %ld ms", dt);
    resb("ppoll-timeout-written-back", ts.tv_sec == 0 && ts.tv_nsec == 0, "left %ld.%09ld", (long)ts.tv_sec,
         ts.tv_nsec);

    /* Woken early: the time left is written back (Linux's ppoll updates it). */
    int pid = poke_parent(0, p[1]);
    ts = (struct timespec){ 30, 0 };
    res("ppoll-woken", syscall(SYS_ppoll, &pf, 1, &ts, NULL, 8), 1);
    resb("ppoll-time-left", ts.tv_sec < 30 && ts.tv_sec >= 25, "left %ld.%09ld", (long)ts.tv_sec, ts.tv_nsec);
    wait_for(pid, 0);
    char c;
    read(p[0], &c, 1);

    /* select: glibc copies the time left back into the timeval. */
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    struct timeval tv = { 0, 120000 };
    t0 = now_ms();
    res("select-timeout", select(p[0] + 1, &rs, NULL, NULL, &tv), 0);
    dt = now_ms() - t0;
    check(dt >= 110 && dt < 3000, "select-timeout-elapsed", "120 ms took %ld ms", dt);
    resb("select-set-cleared", !FD_ISSET(p[0], &rs), "still set");
    resb("select-timeval-zeroed", tv.tv_sec == 0 && tv.tv_usec == 0, "left %ld.%06ld", (long)tv.tv_sec,
         (long)tv.tv_usec);
    close(p[0]);
    close(p[1]);
}

static void selects(void)
{
    int p[2];
    pipe(p);
    fd_set rs, ws, es;
    FD_ZERO(&rs); FD_ZERO(&ws); FD_ZERO(&es);
    FD_SET(p[0], &rs); FD_SET(p[1], &rs); FD_SET(p[1], &ws); FD_SET(p[0], &ws); FD_SET(p[0], &es);
    struct timeval tv = { 0, 0 };
    res("select-writable", select(p[1] + 1, &rs, &ws, &es, &tv), 1);
    resb("select-writable-bits", !FD_ISSET(p[0], &rs) && !FD_ISSET(p[1], &rs) && FD_ISSET(p[1], &ws) &&
         !FD_ISSET(p[0], &ws) && !FD_ISSET(p[0], &es), "wrong bits");
    write(p[1], "q", 1);
    FD_ZERO(&rs); FD_ZERO(&ws);
    FD_SET(p[0], &rs); FD_SET(p[1], &ws);
    res("select-both", select(p[1] + 1, &rs, &ws, NULL, NULL), 2);
    close(p[1]);
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    tv = (struct timeval){ 0, 0 };
    res("select-hup-readable", select(p[0] + 1, &rs, NULL, NULL, &tv), 1);
    int closed = p[1];
    FD_ZERO(&rs);
    FD_SET(closed, &rs);
    res("select-ebadf", E(select(closed + 1, &rs, NULL, NULL, &tv)), -EBADF);
    res("select-einval", E(select(-1, NULL, NULL, NULL, &tv)), -EINVAL);
    struct timespec badts = { 0, 2000000000L };
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    res("pselect6-bad-timeout", E(syscall(SYS_pselect6, p[0] + 1, &rs, NULL, NULL, &badts, NULL)), -EINVAL);
    /* The raw call writes the time left back too. */
    struct timespec left = { 0, 80 * 1000000L };
    int q[2];
    pipe(q);
    FD_ZERO(&rs);
    FD_SET(q[0], &rs);
    res("pselect6-timeout", syscall(SYS_pselect6, q[0] + 1, &rs, NULL, NULL, &left, NULL), 0);
    resb("pselect6-timeout-written-back", left.tv_sec == 0 && left.tv_nsec == 0, "left %ld.%09ld",
         (long)left.tv_sec, left.tv_nsec);
    close(q[0]);
    close(q[1]);
    res("select-efault", E(select(p[0] + 1, (fd_set *)8, NULL, NULL, NULL)), -EFAULT);
    close(p[0]);
    /* select with no descriptors: a sleep. */
    tv = (struct timeval){ 0, 50000 };
    long t0 = now_ms();
    res("select-sleep", select(0, NULL, NULL, NULL, &tv), 0);
    check(now_ms() - t0 >= 45, "select-sleep-elapsed", "took %ld ms", now_ms() - t0);
}

static void interrupts(void)
{
    int p[2];
    pipe(p);
    set_handler(SIGUSR1, on_usr1, 0);
    usr1_count = 0;
    int pid = poke_parent(SIGUSR1, -1);
    res("poll-eintr", poll1(p[0], POLLIN, 10000), -EINTR);
    res("poll-eintr-handler", usr1_count, 1);
    wait_for(pid, 0);

    /* poll is not restarted after a handler even with SA_RESTART (Linux). */
    set_handler(SIGUSR1, on_usr1, SA_RESTART);
    pid = poke_parent(SIGUSR1, -1);
    res("poll-eintr-sa-restart", poll1(p[0], POLLIN, 10000), -EINTR);
    wait_for(pid, 0);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    pid = poke_parent(SIGUSR1, -1);
    res("select-eintr", E(select(p[0] + 1, &rs, NULL, NULL, NULL)), -EINTR);
    wait_for(pid, 0);

    /* ppoll's mask: SIGUSR1 blocked outside, unblocked inside; the handler runs, the
     * blocked mask is back afterwards. */
    sigset_t block, empty, now;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigemptyset(&empty);
    sigprocmask(SIG_BLOCK, &block, NULL);
    usr1_count = 0;
    pid = poke_parent(SIGUSR1, -1);
    struct pollfd pf = { p[0], POLLIN, 0 };
    res("ppoll-mask-eintr", E(ppoll(&pf, 1, NULL, &empty)), -EINTR);
    res("ppoll-mask-handler", usr1_count, 1);
    sigprocmask(SIG_BLOCK, NULL, &now);
    resb("ppoll-mask-restored", sigismember(&now, SIGUSR1), "SIGUSR1 not blocked after ppoll");
    wait_for(pid, 0);

    /* A signal already pending but blocked interrupts at once when the mask lets it in. */
    kill(getpid(), SIGUSR1);
    usr1_count = 0;
    struct timespec ts = { 5, 0 };
    long t0 = now_ms();
    res("ppoll-pending-eintr", E(ppoll(&pf, 1, &ts, &empty)), -EINTR);
    check(now_ms() - t0 < 2000, "ppoll-pending-at-once", "took %ld ms", now_ms() - t0);
    res("ppoll-pending-handler", usr1_count, 1);

    /* pselect with a mask that keeps SIGUSR1 blocked: not interrupted; it stays pending. */
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    usr1_count = 0;
    pid = poke_parent(SIGUSR1, -1);
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    ts = (struct timespec){ 0, 400 * 1000000L };
    res("pselect-masked", pselect(p[0] + 1, &rs, NULL, NULL, &ts, &block), 0);
    wait_for(pid, 0);
    /* The signal arrived while masked; it was delivered when pselect put the mask back. */
    res("pselect-masked-then-delivered", usr1_count, 1);

    /* pselect's mask unblocks a blocked signal. */
    sigprocmask(SIG_BLOCK, &block, NULL);
    usr1_count = 0;
    kill(getpid(), SIGUSR1);
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    res("pselect-mask-eintr", E(pselect(p[0] + 1, &rs, NULL, NULL, NULL, &empty)), -EINTR);
    res("pselect-mask-handler", usr1_count, 1);
    sigprocmask(SIG_BLOCK, NULL, &now);
    resb("pselect-mask-restored", sigismember(&now, SIGUSR1), "SIGUSR1 not blocked after pselect");
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    set_handler(SIGUSR1, SIG_DFL, 0);
    close(p[0]);
    close(p[1]);
}

/* Four processes poll one non-blocking pipe while the parent writes 400 bytes in bursts:
 * every byte is read exactly once and all of them see the end (no lost wake-up). */
static void herd(void)
{
    enum { KIDS = 4, BYTES = 400 };
    int p[2], res_pipe[2];
    pipe2(p, O_NONBLOCK);
    pipe(res_pipe);
    int pids[KIDS];
    for (int i = 0; i < KIDS; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            close(p[1]);
            int got = 0;
            for (;;) {
                struct pollfd pf = { p[0], POLLIN, 0 };
                if (poll(&pf, 1, 20000) != 1)
                    _exit(200);
                char buf[7];
                ssize_t r = read(p[0], buf, sizeof buf);
                if (r > 0)
                    got += (int)r;
                else if (r == 0)
                    break;
                else if (errno != EAGAIN)
                    _exit(201);
            }
            write(res_pipe[1], &got, sizeof got);
            _exit(0);
        }
    }
    for (int i = 0; i < BYTES / 20; i++) {
        write(p[1], "abcdefghijklmnopqrst", 20);
        if (i % 5 == 0)
            msleep(3);
    }
    close(p[1]);
    int total = 0, ok_exits = 0;
    for (int i = 0; i < KIDS; i++) {
        int st = wait_for(pids[i], 0);
        ok_exits += WIFEXITED(st) && WEXITSTATUS(st) == 0;
        int got = 0;
        if (read(res_pipe[0], &got, sizeof got) == sizeof got)
            total += got;
    }
    res("herd-exits", ok_exits, KIDS);
    res("herd-bytes", total, BYTES);
    close(p[0]);
    close(res_pipe[0]);
    close(res_pipe[1]);
}

int main(void)
{
    snprintf(base, sizeof base, "/tmp/poll.%d", getpid());
    mkdir(base, 0755);
    masks();
    fifos();
    wakeups();
    timeouts();
    selects();
    interrupts();
    herd();
    char path[96];
    snprintf(path, sizeof path, "%s/file", base);
    unlink(path);
    rmdir(base);
    return t_done("poll");
}
