/* printf-style formatter core (kvformat) and the snprintf-like wrappers built on it;
 * console output lives elsewhere and also sits on top of kvformat. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/kstring.h"
#include "lib/printf.h"

#define FMT_INT_MAX ((int)(~0u >> 1))

enum {
    FMT_LEFT  = 1u << 0,   /* '-' */
    FMT_ZERO  = 1u << 1,   /* '0' */
    FMT_SPACE = 1u << 2,   /* ' ' */
    FMT_PLUS  = 1u << 3,   /* '+' */
    FMT_ALT   = 1u << 4,   /* '#' */
};

enum fmt_len { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

struct fmt_spec {
    unsigned flags;
    int width;
    int prec;              /* -1 when no precision was given */
    enum fmt_len len;
    char conv;
};

struct fmt_out {
    void (*emit)(char c, void *arg);
    void *arg;
    size_t count;
};

static void fmt_putc(struct fmt_out *o, char c)
{
    o->emit(c, o->arg);
    o->count++;
}

static void fmt_repeat(struct fmt_out *o, char c, size_t n)
{
    while (n-- > 0)
        fmt_putc(o, c);
}

static void fmt_write(struct fmt_out *o, const char *s, size_t n)
{
    while (n-- > 0)
        fmt_putc(o, *s++);
}

/* Saturate instead of overflowing: an absurd width must not become negative. */
static int fmt_parse_num(const char **fmt)
{
    int v = 0;

    while (**fmt >= '0' && **fmt <= '9') {
        int d = **fmt - '0';
        v = v > (FMT_INT_MAX - d) / 10 ? FMT_INT_MAX : v * 10 + d;
        (*fmt)++;
    }
    return v;
}

static unsigned fmt_parse_flags(const char **fmt)
{
    unsigned flags = 0;

    for (;; (*fmt)++) {
        switch (**fmt) {
        case '-': flags |= FMT_LEFT; break;
        case '0': flags |= FMT_ZERO; break;
        case ' ': flags |= FMT_SPACE; break;
        case '+': flags |= FMT_PLUS; break;
        case '#': flags |= FMT_ALT; break;
        default: return flags;
        }
    }
}

static void fmt_parse_width(const char **fmt, struct fmt_spec *sp, va_list *ap)
{
    if (**fmt != '*') {
        sp->width = fmt_parse_num(fmt);
        return;
    }
    (*fmt)++;
    int w = va_arg(*ap, int);
    /* A negative '*' width means left-justify, as in C. */
    if (w < 0) {
        sp->flags |= FMT_LEFT;
        w = w < -FMT_INT_MAX ? FMT_INT_MAX : -w;
    }
    sp->width = w;
}

static void fmt_parse_prec(const char **fmt, struct fmt_spec *sp, va_list *ap)
{
    sp->prec = -1;
    if (**fmt != '.')
        return;
    (*fmt)++;
    if (**fmt == '*') {
        (*fmt)++;
        int p = va_arg(*ap, int);
        sp->prec = p < 0 ? -1 : p;    /* negative means "no precision" */
    } else {
        sp->prec = fmt_parse_num(fmt);
    }
}

static enum fmt_len fmt_parse_len(const char **fmt)
{
    const char *f = *fmt;
    enum fmt_len len = LEN_NONE;

