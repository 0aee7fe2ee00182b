// SOURCES: kernel/lib/fdt.c
/* Host tests for the FDT parser: lookups on real QEMU trees and on our test trees, hand-built
 * malformed blobs, every truncation of a blob, and a fixed-seed byte-mutation loop under ASan/UBSan. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lib/errno.h"
#include "lib/fdt.h"

#include "dtblob.h"

/* ---- a tiny blob builder for crafted inputs ---- */

struct bld {
    uint8_t st[8192];
    uint32_t nst;
    char str[1024];
    uint32_t nstr;
};

static void b_u32(struct bld *b, uint32_t v)
{
    put32(b->st + b->nst, v);
    b->nst += 4;
}

static void b_begin(struct bld *b, const char *name)
{
    size_t n = strlen(name) + 1;

    b_u32(b, 1);
    memset(b->st + b->nst, 0, (n + 3) & ~(size_t)3);
    memcpy(b->st + b->nst, name, n);
    b->nst += (uint32_t)((n + 3) & ~(size_t)3);
}

static void b_end(struct bld *b)
{
    b_u32(b, 2);
}

static uint32_t b_string(struct bld *b, const char *s)
{
    uint32_t off = b->nstr;

    memcpy(b->str + off, s, strlen(s) + 1);
    b->nstr += (uint32_t)strlen(s) + 1;
    return off;
}

static void b_prop(struct bld *b, const char *name, const void *data, uint32_t len)
{
    b_u32(b, 3);
    b_u32(b, len);
    b_u32(b, b_string(b, name));
    memset(b->st + b->nst, 0, (len + 3) & ~3u);
    memcpy(b->st + b->nst, data, len);
    b->nst += (len + 3) & ~3u;
}

static void b_prop_u32(struct bld *b, const char *name, uint32_t v)
{
    uint8_t d[4];

    put32(d, v);
    b_prop(b, name, d, 4);
}

/* Header (40) + empty reservation map (16) + struct + strings; returns a malloc'ed blob. */
static uint8_t *b_finish(const struct bld *b, size_t *len)
{
    uint32_t off_st = 56, off_str = off_st + b->nst, total = off_str + b->nstr;
    uint8_t *p = calloc(1, total);

    put32(p, 0xd00dfeed);
    put32(p + 4, total);
    put32(p + 8, off_st);
    put32(p + 12, off_str);
    put32(p + 16, 40);
    put32(p + 20, 17);
    put32(p + 24, 16);
    put32(p + 32, b->nstr);
    put32(p + 36, b->nst);
    memcpy(p + off_st, b->st, b->nst);
    memcpy(p + off_str, b->str, b->nstr);
    *len = total;
    return p;
}

/* A small valid tree: / { #address-cells; model; cpu@0 { reg; }; }. */
static void b_valid_tree(struct bld *b)
{
    memset(b, 0, sizeof *b);
    b_begin(b, "");
    b_prop_u32(b, "#address-cells", 1);
    b_prop(b, "model", "test", 5);
    b_begin(b, "cpu@0");
    b_prop_u32(b, "reg", 0);
    b_end(b);
    b_end(b);
    b_u32(b, 9);
}

/* fdt_open must fail and its message must contain want. */
static void expect_reject(const uint8_t *p, size_t len, const char *want)
{
    struct fdt f;
    int r = fdt_open(&f, p, len);

    CHECK_EQ(r, -EINVAL);
    CHECK(strstr(fdt_strerror(&f), want) != NULL);
    if (!strstr(fdt_strerror(&f), want))
        fprintf(stderr, "  wanted '%s', got '%s'\n", want, fdt_strerror(&f));
}

/* Build b, give the caller a chance to patch it, and expect rejection. */
static void expect_built_reject(const struct bld *b, const char *want)
{
    size_t len;
    uint8_t *p = b_finish(b, &len);

    expect_reject(p, len, want);
    free(p);
}

/* ---- exercising every accessor, for truncation and fuzzing ---- */

