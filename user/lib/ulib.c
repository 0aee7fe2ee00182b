#include "ulib.h"

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

void *memset(void *d, int c, size_t n)
{
    unsigned char *p = d;
    while (n--)
        *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    while (n--)
        *dp++ = *sp++;
    return d;
}

void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    if (dp < sp || dp >= sp + n)
        return memcpy(d, s, n);
    while (n--)
        dp[n] = sp[n];
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] - y[i];
    return 0;
}

/* ---- formatting ---- */

struct out {
    char *buf;
    size_t size; /* capacity including the terminating NUL */
    size_t len;  /* characters produced so far (may exceed size) */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_padded(struct out *o, const char *s, size_t n, int width, int left, char pad)
{
    int fill = width > (int)n ? width - (int)n : 0;
    if (!left)
        while (fill-- > 0)
            put(o, pad);
    for (size_t i = 0; i < n; i++)
        put(o, s[i]);
    if (left)
        while (fill-- > 0)
            put(o, ' ');
}

static void put_num(struct out *o, unsigned long v, unsigned base, int neg, int width, int left, char pad)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg) {
        if (pad == '0') { /* the sign goes before the zeros */
            put(o, '-');
            width--;
        } else {
            tmp[n++] = '-';
        }
    }
    char rev[24];
    for (int i = 0; i < n; i++)
        rev[i] = tmp[n - 1 - i];
    put_padded(o, rev, n, width, left, pad);
}

int uvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            put(&o, *p);
            continue;
        }
        p++;
        int left = 0, width = 0, lng = 0;
        char pad = ' ';
        for (;; p++) {
            if (*p == '-')
                left = 1;
            else if (*p == '0')
                pad = '0';
            else
                break;
        }
        while (*p >= '0' && *p <= '9')
            width = width * 10 + (*p++ - '0');
        while (*p == 'l' || *p == 'z') {
            lng = 1;
            p++;
        }
        if (left)
            pad = ' ';
        switch (*p) {
        case 'd':
        case 'i': {
            long v = lng ? va_arg(ap, long) : va_arg(ap, int);
            unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
            put_num(&o, u, 10, v < 0, width, left, pad);
            break;
        }
        case 'u':
        case 'x': {
            unsigned long v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            put_num(&o, v, *p == 'u' ? 10 : 16, 0, width, left, pad);
            break;
        }
        case 'p':
            put(&o, '0');
            put(&o, 'x');
            put_num(&o, (unsigned long)va_arg(ap, void *), 16, 0, width > 2 ? width - 2 : 0, left, pad);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            put_padded(&o, s, strlen(s), width, left, ' ');
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            put_padded(&o, &c, 1, width, left, ' ');
            break;
        }
        case '%':
            put(&o, '%');
            break;
        case '\0':
            p--; /* a lone '%' at the end: stop at the NUL */
            break;
        default: /* unknown conversion: show it verbatim */
            put(&o, '%');
            put(&o, *p);
            break;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int usnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = uvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

#define LINE_MAX_BYTES 512

static void write_all(const char *s, size_t n)
{
    while (n > 0) {
        long r = sys_write(1, s, n);
        if (r <= 0)
            return;
        s += r;
        n -= (size_t)r;
    }
}

static int vprint(const char *prefix, const char *fmt, va_list ap, const char *suffix)
{
    char buf[LINE_MAX_BYTES];
    size_t n = (size_t)usnprintf(buf, sizeof buf, "%s", prefix);
    if (n < sizeof buf)
        n += (size_t)uvsnprintf(buf + n, sizeof buf - n, fmt, ap);
    if (n < sizeof buf)
        n += (size_t)usnprintf(buf + n, sizeof buf - n, "%s", suffix);
    if (n >= sizeof buf) { /* truncated: keep the line ending */
        n = sizeof buf - 1;
        if (suffix[0])
            buf[n - 1] = '\n';
    }
    write_all(buf, n);
    return (int)n;
}

int uprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprint("", fmt, ap, "");
    va_end(ap);
    return n;
}

/* ---- test protocol ---- */

static int failures;

void t_ok(const char *name)
{
    uprintf("ok %s\n", name);
}

static void vfail(const char *name, const char *fmt, va_list ap)
{
    char prefix[128];
    failures++;
    usnprintf(prefix, sizeof prefix, "not ok %s: ", name);
    vprint(prefix, fmt, ap, "\n");
}

void t_fail(const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(name, fmt, ap);
    va_end(ap);
}

int t_check(int cond, const char *name, const char *fmt, ...)
{
    if (cond) {
        t_ok(name);
        return 1;
    }
    va_list ap;
    va_start(ap, fmt);
    vfail(name, fmt, ap);
    va_end(ap);
    return 0;
}

int t_status(void)
{
    return failures ? 1 : 0;
}

/* ---- helpers ---- */

long msleep(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    return sys_nanosleep(&ts, 0);
}

int64_t mono_ns(void)
{
    struct timespec ts;
    if (sys_clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return -1;
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
