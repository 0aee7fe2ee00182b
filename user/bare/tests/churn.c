/* 1000 fork/exit/wait cycles: every status arrives intact and no memory leaks. */
#include "ulib.h"

#define CYCLES 1000

/* One cycle: the child exits with `code`; returns 0 or a description of what went wrong. */
static const char *cycle(int code, long *detail)
{
    long pid = sys_fork();
    if (pid == 0)
        sys_exit_group(code);
    *detail = pid;
    if (pid < 0)
        return "fork failed";
    int status = -1;
    long w = sys_wait4(pid, &status, 0, 0);
    if (w != pid) {
        *detail = w;
        return "wait4 returned the wrong pid";
    }
    if ((status & 0x7f) != 0 || ((status >> 8) & 0xff) != (code & 0xff)) {
        *detail = status;
        return "bad exit status";
    }
    return 0;
}

static unsigned long free_bytes(void)
{
    struct sysinfo si;
    if (sys_sysinfo(&si) != 0)
        return 0;
    return si.freeram * si.mem_unit;
}

int main(void)
{
    long detail = 0;
    const char *err = cycle(0, &detail); /* warm-up: lets lazily allocated kernel state settle */
    if (err) {
        t_fail("warmup", "%s (%ld)", err, detail);
        return 1;
    }
    unsigned long before = free_bytes();

    int i;
    for (i = 0; i < CYCLES && !err; i++)
        err = cycle(i & 0xff, &detail);
    if (err)
        t_fail("cycles", "cycle %d: %s (%ld)", i - 1, err, detail);
    else
        t_ok("cycles");

    unsigned long after = free_bytes();
    t_check(before != 0 && after == before, "freeram",
            "free memory %lu bytes before, %lu after %d cycles (%ld pages lost)",
            before, after, i, (long)(before - after) / 4096);

    /* The child sees its parent, and its own pid differs. */
    long me = sys_getpid();
    long pid = sys_fork();
    if (pid == 0) {
        long pp = sys_getppid(), self = sys_getpid();
        sys_exit_group(pp == me && self != me && self > 0 ? 42 : 1);
    }
    int status = -1;
    long w = sys_wait4(pid, &status, 0, 0);
    t_check(pid > 0 && w == pid && ((status >> 8) & 0xff) == 42, "getppid",
            "fork %ld, wait4 %ld, status 0x%x", pid, w, status);

    /* Nothing left to wait for. */
    long r = sys_wait4(-1, &status, 0, 0);
    t_check(r == -ECHILD, "echild", "wait4 with no children returned %ld", r);
    return t_status();
}
