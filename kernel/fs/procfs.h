/* /proc: process and system information generated when read. */
#ifndef FS_PROCFS_H
#define FS_PROCFS_H

#include "fs/vfs.h"

struct inode *procfs_new_root(void);

#endif
