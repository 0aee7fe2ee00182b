/* Memory: demand-zero paging seen through sysinfo, brk grow/shrink, large malloc, anonymous
 * mmap/munmap/mprotect and the faults they produce (si_code, si_addr), executable mappings,
 * stack overflow in a child. The deterministic copy-on-write/shared checks are in cow.c. */
#include "tap.h"
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>

#define PAGE 4096UL

static sigjmp_buf fault_jmp;
static volatile int fault_sig, fault_code;
static void *volatile fault_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    fault_sig = sig;
    fault_code = si->si_code;
    fault_addr = si->si_addr;
    siglongjmp(fault_jmp, 1);
}

enum access { READ, WRITE, EXEC };

/* Touch addr; returns 0 if no fault, else the signal number (details in fault_*). */
static int probe(void *addr, enum access how)
{
    fault_sig = 0;
    fault_addr = NULL;
    fault_code = 0;
    if (sigsetjmp(fault_jmp, 1) == 0) {
        if (how == READ)
            (void)*(volatile char *)addr;
        else if (how == WRITE)
            *(volatile char *)addr = 1;
        else
            ((void (*)(void))addr)();
    }
    return fault_sig;
}

/* A fault check: sig, si_code and si_addr as expected. */
static void check_fault(const char *name, void *addr, enum access how, int code)
{
    int sig = probe(addr, how);
    check(sig == SIGSEGV && fault_code == code && fault_addr == addr, name,
          "signal %d, si_code %d, si_addr %p; expected SIGSEGV, si_code %d, si_addr %p",
          sig, fault_code, fault_addr, code, addr);
}

static long free_pages(void)
{
    struct sysinfo si;
    if (sysinfo(&si) != 0)
        return -1;
    return (long)(si.freeram * si.mem_unit / PAGE);
}

static void test_demand_zero(void)
{
    const long n = 1024;
    long f0 = free_pages();
    char *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    long f1 = free_pages();
    check(p != MAP_FAILED && f0 - f1 < 16, "demand-zero-mmap-free",
          "mapping %ld pages used %ld pages before any touch", n, f0 - f1);
    int zero = 1;
    for (long i = 0; i < n; i++) {
        zero &= p[i * PAGE] == 0 && p[i * PAGE + PAGE - 1] == 0;
        p[i * PAGE] = (char)i;
    }
    long f2 = free_pages();
    check(zero && f1 - f2 >= n && f1 - f2 < n + 16, "demand-zero-touch",
          "touching %ld pages took %ld pages, read zero %d", n, f1 - f2, zero);
    munmap(p, n * PAGE);
    long f3 = free_pages();
    check(f3 - f2 >= n, "munmap-frees", "munmap gave back %ld of %ld pages", f3 - f2, n);
}

