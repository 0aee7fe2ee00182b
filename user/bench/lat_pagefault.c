/* lat_pagefault: page faults on anonymous memory, per page.
 *   demand_zero  first write to each page of a fresh private anonymous mmap: the kernel
 *                allocates a zeroed frame and maps it
 *   cow          after fork, the parent's first write to each page it had already touched
 *                (the child is still alive, sharing every frame): the kernel copies the page
 * Pages are touched in rounds of at most 1024 (4 MiB); only the touching is timed, not the
 * mmap, fork or munmap around it.
 * Usage: lat_pagefault [-n pages] */
#include "bench.h"
#include <sys/mman.h>
#include <sys/wait.h>

#define PAGE 4096L
#define ROUND_PAGES 1024L

static char *map(long pages)
{
    char *p = mmap(NULL, (size_t)(pages * PAGE), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        b_die("mmap");
#ifdef MADV_NOHUGEPAGE
    madvise(p, (size_t)(pages * PAGE), MADV_NOHUGEPAGE);   /* Linux: one fault per 4 KiB page */
#endif
    return p;
}

static void touch(volatile char *p, long pages, char v)
{
    for (long i = 0; i < pages; i++)
        p[i * PAGE] = v;
}

static void demand_zero(long n, int timed, struct b_acc *a)
{
    for (long done = 0; done < n;) {
        long k = n - done < ROUND_PAGES ? n - done : ROUND_PAGES;
        char *p = map(k);
        if (timed)
            b_begin(a);
        touch(p, k, 1);
        if (timed)
            b_end(a);
        munmap(p, (size_t)(k * PAGE));
        done += k;
    }
}

static void cow(long n, int timed, struct b_acc *a)
{
    for (long done = 0; done < n;) {
        long k = n - done < ROUND_PAGES ? n - done : ROUND_PAGES;
        char *p = map(k);
        touch(p, k, 1);
        int go[2];
        if (pipe(go) < 0)
            b_die("pipe");
        pid_t pid = fork();
        if (pid < 0)
            b_die("fork");
        if (pid == 0) {             /* hold the shared frames until the parent is done */
            char c;
            close(go[1]);
            while (read(go[0], &c, 1) > 0)
                ;
            _exit(p[0] == 1 ? 0 : 1);
        }
        close(go[0]);
        if (timed)
            b_begin(a);
        touch(p, k, 2);
        if (timed)
            b_end(a);
        close(go[1]);
        int st;
        if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            b_say("error lat_pagefault: the child saw the parent's writes (status %#x)", st);
            exit(1);
        }
        munmap(p, (size_t)(k * PAGE));
        done += k;
    }
}

int main(int argc, char **argv)
{
    long n = b_args(argc, argv, 8192);
    struct b_acc a;

    b_acc_clear(&a);
    demand_zero(b_warm(n), 0, &a);
    demand_zero(n, 1, &a);
    b_report("lat_pagefault", "demand_zero", &a, (double)n, NULL);

    b_acc_clear(&a);
    cow(b_warm(n), 0, &a);
    cow(n, 1, &a);
    b_report("lat_pagefault", "cow", &a, (double)n, NULL);
    return 0;
}
