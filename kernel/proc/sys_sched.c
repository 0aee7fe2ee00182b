/* The everyday process ABI: CPU affinity and getcpu, scheduling policy and priority (nice),
 * prctl, membarrier, rseq, the RISC-V calls (riscv_hwprobe, riscv_flush_icache), and the
 * system's names (uname, sethostname, setdomainname). */
#include "proc/sys.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "mm/vm.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "arch.h"

#define SCHED_OTHER 0
#define SCHED_FIFO  1
#define SCHED_RR    2
#define SCHED_BATCH 3
#define SCHED_IDLE  5
#define SCHED_DEADLINE 6
#define PRIO_PROCESS 0
#define PRIO_PGRP    1
#define PRIO_USER    2

/* The harts online, as cpus[] indices. */
static uint64_t online_mask(void)
{
    uint64_t m = 0;
    for (uint32_t i = 0; i < MAX_HARTS; i++)
        if (cpus[i].online)
            m |= 1UL << i;
    return m;
}

/* pid 0 is the caller; negative pids are EINVAL, unknown ones ESRCH. */
static long proc_by_pid(uint64_t upid, struct proc **out)
{
    int pid = (int)upid;
    if (pid < 0)
        return -EINVAL;
    struct proc *p = pid ? proc_find(pid) : current();
    if (!p || p->state == PROC_ZOMBIE || p->state == PROC_EMBRYO)
        return -ESRCH;
    *out = p;
    return 0;
}

/* --- affinity --- */

SYSCALL(sched_getaffinity)
{
    struct proc *p;
    long err = proc_by_pid(a[0], &p);
    if (err)
        return err;
    uint64_t len = a[1];
    /* As Linux: the buffer must hold every possible CPU and be a whole number of longs. */
    if (len * 8 < MAX_HARTS || (len & 7))
        return -EINVAL;
    uint64_t mask = p->abi.cpu_mask ? p->abi.cpu_mask & online_mask() : online_mask();
    if (copy_to_user(a[2], &mask, sizeof mask))
        return -EFAULT;
    return sizeof mask;
}

SYSCALL(sched_setaffinity)
{
    struct proc *p;
    long err = proc_by_pid(a[0], &p);
    if (err)
        return err;
    uint64_t mask = 0, len = a[1] < sizeof mask ? a[1] : sizeof mask;
    if (len && copy_from_user(&mask, a[2], len))
        return -EFAULT;
    mask &= online_mask();
    if (!mask)
        return -EINVAL;
    p->abi.cpu_mask = mask == online_mask() ? 0 : mask;
    struct cpu *c = this_cpu();
    if (!(mask & (1UL << c->index))) {
        /* Not allowed here any more: wake an allowed hart and give this one up. */
        for (uint32_t i = 0; i < MAX_HARTS; i++)
            if (mask & (1UL << i)) {
                arch_send_ipi(1UL << i);
                break;
            }
        if (p == current())
            sched_yield();
    }
    return 0;
}

SYSCALL(getcpu)
{
    uint32_t cpu = this_cpu()->index, node = 0;
    if (a[0] && copy_to_user(a[0], &cpu, sizeof cpu))
        return -EFAULT;
    if (a[1] && copy_to_user(a[1], &node, sizeof node))
        return -EFAULT;
    return 0;
}

/* --- policy and priority --- */

/* Real-time policies are not implemented: asking for one is EPERM, what Linux answers a
 * process without CAP_SYS_NICE and an RLIMIT_RTPRIO of 0 (programs expect and handle it). */
static long sched_policy_check(int policy, int prio)
{
    switch (policy) {
    case SCHED_OTHER: case SCHED_BATCH: case SCHED_IDLE:
        return prio == 0 ? 0 : -EINVAL;
    case SCHED_FIFO: case SCHED_RR:
        return prio < 1 || prio > 99 ? -EINVAL : -EPERM;
    default:
        return -EINVAL;
    }
}

SYSCALL(sched_setscheduler)
{
    struct proc *p;
    int32_t prio;
    int policy = (int)a[1];
    if ((int)a[0] < 0 || policy < 0 || !a[2])
        return -EINVAL;
    if (copy_from_user(&prio, a[2], sizeof prio))
        return -EFAULT;
    long err = proc_by_pid(a[0], &p);
    if (!err)
        err = sched_policy_check(policy & ~PROC_SCHED_RESET_ON_FORK, prio);
    if (!err)
        p->abi.policy = policy;
    return err;
}

SYSCALL(sched_getscheduler)
{
    struct proc *p;
    long err = proc_by_pid(a[0], &p);
    return err ? err : p->abi.policy;
}

