/* lat_ctx: process switches, measured as a token (one byte) passed around a ring of processes
 * over pipes: process i reads from pipe i and writes to pipe i+1 (mod k). Every hop is one
 * write, one blocking read and one switch to the next process.
 *   2p_roundtrip   two processes ping-ponging over two pipes; per round trip (two hops)
 *   8p_hop         a ring of 8 processes; per hop (one switch)
 *   32p_hop        a ring of 32 processes; per hop
 * The pipe cost is not subtracted (lat_syscall and bw_pipe show it).
 * Usage: lat_ctx [-n round trips] */
#include "bench.h"
#include <signal.h>
#include <sys/wait.h>

#define RING_MAX 32

/* Run `laps` laps of a k-process ring, the first `warm` of them untimed. */
static void ring(int k, long laps, long warm, const char *op, double per_lap)
{
    int p[RING_MAX][2];
    pid_t kids[RING_MAX];
    for (int i = 0; i < k; i++)
        if (pipe(p[i]) < 0)
            b_die("pipe");
    for (int i = 1; i < k; i++) {
        kids[i] = fork();
        if (kids[i] < 0)
            b_die("fork");
        if (kids[i] == 0) {
            int in = p[i][0], out = p[(i + 1) % k][1];
            for (int j = 0; j < k; j++) {
                if (p[j][0] != in)
                    close(p[j][0]);
                if (p[j][1] != out)
                    close(p[j][1]);
            }
            char c;
            while (read(in, &c, 1) == 1)
                if (write(out, &c, 1) != 1)
                    _exit(1);
            _exit(0);
        }
    }
    int in = p[0][0], out = p[1 % k][1];
    for (int j = 0; j < k; j++) {
        if (p[j][0] != in)
            close(p[j][0]);
        if (p[j][1] != out)
            close(p[j][1]);
    }

    struct b_acc a;
    b_acc_clear(&a);
    char c = 'x';
    for (long i = 0; i < warm + laps; i++) {
        if (i == warm)
            b_begin(&a);
        if (write(out, &c, 1) != 1 || read(in, &c, 1) != 1)
            b_die("ring");
    }
    b_end(&a);
    close(out);     /* EOF travels round the ring and every child exits */
    close(in);
    int bad = 0;
    for (int i = 1; i < k; i++) {
        int st;
        if (waitpid(kids[i], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            bad = 1;
    }
    if (bad) {
        b_say("error lat_ctx: a ring process failed");
        exit(1);
    }
    b_report("lat_ctx", op, &a, (double)laps * per_lap, NULL);
}

int main(int argc, char **argv)
{
    long n = b_args(argc, argv, 20000);
    ring(2, n, b_warm(n), "2p_roundtrip", 1);
    /* Rings of 8 and 32 make k hops per lap: keep the number of hops near 2n. */
    long laps8 = n / 4 > 0 ? n / 4 : 1;
    ring(8, laps8, b_warm(laps8), "8p_hop", 8);
    long laps32 = n / 16 > 0 ? n / 16 : 1;
    ring(32, laps32, b_warm(laps32), "32p_hop", 32);
    return 0;
}
