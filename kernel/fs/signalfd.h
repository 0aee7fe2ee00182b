/* signalfd4: read pending signals as struct signalfd_siginfo records. */
#ifndef FS_SIGNALFD_H
#define FS_SIGNALFD_H

struct proc;

/* How many signalfd files exist: signal_send only pays for the wake-up when some do. */
extern int signalfd_count;
void signalfd_wake(struct proc *p, int sig);
/* Called by signal_send once sig is pending for p. */
static inline void signalfd_notify(struct proc *p, int sig)
{
    if (signalfd_count)
        signalfd_wake(p, sig);
}

#endif
