/* The `make run` demo: prints its pid and a count five times, 200 ms apart. */
#include "ulib.h"

int main(void)
{
    long pid = sys_getpid();
    for (int i = 1; i <= 5; i++) {
        uprintf("ticker pid %ld: tick %d\n", pid, i);
        if (i < 5)
            msleep(200);
    }
    return 0;
}
