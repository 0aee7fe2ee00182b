/* SBI calls: extension probing, console output, timer, system reset.
 * Each service prefers its modern extension and falls back to the legacy call (OpenSBI 1.1 has no DBCN). */
#include "sbi.h"
#include "lib/printf.h"
#include "dev/console.h"
#include "arch.h"

static struct {
    bool probed;
    bool time, dbcn, srst, ipi, rfence, hsm;
    long spec_version, impl_id, impl_version;
} sbi;

struct sbi_ret sbi_call(uint64_t ext, uint64_t fn, uint64_t a0, uint64_t a1, uint64_t a2)
{
    register uint64_t r_a0 __asm__("a0") = a0;
    register uint64_t r_a1 __asm__("a1") = a1;
    register uint64_t r_a2 __asm__("a2") = a2;
    register uint64_t r_a6 __asm__("a6") = fn;
    register uint64_t r_a7 __asm__("a7") = ext;
    __asm__ volatile("ecall"
                     : "+r"(r_a0), "+r"(r_a1)
                     : "r"(r_a2), "r"(r_a6), "r"(r_a7)
                     : "memory");
    return (struct sbi_ret){ .error = (long)r_a0, .value = (long)r_a1 };
}

static bool sbi_probe_one(uint64_t ext)
{
    struct sbi_ret r = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, ext, 0, 0);
    return r.error == 0 && r.value != 0;
}

void sbi_probe(void)
{
    /* Spec versions before 0.2 have no BASE extension; then only legacy calls work. */
    struct sbi_ret v = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0);
    sbi.probed = true;
    if (v.error != 0)
        return;
    sbi.spec_version = v.value;
    sbi.impl_id = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID, 0, 0, 0).value;
    sbi.impl_version = sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_VERSION, 0, 0, 0).value;
    sbi.time = sbi_probe_one(SBI_EXT_TIME);
    sbi.dbcn = sbi_probe_one(SBI_EXT_DBCN);
    sbi.srst = sbi_probe_one(SBI_EXT_SRST);
    sbi.ipi = sbi_probe_one(SBI_EXT_IPI);
    sbi.rfence = sbi_probe_one(SBI_EXT_RFENCE);
    sbi.hsm = sbi_probe_one(SBI_EXT_HSM);
}

bool sbi_has(uint64_t ext)
{
    switch (ext) {
    case SBI_EXT_TIME: return sbi.time;
    case SBI_EXT_DBCN: return sbi.dbcn;
    case SBI_EXT_SRST: return sbi.srst;
    case SBI_EXT_IPI: return sbi.ipi;
    case SBI_EXT_RFENCE: return sbi.rfence;
    case SBI_EXT_HSM: return sbi.hsm;
    default: return false;
    }
}

void sbi_putchar(char c)
{
    if (sbi.dbcn)
        sbi_call(SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, (uint8_t)c, 0, 0);
    else
        sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (uint8_t)c, 0, 0);
}

void sbi_set_timer(uint64_t when)
{
    if (sbi.time)
        sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, when, 0, 0);
    else
        sbi_call(SBI_EXT_LEGACY_SET_TIMER, 0, when, 0, 0);
}

void sbi_reset(int type, int reason)
{
    /* SRST returns only if the firmware has no device for this reset (OpenSBI 1.1 on sifive_u
     * cannot power off); its legacy shutdown would then hang the hart inside the firmware. */
    if (sbi.srst) {
        sbi_call(SBI_EXT_SRST, SBI_SRST_RESET, (uint64_t)type, (uint64_t)reason, 0);
        return;
    }
    /* Legacy shutdown exists only for power-off; a reboot request just falls through. */
    if (type == SBI_SRST_SHUTDOWN)
        sbi_call(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0, 0);
}

void sbi_describe(void)
{
    static const char *const impl_names[] = { "BBL", "OpenSBI", "Xvisor", "KVM", "RustSBI", "Diosix" };
    const char *impl = (sbi.impl_id >= 0 && sbi.impl_id < 6) ? impl_names[sbi.impl_id] : "unknown";
    kprintf("rvix: SBI %ld.%ld, %s %ld.%ld; extensions:%s%s%s%s%s%s\n",
            (sbi.spec_version >> 24) & 0x7f, sbi.spec_version & 0xffffff, impl,
            sbi.impl_version >> 16, sbi.impl_version & 0xffff,
            sbi.time ? " TIME" : "", sbi.ipi ? " IPI" : "", sbi.rfence ? " RFENCE" : "",
            sbi.hsm ? " HSM" : "", sbi.srst ? " SRST" : "", sbi.dbcn ? " DBCN" : "");
}

