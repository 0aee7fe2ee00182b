/* Building the root file system at boot. */
#ifndef FS_ROOTFS_H
#define FS_ROOTFS_H

#include <stdbool.h>
#include <stddef.h>

/* A ramfs root filled from the first acceptable archive, /dev with the device nodes, /proc. */
void rootfs_init(const void *loader_initrd, size_t loader_len);
/* -- blk -- */
/* Add /dev/vda... for the disks blk_register knows (after the drivers probed). */
void rootfs_add_blkdevs(void);
/* (end of blk) */

#endif
