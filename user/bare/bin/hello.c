/* The smallest program: proves exec, the initial stack and write work. */
#include "ulib.h"

int main(int argc, char **argv, char **envp)
{
    (void)envp;
    uprintf("hello from pid %ld (%s, argc=%d)\n", sys_getpid(), argc > 0 ? argv[0] : "?", argc);
    return 0;
}