static void test_brk(void)
{
    char *b0 = sbrk(0);
    char *r = sbrk(3 * PAGE);
    char *b1 = sbrk(0);
    check(r == b0 && b1 == b0 + 3 * PAGE, "brk-grow", "sbrk returned %p (break was %p), break now %p",
          (void *)r, (void *)b0, (void *)b1);
    int zero = 1;
    for (char *q = b0; q < b1; q++)
        zero &= *q == 0;
    memset(b0, 0x5a, 3 * PAGE);
    check(zero && b0[3 * PAGE - 1] == 0x5a, "brk-zero-writable", "new heap read zero %d", zero);
    char *end_page = (char *)(((uintptr_t)b1 + PAGE - 1) & ~(PAGE - 1));
    check_fault("brk-above-break-faults", end_page + PAGE, WRITE, SEGV_MAPERR);
    check_ret("brk-shrink", brk(b0), 0);
    char *gone = (char *)(((uintptr_t)b0 + PAGE - 1) & ~(PAGE - 1)) + PAGE;
    check(sbrk(0) == b0, "brk-shrunk", "break %p, expected %p", sbrk(0), (void *)b0);
    check_fault("brk-shrunk-faults", gone, READ, SEGV_MAPERR);
    sbrk(3 * PAGE);
    check(gone[0] == 0 && gone[PAGE - 1] == 0, "brk-regrow-zero", "re-grown heap reads %d", gone[0]);
    brk(b0);
    /* The raw system call returns the current break when it cannot move it. */
    long cur = syscall(SYS_brk, 0);
    check(cur == (long)b0, "brk-query", "brk(0) = %#lx, break %p", cur, (void *)b0);
    long below = syscall(SYS_brk, 0x1000);
    check(below == cur, "brk-below-start", "brk(0x1000) = %#lx", below);
    /* The heap may not grow over another mapping. */
    char *wall = (char *)(((uintptr_t)b0 + 16 * PAGE) & ~(PAGE - 1));
    void *m = mmap(wall, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    long over = syscall(SYS_brk, wall + 4 * PAGE);
    check(m == wall && over == cur, "brk-blocked-by-mapping", "mmap at %p gave %p, brk over it = %#lx",
          (void *)wall, m, over);
    munmap(wall, PAGE);
}

static void test_malloc(void)
{
    char *small = malloc(100);
    char *brk_now = sbrk(0);
    size_t big_len = 8 << 20;
    long f0 = free_pages();
    char *big = malloc(big_len);
    long f1 = free_pages();
    check(big && small && (big > brk_now || big + big_len < small), "malloc-large-mmap",
          "8 MiB block at %p, small block %p, break %p", (void *)big, (void *)small, (void *)brk_now);
    check(f0 - f1 < 16, "malloc-large-lazy", "malloc(8 MiB) used %ld pages before any touch", f0 - f1);
    memset(big, 0xa5, big_len);
    long f2 = free_pages();
    check(big[big_len - 1] == (char)0xa5 && f1 - f2 >= (long)(big_len / PAGE), "malloc-large-touch",
          "touched: %ld pages", f1 - f2);
    free(big);
    long f3 = free_pages();
    check(f3 - f2 >= (long)(big_len / PAGE), "malloc-large-free", "free gave back %ld pages", f3 - f2);
    int *z = calloc(100000, sizeof *z);
    int allzero = 1;
    for (int i = 0; z && i < 100000; i++)
        allzero &= z[i] == 0;
    check(z && allzero, "calloc-zero", "calloc'd memory not zero");
    char *r = malloc(16);
    strcpy(r, "realloc keeps");
    r = realloc(r, 1 << 20);
    check(r && strcmp(r, "realloc keeps") == 0, "realloc-grow", "contents after realloc: %s", r ? r : "(null)");
    free(r);
    free(z);
    free(small);
}

static void test_mmap(void)
{
    char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check(p != MAP_FAILED && ((uintptr_t)p & (PAGE - 1)) == 0, "mmap-anon", "mmap gave %p", (void *)p);
    memset(p, 7, 3 * PAGE);

    check_ret("mprotect-ro", mprotect(p, PAGE, PROT_READ), 0);
    check_fault("mprotect-ro-write-accerr", p + 100, WRITE, SEGV_ACCERR);
    check(p[100] == 7, "mprotect-ro-readable", "read %d after mprotect(PROT_READ)", p[100]);
    check_ret("mprotect-none", mprotect(p, PAGE, PROT_NONE), 0);
    check_fault("prot-none-read-accerr", p + 8, READ, SEGV_ACCERR);
    check_ret("mprotect-rw", mprotect(p, PAGE, PROT_READ | PROT_WRITE), 0);
    check(p[0] == 7 && p[PAGE - 1] == 7, "mprotect-none-keeps-data",
          "after PROT_NONE and back to read/write the page reads %d, %d (was 7)", p[0], p[PAGE - 1]);

    memset(p, 7, 3 * PAGE);
    check_ret("munmap-middle", munmap(p + PAGE, PAGE), 0);
    check_fault("munmap-maperr", p + PAGE + 16, READ, SEGV_MAPERR);
    check(p[0] == 7 && p[2 * PAGE] == 7, "munmap-neighbours", "neighbours read %d, %d", p[0], p[2 * PAGE]);
    char *fresh = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check_fault("mmap-prot-none-accerr", fresh + 5, WRITE, SEGV_ACCERR);
    munmap(fresh, PAGE);

    check(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL,
          "mmap-zero-len", "errno %s", ename(errno));
    check(mmap(p, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED &&
          errno == EEXIST, "mmap-noreplace-eexist", "errno %s", ename(errno));
    check_ret("munmap-unaligned", munmap(p + 1, PAGE), -EINVAL);
    check_ret("mprotect-hole-enomem", mprotect(p, 3 * PAGE, PROT_READ), -ENOMEM);
    munmap(p, 3 * PAGE);

    /* A free hint address is used as given. */
    void *hint = (void *)0x1800000000UL;
    void *h = mmap(hint, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check(h == hint, "mmap-hint", "hint %p, got %p", hint, h);
    munmap(h, PAGE);
}

static void test_exec_mapping(void)
{
#ifdef __riscv
    static const uint32_t code[] = { 0x02a00513 /* li a0, 42 */, 0x00008067 /* ret */ };
    uint32_t *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memcpy(p, code, sizeof code);
    check_fault("exec-nx-accerr", p, EXEC, SEGV_ACCERR);
    mprotect(p, PAGE, PROT_READ | PROT_EXEC);
    __builtin___clear_cache((char *)p, (char *)p + sizeof code);
    int r = ((int (*)(void))p)();
    check(r == 42, "exec-mapping-runs", "code in a PROT_EXEC mapping returned %d", r);
    munmap(p, PAGE);
#else
    check(1, "exec-nx-accerr", "not RISC-V");
    check(1, "exec-mapping-runs", "not RISC-V");
#endif
}

static volatile int depth_reached;
static volatile int keep_going = 1;

/* Recurses until the stack runs out (keep_going is never cleared). */
static int recurse(int depth)
{
    volatile char frame[1024];
    frame[0] = (char)depth;
    frame[1023] = (char)depth;
    depth_reached = depth;
    if (!keep_going)
        return 0;
    return recurse(depth + 1) + frame[0] + frame[1023];
}

static int recurse_to(int depth, int limit)
{
    volatile char frame[1024];
    frame[0] = (char)depth;
    if (depth < limit)
        return recurse_to(depth + 1, limit) + frame[0];
    return frame[0];
}

static void on_overflow(int sig)
{
    (void)sig;
    _exit(77);
}

static void test_stack(void)
{
    /* 6 MiB deep (the limit is 8 MiB): fine. */
    int pid = fork();
    if (pid == 0) {
        recurse_to(0, 6 * 1024);
        _exit(0);
    }
    int st = wait_for(pid, 0);
    check(st == 0, "stack-6mib", "child using 6 MiB of stack: %s", status_str(st));

    /* Unbounded: SIGSEGV kills the child; the parent carries on. */
    pid = fork();
    if (pid == 0) {
        recurse(0);
        _exit(0);
    }
    st = wait_for(pid, 0);
    check(st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "stack-overflow-sigsegv",
          "child recursing forever: %s", status_str(st));

    /* With a SIGSEGV handler on an alternate stack the overflow can be caught. */
    pid = fork();
    if (pid == 0) {
        static char alt[65536];
        stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt };
        struct sigaction sa = { .sa_handler = on_overflow, .sa_flags = SA_ONSTACK };
        sigaltstack(&ss, NULL);
        sigaction(SIGSEGV, &sa, NULL);
        recurse(0);
        _exit(0);
    }
    st = wait_for(pid, 0);
    check(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 77, "stack-overflow-altstack",
          "child catching its overflow on an alternate stack: %s (77 expected)", status_str(st));
}

int main(void)
{
    struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_NODEFER };
    sigaction(SIGSEGV, &sa, NULL);
    test_brk();     /* before malloc moves the break */
    test_demand_zero();
    test_malloc();
    test_mmap();
    test_exec_mapping();
    signal(SIGSEGV, SIG_DFL);
    test_stack();
    return t_done("mem");
}
