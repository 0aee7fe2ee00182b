/* System-call numbers (Linux asm-generic, as riscv64 uses them) and handler prototypes. */
#ifndef PROC_SYS_H
#define PROC_SYS_H

#include <stdint.h>

#define SYS_write            64
#define SYS_writev           66
#define SYS_exit             93
#define SYS_exit_group       94
#define SYS_set_tid_address  96
#define SYS_nanosleep        101
#define SYS_clock_gettime    113
#define SYS_clock_getres     114
#define SYS_clock_nanosleep  115
#define SYS_sched_yield      124
#define SYS_reboot           142
#define SYS_times            153
#define SYS_uname            160
#define SYS_gettimeofday     169
#define SYS_getpid           172
#define SYS_getppid          173
#define SYS_getuid           174
#define SYS_geteuid          175
#define SYS_getgid           176
#define SYS_getegid          177
#define SYS_gettid           178
#define SYS_sysinfo          179
#define SYS_clone            220
#define SYS_execve           221
#define SYS_wait4            260

#define SYSCALL(name) long sys_##name(const uint64_t a[6])
SYSCALL(write); SYSCALL(writev);
SYSCALL(exit); SYSCALL(exit_group); SYSCALL(set_tid_address);
SYSCALL(nanosleep); SYSCALL(clock_gettime); SYSCALL(clock_getres); SYSCALL(clock_nanosleep);
SYSCALL(gettimeofday); SYSCALL(times);
SYSCALL(sched_yield); SYSCALL(reboot); SYSCALL(uname); SYSCALL(sysinfo);
SYSCALL(getpid); SYSCALL(getppid); SYSCALL(getuid);
SYSCALL(clone); SYSCALL(execve); SYSCALL(wait4);

#endif
