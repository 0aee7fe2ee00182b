/* ELF loading and execve: the auxiliary vector, argv/envp passed exactly, malformed files
 * rejected, bad pointers, signal state across exec, and life after a failed execve.
 * Needs /tests/echoargs, auxrand, sigreport and the files in /tests/bad (scripts/mkbadelf.py). */
#include "tap.h"
#include <elf.h>
#include <link.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define KERNEL_HALF ((void *)0xffffffc000000000UL)

extern const ElfW(Ehdr) __ehdr_start;
extern char _start[];

static char *const empty_env[] = { NULL };
static void *unmapped;          /* an address with nothing mapped there */
static volatile int usr1_count;
static int marker = 12345;      /* .data: must survive failed execs */

static void on_usr1(int sig)
{
    (void)sig;
    usr1_count++;
}

/* getauxval with "is it there": glibc sets ENOENT for a missing entry. */
static int aux(unsigned long type, unsigned long *v)
{
    errno = 0;
    *v = getauxval(type);
    return errno == 0;
}

static void test_auxv(const char *argv0)
{
    unsigned long v;
    const ElfW(Ehdr) *eh = &__ehdr_start;
    int have = aux(AT_PHDR, &v);
    check(have && v == (uintptr_t)eh + eh->e_phoff, "auxv-phdr", "AT_PHDR %#lx (present %d), "
          "program headers at %#lx", v, have, (unsigned long)((uintptr_t)eh + eh->e_phoff));
    /* The program headers found through AT_PHDR describe this program: main's code is in an
     * executable PT_LOAD. */
    const ElfW(Phdr) *ph = (const ElfW(Phdr) *)v;
    unsigned long phnum = 0;
    aux(AT_PHNUM, &phnum);
    int found = 0;
    for (unsigned long i = 0; have && i < phnum && i < 64; i++)
        if (ph[i].p_type == PT_LOAD && (ph[i].p_flags & PF_X) && ph[i].p_vaddr <= (uintptr_t)_start &&
            (uintptr_t)_start < ph[i].p_vaddr + ph[i].p_memsz)
            found = 1;
    check(found, "auxv-phdr-contents", "no executable PT_LOAD covering _start among %lu headers", phnum);
    have = aux(AT_PHENT, &v);
    check(have && v == sizeof(ElfW(Phdr)) && v == eh->e_phentsize, "auxv-phent", "AT_PHENT %lu", v);
    have = aux(AT_PHNUM, &v);
    check(have && v == eh->e_phnum, "auxv-phnum", "AT_PHNUM %lu, e_phnum %u", v, eh->e_phnum);
    have = aux(AT_PAGESZ, &v);
    check(have && v == 4096 && (long)v == sysconf(_SC_PAGESIZE), "auxv-pagesz", "AT_PAGESZ %lu", v);
    have = aux(AT_BASE, &v);
    check(have && v == 0, "auxv-base", "AT_BASE %#lx (present %d), no interpreter: 0", v, have);
    have = aux(AT_ENTRY, &v);
    check(have && v == eh->e_entry && v == (uintptr_t)_start, "auxv-entry",
          "AT_ENTRY %#lx, e_entry %#lx, _start %p", v, (unsigned long)eh->e_entry, (void *)_start);
    unsigned long uid, euid, gid, egid;
    int all = aux(AT_UID, &uid) & aux(AT_EUID, &euid) & aux(AT_GID, &gid) & aux(AT_EGID, &egid);
    check(all && uid == getuid() && euid == geteuid() && gid == getgid() && egid == getegid(),
          "auxv-ids", "present %d: uid %lu euid %lu gid %lu egid %lu", all, uid, euid, gid, egid);
    have = aux(AT_SECURE, &v);
    check(have && v == 0, "auxv-secure", "AT_SECURE %lu (present %d)", v, have);
    have = aux(AT_RANDOM, &v);
    const unsigned char *rnd = (const unsigned char *)v;
    int nonzero = 0;
    for (int i = 0; have && v && i < 16; i++)
        nonzero |= rnd[i];
    check(have && v && nonzero, "auxv-random", "AT_RANDOM %#lx (present %d), bytes nonzero %d",
          v, have, nonzero);
    have = aux(AT_HWCAP, &v);
    unsigned long want = 0;
    for (const char *c = "imafdc"; *c; c++)
        want |= 1UL << (*c - 'a');
    check(have && (v & want) == want, "auxv-hwcap", "AT_HWCAP %#lx, want bits %#lx (rv64imafdc)", v, want);
    have = aux(AT_CLKTCK, &v);
    check(have && v > 0 && (long)v == sysconf(_SC_CLK_TCK), "auxv-clktck", "AT_CLKTCK %lu, "
          "sysconf %ld", v, sysconf(_SC_CLK_TCK));
    have = aux(AT_EXECFN, &v);
    check(have && v && strcmp((const char *)v, argv0) == 0, "auxv-execfn", "AT_EXECFN \"%s\", argv[0] \"%s\"",
          have && v ? (const char *)v : "(none)", argv0);
}

