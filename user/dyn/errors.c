/* execve of programs whose interpreter is missing or broken fails with Linux's errors and
 * leaves the caller intact; an interpreter's own PT_INTERP is ignored, and an ET_EXEC
 * interpreter is loaded at its link address and run. The files come from
 * scripts/mkbadinterp.py (installed in /tests/dynbad). */
#include "../tests/tap.h"
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>

struct bad {
    const char *name;
    int err;            /* 0: must run and exit 0 */
};

static const struct bad bads[] = {
    { "missing-interp", ENOENT },
    { "interp-short", EIO },
    { "interp-truncated", ELIBBAD },
    { "interp-text", ELIBBAD },
    { "interp-noexec", EACCES },
    { "interp-dir", EACCES },
    { "interp-unterminated", ENOEXEC },
    { "interp-toolong", ENOEXEC },
    { "interp-tiny", ENOEXEC },
    { "interp-chained", 0 },
    { "interp-static", 0 },
};

static long free_pages(void)
{
    struct sysinfo si;
    sysinfo(&si);
    return (long)(si.freeram * si.mem_unit / 4096);
}

/* Every failing execve again, 20 times: the kernel must free what it took for each. */
static void check_no_leak(char *envp[])
{
    long f0 = free_pages();
    for (int round = 0; round < 20; round++)
        for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
            if (!bads[i].err)
                continue;
            char path[64];
            snprintf(path, sizeof path, "/tests/dynbad/%s", bads[i].name);
            char *argv[] = { path, NULL };
            syscall(SYS_execve, path, argv, envp);
        }
    long f1 = free_pages();
    check(f1 == f0, "dynbad-no-leak", "free pages %ld before, %ld after 180 failed execs (%+ld)",
          f0, f1, f1 - f0);
}

int main(void)
{
    char *envp[] = { NULL };
    for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
        char path[64], name[64];
        snprintf(path, sizeof path, "/tests/dynbad/%s", bads[i].name);
        snprintf(name, sizeof name, "dynbad-%s", bads[i].name);
        char *argv[] = { path, "0", NULL };
        if (bads[i].err) {
            /* In this process: on failure execve returns and nothing else changes. */
            long r = syscall(SYS_execve, path, argv, envp);
            check_ret(name, r, -bads[i].err);
            continue;
        }
        int pid = fork();
        if (pid == 0) {
            int fd = open("/dev/null", O_WRONLY);
            dup2(fd, 1);
            execve(path, argv, envp);
            _exit(100 + errno);
        }
        int st = wait_for(pid, 0);
        check(st == 0, name, "%s: %s", path, status_str(st));
    }
    check_no_leak(envp);
    return t_done("dyn_errors");
}
