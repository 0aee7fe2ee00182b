/* Memory and string helpers for the freestanding kernel.
 * Host unit tests build the same kernel files against the C library's versions. */
#ifndef LIB_KSTRING_H
#define LIB_KSTRING_H

#include <stddef.h>

#ifdef HOST_TEST
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L   /* strnlen */
#endif
#include <string.h>
#else
void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
#endif

/* Copy at most size-1 bytes and always terminate; returns strlen(src). */
size_t kstrlcpy(char *dst, const char *src, size_t size);

#endif
