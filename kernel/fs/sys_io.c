/* I/O system calls. Until the file layer exists, descriptors 1 and 2 are the console. */
#include "proc/sys.h"
#include "mm/vm.h"
#include "lib/errno.h"
#include "dev/console.h"

#define IO_CHUNK 256
#define IOV_MAX  1024

static long io_console_write(uint64_t ubuf, uint64_t len)
{
    char chunk[IO_CHUNK];
    /* Check the whole range first: a bad buffer writes nothing and reports EFAULT. */
    if (len && vm_check_current(ubuf, len))
        return -EFAULT;
    for (uint64_t done = 0; done < len;) {
        uint64_t n = len - done < IO_CHUNK ? len - done : IO_CHUNK;
        if (copy_from_user(chunk, ubuf + done, n))
            return done ? (long)done : -EFAULT;
        console_write(chunk, n);
        done += n;
    }
    return (long)len;
}

static bool io_is_console(uint64_t fd)
{
    return fd == 1 || fd == 2;
}

SYSCALL(write)
{
    if (!io_is_console(a[0]))
        return -EBADF;
    if ((int64_t)a[2] < 0)
        return -EINVAL;
    return io_console_write(a[1], a[2]);
}

SYSCALL(writev)
{
    struct { uint64_t base, len; } iov;
    long total = 0;
    if (!io_is_console(a[0]))
        return -EBADF;
    if (a[2] > IOV_MAX)
        return -EINVAL;
    for (uint64_t i = 0; i < a[2]; i++) {
        if (copy_from_user(&iov, a[1] + i * sizeof iov, sizeof iov))
            return -EFAULT;
        long r = io_console_write(iov.base, iov.len);
        if (r < 0)
            return total ? total : r;
        total += r;
    }
    return total;
}
