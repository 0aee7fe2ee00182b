/* Timers: the interval timers of setitimer/alarm (ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF),
 * POSIX timers (timer_create and friends), and the resource-usage figures of getrusage/wait4.
 *
 * Wall-clock timers (ITIMER_REAL and POSIX timers on CLOCK_REALTIME/MONOTONIC/BOOTTIME) sit on
 * one list sorted by deadline, `armed`; the tick looks at its head only, so nothing is spent
 * when no timer is armed. CPU-time timers (ITIMER_VIRTUAL/PROF, POSIX timers on the CPU-time
 * clocks) are checked when the tick charges the running process, if it has any armed.
 * Everything runs under the kernel lock. docs/processes.md ("Timers") has the order of events. */
#include "proc/itimer.h"
#include "proc/sys.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "proc/thread.h"
#include "mm/vm.h"
#include "dev/rtc.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "arch.h"

#define NSEC_PER_SEC  1000000000ULL
#define NSEC_PER_USEC 1000ULL

#define ITIMER_REAL    0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF    2
#define SIGVTALRM      26
#define SIGPROF        27

#include "proc/clock.h"

#define SIGEV_SIGNAL    0
#define SIGEV_NONE      1
#define SIGEV_THREAD    2
#define SIGEV_THREAD_ID 4

#define DELAYTIMER_MAX  0x7fffffffULL
#define NPOSIX_TIMERS   256

#define RUSAGE_SELF     0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD   1

enum ktimer_kind { KT_REAL, KT_POSIX };

struct ktimer {
    struct ktimer *next;        /* on `armed`, by deadline (wall-clock timers only) */
    struct proc *owner;
    enum ktimer_kind kind;
    bool in_use, armed, cpu;    /* cpu: on a CPU-time clock, counted by itimer_account */
    int clock, id;
    int notify, signo, tid;     /* sigevent: how and whom to tell */
    uint64_t value;             /* sigev_value, handed to the handler as si_value */
    uint64_t deadline;          /* clock ns (wall clock, or the owner's CPU-time ns) */
    uint64_t interval;
    uint64_t overrun;           /* expirations missed since the signal was queued */
    uint64_t overrun_last;      /* what timer_getoverrun reports */
};

static struct ktimer real_timers[NPROC];       /* ITIMER_REAL, by process slot */
static struct ktimer posix_timers[NPOSIX_TIMERS];
static struct ktimer *armed;

struct k_timespec { int64_t tv_sec, tv_nsec; };
struct k_timeval { int64_t tv_sec, tv_usec; };
struct k_itimerval { struct k_timeval it_interval, it_value; };
struct k_itimerspec { struct k_timespec it_interval, it_value; };
struct k_sigevent {
    uint64_t sigev_value;
    int32_t sigev_signo, sigev_notify;
    int32_t sigev_tid;          /* sigev_notify_thread_id */
    int32_t pad[11];
};
_Static_assert(sizeof(struct k_sigevent) == 64, "struct sigevent is 64 bytes");

/* The process whose timers these are: the caller until threads exist; then its thread-group
 * leader (one place to change, with itimer_signal_target). */
static struct proc *itimer_process(void)
{
    return proc_group(current());
}

static uint64_t tick_ns(void) { return NSEC_PER_SEC / sched_hz(); }
/* A process's CPU time: the leader's figures hold those of the threads that have ended. */
static uint64_t group_ticks(struct proc *g, bool user_only)
{
    uint64_t sum = 0;
    for (int i = 0; i < NPROC; i++)
        if (thread_in_group(&procs[i], g))
            sum += procs[i].utime + (user_only ? 0 : procs[i].stime);
    return sum;
}
static uint64_t cpu_user_ns(struct proc *g) { return group_ticks(g, true) * tick_ns(); }
static uint64_t cpu_total_ns(struct proc *g) { return group_ticks(g, false) * tick_ns(); }

