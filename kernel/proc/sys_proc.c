/* Process system calls: identity, fork (clone), execve, exit, wait4, uname, sysinfo, reboot. */
#include "proc/sys.h"
#include "proc/proc.h"
#include "proc/syscall.h"
#include "proc/sched.h"
#include "proc/exec.h"
#include "proc/itimer.h"
#include "mm/vm.h"
#include "mm/kvm.h"
#include "mm/kmalloc.h"
#include "fs/vfs.h"
#include "mm/page.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "dev/console.h"

SYSCALL(getpid) { (void)a; return current()->tgid; }

SYSCALL(getppid)
{
    (void)a;
    struct proc *p = proc_group(current());
    return p->parent ? p->parent->tgid : 0;
}

SYSCALL(sched_yield)
{
    (void)a;
    sched_yield();
    return 0;
}


SYSCALL(set_tid_address)
{
    current()->clear_child_tid = a[0];
    return current()->pid;
}

SYSCALL(wait4)
{
    int pid = (int)a[0], options = (int)a[2], status = 0;
    uint64_t ustatus = a[1], rusage = a[3];
    if (options & ~(WAIT_NOHANG | WAIT_UNTRACED | WAIT_CONTINUED | 0x20000000 /* __WNOTHREAD */ |
                    0x40000000 /* __WALL */ | (int)0x80000000 /* __WCLONE */))
        return -EINVAL;
    int r = proc_wait(pid, &status, options);
    if (r > 0 && ustatus && copy_to_user(ustatus, &status, sizeof status))
        return -EFAULT;
    /* As Linux: rusage is written only when a child is reported (untouched for WNOHANG's 0). */
    if (r > 0 && rusage && itimer_wait_rusage(current(), rusage))
        return -EFAULT;
    return r;
}

/* The user's argv/envp arrays, copied into one kernel buffer: pointers first, then strings. */
struct exec_args {
    char *buf;
    size_t used, cap;
    const char **argv, **envp;
};

static long exec_copy_vector(struct exec_args *ea, uint64_t uvec, const char ***out, size_t max)
{
    const char **vec = (const char **)(ea->buf + ea->used);
    size_t n = 0;
    for (;; n++) {
        uint64_t uptr = 0;
        if (n >= max || ea->used + (n + 1) * 8 > ea->cap)
            return -E2BIG;
        if (uvec && copy_from_user(&uptr, uvec + n * 8, 8))
            return -EFAULT;
        if (!uptr)
            break;
        vec[n] = (const char *)uptr;    /* user pointer for now; replaced below */
    }
    vec[n] = NULL;
    ea->used += (n + 1) * 8;
    for (size_t i = 0; i < n; i++) {
        char *dst = ea->buf + ea->used;
        long len = copy_string_from_user(dst, (uint64_t)vec[i], ea->cap - ea->used);
        if (len < 0)
            return len == -ENAMETOOLONG ? -E2BIG : len;
        vec[i] = dst;
        ea->used += (size_t)len + 1;
    }
    *out = vec;
    return 0;
}

SYSCALL(execve)
{
    char *path = kmalloc(PATH_MAX);
    if (!path)
        return -ENOMEM;
    long len = copy_string_from_user(path, a[0], PATH_MAX);
    if (len < 0) {
        kfree(path);
        return len;
    }
    struct exec_args ea = { kvm_alloc(EXEC_ARG_MAX + 16 * PAGE_SIZE), 0, EXEC_ARG_MAX + 16 * PAGE_SIZE, 0, 0 };
    if (!ea.buf) {
        kfree(path);
        return -ENOMEM;
    }
    long err = exec_copy_vector(&ea, a[1], &ea.argv, EXEC_ARGC_MAX);
    /* Like Linux, a program is never started with argc 0: an empty argv gets "". */
    if (!err && !ea.argv[0]) {
        if (ea.used + 16 > ea.cap) {
            err = -E2BIG;
        } else {
            ea.argv = (const char **)(ea.buf + ea.used);
            ea.argv[0] = "";
            ea.argv[1] = NULL;
            ea.used += 16;
        }
    }
    if (!err)
        err = exec_copy_vector(&ea, a[2], &ea.envp, EXEC_ARGC_MAX);
    if (!err)
        err = exec_load(current(), path, ea.argv, ea.envp);
    kvm_free(ea.buf);
    kfree(path);
    /* On success the trapframe now holds the new program's entry state; a0 is its argc slot, unused. */
    return err ? err : 0;
}

/* uname: kernel/proc/sys_sched.c, next to sethostname. */

SYSCALL(sysinfo)
{
    struct {
        int64_t uptime;
        uint64_t loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
        uint16_t procs, pad;
        uint32_t pad2;
        uint64_t totalhigh, freehigh;
        uint32_t mem_unit;
        uint32_t pad3;
    } si;
    _Static_assert(sizeof si == 112, "struct sysinfo is 112 bytes on LP64");
    memset(&si, 0, sizeof si);
    si.uptime = (int64_t)(arch_time_ns() / 1000000000ULL);
    si.totalram = page_total_count();
    si.freeram = page_free_count();
    si.procs = (uint16_t)proc_live_count();
    si.mem_unit = PAGE_SIZE;
    return copy_to_user(a[0], &si, sizeof si);
}

#define LINUX_REBOOT_MAGIC1       0xfee1deadUL
#define LINUX_REBOOT_CMD_RESTART  0x01234567UL
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedcUL
#define LINUX_REBOOT_CMD_HALT     0xcdef0123UL

SYSCALL(reboot)
{
    if ((a[0] & 0xffffffffUL) != LINUX_REBOOT_MAGIC1)
        return -EINVAL;
    switch (a[2] & 0xffffffffUL) {
    case LINUX_REBOOT_CMD_RESTART:
        kprintf("kernel: restarting\n");
        arch_reboot();
    case LINUX_REBOOT_CMD_POWER_OFF:
    case LINUX_REBOOT_CMD_HALT:
        syscall_enosys_report();
        kprintf("kernel: power off\n");
        arch_power_off(false);
    default:
        return -EINVAL;
    }
}