static unsigned walk_all(struct fdt *f)
{
    static const char *paths[] = { "/", "/soc/serial@10000000", "/cpus/cpu@0/interrupt-controller",
                                   "/soc/plic", "serial0", "/chosen", "/nonexistent/x" };
    unsigned work = 0;
    int node = f->root, depth = 0, i, r;
    uint32_t pos;
    struct fdt_prop p;
    uint64_t a, s;
    const char *str;
    size_t k;

    while (node >= 0) {
        work += (unsigned)strlen(fdt_node_name(f, node));
        for (r = fdt_first_prop(f, node, &p); r == 0; r = fdt_next_prop(f, &p)) {
            for (pos = 0; fdt_prop_next_string(&p, &pos, &str) == 0;)
                work += (unsigned)strlen(str);
            work += fdt_prop_string_at(&p, 2, &str) == 0;
            if (fdt_prop_cells(&p, 0, 2, &a) == 0)
                work += (unsigned)a;
            work += fdt_prop_has_string(&p, "riscv,plic0");
        }
        work += fdt_node_okay(f, node) + fdt_node_phandle(f, node);
        node = fdt_next_node(f, node, &depth);
    }
    for (k = 0; k < sizeof paths / sizeof paths[0]; k++)
        work += fdt_find_node(f, paths[k], strlen(paths[k])) >= 0;
    work += fdt_find_phandle(f, 9) >= 0;
    for (i = 0; fdt_memrsv(f, i, &a, &s) == 0; i++)
        work++;
    return work;
}

/* ---- tests on real trees ---- */

static void test_open_qemu_virt(void)
{
    struct blob b = load("qemu-virt.dtb");
    struct fdt f;

    CHECK(b.data != NULL);
    if (!b.data)
        return;
    CHECK_EQ(fdt_open(&f, b.data, b.len), 0);
    CHECK_EQ(f.totalsize, get32(b.data + 4));
    CHECK_EQ(f.version, 17);
    CHECK_EQ(f.boot_cpuid, 0);
    CHECK_EQ(f.rsv_count, 0);
    CHECK(f.root >= 0);
    CHECK_EQ(strcmp(fdt_node_name(&f, f.root), ""), 0);
    CHECK_EQ(strcmp(fdt_strerror(&f), ""), 0);
    free(b.data);
}

static void test_find_node(void)
{
    struct blob b = load("qemu-virt.dtb"), su = load("qemu-sifive-u.dtb");
    struct fdt f, g;
    uint32_t v;
    int n;

    CHECK(b.data && su.data);
    if (!b.data || !su.data)
        return;
    CHECK_EQ(fdt_open(&f, b.data, b.len), 0);
    CHECK_EQ(fdt_find_node(&f, "/", 1), f.root);
    n = fdt_find_node(&f, "/soc/serial@10000000", 20);
    CHECK(n > 0);
    CHECK_EQ(strcmp(fdt_node_name(&f, n), "serial@10000000"), 0);
    CHECK_EQ(fdt_find_node(&f, "/soc/serial", 11), n);                     /* unit address optional */
    CHECK_EQ(fdt_find_node(&f, "//soc//serial@10000000/", 23), n);        /* extra slashes */
    CHECK_EQ(fdt_find_node(&f, "/soc/serial@10000000:115200", 20), n);    /* len bounds the path */
    CHECK_EQ(fdt_find_node(&f, "/soc/serial@1000000", 19), -ENOENT);      /* unit must match fully */
    n = fdt_find_node(&f, "/cpus/cpu@2", 11);
    CHECK(n > 0);
    CHECK_EQ(fdt_read_u32(&f, n, "reg", &v), 0);
    CHECK_EQ(v, 2);
    CHECK_EQ(fdt_find_node(&f, "/cpus/cpu@9", 11), -ENOENT);
    CHECK_EQ(fdt_find_node(&f, "/nope", 5), -ENOENT);
    CHECK_EQ(fdt_find_node(&f, "", 0), -ENOENT);
    CHECK_EQ(fdt_find_node(&f, "serial0", 7), -ENOENT);                   /* virt has no /aliases */

    CHECK_EQ(fdt_open(&g, su.data, su.len), 0);
    n = fdt_find_node(&g, "serial1", 7);
    CHECK(n > 0);
    CHECK_EQ(strcmp(fdt_node_name(&g, n), "serial@10011000"), 0);
    CHECK_EQ(fdt_find_node(&g, "serial0:115200", 7), fdt_find_node(&g, "/soc/serial@10010000", 20));
    n = fdt_find_node(&g, "ethernet0/ethernet-phy@0", 24);                /* alias, then a child */
    CHECK(n > 0);
    CHECK_EQ(strcmp(fdt_node_name(&g, n), "ethernet-phy@0"), 0);
    CHECK_EQ(fdt_find_node(&g, "serial9", 7), -ENOENT);
    free(b.data);
    free(su.data);
}

