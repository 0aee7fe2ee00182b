/* Copy-on-write and shared memory across fork: writes by parent and child are invisible to
 * each other for stack, heap, .data, .bss and private mappings; MAP_SHARED memory is shared;
 * MAP_FIXED replaces a mapping; MADV_DONTNEED reads back zero. Deterministic: its "out:"
 * lines are compared with Linux by scripts/host-compare.py. */
#include "tap.h"
#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>

#define PAGE 4096UL
#define NPAGES 64

static int data_var = 111;      /* .data */
static int bss_var;             /* .bss */

struct shared {
    volatile int flag, value;
};

/* Poll until *p == want (at most ~2 s). */
static int await(volatile int *p, int want)
{
    for (int i = 0; i < 2000 && *p != want; i++)
        msleep(1);
    return *p == want;
}

static int *heap_var;
static char *priv;              /* NPAGES private anonymous pages */

static int sees(int stack_var, int d, int b, int h, int m)
{
    return (stack_var == d) << 0 | (data_var == d) << 1 | (bss_var == b) << 2 | (*heap_var == h) << 3 |
           (priv[0] == (char)m && priv[(NPAGES - 1) * PAGE] == (char)m) << 4;
}

static void test_isolation(struct shared *sh)
{
    volatile int stack_var = 111;
    bss_var = 222;
    *heap_var = 333;
    memset(priv, 44, NPAGES * PAGE);

    /* 1: the child sees the parent's values, changes them; the parent's stay. */
    int pid = fork();
    if (pid == 0) {
        int before = sees(stack_var, 111, 222, 333, 44);
        stack_var = data_var = 1;
        bss_var = 2;
        *heap_var = 3;
        for (unsigned i = 0; i < NPAGES; i += 2)
            priv[i * PAGE] = 4;
        priv[(NPAGES - 1) * PAGE] = 4;
        int after = sees(stack_var, 1, 2, 3, 4);
        _exit(before | (after == 31) << 5);   /* 63: all as expected */
    }
    int st = wait_for(pid, 0);
    int code = st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    int parent = sees(stack_var, 111, 222, 333, 44);
    int untouched = 1;
    for (unsigned i = 0; i < NPAGES; i++)
        untouched &= priv[i * PAGE] == 44;
    out("child sees parent's values: %s", code < 0 ? "child died" : yn((code & 31) == 31));
    out("child sees its own writes: %s", code < 0 ? "child died" : yn(code >> 5));
    out("parent unaffected by child's writes: %s", yn(parent == 31 && untouched));
    check(code == 63 && parent == 31 && untouched, "cow-child-writes",
          "child status %s (bits %#x), parent sees bits %#x, private pages untouched %d",
          status_str(st), code, parent, untouched);

    /* 2: the parent writes after the fork; the child keeps the old values. */
    sh->flag = 0;
    pid = fork();
    if (pid == 0) {
        if (!await(&sh->flag, 1))
            _exit(100);
        _exit(sees(stack_var, 111, 222, 333, 44));
    }
    stack_var = data_var = 5;
    bss_var = 6;
    *heap_var = 7;
    memset(priv, 8, NPAGES * PAGE);
    sh->flag = 1;
    st = wait_for(pid, 0);
    code = st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    out("child unaffected by parent's later writes: %s", yn(code == 31));
    check(code == 31, "cow-parent-writes", "child status %s, bits %#x (31: stack, .data, .bss, heap, "
          "mapping all old)", status_str(st), code);
    data_var = 111;
}

static void test_shared(struct shared *sh)
{
    sh->value = 1;
    sh->flag = 0;
    int pid = fork();
    if (pid == 0) {
        int saw = sh->value;
        sh->value = 2;          /* the parent must see this */
        sh->flag = 1;
        if (!await(&sh->flag, 2))
            _exit(100);
        _exit(saw == 1 && sh->value == 3 ? 0 : 1);   /* and this child the parent's 3 */
    }
    int seen = await(&sh->flag, 1) && sh->value == 2;
    sh->value = 3;
    sh->flag = 2;
    int st = wait_for(pid, 0);
    out("MAP_SHARED child's write seen by parent: %s", yn(seen));
    out("MAP_SHARED parent's write seen by child: %s", yn(st == 0));
    check(seen && st == 0, "shared-both-ways", "parent saw child's write %d, child: %s", seen, status_str(st));

    /* Shared with a grandchild too, after the middle process has exited. */
    sh->value = 0;
    pid = fork();
    if (pid == 0) {
        int g = fork();
        if (g == 0) {
            msleep(30);
            sh->value = 42;
            _exit(0);
        }
        _exit(0);
    }
    wait_for(pid, 0);
    int got = await(&sh->value, 42);
    out("MAP_SHARED write by a grandchild seen: %s", yn(got));
    check(got, "shared-grandchild", "value %d", sh->value);
}

