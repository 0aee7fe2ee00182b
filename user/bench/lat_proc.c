/* lat_proc: process creation.
 *   fork_exit   fork; the child _exits at once; the parent waits for it
 *   fork_exec   fork; the child execve()s <dir>/hello -q (a static program that exits at once);
 *               the parent waits
 *   fork_sh     fork; the child execve()s /bin/sh -c true; the parent waits
 *               (skipped with a note when /bin/sh does not exist)
 * <dir> is the directory this program was started from (/bench in the guest).
 * Usage: lat_proc [-n iterations] */
#include "bench.h"
#include <sys/wait.h>

static char *const empty_env[] = { NULL };

static void wait_ok(pid_t pid)
{
    int st;
    if (waitpid(pid, &st, 0) != pid)
        b_die("waitpid");
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        b_say("error lat_proc: child status %#x", st);
        exit(1);
    }
}

static void fork_exit(void)
{
    pid_t pid = fork();
    if (pid < 0)
        b_die("fork");
    if (pid == 0)
        _exit(0);
    wait_ok(pid);
}

static void fork_exec(const char *path, char *const argv[])
{
    pid_t pid = fork();
    if (pid < 0)
        b_die("fork");
    if (pid == 0) {
        execve(path, argv, empty_env);
        _exit(127);
    }
    wait_ok(pid);
}

static void run(const char *op, long n, long warm, const char *path, char *const argv[])
{
    struct b_acc a;
    b_acc_clear(&a);
    for (long i = 0; i < warm + n; i++) {
        if (i == warm)
            b_begin(&a);
        if (path)
            fork_exec(path, argv);
        else
            fork_exit();
    }
    b_end(&a);
    b_report("lat_proc", op, &a, (double)n, NULL);
}

int main(int argc, char **argv)
{
    long n = b_args(argc, argv, 200);
    char dir[256], hello[300];
    b_self_dir(argc > 0 ? argv[0] : NULL, dir, sizeof dir);
    snprintf(hello, sizeof hello, "%s/hello", dir);

    long warm = n / 10 < 2 ? 2 : n / 10;
    run("fork_exit", n, warm, NULL, NULL);

    char *hargv[] = { "hello", "-q", NULL };
    if (access(hello, X_OK) != 0)
        b_die(hello);
    run("fork_exec", n, warm, hello, hargv);

    char *shargv[] = { "sh", "-c", "true", NULL };
    if (access("/bin/sh", X_OK) != 0)
        b_say("note lat_proc fork_sh: /bin/sh not found, skipped");
    else
        run("fork_sh", n, warm, "/bin/sh", shargv);
    return 0;
}
