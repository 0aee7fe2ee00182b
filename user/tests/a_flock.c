/* Advisory locks and the positioned/advisory file calls: flock (shared, exclusive, NB,
 * conversion, release on last close, a waiter woken by the release), fcntl record locks
 * (F_SETLK conflicts between processes, F_GETLK's answer, ranges, release on close, F_SETLKW
 * waiting), preadv/pwritev/preadv2/pwritev2, fallocate, posix_fadvise, readahead,
 * sync_file_range, each with Linux's errors for bad input. */
#include "tap.h"
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <signal.h>
#include <sys/xattr.h>
#include <linux/close_range.h>

#define PATH "/tmp/a_flock.dat"

/* Runs fn in a child; returns its exit code. */
static int in_child(int (*fn)(int), int arg)
{
    int pid = fork();
    if (pid == 0)
        _exit(fn(arg));
    int st = wait_for(pid, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100;
}

/* Child probes: exit 0 if the lock was granted, errno otherwise. */
static int try_flock(int op)
{
    int fd = open(PATH, O_RDWR);
    return flock(fd, op) == 0 ? 0 : errno;
}

static int try_setlk(int type)
{
    int fd = open(PATH, O_RDWR);
    struct flock fl = { .l_type = (short)type, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
    return fcntl(fd, F_SETLK, &fl) == 0 ? 0 : errno;
}

static int try_setlk_at(int start)
{
    int fd = open(PATH, O_RDWR);
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = 1 };
    return fcntl(fd, F_SETLK, &fl) == 0 ? 0 : errno;
}

static void on_usr1(int sig) { (void)sig; }

/* A process that signals its parent every 100 ms until killed. */
static int nagger(void)
{
    int pid = fork();
    if (pid == 0)
        for (;;) {
            usleep(100 * 1000);
            kill(getppid(), SIGUSR1);
        }
    return pid;
}

/* While a child holds both kinds of lock, a handler without SA_RESTART ends our waits. */
static void lock_eintr_checks(void)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    int hold[2];
    pipe(hold);
    int holder = fork();
    if (holder == 0) {
        int f = open(PATH, O_RDWR);
        struct flock w = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
        flock(f, LOCK_EX);
        fcntl(f, F_SETLK, &w);
        write(hold[1], "x", 1);
        for (;;)
            sleep(100);
    }
    char c;
    read(hold[0], &c, 1);
    int fd = open(PATH, O_RDWR);
    int n = nagger();
    check_ret("flock-EINTR", flock(fd, LOCK_EX), -EINTR);
    struct flock w = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    check_ret("setlkw-EINTR", fcntl(fd, F_SETLKW, &w), -EINTR);
    kill(n, SIGKILL);
    wait_for(n, 0);
    kill(holder, SIGKILL);
    wait_for(holder, 0);
    /* The holder's death released both locks. */
    check_ret("locks-released-by-exit", flock(fd, LOCK_EX | LOCK_NB) == 0 && fcntl(fd, F_SETLK, &w) == 0, 1);
    close(fd);
    close(hold[0]);
    close(hold[1]);
    signal(SIGUSR1, SIG_DFL);
}

static void flock_checks(void)
{
    int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
    int fd2 = open(PATH, O_RDWR);
    check_ret("flock-ex", flock(fd, LOCK_EX), 0);
    check_ret("flock-other-ofd-EWOULDBLOCK", flock(fd2, LOCK_SH | LOCK_NB), -EWOULDBLOCK);
    check(in_child(try_flock, LOCK_EX | LOCK_NB) == EWOULDBLOCK, "flock-child-EWOULDBLOCK", "granted");
    /* A dup shares the open file description, so it shares the lock. */
    int d = dup(fd);
    check_ret("flock-dup-same-lock", flock(d, LOCK_EX | LOCK_NB), 0);
    check_ret("flock-convert-sh", flock(fd, LOCK_SH), 0);
    check_ret("flock-sh-with-sh", flock(fd2, LOCK_SH | LOCK_NB), 0);
    check(in_child(try_flock, LOCK_EX | LOCK_NB) == EWOULDBLOCK, "flock-ex-vs-sh-EWOULDBLOCK", "granted");
    check_ret("flock-un", flock(fd2, LOCK_UN), 0);
    /* Closing one descriptor of the description keeps the lock; the last close drops it. */
    close(d);
    check(in_child(try_flock, LOCK_EX | LOCK_NB) == EWOULDBLOCK, "flock-kept-until-last-close", "granted");
    close(fd);
    check(in_child(try_flock, LOCK_EX | LOCK_NB) == 0, "flock-released-on-last-close", "refused");
    /* A blocked waiter gets the lock when the holder unlocks. */
    check_ret("flock-ex-again", flock(fd2, LOCK_EX), 0);
    int pid = fork();
    if (pid == 0) {
        int f = open(PATH, O_RDWR);
        _exit(flock(f, LOCK_EX) == 0 ? 0 : 1);
    }
    usleep(100 * 1000);
    int st = wait_for(pid, WNOHANG);
    check(st == -1000, "flock-waiter-blocks", "child finished: %s", status_str(st));
    flock(fd2, LOCK_UN);
    st = wait_for(pid, 0);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "flock-waiter-woken", "%s", status_str(st));
    check_ret("flock-EINVAL", flock(fd2, LOCK_SH | LOCK_EX), -EINVAL);
    check_ret("flock-EINVAL-zero", flock(fd2, 0), -EINVAL);
    check_ret("flock-EBADF", flock(999, LOCK_SH), -EBADF);
    close(fd2);
}

