/* Hostile: a bounded fork bomb. Every process forks until fork fails, then sleeps briefly,
 * reaps its children and exits. The failure must be EAGAIN or ENOMEM (never a crash or a
 * hang), the system must recover (fork and exec work again, process count back to 1) and,
 * after a warm-up round, free memory must come back to exactly its level before the bomb.
 * Never run this on a host: it relies on the kernel's small process table. */
#include "tap.h"
#include <stdlib.h>
#include <sys/sysinfo.h>

#define MAX_DEPTH 8
#define MAX_FORKS 16

/* Exit status bits: 1 a fork failed with EAGAIN/ENOMEM, 2 with something else, 4 a child
 * died abnormally, 8 a fork never failed within MAX_FORKS (bounded, not an error). */
static int bomb(int depth)
{
    int bits = 0, children = 0;
    for (int i = 0; i < MAX_FORKS && depth < MAX_DEPTH; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            depth++;
            bits = 0;
            children = 0;
            i = -1;
            continue;
        }
        if (pid < 0) {
            bits |= (errno == EAGAIN || errno == ENOMEM) ? 1 : 2;
            break;
        }
        children++;
    }
    msleep(100);
    for (;;) {
        int st;
        pid_t r = wait4(-1, &st, 0, NULL);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        bits |= WIFEXITED(st) ? WEXITSTATUS(st) & 15 : 4;
    }
    (void)children;
    return bits;
}

static int run_bomb(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(bomb(0));
    int st = wait_for(pid, 0);
    return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : 256;
}

static long free_pages(unsigned *procs)
{
    struct sysinfo si;
    sysinfo(&si);
    if (procs)
        *procs = si.procs;
    return (long)(si.freeram * si.mem_unit / 4096);
}

int main(void)
{
    int warm = run_bomb();
    msleep(50);
    unsigned procs0, procs1;
    long f0 = free_pages(&procs0);
    int bits = run_bomb();
    msleep(50);
    long f1 = free_pages(&procs1);
    say("forkbomb: warm-up bits %#x, bomb bits %#x, free pages %ld -> %ld, processes %u -> %u", warm, bits,
        f0, f1, procs0, procs1);
    check((bits & 1) && !(bits & 2), "forkbomb-fork-fails-cleanly", "bits %#x (1 EAGAIN/ENOMEM seen, 2 other "
          "errno, 4 abnormal death)", bits);
    check(!(bits & 4) && bits != 256, "forkbomb-no-abnormal-death", "bits %#x", bits);
    check(procs1 == procs0 && procs1 == 1, "forkbomb-processes-gone", "%u processes after, %u before", procs1,
          procs0);
    check(f1 == f0, "forkbomb-memory-back", "free pages %ld before, %ld after (%+ld)", f0, f1, f1 - f0);
    /* The system works again. */
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = { "true", NULL }, *envp[] = { NULL };
        execve("/tests/true", argv, envp);
        _exit(127);
    }
    int st = wait_for(pid, 0);
    check(st == 0, "forkbomb-recovers", "fork+exec after the bomb: %s", status_str(st));
    return t_done("forkbomb");
}
