/* Address-to-name lookup over the generated table: binary search for the last symbol <= pc. */
#include "lib/ksyms.h"
#include "lib/printf.h"

extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addrs[];
extern const uint32_t ksyms_name_offsets[];
extern const char ksyms_names[];
extern char _kernel_start[], _etext[];

void ksyms_format(uint64_t pc, char *buf, size_t n)
{
    if (pc < (uint64_t)_kernel_start || pc >= (uint64_t)_etext || ksyms_count == 0 || pc < ksyms_addrs[0]) {
        ksnprintf(buf, n, "?");
        return;
    }
    uint64_t lo = 0, hi = ksyms_count;
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (ksyms_addrs[mid] <= pc)
            lo = mid;
        else
            hi = mid;
    }
    ksnprintf(buf, n, "%s+%#lx", ksyms_names + ksyms_name_offsets[lo], pc - ksyms_addrs[lo]);
}
