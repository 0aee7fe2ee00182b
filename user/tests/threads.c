/* pthreads stress: many threads, a mutex-protected counter, condition-variable producers and
 * consumers, barriers, pthread_cancel of threads blocked in a condvar and in read(),
 * pthread_join results, per-thread TLS, and 100 threads alive at once. */
#include "tap.h"
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>

#define NCOUNT 48
#define ITER 2000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread long tls_value = 7;
static __thread char tls_buf[64];

static void *count_main(void *arg)
{
    long id = (long)arg, bad = 0;
    if (tls_value != 7)
        bad++;
    tls_value = id;
    snprintf(tls_buf, sizeof tls_buf, "thread %ld", id);
    for (int i = 0; i < ITER; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
        if (i % 500 == 0)
            sched_yield();
    }
    char want[64];
    snprintf(want, sizeof want, "thread %ld", id);
    if (tls_value != id || strcmp(tls_buf, want) != 0)
        bad++;
    return (void *)(id * 3 + bad * 100000);
}

static void counting(void)
{
    pthread_t t[NCOUNT];
    int created = 0;
    for (long i = 0; i < NCOUNT; i++)
        if (pthread_create(&t[i], NULL, count_main, (void *)i) == 0)
            created++;
    check(created == NCOUNT, "create-48", "created %d", created);
    int joined_ok = 0;
    for (long i = 0; i < created; i++) {
        void *ret;
        if (pthread_join(t[i], &ret) == 0 && (long)ret == i * 3)
            joined_ok++;
    }
    check(joined_ok == NCOUNT, "join-results-and-tls", "%d of %d right", joined_ok, NCOUNT);
    check(counter == (long)NCOUNT * ITER, "mutex-counter", "counter %ld, expected %ld", counter,
          (long)NCOUNT * ITER);
    check(tls_value == 7, "main-tls-untouched", "main's tls_value %ld", tls_value);
}

#define QCAP 8
#define NPROD 4
#define NCONS 4
#define ITEMS 1000      /* per producer */

static struct {
    pthread_mutex_t m;
    pthread_cond_t not_empty, not_full;
    long buf[QCAP];
    int head, count, producers_done;
    long sum, taken;
} q = { .m = PTHREAD_MUTEX_INITIALIZER, .not_empty = PTHREAD_COND_INITIALIZER, .not_full = PTHREAD_COND_INITIALIZER };

static void *producer(void *arg)
{
    long base = (long)arg * ITEMS;
    for (long i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&q.m);
        while (q.count == QCAP)
            pthread_cond_wait(&q.not_full, &q.m);
        q.buf[(q.head + q.count++) % QCAP] = base + i;
        pthread_cond_signal(&q.not_empty);
        pthread_mutex_unlock(&q.m);
    }
    pthread_mutex_lock(&q.m);
    q.producers_done++;
    pthread_cond_broadcast(&q.not_empty);
    pthread_mutex_unlock(&q.m);
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&q.m);
        while (q.count == 0 && q.producers_done < NPROD)
            pthread_cond_wait(&q.not_empty, &q.m);
        if (q.count == 0) {
            pthread_mutex_unlock(&q.m);
            return NULL;
        }
        long v = q.buf[q.head];
        q.head = (q.head + 1) % QCAP;
        q.count--;
        q.sum += v;
        q.taken++;
        pthread_cond_signal(&q.not_full);
        pthread_mutex_unlock(&q.m);
    }
}

static void prodcons(void)
{
    pthread_t p[NPROD], c[NCONS];
    for (long i = 0; i < NCONS; i++)
        pthread_create(&c[i], NULL, consumer, NULL);
    for (long i = 0; i < NPROD; i++)
        pthread_create(&p[i], NULL, producer, (void *)i);
    for (int i = 0; i < NPROD; i++)
        pthread_join(p[i], NULL);
    for (int i = 0; i < NCONS; i++)
        pthread_join(c[i], NULL);
    long n = (long)NPROD * ITEMS;
    check(q.taken == n && q.sum == n * (n + 1) / 2, "condvar-prodcons", "taken %ld sum %ld", q.taken, q.sum);
}

