// SOURCES: kernel/proc/elf.c kernel/lib/string.c
/* Host tests for the ELF parser: real RV64 binaries from gen-elf.sh (directory in
 * $HOST_TEST_DATA), targeted single-field corruptions, truncations, random mutations. */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define HAVE_ASAN 1
#else
#define HAVE_ASAN 0
#endif

#include "check.h"
#include "lib/errno.h"
#include "proc/elf.h"

#define USER_TOP (UINT64_C(1) << 38)   /* Sv39 user half */

struct blob {
    uint8_t *data;     /* malloc'd with exactly len bytes so ASan sees overruns */
    size_t len;
};

static struct blob load_path(const char *path)
{
    struct blob b = { NULL, 0 };
    FILE *f = fopen(path, "rb");

    if (f == NULL)
        return b;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n > 0 && fseek(f, 0, SEEK_SET) == 0) {
            b.data = malloc((size_t)n);
            if (b.data != NULL && fread(b.data, 1, (size_t)n, f) == (size_t)n)
                b.len = (size_t)n;
        }
    }
    fclose(f);
    if (b.len == 0) {
        free(b.data);
        b.data = NULL;
    }
    return b;
}

/* Missing test data is a failure, not a skip: the tests must be able to fail. */
static struct blob load_data(const char *name)
{
    const char *dir = getenv("HOST_TEST_DATA");
    char path[4096];

    if (dir == NULL) {
        fprintf(stderr, "  HOST_TEST_DATA is not set (run gen-elf.sh DIR)\n");
        return (struct blob){ NULL, 0 };
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct blob b = load_path(path);
    if (b.data == NULL)
        fprintf(stderr, "  cannot read %s\n", path);
    return b;
}

static bool data_exists(const char *name)
{
    const char *dir = getenv("HOST_TEST_DATA");
    char path[4096];

    if (dir == NULL)
        return false;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f != NULL)
        fclose(f);
    return f != NULL;
}

static struct blob blob_copy(struct blob b)
{
    struct blob c = { malloc(b.len), b.len };

    memcpy(c.data, b.data, b.len);
    return c;
}

/* Header access through host <elf.h> structures: an implementation independent
 * of the parser under test. */
static Elf64_Ehdr get_ehdr(const struct blob *b)
{
    Elf64_Ehdr eh;

    memcpy(&eh, b->data, sizeof eh);
    return eh;
}

static void put_ehdr(struct blob *b, const Elf64_Ehdr *eh)
{
    memcpy(b->data, eh, sizeof *eh);
}

static Elf64_Phdr get_phdr(const struct blob *b, unsigned i)
{
    Elf64_Ehdr eh = get_ehdr(b);
    Elf64_Phdr ph;

    memcpy(&ph, b->data + eh.e_phoff + (size_t)i * sizeof ph, sizeof ph);
    return ph;
}

static void put_phdr(struct blob *b, unsigned i, const Elf64_Phdr *ph)
{
    Elf64_Ehdr eh = get_ehdr(b);

    memcpy(b->data + eh.e_phoff + (size_t)i * sizeof *ph, ph, sizeof *ph);
}

/* Index of the n-th program header of the given type, or -1. */
static int find_phdr(const struct blob *b, uint32_t type, int n)
{
    Elf64_Ehdr eh = get_ehdr(b);

    for (unsigned i = 0; i < eh.e_phnum; i++) {
        if (get_phdr(b, i).p_type == type && n-- == 0)
            return (int)i;
    }
    return -1;
}

static int parse(const struct blob *b, struct elf_image *img)
{
    return elf_parse(b->data, b->len, USER_TOP, img);
}

static int parse_top(const struct blob *b, uint64_t top)
{
    struct elf_image img;

    return elf_parse(b->data, b->len, top, &img);
}

/* Bytes the parser must be able to see: headers plus every PT_LOAD's file data. */
static size_t needed_len(const struct blob *b)
{
    Elf64_Ehdr eh = get_ehdr(b);
    size_t need = eh.e_phoff + (size_t)eh.e_phnum * sizeof(Elf64_Phdr);

    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph = get_phdr(b, i);
        if (ph.p_type == PT_LOAD && ph.p_offset + ph.p_filesz > need)
            need = ph.p_offset + ph.p_filesz;
    }
    return need;
}

