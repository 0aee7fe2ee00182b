/* Device-tree discovery: what the kernel learns from the firmware's DTB
 * (RAM, reservations, console UART, PLIC, harts, /chosen) in one struct. */
#ifndef DEV_DEVTREE_H
#define DEV_DEVTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DT_MAX_MEM   8
#define DT_MAX_RESV  16
#define DT_MAX_HARTS 16

struct dt_range { uint64_t base, size; };

enum dt_uart_kind { DT_UART_NONE = 0, DT_UART_NS16550, DT_UART_SIFIVE };

struct dt_uart {
    enum dt_uart_kind kind;
    uint64_t base, size;
    uint32_t reg_shift, reg_io_width;   /* defaults 0 and 1 */
    uint32_t irq;                       /* 0 if none */
    uint32_t clock_hz;                  /* 0 if absent */
    char compatible[32];                /* the compatible string that matched */
    char path[64];                      /* node path, e.g. /soc/serial@10000000 */
};

struct dt_plic {
    bool present;
    uint64_t base, size;
    uint32_t ndev;                      /* riscv,ndev */
};

struct dt_hart {
    uint32_t hartid;                    /* reg */
    bool okay;                          /* status absent or "okay"/"ok" */
    bool has_mmu;                       /* mmu-type present and riscv,sv39/48/57 */
    char mmu_type[16];                  /* e.g. "riscv,sv48", "" if absent */
    char isa[96];                       /* riscv,isa (truncated if longer) */
    bool has_sstc;                      /* "sstc" in riscv,isa ("_sstc") or in riscv,isa-extensions */
    int plic_s_context;                 /* PLIC context index for this hart's S-mode external irq (9), -1 if none */
};

/* -- blk -- */
#define DT_MAX_VIRTIO 8                 /* QEMU virt has eight virtio-mmio transports */
struct dt_virtio {
    uint64_t base, size;                /* the transport's register window */
    uint32_t irq;                       /* its PLIC source */
};
/* (end of blk) */

struct machine_info {
    char model[64];
    struct dt_range mem[DT_MAX_MEM];    int nmem;        /* /memory* nodes (device_type "memory"), all reg entries */
    struct dt_range reserved[DT_MAX_RESV]; int nreserved; /* memreserve block + every /reserved-memory child with reg */
    char bootargs[256];                 /* /chosen bootargs, "" if absent */
    char stdout_path[64];               /* /chosen stdout-path as given */
    bool has_initrd; uint64_t initrd_start, initrd_end; /* /chosen linux,initrd-start/-end (u32 or u64 cells) */
    uint64_t timebase_hz;               /* /cpus timebase-frequency (or first cpu's), 0 if none */
    struct dt_uart uart;                /* the console */
    struct dt_plic plic;
    struct dt_hart harts[DT_MAX_HARTS]; int nharts;
    uint64_t dtb_size;                  /* header totalsize, so the kernel can reserve the blob */
    bool has_rtc; uint64_t rtc_base;    /* google,goldfish-rtc (QEMU virt): wall-clock time */
    /* -- blk -- */
    struct dt_virtio virtio[DT_MAX_VIRTIO]; int nvirtio; /* okay "virtio,mmio" nodes, DT order */
    /* (end of blk) */
};

/* Parse the blob (reading at most maxlen bytes). Returns 0, or -EINVAL with a message in err.
 * On success err holds "" or "; "-separated notes on what was skipped (limits, untranslatable
 * devices, console fallback); they are not errors. err may be NULL when errlen is 0. */
int devtree_scan(const void *blob, size_t maxlen, struct machine_info *mi, char *err, size_t errlen);
/* Helpers the kernel uses: */
const struct dt_hart *devtree_boot_hart(const struct machine_info *mi, uint32_t hartid); /* NULL if unknown */

#endif
