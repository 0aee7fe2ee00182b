/* What generic kernel code may ask of the architecture. Everything that names a CSR,
 * an SBI call or a RISC-V instruction stays behind these functions. */
#ifndef RISCV_ARCH_H
#define RISCV_ARCH_H

#include <stdint.h>
#include <stdbool.h>
#include "memlayout.h"
#include "trapframe.h"
#include "cpu.h"

struct machine_info;
struct cpu;

/* Per-hart state lives in struct cpu, found through tp. */
static inline struct cpu *arch_this_cpu(void) { return (struct cpu *)cpu_get_tp(); }
static inline void arch_set_this_cpu(struct cpu *c) { cpu_set_tp((uint64_t)c); }

static inline void arch_intr_on(void) { cpu_intr_on(); }
static inline void arch_intr_off(void) { cpu_intr_off(); }
/* Sleep until an interrupt is pending, then take it. Called with interrupts off. */
static inline void arch_wait_for_interrupt(void) { cpu_wfi(); cpu_intr_on(); cpu_intr_off(); }

/* Let the PLIC interrupt this hart (sie.SEIE). */
static inline void arch_irq_enable_external(void) { csr_set(sie, SIE_SEIE); }

/* Boot and trap set-up (trap.c): trap vector, counters, firmware probing. */
void arch_early_init(void);
void arch_trap_init_hart(void);
void arch_describe(void);
/* Start the trace buffer, reporting when the trap vector was installed. */
void arch_trace_start(uint64_t timebase_hz);
void arch_early_putc(char c);

/* Timer (timer.c): periodic ticks at hz and a monotonic clock. */
void arch_timer_init(const struct machine_info *mi, unsigned hz);
void arch_timer_init_hart(void);        /* a secondary hart's own tick */
unsigned arch_timer_arm_next(void);     /* ticks that have passed since the last one */
uint64_t arch_time_ns(void);
const char *arch_timer_kind(void);
uint64_t arch_timebase_hz(void);

/* Kernel address space (mmu.c). */
extern uint64_t kernel_phys_base;
void arch_mmu_init(const struct machine_info *mi);
void *arch_mmio_map(uint64_t pa, uint64_t size);
bool arch_kstack_map(int slot, uint64_t *top);
void arch_kstack_unmap(int slot);
/* Is va in the unmapped page below some kernel stack? */
bool arch_kstack_guard(uint64_t va);
uint64_t *arch_kernel_root(void);
int arch_asid_bits(void);
/* Load an address space; flush its ASID first when it was just (re)assigned. */
void arch_mm_activate(uint64_t *root, unsigned asid, bool fresh);
/* If this hart translates through root, switch it to the kernel-only table. */
void arch_mm_deactivate(uint64_t *root);
/* Flush on this hart and on the others in cpus (a mask of cpus[] indices that may cache it). */
void arch_tlb_flush_page(uint64_t va, unsigned asid, uint64_t cpus);
void arch_tlb_flush_asid(unsigned asid, uint64_t cpus);
/* After changing kernel mappings (global entries, every ASID). */
void arch_tlb_flush_kernel_range(uint64_t va, uint64_t size);
/* After adding kernel mappings: this hart only (see mmu.c). */
void arch_tlb_flush_kernel_new(uint64_t va, uint64_t size);
/* A kernel page fault on an address that is mapped as required: a stale TLB entry from
 * before the mapping existed; flushed here, the access can be retried. */
bool arch_kernel_fault_is_stale(uint64_t va, bool write, bool exec);

/* Touching user memory: only between these two calls is sstatus.SUM set. */
static inline void arch_user_access_begin(void) { csr_set(sstatus, SSTATUS_SUM); }
static inline void arch_user_access_end(void) { csr_clear(sstatus, SSTATUS_SUM); }

/* User register state (trap.c). */
void arch_tf_init_user(struct trapframe *tf, uint64_t entry, uint64_t sp);
void arch_context_init(struct context *ctx, uint64_t sp, void (*fn)(void));
__attribute__((noreturn)) void trap_return_user(struct trapframe *tf);
void arch_fpu_switch_out(struct trapframe *tf, struct fpu_state *st);
void arch_fpu_switch_in(const struct trapframe *tf, const struct fpu_state *st);
/* exec: zero the saved FP state and, for the running process, the live registers too. */
void arch_fpu_reset(struct trapframe *tf, struct fpu_state *st);

/* Signals (signal.c): the frame on the user stack and the return trampoline. */
struct proc;
struct k_sigaction;
struct k_siginfo;
void arch_signal_page_fill(void *page);
int arch_signal_setup_frame(struct proc *p, int sig, const struct k_sigaction *act,
                            const struct k_siginfo *info, uint64_t old_mask);
/* A siginfo_t (128 bytes) in user memory from / to the kernel's form; 0 or -EFAULT. */
int arch_siginfo_to_user(uint64_t uaddr, const struct k_siginfo *info);
int arch_siginfo_from_user(uint64_t uaddr, struct k_siginfo *info);
long arch_signal_return(struct proc *p);
uint64_t arch_tf_sp(const struct proc *p);

/* Other harts (smp.c). */
void arch_smp_start(const struct machine_info *mi, unsigned max_harts);
void arch_send_ipi(uint64_t cpu_mask);
void arch_tlb_flush_remote(uint64_t cpu_mask, uint64_t va, uint64_t size, long asid);
/* Answer a pending remote flush request for this hart (IPI trap and lock spinning). */
void arch_tlb_shootdown_poll(void);
void arch_tlb_use_rfence(bool on);

/* Hart features and cache/ordering operations for user space (hwcap.c). */
void arch_hwcap_init(const struct machine_info *mi);   /* boot: riscv,isa and the SBI ids */
bool arch_hwprobe(int64_t key, uint64_t *value);        /* riscv_hwprobe: false for unknown keys */
/* fence.i: the rules for when each runs are in docs/memory.md (instruction caches). */
void arch_icache_flush_local(void);                     /* this hart now (counted fence_i_local) */
void arch_icache_flush_switch(void);                    /* this hart, deferred to an mm switch (fence_i_deferred) */
void arch_icache_flush_remote(uint64_t cpu_mask);       /* those other harts (cpus[] indices), waited for */
void arch_icache_flush_all(void);                       /* fence + fence.i on every hart, waited for */

/* -- blk -- */
/* Ordering between memory shared with a device (virtqueues) and its registers: the driver
 * fills descriptors before publishing an index, and reads a used entry only after its index. */
static inline void arch_dma_wmb(void) { __asm__ volatile("fence ow, ow" ::: "memory"); }
static inline void arch_dma_rmb(void) { __asm__ volatile("fence ir, ir" ::: "memory"); }
static inline void arch_dma_mb(void) { __asm__ volatile("fence iorw, iorw" ::: "memory"); }
/* (end of blk) */

/* Power (sbi.c). */
__attribute__((noreturn)) void arch_power_off(bool failure);
__attribute__((noreturn)) void arch_reboot(void);

/* Diagnostics (trap.c). */
void arch_backtrace(uint64_t fp, uint64_t pc);

#endif
