/* Hostile: 200 fork+execve+wait cycles of a tiny program, and 50 posix_spawn cycles, leak no
 * page: after a warm-up, sysinfo's free memory is identical before and after. */
#include "tap.h"
#include <spawn.h>
#include <sys/sysinfo.h>

extern char **environ;

static long free_pages(void)
{
    struct sysinfo si;
    sysinfo(&si);
    return (long)(si.freeram * si.mem_unit / 4096);
}

/* n cycles; returns how many did not end with exit status 0. */
static int cycles(int n, int spawn)
{
    int bad = 0;
    char *argv[] = { "true", NULL }, *envp[] = { "A=1", NULL };
    for (int i = 0; i < n; i++) {
        pid_t pid;
        if (spawn) {
            if (posix_spawn(&pid, "/tests/true", NULL, NULL, argv, envp) != 0) {
                bad++;
                continue;
            }
        } else {
            pid = fork();
            if (pid == 0) {
                execve("/tests/true", argv, envp);
                _exit(127);
            }
        }
        bad += wait_for(pid, 0) != 0;
    }
    return bad;
}

int main(void)
{
    int warm = cycles(20, 0) + cycles(5, 1);
    long f0 = free_pages();
    int bad = cycles(200, 0);
    long f1 = free_pages();
    say("execloop: warm-up failures %d; fork+exec: %d failed, free pages %ld -> %ld", warm, bad, f0, f1);
    check(bad == 0 && warm == 0, "execloop-200-runs", "%d of 200 cycles failed (%d in the warm-up)", bad, warm);
    check(f1 == f0, "execloop-no-leak", "free pages %ld before, %ld after 200 cycles (%+ld)", f0, f1, f1 - f0);
    f0 = free_pages();
    bad = cycles(50, 1);
    f1 = free_pages();
    say("execloop: posix_spawn: %d failed, free pages %ld -> %ld", bad, f0, f1);
    check(bad == 0, "spawnloop-50-runs", "%d of 50 posix_spawn cycles failed", bad);
    check(f1 == f0, "spawnloop-no-leak", "free pages %ld before, %ld after 50 posix_spawns (%+ld)", f0, f1,
          f1 - f0);
    return t_done("execloop");
}
