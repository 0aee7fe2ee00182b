/* ext2's VFS operations: lookup, readdir, readlink, the page-cache readpage for file data,
 * and the fs_type hooks (fill, remount, statfs, show, kill) that mount.c calls. */
#include "fs/ext2/ext2.h"
#include "fs/bcache.h"
#include "fs/mount.h"
#include "dev/blk.h"
#include "dev/console.h"
#include "mm/pagecache.h"
#include "mm/page.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "arch.h"

/* Under the instance lock: a name found while an unlink sleeps half-way would otherwise
 * lead to an inode that is being freed. */
static int ext2_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
    struct ext2_fs *fs = ext2_node(dir)->fs;
    uint32_t ino;
    ext2_lock(fs);
    int err = ext2_dir_find(dir, name, len, &ino);
    if (!err)
        err = ext2_iget(fs, ino, out);
    ext2_unlock(fs);
    if (err)
        return err;
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


static struct ext2_fs *fs_of(struct inode *ino) { return ext2_node(ino)->fs; }

static int ext2_create_locked(struct inode *dir, const char *name, size_t len, uint32_t mode, uint32_t rdev,
                       struct inode **out)
{
    struct ext2_fs *fs = fs_of(dir);
    if (fs->readonly)
        return -EROFS;
    if (dir->nlink == 0)
        return -ENOENT;
    if (len > 255)
        return -ENAMETOOLONG;
    uint32_t existing;
    int err = ext2_dir_find(dir, name, len, &existing);
    if (err != -ENOENT)
        return err ? err : -EEXIST;
    bool is_dir = S_ISDIR(mode);
    if (is_dir && dir->nlink >= EXT2_LINK_MAX)
        return -EMLINK;
    uint32_t ino;
    if ((err = ext2_ialloc(fs, (uint32_t)dir->ino, is_dir, &ino)))
        return err;
    struct inode *i;
    if ((err = ext2_inew(fs, ino, mode, &i))) {
        ext2_ifree(fs, ino, is_dir);
        return err;
    }
    i->rdev = rdev;
    if (is_dir) {
        i->nlink = 2;
        err = ext2_dir_init(i, (uint32_t)dir->ino);
    }
    if (!err)
        err = ext2_dir_add(dir, name, len, ino, mode);
    if (err) {
        i->nlink = 0;       /* released below: blocks and inode go back */
        ext2_node(i)->cached = false;
        inode_put(i);
        inode_put(i);
        return err;
    }
    if (is_dir) {
        dir->nlink++;
        i->parent = inode_get(dir);
        ext2_write_inode(dir);
    }
    ext2_write_inode(i);
    *out = i;
    return 0;
}

static int ext2_link_locked(struct inode *dir, const char *name, size_t len, struct inode *target)
{
    if (fs_of(dir)->readonly)
        return -EROFS;
    if (S_ISDIR(target->mode))
        return -EPERM;
    if (dir->nlink == 0 || target->nlink == 0)
        return -ENOENT;
    if (target->nlink >= EXT2_LINK_MAX)
        return -EMLINK;
    uint32_t existing;
    int err = ext2_dir_find(dir, name, len, &existing);
    if (err != -ENOENT)
        return err ? err : -EEXIST;
    if ((err = ext2_dir_add(dir, name, len, (uint32_t)target->ino, target->mode)))
        return err;
    target->nlink++;
    target->ctime_ns = (int64_t)vfs_now_ns();
    return ext2_write_inode(target);
}

/* One name fewer for i: at nlink 0 the inode cache lets go, and the last holder frees it. */
static void drop_name(struct inode *i)
{
    if (S_ISDIR(i->mode))
        i->nlink = 0;
    else if (i->nlink)
        i->nlink--;
    i->ctime_ns = (int64_t)vfs_now_ns();
    ext2_write_inode(i);
    if (i->nlink == 0 && ext2_node(i)->cached) {
        ext2_node(i)->cached = false;
        inode_put(i);   /* never the last: the caller holds one */
    }
}

/* The named child, referenced, checked against what the caller wants removed. */
static int victim(struct inode *dir, const char *name, size_t len, bool dir_only, struct inode **out)
{
    uint32_t ino;
    int err = ext2_dir_find(dir, name, len, &ino);
    if (!err)
        err = ext2_iget(fs_of(dir), ino, out);
    if (err)
        return err;
    struct inode *i = *out;
    err = dir_only && !S_ISDIR(i->mode) ? -ENOTDIR : !dir_only && S_ISDIR(i->mode) ? -EISDIR
          : i->mounted ? -EBUSY : 0;
    if (!err && S_ISDIR(i->mode)) {
        int empty = ext2_dir_is_empty(i);
        err = empty < 0 ? empty : empty ? 0 : -ENOTEMPTY;
    }
    if (err)
        inode_put(i);
    return err;
}

