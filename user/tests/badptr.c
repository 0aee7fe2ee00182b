/* Bad user pointers: every pointer-taking system call of the kernel's table returns EFAULT for
 * a NULL-page pointer, a kernel-half pointer (0xffffffc000000000) and an unmapped one (and,
 * for outputs, a read-only one), without side effects on the caller. Unknown system-call
 * numbers give ENOSYS. Raw syscall() throughout: glibc wrappers must not hide the kernel's
 * answer. (execve's pointers are covered by exec.c, rt_sigreturn's by signals.c.) */
#include "tap.h"
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#define NKINDS 4
static void *bad[NKINDS];
static const char *const kind_name[NKINDS] = { "null", "kernel", "unmapped", "readonly" };
static const char rodata_page[8192] __attribute__((aligned(4096))) = { 1 };

/* One check per kind: name-kind must give EFAULT. Kinds first..last (3 = read-only output). */
#define EF_KINDS(name, first, last, expr)                                                    \
    do {                                                                                  \
        for (int k_ = (first); k_ <= (last); k_++) {                                      \
            void *P = bad[k_];                                                            \
            long v_ = E(expr);                                                            \
            char n_[80];                                                                  \
            snprintf(n_, sizeof n_, "efault-%s-%s", name, kind_name[k_]);                 \
            check(v_ == -EFAULT, n_, "returned %s, expected -EFAULT", vstr(v_));           \
        }                                                                                 \
    } while (0)
#define EF_IN(name, expr) EF_KINDS(name, 0, 2, expr)         /* a pointer the kernel reads */
#define EF_OUT(name, expr) EF_KINDS(name, 0, 3, expr)        /* a pointer the kernel writes */
#define EF_OPT_IN(name, expr) EF_KINDS(name, 1, 2, expr)     /* NULL is allowed */
#define EF_OPT_OUT(name, expr) EF_KINDS(name, 1, 3, expr)

static void test_process_calls(void)
{
    EF_OUT("uname", syscall(SYS_uname, P));
    EF_OUT("sysinfo", syscall(SYS_sysinfo, P));
    EF_OPT_OUT("times", syscall(SYS_times, P));
    check(syscall(SYS_times, NULL) != -1, "times-null-ok", "times(NULL) failed: %s", strerror(errno));
    EF_OUT("getrusage", syscall(SYS_getrusage, RUSAGE_SELF, P));
    EF_OUT("getrlimit", syscall(SYS_getrlimit, RLIMIT_STACK, P));
    EF_IN("setrlimit", syscall(SYS_setrlimit, RLIMIT_CORE, P));
    EF_OPT_IN("prlimit64-new", syscall(SYS_prlimit64, 0, RLIMIT_CORE, P, NULL));
    EF_OPT_OUT("prlimit64-old", syscall(SYS_prlimit64, 0, RLIMIT_CORE, NULL, P));
    EF_OUT("getrandom", syscall(SYS_getrandom, P, 16, 0));
    /* A zombie to report: wait4 with a bad status pointer fails (and the child is gone). */
    for (int k = 0; k < 3; k++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        msleep(20);
        long v = E(syscall(SYS_wait4, pid, bad[k + 1], 0, NULL));
        char n[64];
        snprintf(n, sizeof n, "efault-wait4-status-%s", kind_name[k + 1]);
        check(v == -EFAULT, n, "returned %s", vstr(v));
        if (v != -EFAULT)
            wait_for(pid, 0);
    }
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    msleep(20);
    int st;
    long v = E(syscall(SYS_wait4, pid, &st, 0, bad[1]));
    check(v == -EFAULT, "efault-wait4-rusage-kernel", "returned %s", vstr(v));
    if (v != -EFAULT)
        wait_for(pid, 0);
}

