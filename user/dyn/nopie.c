/* A dynamically linked ET_EXEC (linked with -no-pie): the kernel maps it at its link address
 * (0x10000) without a bias and ld.so at the top of the mmap area. */
#include "../tests/tap.h"
#include <link.h>
#include <sys/auxv.h>

int main(void)
{
    int n = printf("hello from a dynamically linked -no-pie program\n");
    fflush(stdout);
    check(n > 0, "nopie-printf", "printf returned %d", n);
    unsigned long phdr = getauxval(AT_PHDR), base = getauxval(AT_BASE);
    const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)0x10000;
    check(phdr == 0x10000 + eh->e_phoff && eh->e_type == ET_EXEC, "nopie-at-phdr",
          "AT_PHDR %#lx, e_type %d", phdr, eh->e_type);
    check(getauxval(AT_ENTRY) == eh->e_entry, "nopie-at-entry", "AT_ENTRY %#lx, e_entry %#lx",
          getauxval(AT_ENTRY), (unsigned long)eh->e_entry);
    check(base > 0x10000000 && (base & 4095) == 0, "nopie-at-base", "AT_BASE %#lx", base);
    return t_done("dyn_nopie");
}