#define NBAR 16
#define ROUNDS 50
static pthread_barrier_t bar;
static int slots[NBAR];
static int barrier_bad;

static void *bar_main(void *arg)
{
    long id = (long)arg;
    for (int r = 1; r <= ROUNDS; r++) {
        slots[id] = r;
        pthread_barrier_wait(&bar);
        for (int i = 0; i < NBAR; i++)
            if (__atomic_load_n(&slots[i], __ATOMIC_SEQ_CST) != r)
                __atomic_fetch_add(&barrier_bad, 1, __ATOMIC_SEQ_CST);
        pthread_barrier_wait(&bar);
    }
    return NULL;
}

static void barrier(void)
{
    pthread_t t[NBAR];
    pthread_barrier_init(&bar, NULL, NBAR);
    for (long i = 0; i < NBAR; i++)
        pthread_create(&t[i], NULL, bar_main, (void *)i);
    for (int i = 0; i < NBAR; i++)
        pthread_join(t[i], NULL);
    check(barrier_bad == 0, "barrier-rounds", "%d slots seen out of step", barrier_bad);
}

static pthread_mutex_t cm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cc = PTHREAD_COND_INITIALIZER;
static int cleanup_ran;

static void unlock_cleanup(void *arg)
{
    (void)arg;
    cleanup_ran++;
    pthread_mutex_unlock(&cm);
}

static void *cond_blocker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&cm);
    pthread_cleanup_push(unlock_cleanup, NULL);
    for (;;)
        pthread_cond_wait(&cc, &cm);
    pthread_cleanup_pop(1);
    return NULL;
}

static void *read_blocker(void *arg)
{
    int fd = *(int *)arg;
    char c;
    read(fd, &c, 1);
    return (void *)1;
}

static void cancel(void)
{
    pthread_t t;
    void *ret = NULL;
    pthread_create(&t, NULL, cond_blocker, NULL);
    msleep(50);
    pthread_cancel(t);
    pthread_join(t, &ret);
    check(ret == PTHREAD_CANCELED && cleanup_ran == 1, "cancel-in-condvar", "ret %p cleanup %d", ret,
          cleanup_ran);
    check(pthread_mutex_trylock(&cm) == 0, "cancel-released-mutex", "the mutex is still held");
    pthread_mutex_unlock(&cm);

    int fds[2];
    pipe(fds);
    ret = NULL;
    pthread_create(&t, NULL, read_blocker, &fds[0]);
    msleep(50);
    pthread_cancel(t);
    pthread_join(t, &ret);
    check(ret == PTHREAD_CANCELED, "cancel-in-read", "ret %p", ret);
    close(fds[0]);
    close(fds[1]);
}

#define NMANY 100
static pthread_barrier_t many_bar;
static int many_tids[NMANY];

static void *many_main(void *arg)
{
    many_tids[(long)arg] = (int)syscall(SYS_gettid);
    pthread_barrier_wait(&many_bar);
    return NULL;
}

static void many(void)
{
    pthread_t t[NMANY];
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    pthread_barrier_init(&many_bar, NULL, NMANY + 1);
    int created = 0;
    for (long i = 0; i < NMANY; i++)
        if (pthread_create(&t[i], &attr, many_main, (void *)i) == 0)
            created++;
    check(created == NMANY, "create-100-alive", "created %d", created);
    if (created == NMANY)
        pthread_barrier_wait(&many_bar);
    int distinct = 1;
    for (int i = 0; i < created; i++) {
        pthread_join(t[i], NULL);
        for (int j = 0; j < i; j++)
            if (many_tids[i] == many_tids[j] || many_tids[i] == getpid())
                distinct = 0;
    }
    check(distinct, "100-distinct-tids", "two threads share a tid");
}

int main(void)
{
    counting();
    prodcons();
    barrier();
    cancel();
    many();
    /* For a human: system calls this pthreads program made that the kernel lacks. */
    FILE *f = fopen("/proc/enosys", "r");
    char line[64];
    while (f && fgets(line, sizeof line, f))
        say("enosys: %s", strtok(line, "\n"));
    if (f)
        fclose(f);
    return t_done("threads");
}
