// SOURCES: kernel/lib/string.c kernel/lib/printf.c
/* Host tests for the kernel string routines and the printf formatter; printf
 * output is compared with the C library's snprintf wherever C defines the result. */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "lib/printf.h"

/* Host builds of string.c contain only kstrlcpy (the C library supplies the rest),
 * so compile the kernel's own versions a second time here under kt_ names. */
#undef HOST_TEST
#define memset kt_memset
#define memcpy kt_memcpy
#define memmove kt_memmove
#define memcmp kt_memcmp
#define strlen kt_strlen
#define strnlen kt_strnlen
#define strcmp kt_strcmp
#define strncmp kt_strncmp
#define strchr kt_strchr
#define kstrlcpy kt_kstrlcpy
#include "lib/string.c"
#undef memset
#undef memcpy
#undef memmove
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef kstrlcpy
#define HOST_TEST 1

/* The linked (HOST_TEST) copy from kernel/lib/string.c. */
size_t kstrlcpy(char *dst, const char *src, size_t size);

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

static void fill_pattern(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed * 31u + i * 7u + (i >> 3));
}

static void test_memset(void)
{
    unsigned char buf[96];

    for (size_t off = 0; off < 8; off++) {
        for (size_t n = 0; n <= 70; n++) {
            memset(buf, 0xAA, sizeof buf);
            CHECK(kt_memset(buf + off, 0x1C5, n) == buf + off);   /* value is cast to 0xC5 */
            size_t bad = 0;
            for (size_t i = 0; i < sizeof buf; i++) {
                bool inside = i >= off && i < off + n;
                bad += buf[i] != (inside ? 0xC5 : 0xAA);
            }
            CHECK_EQ(bad, 0);
        }
    }
}

static void test_memcpy(void)
{
    unsigned char src[96], dst[96], want[96];

    fill_pattern(src, sizeof src, 1);
    for (size_t so = 0; so < 8; so++) {
        for (size_t d_o = 0; d_o < 8; d_o++) {
            for (size_t n = 0; n <= 70; n++) {
                memset(dst, 0x55, sizeof dst);
                memset(want, 0x55, sizeof want);
                for (size_t i = 0; i < n; i++)
                    want[d_o + i] = src[so + i];
                CHECK(kt_memcpy(dst + d_o, src + so, n) == dst + d_o);
                CHECK(memcmp(dst, want, sizeof dst) == 0);
            }
        }
    }
}

static void test_memmove(void)
{
    unsigned char buf[128], want[128], orig[128];

    fill_pattern(orig, sizeof orig, 2);
    /* Every overlap direction and distance, word-aligned and not. */
    for (size_t src = 16; src < 32; src++) {
        for (size_t dst = 8; dst < 48; dst++) {
            for (size_t n = 0; n <= 64; n += 3) {
                memcpy(buf, orig, sizeof buf);
                memcpy(want, orig, sizeof want);
                for (size_t i = 0; i < n; i++)
                    want[dst + i] = orig[src + i];
                CHECK(kt_memmove(buf + dst, buf + src, n) == buf + dst);
                CHECK(memcmp(buf, want, sizeof buf) == 0);
            }
        }
    }
}

static void test_memcmp(void)
{
    unsigned char a[40], b[40];

    fill_pattern(a, sizeof a, 3);
    memcpy(b, a, sizeof b);
    CHECK_EQ(kt_memcmp(a, b, sizeof a), 0);
    CHECK_EQ(kt_memcmp(a, b, 0), 0);
    for (size_t i = 0; i < sizeof a; i++) {
        b[i] = (unsigned char)(a[i] + 1);
        CHECK_EQ(sign(kt_memcmp(a, b, sizeof a)), -1);
        CHECK_EQ(sign(kt_memcmp(b, a, sizeof a)), 1);
        CHECK_EQ(kt_memcmp(a, b, i), 0);
        b[i] = a[i];
    }
    /* Bytes compare as unsigned char. */
    a[0] = 0x80;
    b[0] = 0x7f;
    CHECK_EQ(sign(kt_memcmp(a, b, 1)), 1);
}

