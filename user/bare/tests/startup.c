/* What a program finds when it starts: the Linux initial stack and a
 * correctly loaded image (.data initialised, all of .bss zero, even the part
 * sharing a page with the end of .data, where a loader that copies whole file
 * pages leaves garbage). */
#include "ulib.h"

#define AT_NULL   0
#define AT_PAGESZ 6
#define AT_ENTRY  9

extern char _start[];

static volatile unsigned long data_words[300] = { 0x1234567890abcdefUL, 2, 3, [299] = 0xfeedfacecafebeefUL };
static volatile unsigned char bss_bytes[3 * 4096 + 123];

int main(int argc, char **argv, char **envp)
{
    /* _start passes argv = sp + 8 unchanged, so argv - 1 is the entry sp. */
    uintptr_t sp = (uintptr_t)(argv - 1);
    t_check((sp & 15) == 0, "sp-aligned", "entry sp %p is not 16-byte aligned", (void *)sp);
    t_check(argc >= 1 && argv[argc] == 0, "argv-terminated", "argc %d, argv[argc] = %p",
            argc, argc >= 0 ? (void *)argv[argc] : 0);
    t_check(argc >= 1 && strcmp(argv[0], "/tests/startup") == 0, "argv0",
            "argv[0] is \"%s\", expected the path /tests/startup", argc >= 1 ? argv[0] : "");
    t_check(envp == argv + argc + 1, "envp", "envp %p, expected %p", (void *)envp, (void *)(argv + argc + 1));

    int nenv = 0;
    while (nenv < 4096 && envp[nenv])
        nenv++;
    t_check(nenv < 4096, "envp-terminated", "no NULL among the first 4096 envp entries");

    /* The auxiliary vector follows envp's NULL: (type, value) pairs up to AT_NULL. */
    unsigned long *aux = (unsigned long *)(envp + nenv + 1);
    int n = 0, bad = 0;
    long pagesz = -1, entry = -1;
    for (; n < 64 && aux[2 * n] != AT_NULL; n++) {
        if (aux[2 * n] == AT_PAGESZ)
            pagesz = (long)aux[2 * n + 1];
        if (aux[2 * n] == AT_ENTRY)
            entry = (long)aux[2 * n + 1];
    }
    t_check(n < 64, "auxv-terminated", "no AT_NULL among the first 64 auxv entries");
    if (pagesz != -1 && pagesz != 4096)
        bad = 1;
    if (entry != -1 && entry != (long)_start)
        bad = 1;
    t_check(!bad, "auxv-values", "AT_PAGESZ %ld (want 4096), AT_ENTRY %lx (want %p)", pagesz, entry, (void *)_start);
    uprintf("startup: argc %d, %d env strings, %d auxv entries, sp %p\n", argc, nenv, n, (void *)sp);

    /* Strings the pointers point to are readable and NUL-terminated. */
    size_t total = 0;
    for (int i = 0; i < argc; i++)
        total += strlen(argv[i]);
    for (int i = 0; i < nenv; i++)
        total += strlen(envp[i]);
    t_check(total < 128 * 1024, "strings", "argv and envp strings add up to %lu bytes", (unsigned long)total);

    t_check(data_words[0] == 0x1234567890abcdefUL && data_words[1] == 2 && data_words[2] == 3 &&
            data_words[150] == 0 && data_words[299] == 0xfeedfacecafebeefUL,
            "data", "initialised .data reads %lx %lx %lx ... %lx", data_words[0], data_words[1],
            data_words[2], data_words[299]);

    size_t nonzero = 0, first = 0;
    for (size_t i = 0; i < sizeof bss_bytes; i++)
        if (bss_bytes[i] && !nonzero++)
            first = i;
    t_check(nonzero == 0, "bss-zero", "%lu nonzero .bss bytes, the first at offset %lu",
            (unsigned long)nonzero, (unsigned long)first);

    /* .data and .bss are writable and keep what is written. */
    data_words[7] = 77;
    bss_bytes[sizeof bss_bytes - 1] = 0x5a;
    bss_bytes[0] = 0xa5;
    t_check(data_words[7] == 77 && bss_bytes[sizeof bss_bytes - 1] == 0x5a && bss_bytes[0] == 0xa5,
            "data-bss-writable", "writes to .data/.bss did not stick");

    /* The stack has room for ordinary use: 16 KiB of locals. */
    volatile char big[16 * 1024];
    for (size_t i = 0; i < sizeof big; i += 512)
        big[i] = (char)i;
    int ok = 1;
    for (size_t i = 0; i < sizeof big; i += 512)
        ok &= big[i] == (char)i;
    t_check(ok, "stack-16k", "16 KiB of stack did not keep its contents");
    return t_status();
}
