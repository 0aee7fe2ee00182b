// SOURCES: kernel/fs/cpio.c kernel/lib/string.c
/* Host tests for the newc cpio iterator: archives made by GNU cpio in gen-elf.sh
 * (directory in $HOST_TEST_DATA), concatenation, truncation and corrupted headers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fs/cpio.h"
#include "lib/errno.h"

#define MAX_ENTRIES 16
#define HDR 110

struct blob {
    uint8_t *data;     /* exactly len bytes, so ASan catches any overrun */
    size_t len;
};

static struct blob load_data(const char *name)
{
    const char *dir = getenv("HOST_TEST_DATA");
    struct blob b = { NULL, 0 };
    char path[4096];

    if (dir == NULL) {
        fprintf(stderr, "  HOST_TEST_DATA is not set (run gen-elf.sh DIR)\n");
        return b;
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "  cannot read %s\n", path);
        return b;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (n > 0) {
        b.data = malloc((size_t)n);
        b.len = fread(b.data, 1, (size_t)n, f);
    }
    fclose(f);
    return b;
}

static struct blob blob_copy(const uint8_t *p, size_t len)
{
    struct blob b = { malloc(len ? len : 1), len };

    memcpy(b.data, p, len);
    return b;
}

static struct blob blob_cat(struct blob a, struct blob b, size_t gap)
{
    struct blob c = { malloc(a.len + gap + b.len), a.len + gap + b.len };

    memcpy(c.data, a.data, a.len);
    memset(c.data + a.len, 0, gap);
    memcpy(c.data + a.len + gap, b.data, b.len);
    return c;
}

/* Collect entries until the iterator stops; returns the final status (0 or -errno). */
static int collect(const uint8_t *buf, size_t len, struct cpio_entry *out, int *n)
{
    struct cpio_iter it;
    struct cpio_entry e;
    int r;

    cpio_iter_init(&it, buf, len);
    *n = 0;
    while ((r = cpio_next(&it, &e)) == 1) {
        if (*n < MAX_ENTRIES)
            out[*n] = e;
        (*n)++;
    }
    /* Both the end and errors are sticky. */
    CHECK_EQ(cpio_next(&it, &e), r);
    return r;
}

struct expect {
    const char *name;
    uint32_t mode, nlink;
    const char *data;    /* NULL: size 0 */
};

/* What gen-elf.sh puts into test.cpio (GNU cpio drops the leading "./"). */
static const struct expect tree[] = {
    { ".", 040755, 3, NULL },
    { "empty", 0100600, 1, NULL },
    { "hello.txt", 0100644, 1, "Hello, initramfs!\n" },
    { "link", 0120777, 1, "hello.txt" },
    { "sub", 040755, 2, NULL },
    { "sub/inner.txt", 0100640, 1, "inner\n" },
};
#define NTREE ((int)(sizeof tree / sizeof tree[0]))

static void check_entry(const struct cpio_entry *e, const struct expect *x)
{
    size_t want_size = x->data ? strlen(x->data) : 0;

    CHECK(strcmp(e->name, x->name) == 0);
    CHECK_EQ(e->namelen, strlen(x->name));
    CHECK_EQ(e->mode, x->mode);
    CHECK_EQ(e->nlink, x->nlink);
    CHECK_EQ(e->uid, 0);
    CHECK_EQ(e->gid, 0);
    CHECK_EQ(e->mtime, 1000000000);
    CHECK_EQ(e->size, want_size);
    CHECK(want_size == 0 || memcmp(e->data, x->data, want_size) == 0);
    CHECK(e->rdevmajor == 0 && e->rdevminor == 0);
}

static void check_tree(const struct cpio_entry *got, int n, int first)
{
    for (int i = 0; i < NTREE && first + i < n; i++)
        check_entry(&got[first + i], &tree[i]);
}

static void test_cpio_gnu_newc(void)
{
    struct blob b = load_data("test.cpio");
    struct cpio_entry got[MAX_ENTRIES];
    int n;

    CHECK(b.data != NULL);
    if (b.data == NULL)
        return;
    CHECK(memcmp(b.data, "070701", 6) == 0);
    CHECK_EQ(b.len % 512, 0);                    /* cpio pads to its block size */
    CHECK_EQ(collect(b.data, b.len, got, &n), 0);
    CHECK_EQ(n, NTREE);
    check_tree(got, n, 0);
    /* Inodes are distinct (no hard links in the tree). */
    for (int i = 1; i < n && i < MAX_ENTRIES; i++)
        CHECK(got[i].ino != got[i - 1].ino);
    free(b.data);
}

