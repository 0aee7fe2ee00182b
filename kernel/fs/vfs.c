/* VFS core: reference counting of inodes and open files, path walking with symbolic links
 * and mount points, and the character-device table. */
#include "fs/vfs.h"
#include "fs/epoll.h"
#include "mm/kmalloc.h"
#include "mm/kvm.h"
#include "mm/vm.h"
#include "mm/pagecache.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/signal.h"
#include "arch.h"
#include "fs/lock.h"
#include "dev/rtc.h"

#define SYMLINK_MAX_DEPTH 40
#define NCHARDEV 32

static struct {
    struct inode *root;
    uint64_t next_ino;
    struct { uint32_t rdev; const struct file_ops *fops; } chardevs[NCHARDEV];
    int nchardevs;
} vfs = { .next_ino = 2 };

int uio_copy_out(struct uio *u, const void *src, size_t n)
{
    if (u->kernel)
        memcpy((void *)u->addr, src, n);
    else if (copy_to_user(u->addr, src, n))
        return -EFAULT;
    u->addr += n;
    return 0;
}

int uio_copy_in(void *dst, struct uio *u, size_t n)
{
    if (u->kernel)
        memcpy(dst, (const void *)u->addr, n);
    else if (copy_from_user(dst, u->addr, n))
        return -EFAULT;
    u->addr += n;
    return 0;
}

uint64_t vfs_now_ns(void)
{
    return rtc_realtime_ns();
}

struct inode *inode_new(uint32_t mode, const struct inode_ops *iops, const struct file_ops *fops)
{
    struct inode *ino = kmalloc(sizeof *ino);
    if (!ino)
        return NULL;
    ino->ino = vfs.next_ino++;
    ino->mode = mode;
    ino->nlink = 1;
    ino->refs = 1;
    ino->iops = iops;
    ino->fops = fops;
    ino->atime_ns = ino->mtime_ns = ino->ctime_ns = (int64_t)vfs_now_ns();
    return ino;
}

struct inode *inode_get(struct inode *ino)
{
    if (ino)
        ino->refs++;
    return ino;
}

void inode_put(struct inode *ino)
{
    if (!ino || --ino->refs > 0)
        return;
    pagecache_release(ino);     /* first: the file system hears of the pages going */
    if (ino->iops && ino->iops->release)
        ino->iops->release(ino);
    kfree(ino);
}

struct inode *vfs_root(void)
{
    return vfs.root;
}

void vfs_set_root(struct inode *root)
{
    vfs.root = inode_get(root);
    root->parent = root;
}

int vfs_mount(struct inode *dir, struct inode *root)
{
    if (!S_ISDIR(dir->mode) || !S_ISDIR(root->mode))
        return -ENOTDIR;
    if (dir->mounted)
        return -EBUSY;
    dir->mounted = inode_get(root);
    root->covered = inode_get(dir);
    root->parent = inode_get(dir->parent);
    return 0;
}

void chardev_register(uint32_t rdev, const struct file_ops *fops)
{
    if (vfs.nchardevs < NCHARDEV) {
        vfs.chardevs[vfs.nchardevs].rdev = rdev;
        vfs.chardevs[vfs.nchardevs].fops = fops;
        vfs.nchardevs++;
    }
}

const struct file_ops *chardev_ops(uint32_t rdev)
{
    for (int i = 0; i < vfs.nchardevs; i++)
        if (vfs.chardevs[i].rdev == rdev)
            return vfs.chardevs[i].fops;
    return NULL;
}

/* -- blk -- */
#define NBLOCKDEV 32
static struct { uint32_t rdev; const struct file_ops *fops; } blockdevs[NBLOCKDEV];
static int nblockdevs;

void blockdev_register(uint32_t rdev, const struct file_ops *fops)
{
    if (nblockdevs < NBLOCKDEV) {
        blockdevs[nblockdevs].rdev = rdev;
        blockdevs[nblockdevs++].fops = fops;
    }
}

const struct file_ops *blockdev_ops(uint32_t rdev)
{
    for (int i = 0; i < nblockdevs; i++)
        if (blockdevs[i].rdev == rdev)
            return blockdevs[i].fops;
    return NULL;
}
/* (end of blk) */

