/* File layer, part 3: pipes and FIFOs. pipe2 flags, EOF, EPIPE and SIGPIPE, O_NONBLOCK and
 * capacity, FIONREAD, PIPE_BUF atomicity with several writers, a 1 MiB write to a slow reader,
 * reads and writes interrupted by signals with and without SA_RESTART, FIFOs made by mknod.
 * Deterministic: its "out:" lines are compared with Linux by scripts/host-compare.py.
 * "f_pipe --open FD..." is the helper run by execve (exit status: bit i set if FD i is open). */
#include "tap.h"
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define KERNEL_HALF ((void *)0xffffffc000000000UL)
#define RECORD 4096             /* PIPE_BUF */

static const char *self;
static char base[64];
static volatile int usr1_count;

/* A status compared with Linux in words. */
static int res_status(const char *name, int st, int want, const char *what)
{
    out("%s: %s", name, status_str(st));
    return check(st == want, name, "%s: %s, expected %s", what, status_str(st), status_str(want));
}

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

static void test_flags(void)
{
    int p[2] = { -1, -1 };
    res("pipe2-plain", E(pipe2(p, 0)), 0);
    res("pipe-read-end-getfl", E(fcntl(p[0], F_GETFL)), O_RDONLY);
    res("pipe-write-end-getfl", E(fcntl(p[1], F_GETFL)), O_WRONLY);
    res("pipe-getfd", E(fcntl(p[0], F_GETFD)) | E(fcntl(p[1], F_GETFD)), 0);
    struct stat a, b;
    int r = fstat(p[0], &a) | fstat(p[1], &b);
    resb("pipe-fstat-fifo", r == 0 && S_ISFIFO(a.st_mode) && S_ISFIFO(b.st_mode) && a.st_ino == b.st_ino,
         "modes %#o %#o, inodes %ld %ld", a.st_mode, b.st_mode, (long)a.st_ino, (long)b.st_ino);
    res("pipe-write-read-end", E(write(p[0], "x", 1)), -EBADF);
    char c;
    res("pipe-read-write-end", E(read(p[1], &c, 1)), -EBADF);
    close(p[0]);
    close(p[1]);

    res("pipe2-cloexec", E(pipe2(p, O_CLOEXEC)), 0);
    res("pipe2-cloexec-getfd", E(fcntl(p[0], F_GETFD)) + E(fcntl(p[1], F_GETFD)), 2 * FD_CLOEXEC);
    int q[2] = { -1, -1 };
    pipe2(q, 0);
    char a0[16], a1[16], a2[16], a3[16];
    snprintf(a0, sizeof a0, "%d", p[0]);
    snprintf(a1, sizeof a1, "%d", p[1]);
    snprintf(a2, sizeof a2, "%d", q[0]);
    snprintf(a3, sizeof a3, "%d", q[1]);
    int pid = fork();
    if (pid == 0) {
        char *argv[] = { (char *)self, "--open", a0, a1, a2, a3, NULL };
        char *envp[] = { NULL };
        execve(self, argv, envp);
        _exit(127);
    }
    int st = wait_for(pid, 0);
    /* bits 2 and 3: the plain pipe's ends stay open */
    res_status("pipe2-cloexec-after-execve", st, 12 << 8, "helper (bit i: descriptor i open)");
    close(p[0]);
    close(p[1]);
    close(q[0]);
    close(q[1]);

    res("pipe2-nonblock", E(pipe2(p, O_NONBLOCK)), 0);
    res("pipe2-nonblock-read-getfl", E(fcntl(p[0], F_GETFL)), O_RDONLY | O_NONBLOCK);
    res("pipe2-nonblock-write-getfl", E(fcntl(p[1], F_GETFL)), O_WRONLY | O_NONBLOCK);
    close(p[0]);
    close(p[1]);

    int before = dup(0);
    close(before);
    res("pipe2-bad-flag-append", E(pipe2(p, O_APPEND)), -EINVAL);
    res("pipe2-bad-flag-rdwr", E(syscall(SYS_pipe2, p, O_RDWR)), -EINVAL);
    res("pipe2-efault-null", E(syscall(SYS_pipe2, NULL, 0)), -EFAULT);
    res("pipe2-efault-kernel", E(syscall(SYS_pipe2, KERNEL_HALF, 0)), -EFAULT);
    int after = dup(0);
    close(after);
    resb("pipe2-failures-leak-nothing", after == before, "lowest free descriptor %d, was %d", after, before);
}

