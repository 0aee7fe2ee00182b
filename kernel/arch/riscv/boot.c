/* The first C code: runs at the physical load address with the MMU off, so it may use
 * only pc-relative addressing (no pointers stored in data). It builds the boot page table. */
#include <stdint.h>
#include "csr.h"
#include "memlayout.h"
#include "sbi.h"

#define GIGA   (CSR_UL(1) << 30)
#define MEGA2  (CSR_UL(1) << 21)
#define LEAF_RWX (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define LEAF_RW  (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

extern char _kernel_start[], _kernel_end[];

/* Written here at the physical address, read later through the kernel mapping. */
uint64_t kernel_phys_base;
/* The boot table's satp: secondary harts start on it (it maps their physical pc 1:1). */
uint64_t boot_satp;

static uint64_t boot_root[512] __attribute__((aligned(4096)));
static uint64_t boot_kernel_l1[512] __attribute__((aligned(4096)));

static void boot_puts(const char *s)
{
    while (*s)
        sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (uint8_t)*s++, 0, 0);
}

static void boot_puthex(uint64_t v)
{
    char buf[19];
    buf[0] = '0';
    buf[1] = 'x';
    for (int i = 0; i < 16; i++) {
        unsigned d = (v >> (60 - 4 * i)) & 0xf;
        buf[2 + i] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
    }
    buf[18] = 0;
    boot_puts(buf);
}

static __attribute__((noreturn)) void boot_stop(void)
{
    sbi_call(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_SHUTDOWN, SBI_SRST_REASON_FAILURE, 0);
    sbi_call(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0, 0);
    for (;;)
        __asm__ volatile("wfi");
}

/* Reached from boot_early_trap_entry: anything that faults before trap_init. */
__attribute__((noreturn)) void boot_early_trap(uint64_t scause, uint64_t sepc, uint64_t stval)
{
    boot_puts("rvix: early trap scause=");
    boot_puthex(scause);
    boot_puts(" sepc=");
    boot_puthex(sepc);
    boot_puts(" stval=");
    boot_puthex(stval);
    boot_puts("\n");
    boot_stop();
}

/* Map: the image's own gigabyte(s) 1:1 (for the instructions right after satp is written),
 * the first 128 GiB of physical space at DIRECT_MAP_BASE, and the image at KERNEL_LINK_BASE. */
uint64_t boot_early_mmu(uint64_t hartid, uint64_t dtb, uint64_t pa_start)
{
    uint64_t size = (uint64_t)(_kernel_end - _kernel_start);
    (void)hartid;
    (void)dtb;
    if (pa_start & (MEGA2 - 1)) {
        boot_puts("rvix: kernel loaded at ");
        boot_puthex(pa_start);
        boot_puts(", which is not 2 MiB aligned\n");
        boot_stop();
    }
    kernel_phys_base = pa_start;
    for (uint64_t g = pa_start / GIGA; g <= (pa_start + size - 1) / GIGA; g++)
        boot_root[g] = ((g * GIGA) >> PAGE_SHIFT << PTE_PPN_SHIFT) | LEAF_RWX;
    for (uint64_t i = 0; i < DIRECT_MAP_SIZE / GIGA; i++)
        boot_root[256 + i] = ((i * GIGA) >> PAGE_SHIFT << PTE_PPN_SHIFT) | LEAF_RW | PTE_G;
    for (uint64_t j = 0; j * MEGA2 < size; j++)
        boot_kernel_l1[j] = ((pa_start + j * MEGA2) >> PAGE_SHIFT << PTE_PPN_SHIFT) | LEAF_RWX | PTE_G;
    boot_root[(KERNEL_LINK_BASE >> 30) & 511] =
        ((uint64_t)boot_kernel_l1 >> PAGE_SHIFT << PTE_PPN_SHIFT) | PTE_V;
    boot_satp = (SATP_MODE_SV39 << SATP_MODE_SHIFT) | ((uint64_t)boot_root >> PAGE_SHIFT);
    return boot_satp;
}
