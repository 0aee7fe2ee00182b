/* Shared helpers for the rvix micro-benchmarks (header only: every benchmark is one program).
 * The same sources build for the riscv64 guest (static glibc) and natively for the host.
 *
 * A measurement is a pair of snapshots around a timed loop. A snapshot takes, in this order,
 *   /proc/counters (kernel event counts, when the file exists), rdinstret and rdcycle (on
 *   RISC-V only), clock_gettime(CLOCK_MONOTONIC)
 * and the closing snapshot takes them in the reverse order, so each clock is read closest to
 * the loop. What the snapshots themselves cost (a few system calls for the counters file and
 * the clock) is measured at start-up on an empty interval and subtracted.
 *
 * Output: one line per operation, written with a single write(2):
 *   result <bench> <op> ns_per_op=<f> cycles_per_op=<f> instret_per_op=<f> [<counter>_per_op=<f>]...
 * plus "note <bench> <op>: text" for anything skipped. cycles/instret are "nan" where the
 * hardware counters cannot be read from user mode (the host build). Under QEMU, rdcycle and
 * rdinstret both return the instruction count when QEMU runs with -icount and host ticks
 * otherwise; scripts/bench.py uses instret only from its -icount run. */
#ifndef USER_BENCH_BENCH_H
#define USER_BENCH_BENCH_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define B_FN static __attribute__((unused))

#define B_MAX_COUNTERS 16
#define B_NAME_MAX 32

struct b_snap {
    uint64_t ns, cycles, instret;
    int ncounters;                      /* -1: /proc/counters is not there */
    char names[B_MAX_COUNTERS][B_NAME_MAX];
    uint64_t counters[B_MAX_COUNTERS];
};

/* Accumulated cost of one or more timed intervals, overhead already taken off. */
struct b_acc {
    double ns, cycles, instret;
    int ncounters;
    char names[B_MAX_COUNTERS][B_NAME_MAX];
    double counters[B_MAX_COUNTERS];
    struct b_snap begin;                /* of the interval in progress */
};

static const char *b_bench = "bench";   /* this program's name, for messages */
static struct b_acc b_overhead;         /* of one empty interval (minimum of several) */

/* One line, one write(2): lines from concurrent processes never mix. */
B_FN void b_say(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (n > (int)sizeof line - 2)
        n = (int)sizeof line - 2;
    line[n++] = '\n';
    for (int off = 0; off < n;) {
        ssize_t w = write(1, line + off, (size_t)(n - off));
        if (w <= 0)
            return;
        off += (int)w;
    }
}

B_FN void __attribute__((noreturn)) b_die(const char *what)
{
    b_say("error %s: %s: %s", b_bench, what, strerror(errno));
    exit(1);
}

#if defined(__riscv)
static inline uint64_t b_rdinstret(void)
{
    uint64_t v;
    __asm__ volatile("rdinstret %0" : "=r"(v));
    return v;
}
static inline uint64_t b_rdcycle(void)
{
    uint64_t v;
    __asm__ volatile("rdcycle %0" : "=r"(v));
    return v;
}
#define B_HAVE_HW_COUNTERS 1
#else
static inline uint64_t b_rdinstret(void) { return 0; }
static inline uint64_t b_rdcycle(void) { return 0; }
#define B_HAVE_HW_COUNTERS 0
#endif