/* Compare a successful parse with what <elf.h> says about the same file. */
static void check_against_headers(const struct blob *b, const struct elf_image *img)
{
    Elf64_Ehdr eh = get_ehdr(b);
    int n = 0;
    uint64_t lo = UINT64_MAX, hi = 0;
    bool tls = false;

    CHECK_EQ(img->dyn, eh.e_type == ET_DYN);
    CHECK_EQ(img->entry, eh.e_entry);
    CHECK_EQ(img->phnum, eh.e_phnum);
    CHECK_EQ(img->phentsize, sizeof(Elf64_Phdr));
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph = get_phdr(b, i);
        if (ph.p_type == PT_TLS) {
            tls = true;
            CHECK_EQ(img->tls_vaddr, ph.p_vaddr);
            CHECK_EQ(img->tls_memsz, ph.p_memsz);
            CHECK_EQ(img->tls_filesz, ph.p_filesz);
            CHECK_EQ(img->tls_align, ph.p_align);
        }
        if (ph.p_type == PT_PHDR)
            CHECK_EQ(img->phdr_vaddr, ph.p_vaddr);
        if (ph.p_type != PT_LOAD)
            continue;
        if (n < img->nseg) {
            const struct elf_segment *s = &img->seg[n];
            CHECK_EQ(s->vaddr, ph.p_vaddr);
            CHECK_EQ(s->memsz, ph.p_memsz);
            CHECK_EQ(s->filesz, ph.p_filesz);
            CHECK_EQ(s->offset, ph.p_offset);
            unsigned prot = ((ph.p_flags & PF_R) ? ELF_PROT_R : 0) |
                            ((ph.p_flags & PF_W) ? ELF_PROT_W : 0) |
                            ((ph.p_flags & PF_X) ? ELF_PROT_X : 0);
            CHECK_EQ(s->prot, prot);
        }
        if (ph.p_vaddr < lo)
            lo = ph.p_vaddr;
        if (ph.p_vaddr + ph.p_memsz > hi)
            hi = ph.p_vaddr + ph.p_memsz;
        n++;
    }
    CHECK_EQ(img->nseg, n);
    CHECK_EQ(img->lo, lo & ~0xfffULL);
    CHECK_EQ(img->hi, (hi + 0xfff) & ~0xfffULL);
    CHECK_EQ(img->has_tls, tls);
}

static bool entry_in_exec_segment(const struct elf_image *img)
{
    for (int i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];
        if ((s->prot & ELF_PROT_X) && img->entry >= s->vaddr && img->entry - s->vaddr < s->memsz)
            return true;
    }
    return false;
}

/* The program headers must be inside some segment's file bytes at phdr_vaddr. */
static bool phdrs_visible(const struct blob *b, const struct elf_image *img)
{
    Elf64_Ehdr eh = get_ehdr(b);

    for (int i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];
        if (img->phdr_vaddr >= s->vaddr && img->phdr_vaddr - s->vaddr < s->filesz)
            return s->offset + (img->phdr_vaddr - s->vaddr) == eh.e_phoff;
    }
    return false;
}

static void check_real_binary(const char *name, bool want_dyn, bool want_tls)
{
    struct blob b = load_data(name);
    struct elf_image img;

    CHECK(b.data != NULL);
    if (b.data == NULL)
        return;
    CHECK_EQ(parse(&b, &img), 0);
    check_against_headers(&b, &img);
    CHECK_EQ(img.dyn, want_dyn);
    CHECK_EQ(img.has_tls, want_tls);
    CHECK(img.nseg >= 2);
    CHECK(entry_in_exec_segment(&img));
    CHECK(img.phdr_vaddr != 0);
    CHECK(phdrs_visible(&b, &img));
    CHECK_EQ(img.stack_exec, false);
    CHECK(img.lo < img.hi);
    if (want_dyn)
        CHECK_EQ(img.lo, 0);
    else
        CHECK(img.lo >= 0x1000);
    free(b.data);
}

static void test_elf_real_static_glibc(void)
{
    check_real_binary("hello-static", false, true);
}

static void test_elf_real_bare(void)
{
    check_real_binary("bare-static", false, true);
}

static void test_elf_real_static_pie(void)
{
    check_real_binary("bare-static-pie", true, true);
    /* Only built where the toolchain can make a real glibc static-PIE. */
    if (data_exists("hello-static-pie"))
        check_real_binary("hello-static-pie", true, true);
}

static void test_elf_rejects_foreign(void)
{
    struct blob dyn = load_data("hello-dynamic");
    struct blob host = load_path("/bin/true");
    struct elf_image img;

    CHECK(dyn.data != NULL && host.data != NULL);
    if (dyn.data != NULL) {
        /* A dynamic program is accepted; exec loads the interpreter it names. */
        CHECK(find_phdr(&dyn, PT_INTERP, 0) >= 0);
        CHECK_EQ(parse(&dyn, &img), 0);
        CHECK(img.interp_len == sizeof "/lib/ld-linux-riscv64-lp64d.so.1");
        CHECK(img.interp_len > 0 && memcmp((const char *)dyn.data + img.interp_off,
                                           "/lib/ld-linux-riscv64-lp64d.so.1", img.interp_len) == 0);
    }
    if (host.data != NULL)
        CHECK_EQ(parse(&host, &img), -ENOEXEC);
    const char text[] = "#!/bin/sh\necho not an ELF file, but long enough to hold a header....\n";
    struct blob script = { malloc(sizeof text), sizeof text };
    memcpy(script.data, text, sizeof text);
    CHECK_EQ(parse(&script, &img), -ENOEXEC);
    free(script.data);
    free(dyn.data);
    free(host.data);
}

/* PT_INTERP checks, made before the path is looked at (Linux's order and errors). */
static int parse_interp_variant(struct blob dyn, uint64_t filesz, uint64_t offset, int last_byte)
{
    struct blob c = blob_copy(dyn);
    struct elf_image img;
    int i = find_phdr(&c, PT_INTERP, 0);
    Elf64_Phdr ph = get_phdr(&c, (unsigned)i);
    if (last_byte >= 0)
        c.data[ph.p_offset + ph.p_filesz - 1] = (uint8_t)last_byte;
    if (filesz)
        ph.p_filesz = filesz;
    if (offset)
        ph.p_offset = offset;
    put_phdr(&c, (unsigned)i, &ph);
    int r = parse(&c, &img);
    free(c.data);
    return r;
}