static void test_props_and_cells(void)
{
    struct blob b = load("qemu-virt.dtb");
    struct fdt f;
    struct fdt_prop p;
    const char *s;
    uint64_t v;
    uint32_t u;
    int plic, uart;

    CHECK(b.data != NULL);
    if (!b.data)
        return;
    CHECK_EQ(fdt_open(&f, b.data, b.len), 0);
    plic = fdt_find_node(&f, "/soc/plic@c000000", 17);
    uart = fdt_find_node(&f, "/soc/serial@10000000", 20);
    CHECK(plic > 0 && uart > 0);
    CHECK_EQ(fdt_get_prop(&f, plic, "compatible", &p), 0);
    CHECK_EQ(fdt_prop_string_at(&p, 0, &s), 0);
    CHECK_EQ(strcmp(s, "sifive,plic-1.0.0"), 0);
    CHECK_EQ(fdt_prop_string_at(&p, 1, &s), 0);
    CHECK_EQ(strcmp(s, "riscv,plic0"), 0);
    CHECK_EQ(fdt_prop_string_at(&p, 2, &s), -ENOENT);
    CHECK_EQ(fdt_prop_string_at(&p, -1, &s), -ENOENT);
    CHECK(fdt_prop_has_string(&p, "riscv,plic0"));
    CHECK(!fdt_prop_has_string(&p, "riscv,plic"));
    CHECK(fdt_node_compatible(&f, plic, "sifive,plic-1.0.0"));
    CHECK(!fdt_node_compatible(&f, uart, "sifive,plic-1.0.0"));
    CHECK_EQ(fdt_get_prop(&f, plic, "no-such-prop", &p), -ENOENT);

    CHECK_EQ(fdt_get_prop(&f, uart, "reg", &p), 0);
    CHECK_EQ(p.len, 16);
    CHECK_EQ(fdt_prop_cells(&p, 0, 2, &v), 0);
    CHECK_EQ(v, 0x10000000);
    CHECK_EQ(fdt_prop_cells(&p, 2, 2, &v), 0);
    CHECK_EQ(v, 0x100);
    CHECK_EQ(fdt_prop_cells(&p, 3, 2, &v), -EINVAL);                       /* past the end */
    CHECK_EQ(fdt_prop_cells(&p, 0xffffffffu, 2, &v), -EINVAL);             /* no wrap-around */
    CHECK_EQ(fdt_prop_cells(&p, 0, 4, &v), -ERANGE);                       /* 0x10000000 in cell 1 > 64 bits */
    CHECK_EQ(fdt_prop_number(&p, &v), -EINVAL);                            /* 16 bytes is no number */
    CHECK_EQ(fdt_read_u32(&f, uart, "reg", &u), -EINVAL);
    CHECK(strstr(fdt_strerror(&f), "'reg' of node 'serial@10000000' is 16 bytes") != NULL);
    CHECK_EQ(fdt_read_number(&f, uart, "clock-frequency", &v), 0);
    CHECK_EQ(v, 3686400);
    CHECK_EQ(fdt_read_u32(&f, uart, "interrupts", &u), 0);
    CHECK_EQ(u, 10);
    CHECK_EQ(fdt_read_string(&f, uart, "compatible", &s), 0);
    CHECK_EQ(strcmp(s, "ns16550a"), 0);
    CHECK_EQ(fdt_read_string(&f, uart, "missing", &s), -ENOENT);
    CHECK_EQ(fdt_read_u32(&f, -4, "reg", &u), -EINVAL);                     /* not a node */
    CHECK_EQ(fdt_read_u32(&f, uart + 4, "reg", &u), -EINVAL);
    free(b.data);
}