static void record_lock_checks(void)
{
    int fd = open(PATH, O_RDWR);
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
    check_ret("setlk-wr", fcntl(fd, F_SETLK, &fl), 0);
    check(in_child(try_setlk, F_RDLCK) == EAGAIN, "setlk-conflict-EAGAIN", "granted");
    check(in_child(try_setlk_at, 10) == 0, "setlk-beyond-range-ok", "refused");
    /* F_GETLK from another process names us. */
    int pid = fork();
    if (pid == 0) {
        int f = open(PATH, O_RDWR);
        struct flock q = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 0 };
        if (fcntl(f, F_GETLK, &q))
            _exit(1);
        _exit(q.l_type == F_WRLCK && q.l_start == 0 && q.l_len == 10 && q.l_pid == getppid() ? 0 : 2);
    }
    int st = wait_for(pid, 0);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "getlk-reports-holder", "%s", status_str(st));
    /* Our own locks never conflict with us. */
    struct flock q = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    check(fcntl(fd, F_GETLK, &q) == 0 && q.l_type == F_UNLCK, "getlk-own-unlck", "type=%d", q.l_type);
    /* Unlocking the middle leaves the two ends locked. */
    struct flock mid = { .l_type = F_UNLCK, .l_whence = SEEK_SET, .l_start = 3, .l_len = 4 };
    check_ret("setlk-unlock-middle", fcntl(fd, F_SETLK, &mid), 0);
    check(in_child(try_setlk_at, 4) == 0 && in_child(try_setlk_at, 2) == EAGAIN &&
          in_child(try_setlk_at, 8) == EAGAIN, "setlk-split", "middle not free or ends not locked");
    /* Closing ANY descriptor of the file drops the process's locks (POSIX). */
    int other = open(PATH, O_RDONLY);
    close(other);
    check(in_child(try_setlk, F_WRLCK) == 0, "setlk-dropped-on-close", "still locked");
    /* F_SETLKW waits for the holder. */
    check_ret("setlk-wr-again", fcntl(fd, F_SETLK, &fl), 0);
    pid = fork();
    if (pid == 0) {
        int f = open(PATH, O_RDWR);
        struct flock w = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1 };
        _exit(fcntl(f, F_SETLKW, &w) == 0 ? 0 : 1);
    }
    usleep(100 * 1000);
    st = wait_for(pid, WNOHANG);
    check(st == -1000, "setlkw-blocks", "child finished: %s", status_str(st));
    fl.l_type = F_UNLCK;
    fcntl(fd, F_SETLK, &fl);
    st = wait_for(pid, 0);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "setlkw-woken", "%s", status_str(st));
    /* Bad input. */
    struct flock bad = { .l_type = 7, .l_whence = SEEK_SET };
    check_ret("setlk-EINVAL-type", fcntl(fd, F_SETLK, &bad), -EINVAL);
    bad.l_type = F_RDLCK;
    bad.l_whence = 9;
    check_ret("setlk-EINVAL-whence", fcntl(fd, F_SETLK, &bad), -EINVAL);
    bad.l_whence = SEEK_SET;
    bad.l_start = -5;
    check_ret("setlk-EINVAL-negative", fcntl(fd, F_SETLK, &bad), -EINVAL);
    check_ret("setlk-EFAULT", fcntl(fd, F_SETLK, (struct flock *)8), -EFAULT);
    int ro = open(PATH, O_RDONLY);
    struct flock w = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    check_ret("setlk-wr-on-rdonly-EBADF", fcntl(ro, F_SETLK, &w), -EBADF);
    close(ro);
    close(fd);
}

