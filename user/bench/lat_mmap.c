/* lat_mmap: the life of a one-page anonymous mapping.
 *   map_touch_unmap  mmap 4 KiB private anonymous, write one byte (a demand-zero fault),
 *                    munmap (unmap and flush the page from the TLB)
 * Usage: lat_mmap [-n iterations] */
#include "bench.h"
#include <sys/mman.h>

static void once(void)
{
    volatile char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        b_die("mmap");
    p[0] = 1;
    if (munmap((void *)p, 4096) < 0)
        b_die("munmap");
}

int main(int argc, char **argv)
{
    long n = b_args(argc, argv, 20000);
    struct b_acc a;
    for (long i = 0; i < b_warm(n); i++)
        once();
    b_acc_clear(&a);
    b_begin(&a);
    for (long i = 0; i < n; i++)
        once();
    b_end(&a);
    b_report("lat_mmap", "map_touch_unmap", &a, (double)n, NULL);
    return 0;
}