static void test_iteration(void)
{
    static const char *top[] = { "aliases", "chosen", "cpus", "memory@80000000", "memory@100000000",
                                 "memory@200000000", "reserved-memory", "other-intc", "plic@c000000",
                                 "serial@30000000", "bus@20000000", "serial@40000000" };
    struct blob b = load("features.dtb");
    struct fdt f;
    struct fdt_prop p;
    int node, depth = 0, count = 0, maxdepth = 0, n, r;
    size_t i = 0;

    CHECK(b.data != NULL);
    if (!b.data)
        return;
    CHECK_EQ(fdt_open(&f, b.data, b.len), 0);
    for (node = f.root; node >= 0; node = fdt_next_node(&f, node, &depth)) {
        count++;
        if (depth > maxdepth)
            maxdepth = depth;
    }
    CHECK_EQ(node, -ENOENT);
    CHECK_EQ(count, 26);
    CHECK_EQ(maxdepth, 4);          /* /cpus/cpu-map/cluster0/core0 */
    for (n = fdt_first_child(&f, f.root); n >= 0; n = fdt_next_sibling(&f, n), i++)
        CHECK(i < sizeof top / sizeof top[0] && strcmp(fdt_node_name(&f, n), top[i]) == 0);
    CHECK_EQ(i, sizeof top / sizeof top[0]);
    n = fdt_find_node(&f, "/chosen", 7);
    CHECK_EQ(fdt_first_child(&f, n), -ENOENT);
    /* subtree walk: starting at depth 0 stops when that node closes */
    depth = 0;
    count = 0;
    for (n = fdt_find_node(&f, "/cpus", 5); n >= 0; n = fdt_next_node(&f, n, &depth))
        count++;
    CHECK_EQ(count, 10);            /* cpus, 3 x (cpu, intc), cpu-map, cluster0, core0 */
    count = 0;
    for (r = fdt_first_prop(&f, fdt_find_node(&f, "/chosen", 7), &p); r == 0; r = fdt_next_prop(&f, &p))
        count++;
    CHECK_EQ(r, -ENOENT);
    CHECK_EQ(count, 4);
    free(b.data);
}

static void test_phandle_okay_memrsv(void)
{
    struct blob b = load("qemu-virt.dtb"), ft = load("features.dtb");
    struct fdt f, g;
    uint64_t a, s;
    int n;

    CHECK(b.data && ft.data);
    if (!b.data || !ft.data)
        return;
    CHECK_EQ(fdt_open(&f, b.data, b.len), 0);
    n = fdt_find_phandle(&f, 9);
    CHECK(n > 0);
    CHECK_EQ(strcmp(fdt_node_name(&f, n), "plic@c000000"), 0);
    CHECK_EQ(fdt_node_phandle(&f, n), 9);
    CHECK_EQ(fdt_node_phandle(&f, f.root), 0);
    CHECK_EQ(fdt_find_phandle(&f, 0), -ENOENT);
    CHECK_EQ(fdt_find_phandle(&f, 0xffffffffu), -ENOENT);
    CHECK_EQ(fdt_find_phandle(&f, 0x1234), -ENOENT);

    CHECK_EQ(fdt_open(&g, ft.data, ft.len), 0);
    CHECK(fdt_node_okay(&g, fdt_find_node(&g, "/cpus/cpu@0", 11)));        /* no status */
    CHECK(fdt_node_okay(&g, fdt_find_node(&g, "/cpus/cpu@1", 11)));        /* "ok" */
    CHECK(!fdt_node_okay(&g, fdt_find_node(&g, "/cpus/cpu@2", 11)));       /* "fail" */
    CHECK(!fdt_node_okay(&g, fdt_find_node(&g, "/memory@200000000", 17))); /* "disabled" */
    CHECK_EQ(g.rsv_count, 2);
    CHECK_EQ(fdt_memrsv(&g, 0, &a, &s), 0);
    CHECK_EQ(a, 0x88000000);
    CHECK_EQ(s, 0x100000);
    CHECK_EQ(fdt_memrsv(&g, 1, &a, &s), 0);
    CHECK_EQ(a, 0x9000000000ull);
    CHECK_EQ(s, 0x2000);
    CHECK_EQ(fdt_memrsv(&g, 2, &a, &s), -ENOENT);
    CHECK_EQ(fdt_memrsv(&g, -1, &a, &s), -ENOENT);
    free(b.data);
    free(ft.data);
}

