/* Thread-group semantics: tids, thread- and process-directed signals, exit of one thread,
 * exit_group and fatal signals from a thread, execve from a non-leader thread, wait4 seeing
 * the group only at its end, CLONE_CHILD_CLEARTID, clone3 errors, /proc/self/task, robust
 * mutexes whose owner died, a group stop. */
#include "tap.h"
#include <dirent.h>
#include <linux/futex.h>
#include <linux/sched.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>

static pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }

static pid_t thread_tid, thread_pid, thread_ppid;
static void *ids_main(void *arg)
{
    (void)arg;
    thread_tid = gettid_();
    thread_pid = getpid();
    thread_ppid = getppid();
    return NULL;
}

static void ids(void)
{
    pthread_t t;
    pthread_create(&t, NULL, ids_main, NULL);
    pthread_join(t, NULL);
    check(gettid_() == getpid(), "leader-tid-is-pid", "tid %d pid %d", gettid_(), getpid());
    check(thread_tid != getpid() && thread_tid > 0, "thread-tid-differs", "tid %d pid %d", thread_tid, getpid());
    check(thread_pid == getpid() && thread_ppid == getppid(), "thread-pid-ppid", "pid %d ppid %d", thread_pid,
          thread_ppid);
}

static volatile pid_t handled_by;
static void on_usr(int sig) { (void)sig; handled_by = gettid_(); }

static volatile int worker_tid, stop_worker;
static void *spin_main(void *arg)
{
    (void)arg;
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, NULL);
    worker_tid = gettid_();
    while (!stop_worker)
        msleep(5);
    return NULL;
}

static void signals(void)
{
    struct sigaction sa = { .sa_handler = on_usr };
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    pthread_t t;
    stop_worker = 0;
    worker_tid = 0;
    pthread_create(&t, NULL, spin_main, NULL);
    while (!worker_tid)
        msleep(1);
    handled_by = 0;
    syscall(SYS_tgkill, getpid(), worker_tid, SIGUSR1);
    for (int i = 0; i < 1000 && !handled_by; i++)
        msleep(1);
    check(handled_by == worker_tid, "tgkill-to-thread", "handled by %d, worker %d", handled_by, worker_tid);
    res("tgkill-wrong-tgid", E(syscall(SYS_tgkill, getpid() + 1000, worker_tid, 0)), -ESRCH);
    res("tkill-thread", E(syscall(SYS_tkill, worker_tid, 0)), 0);

    /* Process-directed: the main thread blocks SIGUSR2, so the worker must take it. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    handled_by = 0;
    kill(getpid(), SIGUSR2);
    for (int i = 0; i < 1000 && !handled_by; i++)
        msleep(1);
    check(handled_by == worker_tid, "kill-taken-by-unblocking-thread", "handled by %d, worker %d", handled_by,
          worker_tid);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    stop_worker = 1;
    pthread_join(t, NULL);
}

static void *exit_main(void *arg)
{
    syscall(SYS_exit, (long)arg);   /* this thread only */
    return NULL;
}

static void *exit_group_main(void *arg)
{
    msleep(20);
    exit((int)(long)arg);
}

static void *sleep_forever(void *arg)
{
    for (;;)
        pause();
    return arg;
}

static void *kill_self_main(void *arg)
{
    (void)arg;
    msleep(20);
    syscall(SYS_tgkill, getpid(), gettid_(), SIGTERM);
    for (;;)
        pause();
    return NULL;
}

static char *self_path = "/tests/threadsem";

static void *exec_main(void *arg)
{
    char pidbuf[16];
    snprintf(pidbuf, sizeof pidbuf, "%d", getpid());
    (void)arg;
    char *argv[] = { self_path, "exec-child", pidbuf, NULL };
    execve(self_path, argv, (char *[]){ NULL });
    _exit(99);
}

static int gone_pipe[2];
static void *leader_gone_worker(void *arg)
{
    char c;
    (void)arg;
    read(gone_pipe[0], &c, 1);  /* until the parent has looked once */
    syscall(SYS_exit, 4);       /* the last thread: its status is the group's (as on Linux) */
    return NULL;
}

