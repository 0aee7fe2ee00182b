/* Helper for exec: checks the signal state a program inherits through execve, as set up by
 * exec.c: handlers for SIGUSR1 and SIGTERM (reset to SIG_DFL), SIG_IGN for SIGUSR2 and
 * SIGCHLD (kept), SIGHUP blocked and pending (both kept), an alternate stack (dropped).
 * Exit status: a bit mask of what is wrong, 0 if everything is as Linux does it. */
#include "tap.h"
#include <signal.h>

int main(void)
{
    int bad = 0;
    struct sigaction sa;
    sigaction(SIGUSR1, NULL, &sa);
    if (sa.sa_handler != SIG_DFL || (sa.sa_flags & SA_SIGINFO))
        bad |= 1;
    sigaction(SIGTERM, NULL, &sa);
    if (sa.sa_handler != SIG_DFL)
        bad |= 2;
    sigaction(SIGUSR2, NULL, &sa);
    if (sa.sa_handler != SIG_IGN)
        bad |= 4;
    sigaction(SIGCHLD, NULL, &sa);
    if (sa.sa_handler != SIG_IGN)
        bad |= 8;
    sigset_t set;
    sigprocmask(SIG_BLOCK, NULL, &set);
    if (!sigismember(&set, SIGHUP) || sigismember(&set, SIGUSR1))
        bad |= 16;
    sigpending(&set);
    if (!sigismember(&set, SIGHUP))
        bad |= 32;
    stack_t ss;
    if (sigaltstack(NULL, &ss) != 0 || !(ss.ss_flags & SS_DISABLE))
        bad |= 64;
    say("sigreport: problems %#x", bad);
    return bad;
}
