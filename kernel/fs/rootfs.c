/* The root file system: ramfs at /, populated from the loader's initrd (QEMU -initrd,
 * U-Boot booti) or else the archive embedded in the kernel, plus /dev and /proc. */
#include "fs/rootfs.h"
#include "fs/initramfs.h"
#include "fs/ramfs.h"
#include "fs/mount.h"
#include "fs/vfs.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "lib/panic.h"
#include "dev/console.h"
#include "dev/blk.h"

static struct inode *rootfs_mkdir(struct inode *root, const char *name)
{
    struct inode *d;
    int err = root->iops->lookup(root, name, strlen(name), &d);
    if (err == -ENOENT)
        err = root->iops->create(root, name, strlen(name), S_IFDIR | 0755, 0, &d);
    return err ? NULL : d;
}

static void rootfs_mknod(struct inode *dir, const char *name, uint32_t rdev, uint32_t perm)
{
    struct inode *ino;
    if (dir->iops->create(dir, name, strlen(name), S_IFCHR | perm, rdev, &ino) == 0)
        inode_put(ino);
}

static void rootfs_make_dev(struct inode *root)
{
    struct inode *dev = rootfs_mkdir(root, "dev");
    if (!dev)
        return;
    rootfs_mknod(dev, "console", MKDEV(5, 1), 0600);
    rootfs_mknod(dev, "tty", MKDEV(5, 0), 0666);
    rootfs_mknod(dev, "null", MKDEV(1, 3), 0666);
    rootfs_mknod(dev, "zero", MKDEV(1, 5), 0666);
    rootfs_mknod(dev, "random", MKDEV(1, 8), 0666);
    rootfs_mknod(dev, "urandom", MKDEV(1, 9), 0666);
    inode_put(dev);
}

/* -- blk -- */
/* /dev/<name> for every registered disk and partition (S_IFBLK, 0660). */
void rootfs_add_blkdevs(void)
{
    struct inode *dev;
    if (vfs_lookup(NULL, "/dev", LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &dev))
        return;
    for (int i = 0; i < blk_count(); i++) {
        struct blkdev *d = blk_at(i);
        struct inode *ino;
        if (dev->iops->create(dev, d->name, strlen(d->name), S_IFBLK | 0660, d->rdev, &ino) == 0)
            inode_put(ino);
    }
    inode_put(dev);
}
/* (end of blk) */

static bool rootfs_unpack(const void *blob, size_t len, struct inode *root, const char *what)
{
    size_t entries;
    if (!blob || !len || initramfs_check(blob, len, &entries))
        return false;
    initramfs_unpack(blob, len, root);
    kprintf("rvix: initramfs from %s, %lu entries\n", what, (unsigned long)entries);
    return true;
}

void rootfs_init(const void *loader_initrd, size_t loader_len)
{
    struct inode *root = ramfs_new_root();
    if (!root)
        kpanic("no memory for the root file system");
    vfs_set_root(root);
    if (!rootfs_unpack(loader_initrd, loader_len, root, "the loader"))
        rootfs_unpack(initramfs_embedded, (size_t)(initramfs_embedded_end - initramfs_embedded), root,
                      "the kernel image");
    rootfs_make_dev(root);
    struct inode *tmp = rootfs_mkdir(root, "tmp");
    inode_put(tmp);
    mount_boot_root(root);
    struct inode *proc = rootfs_mkdir(root, "proc");
    if (proc)
        mount_boot("proc", proc, "/proc");
    inode_put(proc);
    inode_put(root);
}