static void test_cpio_gnu_crc(void)
{
    struct blob b = load_data("test-crc.cpio");
    struct cpio_entry got[MAX_ENTRIES];
    int n;

    CHECK(b.data != NULL);
    if (b.data == NULL)
        return;
    CHECK(memcmp(b.data, "070702", 6) == 0);
    CHECK_EQ(collect(b.data, b.len, got, &n), 0);
    CHECK_EQ(n, NTREE);
    check_tree(got, n, 0);
    /* Flip one data byte of hello.txt: its checksum no longer matches. */
    if (n == NTREE) {
        size_t off = (size_t)((const uint8_t *)got[2].data - b.data);
        b.data[off] ^= 1;
        CHECK_EQ(collect(b.data, b.len, got, &n), -EINVAL);
        CHECK_EQ(n, 2);
    }
    free(b.data);
}

/* The newc check field is not a checksum, so corrupting data is not detected. */
static void test_cpio_newc_ignores_check(void)
{
    struct blob b = load_data("test.cpio");
    struct cpio_entry got[MAX_ENTRIES];
    int n;

    CHECK(b.data != NULL);
    if (b.data == NULL)
        return;
    memcpy(b.data + 6 + 12 * 8, "DEADBEEF", 8);   /* check field of the first entry */
    CHECK_EQ(collect(b.data, b.len, got, &n), 0);
    CHECK_EQ(n, NTREE);
    free(b.data);
}

/* Where the trailer entry's header starts, found independently of the parser. */
static size_t trailer_start(struct blob b)
{
    for (size_t i = HDR; i + 11 <= b.len; i++) {
        if (memcmp(b.data + i, "TRAILER!!!", 11) == 0)
            return i - HDR;
    }
    return 0;
}

/* Offset just past the trailer entry: header, 11-byte name, padding to 4. */
static size_t trailer_end(struct blob b)
{
    return trailer_start(b) + ((HDR + 11 + 3) & ~(size_t)3);
}

static void test_cpio_concatenated(void)
{
    struct blob a = load_data("test.cpio"), b = load_data("second.cpio");
    struct cpio_entry got[MAX_ENTRIES];
    int n;

    CHECK(a.data != NULL && b.data != NULL);
    if (a.data == NULL || b.data == NULL)
        return;
    size_t gaps[] = { 0, 4, 512, 4096 };
    for (size_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
        struct blob c = blob_cat(a, b, gaps[g]);
        CHECK_EQ(collect(c.data, c.len, got, &n), 0);
        CHECK_EQ(n, NTREE + 1);
        check_tree(got, n, 0);
        if (n == NTREE + 1) {
            CHECK(strcmp(got[NTREE].name, "extra.txt") == 0);
            CHECK_EQ(got[NTREE].size, 15);
            CHECK(memcmp(got[NTREE].data, "second archive\n", 15) == 0);
        }
        free(c.data);
    }
    /* Second archive right after the trailer, without the 512-byte padding. */
    size_t te = trailer_end(a);
    CHECK(te > 0 && te < a.len);
    struct blob tight = blob_copy(a.data, te);
    struct blob c = blob_cat(tight, b, 0);
    CHECK_EQ(collect(c.data, c.len, got, &n), 0);
    CHECK_EQ(n, NTREE + 1);
    free(c.data);
    /* A trailer-terminated archive needs no padding at all. */
    CHECK_EQ(collect(tight.data, tight.len, got, &n), 0);
    CHECK_EQ(n, NTREE);
    free(tight.data);
    free(a.data);
    free(b.data);
}

static void test_cpio_after_trailer(void)
{
    struct blob a = load_data("test.cpio"), b = load_data("second.cpio");
    struct cpio_entry got[MAX_ENTRIES];
    int n;

    CHECK(a.data != NULL && b.data != NULL);
    if (a.data == NULL || b.data == NULL)
        return;
    /* Junk after the padding ends the iteration without an error. */
    struct blob c = blob_cat(a, b, 0);
    memcpy(c.data + a.len, "JUNK", 4);
    CHECK_EQ(collect(c.data, c.len, got, &n), 0);
    CHECK_EQ(n, NTREE);
    free(c.data);
    /* A following archive that is not 4-byte aligned is malformed. */
    c = blob_cat(a, b, 3);
    CHECK_EQ(collect(c.data, c.len, got, &n), -EINVAL);
    CHECK_EQ(n, NTREE);
    free(c.data);
    /* A second archive without its own trailer is an error. */
    c = blob_cat(a, b, 0);
    size_t ts = trailer_start(b);
    CHECK(ts > 0);
    struct blob cut = blob_copy(c.data, a.len + ts);   /* drop b's trailer */
    CHECK_EQ(collect(cut.data, cut.len, got, &n), -EINVAL);
    CHECK_EQ(n, NTREE + 1);
    free(cut.data);
    free(c.data);
    free(a.data);
    free(b.data);
}

