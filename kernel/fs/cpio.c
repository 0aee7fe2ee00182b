/* newc cpio archive iterator for the initramfs: validates every header field and
 * length against the buffer before handing out pointers into it. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "fs/cpio.h"
#include "lib/errno.h"
#include "lib/kstring.h"

#define CPIO_HDR_SIZE 110u
#define CPIO_NFIELDS 13
#define CPIO_S_IFMT 0170000u
#define CPIO_S_IFREG 0100000u

/* Field indices, in header order after the 6-byte magic. */
enum {
    F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
    F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK
};

static const char cpio_trailer[] = "TRAILER!!!";

static int cpio_hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int cpio_hex8(const uint8_t *p, uint32_t *out)
{
    uint32_t v = 0;

    for (int i = 0; i < 8; i++) {
        int d = cpio_hexval(p[i]);
        if (d < 0)
            return -EINVAL;
        v = (v << 4) | (uint32_t)d;
    }
    *out = v;
    return 0;
}

/* Padding needed to bring off up to a multiple of 4. */
static size_t cpio_pad4(size_t off)
{
    return (4 - (off & 3)) & 3;
}

static int cpio_read_fields(const uint8_t *h, uint32_t *f, bool *crc)
{
    if (memcmp(h, "07070", 5) != 0 || (h[5] != '1' && h[5] != '2'))
        return -EINVAL;
    *crc = h[5] == '2';
    for (int i = 0; i < CPIO_NFIELDS; i++) {
        if (cpio_hex8(h + 6 + 8 * i, &f[i]) < 0)
            return -EINVAL;
    }
    return 0;
}

/* The name must be exactly namesize-1 non-NUL bytes followed by its NUL. */
static bool cpio_name_ok(const char *name, size_t namesize)
{
    for (size_t i = 0; i + 1 < namesize; i++) {
        if (name[i] == '\0')
            return false;
    }
    return name[namesize - 1] == '\0';
}

static bool cpio_sum_ok(const uint8_t *data, size_t size, uint32_t check)
{
    uint32_t sum = 0;

    for (size_t i = 0; i < size; i++)
        sum += data[i];
    return sum == check;
}

static void cpio_fill(struct cpio_entry *e, const uint32_t *f)
{
    e->ino = f[F_INO];
    e->mode = f[F_MODE];
    e->uid = f[F_UID];
    e->gid = f[F_GID];
    e->nlink = f[F_NLINK];
    e->mtime = f[F_MTIME];
    e->devmajor = f[F_DEVMAJOR];
    e->devminor = f[F_DEVMINOR];
    e->rdevmajor = f[F_RDEVMAJOR];
    e->rdevminor = f[F_RDEVMINOR];
}

/* Claim n bytes at *off plus their padding to 4; NULL if that leaves the buffer.
 * Lengths are compared with what is left, so nothing can wrap. */
static const uint8_t *cpio_take(const struct cpio_iter *it, size_t *off, size_t n)
{
    size_t left = it->len - *off;

    if (n > left || cpio_pad4(*off + n) > left - n)
        return NULL;
    const uint8_t *p = it->base + *off;
    *off += n + cpio_pad4(*off + n);
    return p;
}

/* Parse the entry at it->off into *e; *next receives the offset after its padding. */
static int cpio_parse_entry(const struct cpio_iter *it, struct cpio_entry *e, size_t *next)
{
    size_t off = it->off;
    uint32_t f[CPIO_NFIELDS];
    bool crc;

    if ((off & 3) != 0 || it->len - off < CPIO_HDR_SIZE)
        return -EINVAL;
    if (cpio_read_fields(it->base + off, f, &crc) < 0 || f[F_NAMESIZE] == 0)
        return -EINVAL;
    off += CPIO_HDR_SIZE;
    e->name = (const char *)cpio_take(it, &off, f[F_NAMESIZE]);
    if (e->name == NULL || !cpio_name_ok(e->name, f[F_NAMESIZE]))
        return -EINVAL;
    e->namelen = f[F_NAMESIZE] - 1;
    e->size = f[F_FILESIZE];
    e->data = cpio_take(it, &off, e->size);
    if (e->data == NULL)
        return -EINVAL;
    /* GNU cpio (like Linux) checksums regular files only; symlinks carry 0. */
    bool regular = (f[F_MODE] & CPIO_S_IFMT) == CPIO_S_IFREG;
    if (crc && regular && !cpio_sum_ok(e->data, e->size, f[F_CHECK]))
        return -EINVAL;
    cpio_fill(e, f);
    *next = off;
    return 0;
}

static bool cpio_is_trailer(const struct cpio_entry *e)
{
    return e->namelen == sizeof(cpio_trailer) - 1 &&
           memcmp(e->name, cpio_trailer, e->namelen) == 0;
}

/* After a trailer: skip zero padding; true if another archive starts there. */
static bool cpio_next_archive(struct cpio_iter *it, size_t off)
{
    while (off < it->len && it->base[off] == 0)
        off++;
    if (it->len - off >= 4 && memcmp(it->base + off, "0707", 4) == 0) {
        it->off = off;
        return true;
    }
    it->off = SIZE_MAX;   /* finished; see struct cpio_iter */
    return false;
}

void cpio_iter_init(struct cpio_iter *it, const void *buf, size_t len)
{
    it->base = buf;
    it->len = len;
    it->off = 0;
}

int cpio_next(struct cpio_iter *it, struct cpio_entry *e)
{
    for (;;) {
        size_t next;
        if (it->off == SIZE_MAX)
            return 0;
        /* Running out of bytes before a trailer means the archive was cut short. */
        int err = cpio_parse_entry(it, e, &next);
        if (err < 0)
            return err;
        if (!cpio_is_trailer(e)) {
            it->off = next;
            return 1;
        }
        if (!cpio_next_archive(it, next))
            return 0;
    }
}
