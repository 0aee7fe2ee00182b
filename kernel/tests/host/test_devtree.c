// SOURCES: kernel/lib/fdt.c kernel/dev/devtree.c
/* Host tests for device-tree discovery: QEMU's own virt and sifive_u trees, our board trees
 * (HiFive Unmatched, VisionFive 2), feature and limit trees, malformed input and mutation fuzzing. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dev/devtree.h"
#include "lib/errno.h"

#define MiB (1024ull * 1024)
#define GiB (1024 * MiB)
#include "dtblob.h"

static struct machine_info mi;  /* large; static keeps the test stack small */
static char err[512];

/* Load and scan; returns the scan result, or 1 if the file is missing. */
static int scan_file(const char *name)
{
    struct blob b = load(name);
    int r;

    CHECK(b.data != NULL);
    if (!b.data)
        return 1;
    r = devtree_scan(b.data, b.len, &mi, err, sizeof err);
    if (r)
        fprintf(stderr, "  %s: %s\n", name, err);
    free(b.data);
    return r;
}

static bool has_note(const char *s)
{
    bool found = strstr(err, s) != NULL;

    if (!found)
        fprintf(stderr, "  note '%s' missing from '%s'\n", s, err);
    return found;
}

/* Harts 0..n-1 with S context 2h+1 (QEMU virt: M then S for each hart). */
static void check_virt_harts(int n)
{
    int h;

    CHECK_EQ(mi.nharts, n);
    for (h = 0; h < n && h < DT_MAX_HARTS; h++) {
        CHECK_EQ(mi.harts[h].hartid, h);
        CHECK(mi.harts[h].okay);
        CHECK(mi.harts[h].has_mmu);
        CHECK_EQ(strcmp(mi.harts[h].mmu_type, "riscv,sv48"), 0);
        CHECK(strncmp(mi.harts[h].isa, "rv64imafdc", 10) == 0);
        CHECK(mi.harts[h].has_sstc);        /* QEMU 7.2 advertises _sstc */
        CHECK_EQ(mi.harts[h].plic_s_context, 2 * h + 1);
    }
}

static void check_virt_common(void)
{
    CHECK_EQ(strcmp(mi.model, "riscv-virtio,qemu"), 0);
    CHECK_EQ(mi.timebase_hz, 10000000);
    CHECK_EQ(mi.uart.kind, DT_UART_NS16550);
    CHECK_EQ(mi.uart.base, 0x10000000);
    CHECK_EQ(mi.uart.size, 0x100);
    CHECK_EQ(mi.uart.irq, 10);
    CHECK_EQ(mi.uart.clock_hz, 3686400);
    CHECK_EQ(mi.uart.reg_shift, 0);
    CHECK_EQ(mi.uart.reg_io_width, 1);
    CHECK_EQ(strcmp(mi.uart.compatible, "ns16550a"), 0);
    CHECK_EQ(strcmp(mi.uart.path, "/soc/serial@10000000"), 0);
    CHECK_EQ(strcmp(mi.stdout_path, "/soc/serial@10000000"), 0);
    CHECK(mi.plic.present);
    CHECK_EQ(mi.plic.base, 0xc000000);
    CHECK_EQ(mi.plic.size, 0x600000);
    CHECK_EQ(mi.plic.ndev, 96);
    CHECK_EQ(mi.nmem, 1);
    CHECK_EQ(mi.mem[0].base, 0x80000000);
    CHECK_EQ(mi.nreserved, 0);
    CHECK_EQ(strcmp(mi.bootargs, ""), 0);
    CHECK(!mi.has_initrd);
    CHECK_EQ(strcmp(err, ""), 0);           /* nothing skipped, no notes */
}

static void test_qemu_virt(void)
{
    struct blob b = load("qemu-virt.dtb");

    CHECK_EQ(scan_file("qemu-virt.dtb"), 0);
    check_virt_common();
    CHECK_EQ(mi.mem[0].size, 256 * MiB);
    check_virt_harts(4);
    CHECK(b.data && mi.dtb_size == get32(b.data + 4));
    CHECK(mi.dtb_size < b.len);             /* the dump is padded; only totalsize counts */
    free(b.data);
}

