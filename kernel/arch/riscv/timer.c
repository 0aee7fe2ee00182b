/* The tick: a periodic timer interrupt at `hz`, programmed through Sstc's stimecmp when the
 * hart has it (and the firmware let us use it) or else through the SBI TIME extension. */
#include "arch.h"
#include "csr.h"
#include "sbi.h"
#include "dev/devtree.h"
#include "dev/console.h"
#include "proc/sched.h"
#include "lib/trace.h"

extern volatile bool trap_probe_active, trap_probe_faulted;

static struct {
    uint64_t timebase_hz;
    uint64_t interval;      /* timebase ticks between timer interrupts */
    uint64_t next[MAX_HARTS];   /* each hart's programmed deadline */
    bool sstc;
} timer;

static void timer_program(uint64_t when)
{
    if (timer.sstc)
        csr_write(CSR_STIMECMP, when);
    else
        sbi_set_timer(when);
}

/* stimecmp exists only if the hart has Sstc and M-mode set menvcfg.STCE; otherwise the write traps. */
static bool timer_probe_sstc(void)
{
    trap_probe_faulted = false;
    trap_probe_active = true;
    csr_write(CSR_STIMECMP, UINT64_MAX);
    trap_probe_active = false;
    return !trap_probe_faulted;
}

void arch_timer_init(const struct machine_info *mi, unsigned hz)
{
    const struct dt_hart *h = devtree_boot_hart(mi, this_cpu()->hartid);
    timer.timebase_hz = mi->timebase_hz ? mi->timebase_hz : 10000000;
    timer.interval = timer.timebase_hz / hz;
    if (timer.interval == 0)
        timer.interval = 1;
    timer.sstc = h && h->has_sstc && timer_probe_sstc();
    arch_timer_init_hart();
    TRACE(TRACE_TIMER_ARMED, TRACE_PID_IDLE, timer.sstc, timer.next[0], 0);
}

void arch_timer_init_hart(void)
{
    uint64_t *next = &timer.next[this_cpu()->index];
    *next = cpu_time() + timer.interval;
    timer_program(*next);
}

/* Advance by whole intervals so ticks do not drift. Returns how many ticks have passed: more
 * than one when the interrupt came late (a busy host can stall a virtual hart), so that time
 * is still accounted for. */
unsigned arch_timer_arm_next(void)
{
    uint64_t now = cpu_time(), *next = &timer.next[this_cpu()->index];
    unsigned ticks = 1;
    *next += timer.interval;
    if (*next <= now) {
        uint64_t behind = (now - *next) / timer.interval + 1;
        ticks += (unsigned)(behind < 1000 ? behind : 1000);
        *next += behind * timer.interval;
    }
    timer_program(*next);
    return ticks;
}

uint64_t arch_time_ns(void)
{
    uint64_t t = cpu_time(), tb = timer.timebase_hz ? timer.timebase_hz : 10000000;
    return (t / tb) * 1000000000ULL + (t % tb) * 1000000000ULL / tb;
}

uint64_t arch_timebase_hz(void)
{
    return timer.timebase_hz ? timer.timebase_hz : 10000000;
}

const char *arch_timer_kind(void)
{
    return timer.sstc ? "Sstc stimecmp" : "SBI TIME";
}
