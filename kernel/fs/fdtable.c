/* Descriptor tables. Open files are reference counted: dup and fork share one file (and its
 * offset) between several descriptors, and the file closes when the last one goes. */
#include "fs/fdtable.h"
#include "fs/lock.h"
#include "mm/kmalloc.h"
#include "lib/errno.h"
#include "lib/kstring.h"

_Static_assert(sizeof(struct fdtable) <= 4096, "a table fits one kmalloc page");

struct fdtable *fdtable_new(void)
{
    struct fdtable *t = kmalloc(sizeof(struct fdtable));
    if (t)
        t->refs = 1;
    return t;
}

struct fdtable *fdtable_dup(const struct fdtable *t)
{
    struct fdtable *n = fdtable_new();
    if (!n)
        return NULL;
    for (int fd = 0; fd < NOFILE; fd++)
        if (t->files[fd])
            n->files[fd] = file_get(t->files[fd]);
    memcpy(n->cloexec, t->cloexec, sizeof n->cloexec);
    return n;
}

void fdtable_free(struct fdtable *t)
{
    if (!t || --t->refs > 0)
        return;
    for (int fd = 0; fd < NOFILE; fd++)
        fd_close(t, fd);
    kfree(t);
}

bool fd_cloexec(const struct fdtable *t, int fd)
{
    return t->cloexec[fd / 8] & (1u << (fd % 8));
}

void fd_set_cloexec(struct fdtable *t, int fd, bool on)
{
    if (on)
        t->cloexec[fd / 8] |= (uint8_t)(1u << (fd % 8));
    else
        t->cloexec[fd / 8] &= (uint8_t)~(1u << (fd % 8));
}

void fdtable_close_on_exec(struct fdtable *t)
{
    for (int fd = 0; fd < NOFILE; fd++)
        if (t->files[fd] && fd_cloexec(t, fd))
            fd_close(t, fd);
}

int fd_install(struct fdtable *t, int min, struct file *f, bool cloexec)
{
    for (int fd = min < 0 ? 0 : min; fd < NOFILE; fd++) {
        if (!t->files[fd]) {
            t->files[fd] = f;
            fd_set_cloexec(t, fd, cloexec);
            return fd;
        }
    }
    return -EMFILE;
}

struct file *fd_get(struct fdtable *t, int fd)
{
    if (!t || fd < 0 || fd >= NOFILE)
        return NULL;
    return t->files[fd];
}

int fd_close(struct fdtable *t, int fd)
{
    struct file *f = fd_get(t, fd);
    if (!f)
        return -EBADF;
    t->files[fd] = NULL;
    fd_set_cloexec(t, fd, false);
    lock_fd_closed(t, f);
    file_put(f);
    return 0;
}