/* -- blk -- */
/* QEMU virt's eight transports, listed highest address first, IRQs 8 down to 1. */
static void check_virt_virtio(void)
{
    int i;

    CHECK_EQ(mi.nvirtio, 8);
    for (i = 0; i < mi.nvirtio && i < DT_MAX_VIRTIO; i++) {
        CHECK_EQ(mi.virtio[i].base, 0x10008000 - 0x1000 * (uint64_t)i);
        CHECK_EQ(mi.virtio[i].size, 0x1000);
        CHECK_EQ(mi.virtio[i].irq, 8 - i);
    }
}

static void test_virtio_slots(void)
{
    int i;

    CHECK_EQ(scan_file("qemu-virt-1.dtb"), 0);
    check_virt_virtio();
    CHECK_EQ(scan_file("virtio.dtb"), 0);
    CHECK_EQ(mi.nvirtio, DT_MAX_VIRTIO);
    CHECK_EQ(mi.virtio[0].base, 0x10008000);
    CHECK_EQ(mi.virtio[0].irq, 8);
    for (i = 1; i < DT_MAX_VIRTIO; i++) {       /* the broken and disabled nodes took no slot */
        CHECK_EQ(mi.virtio[i].base, 0x20000000 + 0x1000 * (uint64_t)(i - 1));
        CHECK_EQ(mi.virtio[i].irq, 20 + i - 1);
    }
    CHECK(has_note("/soc/virtio_mmio@10007000: virtio-mmio without a register window, skipped"));
    CHECK(has_note("/soc/virtio_mmio@10006000: virtio-mmio without an interrupt, skipped"));
    CHECK(has_note("/soc/virtio_mmio@10004000: virtio-mmio without a register window, skipped"));
    CHECK(has_note("more than 8 virtio-mmio nodes, ignoring /soc/virtio_mmio@20007000 and later ones"));
    CHECK(!strstr(err, "10005000"));            /* disabled: silently ignored */
}
/* (end of blk) */

static void test_qemu_virt_1hart(void)
{
    CHECK_EQ(scan_file("qemu-virt-1.dtb"), 0);
    check_virt_common();
    CHECK_EQ(mi.mem[0].size, 128 * MiB);
    check_virt_harts(1);
}

/* FU540/FU740/JH7110 layout: hart 0 has only an M context (0); hart h>0 has M 2h-1, S 2h. */
static void check_sifive_harts(bool hart0_okay, const char *mmu)
{
    int h;

    CHECK_EQ(mi.nharts, 5);
    CHECK_EQ(mi.harts[0].hartid, 0);
    CHECK(!mi.harts[0].has_mmu);
    CHECK_EQ(mi.harts[0].okay, hart0_okay);
    CHECK_EQ(strcmp(mi.harts[0].mmu_type, ""), 0);
    CHECK_EQ(mi.harts[0].plic_s_context, -1);
    for (h = 1; h < 5; h++) {
        CHECK_EQ(mi.harts[h].hartid, h);
        CHECK(mi.harts[h].okay);
        CHECK(mi.harts[h].has_mmu);
        CHECK_EQ(strcmp(mi.harts[h].mmu_type, mmu), 0);
        CHECK(!mi.harts[h].has_sstc);
        CHECK_EQ(mi.harts[h].plic_s_context, 2 * h);
    }
    CHECK(mi.plic.present);
    CHECK_EQ(mi.plic.base, 0xc000000);
    CHECK_EQ(mi.plic.size, 0x4000000);
}

