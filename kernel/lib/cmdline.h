/* The kernel command line (/chosen bootargs): space-separated key=value words. */
#ifndef LIB_CMDLINE_H
#define LIB_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/* Copy the value of key into val (at most n-1 chars); false if key is absent. */
bool cmdline_get(const char *cmdline, const char *key, char *val, size_t n);
/* Parse an unsigned decimal value of key; def when absent or malformed. */
unsigned long cmdline_get_ulong(const char *cmdline, const char *key, unsigned long def);

#endif
