/* Inline access to CSRs and the few privileged instructions the kernel uses. */
#ifndef RISCV_CPU_H
#define RISCV_CPU_H

#include <stdint.h>
#include "csr.h"
#include "lib/trace.h"

/* Two levels so a CSR_* number from csr.h expands before it is turned into a string. */
#define CSR_STR_(x) #x
#define CSR_STR(x) CSR_STR_(x)
#define csr_read(csr) ({ uint64_t v_; __asm__ volatile("csrr %0, " CSR_STR(csr) : "=r"(v_)); v_; })
#define csr_write(csr, val) __asm__ volatile("csrw " CSR_STR(csr) ", %0" :: "rK"((uint64_t)(val)) : "memory")
#define csr_set(csr, bits) __asm__ volatile("csrs " CSR_STR(csr) ", %0" :: "rK"((uint64_t)(bits)) : "memory")
#define csr_clear(csr, bits) __asm__ volatile("csrc " CSR_STR(csr) ", %0" :: "rK"((uint64_t)(bits)) : "memory")

static inline void cpu_intr_on(void)  { csr_set(sstatus, SSTATUS_SIE); }
static inline void cpu_intr_off(void) { csr_clear(sstatus, SSTATUS_SIE); }
static inline int cpu_intr_enabled(void) { return (csr_read(sstatus) & SSTATUS_SIE) != 0; }
static inline void cpu_wfi(void) { __asm__ volatile("wfi" ::: "memory"); }
static inline uint64_t cpu_time(void) { uint64_t t; __asm__ volatile("rdtime %0" : "=r"(t)); return t; }
static inline uint64_t cpu_get_tp(void) { uint64_t t; __asm__ volatile("mv %0, tp" : "=r"(t)); return t; }
static inline void cpu_set_tp(uint64_t t) { __asm__ volatile("mv tp, %0" :: "r"(t)); }
static inline uint64_t cpu_frame_pointer(void) { uint64_t f; __asm__ volatile("mv %0, s0" : "=r"(f)); return f; }

/* TLB maintenance: see docs/memory.md for when each form is used. */
static inline void cpu_sfence_all(void) { kstat_inc(KSTAT_SFENCE_VMA); __asm__ volatile("sfence.vma zero, zero" ::: "memory"); }
static inline void cpu_sfence_asid(uint64_t asid) { kstat_inc(KSTAT_SFENCE_VMA); __asm__ volatile("sfence.vma zero, %0" :: "r"(asid) : "memory"); }
static inline void cpu_sfence_page(uint64_t va) { kstat_inc(KSTAT_SFENCE_VMA); __asm__ volatile("sfence.vma %0, zero" :: "r"(va) : "memory"); }
static inline void cpu_sfence_page_asid(uint64_t va, uint64_t asid)
{
    kstat_inc(KSTAT_SFENCE_VMA);
    __asm__ volatile("sfence.vma %0, %1" :: "r"(va), "r"(asid) : "memory");
}

#endif
