/* The boot file archive (newc cpio): embedded in the kernel image or handed over by the
 * loader through /chosen linux,initrd-start/-end. Its contents become the root file system. */
#ifndef FS_INITRAMFS_H
#define FS_INITRAMFS_H

#include <stddef.h>

struct inode;

/* Check the whole archive; a malformed one is refused (returns -EINVAL) with a message. */
int initramfs_check(const void *blob, size_t len, size_t *entries);
/* Create every entry of a checked archive under root. File data stays in the archive
 * (borrowed) until first written. */
int initramfs_unpack(const void *blob, size_t len, struct inode *root);
extern const char initramfs_embedded[];
extern const char initramfs_embedded_end[];

#endif
