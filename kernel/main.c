/* kmain: the boot hart's path from the first C code at the linked address to the scheduler.
 * The order of events is described in docs/boot.md. */
#include "dev/rtc.h"
#include "arch.h"
#include "dev/devtree.h"
#include "dev/console.h"
#include "mm/page.h"
#include "fs/rootfs.h"
#include "fs/mount.h"
#include "dev/irq.h"
#include "dev/tty.h"
#include "dev/memdev.h"
#include "dev/virtio_blk.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "fs/flusher.h"
#include "lib/cmdline.h"
#include "lib/kstring.h"
#include "lib/panic.h"
#include "lib/random.h"
#include "lib/spinlock.h"

#define DTB_MAX_SIZE (16UL << 20)
#define MAX_HOLES 32

static struct machine_info machine;
extern char _kernel_start[], _kernel_end[];

static void boot_print_machine(const struct machine_info *mi, uint64_t dtb_pa)
{
    kprintf("rvix: device tree at %#lx (%lu bytes), model \"%s\"\n", dtb_pa, mi->dtb_size, mi->model);
    for (int i = 0; i < mi->nmem; i++)
        kprintf("rvix: memory %#lx-%#lx (%lu MiB)\n", mi->mem[i].base,
                mi->mem[i].base + mi->mem[i].size - 1, mi->mem[i].size >> 20);
    for (int i = 0; i < mi->nreserved; i++)
        kprintf("rvix: reserved %#lx-%#lx\n", mi->reserved[i].base,
                mi->reserved[i].base + mi->reserved[i].size - 1);
    kprintf("rvix: console %s at %#lx (%s, reg-shift %u, io-width %u, irq %u)\n",
            mi->uart.compatible[0] ? mi->uart.compatible : "none", mi->uart.base, console_name(),
            mi->uart.reg_shift, mi->uart.reg_io_width, mi->uart.irq);
    kprintf("rvix: timebase %lu Hz\n", mi->timebase_hz);
    if (mi->plic.present)
        kprintf("rvix: PLIC at %#lx, %u sources\n", mi->plic.base, mi->plic.ndev);
    for (int i = 0; i < mi->nharts; i++) {
        const struct dt_hart *h = &mi->harts[i];
        kprintf("rvix: hart %u: %s, mmu %s, isa %s%s, PLIC S-context %d\n", h->hartid,
                h->okay ? "okay" : "disabled", h->has_mmu ? h->mmu_type : "none", h->isa,
                h->has_sstc ? " (sstc)" : "", h->plic_s_context);
    }
    if (mi->has_initrd)
        kprintf("rvix: initrd %#lx-%#lx\n", mi->initrd_start, mi->initrd_end);
    kprintf("rvix: bootargs \"%s\"\n", mi->bootargs);
}

static void boot_add_hole(struct page_region *holes, int *n, uint64_t base, uint64_t size)
{
    if (size && *n < MAX_HOLES)
        holes[(*n)++] = (struct page_region){ base, size };
}

/* RAM the allocator may hand out: all memory minus the kernel, the DT, the initrd and
 * whatever the firmware reserved for itself. */
static void boot_init_pages(const struct machine_info *mi, uint64_t dtb_pa)
{
    struct page_region ram[DT_MAX_MEM], holes[MAX_HOLES];
    int nholes = 0;
    for (int i = 0; i < mi->nmem; i++)
        ram[i] = (struct page_region){ mi->mem[i].base, mi->mem[i].size };
    boot_add_hole(holes, &nholes, kernel_phys_base, (uint64_t)(_kernel_end - _kernel_start));
    boot_add_hole(holes, &nholes, dtb_pa, mi->dtb_size);
    if (mi->has_initrd && mi->initrd_end > mi->initrd_start)
        boot_add_hole(holes, &nholes, mi->initrd_start, mi->initrd_end - mi->initrd_start);
    for (int i = 0; i < mi->nreserved; i++)
        boot_add_hole(holes, &nholes, mi->reserved[i].base, mi->reserved[i].size);
    if (page_init(ram, mi->nmem, holes, nholes))
        kpanic("no usable memory");
    kprintf("rvix: %lu pages free of %lu\n", page_free_count(), page_total_count());
}

/* A loader-provided initrd (QEMU -initrd, U-Boot booti) wins over the embedded archive. */
static void boot_init_files(const struct machine_info *mi)
{
    bool has = mi->has_initrd && mi->initrd_end > mi->initrd_start;
    rootfs_init(has ? pa_to_kva(mi->initrd_start) : NULL, has ? mi->initrd_end - mi->initrd_start : 0);
    memdev_init();
    if (!irq_init(mi, this_cpu()->hartid))
        kprintf("rvix: no usable interrupt controller; console input is polled\n");
    tty_init();
    virtio_blk_init(mi);        /* blk: disks, then their /dev nodes */
    rootfs_add_blkdevs();
}

/* spawn=/a,/b starts several programs side by side; otherwise init= (default /init) runs alone. */
/* -- blk -- */
/* root=/dev/vdX (or a partition) mounts that ext2 file system as / instead of the initramfs;
 * if that fails the initramfs stays, with a console line. */