static void test_elf_interp_errors(void)
{
    struct blob dyn = load_data("hello-dynamic");

    CHECK(dyn.data != NULL);
    if (dyn.data == NULL)
        return;
    CHECK_EQ(parse_interp_variant(dyn, 0, 0, -1), 0);
    CHECK_EQ(parse_interp_variant(dyn, 1, 0, -1), -ENOEXEC);            /* too short */
    CHECK_EQ(parse_interp_variant(dyn, 4097, 0, -1), -ENOEXEC);         /* over PATH_MAX */
    CHECK_EQ(parse_interp_variant(dyn, 4097, UINT64_MAX, -1), -ENOEXEC); /* size checked first */
    CHECK_EQ(parse_interp_variant(dyn, 0, dyn.len - 4, -1), -EIO);      /* runs off the file */
    CHECK_EQ(parse_interp_variant(dyn, 0, UINT64_MAX - 8, -1), -EIO);   /* wraps */
    CHECK_EQ(parse_interp_variant(dyn, 0, 0, 'x'), -ENOEXEC);           /* no NUL at the end */
    free(dyn.data);
}

/* One corruption of a copy of a base binary, and the result it must produce. */
typedef void (*corrupt_fn)(struct blob *b);

static int run_corruption(struct blob base, corrupt_fn fn)
{
    struct blob c = blob_copy(base);
    struct elf_image img;

    fn(&c);
    int r = parse(&c, &img);
    free(c.data);
    return r;
}

#define EXPECT_CORRUPT(base, fn, want) do { \
    int r_ = run_corruption(base, fn); \
    if (r_ != (want)) \
        fprintf(stderr, "  %s: got %d want %d\n", #fn, r_, (want)); \
    CHECK_EQ(r_, want); \
    } while (0)

static void c_magic0(struct blob *b) { b->data[0] = 0; }
static void c_magic3(struct blob *b) { b->data[3] = 'G'; }
static void c_class32(struct blob *b) { b->data[EI_CLASS] = ELFCLASS32; }
static void c_data_msb(struct blob *b) { b->data[EI_DATA] = ELFDATA2MSB; }
static void c_ident_version(struct blob *b) { b->data[EI_VERSION] = 0; }

#define EHDR_CORRUPTION(name, field, value) \
    static void name(struct blob *b) { \
        Elf64_Ehdr eh = get_ehdr(b); \
        eh.field = value; \
        put_ehdr(b, &eh); \
    }

EHDR_CORRUPTION(c_version, e_version, 2)
EHDR_CORRUPTION(c_machine_x86, e_machine, EM_X86_64)
EHDR_CORRUPTION(c_type_rel, e_type, ET_REL)
EHDR_CORRUPTION(c_type_core, e_type, ET_CORE)
EHDR_CORRUPTION(c_phentsize, e_phentsize, 64)
EHDR_CORRUPTION(c_phnum0, e_phnum, 0)
EHDR_CORRUPTION(c_phnum65, e_phnum, 65)
EHDR_CORRUPTION(c_phoff_wrap, e_phoff, UINT64_MAX - 100)
EHDR_CORRUPTION(c_phoff_zero, e_phoff, 0)
EHDR_CORRUPTION(c_phoff_in_ehdr, e_phoff, 8)
EHDR_CORRUPTION(c_entry_zero, e_entry, 0)
EHDR_CORRUPTION(c_entry_max, e_entry, UINT64_MAX)

static void c_phoff_past_end(struct blob *b)
{
    Elf64_Ehdr eh = get_ehdr(b);
    eh.e_phoff = b->len - (size_t)eh.e_phnum * sizeof(Elf64_Phdr) + 1;
    put_ehdr(b, &eh);
}

static void c_interp(struct blob *b)
{
    int i = find_phdr(b, PT_GNU_STACK, 0);
    Elf64_Phdr ph = get_phdr(b, (unsigned)i);
    ph.p_type = PT_INTERP;
    put_phdr(b, (unsigned)i, &ph);
}

static void c_no_load(struct blob *b)
{
    int i;
    while ((i = find_phdr(b, PT_LOAD, 0)) >= 0) {
        Elf64_Phdr ph = get_phdr(b, (unsigned)i);
        ph.p_type = PT_NULL;
        put_phdr(b, (unsigned)i, &ph);
    }
}

/* Corruptions of the n-th PT_LOAD (0 = text, 1 = data in the test binaries). */
#define LOAD_CORRUPTION(name, n, stmt) \
    static void name(struct blob *b) { \
        int i_ = find_phdr(b, PT_LOAD, n); \
        Elf64_Phdr ph = get_phdr(b, (unsigned)i_); \
        (void)b; stmt; \
        put_phdr(b, (unsigned)i_, &ph); \
    }

LOAD_CORRUPTION(c_filesz_gt_memsz, 1, ph.p_filesz = ph.p_memsz + 1)
/* Moves whole pages, so only the end-of-file check can trip. */
LOAD_CORRUPTION(c_offset_past_end, 1,
                ph.p_offset += ((b->len - ph.p_offset) / 4096 + 1) * 4096)