static void test_format(void)
{
    char buf[64], small[8];

    CHECK_EQ(fdt_format(buf, sizeof buf, "a%sb%uc%x", "XY", 42u, 0xdeadbeefu), 15);
    CHECK_EQ(strcmp(buf, "aXYb42cdeadbeef"), 0);
    fdt_format(buf, sizeof buf, "%d %d %ld %lld", -5, 0, -1234567890123L, (long long)INT64_MIN);
    CHECK_EQ(strcmp(buf, "-5 0 -1234567890123 -9223372036854775808"), 0);
    fdt_format(buf, sizeof buf, "%llx %lu %zu %c%%", 0x123456789abcdefull, 18446744073709551615ul,
               (size_t)7, 'q');
    CHECK_EQ(strcmp(buf, "123456789abcdef 18446744073709551615 7 q%"), 0);
    CHECK_EQ(fdt_format(small, sizeof small, "%s", "0123456789"), 10);    /* full length returned */
    CHECK_EQ(strcmp(small, "0123456"), 0);
    CHECK_EQ(fdt_format(small, 0, "abc"), 3);
    const char *unknown = "%u%q%u";             /* not a literal, so the compiler lets it through */

    fdt_format(buf, sizeof buf, unknown, 1u, 2u);  /* unknown conversion: stop there */
    CHECK_EQ(strcmp(buf, "1"), 0);
}

/* ---- malformed blobs ---- */

static void test_builder_sane(void)
{
    struct bld b;
    struct fdt f;
    uint32_t v;
    size_t len;
    uint8_t *p;

    b_valid_tree(&b);
    p = b_finish(&b, &len);
    CHECK_EQ(fdt_open(&f, p, len), 0);
    CHECK_EQ(fdt_read_u32(&f, fdt_find_node(&f, "/cpu@0", 6), "reg", &v), 0);
    put32(p + 20, 16);                          /* version 16: no size_dt_struct */
    put32(p + 36, 0xffffffff);
    CHECK_EQ(fdt_open(&f, p, len), 0);
    put32(p + 20, 99);                          /* newer, still back-compatible ... */
    CHECK_EQ(fdt_open(&f, p, len), -EINVAL);    /* ... but now size_dt_struct counts */
    put32(p + 36, b.nst);
    CHECK_EQ(fdt_open(&f, p, len), 0);
    free(p);

    memset(&b, 0, sizeof b);                    /* strings: unterminated, empty, lists */
    b_begin(&b, "");
    b_prop(&b, "bad", "abc", 3);
    b_prop(&b, "empty", "", 0);
    b_prop(&b, "list", "a\0bc\0", 5);
    b_end(&b);
    b_u32(&b, 9);
    p = b_finish(&b, &len);
    {
        const char *s;
        struct fdt_prop pr;

        CHECK_EQ(fdt_open(&f, p, len), 0);
        CHECK_EQ(fdt_read_string(&f, f.root, "bad", &s), -EINVAL);
        CHECK(strstr(fdt_strerror(&f), "'bad' of node '' is not a NUL-terminated string") != NULL);
        CHECK_EQ(fdt_read_string(&f, f.root, "empty", &s), -EINVAL);
        CHECK_EQ(fdt_get_prop(&f, f.root, "list", &pr), 0);
        CHECK_EQ(fdt_prop_string_at(&pr, 1, &s), 0);
        CHECK_EQ(strcmp(s, "bc"), 0);
        CHECK_EQ(fdt_prop_string_at(&pr, 2, &s), -ENOENT);
        {
            uint32_t pos = 0;

            CHECK_EQ(fdt_prop_next_string(&pr, &pos, &s), 0);
            CHECK_EQ(pos, 2);
            CHECK_EQ(fdt_prop_next_string(&pr, &pos, &s), 0);
            CHECK_EQ(pos, 5);
            CHECK_EQ(fdt_prop_next_string(&pr, &pos, &s), -ENOENT);
        }
        CHECK(!fdt_prop_has_string(&pr, "b"));
        CHECK_EQ(fdt_get_prop(&f, f.root, "bad", &pr), 0);
        CHECK(!fdt_prop_has_string(&pr, "abc"));
    }
    free(p);
}

