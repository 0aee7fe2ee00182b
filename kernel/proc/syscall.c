/* System-call dispatch by Linux riscv64 number. Handlers take the raw argument registers
 * and return a value or -errno; unknown numbers return -ENOSYS and are counted. */
#include "proc/syscall.h"
#include "proc/sys.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "dev/console.h"

#define NR_SYSCALLS 450

typedef long (*syscall_fn)(const uint64_t a[6]);

static const syscall_fn syscall_table[NR_SYSCALLS] = {
    [SYS_write] = sys_write,
    [SYS_writev] = sys_writev,
    [SYS_exit] = sys_exit,
    [SYS_exit_group] = sys_exit_group,
    [SYS_set_tid_address] = sys_set_tid_address,
    [SYS_nanosleep] = sys_nanosleep,
    [SYS_clock_gettime] = sys_clock_gettime,
    [SYS_clock_getres] = sys_clock_getres,
    [SYS_clock_nanosleep] = sys_clock_nanosleep,
    [SYS_sched_yield] = sys_sched_yield,
    [SYS_times] = sys_times,
    [SYS_uname] = sys_uname,
    [SYS_gettimeofday] = sys_gettimeofday,
    [SYS_getpid] = sys_getpid,
    [SYS_getppid] = sys_getppid,
    [SYS_getuid] = sys_getuid,
    [SYS_sysinfo] = sys_sysinfo,
    [SYS_clone] = sys_clone,
    [SYS_execve] = sys_execve,
    [SYS_wait4] = sys_wait4,
    [SYS_reboot] = sys_reboot,
    [SYS_fstat] = sys_fstat,
    [SYS_newfstatat] = sys_newfstatat,
    [SYS_brk] = sys_brk,
    [SYS_mmap] = sys_mmap,
    [SYS_munmap] = sys_munmap,
    [SYS_mprotect] = sys_mprotect,
    [SYS_madvise] = sys_madvise,
    [SYS_rt_sigaction] = sys_rt_sigaction,
    [SYS_rt_sigprocmask] = sys_rt_sigprocmask,
    [SYS_rt_sigpending] = sys_rt_sigpending,
    [SYS_rt_sigsuspend] = sys_rt_sigsuspend,
    [SYS_rt_sigreturn] = sys_rt_sigreturn,
    [SYS_sigaltstack] = sys_sigaltstack,
    [SYS_kill] = sys_kill,
    [SYS_tkill] = sys_tkill,
    [SYS_tgkill] = sys_tgkill,
    [SYS_setpgid] = sys_setpgid,
    [SYS_getpgid] = sys_getpgid,
    [SYS_getsid] = sys_getsid,
    [SYS_setsid] = sys_setsid,
    [SYS_set_robust_list] = sys_set_robust_list,
    [SYS_prlimit64] = sys_prlimit64,
    [SYS_getrlimit] = sys_getrlimit,
    [SYS_setrlimit] = sys_setrlimit,
    [SYS_getrandom] = sys_getrandom,
    [SYS_getrusage] = sys_getrusage,
    [SYS_futex] = sys_futex,
    [SYS_getcwd] = sys_getcwd,
    [SYS_dup] = sys_dup,
    [SYS_dup3] = sys_dup3,
    [SYS_fcntl] = sys_fcntl,
    [SYS_mknodat] = sys_mknodat,
    [SYS_mkdirat] = sys_mkdirat,
    [SYS_unlinkat] = sys_unlinkat,
    [SYS_symlinkat] = sys_symlinkat,
    [SYS_linkat] = sys_linkat,
    [SYS_ftruncate] = sys_ftruncate,
    [SYS_faccessat] = sys_faccessat,
    [SYS_chdir] = sys_chdir,
    [SYS_fchdir] = sys_fchdir,
    [SYS_fchmod] = sys_fchmod,
    [SYS_fchmodat] = sys_fchmodat,
    [SYS_fchownat] = sys_fchownat,
    [SYS_openat] = sys_openat,
    [SYS_close] = sys_close,
    [SYS_pipe2] = sys_pipe2,
    [SYS_getdents64] = sys_getdents64,
    [SYS_lseek] = sys_lseek,
    [SYS_read] = sys_read,
    [SYS_readv] = sys_readv,
    [SYS_pread64] = sys_pread64,
    [SYS_pwrite64] = sys_pwrite64,
    [SYS_sync] = sys_sync,
    [SYS_fsync] = sys_fsync,
    [SYS_utimensat] = sys_utimensat,
    [SYS_umask] = sys_umask,
    [SYS_renameat2] = sys_renameat2,
    [SYS_readlinkat] = sys_readlinkat,
    [SYS_ioctl] = sys_ioctl,
    [SYS_fdatasync] = sys_fsync,
    [SYS_faccessat2] = sys_faccessat2,
    [SYS_truncate] = sys_truncate,

    /* -- threads and futex: kernel/proc/thread.c, futex.c -- */
    [SYS_gettid] = sys_gettid,
    [SYS_clone3] = sys_clone3,
    [SYS_get_robust_list] = sys_get_robust_list,
    /* (end of threads) */

    /* -- polling and event fds: kernel/fs/poll.c, epoll.c, eventfd.c, signalfd.c, timerfd.c -- */
    [SYS_eventfd2] = sys_eventfd2,
    [SYS_epoll_create1] = sys_epoll_create1,
    [SYS_epoll_ctl] = sys_epoll_ctl,
    [SYS_epoll_pwait] = sys_epoll_pwait,
    [SYS_pselect6] = sys_pselect6,
    [SYS_ppoll] = sys_ppoll,
    [SYS_signalfd4] = sys_signalfd4,
    [SYS_timerfd_create] = sys_timerfd_create,
    [SYS_timerfd_settime] = sys_timerfd_settime,
    [SYS_timerfd_gettime] = sys_timerfd_gettime,
    [SYS_epoll_pwait2] = sys_epoll_pwait2,
    /* (end of poll) */

    /* -- interval and POSIX timers: kernel/proc/itimer.c -- */
    [SYS_getitimer] = sys_getitimer,
    [SYS_setitimer] = sys_setitimer,
    [SYS_timer_create] = sys_timer_create,
    [SYS_timer_gettime] = sys_timer_gettime,
    [SYS_timer_getoverrun] = sys_timer_getoverrun,
    [SYS_timer_settime] = sys_timer_settime,
    [SYS_timer_delete] = sys_timer_delete,
    [SYS_restart_syscall] = sys_restart_syscall,
    /* (end of timers) */

    /* -- the everyday ABI: mount, statfs, sched_*, prctl, ... (kernel/fs/mount.c, kernel/proc/sys_sched.c) -- */
    [SYS_umount2] = sys_umount2,
    [SYS_mount] = sys_mount,
    [SYS_statfs] = sys_statfs,
    [SYS_fstatfs] = sys_fstatfs,
    [SYS_fchown] = sys_fchown,
    [SYS_sendfile] = sys_sendfile,
    [SYS_sched_setparam] = sys_sched_setparam,
    [SYS_sched_setscheduler] = sys_sched_setscheduler,
    [SYS_sched_getscheduler] = sys_sched_getscheduler,
    [SYS_sched_getparam] = sys_sched_getparam,
    [SYS_sched_setaffinity] = sys_sched_setaffinity,
    [SYS_sched_getaffinity] = sys_sched_getaffinity,
    [SYS_sched_get_priority_max] = sys_sched_get_priority_max,
    [SYS_sched_get_priority_min] = sys_sched_get_priority_min,
    [SYS_sched_rr_get_interval] = sys_sched_rr_get_interval,
    [SYS_setpriority] = sys_setpriority,
    [SYS_getpriority] = sys_getpriority,
    [SYS_sethostname] = sys_sethostname,
    [SYS_setdomainname] = sys_setdomainname,
    [SYS_prctl] = sys_prctl,
    [SYS_getcpu] = sys_getcpu,
    [SYS_riscv_hwprobe] = sys_riscv_hwprobe,
    [SYS_riscv_flush_icache] = sys_riscv_flush_icache,
    [SYS_syncfs] = sys_syncfs,
    [SYS_membarrier] = sys_membarrier,
    [SYS_copy_file_range] = sys_copy_file_range,
    [SYS_rseq] = sys_rseq,
    /* abi2 (kernel/proc/sys_cred.c, sys_sigwait.c, kernel/fs/lock.c, sys_fileadv.c, kernel/mm/sys_mlock.c) */
    [SYS_flock] = sys_flock,
    [SYS_fallocate] = sys_fallocate,
    [SYS_preadv] = sys_preadv,
    [SYS_pwritev] = sys_pwritev,
    [SYS_preadv2] = sys_preadv2,
    [SYS_pwritev2] = sys_pwritev2,
    [SYS_sync_file_range] = sys_sync_file_range,
    [SYS_readahead] = sys_readahead,
    [SYS_fadvise64] = sys_fadvise64,
    [SYS_capget] = sys_capget,
    [SYS_capset] = sys_capset,
    [SYS_personality] = sys_personality,
    [SYS_waitid] = sys_waitid,
    [SYS_rt_sigtimedwait] = sys_rt_sigtimedwait,
    [SYS_rt_sigqueueinfo] = sys_rt_sigqueueinfo,
    [SYS_rt_tgsigqueueinfo] = sys_rt_tgsigqueueinfo,
    [SYS_geteuid] = sys_geteuid,
    [SYS_getgid] = sys_getgid,
    [SYS_getegid] = sys_getegid,
    [SYS_setuid] = sys_setuid,
    [SYS_setgid] = sys_setgid,
    [SYS_setreuid] = sys_setreuid,
    [SYS_setregid] = sys_setregid,
    [SYS_setresuid] = sys_setresuid,
    [SYS_getresuid] = sys_getresuid,
    [SYS_setresgid] = sys_setresgid,
    [SYS_getresgid] = sys_getresgid,
    [SYS_setfsuid] = sys_setfsuid,
    [SYS_setfsgid] = sys_setfsgid,
    [SYS_getgroups] = sys_getgroups,
    [SYS_setgroups] = sys_setgroups,
    [SYS_mlock] = sys_mlock,
    [SYS_munlock] = sys_munlock,
    [SYS_mlockall] = sys_mlockall,
    [SYS_munlockall] = sys_munlockall,
    [SYS_mlock2] = sys_mlock2,
    [SYS_mincore] = sys_mincore,
    [SYS_syslog] = sys_syslog,
    [SYS_setxattr] = sys_setxattr,
    [SYS_lsetxattr] = sys_lsetxattr,
    [SYS_fsetxattr] = sys_fsetxattr,
    [SYS_getxattr] = sys_getxattr,
    [SYS_lgetxattr] = sys_lgetxattr,
    [SYS_fgetxattr] = sys_fgetxattr,
    [SYS_listxattr] = sys_listxattr,
    [SYS_llistxattr] = sys_llistxattr,
    [SYS_flistxattr] = sys_flistxattr,
    [SYS_removexattr] = sys_removexattr,
    [SYS_lremovexattr] = sys_lremovexattr,
    [SYS_fremovexattr] = sys_fremovexattr,
    [SYS_statx] = sys_statx,
    [SYS_close_range] = sys_close_range,
    /* (end of abi) */

    /* -- page cache and file mappings: kernel/mm/pagecache.c, sys_mm.c -- */
    /* (end of mm) */

    /* -- dynamic linking: kernel/proc/exec.c -- */
    /* (end of dynlink) */
};