static int ext2_unlink_locked(struct inode *dir, const char *name, size_t len, bool dir_only)
{
    if (fs_of(dir)->readonly)
        return -EROFS;
    struct inode *i;
    int err = victim(dir, name, len, dir_only, &i);
    if (err)
        return err;
    err = ext2_dir_remove(dir, name, len);
    if (!err) {
        if (S_ISDIR(i->mode)) {
            dir->nlink--;
            ext2_write_inode(dir);
        }
        drop_name(i);
    }
    inode_put(i);
    return err;
}

static bool is_ancestor(struct inode *a, struct inode *d)
{
    for (int depth = 0; d && depth < 4096; d = d->parent, depth++) {
        if (d == a)
            return true;
        if (d->parent == d)
            break;
    }
    return false;
}

static int ext2_rename_locked(struct inode *odir, const char *oname, size_t olen,
                       struct inode *ndir, const char *nname, size_t nlen)
{
    struct ext2_fs *fs = fs_of(odir);
    if (fs->readonly)
        return -EROFS;
    if (fs_of(ndir) != fs)
        return -EXDEV;
    uint32_t sino, dino;
    int err = ext2_dir_find(odir, oname, olen, &sino);
    struct inode *src;
    if (err || (err = ext2_iget(fs, sino, &src)))
        return err;
    bool isdir = S_ISDIR(src->mode);
    if (isdir && is_ancestor(src, ndir)) {
        inode_put(src);
        return -EINVAL;
    }
    err = ext2_dir_find(ndir, nname, nlen, &dino);
    if (!err && dino == sino) {
        inode_put(src);
        return 0;
    }
    if (!err) {                 /* over an existing name: it points at src now */
        struct inode *dst;
        err = victim(ndir, nname, nlen, isdir, &dst);
        if (err == -ENOTDIR || err == -EISDIR)
            err = isdir ? -ENOTDIR : -EISDIR;
        if (!err) {
            err = ext2_dir_retarget(ndir, nname, nlen, sino, src->mode);
            if (!err) {
                if (isdir)
                    ndir->nlink--;
                drop_name(dst);
            }
            inode_put(dst);
        }
    } else if (err == -ENOENT) {
        err = isdir && ndir->nlink >= EXT2_LINK_MAX ? -EMLINK : ext2_dir_add(ndir, nname, nlen, sino, src->mode);
    }
    if (!err)
        err = ext2_dir_remove(odir, oname, olen);
    if (!err && isdir && odir != ndir) {
        err = ext2_dir_retarget(src, "..", 2, (uint32_t)ndir->ino, S_IFDIR);
        odir->nlink--;
        ndir->nlink++;
        struct inode *old = src->parent;
        src->parent = inode_get(ndir);
        if (old && old != src)
            inode_put(old);
    }
    src->ctime_ns = (int64_t)vfs_now_ns();
    ext2_write_inode(src);
    ext2_write_inode(odir);
    ext2_write_inode(ndir);
    inode_put(src);
    return err;
}

static int ext2_symlink_locked(struct inode *dir, const char *name, size_t len, const char *target)
{
    struct ext2_fs *fs = fs_of(dir);
    size_t tlen = strlen(target);
    if (tlen >= fs->bsize || tlen >= PATH_MAX)
        return -ENAMETOOLONG;
    struct inode *i;
    int err = ext2_create_locked(dir, name, len, S_IFLNK | 0777, 0, &i);
    if (err)
        return err;
    struct ext2_node *n = ext2_node(i);
    if (tlen < sizeof n->block) {
        memcpy(n->block, target, tlen);     /* fast: in i_block itself */
    } else {
        uint32_t blk;
        struct bbuf *b = NULL;
        err = ext2_bmap(i, 0, true, &blk);
        if (!err)
            b = bcache_get(fs->dev, blk, fs->bsize, &err);
        if (b) {
            memset(b->data, 0, fs->bsize);
            memcpy(b->data, target, tlen);
            bcache_dirty(b);
            bcache_put(b);
        }
    }
    if (!err) {
        i->size = tlen;
        err = ext2_write_inode(i);
    } else {
        ext2_unlink_locked(dir, name, len, false);
    }
    inode_put(i);
    return err;
}

/* Allocate the blocks under [start, end) of a regular file now, so a full disk is
 * reported by write() or truncate() and not lost at write-back. */
static int reserve_range(struct inode *ino, uint64_t start, uint64_t end)
{
    struct ext2_fs *fs = fs_of(ino);
    for (uint64_t lb = start / fs->bsize; lb * fs->bsize < end; lb++) {
        uint32_t blk;
        int err = ext2_bmap(ino, lb, true, &blk);
        if (err)
            return err;
    }
    return 0;
}

