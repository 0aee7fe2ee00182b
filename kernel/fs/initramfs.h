/* The boot file archive (newc cpio): embedded in the kernel image or handed over by the
 * loader through /chosen linux,initrd-start/-end. */
#ifndef FS_INITRAMFS_H
#define FS_INITRAMFS_H

#include <stddef.h>

/* Check the whole archive once; a malformed one is refused (returns -EINVAL). */
int initramfs_init(const void *blob, size_t len);
/* Find a regular file by absolute path; 0, or -ENOENT. */
int initramfs_lookup(const char *path, const void **data, size_t *size);
size_t initramfs_count(void);
extern const char initramfs_embedded[];
extern const char initramfs_embedded_end[];

#endif
