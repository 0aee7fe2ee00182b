/* The RISC-V hardware contract: CSR numbers, bits, trap causes and PTE flags.
 * Usable from C and from assembly; every magic number the kernel uses is named here. */
#ifndef RISCV_CSR_H
#define RISCV_CSR_H

#ifdef __ASSEMBLER__
#define CSR_UL(x) x
#else
#define CSR_UL(x) x##UL
#endif

/* Supervisor CSR numbers (privileged spec, table 2.2). */
#define CSR_SSTATUS   0x100
#define CSR_SIE       0x104
#define CSR_STVEC     0x105
#define CSR_SCOUNTEREN 0x106
#define CSR_SENVCFG   0x10a
#define CSR_SSCRATCH  0x140
#define CSR_SEPC      0x141
#define CSR_SCAUSE    0x142
#define CSR_STVAL     0x143
#define CSR_SIP       0x144
#define CSR_STIMECMP  0x14d
#define CSR_SATP      0x180
#define CSR_CYCLE     0xc00
#define CSR_TIME      0xc01
#define CSR_INSTRET   0xc02

/* sstatus bits */
#define SSTATUS_SIE   (CSR_UL(1) << 1)   /* interrupts enabled in S-mode */
#define SSTATUS_SPIE  (CSR_UL(1) << 5)   /* SIE before the trap; sret copies it back */
#define SSTATUS_UBE   (CSR_UL(1) << 6)
#define SSTATUS_SPP   (CSR_UL(1) << 8)   /* privilege before the trap: 1 = S, 0 = U */
#define SSTATUS_VS    (CSR_UL(3) << 9)
#define SSTATUS_FS    (CSR_UL(3) << 13)  /* FPU state: 0 off, 1 initial, 2 clean, 3 dirty */
#define SSTATUS_FS_INITIAL (CSR_UL(1) << 13)
#define SSTATUS_FS_CLEAN   (CSR_UL(2) << 13)
#define SSTATUS_FS_DIRTY   (CSR_UL(3) << 13)
#define SSTATUS_XS    (CSR_UL(3) << 15)
#define SSTATUS_SUM   (CSR_UL(1) << 18)  /* S-mode may touch U pages */
#define SSTATUS_MXR   (CSR_UL(1) << 19)
#define SSTATUS_SD    (CSR_UL(1) << 63)

/* sie / sip bits */
#define SIE_SSIE      (CSR_UL(1) << 1)   /* software (IPI) */
#define SIE_STIE      (CSR_UL(1) << 5)   /* timer */
#define SIE_SEIE      (CSR_UL(1) << 9)   /* external (PLIC) */

/* scounteren: let U-mode read cycle, time and instret */
#define SCOUNTEREN_CY (CSR_UL(1) << 0)
#define SCOUNTEREN_TM (CSR_UL(1) << 1)
#define SCOUNTEREN_IR (CSR_UL(1) << 2)

/* stvec modes */
#define STVEC_MODE_DIRECT   0
#define STVEC_MODE_VECTORED 1

/* scause: top bit set for interrupts */
#define SCAUSE_INTERRUPT    (CSR_UL(1) << 63)
#define SCAUSE_CODE_MASK    (~SCAUSE_INTERRUPT)

/* Interrupt codes (scause with SCAUSE_INTERRUPT) */
#define IRQ_S_SOFT    1
#define IRQ_S_TIMER   5
#define IRQ_S_EXT     9
#define IRQ_M_EXT     11   /* seen in device-tree interrupts-extended, never in scause */

/* Exception codes */
#define EXC_INST_MISALIGNED   0
#define EXC_INST_ACCESS       1
#define EXC_ILLEGAL_INST      2
#define EXC_BREAKPOINT        3
#define EXC_LOAD_MISALIGNED   4
#define EXC_LOAD_ACCESS       5
#define EXC_STORE_MISALIGNED  6
#define EXC_STORE_ACCESS      7
#define EXC_ECALL_U           8
#define EXC_ECALL_S           9
#define EXC_INST_PAGE_FAULT   12
#define EXC_LOAD_PAGE_FAULT   13
#define EXC_STORE_PAGE_FAULT  15

/* satp */
#define SATP_MODE_SHIFT 60
#define SATP_MODE_BARE  CSR_UL(0)
#define SATP_MODE_SV39  CSR_UL(8)
#define SATP_MODE_SV48  CSR_UL(9)
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK  CSR_UL(0xffff)
#define SATP_PPN_MASK   ((CSR_UL(1) << 44) - 1)

/* Sv39 page-table entries */
#define PTE_V   (CSR_UL(1) << 0)
#define PTE_R   (CSR_UL(1) << 1)
#define PTE_W   (CSR_UL(1) << 2)
#define PTE_X   (CSR_UL(1) << 3)
#define PTE_U   (CSR_UL(1) << 4)
#define PTE_G   (CSR_UL(1) << 5)
#define PTE_A   (CSR_UL(1) << 6)
#define PTE_D   (CSR_UL(1) << 7)
#define PTE_RSW_COW (CSR_UL(1) << 8)     /* software bit: page is shared copy-on-write */
#define PTE_PPN_SHIFT 10
#define PTE_FLAGS_MASK CSR_UL(0x3ff)

#define PAGE_SHIFT      12
#define PAGE_SIZE       (CSR_UL(1) << PAGE_SHIFT)
#define SV39_LEVELS     3
#define SV39_VPN_BITS   9
#define SV39_VA_BITS    39

#endif
