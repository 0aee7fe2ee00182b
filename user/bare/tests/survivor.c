/* Spawned next to the programs that crash: still alive and scheduled afterwards. */
#include "ulib.h"

int main(void)
{
    long r = msleep(300);
    if (!t_check(r == 0, "survivor-sleep", "nanosleep(300 ms) returned %ld", r))
        return 1;
    t_ok("survivor");
    return 0;
}