static uint64_t add_sat(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

/* ---- the armed list ---- */

static void armed_unlink(struct ktimer *t)
{
    for (struct ktimer **pp = &armed; *pp; pp = &(*pp)->next)
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    t->next = NULL;
}

static void armed_link(struct ktimer *t)
{
    struct ktimer **pp = &armed;
    while (*pp && (*pp)->deadline <= t->deadline)
        pp = &(*pp)->next;
    t->next = *pp;
    *pp = t;
}

static void ktimer_disarm(struct ktimer *t)
{
    if (!t->armed)
        return;
    t->armed = false;
    if (t->cpu)
        t->owner->it_cpu_posix--;
    else
        armed_unlink(t);
}

/* ---- sending ---- */

/* The one place that decides who receives a POSIX timer's signal and sends it. SIGEV_THREAD_ID
 * names a thread: until threads exist a thread id is a pid (of the owner, checked at create);
 * switch this to a thread-directed send when they do. If this timer's previous signal is still
 * pending, the expiration is counted as an overrun instead (Linux queues one per timer). */
static void itimer_signal_target(struct ktimer *t, uint64_t missed)
{
    struct proc *target = t->owner;
    bool thread = t->notify & SIGEV_THREAD_ID;
    if (thread) {
        target = proc_find(t->tid);
        if (!target || proc_group(target) != t->owner || target->state == PROC_ZOMBIE)
            return;
    }
    int sig = t->signo;
    struct k_siginfo *q = thread ? &target->sig_info[sig] : &target->sig_shared_info[sig];
    uint64_t pending = thread ? target->sig_pending : target->sig_shared_pending;
    if ((pending & SIGBIT(sig)) && q->code == SI_TIMER && q->timer_id == t->id) {
        t->overrun = add_sat(t->overrun, 1 + missed);
        q->overrun = (int32_t)(t->overrun > DELAYTIMER_MAX ? DELAYTIMER_MAX : t->overrun);
        return;
    }
    t->overrun = missed;
    struct k_siginfo info = { .signo = sig, .code = SI_TIMER, .timer_id = t->id,
                              .overrun = (int32_t)(missed > DELAYTIMER_MAX ? DELAYTIMER_MAX : missed),
                              .value = t->value };
    if (thread)
        signal_send_thread(target, sig, &info);
    else
        signal_send(target, sig, &info);
}

/* t has expired `missed` intervals after the one being reported (already re-armed or disarmed). */
static void ktimer_fire(struct ktimer *t, uint64_t missed)
{
    if (t->kind == KT_REAL) {
        struct k_siginfo info = { .signo = SIGALRM, .code = SI_KERNEL };
        signal_send(t->owner, SIGALRM, &info);
        return;
    }
    if (t->notify == SIGEV_NONE) {
        t->overrun = add_sat(t->overrun, missed);
        return;
    }
    itimer_signal_target(t, missed);
}

/* Re-arm a periodic timer after the deadline passed at `now`; returns the missed intervals. */
static uint64_t ktimer_forward(struct ktimer *t, uint64_t now)
{
    if (!t->interval) {
        t->armed = false;
        return 0;
    }
    uint64_t missed = (now - t->deadline) / t->interval;
    uint64_t step = missed + 1;
    if (step > UINT64_MAX / t->interval)
        t->deadline = UINT64_MAX;
    else
        t->deadline = add_sat(t->deadline, step * t->interval);
    return missed;
}

static void itimer_expire_wall(uint64_t now)
{
    while (armed && armed->deadline <= now) {
        struct ktimer *t = armed;
        armed = t->next;
        t->next = NULL;
        uint64_t missed = ktimer_forward(t, now);
        if (t->armed)
            armed_link(t);
        ktimer_fire(t, missed);
    }
}

/* The running process was charged CPU time: its CPU-time timers may have expired. */
static void itimer_account(struct proc *p)
{
    uint64_t user = cpu_user_ns(p), total = cpu_total_ns(p);
    if (p->it_virt_expires && user >= p->it_virt_expires) {
        p->it_virt_expires = p->it_virt_incr ? add_sat(p->it_virt_expires, p->it_virt_incr) : 0;
        struct k_siginfo info = { .signo = SIGVTALRM, .code = SI_KERNEL };
        signal_send(p, SIGVTALRM, &info);
    }
    if (p->it_prof_expires && total >= p->it_prof_expires) {
        p->it_prof_expires = p->it_prof_incr ? add_sat(p->it_prof_expires, p->it_prof_incr) : 0;
        struct k_siginfo info = { .signo = SIGPROF, .code = SI_KERNEL };
        signal_send(p, SIGPROF, &info);
    }
    for (int i = 0; p->it_cpu_posix > 0 && i < NPOSIX_TIMERS; i++) {
        struct ktimer *t = &posix_timers[i];
        if (t->in_use && t->armed && t->cpu && t->owner == p && total >= t->deadline) {
            uint64_t missed = ktimer_forward(t, total);
            if (!t->armed)
                p->it_cpu_posix--;
            ktimer_fire(t, missed);
        }
    }
}

void itimer_tick(struct proc *p, bool from_user, unsigned ticks)
{
    (void)from_user;
    if (p)
        p = proc_group(p);
    if (p && ticks && (p->it_virt_expires || p->it_prof_expires || p->it_cpu_posix))
        itimer_account(p);
    if (armed) {
        uint64_t now = arch_time_ns();
        if (armed->deadline <= now)
            itimer_expire_wall(now);
    }
}

void itimer_signal_taken(struct proc *p, struct k_siginfo *info)
{
    p = proc_group(p);
    for (int i = 0; i < NPOSIX_TIMERS; i++) {
        struct ktimer *t = &posix_timers[i];
        if (t->in_use && t->owner == p && t->id == info->timer_id) {
            t->overrun_last = t->overrun > DELAYTIMER_MAX ? DELAYTIMER_MAX : t->overrun;
            t->overrun = 0;
            info->overrun = (int32_t)t->overrun_last;
            return;
        }
    }
}

/* ---- user structures ---- */

static bool timeval_ok(const struct k_timeval *tv)
{
    return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000;
}

static bool timespec_ok(const struct k_timespec *ts)
{
    return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < (int64_t)NSEC_PER_SEC;
}

static uint64_t ns_from_parts(int64_t sec, uint64_t ns)
{
    if ((uint64_t)sec >= UINT64_MAX / NSEC_PER_SEC - 1)
        return UINT64_MAX;
    return (uint64_t)sec * NSEC_PER_SEC + ns;
}

static struct k_timeval timeval_from_ns(uint64_t ns)
{
    return (struct k_timeval){ (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC / NSEC_PER_USEC) };
}

static struct k_timespec timespec_from_ns(uint64_t ns)
{
    return (struct k_timespec){ (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC) };
}

/* ---- setitimer / getitimer ---- */

/* A CPU-time itimer's remaining time, as Linux reports it: one tick if it is due. */
static uint64_t cpu_itimer_left(uint64_t expires, uint64_t now)
{
    if (!expires)
        return 0;
    return expires <= now ? tick_ns() : expires - now;
}

static int itimer_get(struct proc *p, int which, struct k_itimerval *out)
{
    uint64_t value, interval;
    switch (which) {
    case ITIMER_REAL: {
        struct ktimer *t = &real_timers[p->slot];
        bool on = t->armed && t->owner == p;
        uint64_t now = arch_time_ns();
        value = !on ? 0 : t->deadline > now ? t->deadline - now : NSEC_PER_USEC;
        interval = on ? t->interval : 0;
        break;
    }
    case ITIMER_VIRTUAL:
        value = cpu_itimer_left(p->it_virt_expires, cpu_user_ns(p));
        interval = p->it_virt_incr;
        break;
    case ITIMER_PROF:
        value = cpu_itimer_left(p->it_prof_expires, cpu_total_ns(p));
        interval = p->it_prof_incr;
        break;
    default:
        return -EINVAL;
    }
    out->it_value = timeval_from_ns(value);
    out->it_interval = timeval_from_ns(interval);
    return 0;
}

SYSCALL(getitimer)
{
    struct k_itimerval v;
    int err = itimer_get(itimer_process(), (int)a[0], &v);
    if (err)
        return err;
    return copy_to_user(a[1], &v, sizeof v) ? -EFAULT : 0;
}

SYSCALL(setitimer)
{
    struct proc *p = itimer_process();
    int which = (int)a[0];
    struct k_itimerval nv = { { 0, 0 }, { 0, 0 } }, ov;
    /* A NULL new value disarms (a Linux misfeature that programs rely on). */
    if (a[1]) {
        if (copy_from_user(&nv, a[1], sizeof nv))
            return -EFAULT;
        if (!timeval_ok(&nv.it_value) || !timeval_ok(&nv.it_interval))
            return -EINVAL;
    }
    int err = itimer_get(p, which, &ov);
    if (err)
        return err;
    uint64_t value = ns_from_parts(nv.it_value.tv_sec, (uint64_t)nv.it_value.tv_usec * NSEC_PER_USEC);
    uint64_t interval = ns_from_parts(nv.it_interval.tv_sec, (uint64_t)nv.it_interval.tv_usec * NSEC_PER_USEC);
    switch (which) {
    case ITIMER_REAL: {
        struct ktimer *t = &real_timers[p->slot];
        ktimer_disarm(t);
        *t = (struct ktimer){ .owner = p, .kind = KT_REAL, .in_use = true };
        if (value) {
            t->interval = interval;
            t->deadline = add_sat(arch_time_ns(), value);
            t->armed = true;
            armed_link(t);
        }
        break;
    }
    case ITIMER_VIRTUAL:
        /* Like Linux: a new value runs one tick longer, so at least that much time passes. */
        p->it_virt_expires = value ? add_sat(cpu_user_ns(p), value + tick_ns()) : 0;
        p->it_virt_incr = interval;
        break;
    case ITIMER_PROF:
        p->it_prof_expires = value ? add_sat(cpu_total_ns(p), value + tick_ns()) : 0;
        p->it_prof_incr = interval;
        break;
    }
    if (a[2] && copy_to_user(a[2], &ov, sizeof ov))
        return -EFAULT;
    return 0;
}

/* ---- POSIX timers ---- */

/* 0: a wall clock; 1: a CPU-time clock; -EINVAL / -ENOTSUP as Linux for clocks without timers.
 * Negative ids are Linux's encoded CPU clocks, (~pid << 3) | per-thread (4) | which: glibc
 * passes them for CLOCK_PROCESS_CPUTIME_ID (-6) and CLOCK_THREAD_CPUTIME_ID (-2). Only the
 * caller's own clocks are supported; a thread's clock is its process's until threads exist. */
static int posix_clock_kind(int64_t clock)
{
    if (clock < 0) {
        int64_t pid = ~(clock >> 3);
        if ((clock & 3) == 3 || (pid != 0 && pid != itimer_process()->pid))
            return -EINVAL;
        return 1;
    }
    switch (clock) {
    case CLOCK_REALTIME: case CLOCK_MONOTONIC: case CLOCK_BOOTTIME:
        return 0;
    case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
        return 1;
    case CLOCK_MONOTONIC_RAW: case CLOCK_REALTIME_COARSE: case CLOCK_MONOTONIC_COARSE:
    case CLOCK_REALTIME_ALARM: case CLOCK_BOOTTIME_ALARM:   /* alarm clocks need an RTC */
        return -ENOTSUP;
    default:
        return -EINVAL;
    }
}

static struct ktimer *posix_find(struct proc *p, uint64_t id)
{
    if (id > 0x7fffffff)
        return NULL;
    for (int i = 0; i < NPOSIX_TIMERS; i++) {
        struct ktimer *t = &posix_timers[i];
        if (t->in_use && t->owner == p && t->id == (int)id)
            return t;
    }
    return NULL;
}

static uint64_t posix_now(struct ktimer *t)
{
    return t->cpu ? cpu_total_ns(t->owner) : arch_time_ns();
}

static void posix_get(struct ktimer *t, struct k_itimerspec *out)
{
    uint64_t now = posix_now(t);
    uint64_t left = !t->armed ? 0 : t->deadline > now ? t->deadline - now : 1;
    out->it_value = timespec_from_ns(left);
    out->it_interval = timespec_from_ns(t->interval);
}

static void posix_delete(struct ktimer *t)
{
    ktimer_disarm(t);
    /* A signal of this timer still queued goes with it. */
    struct proc *p = t->owner;
    if (t->notify != SIGEV_NONE && t->signo > 0 && t->signo <= NSIG) {
        struct k_siginfo *q = &p->sig_info[t->signo];
        if ((p->sig_pending & SIGBIT(t->signo)) && q->code == SI_TIMER && q->timer_id == t->id)
            p->sig_pending &= ~SIGBIT(t->signo);
    }
    t->in_use = false;
    t->owner = NULL;
}

SYSCALL(timer_create)
{
    struct proc *p = itimer_process();
    struct k_sigevent ev;
    if (a[1] && copy_from_user(&ev, a[1], sizeof ev))
        return -EFAULT;
    int kind = posix_clock_kind((int64_t)a[0]);
    if (kind < 0)
        return kind;
    struct ktimer *t = NULL;
    for (int i = 0; i < NPOSIX_TIMERS && !t; i++)
        if (!posix_timers[i].in_use)
            t = &posix_timers[i];
    if (!t)
        return -EAGAIN;
    int id = p->it_next_id;
    p->it_next_id = (p->it_next_id + 1) & 0x7fffffff;
    if (!a[1]) {
        ev = (struct k_sigevent){ .sigev_value = (uint64_t)(uint32_t)id, .sigev_signo = SIGALRM,
                                  .sigev_notify = SIGEV_SIGNAL };
    } else {
        switch (ev.sigev_notify) {
        case SIGEV_SIGNAL | SIGEV_THREAD_ID:
            if (ev.sigev_tid != p->pid)     /* a thread of this process: today, itself */
                return -EINVAL;
            __attribute__((fallthrough));
        case SIGEV_SIGNAL:
        case SIGEV_THREAD:
            if (ev.sigev_signo <= 0 || ev.sigev_signo > NSIG)
                return -EINVAL;
            break;
        case SIGEV_NONE:
            break;
        default:
            return -EINVAL;
        }
    }
    if (copy_to_user(a[2], &id, sizeof id))
        return -EFAULT;
    *t = (struct ktimer){ .owner = p, .kind = KT_POSIX, .in_use = true, .cpu = kind == 1,
                          .clock = (int)a[0], .id = id, .notify = ev.sigev_notify,
                          .signo = ev.sigev_notify == SIGEV_NONE ? 0 : ev.sigev_signo,
                          .tid = ev.sigev_tid, .value = ev.sigev_value };
    return 0;
}

SYSCALL(timer_settime)
{
    struct proc *p = itimer_process();
    struct k_itimerspec nv, ov;
    if (!a[2])
        return -EINVAL;
    if (copy_from_user(&nv, a[2], sizeof nv))
        return -EFAULT;
    if (!timespec_ok(&nv.it_value) || !timespec_ok(&nv.it_interval))
        return -EINVAL;
    struct ktimer *t = posix_find(p, a[0]);
    if (!t)
        return -EINVAL;
    posix_get(t, &ov);
    ktimer_disarm(t);
    t->overrun = t->overrun_last = 0;
    t->interval = ns_from_parts(nv.it_interval.tv_sec, (uint64_t)nv.it_interval.tv_nsec);
    uint64_t value = ns_from_parts(nv.it_value.tv_sec, (uint64_t)nv.it_value.tv_nsec);
    if (value) {
        uint64_t now = posix_now(t);
        if ((a[1] & TIMER_ABSTIME) && t->clock == CLOCK_REALTIME)
            value = rtc_to_monotonic(value);    /* wall-clock timers sit on the monotonic clock */
        t->deadline = (a[1] & TIMER_ABSTIME) ? value : add_sat(now, value);
        t->armed = true;
        if (t->cpu) {
            p->it_cpu_posix++;
        } else {
            armed_link(t);
            /* Already due (an absolute time in the past): it fires now, not at the next tick. */
            if (t->deadline <= now)
                itimer_expire_wall(now);
        }
    }
    if (a[3] && copy_to_user(a[3], &ov, sizeof ov))
        return -EFAULT;
    return 0;
}

SYSCALL(timer_gettime)
{
    struct ktimer *t = posix_find(itimer_process(), a[0]);
    if (!t)
        return -EINVAL;
    struct k_itimerspec cur;
    posix_get(t, &cur);
    return copy_to_user(a[1], &cur, sizeof cur) ? -EFAULT : 0;
}

SYSCALL(timer_getoverrun)
{
    struct ktimer *t = posix_find(itimer_process(), a[0]);
    return t ? (long)t->overrun_last : -EINVAL;
}

SYSCALL(timer_delete)
{
    struct ktimer *t = posix_find(itimer_process(), a[0]);
    if (!t)
        return -EINVAL;
    posix_delete(t);
    return 0;
}

/* ---- lifecycle ---- */

static void itimer_sample_rss(struct proc *p)
{
    if (!p->mm)
        return;
    p->it_rss_minflt = p->ru_self.minflt;
    uint64_t kib = (uint64_t)vm_resident_pages(p->mm) * (PAGE_SIZE / 1024);
    if (kib > p->ru_self.maxrss_kib)
        p->ru_self.maxrss_kib = kib;
}

void itimer_note_unmap(struct proc *p)
{
    if (p && p->ru_self.minflt != p->it_rss_minflt)
        itimer_sample_rss(p);
}

static void itimer_delete_posix(struct proc *p)
{
    for (int i = 0; i < NPOSIX_TIMERS; i++)
        if (posix_timers[i].in_use && posix_timers[i].owner == p)
            posix_delete(&posix_timers[i]);
    p->it_cpu_posix = 0;
}

void itimer_exec(struct proc *p)
{
    itimer_sample_rss(p);
    itimer_delete_posix(p);
}

void itimer_move(struct proc *to, struct proc *from)
{
    struct ktimer *old = &real_timers[from->slot], *new = &real_timers[to->slot];
    ktimer_disarm(new);
    *new = (struct ktimer){ .owner = to, .kind = KT_REAL };
    if (old->owner == from && old->armed) {
        ktimer_disarm(old);
        new->deadline = old->deadline;
        new->interval = old->interval;
        new->in_use = new->armed = true;
        armed_link(new);
    }
    old->owner = NULL;
    old->in_use = false;
    for (int i = 0; i < NPOSIX_TIMERS; i++)
        if (posix_timers[i].in_use && posix_timers[i].owner == from)
            posix_timers[i].owner = to;
    to->it_virt_expires = from->it_virt_expires;
    to->it_virt_incr = from->it_virt_incr;
    to->it_prof_expires = from->it_prof_expires;
    to->it_prof_incr = from->it_prof_incr;
    to->it_cpu_posix = from->it_cpu_posix;
    to->it_next_id = from->it_next_id;
    to->ru_self = from->ru_self;
    to->ru_children = from->ru_children;
    from->it_virt_expires = from->it_prof_expires = 0;
    from->it_cpu_posix = 0;
}

void itimer_exit(struct proc *p)
{
    itimer_sample_rss(p);
    itimer_delete_posix(p);
    struct ktimer *t = &real_timers[p->slot];
    if (t->owner == p) {
        ktimer_disarm(t);
        t->owner = NULL;
        t->in_use = false;
    }
    p->it_virt_expires = p->it_prof_expires = 0;
    p->it_restart_valid = false;
}

/* ---- resource usage ---- */

static struct proc_rusage rusage_of(struct proc *p, bool with_children)
{
    struct proc_rusage r = p->ru_self;
    r.utime = p->utime;
    r.stime = p->stime;
    if (with_children) {
        r.utime += p->cutime;
        r.stime += p->cstime;
        r.minflt += p->ru_children.minflt;
        r.majflt += p->ru_children.majflt;
        r.nvcsw += p->ru_children.nvcsw;
        r.nivcsw += p->ru_children.nivcsw;
        if (p->ru_children.maxrss_kib > r.maxrss_kib)
            r.maxrss_kib = p->ru_children.maxrss_kib;
    }
    return r;
}

void itimer_child_reported(struct proc *p, struct proc *c, bool reaped)
{
    itimer_sample_rss(c);
    struct proc_rusage r = rusage_of(c, true);
    p->ru_reported = r;
    if (!reaped)
        return;
    /* utime/stime of children are in p->cutime/cstime (proc_wait_report adds them). */
    p->ru_children.minflt += r.minflt;
    p->ru_children.majflt += r.majflt;
    p->ru_children.nvcsw += r.nvcsw;
    p->ru_children.nivcsw += r.nivcsw;
    if (r.maxrss_kib > p->ru_children.maxrss_kib)
        p->ru_children.maxrss_kib = r.maxrss_kib;
}

static int rusage_to_user(uint64_t uva, const struct proc_rusage *r)
{
    int64_t ru[18];
    memset(ru, 0, sizeof ru);
    uint64_t us_per_tick = 1000000 / sched_hz();
    ru[0] = (int64_t)(r->utime * us_per_tick / 1000000);
    ru[1] = (int64_t)(r->utime * us_per_tick % 1000000);
    ru[2] = (int64_t)(r->stime * us_per_tick / 1000000);
    ru[3] = (int64_t)(r->stime * us_per_tick % 1000000);
    ru[4] = (int64_t)r->maxrss_kib;
    ru[8] = (int64_t)r->minflt;
    ru[9] = (int64_t)r->majflt;
    ru[16] = (int64_t)r->nvcsw;
    ru[17] = (int64_t)r->nivcsw;
    return copy_to_user(uva, ru, sizeof ru) ? -EFAULT : 0;
}

int itimer_wait_rusage(struct proc *p, uint64_t urusage)
{
    return rusage_to_user(urusage, &p->ru_reported);
}

long itimer_getrusage(struct proc *p, int64_t who, uint64_t urusage)
{
    struct proc_rusage r;
    if (who == RUSAGE_SELF || who == RUSAGE_THREAD) {
        itimer_sample_rss(p);
        r = rusage_of(p, false);
    } else if (who == RUSAGE_CHILDREN) {
        r = p->ru_children;
        r.utime = p->cutime;
        r.stime = p->cstime;
    } else {
        return -EINVAL;
    }
    return rusage_to_user(urusage, &r);
}
