/* lat_syscall: the cost of entering and leaving the kernel.
 *   null    syscall(SYS_getpid): glibc caches nothing here, so every call traps
 *   read0   read(2) of 0 bytes from /dev/zero: descriptor lookup, no data
 *   write1  write(2) of 1 byte to /dev/null
 * Usage: lat_syscall [-n iterations] */
#include "bench.h"
#include <sys/syscall.h>

int main(int argc, char **argv)
{
    long n = b_args(argc, argv, 100000);
    struct b_acc a;
    char c = 0;

    for (long i = 0; i < b_warm(n); i++)
        syscall(SYS_getpid);
    b_acc_clear(&a);
    b_begin(&a);
    for (long i = 0; i < n; i++)
        syscall(SYS_getpid);
    b_end(&a);
    b_report("lat_syscall", "null", &a, (double)n, NULL);

    int fz = open("/dev/zero", O_RDONLY | O_CLOEXEC);
    if (fz < 0)
        b_die("open /dev/zero");
    for (long i = 0; i < b_warm(n); i++)
        if (read(fz, &c, 0) != 0)
            b_die("read /dev/zero");
    b_acc_clear(&a);
    b_begin(&a);
    for (long i = 0; i < n; i++)
        if (read(fz, &c, 0) != 0)
            b_die("read /dev/zero");
    b_end(&a);
    b_report("lat_syscall", "read0", &a, (double)n, NULL);
    close(fz);

    int fn = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (fn < 0)
        b_die("open /dev/null");
    for (long i = 0; i < b_warm(n); i++)
        if (write(fn, &c, 1) != 1)
            b_die("write /dev/null");
    b_acc_clear(&a);
    b_begin(&a);
    for (long i = 0; i < n; i++)
        if (write(fn, &c, 1) != 1)
            b_die("write /dev/null");
    b_end(&a);
    b_report("lat_syscall", "write1", &a, (double)n, NULL);
    close(fn);
    return 0;
}
