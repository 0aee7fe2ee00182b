/* The trap vector (stvec, direct mode) and the return to U-mode.
 * sscratch holds the current process's trapframe while in U-mode and 0 while in S-mode,
 * which is how one vector tells the two apart. See docs/trap-flow.md. */
#include "csr.h"
#include "trapframe.h"

/* Store x1, x3..x31 (not sp) at \base; tp is saved too. */
.macro SAVE_GPRS base
    sd ra, 0(\base)
    sd gp, 16(\base)
    sd tp, 24(\base)
    sd t0, 32(\base)
    sd t1, 40(\base)
    sd t2, 48(\base)
    sd s0, 56(\base)
    sd s1, 64(\base)
    sd a0, 72(\base)
    sd a1, 80(\base)
    sd a2, 88(\base)
    sd a3, 96(\base)
    sd a4, 104(\base)
    sd a5, 112(\base)
    sd a6, 120(\base)
    sd a7, 128(\base)
    sd s2, 136(\base)
    sd s3, 144(\base)
    sd s4, 152(\base)
    sd s5, 160(\base)
    sd s6, 168(\base)
    sd s7, 176(\base)
    sd s8, 184(\base)
    sd s9, 192(\base)
    sd s10, 200(\base)
    sd s11, 208(\base)
    sd t3, 216(\base)
    sd t4, 224(\base)
    sd t5, 232(\base)
    sd t6, 240(\base)
.endm

.macro LOAD_GPRS base
    ld ra, 0(\base)
    ld gp, 16(\base)
    ld tp, 24(\base)
    ld t0, 32(\base)
    ld t1, 40(\base)
    ld t2, 48(\base)
    ld s0, 56(\base)
    ld s1, 64(\base)
    ld a0, 72(\base)
    ld a1, 80(\base)
    ld a2, 88(\base)
    ld a3, 96(\base)
    ld a4, 104(\base)
    ld a5, 112(\base)
    ld a6, 120(\base)
    ld a7, 128(\base)
    ld s2, 136(\base)
    ld s3, 144(\base)
    ld s4, 152(\base)
    ld s5, 160(\base)
    ld s6, 168(\base)
    ld s7, 176(\base)
    ld s8, 184(\base)
    ld s9, 192(\base)
    ld s10, 200(\base)
    ld s11, 208(\base)
    ld t3, 216(\base)
    ld t4, 224(\base)
    ld t5, 232(\base)
    ld t6, 240(\base)
.endm

    .text
    .align 2
    .globl trap_vector
trap_vector:
    csrrw   sp, CSR_SSCRATCH, sp        /* sp = trapframe (from U) or 0 (from S) */
    beqz    sp, trap_from_s

    /* From U-mode: sp is this process's trapframe, at the top of its kernel stack. */
    SAVE_GPRS sp
    csrrw   t0, CSR_SSCRATCH, zero      /* user sp; sscratch = 0 marks "in the kernel" */
    sd      t0, TF_SP(sp)
    csrr    t0, CSR_SEPC
    sd      t0, TF_EPC(sp)
    csrr    t0, CSR_SSTATUS
    sd      t0, TF_STATUS(sp)
    csrr    t0, CSR_SCAUSE
    sd      t0, TF_CAUSE(sp)
    csrr    t0, CSR_STVAL
    sd      t0, TF_TVAL(sp)
    ld      tp, TF_KTP(sp)
    mv      s0, zero                    /* backtraces stop at the user boundary */
    mv      a0, sp
    call    trap_user                   /* may switch processes; returns on this stack */
    mv      a0, sp
    /* fall through */

    /* trap_return_user(tf): enter U-mode with the registers in tf. Interrupts are off. */
    .globl trap_return_user
trap_return_user:
    mv      sp, a0
    sd      tp, TF_KTP(sp)              /* the hart we leave from is the hart we come back to */
    ld      t0, TF_EPC(sp)
    csrw    CSR_SEPC, t0
    ld      t0, TF_STATUS(sp)
    csrw    CSR_SSTATUS, t0
    csrw    CSR_SSCRATCH, sp
    LOAD_GPRS sp
    ld      sp, TF_SP(sp)
    sret

    /* From S-mode: the frame goes on this hart's trap stack, not the interrupted stack, so a
     * fault caused by a kernel stack running into its guard page can still be reported. A trap
     * taken while already on the trap stack (nested) pushes below the current sp instead. */
trap_from_s:
    csrrw   sp, CSR_SSCRATCH, sp        /* back to the interrupted sp; sscratch = 0 */
    csrw    CSR_SSCRATCH, t0            /* borrow t0 for a moment (no fault can happen here) */
    ld      t0, CPU_TRAP_STACK_TOP(tp)
    bgtu    sp, t0, 1f                  /* above the trap stack: switch to it */
    ld      t0, CPU_TRAP_STACK_BOTTOM(tp)
    bgtu    sp, t0, 2f                  /* inside it: nested, stay */
1:  ld      t0, CPU_TRAP_STACK_TOP(tp)
    addi    t0, t0, -TF_SIZE
    sd      sp, TF_SP(t0)
    mv      sp, t0
    j       3f
2:  addi    sp, sp, -TF_SIZE
    addi    t0, sp, TF_SIZE
    sd      t0, TF_SP(sp)
3:  csrrw   t0, CSR_SSCRATCH, zero      /* t0 back; sscratch = 0: "in the kernel" again */
    SAVE_GPRS sp
    csrr    t0, CSR_SEPC
    sd      t0, TF_EPC(sp)
    csrr    t0, CSR_SSTATUS
    sd      t0, TF_STATUS(sp)
    csrr    t0, CSR_SCAUSE
    sd      t0, TF_CAUSE(sp)
    csrr    t0, CSR_STVAL
    sd      t0, TF_TVAL(sp)
    mv      a0, sp
    call    trap_kernel
    ld      t0, TF_EPC(sp)
    csrw    CSR_SEPC, t0
    ld      t0, TF_STATUS(sp)
    csrw    CSR_SSTATUS, t0
    LOAD_GPRS sp
    ld      sp, TF_SP(sp)
    sret
