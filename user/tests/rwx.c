/* Linux's loader and mmap rules (issue 13 point 0): this program's PT_LOADs are all marked
 * read+write+execute after linking (scripts/mkrwx.py); it patches its own code, runs code written into an RWX
 * anonymous mapping, and checks mmap/mprotect/munmap/mremap/madvise corner cases that Linux
 * accepts (or the errno it gives). Built for the host too (compare=): "out:" lines match. */
#include "tap.h"
#include <elf.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/syscall.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* A function whose first instruction (li a0, 42: four bytes, never compressed) is patched. */
#if defined(__riscv)
__asm__(".text\n.option push\n.option norvc\n.globl patchme\n.align 3\npatchme:\n"
        " addi a0, zero, 42\n jalr zero, 0(ra)\n nop\n nop\n.option pop\n");
int patchme(void);
#define INSN_LI_A0(v) (0x00000513u | ((unsigned)(v) << 20))
#define INSN_RET 0x00008067u
#endif

static sigjmp_buf jb;
static volatile int faults;

static void on_fault(int sig)
{
    faults++;
    siglongjmp(jb, sig);
}

static int touch(volatile char *p, int write)
{
    if (sigsetjmp(jb, 1))
        return -1;
    if (write)
        *p = 1;
    else
        (void)*p;
    return 0;
}

static void test_own_segment(void)
{
#if defined(__riscv)
    const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
    unsigned long n = getauxval(AT_PHNUM), loads = 0, rwx = 0;
    for (unsigned long i = 0; ph && i < n; i++)
        if (ph[i].p_type == PT_LOAD) {
            loads++;
            rwx += (ph[i].p_flags & (PF_R | PF_W | PF_X)) == (PF_R | PF_W | PF_X);
        }
    check(loads >= 1 && rwx == loads, "rwx-own-segment", "%lu PT_LOADs, %lu of them RWX", loads, rwx);
    check(patchme() == 42, "rwx-code-before", "patchme() = %d", patchme());
    volatile uint32_t *code = (volatile uint32_t *)(uintptr_t)patchme;
    code[0] = INSN_LI_A0(7);
    __builtin___clear_cache((char *)code, (char *)code + 8);
    int r = patchme();
    check(r == 7, "rwx-code-patched", "after writing its own code page patchme() = %d", r);
#endif
}

static void test_rwx_anon(void)
{
#if defined(__riscv)
    uint32_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check(p != MAP_FAILED, "rwx-mmap", "mmap RWX: %s", strerror(errno));
    if (p == MAP_FAILED)
        return;
    p[0] = INSN_LI_A0(99);
    p[1] = INSN_RET;
    __builtin___clear_cache((char *)p, (char *)(p + 2));
    int r = ((int (*)(void))(uintptr_t)p)();
    check(r == 99, "rwx-jit-call", "generated code returned %d", r);
    /* RW, then mprotect to RWX, rewrite and call again. */
    uint32_t *q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    q[0] = INSN_LI_A0(5);
    q[1] = INSN_RET;
    int m = mprotect(q, 4096, PROT_READ | PROT_WRITE | PROT_EXEC);
    q[0] = INSN_LI_A0(6);
    __builtin___clear_cache((char *)q, (char *)(q + 2));
    r = m == 0 ? ((int (*)(void))(uintptr_t)q)() : -1;
    check(m == 0 && r == 6, "rwx-mprotect", "mprotect RWX %d, code returned %d", m, r);
    munmap(p, 4096);
    munmap(q, 4096);
#endif
}

