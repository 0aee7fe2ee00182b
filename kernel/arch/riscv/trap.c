/* The C side of every trap: decode scause, run the handler, prepare the return.
 * trap_user runs for traps from U-mode, trap_kernel for traps taken in S-mode. */
#include "arch.h"
#include "csr.h"
#include "lib/printf.h"
#include "dev/console.h"
#include "lib/panic.h"
#include "lib/ksyms.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/syscall.h"
#include "mm/vm.h"
#include "dev/irq.h"
#include "sbi.h"
#include "lib/errno.h"
#include "lib/trace.h"
#include "lib/spinlock.h"

_Static_assert(__builtin_offsetof(struct trapframe, ra) == TF_RA, "tf ra");
_Static_assert(__builtin_offsetof(struct trapframe, sp) == TF_SP, "tf sp");
_Static_assert(__builtin_offsetof(struct trapframe, gp) == TF_GP, "tf gp");
_Static_assert(__builtin_offsetof(struct trapframe, tp) == TF_TP, "tf tp");
_Static_assert(__builtin_offsetof(struct trapframe, t0) == TF_T0, "tf t0");
_Static_assert(__builtin_offsetof(struct trapframe, a0) == TF_A0, "tf a0");
_Static_assert(__builtin_offsetof(struct trapframe, a7) == TF_A7, "tf a7");
_Static_assert(__builtin_offsetof(struct trapframe, t6) == TF_EPC - 8, "tf t6");
_Static_assert(__builtin_offsetof(struct trapframe, epc) == TF_EPC, "tf epc");
_Static_assert(__builtin_offsetof(struct trapframe, status) == TF_STATUS, "tf status");
_Static_assert(__builtin_offsetof(struct trapframe, cause) == TF_CAUSE, "tf cause");
_Static_assert(__builtin_offsetof(struct trapframe, tval) == TF_TVAL, "tf tval");
_Static_assert(__builtin_offsetof(struct trapframe, kernel_tp) == TF_KTP, "tf ktp");
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "tf size");
_Static_assert(TF_SIZE % 16 == 0, "the stack stays 16-byte aligned below a trapframe");
_Static_assert(__builtin_offsetof(struct context, sp) == CTX_SP, "ctx sp");
_Static_assert(__builtin_offsetof(struct context, s) == CTX_S0, "ctx s0");
_Static_assert(sizeof(struct context) == CTX_SIZE, "ctx size");
_Static_assert(__builtin_offsetof(struct fpu_state, fcsr) == 256, "fpu fcsr");
_Static_assert(__builtin_offsetof(struct cpu, trap_stack_top) == CPU_TRAP_STACK_TOP, "cpu trap stack");
_Static_assert(__builtin_offsetof(struct cpu, trap_stack_bottom) == CPU_TRAP_STACK_BOTTOM, "cpu trap stack");

static uint8_t trap_stacks[MAX_HARTS][TRAP_STACK_SIZE] __attribute__((aligned(16)));

extern char trap_vector[];

/* Set while probing an instruction that may not exist (e.g. Sstc's stimecmp). */
volatile bool trap_probe_active;
volatile bool trap_probe_faulted;

static const char *const exception_names[] = {
    [EXC_INST_MISALIGNED] = "misaligned instruction fetch",
    [EXC_INST_ACCESS] = "instruction access fault",
    [EXC_ILLEGAL_INST] = "illegal instruction",
    [EXC_BREAKPOINT] = "breakpoint",
    [EXC_LOAD_MISALIGNED] = "misaligned load",
    [EXC_LOAD_ACCESS] = "load access fault",
    [EXC_STORE_MISALIGNED] = "misaligned store",
    [EXC_STORE_ACCESS] = "store access fault",
    [EXC_ECALL_U] = "ecall from U-mode",
    [EXC_ECALL_S] = "ecall from S-mode",
    [EXC_INST_PAGE_FAULT] = "instruction page fault",
    [EXC_LOAD_PAGE_FAULT] = "load page fault",
    [EXC_STORE_PAGE_FAULT] = "store page fault",
};

