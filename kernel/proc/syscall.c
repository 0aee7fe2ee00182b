/* System-call dispatch by Linux riscv64 number. Handlers take the raw argument registers
 * and return a value or -errno; unknown numbers return -ENOSYS and are counted. */
#include "proc/syscall.h"
#include "proc/sys.h"
#include "lib/errno.h"
#include "lib/printf.h"

#define NR_SYSCALLS 440

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
    [SYS_geteuid] = sys_getuid,
    [SYS_getgid] = sys_getuid,
    [SYS_getegid] = sys_getuid,
    [SYS_gettid] = sys_getpid,
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
    /* (end of threads) */

    /* -- polling and event fds: kernel/fs/poll.c, epoll.c, eventfd.c, signalfd.c, timerfd.c -- */
    /* (end of poll) */

    /* -- interval and POSIX timers: kernel/proc/itimer.c -- */
    /* (end of timers) */

    /* -- the everyday ABI: mount, statfs, sched_*, prctl, ... (kernel/fs/mount.c, kernel/proc/sys_sched.c) -- */
    /* (end of abi) */

    /* -- page cache and file mappings: kernel/mm/pagecache.c, sys_mm.c -- */
    [SYS_mremap] = sys_mremap,
    [SYS_msync] = sys_msync,
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

uint64_t syscall_enosys_count(uint64_t nr)
{
    return enosys_counts[nr < NR_SYSCALLS ? nr : NR_SYSCALLS];
}