struct file *file_open_inode(struct inode *ino, uint32_t flags, int *err)
{
    struct file *f = kmalloc(sizeof *f);
    if (!f) {
        *err = -ENOMEM;
        return NULL;
    }
    f->refs = 1;
    f->inode = inode_get(ino);
    f->flags = flags & ~(uint32_t)(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
    f->ops = S_ISCHR(ino->mode) ? chardev_ops(ino->rdev) :
             S_ISBLK(ino->mode) ? blockdev_ops(ino->rdev) : ino->fops;
    if ((S_ISCHR(ino->mode) || S_ISBLK(ino->mode)) && !f->ops) {
        *err = -ENXIO;
        inode_put(ino);
        kfree(f);
        return NULL;
    }
    /* An O_PATH descriptor only names the file: no device or pipe is opened. */
    *err = f->ops && f->ops->open && !(flags & O_PATH) ? f->ops->open(ino, f) : 0;
    if (flags & O_PATH)
        f->ops = NULL;
    if (*err) {
        inode_put(ino);
        kfree(f);
        return NULL;
    }
    return f;
}

struct file *file_get(struct file *f)
{
    f->refs++;
    return f;
}

void file_put(struct file *f)
{
    if (!f || --f->refs > 0)
        return;
    if (f->epoll_watch)
        epoll_file_closed(f);
    lock_file_released(f);
    if (f->ops && f->ops->close)
        f->ops->close(f);
    inode_put(f->inode);
    kfree(f);
}

long file_read(struct file *f, struct uio *u, size_t n)
{
    if ((f->flags & O_ACCMODE) == O_WRONLY || (f->flags & O_PATH))
        return -EBADF;
    if (S_ISDIR(f->inode->mode))
        return -EISDIR;
    if (!f->ops || !f->ops->read)
        return -EINVAL;
    return f->ops->read(f, u, n, &f->off);
}

long file_write(struct file *f, struct uio *u, size_t n)
{
    if ((f->flags & O_ACCMODE) == O_RDONLY || (f->flags & O_PATH))
        return -EBADF;
    if (!f->ops || !f->ops->write)
        return -EINVAL;
    if (f->flags & O_APPEND)
        f->off = f->inode->size;
    if (S_ISREG(f->inode->mode)) {
        /* RLIMIT_FSIZE: a write is cut at the limit; one that starts there gets SIGXFSZ and
         * EFBIG (the signal kills by default; a program that ignores it sees EFBIG). */
        struct proc *p = current();
        uint64_t lim = p->rlimits[RLIMIT_FSIZE][0];
        if (lim != RLIM_INFINITY && n && f->off + n > lim) {
            if (f->off >= lim) {
                signal_send_thread(p, SIGXFSZ, NULL);
                return -EFBIG;
            }
            n = lim - f->off;
        }
    }
    return f->ops->write(f, u, n, &f->off);
}

/* Step from dir to its child called name[0..len), crossing mount points both ways. */
static int vfs_step(struct inode *dir, const char *name, size_t len, struct inode **out)
{
    if (!S_ISDIR(dir->mode))
        return -ENOTDIR;
    if (len == 1 && name[0] == '.') {
        *out = inode_get(dir);
        return 0;
    }
    if (len == 2 && name[0] == '.' && name[1] == '.') {
        struct inode *d = dir;
        while (d->covered)
            d = d->covered;
        *out = inode_get(d->parent ? d->parent : d);
        return 0;
    }
    if (len > NAME_MAX)
        return -ENAMETOOLONG;
    if (!dir->iops || !dir->iops->lookup)
        return -ENOENT;
    struct inode *child;
    int err = dir->iops->lookup(dir, name, len, &child);
    if (err)
        return err;
    while (child->mounted) {
        struct inode *m = inode_get(child->mounted);
        inode_put(child);
        child = m;
    }
    *out = child;
    return 0;
}

static struct inode *vfs_start(struct inode *dir, const char *path)
{
    if (path[0] == '/')
        return inode_get(vfs.root);
    if (dir)
        return inode_get(dir);
    struct proc *p = current();
    return inode_get(p && p->cwd ? p->cwd : vfs.root);
}

static int vfs_walk(struct inode *start, const char *path, int flags, int *links, struct inode **out);

/* Replace a symbolic link by what it points to, resolved relative to the link's directory.
 * *links counts every link followed by the whole lookup, so no path costs more than 40. */
static int vfs_follow(struct inode *dir, struct inode **ino, int *links)
{
    if (++*links > SYMLINK_MAX_DEPTH)
        return -ELOOP;
    char *target = kmalloc(PATH_MAX);
    if (!target)
        return -ENOMEM;
    long n = (*ino)->iops && (*ino)->iops->readlink ? (*ino)->iops->readlink(*ino, target, PATH_MAX - 1) : -EINVAL;
    if (n < 0) {
        kfree(target);
        return (int)n;
    }
    target[n] = 0;
    struct inode *res;
    struct inode *start = target[0] == '/' ? inode_get(vfs.root) : inode_get(dir);
    int err = vfs_walk(start, target, LOOKUP_FOLLOW, links, &res);
    kfree(target);
    if (err)
        return err;
    inode_put(*ino);
    *ino = res;
    return 0;
}

/* Walk every component of path from start (consumed). */
static int vfs_walk(struct inode *start, const char *path, int flags, int *links, struct inode **out)
{
    struct inode *cur = start;
    const char *s = path;
    while (*s) {
        while (*s == '/')
            s++;
        if (!*s)
            break;
        const char *name = s;
        while (*s && *s != '/')
            s++;
        struct inode *next = NULL;
        int err = vfs_step(cur, name, (size_t)(s - name), &next);
        bool last = true;
        for (const char *t = s; *t; t++)
            if (*t != '/')
                last = false;
        if (!err && S_ISLNK(next->mode) && (!last || (flags & LOOKUP_FOLLOW) || *s == '/')) {
            err = vfs_follow(cur, &next, links);
            if (err)
                inode_put(next);    /* still the link itself */
        }
        inode_put(cur);
        if (err)
            return err;
        cur = next;
        if (*s == '/' && !S_ISDIR(cur->mode)) {
            inode_put(cur);
            return -ENOTDIR;
        }
    }
    if ((flags & LOOKUP_DIRECTORY) && !S_ISDIR(cur->mode)) {
        inode_put(cur);
        return -ENOTDIR;
    }
    *out = cur;
    return 0;
}

int vfs_lookup(struct inode *dir, const char *path, int flags, struct inode **out)
{
    if (!path[0])
        return -ENOENT;
    if (strnlen(path, PATH_MAX) >= PATH_MAX)
        return -ENAMETOOLONG;
    int links = 0;
    return vfs_walk(vfs_start(dir, path), path, flags, &links, out);
}

int vfs_lookup_parent(struct inode *dir, const char *path, struct inode **parent,
                      const char **name, size_t *len)
{
    size_t plen = strnlen(path, PATH_MAX);
    if (plen == 0)
        return -ENOENT;
    if (plen >= PATH_MAX)
        return -ENAMETOOLONG;
    while (plen > 1 && path[plen - 1] == '/')
        plen--;
    size_t slash = plen;
    while (slash > 0 && path[slash - 1] != '/')
        slash--;
    *name = path + slash;
    *len = plen - slash;
    if (*len > NAME_MAX)
        return -ENAMETOOLONG;
    if (*len == 0)
        return -EEXIST;     /* the path is "/" */
    char *prefix = kmalloc(slash + 2);
    if (!prefix)
        return -ENOMEM;
    memcpy(prefix, path, slash);
    prefix[slash] = 0;
    int links = 0;
    int err = slash ? vfs_walk(vfs_start(dir, path), prefix, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &links, parent)
                    : (*parent = vfs_start(dir, path), 0);
    kfree(prefix);
    if (!err && !S_ISDIR((*parent)->mode)) {
        inode_put(*parent);
        err = -ENOTDIR;
    }
    return err;
}

int vfs_read_all(struct inode *ino, const void **data, size_t *size, bool *owned)
{
    if (!S_ISREG(ino->mode))
        return -EACCES;
    *size = ino->size;
    *owned = false;
    if (ino->iops && ino->iops->contiguous && (*data = ino->iops->contiguous(ino)) != NULL)
        return 0;
    if (ino->size > KVM_MAX_BYTES)
        return -ENOMEM;
    void *buf = kvm_alloc(ino->size ? ino->size : 1);
    if (!buf)
        return -ENOMEM;
    struct file f = { .refs = 1, .inode = ino, .flags = O_RDONLY, .ops = ino->fops };
    struct uio u = { (uint64_t)buf, true };
    uint64_t off = 0;
    long n = ino->fops && ino->fops->read ? ino->fops->read(&f, &u, ino->size, &off) : -EINVAL;
    if (n < 0 || (uint64_t)n != ino->size) {
        kvm_free(buf);
        return n < 0 ? (int)n : -EIO;
    }
    *data = buf;
    *owned = true;
    return 0;
}
