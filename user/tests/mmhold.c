/* Helper for /tests/mmapfile's text-sharing check: touches every page of a 1 MiB read-only
 * array (file-backed, in the executable), says "ready" and holds its mappings until stdin
 * reaches end of file. */
#include <unistd.h>

#define BLOB_SIZE (1 << 20)
static const unsigned char blob[BLOB_SIZE] = { 1, 2, 3 };

int main(void)
{
    unsigned sum = 0;
    for (unsigned i = 0; i < BLOB_SIZE; i += 4096)
        sum += ((const volatile unsigned char *)blob)[i];
    char c;
    if (write(1, sum == 1 ? "ready\n" : "bad\n", sum == 1 ? 6 : 4) < 0)
        return 2;
    while (read(0, &c, 1) > 0)
        ;
    return 0;
}
