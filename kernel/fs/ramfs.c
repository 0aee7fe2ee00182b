/* ramfs: directories are lists of names, symlinks keep their target string, and a regular
 * file's data IS its page cache (mm/pagecache.c): pages there are the only copy. Files made
 * from the initramfs borrow its bytes; readpage copies them into the cache page by page. */
#include "fs/ramfs.h"
#include "fs/pipe.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/pagecache.h"
#include "arch.h"
#include "lib/errno.h"
#include "lib/kstring.h"

#define RAMFS_MAX_PAGES PAGECACHE_MAX_PAGES

struct ramfs_dirent {
    char *name;
    size_t len;
    struct inode *inode;
    struct ramfs_dirent *next;
};

/* One mounted instance: every inode points at it, for tmpfs limits and statfs figures. */
struct ramfs_sb {
    uint64_t pages, inodes;         /* data pages and inodes in use */
    uint64_t max_pages, max_inodes; /* 0: no limit (ramfs) */
};

struct ramfs_node {
    struct ramfs_sb *sb;
    struct ramfs_dirent *entries;   /* directories */
    const uint8_t *borrowed;        /* regular files: initramfs bytes behind the cache */
    uint64_t borrowed_len;          /* how many of them still belong to the file */
    bool changed;                   /* written or truncated: no longer one contiguous piece */
    char *target;                   /* symlinks */
};

static const struct file_ops ramfs_file_ops;
static const struct file_ops ramfs_dir_ops;

static struct ramfs_node *node(struct inode *ino)
{
    return ino->priv;
}

static struct inode *ramfs_inode(struct ramfs_sb *sb, uint32_t dev, uint32_t mode)
{
    if (sb->max_inodes && sb->inodes >= sb->max_inodes)
        return NULL;
    const struct file_ops *fops = S_ISDIR(mode) ? &ramfs_dir_ops : S_ISREG(mode) ? &ramfs_file_ops
                                  : S_ISFIFO(mode) ? &pipe_fifo_ops : NULL;
    struct inode *ino = inode_new(mode, &ramfs_iops, fops);
    if (!ino)
        return NULL;
    ino->priv = kmalloc(sizeof(struct ramfs_node));
    if (!ino->priv) {
        kfree(ino);
        return NULL;
    }
    node(ino)->sb = sb;
    sb->inodes++;
    ino->dev = dev;
    if (S_ISDIR(mode))
        ino->nlink = 2;
    return ino;
}

struct inode *ramfs_new_instance(uint32_t dev, uint64_t max_pages, uint64_t max_inodes, uint32_t mode)
{
    struct ramfs_sb *sb = kmalloc(sizeof *sb);
    if (!sb)
        return NULL;
    *sb = (struct ramfs_sb){ .max_pages = max_pages, .max_inodes = max_inodes };
    struct inode *root = ramfs_inode(sb, dev, S_IFDIR | (mode & 07777));
    if (!root)
        kfree(sb);
    return root;
}

struct inode *ramfs_new_root(void)
{
    return ramfs_new_instance(1, 0, 0, 0755);
}

void ramfs_usage(struct inode *root, uint64_t *pages, uint64_t *inodes)
{
    struct ramfs_sb *sb = node(root)->sb;
    *pages = sb->pages;
    *inodes = sb->inodes;
}

int ramfs_set_limits(struct inode *root, uint64_t max_pages, uint64_t max_inodes)
{
    struct ramfs_sb *sb = node(root)->sb;
    if ((max_pages && sb->pages > max_pages) || (max_inodes && sb->inodes > max_inodes))
        return -EINVAL;     /* as tmpfs: a remount may not shrink below what is in use */
    sb->max_pages = max_pages;
    sb->max_inodes = max_inodes;
    return 0;
}

/* The page cache asks before it adds a page to a file (pages > 0) and tells when it drops
 * some: a tmpfs instance's size= limit is enforced here, and statfs counts from it. */
static int ramfs_charge(struct inode *ino, long pages)
{
    struct ramfs_sb *sb = node(ino)->sb;
    if (pages > 0 && sb->max_pages && sb->pages + (uint64_t)pages > sb->max_pages)
        return -ENOSPC;
    sb->pages += (uint64_t)pages;
    return 0;
}