static void test_mmap_flags(void)
{
    long pg = 4096;
    /* Unknown flags are ignored for MAP_PRIVATE; MAP_SHARED_VALIDATE refuses them. */
    void *p = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | 0x800000, -1, 0);
    out("mmap unknown flag private: %s", p == MAP_FAILED ? ename(errno) : "ok");
    if (p != MAP_FAILED)
        munmap(p, pg);
    p = mmap(NULL, pg, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS | 0x800000, -1, 0);
    out("mmap unknown flag shared_validate anon: %s", p == MAP_FAILED ? ename(errno) : "ok");
    p = mmap(NULL, pg, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0);
    out("mmap shared_validate anon: %s", p == MAP_FAILED ? ename(errno) : "ok");
    p = mmap(NULL, pg, PROT_READ, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
    out("mmap shared anon growsdown: %s", p == MAP_FAILED ? ename(errno) : "ok");
    int fl[] = { MAP_GROWSDOWN, MAP_NORESERVE, MAP_POPULATE, MAP_STACK, MAP_LOCKED, MAP_NONBLOCK };
    const char *fln[] = { "growsdown", "noreserve", "populate", "stack", "locked", "nonblock" };
    for (int i = 0; i < 6; i++) {
        char *q = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | fl[i], -1, 0);
        int good = q != MAP_FAILED;
        if (good) {
            q[0] = 'x';
            q[2 * pg - 1] = 'y';
            good = q[0] == 'x' && q[2 * pg - 1] == 'y';
            munmap(q, 2 * pg);
        }
        out("mmap MAP_%s: %s", fln[i], good ? "ok" : ename(errno));
    }
    /* Offset alignment is checked for anonymous mappings too. */
    p = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 100);
    out("mmap anon offset 100: %s", p == MAP_FAILED ? ename(errno) : "ok");
    p = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    out("mmap len 0: %s", p == MAP_FAILED ? ename(errno) : "ok");
    p = mmap(NULL, pg, PROT_READ, MAP_ANONYMOUS, -1, 0);
    out("mmap no type: %s", p == MAP_FAILED ? ename(errno) : "ok");
    /* A length that is not a page multiple maps whole pages. */
    char *c = mmap(NULL, 100, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int rw = c != MAP_FAILED && touch(c + 4095, 1) == 0;
    out("mmap len 100 usable to page end: %s", rw ? "yes" : "no");
    /* An unaligned hint: the result is page aligned. */
    char *h = mmap((void *)0x7000001234, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    out("mmap unaligned hint aligned: %s", h != MAP_FAILED && ((uintptr_t)h & 4095) == 0 ? "yes" : "no");
    /* MAP_FIXED_NOREPLACE onto an existing mapping. */
    p = mmap(c, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    out("mmap fixed_noreplace on mapping: %s", p == MAP_FAILED ? ename(errno) : "ok");
    munmap(c, pg);
    munmap(h, pg);
    /* PROT_NONE faults, mprotect makes it usable and the data survives. */
    char *n = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    n[10] = 'k';
    mprotect(n, pg, PROT_NONE);
    int f1 = touch(n, 0);
    mprotect(n, pg, PROT_READ);
    out("prot_none faults %d, data after %c", f1, n[10]);
    munmap(n, pg);
    out("mprotect bad prot: %s", mprotect(n, pg, 0x40) ? ename(errno) : "ok");
}

static void test_partial(void)
{
    long pg = 4096;
    char *p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < 4; i++)
        p[i * pg] = (char)('a' + i);
    mprotect(p + pg, pg, PROT_READ);
    int w1 = touch(p + pg, 1), w0 = touch(p, 1), w2 = touch(p + 2 * pg, 1);
    out("partial mprotect: write page1 %d page0 %d page2 %d", w1, w0, w2);
    munmap(p + 2 * pg, pg);
    int r2 = touch(p + 2 * pg, 0), r3 = touch(p + 3 * pg, 0);
    out("partial munmap: page2 %d page3 %d (%c)", r2, r3, p[3 * pg]);
    munmap(p, 4 * pg);
    /* madvise: values Linux does not know, unmapped ranges, DONTNEED zeroing. */
    char *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    m[0] = 'q';
    out("madvise 77: %s", madvise(m, pg, 77) ? ename(errno) : "ok");
    out("madvise willneed: %s", madvise(m, pg, MADV_WILLNEED) ? ename(errno) : "ok");
    const char *dn = madvise(m, pg, MADV_DONTNEED) ? ename(errno) : "ok";
    out("madvise dontneed: %s, byte after %d", dn, m[0]);
    munmap(m + pg, pg);
    out("madvise over hole: %s", madvise(m, 2 * pg, MADV_NORMAL) ? ename(errno) : "ok");
    munmap(m, pg);
}

static void test_mremap(void)
{
    long pg = 4096;
    char *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(p, 'r', 2 * pg);
    /* Block growth in place with a mapping right after, so growing must move. */
    char *blocker = mmap(p + 2 * pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    char *q = mremap(p, 2 * pg, 8 * pg, 0);
    out("mremap grow blocked, no maymove: %s", q == MAP_FAILED ? ename(errno) : "ok");
    q = mremap(p, 2 * pg, 8 * pg, MREMAP_MAYMOVE);
    int kept = q != MAP_FAILED && q[0] == 'r' && q[2 * pg - 1] == 'r' && touch(q + 8 * pg - 1, 1) == 0;
    int old_gone = touch(p, 0) != 0;
    out("mremap move: %s, data kept %d, old range gone %d", q == MAP_FAILED ? ename(errno) : "ok", kept,
        old_gone);
    munmap(blocker, pg);
    /* Shrink, then grow in place (the space after it is free now). */
    char *s = mremap(q, 8 * pg, pg, 0);
    out("mremap shrink in place: %s", s == q ? "yes" : "no");
    char *g = mremap(s, pg, 3 * pg, 0);
    out("mremap grow in place: %s, data %c", g == s ? "yes" : "no", g == s ? g[0] : '-');
    /* MREMAP_FIXED to a chosen place. */
    char *target = mmap(NULL, 3 * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *f = mremap(g, 3 * pg, 3 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, target);
    out("mremap fixed: %s, data %c", f == target ? "yes" : "no", f == target ? f[0] : '-');
    out("mremap fixed without maymove: %s",
        mremap(f, pg, pg, MREMAP_FIXED, (char *)f + 64 * pg) == MAP_FAILED ? ename(errno) : "ok");
    out("mremap unaligned: %s", mremap(f + 1, pg, pg, 0) == MAP_FAILED ? ename(errno) : "ok");
    munmap(f, 3 * pg);
    out("mremap unmapped: %s", mremap(f, pg, 2 * pg, MREMAP_MAYMOVE) == MAP_FAILED ? ename(errno) : "ok");
    /* glibc realloc of a big block goes through mremap. */
    char *big = malloc(1 << 20);
    memset(big, 'z', 1 << 20);
    big = realloc(big, 4 << 20);
    int good = big && big[0] == 'z' && big[(1 << 20) - 1] == 'z';
    if (big)
        big[(4 << 20) - 1] = 1;
    out("realloc 1M -> 4M keeps data: %s", good ? "yes" : "no");
    free(big);
}

int main(void)
{
    struct sigaction sa = { .sa_handler = on_fault };
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    test_own_segment();
    test_rwx_anon();
    test_mmap_flags();
    test_partial();
    test_mremap();
    return t_failed ? 1 : 0;
}