static void test_time_calls(void)
{
    EF_OUT("clock_gettime", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, P));
    EF_OPT_OUT("clock_getres", syscall(SYS_clock_getres, CLOCK_MONOTONIC, P));
    EF_OPT_OUT("gettimeofday-tv", syscall(SYS_gettimeofday, P, NULL));
    struct timeval tv;
    EF_OPT_OUT("gettimeofday-tz", syscall(SYS_gettimeofday, &tv, P));
    EF_IN("nanosleep", syscall(SYS_nanosleep, P, NULL));
    EF_IN("clock_nanosleep", syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, P, NULL));
}

static void test_signal_calls(void)
{
    EF_OPT_IN("rt_sigaction-act", syscall(SYS_rt_sigaction, SIGUSR1, P, NULL, 8));
    EF_OPT_OUT("rt_sigaction-old", syscall(SYS_rt_sigaction, SIGUSR1, NULL, P, 8));
    EF_OPT_IN("rt_sigprocmask-set", syscall(SYS_rt_sigprocmask, SIG_BLOCK, P, NULL, 8));
    EF_OPT_OUT("rt_sigprocmask-old", syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, P, 8));
    EF_OUT("rt_sigpending", syscall(SYS_rt_sigpending, P, 8));
    EF_IN("rt_sigsuspend", syscall(SYS_rt_sigsuspend, P, 8));
    EF_OPT_IN("sigaltstack-new", syscall(SYS_sigaltstack, P, NULL));
    EF_OPT_OUT("sigaltstack-old", syscall(SYS_sigaltstack, NULL, P));
    /* Nothing changed on the way: the mask is still empty, SIGUSR1 still default. */
    sigset_t mask;
    struct sigaction sa;
    sigprocmask(SIG_BLOCK, NULL, &mask);
    sigaction(SIGUSR1, NULL, &sa);
    check(sigisemptyset(&mask) && sa.sa_handler == SIG_DFL, "efault-no-side-effects",
          "mask empty %d, SIGUSR1 default %d", sigisemptyset(&mask), sa.sa_handler == SIG_DFL);
}

