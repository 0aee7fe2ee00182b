/* A program linked against libdyntest.so (DT_NEEDED): the loader finds it in /usr/lib,
 * runs its constructor before main and binds the calls lazily through the PLT. */
#include "../tests/tap.h"

extern int dyntest_constructed;
extern const char *dyntest_name;
int dyntest_add(int a, int b);
int dyntest_tls_next(void);

int main(void)
{
    check(dyntest_constructed == 1234, "needed-constructor", "dyntest_constructed %d", dyntest_constructed);
    check(dyntest_add(2, 3) == 5, "needed-call", "dyntest_add(2, 3) = %d", dyntest_add(2, 3));
    check(strcmp(dyntest_name, "dyntest") == 0, "needed-data", "dyntest_name %s", dyntest_name);
    check(dyntest_tls_next() == 41, "needed-tls", "TLS counter wrong");
    return t_done("dyn_needed");
}