SYSCALL(sched_setparam)
{
    struct proc *p;
    int32_t prio;
    if ((int)a[0] < 0 || !a[1])
        return -EINVAL;
    if (copy_from_user(&prio, a[1], sizeof prio))
        return -EFAULT;
    long err = proc_by_pid(a[0], &p);
    return err ? err : sched_policy_check(p->abi.policy & ~PROC_SCHED_RESET_ON_FORK, prio);
}

SYSCALL(sched_getparam)
{
    struct proc *p;
    int32_t prio = 0;
    if ((int)a[0] < 0 || !a[1])
        return -EINVAL;
    long err = proc_by_pid(a[0], &p);
    return err ? err : copy_to_user(a[1], &prio, sizeof prio);
}

SYSCALL(sched_get_priority_max)
{
    int policy = (int)a[0];
    return policy == SCHED_FIFO || policy == SCHED_RR ? 99 :
           policy == SCHED_OTHER || policy == SCHED_BATCH || policy == SCHED_IDLE ? 0 : -EINVAL;
}

SYSCALL(sched_get_priority_min)
{
    int policy = (int)a[0];
    return policy == SCHED_FIFO || policy == SCHED_RR ? 1 :
           policy == SCHED_OTHER || policy == SCHED_BATCH || policy == SCHED_IDLE ? 0 : -EINVAL;
}

/* Every process gets one tick per turn. */
SYSCALL(sched_rr_get_interval)
{
    struct proc *p;
    long err = proc_by_pid(a[0], &p);
    if (err)
        return err;
    int64_t ts[2] = { 0, (int64_t)(1000000000ULL / sched_hz()) };
    return copy_to_user(a[1], ts, sizeof ts);
}

static bool prio_match(struct proc *p, int which, int who)
{
    if (p->state == PROC_FREE || p->state == PROC_EMBRYO || p->state == PROC_ZOMBIE)
        return false;
    switch (which) {
    case PRIO_PROCESS: return p->pid == (who ? who : current()->pid);
    case PRIO_PGRP: return p->pgid == (who ? who : current()->pgid);
    default: return who == 0;   /* PRIO_USER: everyone is uid 0 */
    }
}

/* The system call (unlike glibc's wrapper) returns 20 - nice, 1..40, so it is never negative. */
SYSCALL(getpriority)
{
    int which = (int)a[0], who = (int)a[1];
    if (which < PRIO_PROCESS || which > PRIO_USER)
        return -EINVAL;
    long best = -ESRCH;
    for (int i = 0; i < NPROC; i++)
        if (prio_match(&procs[i], which, who) && 20 - procs[i].abi.nice > best)
            best = 20 - procs[i].abi.nice;
    return best;
}

SYSCALL(setpriority)
{
    int which = (int)a[0], who = (int)a[1], nice = (int)a[2];
    if (which < PRIO_PROCESS || which > PRIO_USER)
        return -EINVAL;
    nice = nice < -20 ? -20 : nice > 19 ? 19 : nice;
    long err = -ESRCH;
    for (int i = 0; i < NPROC; i++)
        if (prio_match(&procs[i], which, who)) {
            procs[i].abi.nice = nice;
            err = 0;
        }
    return err;
}

/* --- prctl --- */

#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE  3
#define PR_SET_DUMPABLE  4
#define PR_SET_NAME      15
#define PR_GET_NAME      16
#define TASK_COMM_LEN    16

SYSCALL(prctl)
{
    struct proc *p = current();
    switch ((int)a[0]) {
    case PR_SET_PDEATHSIG:
        if (a[1] > NSIG)
            return -EINVAL;
        p->abi.pdeathsig = (int)a[1];
        return 0;
    case PR_GET_PDEATHSIG: {
        int32_t sig = p->abi.pdeathsig;
        return copy_to_user(a[1], &sig, sizeof sig);
    }
    case PR_GET_DUMPABLE:
        return p->abi.undumpable ? 0 : 1;
    case PR_SET_DUMPABLE:
        if (a[1] > 1)
            return -EINVAL;
        p->abi.undumpable = a[1] == 0;
        return 0;
    case PR_SET_NAME: {
        /* Up to 15 bytes, silently cut there, as Linux. */
        char name[TASK_COMM_LEN];
        size_t n = 0;
        for (; n < TASK_COMM_LEN - 1; n++) {
            if (copy_from_user(&name[n], a[1] + n, 1))
                return -EFAULT;
            if (!name[n])
                break;
        }
        name[n] = 0;
        kstrlcpy(p->name, name, sizeof p->name);
        return 0;
    }
    case PR_GET_NAME: {
        char name[TASK_COMM_LEN];
        memset(name, 0, sizeof name);
        kstrlcpy(name, p->name, sizeof name);
        return copy_to_user(a[1], name, sizeof name);
    }
    default:
        return -EINVAL;
    }
}

/* --- membarrier, rseq --- */

