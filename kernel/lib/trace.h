/* Counters of the events that cost on real hardware (traps, TLB flushes, satp writes...), and
 * an optional trace of the limited-direct-execution protocol (bootargs trace=1). When tracing
 * is off, each trace point is one well-predicted branch. */
#ifndef LIB_TRACE_H
#define LIB_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum kstat {
    KSTAT_TRAPS, KSTAT_SYSCALLS, KSTAT_INTERRUPTS, KSTAT_TIMER_INTERRUPTS, KSTAT_PAGE_FAULTS,
    KSTAT_CONTEXT_SWITCHES, KSTAT_SFENCE_VMA, KSTAT_SATP_WRITES,
    /* -- silicon -- fence.i: here at once, on the switch to a stale address space, on other harts */
    KSTAT_FENCE_I_LOCAL, KSTAT_FENCE_I_DEFERRED, KSTAT_FENCE_I_REMOTE,
    /* (end of silicon) */
    KSTAT_COUNT
};

extern uint64_t kstats[KSTAT_COUNT];

static inline void kstat_inc(enum kstat k)
{
    __atomic_fetch_add(&kstats[k], 1, __ATOMIC_RELAXED);
}

enum trace_event {
    TRACE_TRAP_TABLE, TRACE_TIMER_ARMED, TRACE_TRAP_ENTER, TRACE_SYSCALL, TRACE_TRAP_RETURN,
    TRACE_SWITCH, TRACE_TIMER_IRQ, TRACE_PAGE_FAULT
};

#define TRACE_PID_IDLE (-1)

extern bool trace_enabled;

void trace_record(enum trace_event ev, int pid, uint64_t a, uint64_t b, uint64_t c);
#define TRACE(ev, pid, a, b, c) do { if (__builtin_expect(trace_enabled, 0)) \
                                         trace_record(ev, pid, a, b, c); } while (0)

/* Turn tracing on (from the command line); events before this are not kept, except the
 * trap-table installation, which the arch code remembers and reports here. */
void trace_start(uint64_t trap_table_ns, uint64_t stvec);
/* Text for /proc/counters and /proc/trace; returns the length written (at most n). */
size_t kstats_format(char *buf, size_t n);
size_t trace_format(char *buf, size_t n);
size_t trace_text_size(void);

#endif