/* Fork; the child execs path and exits 128 + errno if that fails. Returns the wait status. */
static int exec_child(const char *path, char *const argv[], char *const envp[])
{
    int pid = fork();
    if (pid == 0) {
        syscall(SYS_execve, path, argv, envp);
        _exit(128 + errno);
    }
    return pid < 0 ? -1 - errno : wait_for(pid, 0);
}

/* "execve failed with EXXX" for a status from exec_child, or the status in words. */
static const char *exec_result(int st)
{
    static char buf[64];
    if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) > 128)
        snprintf(buf, sizeof buf, "execve failed with %s", ename(WEXITSTATUS(st) - 128));
    else
        snprintf(buf, sizeof buf, "exec worked: %s", status_str(st));
    return buf;
}

static int exec_failed_with(int st, int e)
{
    return st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 128 + e;
}

/* argv = { argv0, HASH(rest, envp), rest... } for echoargs. */
static char **echo_argv(char **rest, char *const envp[])
{
    size_t n = 0;
    while (rest[n])
        n++;
    char **v = calloc(n + 3, sizeof *v);
    v[0] = "echoargs";
    v[1] = malloc(20);
    snprintf(v[1], 20, "%016llx", vec_hash(envp, vec_hash(rest, VEC_HASH_SEED)));
    memcpy(v + 2, rest, (n + 1) * sizeof *v);
    return v;
}

static char *repeat(char c, size_t n, const char *prefix)
{
    size_t p = strlen(prefix);
    char *s = malloc(p + n + 1);
    memcpy(s, prefix, p);
    memset(s + p, c, n);
    s[p + n] = 0;
    return s;
}

static void test_args(void)
{
    char *rest[] = { "", "two words", "tab\tand\nnewline", "\xc3\xbc" "n\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9 \xe2\x9c\x93",
                     repeat('x', 3000, "long="), "-", "last", NULL };
    char *envp[] = { "A=1", "EMPTY=", "=starts-with-equals", "NOEQUALS", "", repeat('y', 2000, "LONG="), NULL };
    int st = exec_child("/tests/echoargs", echo_argv(rest, envp), envp);
    check(st == 0, "exec-argv-envp-exact", "echoargs: %s (1 = mismatch)", exec_result(st));

    char **many = calloc(1001, sizeof *many);
    for (int i = 0; i < 1000; i++) {
        many[i] = malloc(8);
        snprintf(many[i], 8, "a%d", i);
    }
    st = exec_child("/tests/echoargs", echo_argv(many, empty_env), empty_env);
    check(st == 0, "exec-1000-args", "echoargs: %s", exec_result(st));

    char *none[] = { NULL };
    st = exec_child("/tests/echoargs", echo_argv(none, empty_env), NULL);
    check(st == 0, "exec-envp-null", "envp NULL must mean empty: %s", exec_result(st));
    /* Linux 5.18 and later: an empty argv becomes { "", NULL } (echoargs exits 10 + argc). */
    st = exec_child("/tests/echoargs", NULL, empty_env);
    check(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 11, "exec-argv-null",
          "argv NULL: %s, expected exit 11 (argc 1, argv[0] \"\")", exec_result(st));

    char *huge[] = { "echoargs", "0", repeat('z', 200 * 1024, ""), NULL };
    st = exec_child("/tests/echoargs", huge, empty_env);
    check(exec_failed_with(st, E2BIG), "exec-e2big", "one 200 KiB argument: %s", exec_result(st));
}

static void test_random(void)
{
    const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
    char hex[33];
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
    /* Three execs in a row, each comparing its 16 bytes with the previous program's. */
    char *argv[] = { "auxrand-renamed", "/tests/auxrand", hex, "2", NULL };
    int st = exec_child("/tests/auxrand", argv, empty_env);
    check(st == 0, "auxv-random-differs", "auxrand chain: %s (1 = same bytes, 5 = bad AT_EXECFN)",
          exec_result(st));
}

