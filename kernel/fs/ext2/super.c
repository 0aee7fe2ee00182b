/* ext2 mount and unmount: the superblock and group descriptors read, bounds-checked and
 * feature-checked; sync writes dirty inodes, their pages and the metadata back. */
#include "fs/ext2/ext2.h"
#include "fs/bcache.h"
#include "fs/mount.h"
#include "dev/blk.h"
#include "dev/console.h"
#include "mm/kmalloc.h"
#include "mm/pagecache.h"
#include "lib/errno.h"
#include "lib/kstring.h"

int ext2_corrupt(struct ext2_fs *fs, const char *what, uint64_t value)
{
    kprintf("ext2 %s: corrupt file system: %s (%lu)\n", fs && fs->dev ? fs->dev->name : "?", what,
            (unsigned long)value);
    return -EUCLEAN;
}

bool ext2_block_ok(struct ext2_fs *fs, uint32_t blk)
{
    return blk >= fs->sb.s_first_data_block && blk < fs->sb.s_blocks_count;
}

struct bbuf *ext2_bread(struct ext2_fs *fs, uint32_t blk, int *err)
{
    if (!ext2_block_ok(fs, blk)) {
        *err = ext2_corrupt(fs, "block number out of range", blk);
        return NULL;
    }
    return bcache_read(fs->dev, blk, fs->bsize, err);
}

struct ext2_group_desc *ext2_gd(struct ext2_fs *fs, uint32_t group)
{
    struct bbuf *b = fs->gdt[group / fs->desc_per_block];
    return (struct ext2_group_desc *)b->data + group % fs->desc_per_block;
}

void ext2_gd_dirty(struct ext2_fs *fs, uint32_t group)
{
    bcache_dirty(fs->gdt[group / fs->desc_per_block]);
    fs->sb_dirty = true;
}

/* The superblock's own figures, before anything else is read with them. */
static int ext2_check_super(struct ext2_fs *fs, uint64_t dev_bytes)
{
    struct ext2_super *s = &fs->sb;
    if (s->s_magic != EXT2_MAGIC)
        return ext2_corrupt(fs, "bad superblock magic", s->s_magic);
    if (s->s_log_block_size > 2)
        return ext2_corrupt(fs, "block size log", s->s_log_block_size);
    fs->bsize = 1024u << s->s_log_block_size;
    fs->ppb = fs->bsize / 4;
    if (s->s_rev_level > 1)
        return ext2_corrupt(fs, "revision level", s->s_rev_level);
    if (s->s_first_data_block != (fs->bsize == 1024 ? 1u : 0u))
        return ext2_corrupt(fs, "first data block", s->s_first_data_block);
    if (s->s_blocks_count <= s->s_first_data_block + 2 || (uint64_t)s->s_blocks_count * fs->bsize > dev_bytes)
        return ext2_corrupt(fs, "block count larger than the device", s->s_blocks_count);
    if (s->s_blocks_per_group == 0 || s->s_blocks_per_group > 8 * fs->bsize)
        return ext2_corrupt(fs, "blocks per group", s->s_blocks_per_group);
    if (s->s_inodes_per_group == 0 || s->s_inodes_per_group > 8 * fs->bsize)
        return ext2_corrupt(fs, "inodes per group", s->s_inodes_per_group);
    fs->groups = (s->s_blocks_count - s->s_first_data_block + s->s_blocks_per_group - 1) / s->s_blocks_per_group;
    if ((uint64_t)s->s_inodes_per_group * fs->groups < s->s_inodes_count || s->s_inodes_count < EXT2_ROOT_INO)
        return ext2_corrupt(fs, "inode count", s->s_inodes_count);
    if (s->s_rev_level == 0) {
        fs->inode_size = EXT2_GOOD_OLD_INODE_SIZE;
        fs->first_ino = EXT2_GOOD_OLD_FIRST_INO;
    } else {
        fs->inode_size = s->s_inode_size;
        fs->first_ino = s->s_first_ino;
    }
    if (fs->inode_size < EXT2_GOOD_OLD_INODE_SIZE || fs->inode_size > fs->bsize ||
        (fs->inode_size & (fs->inode_size - 1)))
        return ext2_corrupt(fs, "inode size", fs->inode_size);
    if (fs->first_ino <= EXT2_ROOT_INO || fs->first_ino > s->s_inodes_count)
        return ext2_corrupt(fs, "first inode", fs->first_ino);
    if (s->s_free_blocks_count > s->s_blocks_count || s->s_free_inodes_count > s->s_inodes_count)
        return ext2_corrupt(fs, "free counts", s->s_free_blocks_count);
    fs->desc_per_block = fs->bsize / sizeof(struct ext2_group_desc);
    fs->gdt_blocks = (fs->groups + fs->desc_per_block - 1) / fs->desc_per_block;
    if (fs->gdt_blocks > 4096 / sizeof(struct bbuf *) ||
        s->s_first_data_block + 1 + fs->gdt_blocks >= s->s_blocks_count)
        return ext2_corrupt(fs, "group count", fs->groups);
    fs->itable_blocks = (s->s_inodes_per_group * fs->inode_size + fs->bsize - 1) / fs->bsize;
    return 0;
}