LOAD_CORRUPTION(c_offset_wrap, 1, ph.p_offset = (UINT64_MAX & ~0xfffULL) + (ph.p_vaddr & 0xfff))
LOAD_CORRUPTION(c_filesz_to_eof, 1,
                ph.p_filesz = b->len - ph.p_offset;
                if (ph.p_memsz < ph.p_filesz) ph.p_memsz = ph.p_filesz)
LOAD_CORRUPTION(c_memsz_wrap, 1, ph.p_memsz = UINT64_MAX - ph.p_vaddr + 2)
LOAD_CORRUPTION(c_memsz_round_wrap, 1, ph.p_memsz = UINT64_MAX - ph.p_vaddr - 10)
LOAD_CORRUPTION(c_memsz_huge, 1, ph.p_memsz = USER_TOP)
LOAD_CORRUPTION(c_align3, 1, ph.p_align = 3)
LOAD_CORRUPTION(c_align0, 1, ph.p_align = 0)
LOAD_CORRUPTION(c_align64k, 1, ph.p_align = 0x10000)
LOAD_CORRUPTION(c_incongruent, 1, ph.p_vaddr += 8)
LOAD_CORRUPTION(c_shift_page, 1, ph.p_vaddr += 4096)
LOAD_CORRUPTION(c_overlap_text, 1, ph.p_vaddr -= 0x2000)
LOAD_CORRUPTION(c_text_wx, 0, ph.p_flags = PF_R | PF_W | PF_X)
LOAD_CORRUPTION(c_data_wx, 1, ph.p_flags |= PF_X)
LOAD_CORRUPTION(c_text_not_x, 0, ph.p_flags = PF_R)
LOAD_CORRUPTION(c_text_null_page, 0, ph.p_vaddr = 0)

/* Data segment moved down into the text segment's last page, past its end:
 * byte ranges are disjoint, so this is allowed even though a page is shared. */
static void c_share_page(struct blob *b)
{
    int ti = find_phdr(b, PT_LOAD, 0), di = find_phdr(b, PT_LOAD, 1);
    Elf64_Phdr t = get_phdr(b, (unsigned)ti), d = get_phdr(b, (unsigned)di);
    uint64_t text_end = t.p_vaddr + t.p_memsz;
    uint64_t v = (text_end & ~0xfffULL) + (d.p_offset & 0xfff);
    if (v < text_end)
        v += 0x1000;
    d.p_vaddr = v;
    put_phdr(b, (unsigned)di, &d);
}

static void c_overlap_by_one(struct blob *b)
{
    c_share_page(b);
    int ti = find_phdr(b, PT_LOAD, 0), di = find_phdr(b, PT_LOAD, 1);
    Elf64_Phdr t = get_phdr(b, (unsigned)ti), d = get_phdr(b, (unsigned)di);
    /* Grow the text segment to reach one byte into the data segment. */
    t.p_memsz = d.p_vaddr - t.p_vaddr + 1;
    put_phdr(b, (unsigned)ti, &t);
}

static void c_swap_loads(struct blob *b)
{
    int ti = find_phdr(b, PT_LOAD, 0), di = find_phdr(b, PT_LOAD, 1);
    Elf64_Phdr t = get_phdr(b, (unsigned)ti), d = get_phdr(b, (unsigned)di);
    put_phdr(b, (unsigned)ti, &d);
    put_phdr(b, (unsigned)di, &t);
}

static void c_entry_in_data(struct blob *b)
{
    Elf64_Ehdr eh = get_ehdr(b);
    eh.e_entry = get_phdr(b, (unsigned)find_phdr(b, PT_LOAD, 1)).p_vaddr;
    put_ehdr(b, &eh);
}

static void c_entry_text_end(struct blob *b)
{
    Elf64_Phdr t = get_phdr(b, (unsigned)find_phdr(b, PT_LOAD, 0));
    Elf64_Ehdr eh = get_ehdr(b);
    eh.e_entry = t.p_vaddr + t.p_memsz;
    put_ehdr(b, &eh);
}

static void c_entry_text_last(struct blob *b)
{
    Elf64_Phdr t = get_phdr(b, (unsigned)find_phdr(b, PT_LOAD, 0));
    Elf64_Ehdr eh = get_ehdr(b);
    eh.e_entry = t.p_vaddr + t.p_memsz - 1;
    put_ehdr(b, &eh);
}

#define TLS_CORRUPTION(name, stmt) \
    static void name(struct blob *b) { \
        int i_ = find_phdr(b, PT_TLS, 0); \
        Elf64_Phdr ph = get_phdr(b, (unsigned)i_); \
        stmt; \
        put_phdr(b, (unsigned)i_, &ph); \
    }

TLS_CORRUPTION(c_tls_filesz, ph.p_filesz = ph.p_memsz + 1)
TLS_CORRUPTION(c_tls_align, ph.p_align = 12)
TLS_CORRUPTION(c_tls_wrap, ph.p_vaddr = UINT64_MAX - 1)

static void c_tls_twice(struct blob *b)
{
    Elf64_Phdr tls = get_phdr(b, (unsigned)find_phdr(b, PT_TLS, 0));
    put_phdr(b, (unsigned)find_phdr(b, PT_GNU_STACK, 0), &tls);
}

