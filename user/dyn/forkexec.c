/* A dynamic program that forks and execs: another dynamic program, a static one, ld.so run
 * as a program with the program as its argument, and posix_spawn; exit statuses and output
 * (through a pipe) must come back intact. */
#include "../tests/tap.h"
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/sysinfo.h>

extern char **environ;

static long free_pages(void)
{
    struct sysinfo si;
    sysinfo(&si);
    return (long)(si.freeram * si.mem_unit / 4096);
}

/* Run argv[0] with argv, its stdout into a pipe; returns the wait status, output in out. */
static int run(char *const argv[], char *out, size_t n)
{
    int fds[2];
    if (pipe(fds) < 0)
        return -1 - errno;
    int pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execv(argv[0], argv);
        _exit(126);
    }
    close(fds[1]);
    size_t got = 0;
    ssize_t r;
    while (got < n - 1 && (r = read(fds[0], out + got, n - 1 - got)) > 0)
        got += (size_t)r;
    out[got] = 0;
    close(fds[0]);
    return pid < 0 ? -1 - errno : wait_for(pid, 0);
}

int main(void)
{
    char out[512];
    char *dyn[] = { "/tests/dyn_hello", "7", NULL };
    int st = run(dyn, out, sizeof out);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 7 && strstr(out, "dynamically linked program, argc 2"),
          "forkexec-dynamic", "%s, output '%s'", status_str(st), out);

    char *stat[] = { "/tests/true", NULL };
    st = run(stat, out, sizeof out);
    check(st == 0, "forkexec-static", "/tests/true: %s", status_str(st));

    char *ldso[] = { "/lib/ld-linux-riscv64-lp64d.so.1", "/tests/dyn_hello", "3", NULL };
    st = run(ldso, out, sizeof out);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 3 && strstr(out, "argc 2"), "forkexec-ldso-direct",
          "ld.so /tests/dyn_hello 3: %s, output '%s'", status_str(st), out);

    char *list[] = { "/lib/ld-linux-riscv64-lp64d.so.1", "--list", "/tests/dyn_hello", NULL };
    st = run(list, out, sizeof out);
    check(st == 0 && strstr(out, "libc.so.6 => /lib/libc.so.6"), "forkexec-ldso-list",
          "ld.so --list: %s, output '%s'", status_str(st), out);

    /* The loader reports a program it cannot open and exits with 127. */
    char *notdyn[] = { "/lib/ld-linux-riscv64-lp64d.so.1", "/tests/does-not-exist", NULL };
    st = run(notdyn, out, sizeof out);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 127, "forkexec-ldso-missing", "%s", status_str(st));

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    /* A warm-up round, then 20 spawns that must give back every page they took. */
    int ok = 1;
    long f0 = 0;
    for (int i = 0; i < 25 && ok; i++) {
        if (i == 5)
            f0 = free_pages();
        char arg[8];
        snprintf(arg, sizeof arg, "%d", i);
        char *a[] = { "/tests/dyn_hello", arg, NULL };
        pid_t pid;
        int err = posix_spawn(&pid, a[0], &fa, NULL, a, environ);
        st = err ? -1 - err : wait_for(pid, 0);
        ok = WIFEXITED(st) && WEXITSTATUS(st) == i;
    }
    long f1 = free_pages();
    posix_spawn_file_actions_destroy(&fa);
    check(ok, "forkexec-posix-spawn-25", "posix_spawn of dyn_hello: %s", status_str(st));
    check(f1 == f0, "forkexec-no-leak", "free pages %ld before, %ld after 20 dynamic spawns (%+ld)",
          f0, f1, f1 - f0);

    /* Replace this very process last: execve from a dynamic program into a dynamic program,
     * whose greeting adds the last ok line. */
    fflush(stdout);
    t_done("dyn_forkexec");
    char *self[] = { "/tests/dyn_hello", "0", NULL };
    execv(self[0], self);
    say("not ok forkexec-exec-self: %s", strerror(errno));
    return 1;
}