static void test_qemu_sifive_u(void)
{
    CHECK_EQ(scan_file("qemu-sifive-u.dtb"), 0);
    CHECK_EQ(strcmp(mi.model, "SiFive HiFive Unleashed A00"), 0);
    CHECK_EQ(mi.uart.kind, DT_UART_SIFIVE);
    CHECK_EQ(mi.uart.base, 0x10010000);
    CHECK_EQ(mi.uart.size, 0x1000);
    CHECK_EQ(mi.uart.irq, 4);
    CHECK_EQ(mi.uart.clock_hz, 0);
    CHECK_EQ(strcmp(mi.uart.compatible, "sifive,uart0"), 0);
    CHECK_EQ(strcmp(mi.uart.path, "/soc/serial@10010000"), 0);
    CHECK_EQ(mi.timebase_hz, 1000000);
    CHECK_EQ(mi.nmem, 1);
    CHECK_EQ(mi.mem[0].base, 0x80000000);
    CHECK_EQ(mi.mem[0].size, 256 * MiB);
    check_sifive_harts(true, "riscv,sv48");
    CHECK_EQ(mi.plic.ndev, 0x35);
    CHECK(devtree_boot_hart(&mi, 0) == &mi.harts[0]);
    CHECK(!devtree_boot_hart(&mi, 0)->has_mmu);  /* the kernel skips the E51 by this */
}

static void test_hifive_unmatched(void)
{
    CHECK_EQ(scan_file("hifive-unmatched.dtb"), 0);
    CHECK_EQ(strcmp(mi.model, "SiFive HiFive Unmatched A00"), 0);
    CHECK_EQ(mi.uart.kind, DT_UART_SIFIVE);
    CHECK_EQ(mi.uart.base, 0x10010000);
    CHECK_EQ(mi.uart.irq, 39);
    CHECK_EQ(strcmp(mi.uart.compatible, "sifive,uart0"), 0);    /* fu740-c000-uart is not known */
    CHECK_EQ(strcmp(mi.uart.path, "/soc/serial@10010000"), 0);  /* stdout-path "serial0" alias */
    CHECK_EQ(strcmp(mi.stdout_path, "serial0"), 0);
    CHECK_EQ(mi.timebase_hz, 1000000);
    CHECK_EQ(mi.nmem, 1);
    CHECK_EQ(mi.mem[0].base, 0x80000000);
    CHECK_EQ(mi.mem[0].size, 16 * GiB);
    check_sifive_harts(false, "riscv,sv39");
    CHECK_EQ(mi.plic.ndev, 69);
    CHECK_EQ(strcmp(err, ""), 0);
}

static void test_visionfive2(void)
{
    CHECK_EQ(scan_file("visionfive2.dtb"), 0);
    CHECK_EQ(strcmp(mi.model, "StarFive VisionFive 2 v1.3B"), 0);
    CHECK_EQ(mi.uart.kind, DT_UART_NS16550);
    CHECK_EQ(mi.uart.base, 0x10000000);
    CHECK_EQ(mi.uart.size, 0x10000);
    CHECK_EQ(mi.uart.reg_shift, 2);
    CHECK_EQ(mi.uart.reg_io_width, 4);
    CHECK_EQ(mi.uart.clock_hz, 24000000);
    CHECK_EQ(mi.uart.irq, 32);
    CHECK_EQ(strcmp(mi.uart.compatible, "snps,dw-apb-uart"), 0);
    CHECK_EQ(strcmp(mi.stdout_path, "serial0:115200n8"), 0);
    CHECK_EQ(mi.timebase_hz, 4000000);
    CHECK_EQ(mi.nmem, 1);
    CHECK_EQ(mi.mem[0].base, 0x40000000);
    CHECK_EQ(mi.mem[0].size, 4 * GiB);
    check_sifive_harts(false, "riscv,sv39");
    CHECK_EQ(mi.plic.ndev, 136);
    CHECK_EQ(strcmp(err, ""), 0);
}

