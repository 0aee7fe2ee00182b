/* A tiny freestanding library for the -nostdlib user programs:
 * string helpers, uprintf, and the in-guest test protocol
 * (one line per assertion group: "ok NAME" or "not ok NAME: REASON"). */
#ifndef USER_ULIB_H
#define USER_ULIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "sys.h"

size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* printf subset: flags '0' '-', a width, length l/ll/z, conversions d i u x p s c %. */
int uvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int usnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Formats into a buffer and writes it to fd 1 with one write(), so lines from
 * concurrent processes do not interleave. */
int uprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Test protocol. */
void t_ok(const char *name);
void t_fail(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int t_check(int cond, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int t_status(void); /* 0 if no t_fail so far, else 1: a handy return value for main */

/* Helpers built on the system calls. */
long msleep(long ms);      /* nanosleep; returns its result */
int64_t mono_ns(void);     /* CLOCK_MONOTONIC in ns, -1 on error */

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
