/* A tiny init for the orphan case: it must be the first program spawned (pid 1).
 * It forks a child that forks a grandchild and exits; the grandchild, re-parented to pid 1,
 * sees getppid() == 1 and exits with a known code; pid 1 reaps both, in order.
 * Other programs spawned in the same boot may be re-parented to us too: we reap them, so the
 * wait for -1 loops until ECHILD. */
#include "tap.h"
#include <signal.h>

int main(void)
{
    check(getpid() == 1, "orphan-init-is-pid1", "pid %d", getpid());
    pid_t child = fork();
    if (child == 0) {
        pid_t g = fork();
        if (g == 0) {
            /* Wait (at most 2 s) for our parent to exit and the kernel to re-parent us. */
            int parent = getppid(), i = 0;
            for (; i < 400 && getppid() != 1; i++)
                msleep(5);
            _exit(getppid() == 1 && parent != 1 ? 42 : 43);
        }
        msleep(50);
        _exit(g > 0 ? 7 : 8);
    }
    int st = wait_for(child, 0);
    check(st == 7 << 8, "orphan-child-exits", "child: %s", status_str(st));
    /* The grandchild is ours now: wait4(-1) must find it. */
    int found = 0, other = 0;
    for (;;) {
        int status = 0;
        pid_t r = wait4(-1, &status, 0, NULL);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (status == 42 << 8 || status == 43 << 8) {
            found++;
            check(status == 42 << 8, "orphan-sees-ppid-1", "grandchild: %s (43: getppid never became 1)",
                  status_str(status));
        } else {
            other++;
        }
    }
    check(found == 1 && errno == ECHILD, "orphan-reaped-by-init", "grandchild reaped %d times, %d other "
          "processes, wait ended with %s", found, other, ename(errno));
    return t_done("orphaninit");
}