static struct ramfs_dirent *ramfs_find(struct inode *dir, const char *name, size_t len,
                                       struct ramfs_dirent ***link_out)
{
    struct ramfs_dirent **link = &node(dir)->entries;
    for (; *link; link = &(*link)->next) {
        if ((*link)->len == len && memcmp((*link)->name, name, len) == 0) {
            if (link_out)
                *link_out = link;
            return *link;
        }
    }
    return NULL;
}

static int ramfs_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
    struct ramfs_dirent *d = ramfs_find(dir, name, len, NULL);
    if (!d)
        return -ENOENT;
    *out = inode_get(d->inode);
    return 0;
}

/* Enter ino under name; the directory keeps a reference. */
static int ramfs_add(struct inode *dir, const char *name, size_t len, struct inode *ino)
{
    if (ramfs_find(dir, name, len, NULL))
        return -EEXIST;
    struct ramfs_dirent *d = kmalloc(sizeof *d);
    char *copy = kmalloc(len + 1);
    if (!d || !copy) {
        kfree(d);
        kfree(copy);
        return -ENOMEM;
    }
    memcpy(copy, name, len);
    copy[len] = 0;
    *d = (struct ramfs_dirent){ copy, len, inode_get(ino), node(dir)->entries };
    node(dir)->entries = d;
    if (S_ISDIR(ino->mode)) {
        /* A counted reference: ".." stays valid even after the parent is removed. */
        struct inode *old = ino->parent;
        ino->parent = inode_get(dir);
        inode_put(old);
        dir->nlink++;
    }
    dir->mtime_ns = dir->ctime_ns = (int64_t)vfs_now_ns();
    return 0;
}

static int ramfs_create(struct inode *dir, const char *name, size_t len, uint32_t mode, uint32_t rdev,
                        struct inode **out)
{
    if (dir->nlink == 0)
        return -ENOENT;     /* the directory was removed while someone was in it */
    if (ramfs_find(dir, name, len, NULL))
        return -EEXIST;
    struct inode *ino = ramfs_inode(node(dir)->sb, dir->dev, mode);
    if (!ino)
        return node(dir)->sb->max_inodes ? -ENOSPC : -ENOMEM;
    ino->rdev = rdev;
    int err = ramfs_add(dir, name, len, ino);
    if (err) {
        inode_put(ino);
        return err;
    }
    *out = ino;
    return 0;
}

int ramfs_create_borrowed(struct inode *dir, const char *name, size_t len, uint32_t mode,
                          const void *data, size_t size)
{
    struct inode *ino;
    int err = ramfs_create(dir, name, len, S_IFREG | (mode & 07777), 0, &ino);
    if (err)
        return err;
    node(ino)->borrowed = data;
    node(ino)->borrowed_len = size;
    ino->size = size;
    inode_put(ino);
    return 0;
}

static int ramfs_link(struct inode *dir, const char *name, size_t len, struct inode *target)
{
    if (S_ISDIR(target->mode))
        return -EPERM;
    if (dir->nlink == 0 || target->nlink == 0)
        return -ENOENT;
    int err = ramfs_add(dir, name, len, target);
    if (!err) {
        target->nlink++;
        target->ctime_ns = (int64_t)vfs_now_ns();
    }
    return err;
}

/* Drop one directory entry and the reference it held. */
static void ramfs_detach(struct inode *dir, struct ramfs_dirent **link)
{
    struct ramfs_dirent *d = *link;
    *link = d->next;
    if (S_ISDIR(d->inode->mode))
        dir->nlink--;
    dir->mtime_ns = dir->ctime_ns = d->inode->ctime_ns = (int64_t)vfs_now_ns();
    /* Open files hold their own references: the data lives until the last close. */
    inode_put(d->inode);
    kfree(d->name);
    kfree(d);
}

void ramfs_clear(struct inode *root)
{
    /* Without recursion (trees may be deep): descend to a directory whose subdirectories
     * are all empty, empty it, start again from the top. */
    while (node(root)->entries) {
        struct inode *dir = root;
        for (;;) {
            struct ramfs_dirent *d = node(dir)->entries;
            while (d && !(S_ISDIR(d->inode->mode) && node(d->inode)->entries))
                d = d->next;
            if (!d)
                break;
            dir = d->inode;
        }
        while (node(dir)->entries) {
            struct inode *ino = node(dir)->entries->inode;
            ino->nlink = S_ISDIR(ino->mode) ? 0 : ino->nlink - 1;
            ramfs_detach(dir, &node(dir)->entries);
        }
    }
}