static void lifecycle(void)
{
    /* exit of one thread leaves the rest running */
    pthread_t t;
    pthread_create(&t, NULL, exit_main, (void *)3L);
    pthread_join(t, NULL);
    check(1, "thread-exit-leaves-rest", "unreachable");

    pid_t pid = fork();
    if (pid == 0) {
        pthread_create(&t, NULL, exit_group_main, (void *)7L);
        for (;;)
            pause();
    }
    res("exit-group-from-thread", wait_for(pid, 0), 7 << 8);

    pid = fork();
    if (pid == 0) {
        pthread_create(&t, NULL, sleep_forever, NULL);
        pthread_create(&t, NULL, kill_self_main, NULL);
        for (;;)
            pause();
    }
    res("fatal-signal-to-thread-kills-all", wait_for(pid, 0), SIGTERM);

    pid = fork();
    if (pid == 0) {
        pthread_create(&t, NULL, sleep_forever, NULL);
        pthread_create(&t, NULL, exec_main, NULL);
        for (;;)
            pause();
    }
    res("execve-from-thread", wait_for(pid, 0), 0);

    /* The leader leaves first: wait4 sees nothing until the last thread is gone. */
    pipe(gone_pipe);
    pid = fork();
    if (pid == 0) {
        close(gone_pipe[1]);
        pthread_create(&t, NULL, leader_gone_worker, NULL);
        syscall(SYS_exit, 9);
    }
    close(gone_pipe[0]);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    for (int i = 0; i < 2000; i++) {     /* until the leader is a zombie */
        char buf[256] = "";
        FILE *f = fopen(path, "r");
        if (f) {
            fgets(buf, sizeof buf, f);
            fclose(f);
        }
        char *rp = strrchr(buf, ')');
        if (rp && rp[1] == ' ' && rp[2] == 'Z')
            break;
        msleep(1);
    }
    int st = 0;
    res("wait-not-before-group-end", E(wait4(pid, &st, WNOHANG, NULL)), 0);
    write(gone_pipe[1], "x", 1);
    close(gone_pipe[1]);
    res("wait-at-group-end", wait_for(pid, 0), 4 << 8);

    /* A group stop: SIGSTOP stops every thread, SIGCONT resumes them all. */
    pid = fork();
    if (pid == 0) {
        pthread_create(&t, NULL, sleep_forever, NULL);
        for (;;)
            pause();
    }
    msleep(30);
    kill(pid, SIGSTOP);
    res("group-stop-reported", wait_for(pid, WUNTRACED), (SIGSTOP << 8) | 0x7f);
    kill(pid, SIGCONT);
    res("group-continue-reported", wait_for(pid, WCONTINUED), 0xffff);
    kill(pid, SIGKILL);
    res("group-sigkill", wait_for(pid, 0), SIGKILL);
}

static int child_fn(void *arg)
{
    (void)arg;
    msleep(30);
    return 0;
}

static int vm_child_fn(void *arg)
{
    *(volatile int *)arg = 42;
    return getpid() != gettid_() ? 6 : 5;
}

