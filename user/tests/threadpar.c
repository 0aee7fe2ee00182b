/* Threads of one process run at the same moment on different harts: two threads pass a token
 * back and forth through shared memory without any system call. On one hart every pass waits
 * for a preemption (a 10 ms tick), so half a second allows about fifty; on two harts running
 * at once a pass takes well under a microsecond. The case boots two harts. */
#include "tap.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#define RUN_MS 500
#define MIN_PASSES 2000    /* forty times what one hart allows; QEMU on a busy host gives ~20000 */

static atomic_long token;       /* even: the main thread's turn, odd: the worker's */
static atomic_int stop;
static int worker_cpu = -1;

static void *worker(void *arg)
{
    (void)arg;
    worker_cpu = sched_getcpu();
    while (!atomic_load(&stop)) {
        long t = atomic_load(&token);
        if (t & 1)
            atomic_store(&token, t + 1);
    }
    return NULL;
}

int main(void)
{
    long harts = sysconf(_SC_NPROCESSORS_ONLN);
    check(harts >= 2, "two-harts-online", "%ld online", harts);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    long start = now_ms(), passes = 0;
    while (now_ms() - start < RUN_MS) {
        long v = atomic_load(&token);
        if (!(v & 1)) {
            atomic_store(&token, v + 1);
            passes++;
        }
    }
    int main_cpu = sched_getcpu();
    atomic_store(&stop, 1);
    pthread_join(t, NULL);
    say("threadpar: %ld passes in %d ms; main on hart %d, worker on hart %d", passes, RUN_MS,
        main_cpu, worker_cpu);
    check(passes >= MIN_PASSES, "threads-run-in-parallel", "%ld passes in %d ms (one hart: ~%d)",
          passes, RUN_MS, RUN_MS / 10);
    return t_failed ? 1 : 0;
}
