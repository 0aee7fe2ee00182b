/* System-call numbers (Linux asm-generic, as riscv64 uses them) and handler prototypes. */
#ifndef PROC_SYS_H
#define PROC_SYS_H

#include <stdint.h>

#define SYS_ioctl            29
#define SYS_truncate         45
#define SYS_getcwd           17
#define SYS_dup              23
#define SYS_dup3             24
#define SYS_fcntl            25
#define SYS_mknodat          33
#define SYS_mkdirat          34
#define SYS_unlinkat         35
#define SYS_symlinkat        36
#define SYS_linkat           37
#define SYS_ftruncate        46
#define SYS_faccessat        48
#define SYS_chdir            49
#define SYS_fchdir           50
#define SYS_fchmod           52
#define SYS_fchmodat         53
#define SYS_fchownat         54
#define SYS_openat           56
#define SYS_close            57
#define SYS_pipe2            59
#define SYS_getdents64       61
#define SYS_lseek            62
#define SYS_read             63
#define SYS_readv            65
#define SYS_pread64          67
#define SYS_pwrite64         68
#define SYS_sync             81
#define SYS_fsync            82
#define SYS_fdatasync        83
#define SYS_utimensat        88
#define SYS_umask            166
#define SYS_renameat2        276
#define SYS_faccessat2       439
#define SYS_readlinkat       78
#define SYS_newfstatat       79
#define SYS_fstat            80
#define SYS_write            64
#define SYS_writev           66
#define SYS_exit             93
#define SYS_exit_group       94
#define SYS_set_tid_address  96
#define SYS_futex            98
#define SYS_set_robust_list  99
#define SYS_nanosleep        101
#define SYS_clock_gettime    113
#define SYS_clock_getres     114
#define SYS_clock_nanosleep  115
#define SYS_sched_yield      124
#define SYS_kill             129
#define SYS_tkill            130
#define SYS_tgkill           131
#define SYS_sigaltstack      132
#define SYS_rt_sigsuspend    133
#define SYS_rt_sigaction     134
#define SYS_rt_sigprocmask   135
#define SYS_rt_sigpending    136
#define SYS_rt_sigreturn     139
#define SYS_reboot           142
#define SYS_times            153
#define SYS_setpgid          154
#define SYS_getpgid          155
#define SYS_getsid           156
#define SYS_setsid           157
#define SYS_uname            160
#define SYS_getrlimit        163
#define SYS_setrlimit        164
#define SYS_getrusage        165
#define SYS_gettimeofday     169
#define SYS_getpid           172
#define SYS_getppid          173
#define SYS_getuid           174
#define SYS_geteuid          175
#define SYS_getgid           176
#define SYS_getegid          177
#define SYS_gettid           178
#define SYS_sysinfo          179
#define SYS_brk              214
#define SYS_munmap           215
#define SYS_clone            220
#define SYS_execve           221
#define SYS_mmap             222
#define SYS_mprotect         226
#define SYS_madvise          233
#define SYS_wait4            260
#define SYS_prlimit64        261
#define SYS_getrandom        278

/* -- threads and futex: kernel/proc/thread.c, futex.c -- */
/* (end of threads) */

/* -- polling and event fds: kernel/fs/poll.c, epoll.c, eventfd.c, signalfd.c, timerfd.c -- */
/* (end of poll) */

/* -- interval and POSIX timers: kernel/proc/itimer.c -- */
/* (end of timers) */

/* -- the everyday ABI: mount, statfs, sched_*, prctl, ... (kernel/fs/mount.c, kernel/proc/sys_sched.c) -- */
/* (end of abi) */

/* -- page cache and file mappings: kernel/mm/pagecache.c, sys_mm.c -- */
#define SYS_mremap           216
#define SYS_msync            227
/* (end of mm) */

/* -- dynamic linking: kernel/proc/exec.c -- */
/* (end of dynlink) */

#define SYSCALL(name) long sys_##name(const uint64_t a[6])
SYSCALL(write); SYSCALL(writev);
SYSCALL(exit); SYSCALL(exit_group); SYSCALL(set_tid_address);
SYSCALL(nanosleep); SYSCALL(clock_gettime); SYSCALL(clock_getres); SYSCALL(clock_nanosleep);
SYSCALL(gettimeofday); SYSCALL(times);
SYSCALL(sched_yield); SYSCALL(reboot); SYSCALL(uname); SYSCALL(sysinfo);
SYSCALL(getpid); SYSCALL(getppid); SYSCALL(getuid);
SYSCALL(clone); SYSCALL(execve); SYSCALL(wait4);
SYSCALL(fstat); SYSCALL(newfstatat);
SYSCALL(brk); SYSCALL(mmap); SYSCALL(munmap); SYSCALL(mprotect); SYSCALL(madvise);
SYSCALL(rt_sigaction); SYSCALL(rt_sigprocmask); SYSCALL(rt_sigpending); SYSCALL(rt_sigsuspend);
SYSCALL(rt_sigreturn); SYSCALL(sigaltstack); SYSCALL(kill); SYSCALL(tkill); SYSCALL(tgkill);
SYSCALL(setpgid); SYSCALL(getpgid); SYSCALL(getsid); SYSCALL(setsid);
SYSCALL(set_robust_list); SYSCALL(prlimit64); SYSCALL(getrlimit); SYSCALL(setrlimit);
SYSCALL(getrandom); SYSCALL(getrusage); SYSCALL(futex);
SYSCALL(getcwd); SYSCALL(dup); SYSCALL(dup3); SYSCALL(fcntl); SYSCALL(mknodat); SYSCALL(mkdirat);
SYSCALL(unlinkat); SYSCALL(symlinkat); SYSCALL(linkat); SYSCALL(ftruncate); SYSCALL(faccessat);
SYSCALL(chdir); SYSCALL(fchdir); SYSCALL(fchmod); SYSCALL(fchmodat); SYSCALL(fchownat); SYSCALL(openat);
SYSCALL(close); SYSCALL(pipe2); SYSCALL(getdents64); SYSCALL(lseek); SYSCALL(read); SYSCALL(readv);
SYSCALL(pread64); SYSCALL(pwrite64); SYSCALL(sync); SYSCALL(fsync); SYSCALL(utimensat); SYSCALL(umask);
SYSCALL(renameat2); SYSCALL(readlinkat); SYSCALL(ioctl); SYSCALL(faccessat2); SYSCALL(truncate);

/* -- threads and futex: kernel/proc/thread.c, futex.c -- */
/* (end of threads) */

/* -- polling and event fds: kernel/fs/poll.c, epoll.c, eventfd.c, signalfd.c, timerfd.c -- */
/* (end of poll) */

/* -- interval and POSIX timers: kernel/proc/itimer.c -- */
/* (end of timers) */

/* -- the everyday ABI: mount, statfs, sched_*, prctl, ... (kernel/fs/mount.c, kernel/proc/sys_sched.c) -- */
/* (end of abi) */

/* -- page cache and file mappings: kernel/mm/pagecache.c, sys_mm.c -- */
SYSCALL(mremap); SYSCALL(msync);
/* (end of mm) */

/* -- dynamic linking: kernel/proc/exec.c -- */
/* (end of dynlink) */

#endif
