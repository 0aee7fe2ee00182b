/* printf-style formatting for the kernel: one core (kvformat) that hands each
 * character to a callback, plus snprintf-like wrappers for fixed buffers. */
#ifndef LIB_PRINTF_H
#define LIB_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

/* Supported: %d %i %u %x %X %o %c %s %p %%, length modifiers hh h l ll z t j,
 * flags - 0 space + #, width and precision (both may be *).
 * %s of NULL prints "(null)"; %p prints "0x" + minimal hex, or "(nil)" for NULL.
 * An unknown conversion is copied through literally.
 * Returns the number of characters passed to emit. */
int kvformat(void (*emit)(char c, void *arg), void *arg, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* C99 snprintf semantics: returns the length the full output would have had;
 * writes at most size-1 characters and always terminates when size > 0. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
