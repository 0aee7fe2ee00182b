/* Helper for exec: AT_RANDOM must differ from one exec to the next, and AT_EXECFN must be
 * the path given to execve (not argv[0]).
 * Usage: auxrand PATH PREVHEX N  -- compares its AT_RANDOM with PREVHEX, then (N > 0) execs
 * PATH again with its own bytes and N - 1, under a different argv[0].
 * Exit status: 0 all good, 1 same bytes as before, 2 bad arguments, 3 re-exec failed,
 * 4 no AT_RANDOM, 5 AT_EXECFN is not PATH. */
#include "tap.h"
#include <stdlib.h>
#include <sys/auxv.h>

int main(int argc, char **argv, char **envp)
{
    if (argc != 4 || strlen(argv[2]) != 32)
        return 2;
    const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    if (!rnd)
        return 4;
    if (!execfn || strcmp(execfn, argv[1]) != 0)
        return 5;
    char hex[33];
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
    say("auxrand: AT_RANDOM %s (previous %s)", hex, argv[2]);
    if (strcmp(hex, argv[2]) == 0)
        return 1;
    int n = atoi(argv[3]);
    if (n <= 0)
        return 0;
    char next[12];
    snprintf(next, sizeof next, "%d", n - 1);
    char *nargv[] = { "auxrand-again", argv[1], hex, next, NULL };
    execve(argv[1], nargv, envp);
    return 3;
}