static int ramfs_unlink(struct inode *dir, const char *name, size_t len, bool dir_only)
{
    struct ramfs_dirent **link, *d = ramfs_find(dir, name, len, &link);
    if (!d)
        return -ENOENT;
    struct inode *ino = d->inode;
    if (dir_only && !S_ISDIR(ino->mode))
        return -ENOTDIR;
    if (!dir_only && S_ISDIR(ino->mode))
        return -EISDIR;
    if (S_ISDIR(ino->mode) && node(ino)->entries)
        return -ENOTEMPTY;
    if (ino->mounted)
        return -EBUSY;
    ino->nlink = S_ISDIR(ino->mode) ? 0 : ino->nlink - 1;
    ramfs_detach(dir, link);
    return 0;
}

static bool ramfs_is_ancestor(struct inode *a, struct inode *d)
{
    for (; d && d->parent != d; d = d->parent)
        if (d == a)
            return true;
    return d == a;
}

static int ramfs_rename(struct inode *odir, const char *oname, size_t olen,
                        struct inode *ndir, const char *nname, size_t nlen)
{
    struct ramfs_dirent *src = ramfs_find(odir, oname, olen, NULL);
    if (!src)
        return -ENOENT;
    struct inode *ino = src->inode;
    if (S_ISDIR(ino->mode) && ramfs_is_ancestor(ino, ndir))
        return -EINVAL;
    struct ramfs_dirent *dst = ramfs_find(ndir, nname, nlen, NULL);
    if (dst && dst->inode == src->inode)
        return 0;       /* two names of one file: POSIX says do nothing */
    if (dst) {
        if (S_ISDIR(ino->mode) != S_ISDIR(dst->inode->mode))
            return S_ISDIR(ino->mode) ? -ENOTDIR : -EISDIR;
        int err = ramfs_unlink(ndir, nname, nlen, S_ISDIR(ino->mode));
        if (err)
            return err;
    }
    int err = ramfs_add(ndir, nname, nlen, ino);
    if (err)
        return err;
    struct ramfs_dirent **link = NULL;
    if (ramfs_find(odir, oname, olen, &link))
        ramfs_detach(odir, link);
    return 0;
}

/* Each name takes the other's inode; directories get their new parent. */
static void ramfs_reparent(struct inode *ino, struct inode *from, struct inode *to)
{
    if (!S_ISDIR(ino->mode) || from == to)
        return;
    struct inode *old = ino->parent;
    ino->parent = inode_get(to);
    inode_put(old);
    from->nlink--;
    to->nlink++;
}

static int ramfs_exchange(struct inode *odir, const char *oname, size_t olen,
                          struct inode *ndir, const char *nname, size_t nlen)
{
    struct ramfs_dirent *x = ramfs_find(odir, oname, olen, NULL), *y = ramfs_find(ndir, nname, nlen, NULL);
    if (!x || !y)
        return -ENOENT;
    if (x->inode == y->inode)
        return 0;
    if ((S_ISDIR(x->inode->mode) && ramfs_is_ancestor(x->inode, ndir)) ||
        (S_ISDIR(y->inode->mode) && ramfs_is_ancestor(y->inode, odir)))
        return -EINVAL;
    struct inode *xi = x->inode, *yi = y->inode;
    x->inode = yi;
    y->inode = xi;
    ramfs_reparent(xi, odir, ndir);
    ramfs_reparent(yi, ndir, odir);
    int64_t now = (int64_t)vfs_now_ns();
    odir->mtime_ns = odir->ctime_ns = ndir->mtime_ns = ndir->ctime_ns = xi->ctime_ns = yi->ctime_ns = now;
    return 0;
}

static int ramfs_symlink(struct inode *dir, const char *name, size_t len, const char *target)
{
    size_t tlen = strlen(target);
    if (tlen >= PATH_MAX)
        return -ENAMETOOLONG;
    struct inode *ino;
    int err = ramfs_create(dir, name, len, S_IFLNK | 0777, 0, &ino);
    if (err)
        return err;
    node(ino)->target = kmalloc(tlen + 1);
    if (!node(ino)->target) {
        ramfs_unlink(dir, name, len, false);
        inode_put(ino);
        return -ENOMEM;
    }
    memcpy(node(ino)->target, target, tlen + 1);
    ino->size = tlen;
    inode_put(ino);
    return 0;
}

