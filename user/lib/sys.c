#include "sys.h"

long syscall6(long n, long a0, long a1, long a2, long a3, long a4, long a5)
{
    register long r_a0 __asm__("a0") = a0;
    register long r_a1 __asm__("a1") = a1;
    register long r_a2 __asm__("a2") = a2;
    register long r_a3 __asm__("a3") = a3;
    register long r_a4 __asm__("a4") = a4;
    register long r_a5 __asm__("a5") = a5;
    register long r_a7 __asm__("a7") = n;
    __asm__ volatile("ecall"
                     : "+r"(r_a0)
                     : "r"(r_a1), "r"(r_a2), "r"(r_a3), "r"(r_a4), "r"(r_a5), "r"(r_a7)
                     : "memory");
    return r_a0;
}

long sys_write(int fd, const void *buf, size_t len) { return syscall3(SYS_write, fd, buf, len); }

_Noreturn void sys_exit(int code)
{
    syscall1(SYS_exit, code);
    for (;;)
        ;
}

_Noreturn void sys_exit_group(int code)
{
    syscall1(SYS_exit_group, code);
    for (;;)
        ;
}

long sys_getpid(void) { return syscall0(SYS_getpid); }
long sys_getppid(void) { return syscall0(SYS_getppid); }
long sys_sched_yield(void) { return syscall0(SYS_sched_yield); }
long sys_nanosleep(const struct timespec *req, struct timespec *rem) { return syscall2(SYS_nanosleep, req, rem); }
long sys_clock_gettime(int clock, struct timespec *ts) { return syscall2(SYS_clock_gettime, clock, ts); }
long sys_times(struct tms *t) { return syscall1(SYS_times, t); }
long sys_sysinfo(struct sysinfo *info) { return syscall1(SYS_sysinfo, info); }
long sys_fork(void) { return syscall6(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0); }
long sys_wait4(long pid, int *status, int options, void *rusage) { return syscall6(SYS_wait4, pid, (long)status, options, (long)rusage, 0, 0); }
long sys_execve(const char *path, char *const argv[], char *const envp[]) { return syscall3(SYS_execve, path, argv, envp); }