static void vector_checks(void)
{
    int fd = open(PATH, O_RDWR | O_TRUNC);
    char a[] = "hello ", b[] = "world";
    struct iovec w[2] = { { a, 6 }, { b, 5 } };
    check_ret("pwritev", pwritev(fd, w, 2, 100), 11);
    check_ret("pwritev-keeps-offset", lseek(fd, 0, SEEK_CUR), 0);
    char x[6] = { 0 }, y[6] = { 0 };
    struct iovec r[2] = { { x, 5 }, { y, 5 } };
    long n = preadv(fd, r, 2, 101);
    check(n == 10 && !memcmp(x, "ello ", 5) && !memcmp(y, "world", 5), "preadv", "n=%ld x=%s y=%s", n, x, y);
    check_ret("preadv-EINVAL-offset", preadv(fd, r, 2, -2), -EINVAL);
    check_ret("preadv2-EOPNOTSUPP-flags", preadv2(fd, r, 2, 0, 0x100), -EOPNOTSUPP);
    /* preadv2 with offset -1 reads at (and moves) the file position. */
    lseek(fd, 106, SEEK_SET);
    memset(x, 0, sizeof x);
    struct iovec one = { x, 5 };
    check(preadv2(fd, &one, 1, -1, RWF_HIPRI) == 5 && !memcmp(x, "world", 5) && lseek(fd, 0, SEEK_CUR) == 111,
          "preadv2-current-position", "x=%s pos=%ld", x, (long)lseek(fd, 0, SEEK_CUR));
    check_ret("pwritev2-at", pwritev2(fd, w, 1, 0, RWF_DSYNC), 6);
    int p[2];
    pipe(p);
    check_ret("preadv-ESPIPE", preadv(p[0], r, 1, 0), -ESPIPE);
    check_ret("pwritev-EBADF", pwritev(999, w, 1, 0), -EBADF);
    check_ret("preadv-EFAULT", syscall(SYS_preadv, fd, (struct iovec *)8, 1, 0, 0), -EFAULT);

    /* fallocate: mode 0 grows the file with zeros; KEEP_SIZE keeps the size. */
    struct stat st;
    check_ret("fallocate-grow", fallocate(fd, 0, 4096, 4096), 0);
    fstat(fd, &st);
    check(st.st_size == 8192, "fallocate-size", "size=%ld", (long)st.st_size);
    char z[16];
    memset(z, 1, sizeof z);
    check(pread(fd, z, 16, 5000) == 16 && !z[0] && !z[15], "fallocate-zeros", "not zero");
    check_ret("fallocate-keep-size", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 100000), 0);
    fstat(fd, &st);
    check(st.st_size == 8192, "fallocate-keep-size-size", "size=%ld", (long)st.st_size);
    check_ret("fallocate-shrink-noop", fallocate(fd, 0, 0, 10), 0);
    check_ret("fallocate-EOPNOTSUPP-punch", fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 10),
              -EOPNOTSUPP);
    check_ret("fallocate-EINVAL-len", fallocate(fd, 0, 0, 0), -EINVAL);
    check_ret("fallocate-EINVAL-offset", fallocate(fd, 0, -1, 10), -EINVAL);
    check_ret("fallocate-EFBIG", fallocate(fd, 0, INT64_MAX - 5, 10), -EFBIG);
    check_ret("fallocate-ESPIPE", fallocate(p[1], 0, 0, 10), -ESPIPE);
    int ro = open(PATH, O_RDONLY);
    check_ret("fallocate-EBADF-rdonly", fallocate(ro, 0, 0, 10), -EBADF);

    /* Advice and syncing: validated, then nothing to do. */
    check(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL) == 0, "fadvise-ok", "failed");
    check(posix_fadvise(fd, 0, 0, 99) == EINVAL, "fadvise-EINVAL", "accepted");
    check(posix_fadvise(p[0], 0, 0, POSIX_FADV_NORMAL) == ESPIPE, "fadvise-ESPIPE", "accepted");
    check(posix_fadvise(999, 0, 0, POSIX_FADV_NORMAL) == EBADF, "fadvise-EBADF", "accepted");
    check_ret("readahead-ok", readahead(ro, 0, 4096), 0);
    check_ret("readahead-EINVAL-pipe", readahead(p[0], 0, 10), -EINVAL);
    check_ret("readahead-EBADF", readahead(999, 0, 10), -EBADF);
    check_ret("sync_file_range-ok", sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE), 0);
    check_ret("sync_file_range-EINVAL-flags", sync_file_range(fd, 0, 0, 0x80), -EINVAL);
    check_ret("sync_file_range-EINVAL-offset", sync_file_range(fd, -1, 0, 0), -EINVAL);
    check_ret("sync_file_range-ESPIPE", sync_file_range(p[0], 0, 0, 0), -ESPIPE);
    close(ro);
    close(fd);
    unlink(PATH);
}

