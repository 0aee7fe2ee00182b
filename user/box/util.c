/* box: helpers shared by the tools: messages, option parsing, whole-buffer I/O. */
#include "box.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void warn_errno(const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
}

void warn_msg(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int parse_opts(int argc, char **argv, const char *spec, struct opts *o)
{
    memset(o, 0, sizeof *o);
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            return i + 1;
        if (a[0] != '-' || a[1] == 0)
            break;
        for (const char *c = a + 1; *c; c++) {
            const char *s = strchr(spec, *c);
            if (!s || *c == ':' || (unsigned char)*c >= 128) {
                warn_msg("unknown option -%c", *c);
                return -1;
            }
            o->on[(int)*c] = 1;
            if (s[1] == ':') {
                /* The value is the rest of this word (-n5) or the next word (-n 5). */
                if (c[1])
                    o->val[(int)*c] = c + 1;
                else if (i + 1 < argc)
                    o->val[(int)*c] = argv[++i];
                else {
                    warn_msg("option -%c needs a value", *c);
                    return -1;
                }
                break;
            }
        }
    }
    return i;
}

int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= w;
    }
    return 0;
}

int copy_fd(int in, int out)
{
    static char buf[16384];
    for (;;) {
        ssize_t r = read(in, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            return 0;
        if (write_all(out, buf, r) < 0)
            return -1;
    }
}

int open_input(const char *name)
{
    if (strcmp(name, "-") == 0)
        return 0;
    int fd = open(name, O_RDONLY);
    if (fd < 0)
        warn_errno(name);
    return fd;
}

ssize_t read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    size_t got = 0;
    while (got + 1 < size) {
        ssize_t r = read(fd, buf + got, size - 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += r;
    }
    buf[got] = 0;
    close(fd);
    return got;
}

int signal_number(const char *s)
{
    if (isdigit((unsigned char)*s)) {
        char *end;
        long n = strtol(s, &end, 10);
        return *end || n < 0 || n >= NSIG ? -1 : (int)n;
    }
    if (strncasecmp(s, "SIG", 3) == 0)
        s += 3;
    for (int sig = 1; sig < NSIG; sig++) {
        const char *name = sigabbrev_np(sig);
        if (name && strcasecmp(name, s) == 0)
            return sig;
    }
    return -1;
}

int parse_long(const char *s, long *out)
{
    char *end;
    errno = 0;
    *out = strtol(s, &end, 10);
    if (!*s || *end || errno) {
        warn_msg("invalid number '%s'", s);
        return 0;
    }
    return 1;
}
