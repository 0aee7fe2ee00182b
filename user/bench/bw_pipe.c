/* bw_pipe: bandwidth through a pipe between two processes. A child writes 64 KiB chunks;
 * the parent reads them with 64 KiB reads and times the transfer.
 *   64k   per 64 KiB chunk moved; also mib_per_s (MiB = 2^20 bytes per second)
 * Usage: bw_pipe [-n chunks] */
#include "bench.h"
#include <sys/wait.h>

#define CHUNK (64 * 1024)

static char buf[CHUNK];

/* Read exactly `bytes` bytes. */
static void drain(int fd, long long bytes)
{
    while (bytes > 0) {
        ssize_t r = read(fd, buf, bytes < CHUNK ? (size_t)bytes : CHUNK);
        if (r <= 0)
            b_die("read pipe");
        bytes -= r;
    }
}

int main(int argc, char **argv)
{
    long n = b_args(argc, argv, 2000);
    long warm = b_warm(n);
    int p[2];
    if (pipe(p) < 0)
        b_die("pipe");
    pid_t pid = fork();
    if (pid < 0)
        b_die("fork");
    if (pid == 0) {
        close(p[0]);
        memset(buf, 'b', sizeof buf);
        for (long i = 0; i < warm + n; i++)
            for (size_t off = 0; off < CHUNK;) {
                ssize_t w = write(p[1], buf + off, CHUNK - off);
                if (w <= 0)
                    _exit(1);
                off += (size_t)w;
            }
        _exit(0);
    }
    close(p[1]);
    struct b_acc a;
    b_acc_clear(&a);
    drain(p[0], (long long)warm * CHUNK);
    b_begin(&a);
    drain(p[0], (long long)n * CHUNK);
    b_end(&a);
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        b_say("error bw_pipe: writer failed (status %#x)", st);
        return 1;
    }
    char extra[64];
    double ns = a.ns > 0 ? a.ns : 1;
    snprintf(extra, sizeof extra, "mib_per_s=%.1f", (double)n * CHUNK / (1024.0 * 1024.0) / (ns / 1e9));
    b_report("bw_pipe", "64k", &a, (double)n, extra);
    return 0;
}
