/* init: process 1. Sets up the console and environment, shows /etc/motd, runs the shell
 * (or the command given as arguments) in its own session on the console, reaps every child
 * (orphans come to us), and restarts the shell when it exits; with no terminal, it powers
 * the machine off instead once the shell is done. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define QUICK_FAILURES_MAX 5    /* shells dying within a second before we give up */

static void say(const char *fmt, const char *arg, const char *err)
{
    fprintf(stderr, "init: ");
    fprintf(stderr, fmt, arg);
    if (err)
        fprintf(stderr, ": %s", err);
    fputc('\n', stderr);
    fflush(stderr);
}

/* The kernel may start us with no descriptors at all: make 0, 1, 2 the console. */
static void open_console(void)
{
    for (int fd = 0; fd < 3; fd++) {
        if (fcntl(fd, F_GETFD) >= 0)
            continue;
        int c = open("/dev/console", O_RDWR | O_NOCTTY);
        if (c < 0)
            return;     /* no console (as on a host test): keep going without */
        if (c != fd) {
            dup2(c, fd);
            close(c);
        }
    }
}

static void show_motd(void)
{
    int fd = open("/etc/motd", O_RDONLY);
    if (fd < 0)
        return;
    char buf[1024];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        if (write(1, buf, n) < 0)
            break;
    close(fd);
}

/* In the child: a new session whose controlling terminal is the console, with the shell's
 * group in the foreground. Failures are fine: the shell then runs without job control. */
static void become_session_leader(void)
{
    setsid();
    if (isatty(0)) {
        if (ioctl(0, TIOCSCTTY, 0) < 0)
            ioctl(0, TIOCSCTTY, 1);     /* steal it back from a dead shell's session */
        tcsetpgrp(0, getpid());
    }
}

static pid_t spawn(char **argv)
{
    pid_t pid = fork();
    if (pid < 0) {
        say("fork: %s", strerror(errno), NULL);
        return -1;
    }
    if (pid == 0) {
        become_session_leader();
        /* Ignored signals would stay ignored across execve. */
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        execv(argv[0], argv);
        say("cannot run %s", argv[0], strerror(errno));
        _exit(127);
    }
    return pid;
}

/* Reaps children until the one we care about exits; returns its wait status. */
static int wait_for(pid_t shell)
{
    for (;;) {
        int st;
        pid_t pid = wait(&st);
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid < 0)
            return 0;   /* ECHILD: nothing left to wait for */
        if (pid == shell)
            return st;
    }
}

/* Only the real init may power off; anywhere else (tests on a host) just exit. */
static void power_off(int code)
{
    if (getpid() == 1) {
        fprintf(stderr, "init: shell exited, powering off\n");
        fflush(stderr);
        sync();
        reboot(RB_POWER_OFF);
        say("reboot: %s", strerror(errno), NULL);
        for (;;)
            pause();    /* process 1 must not exit */
    }
    exit(code);
}

/* make run's disk: /dev/vda holding ext2 (magic 0xef53 at byte 1080) is mounted at /home,
 * so files written there survive a power-off. A console line either way. */
static void mount_home(void)
{
    unsigned char magic[2];
    char mounts[4096];
    int fd = open("/proc/mounts", O_RDONLY);
    ssize_t m = fd >= 0 ? read(fd, mounts, sizeof mounts - 1) : -1;
    close(fd);
    mounts[m > 0 ? m : 0] = 0;
    if (!strncmp(mounts, "/dev/vda ", 9) || strstr(mounts, "\n/dev/vda "))
        return;                             /* root=/dev/vda: it is / already */
    fd = open("/dev/vda", O_RDONLY);
    if (fd < 0)
        return;                             /* no disk: nothing to say */
    ssize_t r = pread(fd, magic, 2, 1080);
    close(fd);
    if (r != 2 || magic[0] != 0x53 || magic[1] != 0xef) {
        say("/dev/vda is not ext2%s, /home stays in memory", "", NULL);
        return;
    }
    mkdir("/home", 0755);
    if (mount("/dev/vda", "/home", "ext2", 0, NULL) < 0)
        say("mount /dev/vda on /home%s", "", strerror(errno));
    else
        say("/dev/vda (ext2) mounted on /home%s", "", NULL);
}

static int exit_code(int st)
{
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

int main(int argc, char **argv)
{
    open_console();
    setenv("PATH", "/bin:/sbin", 1);
    setenv("HOME", "/", 1);
    setenv("TERM", "vt100", 1);
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    if (getpid() != 1)
        prctl(PR_SET_CHILD_SUBREAPER, 1);   /* when tested on a host: still get orphans */
    if (chdir("/") < 0)
        say("chdir /: %s", strerror(errno), NULL);
    if (getpid() == 1)
        mount_home();
    show_motd();

    static char *default_shell[] = {"/bin/sh", NULL};
    char **shell = argc > 1 ? argv + 1 : default_shell;
    int quick_failures = 0;
    for (;;) {
        time_t started = time(NULL);
        pid_t pid = spawn(shell);
        int st = pid > 0 ? wait_for(pid) : (127 << 8);
        if (!isatty(0))
            power_off(exit_code(st));
        /* Ctrl-D or exit in the shell: start a fresh one, unless it keeps failing at once. */
        if (time(NULL) - started < 1) {
            if (++quick_failures >= QUICK_FAILURES_MAX) {
                say("%s keeps failing, giving up", shell[0], NULL);
                power_off(exit_code(st));
            }
            sleep(1);
        } else
            quick_failures = 0;
        say("restarting %s", shell[0], NULL);
    }
}