    switch (*f) {
    case 'h': len = f[1] == 'h' ? LEN_HH : LEN_H; break;
    case 'l': len = f[1] == 'l' ? LEN_LL : LEN_L; break;
    case 'z': len = LEN_Z; break;
    case 't': len = LEN_T; break;
    case 'j': len = LEN_J; break;
    default: return LEN_NONE;
    }
    *fmt += (len == LEN_HH || len == LEN_LL) ? 2 : 1;
    return len;
}

/* Parse everything after '%'; *fmt ends just past the conversion character
 * (or on the terminating NUL, with conv set to '\0'). */
static void fmt_parse_spec(const char **fmt, struct fmt_spec *sp, va_list *ap)
{
    sp->flags = fmt_parse_flags(fmt);
    fmt_parse_width(fmt, sp, ap);
    fmt_parse_prec(fmt, sp, ap);
    sp->len = fmt_parse_len(fmt);
    sp->conv = **fmt;
    if (sp->conv != '\0')
        (*fmt)++;
}

static intmax_t fmt_fetch_signed(enum fmt_len len, va_list *ap)
{
    switch (len) {
    case LEN_HH: return (signed char)va_arg(*ap, int);
    case LEN_H:  return (short)va_arg(*ap, int);
    case LEN_L:  return va_arg(*ap, long);
    case LEN_LL: return va_arg(*ap, long long);
    /* %zd takes the signed type matching size_t, which is ptrdiff_t on our ABIs. */
    case LEN_Z:  return (ptrdiff_t)va_arg(*ap, size_t);
    case LEN_T:  return va_arg(*ap, ptrdiff_t);
    case LEN_J:  return va_arg(*ap, intmax_t);
    default:     return va_arg(*ap, int);
    }
}

static uintmax_t fmt_fetch_unsigned(enum fmt_len len, va_list *ap)
{
    switch (len) {
    case LEN_HH: return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_H:  return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_L:  return va_arg(*ap, unsigned long);
    case LEN_LL: return va_arg(*ap, unsigned long long);
    case LEN_Z:  return va_arg(*ap, size_t);
    /* %tu takes the unsigned type matching ptrdiff_t, which is size_t on our ABIs. */
    case LEN_T:  return (size_t)va_arg(*ap, ptrdiff_t);
    case LEN_J:  return va_arg(*ap, uintmax_t);
    default:     return va_arg(*ap, unsigned int);
    }
}

/* Digits of v in reverse order; returns how many were produced. */
static size_t fmt_digits(char *buf, uintmax_t v, unsigned base, bool upper)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    size_t n = 0;

    do {
        buf[n++] = set[v % base];
        v /= base;
    } while (v != 0);
    return n;
}

static size_t fmt_prefix(char *pfx, const struct fmt_spec *sp, uintmax_t mag, bool neg)
{
    bool is_signed = sp->conv == 'd' || sp->conv == 'i';

    if (is_signed && neg)
        return pfx[0] = '-', 1;
    if (is_signed && (sp->flags & FMT_PLUS))
        return pfx[0] = '+', 1;
    if (is_signed && (sp->flags & FMT_SPACE))
        return pfx[0] = ' ', 1;
    /* C only adds 0x for nonzero values; %p always sets ALT on a nonzero value. */
    if ((sp->flags & FMT_ALT) && mag != 0 && (sp->conv == 'x' || sp->conv == 'X')) {
        pfx[0] = '0';
        pfx[1] = sp->conv;
        return 2;
    }
    return 0;
}

static void fmt_number(struct fmt_out *o, const struct fmt_spec *sp, uintmax_t mag, bool neg)
{
    unsigned base = sp->conv == 'o' ? 8 : (sp->conv == 'x' || sp->conv == 'X') ? 16 : 10;
    char digits[sizeof(uintmax_t) * 3];
    char pfx[2];
    size_t ndig = 0, nzero = 0, npfx, total, pad = 0;

    /* An explicit zero precision prints no digits for the value zero. */
    if (!(sp->prec == 0 && mag == 0))
        ndig = fmt_digits(digits, mag, base, sp->conv == 'X');
    if (sp->prec > 0 && (size_t)sp->prec > ndig)
        nzero = (size_t)sp->prec - ndig;
    /* '#' with %o forces the first digit to be a zero. */
    if (sp->conv == 'o' && (sp->flags & FMT_ALT) && nzero == 0 && (ndig == 0 || mag != 0))
        nzero = 1;
    npfx = fmt_prefix(pfx, sp, mag, neg);
    total = npfx + nzero + ndig;
    if ((size_t)sp->width > total)
        pad = (size_t)sp->width - total;
    /* '0' pads with zeros only when neither '-' nor a precision overrides it. */
    if ((sp->flags & FMT_ZERO) && !(sp->flags & FMT_LEFT) && sp->prec < 0) {
        nzero += pad;
        pad = 0;
    }
    if (!(sp->flags & FMT_LEFT))
        fmt_repeat(o, ' ', pad);
    fmt_write(o, pfx, npfx);
    fmt_repeat(o, '0', nzero);
    while (ndig > 0)
        fmt_putc(o, digits[--ndig]);
    if (sp->flags & FMT_LEFT)
        fmt_repeat(o, ' ', pad);
}