static void boot_mount_root(const char *bootargs)
{
    char dev[32];
    if (!cmdline_get(bootargs, "root", dev, sizeof dev))
        return;
    int err = mount_boot_switch_root("ext2", dev);
    if (err)
        kprintf("rvix: cannot mount root=%s (ext2): error %d; keeping the initramfs as /\n", dev, -err);
    else
        kprintf("rvix: root file system: %s (ext2)\n", dev);
}
/* (end of blk) */

static void boot_start_processes(const char *bootargs)
{
    char list[256], init[128];
    if (cmdline_get(bootargs, "spawn", list, sizeof list)) {
        for (char *path = list, *comma; path && *path; path = comma) {
            comma = strchr(path, ',');
            if (comma)
                *comma++ = 0;
            int pid = proc_spawn(path, NULL);
            if (pid < 0)
                kprintf("kernel: cannot start %s: error %d\n", path, -pid);
        }
        return;
    }
    if (!cmdline_get(bootargs, "init", init, sizeof init))
        kstrlcpy(init, "/init", sizeof init);
    proc_init_is_vital = true;
    int pid = proc_spawn(init, NULL);
    if (pid < 0 && !cmdline_get(bootargs, "init", list, sizeof list))
        pid = proc_spawn("/sbin/init", NULL);
    if (pid < 0)
        kprintf("kernel: cannot start init %s: error %d\n", init, -pid);
}

/* crash=kernel-fault and crash=stack-overflow: deliberate kernel faults, so the tests can
 * check the panic report (cause, registers, symbolized backtrace, power-off) end to end. */
static int __attribute__((noinline)) boot_crash_recurse(int depth)
{
    volatile char frame[512];
    frame[0] = (char)depth;
    if (depth > (1 << 20))      /* far deeper than any kernel stack: the guard page comes first */
        return 0;
    return boot_crash_recurse(depth + 1) + frame[0];
}

static struct context crash_ctx, crash_back;

static void boot_crash_on_kstack(void)
{
    boot_crash_recurse(0);
}

static void __attribute__((noinline)) boot_crash_test(const char *bootargs)
{
    char what[32];
    uint64_t top;
    if (!cmdline_get(bootargs, "crash", what, sizeof what))
        return;
    if (strcmp(what, "kernel-fault") == 0) {
        kprintf("rvix: crash=kernel-fault: loading from an unmapped kernel address\n");
        volatile uint64_t *bad = (volatile uint64_t *)(KERNEL_HALF + 0x1000);
        (void)*bad;
    } else if (strcmp(what, "stack-overflow") == 0 && arch_kstack_map(NPROC, &top)) {
        /* A process-style kernel stack (slot NPROC is never a process's), recursed off its end. */
        kprintf("rvix: crash=stack-overflow: unbounded recursion on a kernel stack\n");
        arch_context_init(&crash_ctx, top, boot_crash_on_kstack);
        switch_context(&crash_back, &crash_ctx);
    }
}

void kmain(uint64_t hartid, uint64_t dtb_pa)
{
    char err[128];
    sched_init_hart((uint32_t)hartid, 0);
    arch_early_init();
    mm_direct_offset = DIRECT_MAP_BASE;
    kprintf("\nrvix: booting on hart %lu, kernel at %#lx\n", hartid, kernel_phys_base);
    if (devtree_scan(pa_to_kva(dtb_pa), DTB_MAX_SIZE, &machine, err, sizeof err))
        kpanic("device tree at %#lx rejected: %s", dtb_pa, err);
    if (err[0])
        kprintf("rvix: device tree notes: %s\n", err);
    boot_init_pages(&machine, dtb_pa);
    arch_mmu_init(&machine);
    arch_hwcap_init(&machine);
    console_init(&machine);
    boot_print_machine(&machine, dtb_pa);
    arch_describe();
    sched_set_hz((unsigned)cmdline_get_ulong(machine.bootargs, "tick", 100));
    if (sched_hz() < 10 || sched_hz() > 10000)
        sched_set_hz(100);
    if (cmdline_get_ulong(machine.bootargs, "trace", 0))
        arch_trace_start(machine.timebase_hz);
    arch_timer_init(&machine, sched_hz());
    kprintf("rvix: timer %u Hz via %s; Sv39 with %d ASID bits\n", sched_hz(), arch_timer_kind(),
            arch_asid_bits());
    rtc_init(&machine);
    random_seed(arch_time_ns() ^ hartid);
    boot_crash_test(machine.bootargs);
    boot_init_files(&machine);
    proc_init();
    boot_mount_root(machine.bootargs);     /* after proc_init: a file system may start a kernel thread */
    char tlbmode[16];
    arch_tlb_use_rfence(cmdline_get(machine.bootargs, "tlb", tlbmode, sizeof tlbmode) &&
                        strcmp(tlbmode, "rfence") == 0);
    arch_smp_start(&machine, (unsigned)cmdline_get_ulong(machine.bootargs, "maxcpus", MAX_HARTS));
    kprintf("rvix: %u hart%s running\n", cpu_count, cpu_count == 1 ? "" : "s");
    kernel_lock_acquire();
    boot_start_processes(machine.bootargs);
    /* -- flusher -- normally started by the first disk mount; flusher=1 starts it at boot
     * (after init took pid 1) so tests can run any program beside a kernel thread. */
    if (cmdline_get_ulong(machine.bootargs, "flusher", 0))
        flusher_start();
    kernel_lock_release();
    sched_boot_done();
    sched_loop();
}
