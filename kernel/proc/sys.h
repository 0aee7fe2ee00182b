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
#define SYS_get_robust_list  100
#define SYS_clone3           435
/* (end of threads) */

/* -- polling and event fds: kernel/fs/poll.c, epoll.c, eventfd.c, signalfd.c, timerfd.c -- */
#define SYS_eventfd2         19
#define SYS_epoll_create1    20
#define SYS_epoll_ctl        21
#define SYS_epoll_pwait      22
#define SYS_pselect6         72
#define SYS_ppoll            73
#define SYS_signalfd4        74
#define SYS_timerfd_create   85
#define SYS_timerfd_settime  86
#define SYS_timerfd_gettime  87
#define SYS_epoll_pwait2     441
/* (end of poll) */

/* -- interval and POSIX timers: kernel/proc/itimer.c -- */
#define SYS_getitimer        102
#define SYS_setitimer        103
#define SYS_timer_create     107
#define SYS_timer_gettime    108
#define SYS_timer_getoverrun 109
#define SYS_timer_settime    110
#define SYS_timer_delete     111
#define SYS_restart_syscall  128
/* (end of timers) */

/* -- the everyday ABI: mount, statfs, sched_*, prctl, ... (kernel/fs/mount.c, kernel/proc/sys_sched.c) -- */
#define SYS_umount2              39
#define SYS_mount                40
#define SYS_statfs               43
#define SYS_fstatfs              44
#define SYS_fchown               55
#define SYS_sendfile             71
#define SYS_sched_setparam       118
#define SYS_sched_setscheduler   119
#define SYS_sched_getscheduler   120
#define SYS_sched_getparam       121
#define SYS_sched_setaffinity    122
#define SYS_sched_getaffinity    123
#define SYS_sched_get_priority_max 125
#define SYS_sched_get_priority_min 126
#define SYS_sched_rr_get_interval 127
#define SYS_setpriority          140
#define SYS_getpriority          141
#define SYS_sethostname          161
#define SYS_setdomainname        162
#define SYS_prctl                167
#define SYS_getcpu               168
#define SYS_riscv_hwprobe        258
#define SYS_riscv_flush_icache   259
#define SYS_syncfs               267
#define SYS_membarrier           283
#define SYS_copy_file_range      285
#define SYS_rseq                 293
/* abi2: signals waited for and queued, waitid, vectored/advisory file calls, locks, credentials */
#define SYS_flock                32
#define SYS_fallocate            47
#define SYS_preadv               69
#define SYS_pwritev              70
#define SYS_sync_file_range      84
#define SYS_capget               90
#define SYS_capset               91
#define SYS_personality          92
#define SYS_waitid               95
#define SYS_rt_sigtimedwait      137
#define SYS_rt_sigqueueinfo      138
#define SYS_setregid             143
#define SYS_setgid               144
#define SYS_setreuid             145
#define SYS_setuid               146
#define SYS_setresuid            147
#define SYS_getresuid            148
#define SYS_setresgid            149
#define SYS_getresgid            150
#define SYS_setfsuid             151
#define SYS_setfsgid             152
#define SYS_getgroups            158
#define SYS_setgroups            159
#define SYS_readahead            213
#define SYS_fadvise64            223
#define SYS_mlock                228
#define SYS_munlock              229
#define SYS_mlockall             230
#define SYS_munlockall           231
#define SYS_mincore              232
#define SYS_rt_tgsigqueueinfo    240
#define SYS_mlock2               284
#define SYS_preadv2              286
#define SYS_pwritev2             287
#define SYS_syslog               116
#define SYS_setxattr             5
#define SYS_lsetxattr            6
#define SYS_fsetxattr            7
#define SYS_getxattr             8
#define SYS_lgetxattr            9
#define SYS_fgetxattr            10
#define SYS_listxattr            11
#define SYS_llistxattr           12
#define SYS_flistxattr           13
#define SYS_removexattr          14
#define SYS_lremovexattr         15
#define SYS_fremovexattr         16
#define SYS_statx                291
#define SYS_close_range          436
/* (end of abi) */