static const char *trap_cause_name(uint64_t cause)
{
    if (cause & SCAUSE_INTERRUPT) {
        switch (cause & SCAUSE_CODE_MASK) {
        case IRQ_S_SOFT: return "software interrupt";
        case IRQ_S_TIMER: return "timer interrupt";
        case IRQ_S_EXT: return "external interrupt";
        default: return "unknown interrupt";
        }
    }
    if (cause < sizeof exception_names / sizeof exception_names[0] && exception_names[cause])
        return exception_names[cause];
    return "unknown exception";
}

static uint64_t trap_table_time;   /* when the boot hart installed the vector, in timer ticks */

void arch_trap_init_hart(void)
{
    struct cpu *c = this_cpu();
    c->trap_stack_bottom = (uint64_t)trap_stacks[c->index];
    c->trap_stack_top = c->trap_stack_bottom + TRAP_STACK_SIZE;
    csr_write(sscratch, 0);
    csr_write(stvec, (uint64_t)trap_vector | STVEC_MODE_DIRECT);
    trap_table_time = cpu_time();
    /* User programs may time themselves: rdcycle, rdtime, rdinstret. */
    csr_write(scounteren, SCOUNTEREN_CY | SCOUNTEREN_TM | SCOUNTEREN_IR);
    /* External interrupts are enabled by the interrupt-controller driver when one is set up. */
    csr_set(sie, SIE_STIE | SIE_SSIE);
}

/* The trace's cause names: see trace_cause_name() in lib/trace.c. */
static uint64_t trap_trace_cause(uint64_t cause)
{
    switch (cause) {
    case EXC_ECALL_U: return 0;
    case SCAUSE_INTERRUPT | IRQ_S_TIMER: return 1;
    case SCAUSE_INTERRUPT | IRQ_S_EXT: return 2;
    case SCAUSE_INTERRUPT | IRQ_S_SOFT: return 3;
    case EXC_LOAD_PAGE_FAULT: return 4;
    case EXC_STORE_PAGE_FAULT: return 5;
    case EXC_INST_PAGE_FAULT: return 6;
    case EXC_ILLEGAL_INST: return 7;
    default: return 8;
    }
}

static int trap_pid(void)
{
    struct proc *p = current();
    return p ? p->pid : TRACE_PID_IDLE;
}

static void trap_interrupt(uint64_t code, bool from_user)
{
    kstat_inc(KSTAT_INTERRUPTS);
    switch (code) {
    case IRQ_S_TIMER:
        kstat_inc(KSTAT_TIMER_INTERRUPTS);
        TRACE(TRACE_TIMER_IRQ, trap_pid(), 0, 0, 0);
        sched_tick(from_user, arch_timer_arm_next());
        break;
    case IRQ_S_EXT:
        irq_dispatch_external();
        break;
    case IRQ_S_SOFT:
        csr_clear(sip, SIE_SSIE);
        arch_tlb_shootdown_poll();
        break;
    default:
        kprintf("kernel: unexpected interrupt %lu\n", code);
        break;
    }
}

static enum vm_access trap_access_kind(uint64_t cause)
{
    if (cause == EXC_STORE_PAGE_FAULT)
        return VM_ACCESS_WRITE;
    if (cause == EXC_INST_PAGE_FAULT)
        return VM_ACCESS_EXEC;
    return VM_ACCESS_READ;
}

