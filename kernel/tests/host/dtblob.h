/* Shared by the device-tree host tests: loading generated trees from $HOST_TEST_DATA into
 * exactly-sized buffers (so ASan sees any overread) and big-endian field access. */
#ifndef TESTS_DTBLOB_H
#define TESTS_DTBLOB_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct blob {
    uint8_t *data;
    size_t len;
};

/* Read $HOST_TEST_DATA/name into an exactly-sized buffer, so ASan sees any overread. */
static __attribute__((unused)) struct blob load(const char *name)
{
    struct blob b = { NULL, 0 };
    const char *dir = getenv("HOST_TEST_DATA");
    char path[512];
    FILE *fp;
    long n;

    if (!dir) {
        fprintf(stderr, "  HOST_TEST_DATA is not set\n");
        return b;
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "  cannot open %s\n", path);
        return b;
    }
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0 && fseek(fp, 0, SEEK_SET) == 0) {
        b.data = malloc((size_t)n);
        if (b.data && fread(b.data, 1, (size_t)n, fp) == (size_t)n)
            b.len = (size_t)n;
    }
    fclose(fp);
    return b;
}

static __attribute__((unused)) uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static __attribute__((unused)) void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

#endif
