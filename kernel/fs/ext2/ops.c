/* ext2's VFS operations: lookup, readdir, readlink, the page-cache readpage for file data,
 * and the fs_type hooks (fill, remount, statfs, show, kill) that mount.c calls. */
#include "fs/ext2/ext2.h"
#include "fs/bcache.h"
#include "fs/mount.h"
#include "dev/blk.h"
#include "mm/pagecache.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "arch.h"

static int ext2_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
    uint32_t ino;
    int err = ext2_dir_find(dir, name, len, &ino);
    if (err)
        return err;
    err = ext2_iget(ext2_node(dir)->fs, ino, out);
    if (!err && S_ISDIR((*out)->mode) && !(*out)->parent)
        (*out)->parent = inode_get(dir);    /* ".." for the VFS; released with the child */
    return err;
}

/* Fast symlinks keep the target in i_block (no data block); slow ones in block 0. */
static long ext2_readlink(struct inode *ino, char *buf, size_t n)
{
    struct ext2_node *nd = ext2_node(ino);
    struct ext2_fs *fs = nd->fs;
    if (!S_ISLNK(ino->mode))
        return -EINVAL;
    size_t len = ino->size < n ? (size_t)ino->size : n;
    bool fast = nd->blocks == (nd->file_acl ? fs->bsize / 512 : 0);
    if (fast) {
        if (ino->size >= sizeof nd->block)
            return ext2_corrupt(fs, "fast symlink length", ino->ino);
        memcpy(buf, nd->block, len);
        return (long)len;
    }
    if (ino->size > fs->bsize)
        return ext2_corrupt(fs, "symlink length", ino->ino);
    uint32_t blk;
    int err = ext2_bmap(ino, 0, false, &blk);
    if (err)
        return err;
    if (!blk)
        return ext2_corrupt(fs, "symlink without a block", ino->ino);
    struct bbuf *b = ext2_bread(fs, blk, &err);
    if (!b)
        return err;
    memcpy(buf, b->data, len);
    bcache_put(b);
    return (long)len;
}

/* Fill a page with the file's blocks: mapped runs read straight into the page (data never
 * enters the buffer cache), holes and the part past the end stay zero. */
static int ext2_readpage(struct inode *ino, uint64_t index, void *page)
{
    struct ext2_fs *fs = ext2_node(ino)->fs;
    uint32_t per = PAGE_SIZE / fs->bsize;
    uint64_t first = index * per;
    uint64_t end = (ino->size + fs->bsize - 1) / fs->bsize;
    for (uint32_t i = 0; i < per && first + i < end;) {
        uint32_t pblk;
        int err = ext2_bmap(ino, first + i, false, &pblk);
        if (err)
            return err;
        if (!pblk) {
            i++;
            continue;
        }
        uint32_t run = 1, next;
        while (i + run < per && first + i + run < end && !ext2_bmap(ino, first + i + run, false, &next) &&
               next == pblk + run && ext2_block_ok(fs, next))
            run++;
        err = blk_rw(fs->dev, BLK_READ, (uint64_t)pblk * fs->bsize, (uint8_t *)page + i * fs->bsize,
                     (size_t)run * fs->bsize);
        if (err)
            return err;
        i += run;
    }
    return 0;
}

const struct inode_ops ext2_iops = {
    .lookup = ext2_lookup,
    .readlink = ext2_readlink,
    .readdir = ext2_readdir,
    .release = ext2_release,
    .readpage = ext2_readpage,
};

static long ext2_read(struct file *f, struct uio *u, size_t n, uint64_t *off)
{
    return pagecache_read(f->inode, u, n, off);
}

const struct file_ops ext2_file_ops = {
    .read = ext2_read,
};

const struct file_ops ext2_dir_ops = { 0 };

int ext2_fsync(struct inode *ino)
{
    struct ext2_fs *fs = ext2_node(ino)->fs;
    if (fs->readonly)
        return 0;
    int err = S_ISREG(ino->mode) ? pagecache_sync(ino, 0, PAGECACHE_MAX_PAGES) : 0;
    int e = ext2_write_inode(ino);
    if (!err)
        err = e;
    e = ext2_sync(fs);
    return err ? err : e;
}

/* --- fs_type hooks (mount.c's fs_types[]) --- */

static struct ext2_fs *mount_fs(struct mount *m)
{
    return ext2_node(m->root)->fs;
}

int ext2_fill(struct mount *m, const char *source, char *opts)
{
    (void)opts;
    struct blkdev *dev = source ? blk_by_name(source) : NULL;
    if (!dev)
        return -ENXIO;
    /* Writing is not wired up yet: every ext2 mount is read-only for now. */
    m->flags |= MS_RDONLY;
    struct ext2_fs *fs;
    int err = ext2_mount(dev, true, m->dev, &fs);
    if (err)
        return err;
    err = ext2_root(fs, &m->root);
    if (err)
        ext2_unmount(fs);
    return err;
}

void ext2_statfs_hook(struct mount *m, struct k_statfs *st)
{
    ext2_statfs(mount_fs(m), st);
}

void ext2_kill(struct mount *m)
{
    ext2_unmount(mount_fs(m));
}