static void test_strings(void)
{
    const char *s = "hello, world";
    char hi[] = { 'a', (char)0xE9, 0 };
    char lo[] = { 'a', 'z', 0 };

    CHECK_EQ(kt_strlen(""), 0);
    CHECK_EQ(kt_strlen(s), 12);
    CHECK_EQ(kt_strnlen(s, 5), 5);
    CHECK_EQ(kt_strnlen(s, 100), 12);
    CHECK_EQ(kt_strnlen(s, 0), 0);
    /* strnlen must stop at max even without a terminator. */
    char unterminated[4] = { 'a', 'b', 'c', 'd' };
    CHECK_EQ(kt_strnlen(unterminated, 4), 4);

    CHECK_EQ(kt_strcmp("abc", "abc"), 0);
    CHECK_EQ(sign(kt_strcmp("abc", "abd")), -1);
    CHECK_EQ(sign(kt_strcmp("abd", "abc")), 1);
    CHECK_EQ(sign(kt_strcmp("ab", "abc")), -1);
    CHECK_EQ(sign(kt_strcmp("abc", "ab")), 1);
    CHECK_EQ(sign(kt_strcmp(hi, lo)), 1);          /* unsigned comparison */
    CHECK_EQ(sign(kt_strcmp(hi, lo)), sign(strcmp(hi, lo)));

    CHECK_EQ(kt_strncmp("abcX", "abcY", 3), 0);
    CHECK_EQ(sign(kt_strncmp("abcX", "abcY", 4)), -1);
    CHECK_EQ(kt_strncmp("abc", "abd", 0), 0);
    CHECK_EQ(kt_strncmp("ab", "ab", 10), 0);
    CHECK_EQ(sign(kt_strncmp("ab", "abc", 10)), -1);

    CHECK(kt_strchr(s, 'o') == s + 4);
    CHECK(kt_strchr(s, 'd') == s + 11);
    CHECK(kt_strchr(s, 'z') == NULL);
    CHECK(kt_strchr(s, '\0') == s + 12);
    CHECK(kt_strchr(s, 'h' + 256) == s);          /* converted to char */
}

static void check_strlcpy(size_t (*fn)(char *, const char *, size_t))
{
    char buf[8];

    memset(buf, 'x', sizeof buf);
    CHECK_EQ(fn(buf, "hello", 0), 5);
    CHECK_EQ(buf[0], 'x');                          /* size 0 writes nothing */
    CHECK_EQ(fn(buf, "hello", 1), 5);
    CHECK_EQ(buf[0], '\0');
    CHECK_EQ(fn(buf, "hello", 4), 5);
    CHECK(strcmp(buf, "hel") == 0);
    CHECK_EQ(fn(buf, "hello", 6), 5);
    CHECK(strcmp(buf, "hello") == 0);
    memset(buf, 'x', sizeof buf);
    CHECK_EQ(fn(buf, "hello", sizeof buf), 5);
    CHECK(strcmp(buf, "hello") == 0);
    CHECK_EQ(buf[6], 'x');                          /* nothing past the terminator */
    CHECK_EQ(fn(buf, "", sizeof buf), 0);
    CHECK_EQ(buf[0], '\0');
}

static void test_kstrlcpy(void)
{
    check_strlcpy(kt_kstrlcpy);
    check_strlcpy(kstrlcpy);
}

/* Compare ksnprintf with the C library for one format at a few buffer sizes. */
#define CMP(...) cmp_printf(__FILE__, __LINE__, __VA_ARGS__)

static int cmp_failures_at(const char *file, int line, const char *fmt, size_t size,
                           const char *want, int wn, const char *got, int gn)
{
    /* Buffers may hold no terminator (size 0 leaves them untouched): bound the reads. */
    fprintf(stderr, "  %s:%d: fmt \"%s\" size %zu: want %d \"%.*s\" got %d \"%.*s\"\n",
            file, line, fmt, size, wn, 80, want, gn, 80, got);
    return 1;
}

