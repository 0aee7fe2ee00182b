/* lat_sig: signals.
 *   install  sigaction(SIGUSR1) with a handler
 *   catch    kill(getpid(), SIGUSR1) through the raw system call, the handler runs, and
 *            rt_sigreturn comes back: one delivery and return per operation
 * Usage: lat_sig [-n iterations] */
#include "bench.h"
#include <signal.h>
#include <sys/syscall.h>

static volatile long caught;

static void handler(int sig)
{
    (void)sig;
    caught++;
}

int main(int argc, char **argv)
{
    long n = b_args(argc, argv, 20000);
    struct b_acc a;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);

    for (long i = 0; i < b_warm(n); i++)
        if (sigaction(SIGUSR1, &sa, NULL) < 0)
            b_die("sigaction");
    b_acc_clear(&a);
    b_begin(&a);
    for (long i = 0; i < n; i++)
        sigaction(SIGUSR1, &sa, NULL);
    b_end(&a);
    b_report("lat_sig", "install", &a, (double)n, NULL);

    long pid = getpid();
    for (long i = 0; i < b_warm(n); i++)
        syscall(SYS_kill, pid, SIGUSR1);
    caught = 0;
    b_acc_clear(&a);
    b_begin(&a);
    for (long i = 0; i < n; i++)
        syscall(SYS_kill, pid, SIGUSR1);
    b_end(&a);
    if (caught != n) {
        b_say("error lat_sig: %ld signals sent, %ld caught", n, caught);
        return 1;
    }
    b_report("lat_sig", "catch", &a, (double)n, NULL);
    return 0;
}
