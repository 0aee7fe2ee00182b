/* What user space may learn about the harts (riscv_hwprobe) and the instruction-cache and
 * ordering operations behind riscv_flush_icache and membarrier. */
#include "arch.h"
#include "sbi.h"
#include "dev/devtree.h"
#include "lib/kstring.h"
#include "lib/trace.h"

#define HWPROBE_KEY_MVENDORID     0
#define HWPROBE_KEY_MARCHID       1
#define HWPROBE_KEY_MIMPID        2
#define HWPROBE_KEY_BASE_BEHAVIOR 3
#define HWPROBE_BASE_BEHAVIOR_IMA 1
#define HWPROBE_KEY_IMA_EXT_0     4
#define HWPROBE_IMA_FD            (1 << 0)
#define HWPROBE_IMA_C             (1 << 1)
#define HWPROBE_IMA_V             (1 << 2)
#define HWPROBE_KEY_CPUPERF_0     5
#define HWPROBE_MISALIGNED_UNKNOWN 0

static struct {
    uint64_t mvendorid, marchid, mimpid;
    uint64_t ima_ext0;
} hw;

/* The single-letter extensions of a riscv,isa string such as "rv64imafdc_zicsr_sstc". */
static bool isa_letter(const char *isa, char c)
{
    if (strncmp(isa, "rv64", 4) && strncmp(isa, "rv32", 4))
        return false;
    for (const char *p = isa + 4; *p && *p != '_'; p++)
        if (*p == c || (c != 'g' && *p == 'g' && (c == 'i' || c == 'm' || c == 'a' || c == 'f' || c == 'd')))
            return true;
    return false;
}

void arch_hwcap_init(const struct machine_info *mi)
{
    const char *isa = "";
    for (int i = 0; i < mi->nharts; i++)
        if (mi->harts[i].okay) {
            isa = mi->harts[i].isa;
            break;
        }
    if (isa_letter(isa, 'f') && isa_letter(isa, 'd'))
        hw.ima_ext0 |= HWPROBE_IMA_FD;
    if (isa_letter(isa, 'c'))
        hw.ima_ext0 |= HWPROBE_IMA_C;
    /* V is not offered even if the hart has it: the kernel leaves sstatus.VS off and does not
     * keep vector state, so vector instructions trap (Linux reports V only when it does). */
    struct sbi_ret r = sbi_call(SBI_EXT_BASE, 4, 0, 0, 0);
    hw.mvendorid = r.error ? 0 : (uint64_t)r.value;
    r = sbi_call(SBI_EXT_BASE, 5, 0, 0, 0);
    hw.marchid = r.error ? 0 : (uint64_t)r.value;
    r = sbi_call(SBI_EXT_BASE, 6, 0, 0, 0);
    hw.mimpid = r.error ? 0 : (uint64_t)r.value;
}

bool arch_hwprobe(int64_t key, uint64_t *value)
{
    switch (key) {
    case HWPROBE_KEY_MVENDORID: *value = hw.mvendorid; return true;
    case HWPROBE_KEY_MARCHID: *value = hw.marchid; return true;
    case HWPROBE_KEY_MIMPID: *value = hw.mimpid; return true;
    case HWPROBE_KEY_BASE_BEHAVIOR: *value = HWPROBE_BASE_BEHAVIOR_IMA; return true;
    case HWPROBE_KEY_IMA_EXT_0: *value = hw.ima_ext0; return true;
    case HWPROBE_KEY_CPUPERF_0: *value = HWPROBE_MISALIGNED_UNKNOWN; return true;
    default: *value = 0; return false;
    }
}

static inline void hwcap_fence_i(void)
{
    __asm__ volatile("fence.i" ::: "memory");
}

void arch_icache_flush_local(void)
{
    kstat_inc(KSTAT_FENCE_I_LOCAL);
    hwcap_fence_i();
}

void arch_icache_flush_switch(void)
{
    kstat_inc(KSTAT_FENCE_I_DEFERRED);
    hwcap_fence_i();
}

/* Every hart executes fence.i (and, by taking the firmware's trap, a full fence) before
 * this returns: SBI RFENCE waits for the remote harts. */
void arch_icache_flush_all(void)
{
    __asm__ volatile("fence rw, rw" ::: "memory");
    arch_icache_flush_local();
    arch_icache_flush_remote(~0UL);
}