static void __attribute__((format(printf, 3, 4)))
cmp_printf(const char *file, int line, const char *fmt, ...)
{
    char want[512], got[512];
    size_t sizes[] = { sizeof want, 0, 1, 2, 5, 0 };
    va_list ap, aq;
    int bad = 0;

    va_start(ap, fmt);
    va_copy(aq, ap);
    int full = vsnprintf(want, sizeof want, fmt, aq);
    va_end(aq);
    sizes[5] = full > 0 ? (size_t)full : 3;   /* exactly one byte short */
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        memset(want, '#', sizeof want);
        memset(got, '#', sizeof got);
        va_copy(aq, ap);
        int wn = vsnprintf(sizes[k] ? want : NULL, sizes[k], fmt, aq);
        va_end(aq);
        va_copy(aq, ap);
        int gn = kvsnprintf(sizes[k] ? got : NULL, sizes[k], fmt, aq);
        va_end(aq);
        /* Compare the whole buffer so bytes past the terminator count too. */
        if (wn != gn || memcmp(want, got, sizeof want) != 0)
            bad += cmp_failures_at(file, line, fmt, sizes[k], want, wn, got, gn);
    }
    va_end(ap);
    CHECK_EQ(bad, 0);
}

/* Same comparison without compile-time format checking, for combinations C defines
 * but GCC warns about (flags that another flag or a precision overrides). */
static void (*const cmp_unchecked)(const char *, int, const char *, ...) = cmp_printf;
#define CMPU(...) cmp_unchecked(__FILE__, __LINE__, __VA_ARGS__)

static void test_printf_basic(void)
{
    CMP("plain text");
    CMPU("");
    CMP("%%");
    CMP("a%%b%%%%c");
    CMP("%d %i", 42, -42);
    CMP("%d", 0);
    CMP("%d %d", INT_MAX, INT_MIN);
    CMP("%u %u", 0u, UINT_MAX);
    CMP("%x %X %o", 0xdeadbeefu, 0xdeadbeefu, 0755u);
    CMP("%x %o", 0u, 0u);
    CMP("%c%c%c", 'a', 'b', 'c');
    CMP("%s|%s", "hello", "");
    CMP("[%5s][%-5s][%.2s][%8.3s][%-8.3s]", "abcdef", "ab", "abcdef", "abcdef", "abcdef");
    CMP("[%*s][%-*s][%.*s]", 6, "ab", 6, "ab", 3, "abcdef");
    CMP("[%*d]", -6, 42);                       /* negative width: left-justify */
    CMP("[%.*d]", -3, 42);                      /* negative precision: as if omitted */
    CMP("[%0*d]", 7, -42);
    CMP("[%5c][%-5c]", 'x', 'y');
    CMP("%s and %d and %c", "mixed", 7, '!');
}

static void test_printf_lengths(void)
{
    CMP("%hhd %hhu %hhx", 300, 300, 0x1ff);      /* converted to (unsigned) char */
    CMP("%hhd", -129);
    CMP("%hd %hu %hx", 70000, 70000, 0x12345);
    CMP("%ld %lu %lx", LONG_MIN, ULONG_MAX, 0xdeadbeefcafebabeUL);
    CMP("%lld %llu %llo", LLONG_MIN, ULLONG_MAX, ULLONG_MAX);
    CMP("%lld %lld", LLONG_MAX, -1LL);
    CMP("%zu %zx %zd", (size_t)SIZE_MAX, (size_t)0x1234, (size_t)-5);
    CMP("%td %tx %tu", (ptrdiff_t)-77, (ptrdiff_t)0x77, (ptrdiff_t)-1);
    CMP("%jd %ju %jx", INTMAX_MIN, UINTMAX_MAX, (uintmax_t)0xabcdef);
    CMP("%li %lli %hi %hhi", -1L, -2LL, -3, -4);
    CMP("%#lx %#llo %#zx", 0x10UL, 8ULL, (size_t)255);
}