static void check_ident_corruptions(struct blob base)
{
    EXPECT_CORRUPT(base, c_magic0, -ENOEXEC);
    EXPECT_CORRUPT(base, c_magic3, -ENOEXEC);
    EXPECT_CORRUPT(base, c_class32, -ENOEXEC);
    EXPECT_CORRUPT(base, c_data_msb, -ENOEXEC);
    EXPECT_CORRUPT(base, c_ident_version, -ENOEXEC);
    EXPECT_CORRUPT(base, c_version, -ENOEXEC);
    EXPECT_CORRUPT(base, c_machine_x86, -ENOEXEC);
    EXPECT_CORRUPT(base, c_type_rel, -ENOEXEC);
    EXPECT_CORRUPT(base, c_type_core, -ENOEXEC);
    EXPECT_CORRUPT(base, c_interp, -ENOEXEC);
}

static void check_layout_corruptions(struct blob base, bool dyn)
{
    EXPECT_CORRUPT(base, c_phentsize, -EINVAL);
    EXPECT_CORRUPT(base, c_phnum0, -EINVAL);
    EXPECT_CORRUPT(base, c_phnum65, -EINVAL);
    EXPECT_CORRUPT(base, c_phoff_past_end, -EINVAL);
    EXPECT_CORRUPT(base, c_phoff_wrap, -EINVAL);
    EXPECT_CORRUPT(base, c_phoff_zero, -EINVAL);
    EXPECT_CORRUPT(base, c_phoff_in_ehdr, -EINVAL);
    EXPECT_CORRUPT(base, c_no_load, -EINVAL);
    EXPECT_CORRUPT(base, c_filesz_gt_memsz, -EINVAL);
    EXPECT_CORRUPT(base, c_offset_past_end, -EINVAL);
    EXPECT_CORRUPT(base, c_offset_wrap, -EINVAL);
    EXPECT_CORRUPT(base, c_filesz_to_eof, 0);
    EXPECT_CORRUPT(base, c_memsz_wrap, -EINVAL);
    EXPECT_CORRUPT(base, c_memsz_round_wrap, -EINVAL);
    EXPECT_CORRUPT(base, c_memsz_huge, -EINVAL);
    EXPECT_CORRUPT(base, c_align3, 0);         /* a hint, ignored as on Linux */
    EXPECT_CORRUPT(base, c_align0, 0);
    EXPECT_CORRUPT(base, c_align64k, 0);
    EXPECT_CORRUPT(base, c_incongruent, -EINVAL);
    EXPECT_CORRUPT(base, c_shift_page, 0);
    EXPECT_CORRUPT(base, c_overlap_text, -EINVAL);
    EXPECT_CORRUPT(base, c_share_page, 0);
    EXPECT_CORRUPT(base, c_overlap_by_one, -EINVAL);
    EXPECT_CORRUPT(base, c_swap_loads, -EINVAL);
    EXPECT_CORRUPT(base, c_text_wx, 0);        /* RWX segments load, as on Linux */
    EXPECT_CORRUPT(base, c_data_wx, 0);
    EXPECT_CORRUPT(base, c_text_not_x, -EINVAL);
    EXPECT_CORRUPT(base, c_entry_max, -EINVAL);
    EXPECT_CORRUPT(base, c_entry_in_data, -EINVAL);
    EXPECT_CORRUPT(base, c_entry_text_end, -EINVAL);
    EXPECT_CORRUPT(base, c_entry_text_last, 0);
    EXPECT_CORRUPT(base, c_tls_filesz, -EINVAL);
    EXPECT_CORRUPT(base, c_tls_align, -EINVAL);
    EXPECT_CORRUPT(base, c_tls_wrap, -EINVAL);
    EXPECT_CORRUPT(base, c_tls_twice, -EINVAL);
    /* The NULL page is off limits only for fixed-address executables. */
    if (!dyn) {
        EXPECT_CORRUPT(base, c_text_null_page, -EINVAL);
        EXPECT_CORRUPT(base, c_entry_zero, -EINVAL);
    } else {
        EXPECT_CORRUPT(base, c_entry_zero, 0);   /* text is linked at 0 */
    }
}

static void test_elf_corrupt_exec(void)
{
    struct blob base = load_data("bare-static");

    CHECK(base.data != NULL);
    if (base.data == NULL)
        return;
    CHECK_EQ(parse_top(&base, USER_TOP), 0);    /* control: the unmodified file passes */
    check_ident_corruptions(base);
    check_layout_corruptions(base, false);
    free(base.data);
}

static void test_elf_corrupt_dyn(void)
{
    struct blob base = load_data("bare-static-pie");

    CHECK(base.data != NULL);
    if (base.data == NULL)
        return;
    CHECK_EQ(parse_top(&base, USER_TOP), 0);
    check_ident_corruptions(base);
    check_layout_corruptions(base, true);
    free(base.data);
}

static void test_elf_corrupt_glibc(void)
{
    struct blob base = load_data("hello-static");

    CHECK(base.data != NULL);
    if (base.data == NULL)
        return;
    check_ident_corruptions(base);
    check_layout_corruptions(base, false);
    free(base.data);
}

