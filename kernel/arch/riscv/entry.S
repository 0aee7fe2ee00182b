/* The first instructions: a Linux RISC-V Image header (so U-Boot's booti accepts us), then
 * the boot hart's path from OpenSBI's hand-over (a0 = hart id, a1 = DT, MMU off) to kmain at its linked address. */
#include "csr.h"
#include "memlayout.h"

    .section .head.text, "ax"
    .option push
    .option norvc
    .globl _start
_start:
    j       boot_entry              /* code0 */
    nop                             /* code1 */
    .dword  0x200000                /* text_offset: loaders place us at RAM base + 2 MiB */
    .dword  _image_size             /* image_size: through the end of .bss */
    .dword  0                       /* flags: little-endian */
    .word   2                       /* version 0.2 */
    .word   0
    .dword  0
    .ascii  "RISCV\0\0\0"           /* magic (deprecated, still checked by some loaders) */
    .ascii  "RSC\x05"               /* magic2: booti refuses images without it */
    .word   0
    .option pop

    .text
boot_entry:
    csrw    CSR_SIE, zero
    csrw    CSR_SSCRATCH, zero
    la      t0, boot_early_trap_entry   /* pc-relative: a physical address until the MMU is on */
    csrw    CSR_STVEC, t0
    /* Old firmware may release every hart here: the first one boots, the others park. */
    la      t0, boot_lottery
    li      t1, 1
    amoadd.w t1, t1, (t0)
    bnez    t1, boot_park
    la      t0, _bss_start
    la      t1, _bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  la      sp, boot_stack_top
    mv      s0, a0
    mv      s1, a1
    la      a2, _start
    call    boot_early_mmu          /* returns the satp value of the boot page table */
    csrw    CSR_SATP, a0
    sfence.vma zero, zero
    fence.i                         /* the loader's stores wrote this text: fetch it afresh */
    /* Still at the physical pc (identity-mapped); continue at the linked addresses. */
    ld      sp, .Lboot_stack_va
    ld      t0, .Lkmain_va
    mv      a0, s0
    mv      a1, s1
    mv      s0, zero                /* terminate backtraces */
    mv      ra, zero
    jr      t0

boot_park:
    wfi
    j       boot_park

    /* Secondary harts, started by SBI HSM: a0 = hart id, a1 = cpus[] index. MMU off. */
    .globl secondary_entry
secondary_entry:
    csrw    CSR_SIE, zero
    csrw    CSR_SSCRATCH, zero
    la      t0, boot_early_trap_entry
    csrw    CSR_STVEC, t0
    ld      t0, boot_satp
    csrw    CSR_SATP, t0
    sfence.vma zero, zero
    fence.i                         /* a hart that never ran the kernel: same rule as hart 0 */
    /* This hart's boot stack: secondary_stacks + (index + 1) * BOOT_STACK_SIZE. */
    ld      sp, .Lsecondary_stacks_va
    addi    t1, a1, 1
    li      t2, BOOT_STACK_SIZE
    mul     t1, t1, t2
    add     sp, sp, t1
    ld      t0, .Lsecondary_main_va
    mv      s0, zero
    mv      ra, zero
    jr      t0

    .align 3
.Lboot_stack_va:
    .dword  boot_stack_top
.Lkmain_va:
    .dword  kmain
.Lsecondary_stacks_va:
    .dword  secondary_stacks
.Lsecondary_main_va:
    .dword  secondary_main

    /* Traps before the real vector is installed: save nothing, just report and stop. */
    .align 2
boot_early_trap_entry:
    csrr    a0, CSR_SCAUSE
    csrr    a1, CSR_SEPC
    csrr    a2, CSR_STVAL
    call    boot_early_trap

    .data
    .align 2
boot_lottery:
    .word   0

    .bss
    .align 12
    .globl boot_stack_top
boot_stack:
    .space  BOOT_STACK_SIZE
boot_stack_top:
    .align 12
secondary_stacks:
    .space  BOOT_STACK_SIZE * MAX_HARTS