void arch_power_off(bool failure)
{
    sbi_reset(SBI_SRST_SHUTDOWN, failure ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE);
    kprintf("kernel: the firmware cannot power off; halted\n");
    for (;;)
        cpu_wfi();
}

void arch_reboot(void)
{
    sbi_reset(SBI_SRST_COLD_REBOOT, SBI_SRST_REASON_NONE);
    kprintf("kernel: the firmware cannot reboot; halted\n");
    for (;;)
        cpu_wfi();
}

#define SBI_IPI_SEND             0
#define SBI_RFENCE_FENCE_I       0
#define SBI_RFENCE_SFENCE_VMA    1
#define SBI_RFENCE_SFENCE_VMA_ASID 2
#define SBI_HSM_HART_START       0

/* Both take a mask of hart ids (bit i = hart hartid_base + i). */
#define SBI_EXT_LEGACY_SEND_IPI          0x04
#define SBI_EXT_LEGACY_REMOTE_FENCE_I    0x05
#define SBI_EXT_LEGACY_REMOTE_SFENCE     0x06
#define SBI_EXT_LEGACY_REMOTE_SFENCE_ASID 0x07

/* The legacy calls take the hart mask by address (a kernel virtual address works: the
 * firmware reads it with the caller's translation). */
void sbi_send_ipi(uint64_t hart_mask)
{
    if (sbi.ipi)
        sbi_call(SBI_EXT_IPI, SBI_IPI_SEND, hart_mask, 0, 0);
    else
        sbi_call(SBI_EXT_LEGACY_SEND_IPI, 0, (uint64_t)&hart_mask, 0, 0);
}

static void sbi_remote_sfence_legacy(uint64_t hart_mask, uint64_t start, uint64_t size, long asid)
{
    register uint64_t a0 __asm__("a0") = (uint64_t)&hart_mask;
    register uint64_t a1 __asm__("a1") = start;
    register uint64_t a2 __asm__("a2") = size;
    register uint64_t a3 __asm__("a3") = (uint64_t)asid;
    register uint64_t a7 __asm__("a7") = asid < 0 ? SBI_EXT_LEGACY_REMOTE_SFENCE : SBI_EXT_LEGACY_REMOTE_SFENCE_ASID;
    __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a3), "r"(a7) : "memory");
}

void sbi_remote_sfence(uint64_t hart_mask, uint64_t start, uint64_t size, long asid)
{
    if (!hart_mask)
        return;
    if (!sbi.rfence) {
        sbi_remote_sfence_legacy(hart_mask, start, size, asid);
        return;
    }
    register uint64_t a0 __asm__("a0") = hart_mask;
    register uint64_t a1 __asm__("a1") = 0;
    register uint64_t a2 __asm__("a2") = start;
    register uint64_t a3 __asm__("a3") = size;
    register uint64_t a4 __asm__("a4") = (uint64_t)asid;
    register uint64_t a6 __asm__("a6") = asid < 0 ? SBI_RFENCE_SFENCE_VMA : SBI_RFENCE_SFENCE_VMA_ASID;
    register uint64_t a7 __asm__("a7") = SBI_EXT_RFENCE;
    __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a3), "r"(a4), "r"(a6), "r"(a7) : "memory");
}

/* Both forms return only after every named hart has executed fence.i (OpenSBI synchronises). */
void sbi_remote_fence_i(uint64_t hart_mask)
{
    if (!hart_mask)
        return;
    if (sbi.rfence)
        sbi_call(SBI_EXT_RFENCE, SBI_RFENCE_FENCE_I, hart_mask, 0, 0);
    else
        sbi_call(SBI_EXT_LEGACY_REMOTE_FENCE_I, 0, (uint64_t)&hart_mask, 0, 0);
}

long sbi_hart_start(uint64_t hartid, uint64_t start_pa, uint64_t opaque)
{
    if (!sbi.hsm)
        return -1;
    return sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, hartid, start_pa, opaque).error;
}