static void test_elf_user_top(void)
{
    struct blob exec = load_data("hello-static");
    struct blob dyn = load_data("bare-static-pie");
    struct elf_image img;

    CHECK(exec.data != NULL && dyn.data != NULL);
    if (exec.data == NULL || dyn.data == NULL)
        return;
    /* ET_EXEC: the rounded end must not pass user_top. */
    CHECK_EQ(parse(&exec, &img), 0);
    CHECK_EQ(parse_top(&exec, img.hi), 0);
    CHECK_EQ(parse_top(&exec, img.hi - 1), -EINVAL);
    CHECK_EQ(parse_top(&exec, img.lo), -EINVAL);
    /* ET_DYN: only the span has to fit, wherever it is linked. */
    CHECK_EQ(parse(&dyn, &img), 0);
    uint64_t span = img.hi - img.lo;
    CHECK_EQ(parse_top(&dyn, span), 0);
    CHECK_EQ(parse_top(&dyn, span - 1), -EINVAL);
    free(exec.data);
    free(dyn.data);
}

static void test_elf_stack_exec(void)
{
    struct blob b = load_data("bare-static");
    struct elf_image img;

    CHECK(b.data != NULL);
    if (b.data == NULL)
        return;
    int i = find_phdr(&b, PT_GNU_STACK, 0);
    CHECK(i >= 0);
    Elf64_Phdr ph = get_phdr(&b, (unsigned)i);
    CHECK_EQ(parse(&b, &img), 0);
    CHECK_EQ(img.stack_exec, false);
    ph.p_flags |= PF_X;
    put_phdr(&b, (unsigned)i, &ph);
    CHECK_EQ(parse(&b, &img), 0);
    CHECK_EQ(img.stack_exec, true);
    /* Without PT_GNU_STACK at all: not executable. */
    ph.p_type = PT_NULL;
    put_phdr(&b, (unsigned)i, &ph);
    CHECK_EQ(parse(&b, &img), 0);
    CHECK_EQ(img.stack_exec, false);
    free(b.data);
}

/* Hand-built images: header, program headers, nothing else (all PT_LOADs have
 * filesz 0, so no file data is needed). */
struct synth {
    Elf64_Ehdr eh;
    Elf64_Phdr ph[24];
};

static void synth_init(struct synth *s, uint16_t type, unsigned nload, uint64_t base)
{
    memset(s, 0, sizeof *s);
    memcpy(s->eh.e_ident, ELFMAG, SELFMAG);
    s->eh.e_ident[EI_CLASS] = ELFCLASS64;
    s->eh.e_ident[EI_DATA] = ELFDATA2LSB;
    s->eh.e_ident[EI_VERSION] = EV_CURRENT;
    s->eh.e_type = type;
    s->eh.e_machine = EM_RISCV;
    s->eh.e_version = EV_CURRENT;
    s->eh.e_entry = base + 0x10;
    s->eh.e_phoff = sizeof(Elf64_Ehdr);
    s->eh.e_ehsize = sizeof(Elf64_Ehdr);
    s->eh.e_phentsize = sizeof(Elf64_Phdr);
    s->eh.e_phnum = (uint16_t)nload;
    for (unsigned i = 0; i < nload; i++) {
        s->ph[i].p_type = PT_LOAD;
        s->ph[i].p_flags = i == 0 ? PF_R | PF_X : PF_R | PF_W;
        s->ph[i].p_vaddr = base + i * 0x1000;
        s->ph[i].p_memsz = 0x100;
        s->ph[i].p_align = 0x1000;
    }
}

static int synth_parse(const struct synth *s, struct elf_image *img)
{
    size_t len = sizeof s->eh + (size_t)s->eh.e_phnum * sizeof(Elf64_Phdr);
    uint8_t *buf = malloc(len);

    memcpy(buf, s, len);
    int r = elf_parse(buf, len, USER_TOP, img);
    free(buf);
    return r;
}

static void test_elf_segment_limit(void)
{
    struct synth s;
    struct elf_image img;

    synth_init(&s, ET_EXEC, ELF_MAX_SEGMENTS, 0x10000);
    CHECK_EQ(synth_parse(&s, &img), 0);
    CHECK_EQ(img.nseg, ELF_MAX_SEGMENTS);
    CHECK_EQ(img.lo, 0x10000);
    CHECK_EQ(img.hi, 0x10000 + (ELF_MAX_SEGMENTS - 1) * 0x1000 + 0x1000);
    CHECK_EQ(img.seg[ELF_MAX_SEGMENTS - 1].vaddr, 0x10000 + (ELF_MAX_SEGMENTS - 1) * 0x1000);
    CHECK_EQ(img.seg[0].prot, ELF_PROT_R | ELF_PROT_X);
    CHECK_EQ(img.seg[1].prot, ELF_PROT_R | ELF_PROT_W);
    synth_init(&s, ET_EXEC, ELF_MAX_SEGMENTS + 1, 0x10000);
    CHECK_EQ(synth_parse(&s, &img), -EINVAL);
    CHECK_EQ(img.nseg, 0);                 /* cleared on failure */
    /* A single zero-sized segment maps nothing: no PT_LOAD is left. */
    synth_init(&s, ET_EXEC, 1, 0x10000);
    s.ph[0].p_memsz = 0;
    CHECK_EQ(synth_parse(&s, &img), -EINVAL);
}

