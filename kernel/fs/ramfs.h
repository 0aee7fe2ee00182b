/* ramfs: the RAM file system mounted as / and populated from the initramfs. */
#ifndef FS_RAMFS_H
#define FS_RAMFS_H

#include "fs/vfs.h"

struct inode *ramfs_new_root(void);
/* A regular file whose bytes are borrowed from memory that lives as long as the kernel
 * (the initramfs); they are copied into pages on the first change. */
int ramfs_create_borrowed(struct inode *dir, const char *name, size_t len, uint32_t mode,
                          const void *data, size_t size);
extern const struct inode_ops ramfs_iops;

#endif