static void cleartid(void)
{
    static char stack[65536] __attribute__((aligned(16)));
    static volatile pid_t ctid = -1;
    pid_t ptid = 0;
    int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
                CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID;
    int tid = clone(child_fn, stack + sizeof stack, flags, NULL, &ptid, NULL, &ctid);
    check(tid > 0 && ptid == tid, "clone-parent-settid", "tid %d ptid %d", tid, ptid);
    int waits = 0;
    for (pid_t v; (v = ctid) != 0 && waits < 100; waits++)
        syscall(SYS_futex, &ctid, FUTEX_WAIT, v, NULL, NULL, 0);
    check(ctid == 0 && waits < 100, "cleartid-wakes", "ctid %d after %d waits", ctid, waits);

    /* CLONE_VM without CLONE_THREAD: a separate process on the same memory. */
    static volatile int shared_word;
    static char stack2[65536] __attribute__((aligned(16)));
    shared_word = 0;
    int vpid = clone(vm_child_fn, stack2 + sizeof stack2, CLONE_VM | SIGCHLD, (void *)&shared_word);
    res("clone-vm-process-status", wait_for(vpid, 0), 5 << 8);
    res("clone-vm-process-wrote", shared_word, 42);

    res("clone-thread-without-sighand", E(syscall(SYS_clone, CLONE_VM | CLONE_THREAD, 0, 0, 0, 0)), -EINVAL);
    res("clone-sighand-without-vm", E(syscall(SYS_clone, CLONE_SIGHAND | CLONE_THREAD, 0, 0, 0, 0)), -EINVAL);
    struct clone_args ca;
    memset(&ca, 0, sizeof ca);
    ca.flags = CLONE_NEWNS | CLONE_FS;     /* refused by Linux too, even for root */
    res("clone3-short", E(syscall(SYS_clone3, &ca, 32)), -EINVAL);
    res("clone3-newns-with-fs", E(syscall(SYS_clone3, &ca, sizeof ca)), -EINVAL);
    ca.flags = 1ULL << 40;
    res("clone3-unknown-flag", E(syscall(SYS_clone3, &ca, sizeof ca)), -EINVAL);
    ca.flags = CLONE_THREAD | CLONE_SIGHAND | CLONE_VM;
    ca.exit_signal = SIGCHLD;
    res("clone3-thread-exit-signal", E(syscall(SYS_clone3, &ca, sizeof ca)), -EINVAL);
    res("clone3-bad-pointer", E(syscall(SYS_clone3, unmapped_addr(), sizeof ca)), -EFAULT);
}

static pthread_barrier_t task_bar;
static void *task_main(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&task_bar);
    pthread_barrier_wait(&task_bar);
    return NULL;
}

static void proc_task(void)
{
    pthread_t t[3];
    pthread_barrier_init(&task_bar, NULL, 4);
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, task_main, NULL);
    pthread_barrier_wait(&task_bar);
    int n = 0, self = 0;
    DIR *d = opendir("/proc/self/task");
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        n++;
        if (atoi(e->d_name) == getpid())
            self = 1;
    }
    if (d)
        closedir(d);
    check(n == 4 && self, "proc-self-task", "%d entries, leader %s", n, yn(self));
    char path[64];
    snprintf(path, sizeof path, "/proc/%d", getpid());
    check(access(path, F_OK) == 0, "proc-pid-dir", "%s missing", path);
    pthread_barrier_wait(&task_bar);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
}

static pthread_mutex_t *robust;
static void *robust_owner(void *arg)
{
    (void)arg;
    pthread_mutex_lock(robust);
    return NULL;        /* dies holding it */
}

static void robust_mutex(void)
{
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
    pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
    robust = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pthread_mutex_init(robust, &ma);
    pthread_t t;
    pthread_create(&t, NULL, robust_owner, NULL);
    pthread_join(t, NULL);
    int r = pthread_mutex_lock(robust);
    check(r == EOWNERDEAD, "robust-thread-owner-died", "lock returned %d", r);
    pthread_mutex_consistent(robust);
    pthread_mutex_unlock(robust);

    pid_t pid = fork();
    if (pid == 0) {
        pthread_mutex_lock(robust);
        _exit(0);
    }
    wait_for(pid, 0);
    r = pthread_mutex_lock(robust);
    check(r == EOWNERDEAD, "robust-process-owner-died", "lock returned %d", r);
    pthread_mutex_consistent(robust);
    pthread_mutex_unlock(robust);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "exec-child") == 0)
        return getpid() == atoi(argv[2]) && gettid_() == getpid() ? 0 : 1;
    self_path = argv[0];
    ids();
    signals();
    lifecycle();
    cleartid();
    proc_task();
    robust_mutex();
    return t_done("threadsem");
}