/* Unknown incompatible features refuse the mount; unknown read-only ones force it read-only. */
static int ext2_check_features(struct ext2_fs *fs, bool *readonly)
{
    struct ext2_super *s = &fs->sb;
    if (s->s_rev_level == 0)
        return 0;
    uint32_t bad = s->s_feature_incompat & ~(uint32_t)EXT2_INCOMPAT_SUPP;
    if (bad) {
        kprintf("ext2 %s: unsupported incompatible features 0x%x: not mounted\n", fs->dev->name, bad);
        return -EINVAL;
    }
    uint32_t ro = s->s_feature_ro_compat & ~(uint32_t)EXT2_RO_COMPAT_SUPP;
    if (ro && !*readonly) {
        kprintf("ext2 %s: unsupported read-only features 0x%x: mounted read-only\n", fs->dev->name, ro);
        *readonly = true;
    }
    fs->filetype = s->s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE;
    return 0;
}

static int ext2_check_groups(struct ext2_fs *fs)
{
    uint32_t nblocks = fs->sb.s_blocks_count;
    for (uint32_t g = 0; g < fs->groups; g++) {
        struct ext2_group_desc *gd = ext2_gd(fs, g);
        if (!ext2_block_ok(fs, gd->bg_block_bitmap) || !ext2_block_ok(fs, gd->bg_inode_bitmap) ||
            !ext2_block_ok(fs, gd->bg_inode_table) || gd->bg_inode_table + (uint64_t)fs->itable_blocks > nblocks)
            return ext2_corrupt(fs, "group descriptor block pointers", g);
        if (gd->bg_free_blocks_count > fs->sb.s_blocks_per_group ||
            gd->bg_free_inodes_count > fs->sb.s_inodes_per_group)
            return ext2_corrupt(fs, "group descriptor free counts", g);
    }
    return 0;
}

static void ext2_release_meta(struct ext2_fs *fs)
{
    for (uint32_t i = 0; fs->gdt && i < fs->gdt_blocks; i++)
        bcache_put(fs->gdt[i]);
    kfree(fs->gdt);
    fs->gdt = NULL;
    bcache_put(fs->sb_buf);
    fs->sb_buf = NULL;
}

static int ext2_load_meta(struct ext2_fs *fs)
{
    int err = 0;
    uint32_t sb_block = EXT2_SB_OFFSET / fs->bsize;
    fs->sb_off = EXT2_SB_OFFSET % fs->bsize;
    fs->sb_buf = bcache_read(fs->dev, sb_block, fs->bsize, &err);
    if (!fs->sb_buf)
        return err;
    fs->gdt = kmalloc(fs->gdt_blocks * sizeof(struct bbuf *));
    if (!fs->gdt)
        return -ENOMEM;
    for (uint32_t i = 0; i < fs->gdt_blocks; i++) {
        fs->gdt[i] = bcache_read(fs->dev, fs->sb.s_first_data_block + 1 + i, fs->bsize, &err);
        if (!fs->gdt[i])
            return err;
    }
    return ext2_check_groups(fs);
}

/* Copy the in-memory superblock into its buffer. */
static void ext2_super_store(struct ext2_fs *fs)
{
    memcpy(fs->sb_buf->data + fs->sb_off, &fs->sb, sizeof fs->sb);
    bcache_dirty(fs->sb_buf);
    fs->sb_dirty = false;
}

static uint32_t ext2_now(void)
{
    return (uint32_t)(vfs_now_ns() / 1000000000ull);
}

