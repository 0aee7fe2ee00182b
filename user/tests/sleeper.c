/* Helper: sleeper MS [CODE] sleeps MS milliseconds, then exits with CODE (default 0). */
#include "tap.h"
#include <stdlib.h>

int main(int argc, char **argv)
{
    msleep(argc > 1 ? atol(argv[1]) : 1000);
    return argc > 2 ? atoi(argv[2]) : 0;
}