static void test_memory_calls(void)
{
    static int word = 7;
    EF_IN("futex-wait-uaddr", syscall(SYS_futex, P, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
    EF_OPT_IN("futex-wait-timeout", syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 7, P, NULL, 0));
}

/* clone's tid pointers are written after the child exists: Linux ignores a failure there and
 * returns the child's pid. Either way, there must be no child the caller does not know of. */
static void test_clone(void)
{
    static const unsigned long flags[2] = { CLONE_PARENT_SETTID | SIGCHLD, CLONE_CHILD_SETTID | SIGCHLD };
    static const char *const names[2] = { "clone-parent-settid-bad", "clone-child-settid-bad" };
    for (int i = 0; i < 2; i++) {
#if defined(__x86_64__)
        long r = E(syscall(SYS_clone, flags[i], 0, bad[1], bad[1], 0));
#else
        long r = E(syscall(SYS_clone, flags[i], 0, bad[1], 0, bad[1]));
#endif
        if (r == 0)
            _exit(0);
        msleep(30);
        int st;
        long w = E(wait4(-1, &st, WNOHANG, NULL));
        int orphan = r < 0 && w > 0;
        check(r > 0 && w == r, names[i], "clone returned %s%s; wait4 found %s", vstr(r),
              orphan ? " but created a child anyway" : "", vstr(w));
        while (wait4(-1, &st, WNOHANG, NULL) > 0)
            ;
    }
}

static void test_file_calls(void)
{
    EF_IN("write", syscall(SYS_write, 1, P, 4));
    EF_IN("writev-iov", syscall(SYS_writev, 1, P, 1));
    for (int k = 0; k < 3; k++) {
        struct iovec iov[2] = { { "", 0 }, { bad[k], 4 } };
        long v = E(syscall(SYS_writev, 1, iov, 2));
        char n[64];
        snprintf(n, sizeof n, "efault-writev-base-%s", kind_name[k]);
        check(v == -EFAULT, n, "returned %s", vstr(v));
    }
    EF_OUT("fstat", syscall(SYS_fstat, 1, P));
    EF_IN("newfstatat-path", syscall(SYS_newfstatat, AT_FDCWD, P, rodata_page + 4096, 0));
    char stbuf[256];
    EF_OUT("newfstatat-buf", syscall(SYS_newfstatat, AT_FDCWD, "/", P, 0));
    EF_IN("openat", syscall(SYS_openat, AT_FDCWD, P, O_RDONLY));
    EF_IN("faccessat", syscall(SYS_faccessat, AT_FDCWD, P, 0));
    EF_IN("chdir", syscall(SYS_chdir, P));
    EF_IN("mkdirat", syscall(SYS_mkdirat, AT_FDCWD, P, 0755));
    EF_IN("mknodat", syscall(SYS_mknodat, AT_FDCWD, P, 0010644, 0));
    EF_IN("unlinkat", syscall(SYS_unlinkat, AT_FDCWD, P, 0));
    EF_IN("symlinkat-target", syscall(SYS_symlinkat, P, AT_FDCWD, "/tmp-badptr-link"));
    EF_IN("symlinkat-path", syscall(SYS_symlinkat, "/", AT_FDCWD, P));
    EF_IN("linkat", syscall(SYS_linkat, AT_FDCWD, P, AT_FDCWD, "/tmp-badptr-link", 0));
    EF_IN("renameat2", syscall(SYS_renameat2, AT_FDCWD, P, AT_FDCWD, "/tmp-badptr-x", 0));
    EF_IN("fchmodat", syscall(SYS_fchmodat, AT_FDCWD, P, 0644));
    EF_IN("fchownat", syscall(SYS_fchownat, AT_FDCWD, P, 0, 0, 0));
    EF_OPT_IN("utimensat-times", syscall(SYS_utimensat, AT_FDCWD, "/", P, 0));
    EF_IN("readlinkat-path", syscall(SYS_readlinkat, AT_FDCWD, P, stbuf, sizeof stbuf));
    EF_OUT("getcwd", syscall(SYS_getcwd, P, 64));
    EF_OUT("pipe2", syscall(SYS_pipe2, P, 0));
    int fds[2];
    if (pipe2(fds, O_NONBLOCK) == 0) {
        for (int k = 0; k < NKINDS; k++) {
            write(fds[1], "abc", 3);
            long v = E(syscall(SYS_read, fds[0], bad[k], 3));
            char n[64];
            snprintf(n, sizeof n, "efault-read-%s", kind_name[k]);
            check(v == -EFAULT, n, "returned %s", vstr(v));
        }
        write(fds[1], "abc", 3);
        EF_IN("readv-iov", syscall(SYS_readv, fds[0], P, 1));
        close(fds[0]);
        close(fds[1]);
    } else {
        check(0, "pipe2", "pipe2 failed: %s", strerror(errno));
    }
    int dir = open("/", O_RDONLY | O_DIRECTORY);
    EF_OUT("getdents64", syscall(SYS_getdents64, dir, P, 4096));
    close(dir);
}

static void test_enosys(void)
{
    static const long nrs[] = { 299, 300, 350, 1000, 0xffff, -1 };
    for (unsigned i = 0; i < sizeof nrs / sizeof nrs[0]; i++) {
        char n[48];
        snprintf(n, sizeof n, "enosys-%ld", nrs[i]);
        check_ret(n, syscall(nrs[i], 1, 2, 3, 4, 5, 6), -ENOSYS);
    }
}

int main(void)
{
    bad[0] = NULL;
    bad[1] = (void *)0xffffffc000000000UL;
    bad[2] = unmapped_addr();
    bad[3] = (void *)(rodata_page + 4096 - 8);     /* readable, not writable */
    test_process_calls();
    test_time_calls();
    test_signal_calls();
    test_memory_calls();
    test_clone();
    test_file_calls();
    test_enosys();
    /* Still healthy after all that. */
    struct timespec ts;
    check(clock_gettime(CLOCK_MONOTONIC, &ts) == 0 && getpid() > 0, "efault-process-healthy", "%s", strerror(errno));
    return t_done("badptr");
}