static void test_eof(void)
{
    int p[2];
    char buf[16];
    pipe(p);
    write(p[1], "abc", 3);
    close(p[1]);
    res("read-buffered-after-writer-closed", E(read(p[0], buf, sizeof buf)), 3);
    res("read-eof", E(read(p[0], buf, sizeof buf)), 0);
    res("read-eof-again", E(read(p[0], buf, sizeof buf)), 0);
    close(p[0]);

    /* The last writer is a child: the reader blocks until its data, then sees EOF at its exit. */
    pipe(p);
    int pid = fork();
    if (pid == 0) {
        close(p[0]);
        msleep(50);
        _exit(write(p[1], "late", 4) == 4 ? 0 : 1);
    }
    close(p[1]);
    memset(buf, 0, sizeof buf);
    long r = E(read(p[0], buf, sizeof buf));
    resb("read-waits-for-child-writer", r == 4 && strcmp(buf, "late") == 0, "read %s \"%s\"", vstr(r), buf);
    res("read-eof-after-child-exit", E(read(p[0], buf, sizeof buf)), 0);
    res_status("child-writer", wait_for(pid, 0), 0, "writer");
    close(p[0]);

    /* Nonblocking: EAGAIN while a writer exists, EOF once none does. */
    pipe2(p, O_NONBLOCK);
    res("nonblock-read-empty", E(read(p[0], buf, sizeof buf)), -EAGAIN);
    res("read-zero-bytes-empty", E(read(p[0], buf, 0)), 0);
    close(p[1]);
    res("nonblock-read-no-writer", E(read(p[0], buf, sizeof buf)), 0);
    close(p[0]);
}

/* A child writes to a pipe whose read end is closed, with SIGPIPE in the given state. */
static int epipe_child(int mode)
{
    int pid = fork();
    if (pid == 0) {
        int p[2];
        pipe(p);                    /* the child's own pipe: no other reader anywhere */
        close(p[0]);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGPIPE);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        signal(SIGPIPE, SIG_DFL);   /* whatever we inherited */
        if (mode == 1)
            signal(SIGPIPE, SIG_IGN);
        if (mode == 2)
            sigprocmask(SIG_BLOCK, &set, NULL);
        if (mode == 3)
            set_handler(SIGPIPE, on_usr1, 0);
        long r = E(write(p[1], "x", 1));
        sigpending(&set);
        if (mode == 0)
            _exit(100);             /* should not get here */
        if (r != -EPIPE)
            _exit(1);
        if (mode == 2 && !sigismember(&set, SIGPIPE))
            _exit(2);
        if (mode == 3 && usr1_count != 1)
            _exit(3);
        _exit(0);
    }
    return wait_for(pid, 0);
}

