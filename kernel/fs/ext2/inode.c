/* ext2 inodes: the inode cache (one VFS inode per on-disk inode while loaded), reading and
 * writing inode-table slots, the block map through direct and 1-3 level indirect blocks,
 * freeing blocks for truncate and delete, and release of an inode's last reference. */
#include "fs/ext2/ext2.h"
#include "fs/bcache.h"
#include "fs/pipe.h"
#include "mm/kmalloc.h"
#include "mm/pagecache.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "arch.h"

static unsigned ihash(uint32_t ino) { return ino % EXT2_ICACHE_HASH; }

static struct inode *icache_find(struct ext2_fs *fs, uint32_t ino)
{
    for (struct inode *i = fs->icache[ihash(ino)]; i; i = ext2_node(i)->hnext)
        if (i->ino == ino)
            return i;
    return NULL;
}

static void icache_remove(struct ext2_fs *fs, struct inode *ino)
{
    struct inode **link = &fs->icache[ihash((uint32_t)ino->ino)];
    while (*link && *link != ino)
        link = &ext2_node(*link)->hnext;
    if (*link)
        *link = ext2_node(ino)->hnext;
}

uint64_t ext2_max_size(struct ext2_fs *fs)
{
    uint64_t p = fs->ppb, blocks = EXT2_NDIR_BLOCKS + p + p * p + p * p * p;
    uint64_t max = blocks * fs->bsize, cache = PAGECACHE_MAX_PAGES * PAGE_SIZE;
    if (!(fs->sb.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE) && max > 0x7fffffffull)
        max = 0x7fffffffull;
    return max < cache ? max : cache;
}

/* The inode-table block holding inode ino, and the slot's offset in it. */
static struct bbuf *inode_slot(struct ext2_fs *fs, uint32_t ino, uint32_t *off, int *err)
{
    if (ino < 1 || ino > fs->sb.s_inodes_count) {
        *err = ext2_corrupt(fs, "inode number out of range", ino);
        return NULL;
    }
    uint32_t g = (ino - 1) / fs->sb.s_inodes_per_group, idx = (ino - 1) % fs->sb.s_inodes_per_group;
    uint64_t byte = (uint64_t)idx * fs->inode_size;
    *off = (uint32_t)(byte % fs->bsize);
    return ext2_bread(fs, ext2_gd(fs, g)->bg_inode_table + (uint32_t)(byte / fs->bsize), err);
}

void ext2_set_ops(struct inode *ino)
{
    ino->iops = &ext2_iops;
    ino->fops = S_ISDIR(ino->mode) ? &ext2_dir_ops : S_ISREG(ino->mode) ? &ext2_file_ops
                : S_ISFIFO(ino->mode) ? &pipe_fifo_ops : NULL;
}

/* A VFS inode for number ino with node n; the cache keeps a reference of its own. */
static int icache_add(struct ext2_fs *fs, uint32_t ino, uint32_t mode, struct ext2_node *n, struct inode **out)
{
    struct inode *i = inode_new(mode, &ext2_iops, NULL);
    if (!i) {
        kfree(n);
        return -ENOMEM;
    }
    i->ino = ino;
    i->dev = fs->st_dev;
    i->priv = n;
    ext2_set_ops(i);
    n->fs = fs;
    n->cached = true;
    n->hnext = fs->icache[ihash(ino)];
    fs->icache[ihash(ino)] = i;
    fs->live++;
    *out = inode_get(i);
    return 0;
}

static bool mode_valid(uint32_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: case S_IFDIR: case S_IFLNK: case S_IFCHR: case S_IFBLK: case S_IFIFO: case S_IFSOCK:
        return true;
    default:
        return false;
    }
}

static int64_t sec_ns(uint32_t s) { return (int64_t)(int32_t)s * 1000000000ll; }

