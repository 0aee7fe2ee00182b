/* The kernel log ring and syslog(2). klog_putc appends (no lock: a kprintf may come from any
 * context, and the worst a race does is garble a character of the copy); `total` counts every
 * byte ever logged, `read_pos` is how far SYSLOG_ACTION_READ has consumed, `clear_pos` where
 * SYSLOG_ACTION_CLEAR left the start. Only the last KLOG_SIZE bytes are kept. The text is what
 * the console showed, without Linux's "<level>[timestamp]" prefixes. */
#include "dev/klog.h"
#include "proc/sys.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "mm/vm.h"
#include "lib/errno.h"
#include "arch.h"

static char ring[KLOG_SIZE];
static uint64_t total, read_pos, clear_pos;
static int console_level = 7;

void klog_putc(char c)
{
    ring[total % KLOG_SIZE] = c;
    total++;
}

/* Copy [from, total) (clipped to what the ring still holds) to user memory; bytes copied. */
static long klog_copy(uint64_t ubuf, uint64_t len, uint64_t from)
{
    if (total - from > KLOG_SIZE)
        from = total - KLOG_SIZE;
    uint64_t n = total - from;
    if (n > len) {                  /* READ_ALL wants the newest bytes */
        from += n - len;
        n = len;
    }
    char chunk[256];
    for (uint64_t done = 0; done < n;) {
        uint64_t k = n - done < sizeof chunk ? n - done : sizeof chunk;
        for (uint64_t i = 0; i < k; i++)
            chunk[i] = ring[(from + done + i) % KLOG_SIZE];
        if (copy_to_user(ubuf + done, chunk, k))
            return -EFAULT;
        done += k;
    }
    return (long)n;
}

SYSCALL(syslog)
{
    int type = (int)a[0], len = (int)a[2];
    uint64_t ubuf = a[1];
    switch (type) {
    case 0: case 1:                 /* CLOSE, OPEN */
        return 0;
    case 2: {                       /* READ: waits for unread text, consumes it */
        if (!ubuf || len < 0)
            return -EINVAL;
        if (!len)
            return 0;
        /* kprintf may run on any hart without the kernel lock, so it wakes nobody: the
         * reader looks again every 100 ms. */
        while (read_pos == total)
            if (sched_sleep_until(arch_time_ns() + 100000000ULL))
                return -ERESTARTSYS;
        if (total - read_pos > KLOG_SIZE)
            read_pos = total - KLOG_SIZE;
        uint64_t n = total - read_pos < (uint64_t)len ? total - read_pos : (uint64_t)len;
        long r = klog_copy(ubuf, n, read_pos);
        if (r > 0)
            read_pos += (uint64_t)r;
        return r;
    }
    case 3: case 4: {               /* READ_ALL, READ_CLEAR */
        if (!ubuf || len < 0)
            return -EINVAL;
        long r = klog_copy(ubuf, (uint64_t)len, clear_pos);
        if (r >= 0 && type == 4)
            clear_pos = total;
        return r;
    }
    case 5:                         /* CLEAR */
        clear_pos = total;
        return 0;
    case 6: case 7:                 /* CONSOLE_OFF / ON: kprintf always prints here */
        return 0;
    case 8:                         /* CONSOLE_LEVEL: stored, not applied */
        if (len < 1 || len > 8)
            return -EINVAL;
        console_level = len;
        return 0;
    case 9: {                       /* SIZE_UNREAD */
        uint64_t n = total - read_pos;
        return (long)(n > KLOG_SIZE ? KLOG_SIZE : n);
    }
    case 10:                        /* SIZE_BUFFER */
        return KLOG_SIZE;
    default:
        return -EINVAL;
    }
}