static void test_fixed_and_dontneed(void)
{
    char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(p, 9, 3 * PAGE);
    char *q = mmap(p + PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    out("MAP_FIXED over a mapping: at requested address %s, new page %d, neighbours %d %d",
        yn(q == p + PAGE), p[PAGE], p[0], p[3 * PAGE - 1]);
    check(q == p + PAGE && p[PAGE] == 0 && p[PAGE * 2 - 1] == 0 && p[0] == 9 && p[3 * PAGE - 1] == 9,
          "map-fixed-replaces", "got %p for %p, new page %d, neighbours %d %d", (void *)q, (void *)(p + PAGE),
          p[PAGE], p[0], p[3 * PAGE - 1]);

    check_ret("madvise-dontneed", madvise(p, 2 * PAGE, MADV_DONTNEED), 0);
    out("MADV_DONTNEED private: reads %d %d, untouched page %d", p[0], p[2 * PAGE - 1], p[2 * PAGE]);
    check(p[0] == 0 && p[2 * PAGE - 1] == 0 && p[2 * PAGE] == 9, "madvise-dontneed-zero",
          "after MADV_DONTNEED: %d %d, the page after it %d", p[0], p[2 * PAGE - 1], p[2 * PAGE]);

    /* On a page shared copy-on-write with a child: only the child's view is dropped. */
    memset(p, 10, 3 * PAGE);
    int pid = fork();
    if (pid == 0) {
        madvise(p, PAGE, MADV_DONTNEED);
        _exit(p[0] == 0 && p[PAGE] == 10 ? 0 : 1);
    }
    int st = wait_for(pid, 0);
    out("MADV_DONTNEED in child after fork: child reads zero %s, parent keeps data %s", yn(st == 0),
        yn(p[0] == 10));
    check(st == 0 && p[0] == 10, "madvise-dontneed-cow", "child: %s, parent reads %d", status_str(st), p[0]);
    munmap(p, 3 * PAGE);

    /* Shared anonymous memory keeps its contents (it is not private memory to drop). */
    char *s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    s[0] = 11;
    madvise(s, PAGE, MADV_DONTNEED);
    out("MADV_DONTNEED shared: reads %d", s[0]);
    check(s[0] == 11, "madvise-dontneed-shared", "shared page reads %d after MADV_DONTNEED", s[0]);
    munmap(s, PAGE);

    /* Private mappings made before fork stay private; shared ones made before fork stay shared
     * even when the child mprotects its view. */
    s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    s[0] = 1;
    pid = fork();
    if (pid == 0) {
        mprotect(s, PAGE, PROT_READ);
        mprotect(s, PAGE, PROT_READ | PROT_WRITE);
        s[0] = 12;
        _exit(0);
    }
    wait_for(pid, 0);
    out("MAP_SHARED after child's mprotect round trip: parent reads %d", s[0]);
    check(s[0] == 12, "shared-after-mprotect", "parent reads %d, child wrote 12", s[0]);
    pid = fork();
    if (pid == 0) {
        mprotect(s, PAGE, PROT_NONE);
        mprotect(s, PAGE, PROT_READ | PROT_WRITE);
        _exit(s[0] == 12 ? (s[0] = 13, 0) : 1);
    }
    int st2 = wait_for(pid, 0);
    out("MAP_SHARED after child's PROT_NONE round trip: child read old data %s, parent reads %d",
        yn(st2 == 0), s[0]);
    check(st2 == 0 && s[0] == 13, "shared-after-prot-none", "child (1 = lost the data): %s, parent "
          "reads %d, child wrote 13", status_str(st2), s[0]);
    munmap(s, PAGE);
}

static void test_many_children(void)
{
    /* Five children each write their own mark into every page of a private mapping. */
    int pids[5], ok = 1;
    memset(priv, 50, NPAGES * PAGE);
    for (int c = 0; c < 5; c++) {
        pids[c] = fork();
        if (pids[c] == 0) {
            for (unsigned i = 0; i < NPAGES; i++)
                priv[i * PAGE + c] = (char)c;
            msleep(20);
            int good = 1;
            for (unsigned i = 0; i < NPAGES; i++)
                for (int k = 0; k < 5; k++)
                    good &= priv[i * PAGE + k] == (k == c ? (char)c : 50);
            _exit(good ? 0 : 1);
        }
    }
    for (int c = 0; c < 5; c++)
        ok &= wait_for(pids[c], 0) == 0;
    for (unsigned i = 0; i < NPAGES; i++)
        for (int k = 0; k < 5; k++)
            ok &= priv[i * PAGE + k] == 50;
    out("five children writing the same private pages: all isolated %s", yn(ok));
    check(ok, "cow-five-children", "some child or the parent saw another's write");
}

int main(void)
{
    struct shared *sh = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    heap_var = malloc(sizeof *heap_var);
    priv = mmap(NULL, NPAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED || !heap_var || priv == MAP_FAILED) {
        check(0, "cow-setup", "mmap or malloc failed: %s", ename(errno));
        return 1;
    }
    test_isolation(sh);
    test_shared(sh);
    test_fixed_and_dontneed();
    test_many_children();
    return t_done("cow");
}