int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct inode **out)
{
    struct inode *i = icache_find(fs, ino);
    if (i) {
        *out = inode_get(i);
        return 0;
    }
    int err = 0;
    uint32_t off;
    struct bbuf *b = inode_slot(fs, ino, &off, &err);
    if (!b)
        return err;
    struct ext2_dinode d;
    memcpy(&d, b->data + off, sizeof d);
    bcache_put(b);
    if ((i = icache_find(fs, ino))) {   /* loaded by someone else while we slept */
        *out = inode_get(i);
        return 0;
    }
    if (d.i_links_count == 0 || !mode_valid(d.i_mode))
        return ext2_corrupt(fs, "directory entry names a free or invalid inode", ino);
    uint64_t size = d.i_size | (S_ISREG(d.i_mode) ? (uint64_t)d.i_size_high << 32 : 0);
    if (size > ext2_max_size(fs) && (S_ISREG(d.i_mode) || S_ISDIR(d.i_mode)))
        return ext2_corrupt(fs, "inode size", ino);
    struct ext2_node *n = kmalloc(sizeof *n);
    if (!n)
        return -ENOMEM;
    memcpy(n->block, d.i_block, sizeof n->block);
    n->flags = d.i_flags;
    n->blocks = d.i_blocks;
    n->file_acl = d.i_file_acl;
    n->generation = d.i_generation;
    err = icache_add(fs, ino, d.i_mode, n, &i);
    if (err)
        return err;
    i->nlink = d.i_links_count;
    i->uid = d.i_uid | (uint32_t)d.i_uid_high << 16;
    i->gid = d.i_gid | (uint32_t)d.i_gid_high << 16;
    i->size = size;
    i->atime_ns = sec_ns(d.i_atime);
    i->mtime_ns = sec_ns(d.i_mtime);
    i->ctime_ns = sec_ns(d.i_ctime);
    if (S_ISCHR(i->mode) || S_ISBLK(i->mode))
        i->rdev = d.i_block[0] ? d.i_block[0] & 0xffff
                               : ((d.i_block[1] >> 8) & 0xfff) << 8 | (d.i_block[1] & 0xff) | ((d.i_block[1] >> 12) & 0xfff00);
    *out = i;
    return 0;
}

int ext2_inew(struct ext2_fs *fs, uint32_t ino, uint32_t mode, struct inode **out)
{
    int err = 0;
    uint32_t off;
    struct bbuf *b = inode_slot(fs, ino, &off, &err);
    if (!b)
        return err;
    memset(b->data + off, 0, fs->inode_size);   /* a stale slot from an earlier life */
    bcache_dirty(b);
    bcache_put(b);
    struct ext2_node *n = kmalloc(sizeof *n);
    if (!n)
        return -ENOMEM;
    struct inode *i;
    err = icache_add(fs, ino, mode, n, &i);
    if (err)
        return err;
    n->last_alloc = ext2_gd(fs, (ino - 1) / fs->sb.s_inodes_per_group)->bg_inode_table;
    *out = i;
    return ext2_write_inode(i);
}

static uint32_t ns_sec(int64_t ns) { return (uint32_t)(ns / 1000000000ll); }

/* Fill d from the VFS inode and the node (fields we do not manage keep their values). */
static void inode_to_disk(struct inode *i, struct ext2_dinode *d)
{
    struct ext2_node *n = ext2_node(i);
    d->i_mode = (uint16_t)i->mode;
    d->i_uid = (uint16_t)i->uid;
    d->i_uid_high = (uint16_t)(i->uid >> 16);
    d->i_gid = (uint16_t)i->gid;
    d->i_gid_high = (uint16_t)(i->gid >> 16);
    d->i_links_count = (uint16_t)i->nlink;
    d->i_size = (uint32_t)i->size;
    d->i_size_high = S_ISREG(i->mode) ? (uint32_t)(i->size >> 32) : d->i_size_high;
    d->i_atime = ns_sec(i->atime_ns);
    d->i_mtime = ns_sec(i->mtime_ns);
    d->i_ctime = ns_sec(i->ctime_ns);
    d->i_blocks = n->blocks;
    d->i_flags = n->flags;
    d->i_file_acl = n->file_acl;
    d->i_generation = n->generation;
    memcpy(d->i_block, n->block, sizeof d->i_block);
    if ((S_ISCHR(i->mode) || S_ISBLK(i->mode)) && i->rdev <= 0xffff) {
        memset(d->i_block, 0, sizeof d->i_block);
        d->i_block[0] = i->rdev;
    }
}

int ext2_write_inode(struct inode *i)
{
    struct ext2_fs *fs = ext2_node(i)->fs;
    if (fs->readonly)
        return 0;
    int err = 0;
    uint32_t off;
    struct bbuf *b = inode_slot(fs, (uint32_t)i->ino, &off, &err);
    if (!b)
        return err;
    struct ext2_dinode d;
    memcpy(&d, b->data + off, sizeof d);
    inode_to_disk(i, &d);
    if (memcmp(&d, b->data + off, sizeof d)) {     /* dirty the block only for a change */
        memcpy(b->data + off, &d, sizeof d);
        bcache_dirty(b);
    }
    bcache_put(b);
    return 0;
}