/* -- page cache and file mappings: kernel/mm/pagecache.c, sys_mm.c -- */
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
SYSCALL(gettid); SYSCALL(clone3); SYSCALL(get_robust_list);
/* (end of threads) */

/* -- polling and event fds: kernel/fs/poll.c, epoll.c, eventfd.c, signalfd.c, timerfd.c -- */
SYSCALL(eventfd2); SYSCALL(epoll_create1); SYSCALL(epoll_ctl); SYSCALL(epoll_pwait);
SYSCALL(pselect6); SYSCALL(ppoll); SYSCALL(signalfd4);
SYSCALL(timerfd_create); SYSCALL(timerfd_settime); SYSCALL(timerfd_gettime); SYSCALL(epoll_pwait2);
/* (end of poll) */

/* -- interval and POSIX timers: kernel/proc/itimer.c -- */
SYSCALL(getitimer); SYSCALL(setitimer); SYSCALL(timer_create); SYSCALL(timer_gettime);
SYSCALL(timer_getoverrun); SYSCALL(timer_settime); SYSCALL(timer_delete); SYSCALL(restart_syscall);
/* (end of timers) */

/* -- the everyday ABI: mount, statfs, sched_*, prctl, ... (kernel/fs/mount.c, kernel/proc/sys_sched.c) -- */
SYSCALL(umount2); SYSCALL(mount); SYSCALL(statfs); SYSCALL(fstatfs); SYSCALL(fchown);
SYSCALL(sendfile); SYSCALL(sched_setparam); SYSCALL(sched_setscheduler);
SYSCALL(sched_getscheduler); SYSCALL(sched_getparam); SYSCALL(sched_setaffinity);
SYSCALL(sched_getaffinity); SYSCALL(sched_get_priority_max); SYSCALL(sched_get_priority_min);
SYSCALL(sched_rr_get_interval); SYSCALL(setpriority); SYSCALL(getpriority); SYSCALL(sethostname);
SYSCALL(setdomainname); SYSCALL(prctl); SYSCALL(getcpu); SYSCALL(riscv_hwprobe);
SYSCALL(riscv_flush_icache); SYSCALL(syncfs); SYSCALL(membarrier); SYSCALL(copy_file_range);
SYSCALL(rseq);
SYSCALL(flock); SYSCALL(fallocate); SYSCALL(preadv); SYSCALL(pwritev); SYSCALL(preadv2);
SYSCALL(pwritev2); SYSCALL(sync_file_range); SYSCALL(readahead); SYSCALL(fadvise64);
SYSCALL(capget); SYSCALL(capset); SYSCALL(personality); SYSCALL(waitid); SYSCALL(rt_sigtimedwait);
SYSCALL(rt_sigqueueinfo); SYSCALL(rt_tgsigqueueinfo); SYSCALL(geteuid); SYSCALL(getgid);
SYSCALL(getegid); SYSCALL(setuid); SYSCALL(setgid); SYSCALL(setreuid); SYSCALL(setregid);
SYSCALL(setresuid); SYSCALL(getresuid); SYSCALL(setresgid); SYSCALL(getresgid); SYSCALL(setfsuid);
SYSCALL(setfsgid); SYSCALL(getgroups); SYSCALL(setgroups); SYSCALL(mlock); SYSCALL(munlock);
SYSCALL(mlockall); SYSCALL(munlockall); SYSCALL(mlock2); SYSCALL(mincore); SYSCALL(syslog);
SYSCALL(setxattr); SYSCALL(lsetxattr); SYSCALL(fsetxattr); SYSCALL(getxattr); SYSCALL(lgetxattr);
SYSCALL(fgetxattr); SYSCALL(listxattr); SYSCALL(llistxattr); SYSCALL(flistxattr); SYSCALL(removexattr);
SYSCALL(lremovexattr); SYSCALL(fremovexattr); SYSCALL(statx); SYSCALL(close_range);
/* (end of abi) */

/* -- page cache and file mappings: kernel/mm/pagecache.c, sys_mm.c -- */
/* (end of mm) */

/* -- dynamic linking: kernel/proc/exec.c -- */
/* (end of dynlink) */

#endif
