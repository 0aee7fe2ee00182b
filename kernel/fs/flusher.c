/* The flusher thread (see flusher.h): sleep FLUSHER_INTERVAL_NS, then mount_sync_all(),
 * which calls every mount's fs_type.sync (ext2: dirty inodes and their pages, then the
 * buffer cache's dirty blocks with several writes in flight, then a device flush). */
#include "fs/flusher.h"
#include "fs/mount.h"
#include "proc/kthread.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "dev/console.h"
#include "lib/errno.h"
#include "arch.h"

static struct { bool started; uint64_t rounds; } flusher;

static void flusher_main(void *arg)
{
    (void)arg;
    for (;;) {
        uint64_t deadline = arch_time_ns() + FLUSHER_INTERVAL_NS;
        /* A signal (kill -1) ends a sleep early: drop it and sleep out the rest. */
        do
            kthread_clear_signals();
        while (sched_sleep_until(deadline) == -EINTR && arch_time_ns() < deadline);
        mount_sync_all();
        flusher.rounds++;
    }
}

void flusher_start(void)
{
    if (flusher.started)
        return;
    struct proc *p = kthread_start("kflushd", flusher_main, NULL);
    flusher.started = p != NULL;
    if (p)
        kprintf("flusher: kflushd started (pid %d)\n", p->pid);
    else
        kprintf("flusher: no process slot: dirty data is written only by sync and umount\n");
}

uint64_t flusher_rounds(void)
{
    return flusher.rounds;
}