static void test_sigpipe(void)
{
    res_status("sigpipe-default-kills", epipe_child(0), SIGPIPE, "writer");
    res_status("sigpipe-ignored-epipe", epipe_child(1), 0, "writer (1: not EPIPE)");
    res_status("sigpipe-blocked-epipe-pending", epipe_child(2), 0, "writer (1: not EPIPE, 2: SIGPIPE not pending)");
    res_status("sigpipe-handler-epipe", epipe_child(3), 0, "writer (1: not EPIPE, 3: handler did not run once)");

    /* A writer blocked on a full pipe when the last reader goes: the bytes written so far. */
    int p[2];
    pipe(p);
    int pid = fork();
    if (pid == 0) {
        close(p[0]);
        signal(SIGPIPE, SIG_IGN);
        static char big[100000];
        long r = E(write(p[1], big, sizeof big));
        long r2 = E(write(p[1], big, 1));
        _exit(r >= 65536 && r < (long)sizeof big ? (r2 == -EPIPE ? 0 : 2) : 1);
    }
    close(p[1]);
    wait_sleeping(pid);             /* blocked in write on the full pipe */
    close(p[0]);
    res_status("blocked-writer-reader-closes", wait_for(pid, 0), 0,
               "writer (1: first write not partial, 2: second not EPIPE)");
}

static void test_capacity(void)
{
    int p[2];
    static char buf[RECORD * 2];
    pipe2(p, O_NONBLOCK);
    long total = 0, r;
    while ((r = E(write(p[1], buf, RECORD))) == RECORD && total < (1 << 22))
        total += r;
    resb("capacity-at-least-64k", total >= 65536, "%ld bytes before %s", total, vstr(r));
    res("full-pipe-write-eagain", r, -EAGAIN);
    res("full-pipe-write-1-eagain", E(write(p[1], buf, 1)), -EAGAIN);
    int n = -1;
    r = E(ioctl(p[0], FIONREAD, &n));
    resb("fionread-pipe", r == 0 && n == total, "FIONREAD %s, %d bytes (%ld in the pipe)", vstr(r), n, total);
    res("read-from-full", E(read(p[0], buf, RECORD)), RECORD);
    res("write-after-read", E(write(p[1], buf, RECORD)), RECORD);
    res("write-full-again", E(write(p[1], buf, RECORD)), -EAGAIN);
    long drained = 0;
    while ((r = E(read(p[0], buf, sizeof buf))) > 0)
        drained += r;
    resb("drain-all", drained == total && r == -EAGAIN, "drained %ld of %ld, last read %s", drained, total, vstr(r));
    static char big[100000];
    r = E(write(p[1], big, sizeof big));
    resb("nonblock-large-write-partial", r >= 65536 && r < (long)sizeof big, "write of %zu returned %s",
         sizeof big, vstr(r));
    close(p[0]);
    close(p[1]);
}

/* Several writers, one reader: every PIPE_BUF-sized write arrives in one piece. */
#define WRITERS 4
#define RECORDS 64

static void test_atomic(void)
{
    int p[2], pids[WRITERS];
    pipe(p);
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        if (pids[w] == 0) {
            close(p[0]);
            static char rec[RECORD];
            memset(rec, 'A' + w, sizeof rec);
            for (int i = 0; i < RECORDS; i++)
                if (write(p[1], rec, sizeof rec) != sizeof rec)
                    _exit(1);
            _exit(0);
        }
    }
    close(p[1]);
    static char stream[RECORD * 4];
    size_t have = 0;
    int counts[WRITERS] = { 0 }, mixed = 0, records = 0;
    for (;;) {
        ssize_t r = read(p[0], stream + have, 3 * RECORD + 17 < sizeof stream - have ? 3 * RECORD + 17
                                                                                      : sizeof stream - have);
        if (r <= 0)
            break;
        have += (size_t)r;
        while (have >= RECORD) {
            char c = stream[0];
            int uniform = c >= 'A' && c < 'A' + WRITERS;
            for (int i = 1; uniform && i < RECORD; i++)
                uniform = stream[i] == c;
            if (uniform)
                counts[c - 'A']++;
            else
                mixed++;
            records++;
            memmove(stream, stream + RECORD, have - RECORD);
            have -= RECORD;
        }
    }
    close(p[0]);
    int writers_ok = 1;
    for (int w = 0; w < WRITERS; w++)
        writers_ok &= wait_for(pids[w], 0) == 0;
    int all = 1;
    for (int w = 0; w < WRITERS; w++)
        all &= counts[w] == RECORDS;
    resb("pipe_buf-writers-ok", writers_ok, "a writer's write was short");
    resb("pipe_buf-no-interleaving", mixed == 0 && have == 0, "%d of %d records mixed, %zu bytes left over",
         mixed, records, have);
    resb("pipe_buf-all-records", all, "records per writer %d %d %d %d, expected %d each", counts[0], counts[1],
         counts[2], counts[3], RECORDS);
}

