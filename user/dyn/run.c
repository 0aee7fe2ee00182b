/* The driver of the dynamic-linking guest cases. Installed once as /tests/dyn_run and reached
 * through symlinks /tests/dynrun-NAME: it runs /tests/dyn_NAME (a dynamically linked program
 * that prints its own ok lines), then checks that the program ended with status 0 and that no
 * system call the kernel lacks was made during the whole boot (/proc/enosys is empty). */
#include "../tests/tap.h"
#include <fcntl.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    (void)argc;
    const char *base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    if (strncmp(base, "dynrun-", 7) != 0) {
        say("usage: run me as /tests/dynrun-NAME (runs /tests/dyn_NAME)");
        return 2;
    }
    const char *name = base + 7;
    char prog[128];
    snprintf(prog, sizeof prog, "/tests/dyn_%s", name);
    int pid = fork();
    if (pid == 0) {
        char *cargv[] = { prog, NULL };
        execv(prog, cargv);
        say("dynrun: execv %s: %s", prog, strerror(errno));
        _exit(127);
    }
    int st = pid > 0 ? wait_for(pid, 0) : -1 - errno;
    check(st == 0, "dynrun-exit", "%s: %s", prog, status_str(st));

    char buf[512] = "";
    int fd = open("/proc/enosys", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    if (fd >= 0)
        close(fd);
    buf[n > 0 ? n : 0] = 0;
    /* Lines "<number> <calls>": every one is a failure. */
    char left[512] = "";
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        strncat(left, line, sizeof left - strlen(left) - 2);
        strcat(left, " ");
    }
    check(fd >= 0 && left[0] == 0, "dynrun-enosys", "/proc/enosys: %s", fd < 0 ? strerror(errno) : left);
    return t_done(base);
}