/* Every prefix must either fail cleanly or, once the trailer is included, succeed. */
static void test_cpio_truncation(void)
{
    struct blob b = load_data("test.cpio");
    struct cpio_entry full[MAX_ENTRIES], got[MAX_ENTRIES];
    size_t ends[MAX_ENTRIES];
    int nfull, n, bad = 0;

    CHECK(b.data != NULL);
    if (b.data == NULL)
        return;
    CHECK_EQ(collect(b.data, b.len, full, &nfull), 0);
    CHECK_EQ(nfull, NTREE);
    if (nfull != NTREE)
        return;
    /* Entry i (with its padding) ends where entry i+1's header starts. */
    for (int i = 0; i + 1 < nfull; i++)
        ends[i] = (size_t)((const uint8_t *)full[i + 1].name - b.data) - HDR;
    ends[nfull - 1] = (size_t)((const uint8_t *)full[nfull - 1].data - b.data) +
                      ((full[nfull - 1].size + 3) & ~(size_t)3);
    size_t te = trailer_end(b);
    for (size_t len = 0; len <= b.len; len++) {
        struct blob t = blob_copy(b.data, len);
        int want_n = 0;
        while (want_n < nfull && ends[want_n] <= len)
            want_n++;
        int r = collect(t.data, t.len, got, &n);
        if (r != (len >= te ? 0 : -EINVAL) || n != want_n) {
            if (bad++ < 5)
                fprintf(stderr, "  len %zu: r %d n %d (want n %d)\n", len, r, n, want_n);
        }
        free(t.data);
    }
    CHECK_EQ(bad, 0);
    free(b.data);
}

/* Build a one-entry archive by hand: name, data, then a trailer. */
static size_t build_archive(uint8_t *buf, const char *magic, const char *name, const char *data)
{
    size_t off = 0;
    const char *names[2] = { name, "TRAILER!!!" };
    const char *datas[2] = { data, "" };

    for (int i = 0; i < 2; i++) {
        size_t nsz = strlen(names[i]) + 1, dsz = strlen(datas[i]);
        unsigned sum = 0;
        for (size_t k = 0; k < dsz; k++)
            sum += (uint8_t)datas[i][k];
        off += (size_t)sprintf((char *)buf + off,
                               "%s%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
                               magic, 7 + i, 0100644, 0, 0, 1, 0, dsz, 0, 0, 0, 0, nsz, sum);
        memcpy(buf + off, names[i], nsz);
        off += nsz;
        while (off % 4)
            buf[off++] = 0;
        memcpy(buf + off, datas[i], dsz);
        off += dsz;
        while (off % 4)
            buf[off++] = 0;
    }
    return off;
}

/* Apply one edit to a hand-built archive and return the first cpio_next result. */
static int first_result(const uint8_t *src, size_t len, size_t at, const char *bytes, size_t n)
{
    struct blob t = blob_copy(src, len);
    struct cpio_iter it;
    struct cpio_entry e;

    memcpy(t.data + at, bytes, n);
    cpio_iter_init(&it, t.data, t.len);
    int r = cpio_next(&it, &e);
    free(t.data);
    return r;
}

#define FIELD(i) (6 + 8 * (i))