static void trap_user_exception(struct trapframe *tf)
{
    struct proc *p = current();
    uint64_t cause = tf->cause;

    p->in_syscall = false;
    switch (cause) {
    case EXC_ECALL_U: {
        tf->epc += 4;   /* resume after the ecall; fork's child inherits this */
        struct syscall_args args = {
            tf->a7, { tf->a0, tf->a1, tf->a2, tf->a3, tf->a4, tf->a5 } };
        p->in_syscall = true;
        p->syscall_a0 = tf->a0;     /* a restarted call needs its first argument back */
        kstat_inc(KSTAT_SYSCALLS);
        TRACE(TRACE_SYSCALL, p->pid, tf->a7, 0, 0);
        long r = syscall_dispatch(&args);
        if (args.nr != SYSCALL_NR_RT_SIGRETURN)
            tf->a0 = (uint64_t)r;
        return;
    }
    case EXC_INST_PAGE_FAULT:
    case EXC_LOAD_PAGE_FAULT:
    case EXC_STORE_PAGE_FAULT:
    {
        kstat_inc(KSTAT_PAGE_FAULTS);
        int err = vm_fault(p->mm, tf->tval, trap_access_kind(cause));
        p->ru_self.minflt += err == 0;  /* getrusage: no fault reads a disk yet, all are minor */
        if (err == 0)
            return;
        /* -EIO: a file page past the end of its file, SIGBUS as on Linux. */
        proc_fault(p, err == -ENOMEM ? PROC_FAULT_OOM : err == -EIO ? PROC_FAULT_BUS : vm_area_find(p->mm, tf->tval) ?
                   PROC_FAULT_SEGV_ACCESS : PROC_FAULT_SEGV, trap_cause_name(cause), tf->epc, tf->tval);
        return;
    }
    case EXC_INST_MISALIGNED:
    case EXC_LOAD_MISALIGNED:
    case EXC_STORE_MISALIGNED:
    case EXC_INST_ACCESS:
    case EXC_LOAD_ACCESS:
    case EXC_STORE_ACCESS:
        proc_fault(p, PROC_FAULT_BUS, trap_cause_name(cause), tf->epc, tf->tval);
        return;
    case EXC_BREAKPOINT:
        proc_fault(p, PROC_FAULT_TRAP, trap_cause_name(cause), tf->epc, tf->tval);
        return;
    default:
        proc_fault(p, PROC_FAULT_ILL, trap_cause_name(cause), tf->epc, tf->tval);
        return;
    }
}

/* Everything from U-mode lands here with interrupts off, on the process's kernel stack. */
void trap_user(struct trapframe *tf)
{
    kernel_lock_acquire();
    kstat_inc(KSTAT_TRAPS);
    TRACE(TRACE_TRAP_ENTER, trap_pid(), trap_trace_cause(tf->cause), 1, tf->epc);
    if (tf->cause & SCAUSE_INTERRUPT)
        trap_interrupt(tf->cause & SCAUSE_CODE_MASK, true);
    else
        trap_user_exception(tf);
    proc_return_to_user();
    /* sret drops to U-mode with interrupts enabled there and SUM off. */
    tf->status = (tf->status & ~(SSTATUS_SPP | SSTATUS_SIE | SSTATUS_SUM)) | SSTATUS_SPIE;
    TRACE(TRACE_TRAP_RETURN, trap_pid(), tf->epc, 0, 0);
    kernel_lock_release();
}

static void trap_dump_registers(const struct trapframe *tf)
{
    static const char *const names[32] = {
        "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
        "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6" };
    for (int i = 1; i < 32; i++)
        kprintf("%4s=%016lx%s", names[i], tf_reg(tf, i), (i % 4 == 3) ? "\n" : " ");
    kprintf("\n sstatus=%016lx\n", tf->status);
}

void arch_backtrace(uint64_t fp, uint64_t pc)
{
    char line[96];
    kprintf("backtrace:\n");
    for (int depth = 0; depth < 32 && pc; depth++) {
        /* Past frame 0, pc is a return address: name the call instruction before it. */
        ksyms_format(depth ? pc - 2 : pc, line, sizeof line);
        kprintf("  #%d %016lx %s\n", depth, pc, line);
        /* A frame record is {saved fp, saved ra} just below fp; stop on anything not a kernel stack address. */
        if (fp < KERNEL_HALF || (fp & 7) || fp == 0)
            break;
        pc = ((uint64_t *)fp)[-1];
        fp = ((uint64_t *)fp)[-2];
    }
}

