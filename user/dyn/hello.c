/* The smallest dynamically linked program: printf from libc.so.6, plus the auxiliary vector
 * the kernel passes to the dynamic linker (AT_BASE, AT_PHDR, AT_ENTRY...) checked from main. */
#include "../tests/tap.h"
#include <elf.h>
#include <link.h>
#include <stdlib.h>
#include <sys/auxv.h>

extern char _start[];

struct seen {
    int libc, ldso, count;
    const ElfW(Phdr) *main_phdr;
    uintptr_t ldso_addr;
};

static int on_object(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    struct seen *s = data;
    if (s->count++ == 0)
        s->main_phdr = info->dlpi_phdr;
    if (strstr(info->dlpi_name, "libc.so.6"))
        s->libc = 1;
    if (strstr(info->dlpi_name, "ld-linux-riscv64-lp64d.so.1")) {
        s->ldso = 1;
        s->ldso_addr = info->dlpi_addr;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int n = printf("hello from a dynamically linked program, argc %d\n", argc);
    fflush(stdout);
    check(n > 0, "dyn-hello-printf", "printf returned %d", n);
    /* With arguments (exec'd by dyn_forkexec) only the greeting and the exit status matter. */
    if (argc > 1)
        return atoi(argv[1]);

    struct seen s = { 0 };
    dl_iterate_phdr(on_object, &s);
    check(s.libc && s.ldso, "dyn-hello-objects", "libc.so.6 %d, ld.so %d among %d objects",
          s.libc, s.ldso, s.count);
    unsigned long base = getauxval(AT_BASE), phdr = getauxval(AT_PHDR), entry = getauxval(AT_ENTRY);
    check(base != 0 && base == s.ldso_addr && (base & 4095) == 0, "dyn-hello-at-base",
          "AT_BASE %#lx, ld.so loaded at %#lx", base, (unsigned long)s.ldso_addr);
    check(phdr == (unsigned long)s.main_phdr, "dyn-hello-at-phdr", "AT_PHDR %#lx, program headers at %p",
          phdr, (const void *)s.main_phdr);
    check(entry == (unsigned long)_start, "dyn-hello-at-entry", "AT_ENTRY %#lx, _start %p", entry,
          (void *)_start);
    check(getauxval(AT_PHENT) == sizeof(ElfW(Phdr)) && getauxval(AT_PHNUM) > 2 &&
          getauxval(AT_PAGESZ) == 4096 && getauxval(AT_SECURE) == 0 && getauxval(AT_RANDOM) != 0 &&
          getauxval(AT_SYSINFO_EHDR) == 0,
          "dyn-hello-auxv", "AT_PHENT %lu AT_PHNUM %lu AT_PAGESZ %lu AT_SECURE %lu AT_SYSINFO_EHDR %#lx",
          getauxval(AT_PHENT), getauxval(AT_PHNUM), getauxval(AT_PAGESZ), getauxval(AT_SECURE),
          getauxval(AT_SYSINFO_EHDR));
    const char *fn = (const char *)getauxval(AT_EXECFN);
    check(fn && strcmp(fn, "/tests/dyn_hello") == 0, "dyn-hello-execfn", "AT_EXECFN %s", fn ? fn : "(none)");
    /* The program itself is a PIE placed away from the interpreter; main is inside it. */
    check((unsigned long)main >= phdr - 64 && (unsigned long)main < base, "dyn-hello-layout",
          "main %p, AT_PHDR %#lx, AT_BASE %#lx", (void *)main, phdr, base);
    char *heap = malloc(100000);
    check(heap != NULL, "dyn-hello-malloc", "malloc(100000) failed");
    free(heap);
    return t_done("dyn_hello");
}