static void test_cpio_bad_headers(void)
{
    uint8_t buf[512];
    size_t len = build_archive(buf, "070701", "file", "abc");
    struct cpio_entry got[MAX_ENTRIES];
    int n;

    /* Control: the hand-built archive is valid. */
    CHECK_EQ(collect(buf, len, got, &n), 0);
    CHECK_EQ(n, 1);
    CHECK(n == 1 && strcmp(got[0].name, "file") == 0 && got[0].size == 3);
    CHECK(n == 1 && got[0].ino == 7 && got[0].mode == 0100644);
    CHECK_EQ(first_result(buf, len, 0, "070703", 6), -EINVAL);
    CHECK_EQ(first_result(buf, len, 0, "170701", 6), -EINVAL);
    CHECK_EQ(first_result(buf, len, 0, "070707", 6), -EINVAL);   /* old ASCII format */
    CHECK_EQ(first_result(buf, len, FIELD(1) + 3, "g", 1), -EINVAL);
    CHECK_EQ(first_result(buf, len, FIELD(6), " ", 1), -EINVAL);
    CHECK_EQ(first_result(buf, len, FIELD(11) + 7, "x", 1), -EINVAL);
    CHECK_EQ(first_result(buf, len, FIELD(12), "-", 1), -EINVAL);
    /* Lowercase hex is still hex. */
    CHECK_EQ(first_result(buf, len, FIELD(1), "000081a4", 8), 1);
    /* Sizes far past the buffer, and sizes just past it. */
    CHECK_EQ(first_result(buf, len, FIELD(11), "FFFFFFFF", 8), -EINVAL);
    CHECK_EQ(first_result(buf, len, FIELD(6), "FFFFFFFF", 8), -EINVAL);
    char sz[9];
    size_t data_start = (HDR + 5 + 3) & ~(size_t)3;             /* after "file\0" */
    snprintf(sz, sizeof sz, "%08zX", len - data_start + 1);     /* data runs 1 byte over */
    CHECK_EQ(first_result(buf, len, FIELD(6), sz, 8), -EINVAL);
    snprintf(sz, sizeof sz, "%08zX", len - 2 - data_start - 1); /* fits, its padding not */
    CHECK_EQ(first_result(buf, len - 2, FIELD(6), sz, 8), -EINVAL);
    snprintf(sz, sizeof sz, "%08zX", len - data_start);         /* data runs to the end */
    CHECK_EQ(first_result(buf, len, FIELD(6), sz, 8), 1);
    /* Name problems: size 0, missing NUL, NUL inside the name. */
    CHECK_EQ(first_result(buf, len, FIELD(11), "00000000", 8), -EINVAL);
    CHECK_EQ(first_result(buf, len, FIELD(11), "00000004", 8), -EINVAL);
    CHECK_EQ(first_result(buf, len, HDR + 1, "", 1), -EINVAL);
    CHECK_EQ(first_result(buf, len, FIELD(11), "00000006", 8), -EINVAL);  /* NUL not last */
}

static void test_cpio_crc_handbuilt(void)
{
    uint8_t buf[512];
    size_t len = build_archive(buf, "070702", "f", "checksummed");
    struct cpio_entry got[MAX_ENTRIES];
    int n;

    CHECK_EQ(collect(buf, len, got, &n), 0);
    CHECK_EQ(n, 1);
    CHECK_EQ(first_result(buf, len, FIELD(12) + 7, "0", 1), -EINVAL);
    /* Only regular files are checksummed: as a symlink the same entry passes. */
    CHECK_EQ(first_result(buf, len, FIELD(1), "0000A1FF", 8), 1);   /* 0120777 */
    uint8_t link[512];
    memcpy(link, buf, len);
    memcpy(link + FIELD(1), "0000A1FF", 8);
    CHECK_EQ(first_result(link, len, FIELD(12) + 7, "0", 1), 1);
}

static void test_cpio_degenerate(void)
{
    uint8_t zeros[512] = { 0 };
    struct cpio_entry got[MAX_ENTRIES];
    int n;

    CHECK_EQ(collect(zeros, 0, got, &n), -EINVAL);            /* no trailer at all */
    CHECK_EQ(collect(zeros, sizeof zeros, got, &n), -EINVAL);
    CHECK_EQ(collect((const uint8_t *)"070701", 6, got, &n), -EINVAL);
    /* Only a trailer: an empty archive. */
    uint8_t buf[512];
    size_t len = build_archive(buf, "070701", "x", "");
    size_t second = (HDR + 2 + 3) & ~(size_t)3;   /* after entry "x" with no data */
    CHECK_EQ(collect(buf + second, len - second, got, &n), 0);
    CHECK_EQ(n, 0);
}

int main(void)
{
    RUN_TEST(test_cpio_gnu_newc);
    RUN_TEST(test_cpio_gnu_crc);
    RUN_TEST(test_cpio_newc_ignores_check);
    RUN_TEST(test_cpio_concatenated);
    RUN_TEST(test_cpio_after_trailer);
    RUN_TEST(test_cpio_truncation);
    RUN_TEST(test_cpio_bad_headers);
    RUN_TEST(test_cpio_crc_handbuilt);
    RUN_TEST(test_cpio_degenerate);
    CHECK_EXIT();
}
