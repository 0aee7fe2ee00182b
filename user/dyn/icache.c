/* Instruction-cache discipline (docs/memory.md): the fence.i counters in /proc/counters move
 * when the kernel writes code or maps it executable, and stay still when it writes only data.
 * Run alone in its case, so no other program's faults move the counters. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

static void check(int cond, const char *name, const char *fmt, long a, long b)
{
    if (cond) {
        printf("ok %s\n", name);
        return;
    }
    printf("not ok %s: ", name);
    printf(fmt, a, b);
    printf("\n");
    failures++;
}

struct fences { long local, deferred, remote; };

static long counter(const char *text, const char *name)
{
    const char *p = strstr(text, name);
    return p ? strtol(p + strlen(name), NULL, 10) : -1;
}

static struct fences fences_now(void)
{
    char buf[4096];
    struct fences f = { -1, -1, -1 };
    int fd = open("/proc/counters", O_RDONLY);
    if (fd < 0)
        return f;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return f;
    buf[n] = 0;
    f.local = counter(buf, "\nfence_i_local ");
    f.deferred = counter(buf, "\nfence_i_deferred ");
    f.remote = counter(buf, "\nfence_i_remote ");
    return f;
}

static void pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);
}

/* Data only: anonymous pages written by the kernel (zero fill) and by us never need a fence. */
static void test_data_faults(void)
{
    /* Once unmeasured first: the loader binds and faults in the library code this uses. */
    void *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (w != MAP_FAILED)
        *(char *)w = 1;
    munmap(w, 4096);
    fences_now();
    struct fences a = fences_now();
    char *p = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; p != MAP_FAILED && i < 16; i++)
        p[i * 4096] = 1;
    struct fences b = fences_now();
    check(a.local >= 0 && p != MAP_FAILED, "icache-counters-present", "local %ld, map %ld", a.local,
          p != MAP_FAILED);
    long moved = (b.local - a.local) + (b.deferred - a.deferred) + (b.remote - a.remote);
    check(moved == 0, "icache-data-fault-no-fence", "%ld fences for 16 data faults%ld", moved, 0);
    munmap(p, 16 * 4096);
}

/* A fault on an executable mapping of a file: the page the kernel filled must be refetched. */
static void test_exec_fault(void)
{
    int fd = open("/tests/true", O_RDONLY);
    struct fences a = fences_now();
    volatile unsigned char *p = fd < 0 ? MAP_FAILED :
        mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
    unsigned char c = p != MAP_FAILED ? p[0] : 0;
    struct fences b = fences_now();
    check(c == 0x7f && b.local - a.local >= 1, "icache-exec-fault-fences",
          "first byte %#lx, %ld local fences", c, b.local - a.local);
    if (p != MAP_FAILED)
        munmap((void *)p, 4096);
    if (fd >= 0)
        close(fd);
}

/* Code we write, made executable by mprotect, runs (c.ret: 0x8082) after the kernel's fence. */
static void test_mprotect_exec(void)
{
    unsigned short *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) {
        check(0, "icache-mprotect-exec", "mmap %ld%ld", errno, 0);
        return;
    }
    code[0] = 0x8082;
    struct fences a = fences_now();
    int r = mprotect(code, 4096, PROT_READ | PROT_EXEC);
    struct fences b = fences_now();
    if (r == 0)
        ((void (*)(void))code)();
    check(r == 0 && b.local - a.local >= 1, "icache-mprotect-exec", "mprotect %ld, %ld local fences",
          r, b.local - a.local);
    munmap(code, 4096);
}

/* execve builds a new address space: it is flushed before its first instruction runs. */
static void test_execve(void)
{
    struct fences a = fences_now();
    pid_t pid = fork();
    if (pid == 0) {
        execl("/tests/true", "true", (char *)NULL);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    struct fences b = fences_now();
    long moved = (b.local - a.local) + (b.deferred - a.deferred);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 0 && moved >= 1, "icache-execve-fences",
          "status %#lx, %ld fences", st, moved);
}

static void test_flush_syscall(void)
{
    struct fences a = fences_now();
    long r0 = syscall(259, 0L, 0L, 0L);
    long r1 = syscall(259, 0L, 0L, 1L);         /* SYS_RISCV_FLUSH_ICACHE_LOCAL */
    struct fences b = fences_now();
    check(r0 == 0 && r1 == 0 && b.local - a.local >= 2, "icache-flush-syscall", "%ld, %ld local fences",
          r0 == 0 && r1 == 0, b.local - a.local);
    errno = 0;
    long bad = syscall(259, 0L, 0L, 2L);
    check(bad == -1 && errno == EINVAL, "icache-flush-bad-flags", "returned %ld errno %ld", bad, errno);
}

/* This address space became stale on the other harts (an exec fault here); moving to one of
 * them flushes there, on the switch. */
static void test_switch_to_stale_hart(int harts)
{
    if (harts < 2) {
        printf("ok icache-switch-stale # one hart: nothing to switch to\n");
        return;
    }
    pin(0);
    int fd = open("/tests/true", O_RDONLY);
    struct fences a = fences_now();
    volatile unsigned char *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
    unsigned char c = p != MAP_FAILED ? p[0] : 0;
    pin(1);
    struct fences b = fences_now();
    check(c == 0x7f && b.deferred - a.deferred >= 1, "icache-switch-stale",
          "byte %#lx, %ld deferred fences", c, b.deferred - a.deferred);
    if (p != MAP_FAILED)
        munmap((void *)p, 4096);
    close(fd);
}

static atomic_int spinning, stop;

static void *spinner(void *arg)
{
    (void)arg;
    pin(1);
    atomic_store(&spinning, 1);
    while (!atomic_load(&stop))
        ;
    return NULL;
}

/* A thread of this process runs on another hart right now: it is fenced at once, remotely. */
static void test_remote_running(int harts)
{
    if (harts < 2) {
        printf("ok icache-remote-running # one hart: no other hart runs us\n");
        return;
    }
    pin(0);
    pthread_t t;
    pthread_create(&t, NULL, spinner, NULL);
    while (!atomic_load(&spinning))
        sched_yield();
    int fd = open("/tests/true", O_RDONLY);
    struct fences a = fences_now();
    volatile unsigned char *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
    unsigned char c = p != MAP_FAILED ? p[0] : 0;
    struct fences b = fences_now();
    atomic_store(&stop, 1);
    pthread_join(t, NULL);
    check(c == 0x7f && b.remote - a.remote >= 1, "icache-remote-running",
          "byte %#lx, %ld remote fences", c, b.remote - a.remote);
    if (p != MAP_FAILED)
        munmap((void *)p, 4096);
    close(fd);
}

int main(void)
{
    cpu_set_t set;
    int harts = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
    test_data_faults();
    test_exec_fault();
    test_mprotect_exec();
    test_execve();
    test_flush_syscall();
    test_switch_to_stale_hart(harts);
    test_remote_running(harts);
    return failures ? 1 : 0;
}
