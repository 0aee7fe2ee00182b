/* The kernel's own symbol table (function names), for symbolized backtraces. It is generated
 * from the first link by scripts/mksyms.py and linked into the second (see the Makefile). */
#ifndef LIB_KSYMS_H
#define LIB_KSYMS_H

#include <stddef.h>
#include <stdint.h>

/* Write "name+0xoff" for pc into buf, or "?" when pc is outside the kernel text. */
void ksyms_format(uint64_t pc, char *buf, size_t n);

#endif
