/* The trapframe (all user registers, saved by trapvec.S) and the context-switch frame (switch.S).
 * Offsets are used from assembly; trap.c checks them against the C layout with _Static_assert. */
#ifndef RISCV_TRAPFRAME_H
#define RISCV_TRAPFRAME_H

/* x1..x31 are stored at (n - 1) * 8. */
#define TF_RA      0
#define TF_SP      8
#define TF_GP      16
#define TF_TP      24
#define TF_T0      32
#define TF_A0      72
#define TF_A7      128
#define TF_EPC     248
#define TF_STATUS  256
#define TF_CAUSE   264
#define TF_TVAL    272
#define TF_KTP     280   /* the hart's kernel tp, reloaded on entry from U-mode */
#define TF_SIZE    288

/* struct cpu (proc/sched.h) starts with the top of this hart's trap stack, for trapvec.S. */
#define CPU_TRAP_STACK_TOP    0
#define CPU_TRAP_STACK_BOTTOM 8
#define TRAP_STACK_SIZE       8192

#define CTX_RA     0
#define CTX_SP     8
#define CTX_S0     16    /* s0..s11 follow */
#define CTX_SIZE   112

#ifndef __ASSEMBLER__
#include <stdint.h>

struct trapframe {
    uint64_t ra, sp, gp, tp, t0, t1, t2, s0, s1;
    uint64_t a0, a1, a2, a3, a4, a5, a6, a7;
    uint64_t s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
    uint64_t t3, t4, t5, t6;
    uint64_t epc, status, cause, tval;
    uint64_t kernel_tp;
};

/* Callee-saved state of a kernel thread, as switch_context leaves it. */
struct context {
    uint64_t ra, sp;
    uint64_t s[12];
};

/* User floating-point state, saved only when the process dirtied it. */
struct fpu_state {
    uint64_t f[32];
    uint64_t fcsr;
};

static inline uint64_t tf_reg(const struct trapframe *tf, int n)
{
    return n == 0 ? 0 : ((const uint64_t *)tf)[n - 1];
}

void switch_context(struct context *save, const struct context *load);
void fpu_save(struct fpu_state *st);
void fpu_restore(const struct fpu_state *st);
#endif

#endif