static void test_elf_phdr_location(void)
{
    struct synth s;
    struct elf_image img;

    /* No segment maps the headers: phdr_vaddr is 0. */
    synth_init(&s, ET_EXEC, 2, 0x10000);
    CHECK_EQ(synth_parse(&s, &img), 0);
    CHECK_EQ(img.phdr_vaddr, 0);
    /* A segment whose file bytes cover the table exposes it. */
    s.ph[0].p_filesz = sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr);
    CHECK_EQ(synth_parse(&s, &img), 0);
    CHECK_EQ(img.phdr_vaddr, 0x10000 + sizeof(Elf64_Ehdr));
    /* Covering only part of the table is not enough. */
    s.ph[0].p_filesz = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr);
    CHECK_EQ(synth_parse(&s, &img), 0);
    CHECK_EQ(img.phdr_vaddr, 0);
    /* An explicit PT_PHDR wins, but must lie inside a PT_LOAD. */
    synth_init(&s, ET_EXEC, 3, 0x10000);
    s.ph[2].p_type = PT_PHDR;
    s.ph[2].p_vaddr = 0x11000;
    CHECK_EQ(synth_parse(&s, &img), 0);
    CHECK_EQ(img.phdr_vaddr, 0x11000);
    s.ph[2].p_vaddr = 0x11000 + 0x100 - 3 * sizeof(Elf64_Phdr) + 1;   /* runs past memsz */
    CHECK_EQ(synth_parse(&s, &img), -EINVAL);
    s.ph[2].p_vaddr = 0x30000;
    CHECK_EQ(synth_parse(&s, &img), -EINVAL);
    /* Two PT_PHDRs are rejected. */
    synth_init(&s, ET_EXEC, 4, 0x10000);
    s.ph[2].p_type = s.ph[3].p_type = PT_PHDR;
    s.ph[2].p_vaddr = s.ph[3].p_vaddr = 0x10000;
    CHECK_EQ(synth_parse(&s, &img), -EINVAL);
}

static void test_elf_null_page(void)
{
    struct synth s;
    struct elf_image img;

    synth_init(&s, ET_EXEC, 2, 0);
    CHECK_EQ(synth_parse(&s, &img), -EINVAL);
    synth_init(&s, ET_EXEC, 2, 0x1000);
    CHECK_EQ(synth_parse(&s, &img), 0);
    synth_init(&s, ET_DYN, 2, 0);
    CHECK_EQ(synth_parse(&s, &img), 0);
    CHECK(img.dyn);
    CHECK_EQ(img.lo, 0);
    CHECK_EQ(img.hi, 0x2000);
}

