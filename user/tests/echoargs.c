/* Helper for exec: prints its argv and envp and checks they arrived exactly.
 * Usage: echoargs HASH [args...], HASH = hex vec_hash of argv[2..] then of envp (see tap.h).
 * Exit status: 0 exact match, 1 mismatch, 10 + argc when there is no HASH argument. */
#include "tap.h"
#include <stdlib.h>

static void show(const char *what, int i, const char *s)
{
    size_t len = strlen(s);
    say("echoargs: %s[%d] (%zu bytes) <%.60s>%s", what, i, len, s, len > 60 ? "..." : "");
}

int main(int argc, char **argv, char **envp)
{
    say("echoargs: argc=%d", argc);
    for (int i = 0; i < argc && i < 40; i++)
        show("argv", i, argv[i]);
    int envc = 0;
    while (envp[envc])
        envc++;
    say("echoargs: envc=%d", envc);
    for (int i = 0; i < envc && i < 40; i++)
        show("envp", i, envp[i]);
    if (argc < 2)
        return 10 + argc;
    unsigned long long want = strtoull(argv[1], NULL, 16);
    unsigned long long got = vec_hash(envp, vec_hash(argv + 2, VEC_HASH_SEED));
    say("echoargs: hash %s", got == want ? "matches" : "DIFFERS");
    return got == want ? 0 : 1;
}
