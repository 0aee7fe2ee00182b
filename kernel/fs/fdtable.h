/* Per-process descriptor tables: small integers naming open files, with close-on-exec. */
#ifndef FS_FDTABLE_H
#define FS_FDTABLE_H

#include <stdbool.h>
#include "fs/vfs.h"

#define NOFILE 256

struct fdtable {
    struct file *files[NOFILE];
    uint8_t cloexec[NOFILE / 8];
    int refs;                   /* processes sharing it (CLONE_FILES); fdtable_free drops one */
};

struct fdtable *fdtable_new(void);
/* fork: a new table whose descriptors share the parent's open files (and offsets). */
struct fdtable *fdtable_dup(const struct fdtable *t);
void fdtable_free(struct fdtable *t);
void fdtable_close_on_exec(struct fdtable *t);
/* The lowest free descriptor >= min, installed with f (a reference is taken over); -EMFILE. */
int fd_install(struct fdtable *t, int min, struct file *f, bool cloexec);
/* The open file for fd (not referenced), or NULL. */
struct file *fd_get(struct fdtable *t, int fd);
int fd_close(struct fdtable *t, int fd);
bool fd_cloexec(const struct fdtable *t, int fd);
void fd_set_cloexec(struct fdtable *t, int fd, bool on);

#endif
