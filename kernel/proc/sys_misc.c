/* Smaller system calls glibc makes at start-up and programs use for limits and randomness:
 * set_robust_list, prlimit64/getrlimit/setrlimit, getrandom, getrusage (futex is in futex.c). */
#include "proc/sys.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/itimer.h"
#include "mm/vm.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "lib/random.h"

#define RLIM_NLIMITS 16
#define GRND_NONBLOCK 1
#define GRND_RANDOM   2
#define GRND_INSECURE 4
#define RUSAGE_SELF     0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD   1

SYSCALL(set_robust_list)
{
    if (a[1] != 24)     /* sizeof(struct robust_list_head) */
        return -EINVAL;
    current()->robust_list = a[0];
    current()->robust_len = a[1];
    return 0;
}

static long rlimit_access(struct proc *t, uint64_t res, uint64_t new_ulim, uint64_t old_ulim)
{
    uint64_t lim[2];
    if (res >= RLIM_NLIMITS)
        return -EINVAL;
    if (new_ulim) {
        if (copy_from_user(lim, new_ulim, sizeof lim))
            return -EFAULT;
        if (lim[0] > lim[1])
            return -EINVAL;
    }
    if (old_ulim && copy_to_user(old_ulim, t->rlimits[res], sizeof lim))
        return -EFAULT;
    if (new_ulim)   /* limits belong to the process: every thread keeps a copy */
        for (int i = 0; i < NPROC; i++)
            if (procs[i].state != PROC_FREE && proc_group(&procs[i]) == proc_group(t)) {
                procs[i].rlimits[res][0] = lim[0];
                procs[i].rlimits[res][1] = lim[1];
            }
    return 0;
}

SYSCALL(prlimit64)
{
    struct proc *t = a[0] ? proc_find((int)a[0]) : current();
    if (!t)
        return -ESRCH;
    return rlimit_access(t, a[1], a[2], a[3]);
}

/* Unlike prlimit64, these two have no "not given" pointer: NULL is a bad address. */
SYSCALL(getrlimit) { return a[1] ? rlimit_access(current(), a[0], 0, a[1]) : -EFAULT; }
SYSCALL(setrlimit) { return a[1] ? rlimit_access(current(), a[0], a[1], 0) : -EFAULT; }

SYSCALL(getrandom)
{
    uint8_t chunk[256];
    uint64_t buf = a[0], len = a[1];
    if (a[2] & ~(uint64_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    if ((int64_t)len < 0)
        len = INT32_MAX;
    if (len > 33554431)     /* Linux caps one call at 32 MiB - 1 */
        len = 33554431;
    if (vm_check_current(buf, len))
        return -EFAULT;
    for (uint64_t done = 0; done < len;) {
        uint64_t n = len - done < sizeof chunk ? len - done : sizeof chunk;
        random_bytes(chunk, n);
        if (copy_to_user(buf + done, chunk, n))
            return -EFAULT;
        done += n;
    }
    return (long)len;
}

SYSCALL(getrusage)
{
    return itimer_getrusage(current(), (int64_t)a[0], a[1]);
}