static int ext2_truncate_locked(struct inode *ino, uint64_t size)
{
    struct ext2_fs *fs = fs_of(ino);
    if (!S_ISREG(ino->mode))
        return -EINVAL;
    if (fs->readonly)
        return -EROFS;
    if (size > ext2_max_size(fs))
        return -EFBIG;
    if (size < ino->size) {
        pagecache_truncate(ino, size);
        ext2_free_from(ino, (size + fs->bsize - 1) / fs->bsize);
        ino->size = size;
        if (size % PAGE_SIZE) {     /* the zeroed tail of the last page must reach the disk */
            int err = 0;
            uint8_t *page = pagecache_get(ino, size / PAGE_SIZE, &err);
            if (page) {
                memset(page + size % PAGE_SIZE, 0, PAGE_SIZE - size % PAGE_SIZE);
                pagecache_set_dirty(ino, size / PAGE_SIZE);
                page_put(page);
            }
        }
    }
    ino->size = size;   /* growing leaves a hole: no blocks */
    ino->mtime_ns = ino->ctime_ns = (int64_t)vfs_now_ns();
    return ext2_write_inode(ino);
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* A dirty page goes to its blocks; a hole under it is filled only if the page has data
 * there (a MAP_SHARED store over a hole), so sparse files stay sparse. */
static int ext2_writepage_locked(struct inode *ino, uint64_t index, const void *page)
{
    struct ext2_fs *fs = fs_of(ino);
    if (fs->readonly)
        return -EROFS;
    uint32_t per = PAGE_SIZE / fs->bsize;
    uint64_t first = index * per, end = (ino->size + fs->bsize - 1) / fs->bsize;
    for (uint32_t i = 0; i < per && first + i < end; i++) {
        const uint8_t *src = (const uint8_t *)page + i * fs->bsize;
        uint32_t blk;
        int err = ext2_bmap(ino, first + i, false, &blk);
        if (!err && !blk && !all_zero(src, fs->bsize))
            err = ext2_bmap(ino, first + i, true, &blk);
        if (!err && blk)
            err = blk_rw(fs->dev, BLK_WRITE, (uint64_t)blk * fs->bsize, (void *)src, fs->bsize);
        if (err)
            return err;
    }
    return 0;
}


/* The VFS entry points take the instance lock (ext2_lock) around the work. */
static int ext2_create(struct inode *dir, const char *name, size_t len, uint32_t mode, uint32_t rdev,
                       struct inode **out)
{
    struct ext2_fs *fs = fs_of(dir);
    ext2_lock(fs);
    int r = ext2_create_locked(dir, name, len, mode, rdev, out);
    ext2_unlock(fs);
    return r;
}

static int ext2_link(struct inode *dir, const char *name, size_t len, struct inode *target)
{
    struct ext2_fs *fs = fs_of(dir);
    ext2_lock(fs);
    int r = ext2_link_locked(dir, name, len, target);
    ext2_unlock(fs);
    return r;
}

static int ext2_unlink(struct inode *dir, const char *name, size_t len, bool dir_only)
{
    struct ext2_fs *fs = fs_of(dir);
    ext2_lock(fs);
    int r = ext2_unlink_locked(dir, name, len, dir_only);
    ext2_unlock(fs);
    return r;
}

static int ext2_rename(struct inode *odir, const char *oname, size_t olen,
                       struct inode *ndir, const char *nname, size_t nlen)
{
    struct ext2_fs *fs = fs_of(odir);
    ext2_lock(fs);
    int r = ext2_rename_locked(odir, oname, olen, ndir, nname, nlen);
    ext2_unlock(fs);
    return r;
}

static int ext2_symlink(struct inode *dir, const char *name, size_t len, const char *target)
{
    struct ext2_fs *fs = fs_of(dir);
    ext2_lock(fs);
    int r = ext2_symlink_locked(dir, name, len, target);
    ext2_unlock(fs);
    return r;
}

static int ext2_truncate(struct inode *ino, uint64_t size)
{
    struct ext2_fs *fs = fs_of(ino);
    ext2_lock(fs);
    int r = ext2_truncate_locked(ino, size);
    ext2_unlock(fs);
    return r;
}

static int ext2_writepage(struct inode *ino, uint64_t index, const void *page)
{
    struct ext2_fs *fs = fs_of(ino);
    ext2_lock(fs);
    int r = ext2_writepage_locked(ino, index, page);
    ext2_unlock(fs);
    return r;
}

static long ext2_write(struct file *f, struct uio *u, size_t n, uint64_t *off)
{
    struct inode *ino = f->inode;
    struct ext2_fs *fs = fs_of(ino);
    if (fs->readonly)
        return -EROFS;
    if (n == 0)
        return 0;
    uint64_t max = ext2_max_size(fs);
    if (*off >= max)
        return -EFBIG;
    if (n > max - *off)
        n = (size_t)(max - *off);
    /* Page by page: bring the page in first (so a fresh block is never read as data), then
     * give it blocks, then copy. */
    size_t done = 0;
    while (done < n) {
        uint64_t pos = *off;
        size_t chunk = PAGE_SIZE - pos % PAGE_SIZE;
        if (chunk > n - done)
            chunk = n - done;
        int err = 0;
        void *page = pagecache_get(ino, pos / PAGE_SIZE, &err);
        if (!page)
            return done ? (long)done : err;
        ext2_lock(fs);
        err = reserve_range(ino, pos, pos + chunk);
        ext2_unlock(fs);
        page_put(page);
        long r = err ? err : pagecache_write(ino, u, chunk, off);
        if (r < 0)
            return done ? (long)done : r;
        done += (size_t)r;
        if ((size_t)r < chunk)
            break;
    }
    return (long)done;
}

/* st_blocks: i_blocks, the 512-byte units of data, indirect and xattr blocks (holes take none). */
static uint64_t ext2_stat_blocks(struct inode *ino)
{
    return ext2_node(ino)->blocks;
}

const struct inode_ops ext2_iops = {
    .lookup = ext2_lookup,
    .create = ext2_create,
    .link = ext2_link,
    .unlink = ext2_unlink,
    .rename = ext2_rename,
    .symlink = ext2_symlink,
    .truncate = ext2_truncate,
    .writepage = ext2_writepage,
    .fsync = ext2_fsync,
    .stat_blocks = ext2_stat_blocks,
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
    .write = ext2_write,
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

/* Disks with a mounted ext2 on them (or on a partition of them): two instances caching the
 * same blocks would each overwrite the other's bitmaps, so a second mount gets EBUSY. */
static struct blkdev *devs_in_use[BLK_MAX_DEVS];

static bool blk_overlaps(const struct blkdev *a, const struct blkdev *b)
{
    return a == b || a->whole == b || b->whole == a || (a->whole && a->whole == b->whole &&
           a->start < b->start + b->sectors && b->start < a->start + a->sectors);
}

static int dev_claim(struct blkdev *dev)
{
    int free_slot = -1;
    for (int i = 0; i < BLK_MAX_DEVS; i++) {
        if (devs_in_use[i] && blk_overlaps(devs_in_use[i], dev))
            return -EBUSY;
        if (!devs_in_use[i] && free_slot < 0)
            free_slot = i;
    }
    if (free_slot < 0)
        return -EBUSY;
    devs_in_use[free_slot] = dev;
    return 0;
}

static void dev_release(struct blkdev *dev)
{
    for (int i = 0; i < BLK_MAX_DEVS; i++)
        if (devs_in_use[i] == dev)
            devs_in_use[i] = NULL;
}

int ext2_fill(struct mount *m, const char *source, char *opts)
{
    (void)opts;
    struct blkdev *dev = source ? blk_by_name(source) : NULL;
    if (!dev)
        return -ENXIO;
    int err = dev_claim(dev);
    if (err) {
        kprintf("ext2 %s: already mounted (it or a partition overlapping it)\n", dev->name);
        return err;
    }
    struct ext2_fs *fs;
    err = ext2_mount(dev, m->flags & MS_RDONLY, m->dev, &fs);
    if (err) {
        dev_release(dev);
        return err;
    }
    if (fs->readonly)
        m->flags |= MS_RDONLY;  /* the device or an unknown feature made it so */
    err = ext2_root(fs, &m->root);
    if (err) {
        ext2_unmount(fs);
        dev_release(dev);
    }
    return err;
}

void ext2_statfs_hook(struct mount *m, struct k_statfs *st)
{
    ext2_statfs(mount_fs(m), st);
}

void ext2_kill(struct mount *m)
{
    struct ext2_fs *fs = mount_fs(m);
    dev_release(fs->dev);
    ext2_unmount(fs);
}

/* mount.c sets m->flags to the new flags before calling this (restoring them on error). */
int ext2_remount(struct mount *m, char *opts)
{
    (void)opts;
    return ext2_set_readonly(mount_fs(m), m->flags & MS_RDONLY);
}

int ext2_sync_hook(struct mount *m)
{
    struct ext2_fs *fs = mount_fs(m);
    int err = ext2_sync(fs);
    ext2_icache_evict(fs, false);   /* written back: unused inodes may go */
    return err;
}