int ext2_mount(struct blkdev *dev, bool readonly, uint32_t st_dev, struct ext2_fs **out)
{
    if (!dev)
        return -ENODEV;
    uint64_t dev_bytes = dev->sectors * BLK_SECTOR_SIZE;
    if (dev_bytes < 2 * EXT2_SB_OFFSET)
        return -EINVAL;
    struct ext2_fs *fs = kmalloc(sizeof *fs);
    if (!fs)
        return -ENOMEM;
    fs->dev = dev;
    fs->st_dev = st_dev;
    int err = blk_rw(dev, BLK_READ, EXT2_SB_OFFSET, &fs->sb, sizeof fs->sb);
    if (!err)
        err = ext2_check_super(fs, dev_bytes);
    if (!err)
        err = ext2_check_features(fs, &readonly);
    if (!err)
        err = ext2_load_meta(fs);
    if (!err && dev->readonly)
        readonly = true;
    if (err) {
        ext2_release_meta(fs);
        bcache_drop(dev);
        kfree(fs);
        return err;
    }
    if (!(fs->sb.s_state & EXT2_VALID_FS) || (fs->sb.s_state & EXT2_ERROR_FS))
        kprintf("ext2 %s: mounting a file system that was not cleanly unmounted: run e2fsck\n", dev->name);
    fs->readonly = true;
    if (!readonly && (err = ext2_set_readonly(fs, false))) {
        ext2_unmount(fs);
        return err;
    }
    *out = fs;
    return 0;
}

/* Read-write on disk means "not clean" (EXT2_VALID_FS clear) until unmount or remount ro. */
int ext2_set_readonly(struct ext2_fs *fs, bool ro)
{
    if (ro == fs->readonly)
        return 0;
    if (ro) {
        int err = ext2_sync(fs);
        fs->sb.s_state |= EXT2_VALID_FS;
        ext2_super_store(fs);
        fs->readonly = true;
        int e2 = bcache_sync(fs->dev);
        return err ? err : e2;
    }
    if (fs->dev->readonly)
        return -EROFS;
    fs->readonly = false;
    fs->sb.s_state &= (uint16_t)~EXT2_VALID_FS;
    fs->sb.s_mnt_count++;
    fs->sb.s_mtime = ext2_now();
    ext2_super_store(fs);
    return bcache_sync(fs->dev);
}

int ext2_root(struct ext2_fs *fs, struct inode **out)
{
    int err = ext2_iget(fs, EXT2_ROOT_INO, out);
    if (!err && !S_ISDIR((*out)->mode)) {
        inode_put(*out);
        return ext2_corrupt(fs, "root inode is not a directory", (*out)->mode);
    }
    if (!err)
        (*out)->parent = *out;
    return err;
}

/* Every cached inode: its dirty pages to the disk, its fields into its inode-table slot. */
static int ext2_sync_inodes(struct ext2_fs *fs)
{
    int err = 0;
    for (int h = 0; h < EXT2_ICACHE_HASH; h++) {
        /* Hold each inode while working on it (pagecache_sync sleeps), and the next one
         * before letting go, so the chain stays walkable. */
        struct inode *ino = inode_get(fs->icache[h]);
        while (ino) {
            int e = S_ISREG(ino->mode) ? pagecache_sync(ino, 0, PAGECACHE_MAX_PAGES) : 0;
            if (ino->nlink) {
                int e2 = ext2_write_inode(ino);
                if (!e)
                    e = e2;
            }
            if (e && !err)
                err = e;
            struct inode *next = inode_get(ext2_node(ino)->hnext);
            inode_put(ino);
            ino = next;
        }
    }
    return err;
}

int ext2_sync(struct ext2_fs *fs)
{
    if (fs->readonly)
        return 0;
    int err = ext2_sync_inodes(fs);
    fs->sb.s_wtime = ext2_now();
    ext2_super_store(fs);
    int e = bcache_sync(fs->dev);
    return err ? err : e;
}

void ext2_unmount(struct ext2_fs *fs)
{
    if (!fs->readonly) {
        ext2_sync(fs);
        fs->sb.s_state |= EXT2_VALID_FS;
        ext2_super_store(fs);
    }
    fs->readonly = true;
    ext2_icache_evict(fs, true);
    bcache_sync(fs->dev);
    ext2_release_meta(fs);
    bcache_drop(fs->dev);
    fs->unmounted = true;
    if (fs->live == 0)
        kfree(fs);
}

void ext2_statfs(struct ext2_fs *fs, struct k_statfs *st)
{
    struct ext2_super *s = &fs->sb;
    st->f_bsize = st->f_frsize = fs->bsize;
    st->f_blocks = s->s_blocks_count - s->s_first_data_block;
    st->f_bfree = s->s_free_blocks_count;
    st->f_bavail = s->s_free_blocks_count > s->s_r_blocks_count ? s->s_free_blocks_count - s->s_r_blocks_count : 0;
    st->f_files = s->s_inodes_count;
    st->f_ffree = s->s_free_inodes_count;
    st->f_namelen = NAME_MAX;
}