#define MIB (1 << 20)

static unsigned char pattern(size_t i)
{
    return (unsigned char)(i ^ (i >> 9) ^ (i >> 17));
}

static void test_big(void)
{
    static unsigned char data[MIB];
    for (size_t i = 0; i < MIB; i++)
        data[i] = pattern(i);
    int p[2];
    pipe(p);
    int pid = fork();
    if (pid == 0) {
        close(p[1]);
        unsigned char buf[1000];
        size_t n = 0;
        for (int k = 0;; k++) {
            ssize_t r = read(p[0], buf, sizeof buf);
            if (r < 0)
                _exit(3);
            if (r == 0)
                break;
            for (ssize_t i = 0; i < r; i++, n++)
                if (buf[i] != pattern(n))
                    _exit(1);
            if (k % 64 == 63)
                msleep(1);
        }
        _exit(n == MIB ? 0 : 2);
    }
    close(p[0]);
    long r = E(write(p[1], data, MIB));
    close(p[1]);
    res("big-write-one-call", r, MIB);
    res_status("big-write-slow-reader", wait_for(pid, 0), 0, "reader (1: wrong byte, 2: wrong length)");
}

/* A child sends SIGUSR1 to us once we sleep (in the call under test) and, if data, writes it
 * once we sleep again (restarted, or in the next call). */
static int signaller(int wfd, const char *data)
{
    int parent = getpid();
    int pid = fork();
    if (pid == 0) {
        if (!wait_sleeping(parent))
            _exit(2);
        kill(parent, SIGUSR1);
        msleep(50);
        if (data && !wait_sleeping(parent))
            _exit(3);
        if (data && write(wfd, data, strlen(data)) != (ssize_t)strlen(data))
            _exit(1);
        _exit(0);
    }
    return pid;
}

static void test_eintr(void)
{
    char buf[16];
    int p[2];
    pipe(p);
    set_handler(SIGUSR1, on_usr1, 0);
    usr1_count = 0;
    int pid = signaller(p[1], "x");
    long r = E(read(p[0], buf, sizeof buf));
    out("read-eintr: %s, handler ran %d", vstr(r), usr1_count);
    check(r == -EINTR && usr1_count == 1, "read-eintr", "read %s, handler ran %d times", vstr(r), usr1_count);
    res("read-after-eintr", E(read(p[0], buf, sizeof buf)), 1);
    wait_for(pid, 0);

    set_handler(SIGUSR1, on_usr1, SA_RESTART);
    usr1_count = 0;
    pid = signaller(p[1], "y");
    r = E(read(p[0], buf, sizeof buf));
    out("read-sa_restart: %s, handler ran %d", vstr(r), usr1_count);
    check(r == 1 && buf[0] == 'y' && usr1_count == 1, "read-sa_restart", "read %s, handler ran %d times", vstr(r),
          usr1_count);
    wait_for(pid, 0);

    /* Writes: nothing written yet gives EINTR; some bytes written give their count. */
    set_handler(SIGUSR1, on_usr1, 0);
    static char big[100000];
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    while (write(p[1], big, RECORD) > 0)
        ;
    fcntl(p[1], F_SETFL, 0);
    usr1_count = 0;
    pid = signaller(p[1], NULL);
    r = E(write(p[1], big, 1));
    out("write-full-eintr: %s, handler ran %d", vstr(r), usr1_count);
    check(r == -EINTR && usr1_count == 1, "write-full-eintr", "write %s, handler ran %d times", vstr(r), usr1_count);
    wait_for(pid, 0);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    while (read(p[0], big, sizeof big) > 0)
        ;
    fcntl(p[0], F_SETFL, 0);
    usr1_count = 0;
    pid = signaller(p[1], NULL);
    r = E(write(p[1], big, sizeof big));
    resb("write-partial-on-signal", r >= 65536 && r < (long)sizeof big && usr1_count == 1,
         "write of %zu returned %s, handler ran %d times", sizeof big, vstr(r), usr1_count);
    wait_for(pid, 0);
    close(p[0]);
    close(p[1]);
    signal(SIGUSR1, SIG_DFL);
}

