/* Copying between the kernel and the running process. Every range is checked against the
 * process's regions (and faulted in) first; SUM is set only for the copy itself. */
#include "mm/vm.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "arch.h"

int vm_check_current(uint64_t uva, size_t len)
{
    struct proc *p = current();
    return p ? vm_check(p->mm, uva, len, VM_ACCESS_READ) : -EFAULT;
}

int copy_to_user(uint64_t uva, const void *src, size_t len)
{
    struct proc *p = current();
    if (!p || vm_check(p->mm, uva, len, VM_ACCESS_WRITE))
        return -EFAULT;
    arch_user_access_begin();
    memcpy((void *)uva, src, len);
    arch_user_access_end();
    return 0;
}

int copy_from_user(void *dst, uint64_t uva, size_t len)
{
    struct proc *p = current();
    if (!p || vm_check(p->mm, uva, len, VM_ACCESS_READ))
        return -EFAULT;
    arch_user_access_begin();
    memcpy(dst, (const void *)uva, len);
    arch_user_access_end();
    return 0;
}

/* Checked one page at a time: the string may end well before an unmapped page. */
long copy_string_from_user(char *dst, uint64_t uva, size_t max)
{
    struct proc *p = current();
    size_t n = 0;
    if (!p)
        return -EFAULT;
    while (n < max) {
        uint64_t va = uva + n;
        size_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > max - n)
            chunk = max - n;
        if (va < uva || vm_check(p->mm, va, chunk, VM_ACCESS_READ))
            return -EFAULT;
        arch_user_access_begin();
        for (size_t i = 0; i < chunk; i++) {
            char c = ((const char *)va)[i];
            dst[n + i] = c;
            if (c == 0) {
                arch_user_access_end();
                return (long)(n + i);
            }
        }
        arch_user_access_end();
        n += chunk;
    }
    return -ENAMETOOLONG;
}