struct bad_elf {
    const char *name;
    int err1, err2;     /* acceptable errors */
};

static const struct bad_elf bad_elves[] = {
    { "badmagic", ENOEXEC, ENOEXEC },
    { "wrongmachine", ENOEXEC, ENOEXEC },
    { "elf32", ENOEXEC, ENOEXEC },
    { "bigendian", ENOEXEC, ENOEXEC },
    { "truncated", ENOEXEC, ENOEXEC },
    { "truncated-phdrs", ENOEXEC, EINVAL },
    { "segment-out-of-range", ENOEXEC, EINVAL },
    { "kernel-half", ENOEXEC, EINVAL },
    { "huge-memsz", ENOEXEC, EINVAL },
    { "wrapping-memsz", ENOEXEC, EINVAL },
    { "entry-outside", ENOEXEC, EINVAL },
    { "interp", ENOEXEC, ENOENT },
    { "phentsize", ENOEXEC, EINVAL },
    { "phnum0", ENOEXEC, EINVAL },
    { "misaligned", ENOEXEC, EINVAL },
    { "empty", ENOEXEC, ENOEXEC },
    { "text", ENOEXEC, ENOEXEC },
    { "x86-64", ENOEXEC, ENOEXEC },
};

static void test_bad_elves(void)
{
    char path[64], name[64];
    char *argv[] = { "bad", NULL };
    for (size_t i = 0; i < sizeof bad_elves / sizeof bad_elves[0]; i++) {
        const struct bad_elf *b = &bad_elves[i];
        snprintf(path, sizeof path, "/tests/bad/%s", b->name);
        snprintf(name, sizeof name, "exec-bad-%s", b->name);
        int st = exec_child(path, argv, empty_env);
        check(exec_failed_with(st, b->err1) || exec_failed_with(st, b->err2), name, "%s: %s, expected %s",
              path, exec_result(st), ename(b->err1));
    }
    int st = exec_child("/tests/bad/control", argv, empty_env);
    check(st == 0, "exec-bad-control", "the unmodified base file: %s", exec_result(st));
    /* Linux loads a read+write+execute segment as asked; so must we. */
    st = exec_child("/tests/bad/wx-segment", argv, empty_env);
    check(st == 0, "exec-wx-segment-runs", "an RWX first segment: %s", exec_result(st));
    /* Two segments whose bytes are disjoint but share a page: loaded, the page gets both. */
    st = exec_child("/tests/bad/overlap", argv, empty_env);
    check(st == 0, "exec-shared-page-runs", "segments sharing a page: %s", exec_result(st));
}

