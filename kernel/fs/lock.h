/* Advisory file locks: flock(2) locks, owned by an open file description, and POSIX record
 * locks (fcntl F_SETLK/F_SETLKW/F_GETLK), owned by a descriptor table. */
#ifndef FS_LOCK_H
#define FS_LOCK_H

#include <stdint.h>

struct file;
struct fdtable;

/* flock(fd's file, op); 0 or -errno (-EWOULDBLOCK, -ERESTARTSYS, -EINVAL, -ENOLCK). */
long lock_flock(struct file *f, int op);
/* fcntl(F_GETLK / F_SETLK / F_SETLKW) with the user's struct flock at uflock. */
long lock_fcntl(struct fdtable *t, struct file *f, int cmd, uint64_t uflock);
/* The last reference to f is going: its flock locks go with it. */
void lock_file_released(struct file *f);
/* A descriptor of f in table t is closing: t's record locks on f's inode go (POSIX). */
void lock_fd_closed(struct fdtable *t, struct file *f);

#endif
