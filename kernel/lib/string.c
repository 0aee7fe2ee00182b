/* Freestanding memory and string routines for the kernel (the compiler also emits
 * calls to memset/memcpy/memmove/memcmp, so these exact names must exist). */
#include <stdbool.h>
#include <stdint.h>
#include "lib/kstring.h"

#ifndef HOST_TEST

/* Word-at-a-time accesses through a may_alias type so they cannot be
 * reordered against the caller's typed accesses to the same bytes. */
typedef uint64_t __attribute__((may_alias)) kword_t;

#define KWORD sizeof(kword_t)

/* Misaligned word accesses trap or are emulated slowly on RISC-V, so the word
 * path is used only when both pointers share the same alignment. */
static bool str_aligned2(const void *a, const void *b)
{
    return (((uintptr_t)a | (uintptr_t)b) & (KWORD - 1)) == 0;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    unsigned char b = (unsigned char)c;

    while (n > 0 && ((uintptr_t)d & (KWORD - 1)) != 0) {
        *d++ = b;
        n--;
    }
    if (n >= KWORD) {
        kword_t w = (kword_t)b * UINT64_C(0x0101010101010101);
        kword_t *wd = (kword_t *)(void *)d;
        /* Four words per turn: zeroing a page is the hot case (every fresh page). */
        for (; n >= 4 * KWORD; n -= 4 * KWORD, wd += 4) {
            wd[0] = w;
            wd[1] = w;
            wd[2] = w;
            wd[3] = w;
        }
        for (; n >= KWORD; n -= KWORD)
            *wd++ = w;
        d = (unsigned char *)wd;
    }
    while (n-- > 0)
        *d++ = b;
    return dst;
}

typedef uint32_t __attribute__((may_alias)) khalf_t;

/* Ascending copy; also serves memmove when the destination lies below the source.
 * Pointers that agree modulo 8 (or 4) are brought to that alignment byte by byte, then
 * copied a word (or half-word) at a time: initramfs file data is only 4-byte aligned. */
static void str_copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
    size_t unit = (((uintptr_t)d ^ (uintptr_t)s) & (KWORD - 1)) == 0 ? KWORD
                  : (((uintptr_t)d ^ (uintptr_t)s) & 3) == 0 ? 4 : 1;
    while (n > 0 && ((uintptr_t)d & (unit - 1)) != 0) {
        *d++ = *s++;
        n--;
    }
    if (unit == KWORD) {
        kword_t *wd = (kword_t *)(void *)d;
        const kword_t *ws = (const kword_t *)(const void *)s;
        for (; n >= 4 * KWORD; n -= 4 * KWORD, wd += 4, ws += 4) {
            kword_t a = ws[0], b = ws[1], c = ws[2], e = ws[3];
            wd[0] = a;
            wd[1] = b;
            wd[2] = c;
            wd[3] = e;
        }
        for (; n >= KWORD; n -= KWORD)
            *wd++ = *ws++;
        d = (unsigned char *)wd;
        s = (const unsigned char *)ws;
    } else if (unit == 4) {
        khalf_t *hd = (khalf_t *)(void *)d;
        const khalf_t *hs = (const khalf_t *)(const void *)s;
        for (; n >= 4; n -= 4)
            *hd++ = *hs++;
        d = (unsigned char *)hd;
        s = (const unsigned char *)hs;
    }
    while (n-- > 0)
        *d++ = *s++;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    str_copy_forward(dst, src, n);
    return dst;
}

/* Copy downwards so that an overlapping destination above the source is safe. */
static void str_copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
    d += n;
    s += n;
    if (str_aligned2(d, s)) {
        for (; n >= KWORD; n -= KWORD) {
            d -= KWORD;
            s -= KWORD;
            *(kword_t *)(void *)d = *(const kword_t *)(const void *)s;
        }
    }
    while (n-- > 0)
        *--d = *--s;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d == s || n == 0)
        return dst;
    /* Forward copy is safe unless the destination starts inside the source. */
    if ((uintptr_t)d - (uintptr_t)s >= n) {
        str_copy_forward(d, s, n);
    } else {
        str_copy_backward(d, s, n);
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;

    for (; n > 0; n--, p++, q++) {
        if (*p != *q)
            return *p < *q ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char *s)
{
    const char *p = s;

    while (*p != '\0')
        p++;
    return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n] != '\0')
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;

    while (*p != '\0' && *p == *q) {
        p++;
        q++;
    }
    return (int)*p - (int)*q;
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;

    for (; n > 0; n--, p++, q++) {
        if (*p != *q || *p == '\0')
            return (int)*p - (int)*q;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    char ch = (char)c;

    for (;; s++) {
        if (*s == ch)
            return (char *)s;
        if (*s == '\0')
            return NULL;
    }
}

#endif /* !HOST_TEST */

size_t kstrlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size > 0) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}