/* Where logical block lblk sits in the tree: the slot index at each level, and the depth. */
static int bmap_path(struct ext2_fs *fs, uint64_t lblk, uint32_t offs[4])
{
    uint64_t p = fs->ppb;
    if (lblk < EXT2_NDIR_BLOCKS) {
        offs[0] = (uint32_t)lblk;
        return 1;
    }
    lblk -= EXT2_NDIR_BLOCKS;
    if (lblk < p) {
        offs[0] = EXT2_IND_BLOCK;
        offs[1] = (uint32_t)lblk;
        return 2;
    }
    lblk -= p;
    if (lblk < p * p) {
        offs[0] = EXT2_DIND_BLOCK;
        offs[1] = (uint32_t)(lblk / p);
        offs[2] = (uint32_t)(lblk % p);
        return 3;
    }
    lblk -= p * p;
    if (lblk < p * p * p) {
        offs[0] = EXT2_TIND_BLOCK;
        offs[1] = (uint32_t)(lblk / (p * p));
        offs[2] = (uint32_t)(lblk / p % p);
        offs[3] = (uint32_t)(lblk % p);
        return 4;
    }
    return -EFBIG;
}

/* A new block for the file (indirect blocks zeroed in the cache). */
static int bmap_alloc(struct ext2_fs *fs, struct ext2_node *n, bool indirect, uint32_t *out)
{
    int err = ext2_balloc(fs, n->last_alloc + 1, out);
    if (err)
        return err;
    n->last_alloc = *out;
    n->blocks += fs->bsize / 512;
    if (indirect) {
        struct bbuf *b = bcache_get(fs->dev, *out, fs->bsize, &err);
        if (!b)
            return err;
        memset(b->data, 0, fs->bsize);
        bcache_dirty(b);
        bcache_put(b);
    }
    return 0;
}

int ext2_bmap(struct inode *ino, uint64_t lblk, bool create, uint32_t *out)
{
    struct ext2_node *n = ext2_node(ino);
    struct ext2_fs *fs = n->fs;
    uint32_t offs[4];
    int depth = bmap_path(fs, lblk, offs);
    if (depth < 0)
        return depth;
    uint32_t *slot = &n->block[offs[0]];
    struct bbuf *buf = NULL;    /* holds slot when it is inside an indirect block */
    int err = 0;
    for (int level = 0;; level++) {
        uint32_t blk = *slot;
        if (blk == 0) {
            if (!create)
                break;
            if ((err = bmap_alloc(fs, n, level < depth - 1, &blk)))
                break;
            *slot = blk;
            if (buf)
                bcache_dirty(buf);
        } else if (!ext2_block_ok(fs, blk)) {
            err = ext2_corrupt(fs, "block pointer out of range", blk);
            break;
        }
        if (level == depth - 1) {
            *out = blk;
            bcache_put(buf);
            return 0;
        }
        struct bbuf *next = ext2_bread(fs, blk, &err);
        bcache_put(buf);
        buf = next;
        if (!buf)
            return err;
        slot = (uint32_t *)buf->data + offs[level + 1];
    }
    bcache_put(buf);
    *out = 0;
    return err;
}

/* Free what *slot maps from logical block from on (relative to the subtree); level 0 is a
 * data block, level L an indirect block covering ppb^L blocks. */
static void free_tree(struct ext2_fs *fs, struct ext2_node *n, uint32_t *slot, int level, uint64_t from)
{
    uint32_t blk = *slot;
    if (!blk)
        return;
    if (!ext2_block_ok(fs, blk)) {
        ext2_corrupt(fs, "block pointer out of range", blk);
        return;
    }
    if (level > 0) {
        int err = 0;
        struct bbuf *b = ext2_bread(fs, blk, &err);
        if (!b)
            return;
        uint64_t per = 1;
        for (int l = 1; l < level; l++)
            per *= fs->ppb;
        bool changed = false;
        for (uint64_t i = from / per; i < fs->ppb; i++) {
            uint32_t *e = (uint32_t *)b->data + i;
            if (!*e)
                continue;
            uint64_t child_from = from > i * per ? from - i * per : 0;
            free_tree(fs, n, e, level - 1, child_from);
            changed |= *e == 0;
        }
        if (changed)
            bcache_dirty(b);
        bcache_put(b);
    }
    if (from == 0) {
        ext2_bfree(fs, blk);
        n->blocks -= n->blocks >= fs->bsize / 512 ? fs->bsize / 512 : n->blocks;
        *slot = 0;
    }
}