/* A trap taken in S-mode: interrupts are routine; an exception is a kernel bug. */
void trap_kernel(struct trapframe *tf)
{
    kstat_inc(KSTAT_TRAPS);
    TRACE(TRACE_TRAP_ENTER, trap_pid(), trap_trace_cause(tf->cause), 0, tf->epc);
    if (tf->cause & SCAUSE_INTERRUPT) {
        /* Interrupts are on only while a hart idles without the lock; be safe anyway. */
        bool take = !spin_held(&kernel_lock);
        if (take)
            kernel_lock_acquire();
        trap_interrupt(tf->cause & SCAUSE_CODE_MASK, false);
        if (take)
            kernel_lock_release();
        return;
    }
    if ((tf->cause == EXC_LOAD_PAGE_FAULT || tf->cause == EXC_STORE_PAGE_FAULT ||
         tf->cause == EXC_INST_PAGE_FAULT) &&
        arch_kernel_fault_is_stale(tf->tval, tf->cause == EXC_STORE_PAGE_FAULT,
                                   tf->cause == EXC_INST_PAGE_FAULT))
        return;
    if (trap_probe_active && tf->cause == EXC_ILLEGAL_INST) {
        trap_probe_faulted = true;
        tf->epc += 4;
        return;
    }
    if (arch_kstack_guard(tf->tval) && tf->cause != EXC_ILLEGAL_INST) {
        struct proc *p = current();
        kprintf("\npanic: kernel stack overflow: pid %d ran into the guard page at %#lx\n",
                p ? p->pid : -1, tf->tval);
    }
    kprintf("\npanic: kernel trap: %s scause=%#lx sepc=%#lx stval=%#lx hart=%u\n",
            trap_cause_name(tf->cause), tf->cause, tf->epc, tf->tval, this_cpu()->hartid);
    trap_dump_registers(tf);
    arch_backtrace(tf->s0, tf->epc);
    arch_power_off(true);
}

void arch_tf_init_user(struct trapframe *tf, uint64_t entry, uint64_t sp)
{
    for (uint64_t *w = (uint64_t *)tf; w < (uint64_t *)(tf + 1); w++)
        *w = 0;
    tf->epc = entry;
    tf->sp = sp;
    /* U-mode after sret, interrupts on there, FPU usable from a clean initial state. */
    tf->status = (csr_read(sstatus) & ~(SSTATUS_SPP | SSTATUS_SIE | SSTATUS_SUM | SSTATUS_FS))
                 | SSTATUS_SPIE | SSTATUS_FS_INITIAL;
}

void arch_context_init(struct context *ctx, uint64_t sp, void (*fn)(void))
{
    for (int i = 0; i < 12; i++)
        ctx->s[i] = 0;
    ctx->ra = (uint64_t)fn;
    ctx->sp = sp;
}

/* The kernel itself never touches FP registers, so they hold the user's values until
 * another process runs: save only when the user dirtied them. */
void arch_fpu_switch_out(struct trapframe *tf, struct fpu_state *st)
{
    if ((tf->status & SSTATUS_FS) != SSTATUS_FS_DIRTY)
        return;
    csr_set(sstatus, SSTATUS_FS_CLEAN);
    fpu_save(st);
    tf->status = (tf->status & ~SSTATUS_FS) | SSTATUS_FS_CLEAN;
}

void arch_fpu_switch_in(const struct trapframe *tf, const struct fpu_state *st)
{
    if ((tf->status & SSTATUS_FS) == 0)
        return;
    csr_set(sstatus, SSTATUS_FS_CLEAN);
    fpu_restore(st);
}

void arch_fpu_reset(struct trapframe *tf, struct fpu_state *st)
{
    for (int i = 0; i < 32; i++)
        st->f[i] = 0;
    st->fcsr = 0;
    csr_set(sstatus, SSTATUS_FS_CLEAN);
    fpu_restore(st);
    tf->status = (tf->status & ~SSTATUS_FS) | SSTATUS_FS_INITIAL;
}

void arch_early_init(void)
{
    arch_trap_init_hart();
    sbi_probe();
}

void arch_trace_start(uint64_t timebase_hz)
{
    uint64_t t = trap_table_time, tb = timebase_hz ? timebase_hz : arch_timebase_hz();
    trace_start((t / tb) * 1000000000ULL + (t % tb) * 1000000000ULL / tb, (uint64_t)trap_vector);
}

void arch_describe(void)
{
    sbi_describe();
}

void arch_early_putc(char c)
{
    sbi_putchar(c);
}