static void test_features(void)
{
    CHECK_EQ(scan_file("features.dtb"), 0);
    CHECK_EQ(strcmp(mi.model, "test,features"), 0);
    /* memreserve block first, then /reserved-memory children with reg (dma-pool has none) */
    CHECK_EQ(mi.nreserved, 4);
    CHECK_EQ(mi.reserved[0].base, 0x88000000);
    CHECK_EQ(mi.reserved[0].size, 0x100000);
    CHECK_EQ(mi.reserved[1].base, 0x9000000000ull);
    CHECK_EQ(mi.reserved[1].size, 0x2000);
    CHECK_EQ(mi.reserved[2].base, 0x80000000);
    CHECK_EQ(mi.reserved[2].size, 0x40000);
    CHECK_EQ(mi.reserved[3].base, 0x80040000);
    CHECK_EQ(mi.reserved[3].size, 0x20000);
    /* two entries in one node, an empty entry dropped, a disabled node ignored */
    CHECK_EQ(mi.nmem, 3);
    CHECK_EQ(mi.mem[0].base, 0x80000000);
    CHECK_EQ(mi.mem[1].base, 0x90000000);
    CHECK_EQ(mi.mem[1].size, 0x8000000);
    CHECK_EQ(mi.mem[2].base, 0x100000000ull);
    CHECK_EQ(mi.mem[2].size, 4 * GiB);
    CHECK_EQ(strcmp(mi.bootargs, "console=ttyS0 root=/dev/ram rw"), 0);
    CHECK(mi.has_initrd);
    CHECK_EQ(mi.initrd_start, 0x88200000);
    CHECK_EQ(mi.initrd_end, 0x88400000);
    /* stdout-path "serial1:115200n8" -> alias -> a UART behind a translating bus */
    CHECK_EQ(strcmp(mi.stdout_path, "serial1:115200n8"), 0);
    CHECK_EQ(mi.uart.kind, DT_UART_NS16550);
    CHECK_EQ(mi.uart.base, 0x20000100);
    CHECK_EQ(mi.uart.size, 0x100);
    CHECK_EQ(mi.uart.irq, 5);
    CHECK_EQ(mi.uart.clock_hz, 1843200);
    CHECK_EQ(strcmp(mi.uart.compatible, "ns16550"), 0);
    CHECK_EQ(strcmp(mi.uart.path, "/bus@20000000/serial@100"), 0);
    /* timebase only on the first cpu */
    CHECK_EQ(mi.timebase_hz, 10000000);
    CHECK_EQ(mi.nharts, 3);
    CHECK(mi.harts[0].has_sstc);            /* riscv,isa "..._sstc" */
    CHECK(mi.harts[0].has_mmu);             /* sv57 */
    CHECK(mi.harts[1].has_sstc);            /* riscv,isa-extensions */
    CHECK(mi.harts[1].okay);                /* "ok" */
    CHECK(!mi.harts[2].has_sstc);           /* "_zsstcx_sstcy" is not sstc */
    CHECK(!mi.harts[2].okay);               /* "fail" */
    CHECK(!mi.harts[2].has_mmu);            /* riscv,none */
    CHECK_EQ(strcmp(mi.harts[2].mmu_type, "riscv,none"), 0);
    /* contexts: a two-cell specifier of another controller shifts nothing but its own slot */
    CHECK_EQ(mi.harts[0].plic_s_context, 1);
    CHECK_EQ(mi.harts[1].plic_s_context, 3);    /* the first S context wins */
    CHECK_EQ(mi.harts[2].plic_s_context, 5);
    CHECK(mi.plic.present);
    CHECK_EQ(mi.plic.ndev, 31);
    CHECK_EQ(strcmp(err, ""), 0);
}

static void test_initrd64_nested_ranges(void)
{
    CHECK_EQ(scan_file("initrd64.dtb"), 0);
    CHECK(mi.has_initrd);
    CHECK_EQ(mi.initrd_start, 0x184000000ull);
    CHECK_EQ(mi.initrd_end, 0x184800000ull);
    CHECK_EQ(mi.timebase_hz, 25000000);         /* 64-bit cells */
    /* uart@200 in sub@1000000 (0x200 -> 0x1000200) in soc (-> 0x11000200) */
    CHECK_EQ(mi.uart.kind, DT_UART_NS16550);
    CHECK_EQ(mi.uart.base, 0x11000200);
    CHECK_EQ(mi.uart.size, 0x20);
    CHECK_EQ(mi.uart.irq, 3);
    CHECK_EQ(strcmp(mi.uart.path, "/soc/sub@1000000/uart@200"), 0);
    CHECK_EQ(mi.nharts, 1);
    CHECK_EQ(mi.harts[0].hartid, 7);
    CHECK_EQ(strlen(mi.harts[0].isa), sizeof mi.harts[0].isa - 1);  /* truncated, terminated */
    CHECK(has_note("riscv,isa truncated"));
    CHECK(!mi.plic.present);
    CHECK(devtree_boot_hart(&mi, 7) == &mi.harts[0]);
    CHECK(devtree_boot_hart(&mi, 0) == NULL);
}

