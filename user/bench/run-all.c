/* run-all: runs the benchmark suite, one program after another, each by fork + execve with
 * its iteration count; meant to be the first process (init=/bench/run-all), in which case it
 * powers the machine off at the end. scripts/bench.py reads its output:
 *   suite mode=<full|smoke> passes=<n>
 *   begin <bench> pass=<k>
 *   ... the benchmark's own "result"/"note"/"error" lines ...
 *   end <bench> pass=<k> status=<exit status, or "signal <n>">
 *   suite done
 * The same program runs on the host (scripts/bench.py runs build/bench-host/run-all -r 5).
 * Usage: run-all [-s] [-r passes] [-d dir]
 *   -s   smoke: tiny iteration counts (a check that every benchmark works, not a measurement)
 *   -r   run the whole suite this many times (default 1)
 *   -d   where the benchmarks are (default: this program's directory)
 * Installed copies named run-smoke and run-all5 default to -s and to -r 5, since a program
 * started by the kernel gets no arguments. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

struct bench {
    const char *name;
    const char *full, *smoke;           /* iteration counts (-n) */
};

static const struct bench suite[] = {
    { "lat_syscall", "100000", "200" },
    { "lat_ctx", "10000", "40" },
    { "lat_proc", "100", "3" },
    { "lat_pagefault", "8192", "64" },
    { "lat_sig", "20000", "100" },
    { "bw_pipe", "1000", "8" },
    { "lat_mmap", "10000", "100" },
};

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (n > (int)sizeof line - 2)
        n = (int)sizeof line - 2;
    line[n++] = '\n';
    if (write(1, line, (size_t)n) < 0)
        return;
}

/* The kernel gives its processes the console as 0, 1, 2; make sure of it anyway. */
static void open_console(void)
{
    for (int fd = 0; fd < 3; fd++) {
        if (fcntl(fd, F_GETFD) >= 0)
            continue;
        int c = open("/dev/console", O_RDWR | O_NOCTTY);
        if (c < 0)
            return;
        if (c != fd) {
            dup2(c, fd);
            close(c);
        }
    }
}

static void run(const char *dir, const struct bench *b, int smoke, int pass)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, b->name);
    say("begin %s pass=%d", b->name, pass);
    pid_t pid = fork();
    if (pid < 0) {
        say("end %s pass=%d status=fork failed: %s", b->name, pass, strerror(errno));
        return;
    }
    if (pid == 0) {
        char *argv[] = { path, "-n", (char *)(smoke ? b->smoke : b->full), NULL };
        char *envp[] = { NULL };
        execve(path, argv, envp);
        say("error %s: execve %s: %s", b->name, path, strerror(errno));
        _exit(127);
    }
    int st;
    pid_t w;
    while ((w = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
        ;
    if (w != pid)
        say("end %s pass=%d status=wait failed: %s", b->name, pass, strerror(errno));
    else if (WIFEXITED(st))
        say("end %s pass=%d status=%d", b->name, pass, WEXITSTATUS(st));
    else
        say("end %s pass=%d status=signal %d", b->name, pass, WIFSIGNALED(st) ? WTERMSIG(st) : -1);
    /* Reap anything a benchmark left behind (orphans come to pid 1). */
    while (waitpid(-1, &st, WNOHANG) > 0)
        ;
}

int main(int argc, char **argv)
{
    const char *self = argc > 0 && argv[0] ? argv[0] : "/bench/run-all";
    const char *base = strrchr(self, '/') ? strrchr(self, '/') + 1 : self;
    int smoke = strcmp(base, "run-smoke") == 0;
    int passes = strcmp(base, "run-all5") == 0 ? 5 : 1;
    char dir[256];
    size_t len = (size_t)(base - self);
    if (len > 1)
        len--;                          /* drop the slash, except for "/" itself */
    if (len == 0) {
        snprintf(dir, sizeof dir, ".");
    } else {
        if (len >= sizeof dir)
            len = sizeof dir - 1;
        memcpy(dir, self, len);
        dir[len] = 0;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-s") == 0)
            smoke = 1;
        else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
            passes = atoi(argv[++i]);
        else if (strcmp(argv[i], "-d") == 0 && i + 1 < argc)
            snprintf(dir, sizeof dir, "%s", argv[++i]);
        else {
            say("usage: run-all [-s] [-r passes] [-d dir]");
            return 2;
        }
    }
    if (passes < 1)
        passes = 1;

    open_console();
    say("suite mode=%s passes=%d", smoke ? "smoke" : "full", passes);
    for (int pass = 1; pass <= passes; pass++)
        for (size_t i = 0; i < sizeof suite / sizeof suite[0]; i++)
            run(dir, &suite[i], smoke, pass);
    say("suite done");
#if defined(__riscv)
    if (getpid() == 1) {                /* only as the guest's init: never on a host */
        sync();
        reboot(RB_POWER_OFF);
    }
#endif
    return 0;
}
