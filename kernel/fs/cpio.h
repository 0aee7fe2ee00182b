/* Iterator over "newc" cpio archives (the initramfs format): yields each entry's
 * header fields and a pointer to its data inside the archive, copying nothing.
 *
 * Format as read here: each entry is a 110-byte ASCII header, "070701" (or
 * "070702", where for regular files the check field must equal the 32-bit sum of
 * the data bytes) followed by 13 fields of exactly 8 hex digits (ino mode uid gid
 * nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize check); then
 * the NUL-terminated name (namesize bytes including the NUL), zero padding so the
 * data starts on a 4-byte boundary, the data, and padding to the next 4-byte
 * boundary. All boundaries are counted from the start of the buffer. The entry
 * named "TRAILER!!!" ends an archive.
 *
 * After a trailer, zero bytes are skipped (cpio -o pads to 512 bytes). If another
 * "0707" header follows, iteration continues with it, so concatenated archives
 * (as Linux initramfs allows) read as one; anything else ends the iteration. */
#ifndef FS_CPIO_H
#define FS_CPIO_H

#include <stddef.h>
#include <stdint.h>

struct cpio_entry {
    const char *name;     /* NUL-terminated inside the archive, leading "./" or "/" NOT stripped */
    size_t namelen;       /* without the NUL */
    uint32_t ino, mode, uid, gid, nlink, mtime, devmajor, devminor, rdevmajor, rdevminor;
    const void *data;
    size_t size;
};

struct cpio_iter {
    const uint8_t *base;
    size_t len, off;      /* off == SIZE_MAX once the end has been reached */
};

void cpio_iter_init(struct cpio_iter *it, const void *buf, size_t len);

/* Returns 1 with *e filled, 0 at the end of the archive (after TRAILER!!!), or
 * -EINVAL if malformed: bad magic, a field that is not 8 hex digits, namesize 0,
 * a name that is not NUL-terminated exactly at namesize (or contains a NUL),
 * an entry or its padding running past the end, a 070702 regular-file checksum
 * mismatch, a
 * following archive not 4-byte aligned, or the buffer ending without a trailer.
 * Errors are sticky: calling again returns the same error. */
int cpio_next(struct cpio_iter *it, struct cpio_entry *e);

#endif