/* Failures in this process: it must carry on exactly as before. */
static void test_failures_in_place(void)
{
    struct sigaction sa = { .sa_handler = on_usr1 };
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t mask_before, mask_after;
    sigemptyset(&mask_before);
    sigaddset(&mask_before, SIGUSR2);
    sigprocmask(SIG_SETMASK, &mask_before, NULL);
    char *heap = malloc(64);
    strcpy(heap, "heap survives");
    void *brk_before = sbrk(0);

    char *argv[] = { "x", NULL };
    char *bad_argv1[] = { "x", KERNEL_HALF, NULL };
    char *bad_envp0[] = { unmapped, NULL };
    check_ret("exec-enoent", syscall(SYS_execve, "/tests/does-not-exist", argv, empty_env), -ENOENT);
    check_ret("exec-empty-path", syscall(SYS_execve, "", argv, empty_env), -ENOENT);
    check_ret("exec-directory", syscall(SYS_execve, "/tests", argv, empty_env), -EACCES);
    char *long_path = repeat('p', 5000, "/tests/");
    check_ret("exec-enametoolong", syscall(SYS_execve, long_path, argv, empty_env), -ENAMETOOLONG);
    check_ret("exec-path-null", syscall(SYS_execve, NULL, argv, empty_env), -EFAULT);
    check_ret("exec-path-kernel", syscall(SYS_execve, KERNEL_HALF, argv, empty_env), -EFAULT);
    check_ret("exec-path-unmapped", syscall(SYS_execve, unmapped, argv, empty_env), -EFAULT);
    /* A path running off the end of a page into an inaccessible one. */
    char *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(two + 4096 - 10, 'a', 10);
    mprotect(two + 4096, 4096, PROT_NONE);
    check_ret("exec-path-crosses", syscall(SYS_execve, two + 4096 - 10, argv, empty_env), -EFAULT);
    check_ret("exec-argv-kernel", syscall(SYS_execve, "/tests/true", KERNEL_HALF, empty_env), -EFAULT);
    check_ret("exec-argv-unmapped", syscall(SYS_execve, "/tests/true", unmapped, empty_env), -EFAULT);
    check_ret("exec-argv1-bad", syscall(SYS_execve, "/tests/true", bad_argv1, empty_env), -EFAULT);
    check_ret("exec-envp-kernel", syscall(SYS_execve, "/tests/true", argv, KERNEL_HALF), -EFAULT);
    check_ret("exec-envp0-bad", syscall(SYS_execve, "/tests/true", argv, bad_envp0), -EFAULT);
    check_ret("exec-bad-elf-in-place", syscall(SYS_execve, "/tests/bad/kernel-half", argv, empty_env), -EINVAL);
    check_ret("exec-misaligned-in-place", syscall(SYS_execve, "/tests/bad/misaligned", argv, empty_env), -EINVAL);

    struct sigaction now;
    sigaction(SIGUSR1, NULL, &now);
    sigprocmask(SIG_SETMASK, NULL, &mask_after);
    raise(SIGUSR1);
    check(marker == 12345 && strcmp(heap, "heap survives") == 0 && sbrk(0) == brk_before &&
          now.sa_handler == on_usr1 && usr1_count == 1 && sigismember(&mask_after, SIGUSR2) &&
          !sigismember(&mask_after, SIGUSR1), "exec-failure-continues",
          "marker %d, heap \"%s\", brk moved %d, handler kept %d, handler ran %d times, mask kept %d",
          marker, heap, sbrk(0) != brk_before, now.sa_handler == on_usr1, usr1_count,
          sigismember(&mask_after, SIGUSR2));
    sigemptyset(&mask_before);
    sigprocmask(SIG_SETMASK, &mask_before, NULL);
    munmap(two, 8192);
}

static void test_signal_state(void)
{
    int pid = fork();
    if (pid == 0) {
        struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_SIGINFO };
        sigaction(SIGUSR1, &sa, NULL);
        sa.sa_flags = SA_RESTART;
        sigaction(SIGTERM, &sa, NULL);
        signal(SIGUSR2, SIG_IGN);
        signal(SIGCHLD, SIG_IGN);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGHUP);
        sigprocmask(SIG_BLOCK, &set, NULL);
        raise(SIGHUP);
        static char altstack[16384];
        stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
        sigaltstack(&ss, NULL);
        char *argv[] = { "sigreport", NULL };
        execve("/tests/sigreport", argv, empty_env);
        _exit(128 + errno);
    }
    int st = wait_for(pid, 0);
    check(st == 0, "exec-signal-state", "sigreport: %s (problem bits: 1 USR1 handler kept, 2 TERM "
          "handler kept, 4 USR2 not ignored, 8 CHLD not ignored, 16 mask lost, 32 pending lost, "
          "64 altstack kept)", exec_result(st));
}

/* posix_spawn (glibc: clone with CLONE_VM | CLONE_VFORK) reports exec errors to the caller. */
static void test_posix_spawn(void)
{
    char *argv[] = { "true", NULL };
    pid_t pid = -1;
    int e = posix_spawn(&pid, "/tests/true", NULL, NULL, argv, empty_env);
    int st = e == 0 ? wait_for(pid, 0) : -1;
    check(e == 0 && st == 0, "posix-spawn", "posix_spawn: %s, child %s", ename(e), status_str(st));
    pid = -1;
    e = posix_spawn(&pid, "/tests/does-not-exist", NULL, NULL, argv, empty_env);
    st = e == 0 ? wait_for(pid, 0) : -1;
    check(e == ENOENT, "posix-spawn-enoent", "posix_spawn of a missing file: %s (want ENOENT)%s%s", ename(e),
          e == 0 ? ", child " : "", e == 0 ? status_str(st) : "");
}

int main(int argc, char **argv)
{
    (void)argc;
    unmapped = unmapped_addr();
    test_auxv(argv[0]);
    test_random();
    test_args();
    test_bad_elves();
    test_failures_in_place();
    test_signal_state();
    test_posix_spawn();
    return t_done("exec");
}