#define MEMBARRIER_CMD_QUERY                      0
#define MEMBARRIER_CMD_GLOBAL                     (1 << 0)
#define MEMBARRIER_CMD_GLOBAL_EXPEDITED           (1 << 1)
#define MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED  (1 << 2)
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED          (1 << 3)
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED (1 << 4)
#define MEMBARRIER_SUPPORTED (MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_GLOBAL_EXPEDITED | \
                              MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED | MEMBARRIER_CMD_PRIVATE_EXPEDITED | \
                              MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED)

SYSCALL(membarrier)
{
    struct proc *p = current();
    if (a[1] != 0)
        return -EINVAL;     /* no MEMBARRIER_CMD_FLAG_CPU: the rseq commands are not offered */
    switch (a[0]) {
    case MEMBARRIER_CMD_QUERY:
        return MEMBARRIER_SUPPORTED;
    case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED:
        p->abi.membarrier_private = true;
        return 0;
    case MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED:
        p->abi.membarrier_global = true;
        return 0;
    case MEMBARRIER_CMD_PRIVATE_EXPEDITED:
        if (!p->abi.membarrier_private)
            return -EPERM;
        arch_icache_flush_all();
        return 0;
    case MEMBARRIER_CMD_GLOBAL:
    case MEMBARRIER_CMD_GLOBAL_EXPEDITED:
        /* Every hart passes through a full fence before we return. */
        arch_icache_flush_all();
        return 0;
    default:
        return -EINVAL;
    }
}

/* Restartable sequences are not offered. glibc registers one at start-up and carries on
 * without on ENOSYS; having a handler keeps the probe out of /proc/enosys. */
SYSCALL(rseq)
{
    (void)a;
    return -ENOSYS;
}

/* --- RISC-V --- */

#define SYS_RISCV_FLUSH_ICACHE_LOCAL 1

SYSCALL(riscv_flush_icache)
{
    if (a[2] & ~(uint64_t)SYS_RISCV_FLUSH_ICACHE_LOCAL)
        return -EINVAL;
    /* As Linux: the whole process's threads (this hart now, the harts running it at once,
     * the rest when they next switch to it), or with LOCAL only the caller's thread, which
     * still gets a flush if it later moves to another hart. */
    vm_icache_flush_user(current()->mm, a[2] & SYS_RISCV_FLUSH_ICACHE_LOCAL);
    return 0;
}

SYSCALL(riscv_hwprobe)
{
    uint64_t pairs = a[0], count = a[1], setsize = a[2], ucpus = a[3];
    if (a[4] != 0)
        return -EINVAL;
    if (setsize) {
        /* The answer is the same for every hart; the set must name online ones only... */
        uint64_t set = 0;
        if (copy_from_user(&set, ucpus, setsize < 8 ? setsize : 8))
            return -EFAULT;
    } else if (ucpus) {
        return -EINVAL;
    }
    for (uint64_t i = 0; i < count; i++) {
        int64_t pair[2];
        if (copy_from_user(pair, pairs + i * sizeof pair, sizeof pair))
            return -EFAULT;
        uint64_t value;
        if (!arch_hwprobe(pair[0], &value))
            pair[0] = -1;       /* unknown key */
        pair[1] = (int64_t)value;
        if (copy_to_user(pairs + i * sizeof pair, pair, sizeof pair))
            return -EFAULT;
    }
    return 0;
}

/* --- names --- */

#define UTS_LEN 64

static struct {
    char nodename[UTS_LEN + 1];
    char domainname[UTS_LEN + 1];
} uts = { "rvix", "(none)" };

static long uts_set(char *field, uint64_t uname, uint64_t len)
{
    char buf[UTS_LEN];
    if ((int64_t)len < 0 || len > UTS_LEN)
        return -EINVAL;
    if (len && copy_from_user(buf, uname, len))
        return -EFAULT;
    memcpy(field, buf, len);
    field[len] = 0;
    return 0;
}

SYSCALL(sethostname) { return uts_set(uts.nodename, a[0], a[1]); }
SYSCALL(setdomainname) { return uts_set(uts.domainname, a[0], a[1]); }

/* Linux to programs: glibc and others check the name and parse the release as a version. */
SYSCALL(uname)
{
    struct { char sysname[65], nodename[65], release[65], version[65], machine[65], domain[65]; } u;
    memset(&u, 0, sizeof u);
    kstrlcpy(u.sysname, PROC_UNAME_SYSNAME, sizeof u.sysname);
    kstrlcpy(u.nodename, uts.nodename, sizeof u.nodename);
    kstrlcpy(u.release, PROC_UNAME_RELEASE, sizeof u.release);
    kstrlcpy(u.version, "#1 SMP rvix 0.1", sizeof u.version);
    kstrlcpy(u.machine, "riscv64", sizeof u.machine);
    kstrlcpy(u.domain, uts.domainname, sizeof u.domain);
    return copy_to_user(a[0], &u, sizeof u);
}