static long ramfs_readlink(struct inode *ino, char *buf, size_t n)
{
    const char *t = node(ino)->target;
    if (!t)
        return -EINVAL;
    size_t len = strlen(t);
    if (len > n)
        len = n;
    memcpy(buf, t, len);
    return (long)len;
}

/* A page the cache does not have yet: the initramfs bytes it covers, zero elsewhere. */
static int ramfs_readpage(struct inode *ino, uint64_t index, void *page)
{
    struct ramfs_node *n = node(ino);
    uint64_t off = index * PAGE_SIZE;
    if (n->borrowed && off < n->borrowed_len) {
        uint64_t chunk = n->borrowed_len - off < PAGE_SIZE ? n->borrowed_len - off : PAGE_SIZE;
        memcpy(page, n->borrowed + off, chunk);
    }
    return 0;
}

static int ramfs_truncate(struct inode *ino, uint64_t size)
{
    if (!S_ISREG(ino->mode))
        return -EINVAL;
    if (size > RAMFS_MAX_PAGES * PAGE_SIZE)
        return -EFBIG;
    struct ramfs_node *n = node(ino);
    n->changed = true;
    if (size < ino->size) {
        if (size < n->borrowed_len)
            n->borrowed_len = size;     /* a later growth reads zeros there */
        pagecache_truncate(ino, size);
    }
    ino->size = size;
    ino->mtime_ns = ino->ctime_ns = (int64_t)vfs_now_ns();
    return 0;
}

static int ramfs_readdir(struct inode *dir, uint64_t *pos, readdir_emit emit, void *arg)
{
    uint64_t i = 0;
    if (*pos == 0) {
        if (emit(arg, ".", 1, dir->ino, DT_DIR))
            return 0;
        (*pos)++;
    }
    if (*pos == 1) {
        struct inode *up = dir->parent ? dir->parent : dir;
        if (emit(arg, "..", 2, up->ino, DT_DIR))
            return 0;
        (*pos)++;
    }
    for (struct ramfs_dirent *d = node(dir)->entries; d; d = d->next, i++) {
        if (i + 2 < *pos)
            continue;
        uint32_t m = d->inode->mode;
        unsigned type = S_ISDIR(m) ? DT_DIR : S_ISREG(m) ? DT_REG : S_ISLNK(m) ? DT_LNK :
                        S_ISCHR(m) ? DT_CHR : S_ISFIFO(m) ? DT_FIFO : DT_UNKNOWN;
        if (emit(arg, d->name, d->len, d->inode->ino, type))
            return 0;
        (*pos)++;
    }
    return 0;
}

static const void *ramfs_contiguous(struct inode *ino)
{
    return node(ino)->changed ? NULL : node(ino)->borrowed;
}

static void ramfs_release(struct inode *ino)
{
    struct ramfs_node *n = node(ino);
    if (S_ISDIR(ino->mode) && ino->parent != ino)
        inode_put(ino->parent);
    if (--n->sb->inodes == 0)
        kfree(n->sb);       /* the instance's last inode (its root, after umount) */
    kfree(n->target);
    kfree(n);
}

const struct inode_ops ramfs_iops = {
    .lookup = ramfs_lookup,
    .create = ramfs_create,
    .link = ramfs_link,
    .unlink = ramfs_unlink,
    .rename = ramfs_rename,
    .exchange = ramfs_exchange,
    .symlink = ramfs_symlink,
    .readlink = ramfs_readlink,
    .truncate = ramfs_truncate,
    .readdir = ramfs_readdir,
    .contiguous = ramfs_contiguous,
    .release = ramfs_release,
    .readpage = ramfs_readpage,
    .charge = ramfs_charge,
};

static long ramfs_read(struct file *f, struct uio *u, size_t n, uint64_t *off)
{
    return pagecache_read(f->inode, u, n, off);
}

static long ramfs_write(struct file *f, struct uio *u, size_t n, uint64_t *off)
{
    if (n == 0)
        return 0;
    node(f->inode)->changed = true;
    long r = pagecache_write(f->inode, u, n, off);
    return r == -ENOMEM ? -ENOSPC : r;     /* ramfs memory is its storage */
}

static const struct file_ops ramfs_file_ops = {
    .read = ramfs_read,
    .write = ramfs_write,
};

static const struct file_ops ramfs_dir_ops = { 0 };
