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
/* A separate instance (a ramfs or tmpfs mount): its inodes get st_dev dev; max_pages data
 * pages and max_inodes inodes at most (0: no limit), then ENOSPC. */
struct inode *ramfs_new_instance(uint32_t dev, uint64_t max_pages, uint64_t max_inodes, uint32_t mode);
void ramfs_usage(struct inode *root, uint64_t *pages, uint64_t *inodes);
/* New limits (remount); -EINVAL if more is in use already. */
int ramfs_set_limits(struct inode *root, uint64_t max_pages, uint64_t max_inodes);
/* Remove every entry below root (umount); open files keep what they have open. */
void ramfs_clear(struct inode *root);

#endif
