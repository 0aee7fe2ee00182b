/* Stopping the kernel on a broken internal invariant. Never use it for bad input
 * that a user program could cause: return an error to the caller instead. */
#ifndef LIB_PANIC_H
#define LIB_PANIC_H

/* Print the message and halt this hart for good. */
void kpanic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
