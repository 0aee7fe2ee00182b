/* The event counters and the trace buffer. The buffer keeps the first TRACE_MAX events after
 * tracing starts (it does not wrap, so a boot scenario is never overwritten). */
#include "lib/trace.h"
#include "lib/printf.h"
#include "arch.h"
#include "proc/sched.h"

#define TRACE_MAX 4096

struct trace_rec {
    uint64_t ns;
    uint16_t hart, event;
    int32_t pid;
    uint64_t a, b, c;
};

uint64_t kstats[KSTAT_COUNT];
bool trace_enabled;

static struct {
    struct trace_rec recs[TRACE_MAX];
    uint32_t next;
} trace;

static uint16_t trace_hart(void)
{
    return (uint16_t)this_cpu()->hartid;
}

void trace_record(enum trace_event ev, int pid, uint64_t a, uint64_t b, uint64_t c)
{
    uint32_t i = __atomic_fetch_add(&trace.next, 1, __ATOMIC_RELAXED);
    if (i >= TRACE_MAX)
        return;
    trace.recs[i] = (struct trace_rec){ arch_time_ns(), trace_hart(), (uint16_t)ev, pid, a, b, c };
}

void trace_start(uint64_t trap_table_ns, uint64_t stvec)
{
    trace.recs[0] = (struct trace_rec){ trap_table_ns, trace_hart(), TRACE_TRAP_TABLE, TRACE_PID_IDLE,
                                        stvec, 0, 0 };
    trace.next = 1;
    trace_enabled = true;
}

static const char *const stat_names[KSTAT_COUNT] = {
    "traps", "syscalls", "interrupts", "timer_interrupts", "page_faults", "context_switches",
    "sfence_vma", "satp_writes",
    /* -- silicon -- */ "fence_i_local", "fence_i_deferred", "fence_i_remote" /* (end of silicon) */ };

size_t kstats_format(char *buf, size_t n)
{
    size_t len = 0;
    for (int i = 0; i < KSTAT_COUNT && len < n; i++)
        len += (size_t)ksnprintf(buf + len, n - len, "%s %lu\n", stat_names[i],
                                 __atomic_load_n(&kstats[i], __ATOMIC_RELAXED));
    return len < n ? len : n;
}

static const char *trace_cause_name(uint64_t cause)
{
    switch (cause) {
    case 0: return "ecall_u";
    case 1: return "timer";
    case 2: return "external";
    case 3: return "software";
    case 4: return "load_page_fault";
    case 5: return "store_page_fault";
    case 6: return "inst_page_fault";
    case 7: return "illegal_instruction";
    default: return "other";
    }
}

static int trace_pid(char *buf, size_t n, int pid)
{
    return pid == TRACE_PID_IDLE ? ksnprintf(buf, n, "idle") : ksnprintf(buf, n, "%d", pid);
}

static size_t trace_line(const struct trace_rec *r, char *buf, size_t n)
{
    char p1[16], p2[16];
    trace_pid(p1, sizeof p1, r->pid);
    trace_pid(p2, sizeof p2, (int)(int64_t)r->a);
    int len;
    switch (r->event) {
    case TRACE_TRAP_TABLE:
        len = ksnprintf(buf, n, "%lu %u trap_table stvec=%#lx\n", r->ns, r->hart, r->a);
        break;
    case TRACE_TIMER_ARMED:
        len = ksnprintf(buf, n, "%lu %u timer_armed how=%s next=%lu\n", r->ns, r->hart,
                        r->a ? "sstc" : "sbi", r->b);
        break;
    case TRACE_TRAP_ENTER:
        len = ksnprintf(buf, n, "%lu %u trap_enter cause=%s from=%s pid=%s sepc=%#lx\n", r->ns, r->hart,
                        trace_cause_name(r->a), r->b ? "U" : "S", p1, r->c);
        break;
    case TRACE_SYSCALL:
        len = ksnprintf(buf, n, "%lu %u syscall nr=%lu pid=%s\n", r->ns, r->hart, r->a, p1);
        break;
    case TRACE_TRAP_RETURN:
        len = ksnprintf(buf, n, "%lu %u trap_return pid=%s sepc=%#lx\n", r->ns, r->hart, p1, r->a);
        break;
    case TRACE_SWITCH:
        len = ksnprintf(buf, n, "%lu %u switch from=%s to=%s\n", r->ns, r->hart, p1, p2);
        break;
    case TRACE_TIMER_IRQ:
        len = ksnprintf(buf, n, "%lu %u timer_irq pid=%s\n", r->ns, r->hart, p1);
        break;
    case TRACE_PAGE_FAULT:
        len = ksnprintf(buf, n, "%lu %u page_fault pid=%s va=%#lx kind=%s\n", r->ns, r->hart, p1, r->a,
                        r->b ? "cow" : "demand");
        break;
    default:
        len = ksnprintf(buf, n, "%lu %u unknown\n", r->ns, r->hart);
    }
    return len < 0 ? 0 : (size_t)len < n ? (size_t)len : n;
}

size_t trace_text_size(void)
{
    uint32_t count = trace.next < TRACE_MAX ? trace.next : TRACE_MAX;
    return (size_t)count * 112 + 1;
}

size_t trace_format(char *buf, size_t n)
{
    uint32_t count = trace.next < TRACE_MAX ? trace.next : TRACE_MAX;
    size_t len = 0;
    for (uint32_t i = 0; i < count && len + 1 < n; i++)
        len += trace_line(&trace.recs[i], buf + len, n - len);
    return len;
}