static void test_printf_flags(void)
{
    CMPU("[%+d][%+d][% d][% d][%+ d]", 5, -5, 5, -5, 5);
    CMPU("[%05d][%-05d][%05d][%5.3d][%05.3d]", 42, 42, -42, 7, 7);
    CMP("[%#x][%#X][%#o][%#x][%#o]", 255u, 255u, 8u, 0u, 0u);
    CMP("[%#.0o][%.0o][%.0x][%.0d][%5.0d]", 0u, 0u, 0u, 0, 0);
    CMP("[%#.5o][%#5o][%#08x][%-#8x]", 8u, 8u, 0x1fu, 0x1fu);
    CMP("[%.10d][%.10x][%-12.10d][%+.3d]", -123, 0xabcu, 99, 1);
    CMPU("[%08.3x][%-08x]", 0xau, 0xau);
    CMP("[%+05d][% 05d][%+-6d]", 3, 3, 3);
    CMP("[%.300d]", 12345);                      /* precision larger than any buffer */
    CMP("[%300d]", -1);
    CMP("[%0300x]", 0xffu);
}

static void test_printf_pointers(void)
{
    int local;
    void *volatile null_ptr = NULL;

    CMP("%p", (void *)&local);
    CMP("%p", (void *)0x1234);
    CMP("[%20p][%-20p]", (void *)0xfeedu, (void *)0xfeedu);
    CMP("%p", (void *)UINTPTR_MAX);
    CMP("%p", null_ptr);
    CMP("[%10p][%-10p]", null_ptr, null_ptr);
}

/* Sweep flag/width/precision combinations for each conversion where C defines them. */
struct sweep_conv {
    const char *conv;     /* length modifier + conversion */
    const char *flags;    /* flags with defined meaning for it */
    int kind;             /* 0 int, 1 unsigned, 2 long long, 3 string, 4 char */
};

static const long long sweep_values[] = {
    0, 1, -1, 7, 42, -42, 255, 4096, 123456789, INT_MAX, INT_MIN, (long long)UINT_MAX,
};

static int sweep_one(const char *fmt, int kind, long long v)
{
    switch (kind) {
    case 0: CMP(fmt, (int)v); break;
    case 1: CMP(fmt, (unsigned)v); break;
    case 2: CMP(fmt, v * 1000003LL); break;
    case 3: CMP(fmt, v < 0 ? "neg" : v > 1000 ? "a longer string" : ""); break;
    default: CMP(fmt, (int)('A' + (v & 15))); break;
    }
    return 1;
}

static void test_printf_sweep(void)
{
    static const struct sweep_conv convs[] = {
        { "d", "-0 +", 0 }, { "i", "-0 +", 0 }, { "u", "-0", 1 }, { "x", "-0#", 1 },
        { "X", "-0#", 1 }, { "o", "-0#", 1 }, { "lld", "-0 +", 2 }, { "llx", "-0#", 2 },
        { "s", "-", 3 }, { "c", "-", 4 },
    };
    static const char *widths[] = { "", "1", "5", "12" };
    static const char *precs[] = { "", ".", ".0", ".1", ".5", ".12" };
    int cases = 0;

    for (size_t c = 0; c < sizeof convs / sizeof convs[0]; c++) {
        size_t nflags = strlen(convs[c].flags);
        for (unsigned mask = 0; mask < (1u << nflags); mask++) {
            char flags[8];
            size_t nf = 0;
            for (size_t b = 0; b < nflags; b++) {
                if (mask & (1u << b))
                    flags[nf++] = convs[c].flags[b];
            }
            flags[nf] = '\0';
            for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
                for (size_t p = 0; p < sizeof precs / sizeof precs[0]; p++) {
                    /* C leaves precision on %c undefined. */
                    if (convs[c].kind == 4 && p > 0)
                        continue;
                    char fmt[32];
                    snprintf(fmt, sizeof fmt, "<%%%s%s%s%s>", flags, widths[w], precs[p],
                             convs[c].conv);
                    for (size_t v = 0; v < sizeof sweep_values / sizeof sweep_values[0]; v++)
                        cases += sweep_one(fmt, convs[c].kind, sweep_values[v]);
                }
            }
        }
    }
    CHECK(cases > 10000);
}

