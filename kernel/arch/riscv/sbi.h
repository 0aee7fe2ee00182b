/* Calls into the SBI firmware (OpenSBI) running in M-mode. */
#ifndef RISCV_SBI_H
#define RISCV_SBI_H

#include <stdint.h>
#include <stdbool.h>

#define SBI_EXT_LEGACY_SET_TIMER  0x00
#define SBI_EXT_LEGACY_PUTCHAR    0x01
#define SBI_EXT_LEGACY_GETCHAR    0x02
#define SBI_EXT_LEGACY_SHUTDOWN   0x08
#define SBI_EXT_BASE   0x10
#define SBI_EXT_TIME   0x54494D45
#define SBI_EXT_IPI    0x735049
#define SBI_EXT_RFENCE 0x52464E43
#define SBI_EXT_HSM    0x48534D
#define SBI_EXT_SRST   0x53525354
#define SBI_EXT_DBCN   0x4442434E

#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_GET_IMPL_ID      1
#define SBI_BASE_GET_IMPL_VERSION 2
#define SBI_BASE_PROBE_EXTENSION  3
#define SBI_TIME_SET_TIMER        0
#define SBI_DBCN_WRITE_BYTE       2
#define SBI_SRST_RESET            0
#define SBI_SRST_SHUTDOWN         0
#define SBI_SRST_COLD_REBOOT      1
#define SBI_SRST_REASON_NONE      0
#define SBI_SRST_REASON_FAILURE   1

struct sbi_ret { long error; long value; };

struct sbi_ret sbi_call(uint64_t ext, uint64_t fn, uint64_t a0, uint64_t a1, uint64_t a2);
void sbi_probe(void);                  /* learn which extensions the firmware offers */
bool sbi_has(uint64_t ext);            /* after sbi_probe */
void sbi_putchar(char c);              /* DBCN if offered, else legacy putchar */
void sbi_set_timer(uint64_t when);     /* TIME extension, else legacy set_timer */
void sbi_reset(int type, int reason);  /* SRST; falls back to legacy shutdown; returns if both fail */
void sbi_describe(void);               /* one banner line: spec version, implementation, extensions */
void sbi_send_ipi(uint64_t hart_mask);
/* sfence.vma on other harts: whole range [start, start+size), asid < 0 for all address spaces. */
void sbi_remote_sfence(uint64_t hart_mask, uint64_t start, uint64_t size, long asid);
/* fence.i on other harts (a mask of hart ids); returns when they have executed it. */
void sbi_remote_fence_i(uint64_t hart_mask);
long sbi_hart_start(uint64_t hartid, uint64_t start_pa, uint64_t opaque);

#endif