static uint64_t enosys_counts[NR_SYSCALLS + 1];

long syscall_dispatch(const struct syscall_args *args)
{
    if (args->nr < NR_SYSCALLS && syscall_table[args->nr])
        return syscall_table[args->nr](args->a);
    enosys_counts[args->nr < NR_SYSCALLS ? args->nr : NR_SYSCALLS]++;
    return -ENOSYS;
}

size_t syscall_enosys_format(char *buf, size_t n)
{
    size_t len = 0;
    for (uint64_t nr = 0; nr <= NR_SYSCALLS && len < n; nr++)
        if (enosys_counts[nr])
            len += (size_t)ksnprintf(buf + len, n - len, nr == NR_SYSCALLS ? ">=%lu %lu\n" : "%lu %lu\n",
                                     nr, enosys_counts[nr]);
    return len < n ? len : n;
}

void syscall_enosys_report(void)
{
    for (uint64_t nr = 0; nr <= NR_SYSCALLS; nr++)
        if (enosys_counts[nr])
            kprintf(nr == NR_SYSCALLS ? "kernel: enosys >=%lu %lu\n" : "kernel: enosys %lu %lu\n",
                    nr, enosys_counts[nr]);
}

uint64_t syscall_enosys_count(uint64_t nr)
{
    return enosys_counts[nr < NR_SYSCALLS ? nr : NR_SYSCALLS];
}
