/* box: shared declarations of the multi-call binary: every tool is a main-like function
 * int tool_NAME(int argc, char **argv), picked by the name it was called by. */
#ifndef BOX_H
#define BOX_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

extern const char *prog;    /* the running tool's name, for messages */

/* "prog: what: strerror(errno)" on stderr. */
void warn_errno(const char *what);
/* "prog: message" on stderr. */
void warn_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Options: spec lists the letters, a ':' after one means it takes a value ("n:v").
 * Combined flags (-la) and "--" work; stops at the first operand. Returns the index of
 * the first operand, or -1 after printing a message for an unknown option. */
struct opts {
    char on[128];
    const char *val[128];
};
int parse_opts(int argc, char **argv, const char *spec, struct opts *o);

/* Writes all of buf; returns -1 on error. */
int write_all(int fd, const void *buf, size_t n);
/* Copies in to out until end of input; returns -1 on error (errno set). */
int copy_fd(int in, int out);
/* Opens a named input, "-" meaning standard input; prints the error and returns -1. */
int open_input(const char *name);
/* Reads a whole file (for small /proc files); returns bytes read or -1. */
ssize_t read_file(const char *path, char *buf, size_t size);
/* Signal by name (TERM, SIGTERM, term) or number; -1 if unknown. */
int signal_number(const char *s);
/* Parses a whole number; returns 0 and prints an error when s isn't one. */
int parse_long(const char *s, long *out);

#define TOOL(name) int tool_##name(int argc, char **argv)
TOOL(basename); TOOL(cat); TOOL(chmod); TOOL(clear); TOOL(cp); TOOL(date); TOOL(dirname);
TOOL(echo); TOOL(env); TOOL(false); TOOL(free); TOOL(grep); TOOL(head); TOOL(kill);
TOOL(ln); TOOL(ls); TOOL(mkdir); TOOL(mv); TOOL(poweroff); TOOL(ps); TOOL(pwd);
TOOL(reboot); TOOL(rm); TOOL(rmdir); TOOL(seq); TOOL(sleep); TOOL(stat); TOOL(sync);
TOOL(tail); TOOL(tee); TOOL(test); TOOL(touch); TOOL(true); TOOL(uname); TOOL(uptime);
TOOL(wc); TOOL(yes);
TOOL(dd); TOOL(mount); TOOL(umount); TOOL(df);    /* disk.c */

#endif
