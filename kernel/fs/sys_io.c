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

#define AT_EMPTY_PATH 0x1000
#define S_IFCHR 0020000
#define CONSOLE_MAJOR 5
#define CONSOLE_MINOR 1

struct k_stat {
    uint64_t st_dev, st_ino;
    uint32_t st_mode, st_nlink, st_uid, st_gid;
    uint64_t st_rdev, pad1;
    int64_t st_size;
    int32_t st_blksize, pad2;
    int64_t st_blocks;
    int64_t st_atime, st_atime_nsec, st_mtime, st_mtime_nsec, st_ctime, st_ctime_nsec;
    uint32_t unused[2];
};
_Static_assert(sizeof(struct k_stat) == 128, "struct stat is 128 bytes on riscv64");

/* The console as a character device (5, 1), as /dev/console is on Linux. */
static long io_stat_console(uint64_t fd, uint64_t ustat)
{
    if (fd > 2)
        return -EBADF;
    struct k_stat st = { 0 };
    st.st_mode = S_IFCHR | 0620;
    st.st_nlink = 1;
    st.st_rdev = (CONSOLE_MAJOR << 8) | CONSOLE_MINOR;
    st.st_blksize = 1024;
    st.st_ino = 3 + fd;
    return copy_to_user(ustat, &st, sizeof st);
}

SYSCALL(fstat)
{
    return io_stat_console(a[0], a[1]);
}

/* Only descriptor-relative lookups (AT_EMPTY_PATH) exist until the file system does. */
SYSCALL(newfstatat)
{
    char c;
    if (copy_from_user(&c, a[1], 1))
        return -EFAULT;
    if (c == 0 && (a[3] & AT_EMPTY_PATH))
        return io_stat_console(a[0], a[2]);
    return c ? -ENOENT : -ENOENT;
}