static inline uint64_t b_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Parse /proc/counters ("name value" per line) into s; ncounters = -1 if it cannot be read. */
B_FN void b_read_counters(struct b_snap *s)
{
    static char buf[2048];
    s->ncounters = -1;
    int fd = open("/proc/counters", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    size_t len = 0;
    ssize_t n;
    while (len < sizeof buf - 1 && (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
        len += (size_t)n;
    close(fd);
    buf[len] = 0;
    s->ncounters = 0;
    for (char *p = buf; *p && s->ncounters < B_MAX_COUNTERS;) {
        char *eol = strchr(p, '\n');
        if (eol)
            *eol = 0;
        char name[B_NAME_MAX];
        unsigned long long v;
        if (sscanf(p, "%31s %llu", name, &v) == 2) {
            memcpy(s->names[s->ncounters], name, sizeof name);
            s->counters[s->ncounters++] = v;
        }
        if (!eol)
            break;
        p = eol + 1;
    }
}

static inline void b_snap_begin(struct b_snap *s)
{
    b_read_counters(s);
    s->instret = b_rdinstret();
    s->cycles = b_rdcycle();
    s->ns = b_now_ns();
}

static inline void b_snap_end(struct b_snap *s)
{
    s->ns = b_now_ns();
    s->cycles = b_rdcycle();
    s->instret = b_rdinstret();
    b_read_counters(s);
}

B_FN void b_acc_clear(struct b_acc *a)
{
    memset(a, 0, sizeof *a);
    a->ncounters = -1;
}

static inline void b_begin(struct b_acc *a)
{
    b_snap_begin(&a->begin);
}

/* Close the interval opened by b_begin and add its cost, less the snapshot overhead. */
static inline void b_end(struct b_acc *a)
{
    struct b_snap e;
    b_snap_end(&e);
    const struct b_snap *b = &a->begin;
    a->ns += (double)(e.ns - b->ns) - b_overhead.ns;
    a->cycles += (double)(e.cycles - b->cycles) - b_overhead.cycles;
    a->instret += (double)(e.instret - b->instret) - b_overhead.instret;
    if (b->ncounters < 0 || e.ncounters != b->ncounters)
        return;
    if (a->ncounters < 0) {
        a->ncounters = e.ncounters;
        memcpy(a->names, e.names, sizeof a->names);
    }
    for (int i = 0; i < e.ncounters && i < a->ncounters; i++) {
        double ov = i < b_overhead.ncounters ? b_overhead.counters[i] : 0;
        a->counters[i] += (double)(e.counters[i] - b->counters[i]) - ov;
    }
}

static inline double b_min(double a, double b)
{
    return a < b ? a : b;
}

/* Measure empty intervals; the smallest cost of each kind becomes the overhead. */
B_FN void b_calibrate(void)
{
    struct b_acc best, one;
    b_acc_clear(&b_overhead);
    b_acc_clear(&best);
    for (int i = 0; i < 7; i++) {
        b_acc_clear(&one);
        b_begin(&one);
        b_end(&one);
        if (i == 0) {
            best = one;
            continue;
        }
        best.ns = b_min(best.ns, one.ns);
        best.cycles = b_min(best.cycles, one.cycles);
        best.instret = b_min(best.instret, one.instret);
        for (int k = 0; k < one.ncounters && k < best.ncounters; k++)
            best.counters[k] = b_min(best.counters[k], one.counters[k]);
    }
    b_overhead = best;
}

static inline double b_clamp(double v)
{
    return v < 0 ? 0 : v;
}

/* Print the result line for `ops` operations measured in a. `extra` (may be NULL) is
 * appended as is, e.g. "mib_per_s=812.3". */
B_FN void b_report(const char *bench, const char *op, const struct b_acc *a, double ops, const char *extra)
{
    char line[900];
    int n = snprintf(line, sizeof line, "result %s %s ns_per_op=%.1f", bench, op, b_clamp(a->ns) / ops);
    if (B_HAVE_HW_COUNTERS)
        n += snprintf(line + n, sizeof line - n, " cycles_per_op=%.1f instret_per_op=%.1f",
                      b_clamp(a->cycles) / ops, b_clamp(a->instret) / ops);
    else
        n += snprintf(line + n, sizeof line - n, " cycles_per_op=nan instret_per_op=nan");
    for (int i = 0; i < a->ncounters && n < (int)sizeof line - 64; i++)
        n += snprintf(line + n, sizeof line - n, " %s_per_op=%.4f", a->names[i], b_clamp(a->counters[i]) / ops);
    if (extra && n < (int)sizeof line - 64)
        snprintf(line + n, sizeof line - n, " %s", extra);
    b_say("%s", line);
}

/* Command line: -n N (iterations). Returns N, or `def` if not given. */
B_FN long b_args(int argc, char **argv, long def)
{
    const char *slash = argc > 0 ? strrchr(argv[0], '/') : NULL;
    b_bench = argc > 0 ? (slash ? slash + 1 : argv[0]) : "bench";
    long n = def;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
            char *end;
            n = strtol(argv[++i], &end, 10);
            if (*end || n < 1) {
                b_say("error %s: bad iteration count '%s'", b_bench, argv[i]);
                exit(2);
            }
        } else if (strcmp(argv[i], "-h") == 0) {
            b_say("usage: %s [-n iterations]", b_bench);
            exit(0);
        }
    }
    b_calibrate();
    return n;
}

/* The directory this program was started from (for /bench/hello and friends). */
B_FN void b_self_dir(const char *argv0, char *dir, size_t size)
{
    const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
    if (!slash) {
        snprintf(dir, size, ".");
        return;
    }
    size_t len = (size_t)(slash - argv0);
    if (len == 0)
        len = 1;                        /* "/hello" lives in "/" */
    if (len >= size)
        len = size - 1;
    memcpy(dir, argv0, len);
    dir[len] = 0;
}

/* Warm-up count for a run of n timed iterations. */
static inline long b_warm(long n)
{
    long w = n / 10;
    return w < 1 ? 1 : w;
}

#endif