static void test_fifo(void)
{
    char path[96], buf[16];
    snprintf(path, sizeof path, "%s/fifo", base);
    res("mknod-fifo", E(syscall(SYS_mknodat, AT_FDCWD, path, S_IFIFO | 0644, 0)), 0);
    struct stat st;
    long r = E(stat(path, &st));
    resb("fifo-stat", r == 0 && st.st_mode == (S_IFIFO | 0644), "stat %s mode %#o", vstr(r), st.st_mode);
    r = E(open(path, O_WRONLY | O_NONBLOCK));
    res("fifo-open-write-no-reader", r >= 0 ? 0 : r, -ENXIO);
    if (r >= 0)
        close((int)r);
    int rd = open(path, O_RDONLY | O_NONBLOCK);
    res("fifo-open-read-nonblock", rd >= 0 ? 0 : -errno, 0);
    res("fifo-read-no-writer", E(read(rd, buf, sizeof buf)), 0);
    int wr = open(path, O_WRONLY | O_NONBLOCK);
    res("fifo-open-write-with-reader", wr >= 0 ? 0 : -errno, 0);
    res("fifo-write", E(write(wr, "fifo", 4)), 4);
    memset(buf, 0, sizeof buf);
    r = E(read(rd, buf, sizeof buf));
    resb("fifo-read", r == 4 && strcmp(buf, "fifo") == 0, "read %s \"%s\"", vstr(r), buf);
    res("fifo-lseek", E(lseek(rd, 0, SEEK_CUR)), -ESPIPE);
    res("fifo-write-leftover", E(write(wr, "left", 4)), 4);
    close(wr);
    close(rd);
    rd = open(path, O_RDONLY | O_NONBLOCK);
    res("fifo-data-gone-after-last-close", E(read(rd, buf, sizeof buf)), 0);
    close(rd);

    /* A blocking open for reading waits for a writer. */
    int pid = fork();
    if (pid == 0) {
        msleep(100);
        signal(SIGPIPE, SIG_IGN);
        int fd = open(path, O_WRONLY);
        _exit(fd >= 0 && write(fd, "hi", 2) == 2 ? 0 : 1);
    }
    rd = open(path, O_RDONLY);
    memset(buf, 0, sizeof buf);
    r = rd >= 0 ? E(read(rd, buf, sizeof buf)) : -errno;
    resb("fifo-open-waits-for-writer", r == 2 && strcmp(buf, "hi") == 0, "open+read gave %s \"%s\" (the writer "
         "opens after 100 ms)", vstr(r), buf);
    close(rd);
    wait_for(pid, 0);
    unlink(path);
}

static int open_helper(int argc, char **argv)
{
    int bits = 0;
    for (int i = 2; i < argc && i < 10; i++)
        if (fcntl(atoi(argv[i]), F_GETFD) >= 0)
            bits |= 1 << (i - 2);
    return bits;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--open") == 0)
        return open_helper(argc, argv);
    self = argv[0];
    snprintf(base, sizeof base, "/tmp/f_pipe.%d", getpid());
    mkdir(base, 0755);
    test_flags();
    test_eof();
    test_sigpipe();
    test_capacity();
    test_atomic();
    test_big();
    test_eintr();
    test_fifo();
    rmdir(base);
    return t_done("f_pipe");
}