static void test_bad_header(void)
{
    struct bld b;
    size_t len;
    uint8_t *p;

    b_valid_tree(&b);
    p = b_finish(&b, &len);
    put32(p, 0x12345678);
    expect_reject(p, len, "fdt: bad magic 0x12345678");
    put32(p, 0xd00dfeed);
    put32(p + 20, 15);
    expect_reject(p, len, "version 15 is too old");
    put32(p + 20, 17);
    put32(p + 24, 18);
    expect_reject(p, len, "last_comp_version 18");
    put32(p + 24, 16);
    expect_reject(p, len - 1, "exceeds the");
    expect_reject(p, 39, "smaller than the 40-byte header");
    expect_reject(p, 0, "smaller than the 40-byte header");
    expect_reject(NULL, 100, "no blob");
    put32(p + 4, 20);
    expect_reject(p, len, "totalsize 20 is smaller than the header");
    put32(p + 4, 0x80000000u);
    expect_reject(p, len, "exceeds");
    expect_reject(p, (size_t)0x80000000u, "too large");    /* never reached: only the header is read */
    free(p);
}

static void test_blocks_outside(void)
{
    struct bld b;
    size_t len;
    uint8_t *p;

    b_valid_tree(&b);
    p = b_finish(&b, &len);
    put32(p + 8, (uint32_t)len + 4);
    expect_reject(p, len, "struct block");
    put32(p + 8, 56);
    put32(p + 36, 0xfffffff0u);                 /* offset + size would wrap */
    expect_reject(p, len, "struct block");
    put32(p + 36, b.nst);
    put32(p + 8, 58);
    expect_reject(p, len, "not 4-byte aligned");
    put32(p + 8, 8);                            /* overlaps the header */
    expect_reject(p, len, "struct block");
    put32(p + 8, 56);
    put32(p + 12, (uint32_t)len + 1);
    expect_reject(p, len, "strings block");
    put32(p + 12, 56 + b.nst);
    put32(p + 32, 0xffffffffu);
    expect_reject(p, len, "strings block");
    put32(p + 32, b.nstr);
    put32(p + 16, (uint32_t)len + 8);
    expect_reject(p, len, "memory reservation block offset");
    put32(p + 16, 44);
    expect_reject(p, len, "not 8-byte aligned");
    /* last 8-aligned slot with fewer than 16 bytes left: no room for the terminator */
    put32(p + 16, (uint32_t)((len - 8) & ~(size_t)7));
    memset(p + ((len - 8) & ~(size_t)7), 0xff, len - ((len - 8) & ~(size_t)7));
    expect_reject(p, len, "no terminator");
    free(p);
}

static void test_prop_past_block(void)
{
    struct bld b;
    size_t len;
    uint8_t *p;

    b_valid_tree(&b);
    p = b_finish(&b, &len);
    /* the first property of the root starts right after BEGIN_NODE "" (8 bytes) */
    CHECK_EQ(get32(p + 56 + 8), 3);
    put32(p + 56 + 12, 0x1000);
    expect_reject(p, len, "property '#address-cells' (4096 bytes) runs past the struct block");
    put32(p + 56 + 12, 0xfffffffdu);            /* would wrap a careless end computation */
    expect_reject(p, len, "runs past the struct block");
    free(p);

    memset(&b, 0, sizeof b);
    b_begin(&b, "");
    b_u32(&b, 3);                               /* PROP header cut by the end of the block */
    b_u32(&b, 0);
    p = b_finish(&b, &len);
    expect_reject(p, len, "property header at struct offset 0x8 runs past");
    free(p);
}