/* Emit n bytes of s, space-padded to the field width. */
static void fmt_field(struct fmt_out *o, const struct fmt_spec *sp, const char *s, size_t n)
{
    size_t pad = (size_t)sp->width > n ? (size_t)sp->width - n : 0;

    if (!(sp->flags & FMT_LEFT))
        fmt_repeat(o, ' ', pad);
    fmt_write(o, s, n);
    if (sp->flags & FMT_LEFT)
        fmt_repeat(o, ' ', pad);
}

/* With a precision the string need not be terminated, so never scan past it.
 * (Local because strnlen is POSIX, not C11, and host builds use the C library.) */
static size_t fmt_strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n] != '\0')
        n++;
    return n;
}

static void fmt_string(struct fmt_out *o, const struct fmt_spec *sp, const char *s)
{
    if (s == NULL)
        s = "(null)";
    fmt_field(o, sp, s, sp->prec >= 0 ? fmt_strnlen(s, (size_t)sp->prec) : strlen(s));
}

static void fmt_pointer(struct fmt_out *o, struct fmt_spec *sp, va_list *ap)
{
    uintptr_t p = (uintptr_t)va_arg(*ap, void *);

    if (p == 0) {
        fmt_field(o, sp, "(nil)", 5);
        return;
    }
    sp->conv = 'x';
    sp->flags |= FMT_ALT;
    fmt_number(o, sp, p, false);
}

static void fmt_signed(struct fmt_out *o, const struct fmt_spec *sp, va_list *ap)
{
    intmax_t v = fmt_fetch_signed(sp->len, ap);
    /* Negate in unsigned arithmetic so the most negative value is safe. */
    uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;

    fmt_number(o, sp, mag, v < 0);
}

/* Handle one conversion; returns false for an unknown conversion character. */
static bool fmt_convert(struct fmt_out *o, struct fmt_spec *sp, va_list *ap)
{
    char c;

    switch (sp->conv) {
    case 'd': case 'i':
        fmt_signed(o, sp, ap);
        return true;
    case 'u': case 'x': case 'X': case 'o':
        fmt_number(o, sp, fmt_fetch_unsigned(sp->len, ap), false);
        return true;
    case 'c':
        c = (char)va_arg(*ap, int);
        fmt_field(o, sp, &c, 1);
        return true;
    case 's':
        fmt_string(o, sp, va_arg(*ap, const char *));
        return true;
    case 'p':
        fmt_pointer(o, sp, ap);
        return true;
    case '%':
        fmt_putc(o, '%');
        return true;
    default:
        return false;
    }
}

int kvformat(void (*emit)(char c, void *arg), void *arg, const char *fmt, va_list ap)
{
    struct fmt_out o = { emit, arg, 0 };
    va_list args;

    /* Work on a copy: a va_list parameter cannot portably be passed by address. */
    va_copy(args, ap);
    while (*fmt != '\0') {
        if (*fmt != '%') {
            fmt_putc(&o, *fmt++);
            continue;
        }
        const char *start = fmt++;
        struct fmt_spec sp;
        fmt_parse_spec(&fmt, &sp, &args);
        /* Unknown or truncated directives are copied through so the mistake is visible. */
        if (!fmt_convert(&o, &sp, &args))
            fmt_write(&o, start, (size_t)(fmt - start));
    }
    va_end(args);
    return o.count > (size_t)FMT_INT_MAX ? -1 : (int)o.count;
}

struct fmt_buf {
    char *buf;
    size_t size;
    size_t pos;
};

static void fmt_buf_emit(char c, void *arg)
{
    struct fmt_buf *b = arg;

    /* Keep the last byte for the terminator; count everything regardless. */
    if (b->pos + 1 < b->size)
        b->buf[b->pos] = c;
    b->pos++;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct fmt_buf b = { buf, size, 0 };
    int n = kvformat(fmt_buf_emit, &b, fmt, ap);

    if (size > 0)
        buf[b.pos < size - 1 ? b.pos : size - 1] = '\0';
    return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