static void test_console_fallback(void)
{
    CHECK_EQ(scan_file("fallback.dtb"), 0);
    CHECK(has_note("stdout-path '/soc/nothing@0' not found"));
    CHECK(has_note("/soc/private/serial@0: parent 'private' has no ranges"));
    CHECK(has_note("/soc/narrow/serial@2000: address 0x2000 is outside the ranges of 'narrow'"));
    /* the disabled and the untranslatable UARTs are passed over */
    CHECK_EQ(mi.uart.kind, DT_UART_NS16550);
    CHECK_EQ(mi.uart.base, 0x10001000);
    CHECK_EQ(mi.uart.irq, 12);                   /* from interrupts-extended */
    CHECK_EQ(mi.uart.reg_io_width, 1);
    CHECK_EQ(strcmp(mi.uart.compatible, "snps,dw-apb-uart"), 0);
    CHECK_EQ(strcmp(mi.uart.path, "/soc/serial@10001000"), 0);
    CHECK_EQ(mi.timebase_hz, 0);
    CHECK(!mi.plic.present);
}

static void test_limits(void)
{
    int h;

    CHECK_EQ(scan_file("limits.dtb"), 0);
    CHECK_EQ(mi.nharts, DT_MAX_HARTS);
    for (h = 0; h < DT_MAX_HARTS; h++) {
        CHECK_EQ(mi.harts[h].hartid, h);
        CHECK_EQ(mi.harts[h].plic_s_context, 2 * h + 1);
    }
    CHECK_EQ(mi.nmem, DT_MAX_MEM);
    CHECK_EQ(mi.mem[DT_MAX_MEM - 1].base, 0x80000000 + (DT_MAX_MEM - 1) * 0x1000000ull);
    CHECK_EQ(mi.nreserved, DT_MAX_RESV);
    CHECK_EQ(mi.reserved[DT_MAX_RESV - 1].base, 0x80000000 + (DT_MAX_RESV - 1) * 0x10000ull);
    CHECK(has_note("more than 16 harts, ignoring /cpus/cpu@10 and later ones"));
    CHECK(!strstr(err, "cpu@11"));          /* each limit is noted once */
    CHECK(has_note("more than 8 memory ranges, ignoring those from /memory@80000000 on"));
    CHECK(has_note("more than 16 reserved ranges, ignoring those from /reserved-memory/resv@80100000 on"));
    CHECK(has_note("no supported UART found"));
    CHECK_EQ(mi.uart.kind, DT_UART_NONE);
}

static void test_absurd_cells(void)
{
    CHECK_EQ(scan_file("badcells.dtb"), -EINVAL);
    CHECK_EQ(strcmp(err, "devtree: /soc: #address-cells = 100 is out of range (max 4)"), 0);
    CHECK_EQ(mi.nmem, 0);                   /* nothing half-filled on failure */
}

static void test_errors_and_buffers(void)
{
    static uint8_t junk[64] = { 0x12, 0x34, 0x56, 0x78 };
    struct blob b = load("qemu-virt.dtb");
    char tiny[12];

    CHECK_EQ(devtree_scan(junk, sizeof junk, &mi, err, sizeof err), -EINVAL);
    CHECK_EQ(strcmp(err, "fdt: bad magic 0x12345678 (expected 0xd00dfeed)"), 0);
    CHECK_EQ(devtree_scan(junk, sizeof junk, &mi, NULL, 0), -EINVAL);
    memset(tiny, 'x', sizeof tiny);
    CHECK_EQ(devtree_scan(junk, sizeof junk, &mi, tiny, sizeof tiny), -EINVAL);
    CHECK_EQ(strcmp(tiny, "fdt: bad ma"), 0);
    CHECK(b.data != NULL);
    if (!b.data)
        return;
    CHECK_EQ(devtree_scan(b.data, b.len, &mi, NULL, 0), 0);
    CHECK_EQ(mi.nharts, 4);
    CHECK_EQ(devtree_scan(b.data, 100, &mi, err, sizeof err), -EINVAL);
    CHECK(strstr(err, "exceeds the 100 bytes available") != NULL);
    free(b.data);
}