static void test_bad_names(void)
{
    struct bld b;
    size_t len;
    uint8_t *p;

    memset(&b, 0, sizeof b);
    b_begin(&b, "");
    b_u32(&b, 1);
    memcpy(b.st + b.nst, "abcdefgh", 8);        /* no NUL before the block ends */
    b.nst += 8;
    b_string(&b, "x");
    expect_built_reject(&b, "unterminated node name at struct offset 0x8");

    b_valid_tree(&b);
    p = b_finish(&b, &len);
    put32(p + 56 + 16, b.nstr + 10);            /* nameoff of the first property */
    expect_reject(p, len, "name offset 0x");
    put32(p + 56 + 16, b.nstr);
    expect_reject(p, len, "past the strings block");
    free(p);

    b_valid_tree(&b);
    p = b_finish(&b, &len);
    put32(p + 32, b.nstr - 1);                  /* cut the NUL of the last name ("reg") */
    expect_reject(p, len, "is unterminated");
    free(p);

    memset(&b, 0, sizeof b);
    b_begin(&b, "");
    b_begin(&b, "");
    b_end(&b);
    b_end(&b);
    b_u32(&b, 9);
    expect_built_reject(&b, "empty node name");
}

static void test_bad_tokens(void)
{
    struct bld b;

    memset(&b, 0, sizeof b);
    b_begin(&b, "");
    b_u32(&b, 7);
    b_end(&b);
    b_u32(&b, 9);
    expect_built_reject(&b, "unknown token 0x7 at struct offset 0x8");

    memset(&b, 0, sizeof b);                    /* missing END_NODE */
    b_begin(&b, "");
    b_begin(&b, "a");
    b_end(&b);
    b_u32(&b, 9);
    expect_built_reject(&b, "FDT_END with 1 node(s) still open");

    memset(&b, 0, sizeof b);                    /* one END_NODE too many */
    b_begin(&b, "");
    b_end(&b);
    b_end(&b);
    b_u32(&b, 9);
    expect_built_reject(&b, "closes no node");

    memset(&b, 0, sizeof b);
    b_begin(&b, "");
    b_end(&b);
    b_begin(&b, "");
    b_end(&b);
    b_u32(&b, 9);
    expect_built_reject(&b, "second root node");

    memset(&b, 0, sizeof b);
    b_u32(&b, 4);
    b_u32(&b, 9);
    expect_built_reject(&b, "no root node");

    memset(&b, 0, sizeof b);
    b_prop_u32(&b, "x", 1);
    b_begin(&b, "");
    b_end(&b);
    b_u32(&b, 9);
    expect_built_reject(&b, "property 'x' outside any node");

    memset(&b, 0, sizeof b);
    b_begin(&b, "");
    b_begin(&b, "a");
    b_end(&b);
    b_prop_u32(&b, "late", 1);
    b_end(&b);
    b_u32(&b, 9);
    expect_built_reject(&b, "property 'late' follows a child node");

    memset(&b, 0, sizeof b);                    /* no FDT_END */
    b_begin(&b, "");
    b_end(&b);
    expect_built_reject(&b, "without FDT_END");

    memset(&b, 0, sizeof b);                    /* NOPs are fine anywhere */
    b_u32(&b, 4);
    b_begin(&b, "");
    b_u32(&b, 4);
    b_prop_u32(&b, "x", 1);
    b_u32(&b, 4);
    b_end(&b);
    b_u32(&b, 4);
    b_u32(&b, 9);
    {
        size_t len;
        uint8_t *p = b_finish(&b, &len);
        struct fdt f;
        uint32_t v = 0;

        CHECK_EQ(fdt_open(&f, p, len), 0);
        CHECK_EQ(fdt_read_u32(&f, f.root, "x", &v), 0);
        CHECK_EQ(v, 1);
        free(p);
    }
}

static void test_deep_nesting(void)
{
    struct bld b;
    struct fdt f;
    size_t len;
    uint8_t *p;
    int i, n, depth = 0, maxdepth = 0;

    memset(&b, 0, sizeof b);
    b_begin(&b, "");
    for (i = 1; i < FDT_MAX_DEPTH; i++)
        b_begin(&b, "n");
    for (i = 0; i < FDT_MAX_DEPTH; i++)
        b_end(&b);
    b_u32(&b, 9);
    p = b_finish(&b, &len);
    CHECK_EQ(fdt_open(&f, p, len), 0);          /* exactly the limit */
    for (n = f.root; n >= 0; n = fdt_next_node(&f, n, &depth))
        maxdepth = depth > maxdepth ? depth : maxdepth;
    CHECK_EQ(maxdepth, FDT_MAX_DEPTH - 1);
    free(p);

    memset(&b, 0, sizeof b);
    b_begin(&b, "");
    for (i = 0; i < 200; i++)
        b_begin(&b, "n");
    for (i = 0; i < 201; i++)
        b_end(&b);
    b_u32(&b, 9);
    expect_built_reject(&b, "nested deeper than 32");
}

