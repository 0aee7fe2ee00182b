/* Raw Linux riscv64 system calls: each wrapper returns the kernel's result,
 * a negative errno on failure (no errno variable). */
#ifndef USER_SYS_H
#define USER_SYS_H

#include <stddef.h>
#include <stdint.h>

#define SYS_getcwd        17
#define SYS_write         64
#define SYS_exit          93
#define SYS_exit_group    94
#define SYS_nanosleep    101
#define SYS_clock_gettime 113
#define SYS_sched_yield  124
#define SYS_times        153
#define SYS_getpid       172
#define SYS_getppid      173
#define SYS_sysinfo      179
#define SYS_clone        220
#define SYS_execve       221
#define SYS_wait4        260

#define EPERM    1
#define ENOENT   2
#define ESRCH    3
#define EINTR    4
#define EBADF    9
#define ECHILD  10
#define EAGAIN  11
#define ENOMEM  12
#define EFAULT  14
#define EINVAL  22
#define ENOSYS  38

#define CLOCK_REALTIME  0
#define CLOCK_MONOTONIC 1

#define SIGCHLD 17

struct timespec {
    long tv_sec;
    long tv_nsec;
};

struct tms {
    long tms_utime;
    long tms_stime;
    long tms_cutime;
    long tms_cstime;
};

/* Linux's struct sysinfo on a 64-bit machine (112 bytes). */
struct sysinfo {
    long uptime;
    unsigned long loads[3];
    unsigned long totalram;
    unsigned long freeram;
    unsigned long sharedram;
    unsigned long bufferram;
    unsigned long totalswap;
    unsigned long freeswap;
    unsigned short procs;
    unsigned short pad;
    unsigned long totalhigh;
    unsigned long freehigh;
    unsigned int mem_unit;
    char _pad2[4];
};

long syscall6(long n, long a0, long a1, long a2, long a3, long a4, long a5);
#define syscall0(n)          syscall6((n), 0, 0, 0, 0, 0, 0)
#define syscall1(n, a)       syscall6((n), (long)(a), 0, 0, 0, 0, 0)
#define syscall2(n, a, b)    syscall6((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define syscall3(n, a, b, c) syscall6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)

long sys_write(int fd, const void *buf, size_t len);
_Noreturn void sys_exit(int code);
_Noreturn void sys_exit_group(int code);
long sys_getpid(void);
long sys_getppid(void);
long sys_sched_yield(void);
long sys_nanosleep(const struct timespec *req, struct timespec *rem);
long sys_clock_gettime(int clock, struct timespec *ts);
long sys_times(struct tms *t);
long sys_sysinfo(struct sysinfo *info);
long sys_fork(void);   /* clone(SIGCHLD, 0, 0, 0, 0) */
long sys_wait4(long pid, int *status, int options, void *rusage);
long sys_execve(const char *path, char *const argv[], char *const envp[]);

/* U-mode counter CSRs. */
static inline uint64_t rd_cycle(void)   { uint64_t v; __asm__ volatile("rdcycle %0" : "=r"(v)); return v; }
static inline uint64_t rd_time(void)    { uint64_t v; __asm__ volatile("rdtime %0" : "=r"(v)); return v; }
static inline uint64_t rd_instret(void) { uint64_t v; __asm__ volatile("rdinstret %0" : "=r"(v)); return v; }

#endif