static void test_elf_read(void)
{
    const uint8_t file[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    uint8_t out[8] = { 0 };

    CHECK_EQ(elf_read(file, sizeof file, 2, out, 3), 0);
    CHECK(out[0] == 3 && out[1] == 4 && out[2] == 5 && out[3] == 0);
    CHECK_EQ(elf_read(file, sizeof file, 0, out, 8), 0);
    CHECK_EQ(elf_read(file, sizeof file, 8, out, 0), 0);
    CHECK_EQ(elf_read(file, sizeof file, 6, out, 3), -EINVAL);
    CHECK_EQ(elf_read(file, sizeof file, 9, out, 0), -EINVAL);
    CHECK_EQ(elf_read(file, sizeof file, UINT64_MAX, out, 2), -EINVAL);
}

/* Parse every prefix of a binary. With ASan the bytes past the prefix are
 * poisoned, so any read beyond len aborts the test. */
static void check_truncations(const char *name)
{
    struct blob b = load_data(name);
    struct elf_image img;
    int bad = 0;

    CHECK(b.data != NULL);
    if (b.data == NULL)
        return;
    size_t need = needed_len(&b);
    CHECK(need > sizeof(Elf64_Ehdr) && need <= b.len);
    for (size_t n = b.len + 1; n-- > 0;) {
#if HAVE_ASAN
        /* Descending, so only byte n's granule needs updating: O(1) per step. */
        size_t granule_end = (n | 7) + 1;
        if (n < b.len)
            ASAN_POISON_MEMORY_REGION(b.data + n, (granule_end < b.len ? granule_end : b.len) - n);
        if ((n < b.len && !__asan_address_is_poisoned(b.data + n)) ||
            (n > 0 && __asan_address_is_poisoned(b.data + n - 1)))
            bad++;
#else
        if (n > 8192 && n < need)
            continue;   /* without poisoning, only exact-size copies detect overruns */
#endif
        int want = n < sizeof(Elf64_Ehdr) ? -ENOEXEC : n < need ? -EINVAL : 0;
        int r = elf_parse(b.data, n, USER_TOP, &img);
        if (r != want && bad++ < 5)
            fprintf(stderr, "  %s truncated to %zu: got %d want %d\n", name, n, r, want);
    }
#if HAVE_ASAN
    /* Make sure the poisoning really was active, or this test proves nothing. */
    CHECK(__asan_address_is_poisoned(b.data));
    ASAN_UNPOISON_MEMORY_REGION(b.data, b.len);
    CHECK(!__asan_address_is_poisoned(b.data));
#endif
    CHECK_EQ(bad, 0);
    free(b.data);
}

static void test_elf_truncation(void)
{
    check_truncations("bare-static");
    check_truncations("bare-static-pie");
    check_truncations("hello-static");
}

/* Invariants a successful parse promises the loader, checked from scratch. */
static bool image_sane(const struct elf_image *img, size_t len, uint64_t top)
{
    if (img->nseg < 1 || img->nseg > ELF_MAX_SEGMENTS || (img->lo & 0xfff) || (img->hi & 0xfff))
        return false;
    if (img->lo > img->hi || (img->dyn ? img->hi - img->lo > top : img->hi > top))
        return false;
    /* A PT_INTERP path lies in the file, 2..ELF_INTERP_MAX bytes, NUL last. */
    if (img->interp_len && (img->interp_len < 2 || img->interp_len > ELF_INTERP_MAX ||
                            img->interp_off > len || img->interp_len > len - img->interp_off))
        return false;
    for (int i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];
        if (s->filesz > s->memsz || s->offset > len || s->filesz > len - s->offset)
            return false;
        if (s->memsz == 0)      /* zero-sized PT_LOADs are skipped; RWX is allowed */
            return false;
        if (s->vaddr < img->lo || s->memsz > img->hi - s->vaddr)
            return false;
        if (!img->dyn && s->vaddr < 0x1000)
            return false;
        if (((s->vaddr - s->offset) & 0xfff) != 0)
            return false;
        if (i > 0 && s->vaddr < img->seg[i - 1].vaddr + img->seg[i - 1].memsz)
            return false;
    }
    return entry_in_exec_segment(img);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static const uint64_t interesting[] = {
    0, 1, 2, 3, 0x38, 0x40, 0x7f, 0x80, 0xff, 0x1000, 0xfff, 0xffff, 0x10000,
    0x7fffffff, 0x80000000, 0xffffffff, UINT64_C(1) << 38, (UINT64_C(1) << 38) - 1,
    UINT64_MAX, UINT64_MAX - 0xfff, UINT64_MAX / 2, 0x8000000000000000ULL,
};

/* Overwrite a few bytes (mostly in the headers, where the parser looks), parse,
 * check the outcome, then restore the bytes so no full copy is needed. */
static int mutate_once(struct blob *b, size_t hdr_end, int *accepted)
{
    size_t pos[4];
    uint8_t saved[4][8];
    unsigned nmut = 1 + (unsigned)(rng() % 4);
    struct elf_image img;

    for (unsigned k = 0; k < nmut; k++) {
        size_t limit = rng() % 5 == 0 ? b->len : hdr_end;
        pos[k] = (size_t)(rng() % (limit - 8)) & ~(size_t)(rng() % 2 ? 7 : 0);
        memcpy(saved[k], b->data + pos[k], 8);
        if (rng() % 2) {
            b->data[pos[k]] ^= (uint8_t)(1u << (rng() % 8));
        } else {
            uint64_t v = interesting[rng() % (sizeof interesting / sizeof interesting[0])];
            unsigned width = 1u << (rng() % 4);    /* 1, 2, 4 or 8 bytes */
            memcpy(b->data + pos[k], &v, width);
        }
    }
    int r = elf_parse(b->data, b->len, USER_TOP, &img);
    int bad = !(r == 0 || r == -ENOEXEC || r == -EINVAL || r == -EIO) ||
              (r == 0 && !image_sane(&img, b->len, USER_TOP));
    *accepted += r == 0;
    for (unsigned k = nmut; k-- > 0;)
        memcpy(b->data + pos[k], saved[k], 8);
    return bad;
}

static void check_mutations(const char *name, int rounds)
{
    struct blob b = load_data(name);
    int bad = 0, accepted = 0;

    CHECK(b.data != NULL);
    if (b.data == NULL)
        return;
    Elf64_Ehdr eh = get_ehdr(&b);
    size_t hdr_end = eh.e_phoff + (size_t)eh.e_phnum * sizeof(Elf64_Phdr);
    for (int i = 0; i < rounds; i++)
        bad += mutate_once(&b, hdr_end, &accepted);
    CHECK_EQ(bad, 0);
    /* Some mutations hit fields the parser ignores; all-rejected would mean a bug. */
    CHECK(accepted > 0 && accepted < rounds);
    struct elf_image img;
    CHECK_EQ(parse(&b, &img), 0);      /* restored exactly */
    free(b.data);
}

static void test_elf_random_mutations(void)
{
    check_mutations("bare-static", 20000);
    check_mutations("bare-static-pie", 20000);
    check_mutations("hello-static", 20000);
}

int main(void)
{
    RUN_TEST(test_elf_real_static_glibc);
    RUN_TEST(test_elf_real_bare);
    RUN_TEST(test_elf_real_static_pie);
    RUN_TEST(test_elf_rejects_foreign);
    RUN_TEST(test_elf_interp_errors);
    RUN_TEST(test_elf_corrupt_exec);
    RUN_TEST(test_elf_corrupt_dyn);
    RUN_TEST(test_elf_corrupt_glibc);
    RUN_TEST(test_elf_user_top);
    RUN_TEST(test_elf_stack_exec);
    RUN_TEST(test_elf_segment_limit);
    RUN_TEST(test_elf_phdr_location);
    RUN_TEST(test_elf_null_page);
    RUN_TEST(test_elf_read);
    RUN_TEST(test_elf_truncation);
    RUN_TEST(test_elf_random_mutations);
    CHECK_EXIT();
}