/* Every prefix, first as is (the header then claims more than we have), then with the
 * header shrunk to the prefix so the parser meets cut tokens, names and strings. */
static void test_truncated_everywhere(void)
{
    struct blob b = load("qemu-virt.dtb");
    uint32_t total, len, ok = 0;
    struct fdt f;

    CHECK(b.data != NULL);
    if (!b.data)
        return;
    total = get32(b.data + 4);
    for (len = 0; len <= total; len++) {
        uint8_t *p = malloc(len ? len : 1);
        int r;

        memcpy(p, b.data, len);
        r = fdt_open(&f, p, len);
        CHECK(len == total ? r == 0 : r == -EINVAL && f.err[0]);
        if (len >= 40) {
            uint32_t so = get32(p + 8), ss = get32(p + 36), to = get32(p + 12), ts = get32(p + 32);

            put32(p + 4, len);
            if (so + ss > len)
                put32(p + 36, so < len ? len - so : 0);
            if (to + ts > len)
                put32(p + 32, to < len ? len - to : 0);
            r = fdt_open(&f, p, len);
            CHECK(r == 0 || (r == -EINVAL && f.err[0]));
            if (r == 0) {
                ok++;
                walk_all(&f);
            }
        }
        free(p);
    }
    CHECK(ok >= 1);                             /* at least the full blob */
    free(b.data);
}

static uint32_t rng_state = 0x2545f491;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Random damage: flipped bytes, or a whole aligned word set to a value parsers trip on. */
static void mutate(uint8_t *p, uint32_t len)
{
    static const uint32_t words[] = { 0, 1, 2, 3, 4, 9, 0x7fffffff, 0x80000000, 0xffffffff,
                                      0xfffffffc, 0x100, 0x38, 0x28 };
    uint32_t k, n = 1 + rng() % 4;

    for (k = 0; k < n; k++) {
        if (rng() & 1)
            p[rng() % len] ^= (uint8_t)(1 + rng() % 255);
        else
            put32(p + (rng() % (len / 4)) * 4, words[rng() % (sizeof words / sizeof words[0])]);
    }
}

static void test_fuzz_fdt(void)
{
    struct blob b = load("qemu-virt.dtb");
    uint32_t total, i, accepted = 0, rejected = 0;
    struct fdt f;

    CHECK(b.data != NULL);
    if (!b.data)
        return;
    total = get32(b.data + 4);
    rng_state = 0x2545f491;
    for (i = 0; i < 20000; i++) {
        uint8_t *p = malloc(total);
        int r;

        memcpy(p, b.data, total);
        mutate(p, total);
        r = fdt_open(&f, p, total);
        CHECK(r == 0 || (r == -EINVAL && f.err[0]));
        if (r == 0) {
            accepted++;
            walk_all(&f);
        } else {
            rejected++;
        }
        free(p);
    }
    CHECK(accepted > 0 && rejected > 0);        /* the loop really exercised both paths */
    printf("  fuzz: %u mutated blobs accepted, %u rejected\n", accepted, rejected);
    free(b.data);
}

int main(void)
{
    RUN_TEST(test_open_qemu_virt);
    RUN_TEST(test_find_node);
    RUN_TEST(test_props_and_cells);
    RUN_TEST(test_iteration);
    RUN_TEST(test_phandle_okay_memrsv);
    RUN_TEST(test_format);
    RUN_TEST(test_builder_sane);
    RUN_TEST(test_bad_header);
    RUN_TEST(test_blocks_outside);
    RUN_TEST(test_prop_past_block);
    RUN_TEST(test_bad_names);
    RUN_TEST(test_bad_tokens);
    RUN_TEST(test_deep_nesting);
    RUN_TEST(test_truncated_everywhere);
    RUN_TEST(test_fuzz_fdt);
    CHECK_EXIT();
}