/* Behaviour C leaves to the implementation: checked against our documented choices. */
static void test_printf_kernel_choices(void)
{
    char buf[64];
    const char *volatile null_str = NULL;

    CHECK_EQ(ksnprintf(buf, sizeof buf, "[%s]", null_str), 8);
    CHECK(strcmp(buf, "[(null)]") == 0);
    CHECK_EQ(ksnprintf(buf, sizeof buf, "[%8s]", null_str), 10);
    CHECK(strcmp(buf, "[  (null)]") == 0);
    CHECK_EQ(ksnprintf(buf, sizeof buf, "[%.3s]", null_str), 5);
    CHECK(strcmp(buf, "[(nu]") == 0);
    /* Unknown conversions and a dangling '%' are copied through. */
    const char *fmt_unknown = "a%yb%-5qc%";
    CHECK_EQ(ksnprintf(buf, sizeof buf, fmt_unknown, 0), 10);
    CHECK(strcmp(buf, "a%yb%-5qc%") == 0);
    /* %c with NUL emits and counts a NUL byte. */
    memset(buf, 'z', sizeof buf);
    CHECK_EQ(ksnprintf(buf, sizeof buf, "a%cb", 0), 3);
    CHECK(buf[0] == 'a' && buf[1] == '\0' && buf[2] == 'b' && buf[3] == '\0');
    /* A precision on %s means the string need not be terminated. */
    char raw[3] = { 'x', 'y', 'z' };
    CHECK_EQ(ksnprintf(buf, sizeof buf, "%.3s", raw), 3);
    CHECK(strcmp(buf, "xyz") == 0);
}

static void test_printf_truncation(void)
{
    char buf[16];

    memset(buf, '#', sizeof buf);
    CHECK_EQ(ksnprintf(NULL, 0, "%d-%s", 12345, "abc"), 9);
    CHECK_EQ(ksnprintf(buf, 0, "%d", 12345), 5);
    CHECK_EQ(buf[0], '#');                       /* size 0 writes nothing */
    CHECK_EQ(ksnprintf(buf, 1, "%d", 12345), 5);
    CHECK_EQ(buf[0], '\0');
    CHECK_EQ(buf[1], '#');
    for (size_t size = 1; size <= 12; size++) {
        memset(buf, '#', sizeof buf);
        CHECK_EQ(ksnprintf(buf, size, "%s", "0123456789"), 10);
        size_t want = size - 1 < 10 ? size - 1 : 10;
        CHECK_EQ(strlen(buf), want);
        CHECK(memcmp(buf, "0123456789", want) == 0);
        CHECK_EQ(buf[size], '#');                /* never writes past size */
    }
}

struct count_sink {
    char text[64];
    size_t n;
};

static void sink_emit(char c, void *arg)
{
    struct count_sink *s = arg;

    if (s->n < sizeof s->text - 1)
        s->text[s->n] = c;
    s->n++;
}

static int sink_format(struct count_sink *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int n = kvformat(sink_emit, s, fmt, ap);
    va_end(ap);
    s->text[s->n < sizeof s->text ? s->n : sizeof s->text - 1] = '\0';
    return n;
}

static void test_kvformat_callback(void)
{
    struct count_sink s = { .n = 0 };

    CHECK_EQ(sink_format(&s, "x=%d y=%#x %s", -3, 0x20u, "ok"), 14);
    CHECK_EQ(s.n, 14);
    CHECK(strcmp(s.text, "x=-3 y=0x20 ok") == 0);
    s.n = 0;
    CHECK_EQ(sink_format(&s, "%s", ""), 0);
    CHECK_EQ(s.n, 0);
}

int main(void)
{
    RUN_TEST(test_memset);
    RUN_TEST(test_memcpy);
    RUN_TEST(test_memmove);
    RUN_TEST(test_memcmp);
    RUN_TEST(test_strings);
    RUN_TEST(test_kstrlcpy);
    RUN_TEST(test_printf_basic);
    RUN_TEST(test_printf_lengths);
    RUN_TEST(test_printf_flags);
    RUN_TEST(test_printf_pointers);
    RUN_TEST(test_printf_sweep);
    RUN_TEST(test_printf_kernel_choices);
    RUN_TEST(test_printf_truncation);
    RUN_TEST(test_kvformat_callback);
    CHECK_EXIT();
}
