/* Memory locking and residency: mlock, mlock2, munlock, mlockall, munlockall, mincore.
 * rvix never pages anything out, so every resident page is already "locked": the lock calls
 * validate their arguments as Linux does, check that the range is mapped, and fault the
 * readable pages of the range in (so they are resident afterwards, as mlock promises). */
#include "proc/sys.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "mm/vm.h"
#include "lib/errno.h"
#include "arch.h"

#define MLOCK_ONFAULT 1
#define MCL_CURRENT 1
#define MCL_FUTURE  2
#define MCL_ONFAULT 4

/* The page range [*start, *end) that (addr, len) touches; -EINVAL on overflow. */
static int mlock_range(uint64_t addr, uint64_t len, uint64_t *start, uint64_t *end)
{
    uint64_t s = addr & ~(PAGE_SIZE - 1), off = addr - s;
    if (len > UINT64_MAX - off - (PAGE_SIZE - 1))
        return -EINVAL;
    uint64_t n = (len + off + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (s + n < s)
        return -EINVAL;
    *start = s;
    *end = s + n;
    return 0;
}

/* Is every page of [start, end) inside some region? */
static bool mlock_mapped(struct mm *mm, uint64_t start, uint64_t end)
{
    uint64_t va = start;
    while (va < end) {
        struct vm_area *v = vm_area_find(mm, va);
        if (!v || v->start > va)
            return false;
        va = v->end;
    }
    return true;
}

static long mlock_do(uint64_t addr, uint64_t len, bool populate)
{
    struct mm *mm = current()->mm;
    uint64_t start, end;
    if (mlock_range(addr, len, &start, &end))
        return -EINVAL;
    if (start == end)
        return 0;
    if (end > USER_TOP || !mlock_mapped(mm, start, end))
        return -ENOMEM;
    if (!populate)
        return 0;
    for (uint64_t va = start; va < end;) {
        struct vm_area *v = vm_area_find(mm, va);
        uint64_t stop = v->end < end ? v->end : end;
        if (v->prot & VM_READ)
            vm_check(mm, va, stop - va, VM_ACCESS_READ);
        va = stop;
    }
    return 0;
}

SYSCALL(mlock) { return mlock_do(a[0], a[1], true); }

SYSCALL(mlock2)
{
    if (a[2] & ~(uint64_t)MLOCK_ONFAULT)
        return -EINVAL;
    return mlock_do(a[0], a[1], !(a[2] & MLOCK_ONFAULT));
}

SYSCALL(munlock) { return mlock_do(a[0], a[1], false); }

SYSCALL(mlockall)
{
    uint64_t f = a[0];
    if (!f || (f & ~(uint64_t)(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || f == MCL_ONFAULT)
        return -EINVAL;
    return 0;
}

SYSCALL(munlockall) { (void)a; return 0; }

/* mincore: one byte per page of [addr, addr + len), 1 if the page is in memory now. */
SYSCALL(mincore)
{
    struct mm *mm = current()->mm;
    uint64_t addr = a[0], uvec = a[2], start, end;
    if (addr & (PAGE_SIZE - 1))
        return -EINVAL;
    if (mlock_range(addr, a[1], &start, &end) || end > USER_TOP)
        return -ENOMEM;
    if (!mlock_mapped(mm, start, end))
        return -ENOMEM;
    uint8_t chunk[64];
    size_t n = 0;
    for (uint64_t va = start; va < end; va += PAGE_SIZE) {
        paddr_t pa;
        unsigned prot;
        chunk[n++] = pt_lookup(mm->root, va, &pa, &prot) ? 1 : 0;
        if (n == sizeof chunk || va + PAGE_SIZE >= end) {
            if (copy_to_user(uvec, chunk, n))
                return -EFAULT;
            uvec += n;
            n = 0;
        }
    }
    return 0;
}