int ext2_free_from(struct inode *ino, uint64_t first)
{
    struct ext2_node *n = ext2_node(ino);
    struct ext2_fs *fs = n->fs;
    for (uint64_t i = first; i < EXT2_NDIR_BLOCKS; i++)
        free_tree(fs, n, &n->block[i], 0, 0);
    uint64_t base = EXT2_NDIR_BLOCKS, span = fs->ppb;
    for (int level = 1; level <= 3; level++) {
        if (first < base + span)
            free_tree(fs, n, &n->block[EXT2_NDIR_BLOCKS - 1 + level], level, first > base ? first - base : 0);
        base += span;
        span *= fs->ppb;
    }
    return 0;
}

/* Fast symlinks and device inodes keep other things than block numbers in i_block. */
static bool has_data_blocks(struct inode *ino)
{
    struct ext2_node *n = ext2_node(ino);
    if (S_ISLNK(ino->mode))
        return n->blocks > (n->file_acl ? n->fs->bsize / 512 : 0);
    return S_ISREG(ino->mode) || S_ISDIR(ino->mode);
}

/* An extended-attribute block loses one user; freed with the last. */
static void xattr_block_put(struct ext2_fs *fs, struct ext2_node *n)
{
    int err = 0;
    struct bbuf *b = ext2_bread(fs, n->file_acl, &err);
    if (!b)
        return;
    uint32_t *h = (uint32_t *)b->data;     /* magic, refcount, ... */
    bool last = h[0] != 0xEA020000u || h[1] <= 1;
    if (!last) {
        h[1]--;
        bcache_dirty(b);
    }
    bcache_put(b);
    if (last)
        ext2_bfree(fs, n->file_acl);
    n->file_acl = 0;
    n->blocks = 0;
}

/* The last name and the last user are gone: give the blocks and the inode back. */
static void ext2_delete(struct inode *ino)
{
    struct ext2_node *n = ext2_node(ino);
    struct ext2_fs *fs = n->fs;
    if (has_data_blocks(ino))
        ext2_free_from(ino, 0);
    if (n->file_acl)
        xattr_block_put(fs, n);
    ino->size = 0;
    int err = 0;
    uint32_t off;
    ext2_write_inode(ino);
    struct bbuf *b = inode_slot(fs, (uint32_t)ino->ino, &off, &err);
    if (b) {
        ((struct ext2_dinode *)(b->data + off))->i_dtime = (uint32_t)(vfs_now_ns() / 1000000000ull);
        bcache_dirty(b);
        bcache_put(b);
    }
    ext2_ifree(fs, (uint32_t)ino->ino, S_ISDIR(ino->mode));
}

void ext2_release(struct inode *ino)
{
    struct ext2_node *n = ext2_node(ino);
    struct ext2_fs *fs = n->fs;
    icache_remove(fs, ino);
    if (S_ISDIR(ino->mode) && ino->parent && ino->parent != ino)
        inode_put(ino->parent);
    if (!fs->unmounted && !fs->readonly) {
        if (ino->nlink == 0)
            ext2_delete(ino);
        else
            ext2_write_inode(ino);
    }
    kfree(n);
    if (--fs->live == 0 && fs->unmounted)
        kfree(fs);
}

void ext2_icache_evict(struct ext2_fs *fs, bool all)
{
    bool progress = true;
    while (progress) {
        progress = false;
        for (int h = 0; h < EXT2_ICACHE_HASH; h++) {
            for (struct inode *i = fs->icache[h]; i; i = ext2_node(i)->hnext) {
                struct ext2_node *n = ext2_node(i);
                if (!n->cached || i->refs != 1)
                    continue;
                if (S_ISREG(i->mode) && pagecache_sync(i, 0, PAGECACHE_MAX_PAGES))
                    continue;   /* keep what could not be written */
                if (i->refs != 1 || !n->cached)
                    continue;   /* someone took it while we slept */
                n->cached = false;
                inode_put(i);
                progress = true;
                break;          /* the chain changed */
            }
        }
    }
    if (!all)
        return;
    /* Umount: what others still hold (a detached tree's open files) lives on without us. */
    for (int h = 0; h < EXT2_ICACHE_HASH; h++) {
        for (struct inode *i = fs->icache[h]; i; i = ext2_node(i)->hnext) {
            if (ext2_node(i)->cached) {
                ext2_node(i)->cached = false;
                i->refs--;      /* the cache's own reference: refs stays >= 1, others keep it */
            }
        }
    }
}