static void statx_xattr_close_range_checks(void)
{
    int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0640);
    write(fd, "12345", 5);
    struct stat st;
    struct statx sx;
    fstat(fd, &st);
    memset(&sx, 0xff, sizeof sx);
    int r = statx(AT_FDCWD, PATH, 0, STATX_BASIC_STATS, &sx);
    check(r == 0 && (sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS && sx.stx_size == 5 &&
          sx.stx_ino == st.st_ino && (sx.stx_mode & 07777) == 0640 && S_ISREG(sx.stx_mode) && sx.stx_nlink == 1 &&
          sx.stx_mtime.tv_sec == st.st_mtim.tv_sec && sx.stx_mtime.tv_nsec == (uint32_t)st.st_mtim.tv_nsec,
          "statx", "r=%d mask=%x size=%llu mode=%o", r, sx.stx_mask, (unsigned long long)sx.stx_size, sx.stx_mode);
    memset(&sx, 0, sizeof sx);
    check(statx(fd, "", AT_EMPTY_PATH, STATX_SIZE, &sx) == 0 && sx.stx_size == 5, "statx-empty-path", "size %llu",
          (unsigned long long)sx.stx_size);
    check(statx(AT_FDCWD, "/dev/null", 0, STATX_BASIC_STATS, &sx) == 0 && sx.stx_rdev_major == 1 &&
          sx.stx_rdev_minor == 3, "statx-rdev", "%u:%u", sx.stx_rdev_major, sx.stx_rdev_minor);
    check_ret("statx-EINVAL-sync", statx(AT_FDCWD, PATH, AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC, 0, &sx),
              -EINVAL);
    check_ret("statx-EINVAL-reserved", statx(AT_FDCWD, PATH, 0, 0x80000000u, &sx), -EINVAL);
    check_ret("statx-ENOENT", statx(AT_FDCWD, "/nonexistent", 0, STATX_BASIC_STATS, &sx), -ENOENT);
    check_ret("statx-EFAULT", statx(AT_FDCWD, PATH, 0, STATX_BASIC_STATS, (struct statx *)8), -EFAULT);

    char v[16];
    check_ret("getxattr-EOPNOTSUPP", getxattr(PATH, "user.x", v, sizeof v), -EOPNOTSUPP);
    check_ret("getxattr-ENOENT", getxattr("/nonexistent", "user.x", v, sizeof v), -ENOENT);
    check_ret("listxattr-empty", listxattr(PATH, v, sizeof v), 0);
    check_ret("flistxattr-empty", flistxattr(fd, v, sizeof v), 0);
    check_ret("lsetxattr-EOPNOTSUPP", lsetxattr(PATH, "user.x", "1", 1, 0), -EOPNOTSUPP);
    check_ret("setxattr-EINVAL-flags", setxattr(PATH, "user.x", "1", 1, 8), -EINVAL);
    check_ret("fgetxattr-EBADF", fgetxattr(999, "user.x", v, sizeof v), -EBADF);
    check_ret("getxattr-ERANGE-empty-name", getxattr(PATH, "", v, sizeof v), -ERANGE);
    check_ret("removexattr-EOPNOTSUPP", removexattr(PATH, "user.x"), -EOPNOTSUPP);

    int a = dup(fd), b = dup(fd), c = dup(fd);
    check_ret("close_range-cloexec", syscall(SYS_close_range, a, a, CLOSE_RANGE_CLOEXEC), 0);
    check(fcntl(a, F_GETFD) == FD_CLOEXEC, "close_range-cloexec-set", "flags %d", fcntl(a, F_GETFD));
    check_ret("close_range", syscall(SYS_close_range, b, ~0U, 0), 0);
    check(fcntl(a, F_GETFD) == FD_CLOEXEC && fcntl(b, F_GETFD) < 0 && fcntl(c, F_GETFD) < 0 && fcntl(fd, F_GETFD) == 0,
          "close_range-closed", "a=%d b=%d c=%d", fcntl(a, F_GETFD), fcntl(b, F_GETFD), fcntl(c, F_GETFD));
    check_ret("close_range-EINVAL-order", syscall(SYS_close_range, 10, 5, 0), -EINVAL);
    check_ret("close_range-EINVAL-flags", syscall(SYS_close_range, 10, 20, 1), -EINVAL);
    close(a);
    close(fd);
}

int main(void)
{
    statx_xattr_close_range_checks();
    flock_checks();
    record_lock_checks();
    lock_eintr_checks();
    vector_checks();
    return t_failed != 0;
}
