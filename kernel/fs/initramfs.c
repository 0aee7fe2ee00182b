/* Unpacking the initramfs into the root ramfs: directories, regular files (borrowing the
 * archive's bytes), symbolic links, device nodes and FIFOs, with parents made as needed. */
#include "fs/initramfs.h"
#include "fs/cpio.h"
#include "fs/ramfs.h"
#include "fs/vfs.h"
#include "mm/kmalloc.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "dev/console.h"

int initramfs_check(const void *blob, size_t len, size_t *entries)
{
    struct cpio_iter it;
    struct cpio_entry e;
    int r;
    *entries = 0;
    cpio_iter_init(&it, blob, len);
    while ((r = cpio_next(&it, &e)) > 0)
        (*entries)++;
    if (r < 0)
        kprintf("initramfs: malformed archive after %lu entries; refused\n", (unsigned long)*entries);
    return r < 0 ? r : 0;
}

/* Archive names are relative ("bin/sh" or "./bin/sh"). */
static const char *initramfs_strip(const char *name)
{
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    while (name[0] == '/')
        name++;
    return name;
}

/* The directory that will hold path's last component, made (like mkdir -p) if missing. */
static int initramfs_parent(struct inode *root, const char *path, struct inode **dir, const char **name)
{
    struct inode *cur = inode_get(root);
    const char *s = path;
    for (const char *slash; (slash = strchr(s, '/')) != NULL; s = slash + 1) {
        struct inode *next;
        size_t len = (size_t)(slash - s);
        if (len == 0)
            continue;
        int err = cur->iops->lookup(cur, s, len, &next);
        if (err == -ENOENT)
            err = cur->iops->create(cur, s, len, S_IFDIR | 0755, 0, &next);
        inode_put(cur);
        if (err)
            return err;
        cur = next;
    }
    *dir = cur;
    *name = s;
    return 0;
}

static int initramfs_symlink(struct inode *dir, const char *name, const struct cpio_entry *e)
{
    if (e->size >= PATH_MAX)
        return -ENAMETOOLONG;
    char *target = kmalloc(e->size + 1);
    if (!target)
        return -ENOMEM;
    memcpy(target, e->data, e->size);
    target[e->size] = 0;
    int err = dir->iops->symlink(dir, name, strlen(name), target);
    kfree(target);
    return err;
}

static int initramfs_entry(struct inode *root, const struct cpio_entry *e)
{
    const char *path = initramfs_strip(e->name);
    if (!path[0] || strcmp(path, ".") == 0)
        return 0;
    struct inode *dir, *ino;
    const char *name;
    int err = initramfs_parent(root, path, &dir, &name);
    if (err)
        return err;
    size_t len = strlen(name);
    uint32_t type = e->mode & S_IFMT, perm = e->mode & 07777;
    if (type == S_IFDIR) {
        err = dir->iops->create(dir, name, len, S_IFDIR | perm, 0, &ino);
        if (!err)
            inode_put(ino);
        else if (err == -EEXIST)
            err = 0;
    } else if (type == S_IFREG) {
        err = ramfs_create_borrowed(dir, name, len, perm, e->data, e->size);
    } else if (type == S_IFLNK) {
        err = initramfs_symlink(dir, name, e);
    } else if (type == S_IFCHR || type == S_IFIFO) {
        err = dir->iops->create(dir, name, len, type | perm, MKDEV(e->rdevmajor, e->rdevminor), &ino);
        if (!err)
            inode_put(ino);
    }
    inode_put(dir);
    return err;
}

int initramfs_unpack(const void *blob, size_t len, struct inode *root)
{
    struct cpio_iter it;
    struct cpio_entry e;
    cpio_iter_init(&it, blob, len);
    while (cpio_next(&it, &e) > 0) {
        int err = initramfs_entry(root, &e);
        if (err && err != -EEXIST)
            kprintf("initramfs: %s: error %d\n", e.name, -err);
    }
    return 0;
}