/* Every prefix of a blob, in an exactly-sized buffer: rejected unless complete. */
static void test_scan_truncated(void)
{
    struct blob b = load("qemu-sifive-u.dtb");
    uint32_t total, len;

    CHECK(b.data != NULL);
    if (!b.data)
        return;
    total = get32(b.data + 4);
    for (len = 0; len <= total; len++) {
        uint8_t *p = malloc(len ? len : 1);
        int r;

        memcpy(p, b.data, len);
        err[0] = '\0';
        r = devtree_scan(p, len, &mi, err, sizeof err);
        CHECK(len == total ? r == 0 : r == -EINVAL && err[0]);
        free(p);
    }
    free(b.data);
}

static uint32_t rng_state = 0x9e3779b9;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Flip bytes or plant tricky words, then scan: ASan/UBSan abort on any bad access. */
static void fuzz_one(const uint8_t *src, uint32_t total, unsigned *ok)
{
    static const uint32_t words[] = { 0, 1, 2, 3, 4, 9, 100, 0x7fffffff, 0xffffffff, 0xfffffffc };
    uint8_t *p = malloc(total);
    uint32_t k, n = 1 + rng() % 4;
    int r;

    memcpy(p, src, total);
    for (k = 0; k < n; k++) {
        uint32_t at = (rng() % (total / 4)) * 4, w = words[rng() % (sizeof words / sizeof words[0])];

        if (rng() & 1)
            p[rng() % total] ^= (uint8_t)(1 + rng() % 255);
        else {
            p[at] = (uint8_t)(w >> 24);
            p[at + 1] = (uint8_t)(w >> 16);
            p[at + 2] = (uint8_t)(w >> 8);
            p[at + 3] = (uint8_t)w;
        }
    }
    r = devtree_scan(p, total, &mi, err, sizeof err);
    CHECK(r == 0 || (r == -EINVAL && err[0]));
    CHECK(strlen(err) < sizeof err && strlen(mi.model) < sizeof mi.model);
    CHECK(mi.nharts <= DT_MAX_HARTS && mi.nmem <= DT_MAX_MEM && mi.nreserved <= DT_MAX_RESV);
    *ok += r == 0;
    free(p);
}

static void test_scan_fuzz(void)
{
    struct blob v = load("qemu-virt.dtb"), u = load("features.dtb");
    unsigned i, ok = 0;

    CHECK(v.data && u.data);
    if (!v.data || !u.data)
        return;
    rng_state = 0x9e3779b9;
    for (i = 0; i < 20000; i++)
        fuzz_one(v.data, get32(v.data + 4), &ok);
    for (i = 0; i < 5000; i++)
        fuzz_one(u.data, get32(u.data + 4), &ok);
    CHECK(ok > 0 && ok < 25000);
    printf("  fuzz: %u of 25000 mutated blobs scanned without error\n", ok);
    free(v.data);
    free(u.data);
}

int main(void)
{
    RUN_TEST(test_qemu_virt);
    RUN_TEST(test_qemu_virt_1hart);
    RUN_TEST(test_qemu_sifive_u);
    RUN_TEST(test_hifive_unmatched);
    RUN_TEST(test_visionfive2);
    RUN_TEST(test_features);
    RUN_TEST(test_initrd64_nested_ranges);
    RUN_TEST(test_console_fallback);
    RUN_TEST(test_limits);
    RUN_TEST(test_absurd_cells);
    RUN_TEST(test_errors_and_buffers);
    RUN_TEST(test_scan_truncated);
    RUN_TEST(test_scan_fuzz);
    RUN_TEST(test_virtio_slots);        /* blk */
    CHECK_EXIT();
}
