/* ext2 linear directories: each block a chain of records (inode, rec_len, name), every
 * record checked before use; lookup and readdir walk them block by block. Hashed
 * (dir_index) directories read the same way: their index blocks look like empty records. */
#include "fs/ext2/ext2.h"
#include "fs/bcache.h"
#include "lib/errno.h"
#include "lib/kstring.h"

/* The record at off in a directory block, or NULL (and a console line) if it is malformed. */
static struct ext2_dirent *dirent_at(struct ext2_fs *fs, uint8_t *blk, uint32_t off, uint32_t dir_ino)
{
    if (off + EXT2_DIRENT_HEAD > fs->bsize) {
        ext2_corrupt(fs, "directory record past the block end", dir_ino);
        return NULL;
    }
    struct ext2_dirent *d = (struct ext2_dirent *)(blk + off);
    if (d->rec_len < EXT2_DIRENT_HEAD || (d->rec_len & 3) || off + d->rec_len > fs->bsize ||
        (d->inode && EXT2_DIRENT_HEAD + (uint32_t)d->name_len > d->rec_len) ||
        d->inode > fs->sb.s_inodes_count) {
        ext2_corrupt(fs, "directory record length", dir_ino);
        return NULL;
    }
    return d;
}

/* The directory's logical block lblk, read (a hole or bad pointer: an error). */
static struct bbuf *dir_block(struct inode *dir, uint64_t lblk, int *err)
{
    struct ext2_fs *fs = ext2_node(dir)->fs;
    uint32_t pblk;
    *err = ext2_bmap(dir, lblk, false, &pblk);
    if (*err)
        return NULL;
    if (!pblk) {
        *err = ext2_corrupt(fs, "hole in a directory", dir->ino);
        return NULL;
    }
    return ext2_bread(fs, pblk, err);
}

static uint64_t dir_blocks(struct inode *dir)
{
    return dir->size / ext2_node(dir)->fs->bsize;
}

int ext2_dir_find(struct inode *dir, const char *name, size_t len, uint32_t *ino_out)
{
    struct ext2_fs *fs = ext2_node(dir)->fs;
    for (uint64_t lb = 0; lb < dir_blocks(dir); lb++) {
        int err;
        struct bbuf *b = dir_block(dir, lb, &err);
        if (!b)
            return err;
        for (uint32_t off = 0; off < fs->bsize;) {
            struct ext2_dirent *d = dirent_at(fs, b->data, off, (uint32_t)dir->ino);
            if (!d) {
                bcache_put(b);
                return -EUCLEAN;
            }
            if (d->inode && d->name_len == len && !memcmp(d->name, name, len)) {
                *ino_out = d->inode;
                bcache_put(b);
                return 0;
            }
            off += d->rec_len;
        }
        bcache_put(b);
    }
    return -ENOENT;
}

static unsigned dt_of(struct ext2_fs *fs, uint8_t ft)
{
    static const unsigned map[] = { DT_UNKNOWN, DT_REG, DT_DIR, DT_CHR, 6, DT_FIFO, 12, DT_LNK };
    return fs->filetype && ft < 8 ? map[ft] : DT_UNKNOWN;
}

/* *pos is a byte offset into the directory; an offset that no longer starts a record (the
 * directory changed) resumes at the next record after it. */
int ext2_readdir(struct inode *dir, uint64_t *pos, readdir_emit emit, void *arg)
{
    struct ext2_fs *fs = ext2_node(dir)->fs;
    while (*pos < dir_blocks(dir) * fs->bsize) {
        uint64_t lb = *pos / fs->bsize;
        uint32_t want = (uint32_t)(*pos % fs->bsize);
        int err;
        struct bbuf *b = dir_block(dir, lb, &err);
        if (!b)
            return err;
        for (uint32_t off = 0; off < fs->bsize;) {
            struct ext2_dirent *d = dirent_at(fs, b->data, off, (uint32_t)dir->ino);
            if (!d) {
                bcache_put(b);
                return -EUCLEAN;
            }
            if (off >= want && d->inode) {
                if (emit(arg, d->name, d->name_len, d->inode, dt_of(fs, d->file_type))) {
                    *pos = lb * fs->bsize + off;
                    bcache_put(b);
                    return 0;
                }
            }
            off += d->rec_len;
        }
        bcache_put(b);
        *pos = (lb + 1) * fs->bsize;
    }
    return 0;
}

static uint8_t ft_of(uint32_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return EXT2_FT_REG;
    case S_IFDIR: return EXT2_FT_DIR;
    case S_IFCHR: return EXT2_FT_CHR;
    case S_IFBLK: return EXT2_FT_BLK;
    case S_IFIFO: return EXT2_FT_FIFO;
    case S_IFSOCK: return EXT2_FT_SOCK;
    case S_IFLNK: return EXT2_FT_SYMLINK;
    default: return EXT2_FT_UNKNOWN;
    }
}

static void dirent_fill(struct ext2_fs *fs, struct ext2_dirent *d, const char *name, size_t len,
                        uint32_t ino, uint32_t mode)
{
    d->inode = ino;
    d->name_len = (uint8_t)len;
    d->file_type = fs->filetype ? ft_of(mode) : 0;
    memcpy(d->name, name, len);
}

/* We write directories linearly: a hashed index would go stale, so the flag goes. */
static void dir_changed(struct inode *dir)
{
    ext2_node(dir)->flags &= ~(uint32_t)EXT2_INDEX_FL;
    dir->mtime_ns = dir->ctime_ns = (int64_t)vfs_now_ns();
}

int ext2_dir_add(struct inode *dir, const char *name, size_t len, uint32_t ino, uint32_t mode)
{
    struct ext2_fs *fs = ext2_node(dir)->fs;
    uint32_t need = EXT2_DIRENT_LEN(len);
    uint64_t nb = dir_blocks(dir);
    for (uint64_t lb = 0; lb < nb; lb++) {
        int err;
        struct bbuf *b = dir_block(dir, lb, &err);
        if (!b)
            return err;
        for (uint32_t off = 0; off < fs->bsize;) {
            struct ext2_dirent *d = dirent_at(fs, b->data, off, (uint32_t)dir->ino);
            if (!d) {
                bcache_put(b);
                return -EUCLEAN;
            }
            uint32_t used = d->inode ? EXT2_DIRENT_LEN(d->name_len) : 0;
            if (d->rec_len >= used + need) {
                struct ext2_dirent *n = d;
                if (used) {     /* split: the new record takes the tail */
                    n = (struct ext2_dirent *)(b->data + off + used);
                    n->rec_len = (uint16_t)(d->rec_len - used);
                    d->rec_len = (uint16_t)used;
                }
                dirent_fill(fs, n, name, len, ino, mode);
                bcache_dirty(b);
                bcache_put(b);
                dir_changed(dir);
                return ext2_write_inode(dir);
            }
            off += d->rec_len;
        }
        bcache_put(b);
    }
    /* No room: a new block at the end holding just this record. */
    uint32_t pblk;
    int err = ext2_bmap(dir, nb, true, &pblk);
    if (err)
        return err;
    struct bbuf *b = bcache_get(fs->dev, pblk, fs->bsize, &err);
    if (!b)
        return err;
    memset(b->data, 0, fs->bsize);
    struct ext2_dirent *d = (struct ext2_dirent *)b->data;
    d->rec_len = (uint16_t)fs->bsize;
    dirent_fill(fs, d, name, len, ino, mode);
    bcache_dirty(b);
    bcache_put(b);
    dir->size += fs->bsize;
    dir_changed(dir);
    return ext2_write_inode(dir);
}

/* Visit the record named name: fn gets the block, the record and the one before it. */
static int dir_edit(struct inode *dir, const char *name, size_t len,
                    void (*fn)(struct ext2_fs *, struct ext2_dirent *, struct ext2_dirent *, void *), void *arg)
{
    struct ext2_fs *fs = ext2_node(dir)->fs;
    for (uint64_t lb = 0; lb < dir_blocks(dir); lb++) {
        int err;
        struct bbuf *b = dir_block(dir, lb, &err);
        if (!b)
            return err;
        struct ext2_dirent *prev = NULL;
        for (uint32_t off = 0; off < fs->bsize;) {
            struct ext2_dirent *d = dirent_at(fs, b->data, off, (uint32_t)dir->ino);
            if (!d) {
                bcache_put(b);
                return -EUCLEAN;
            }
            if (d->inode && d->name_len == len && !memcmp(d->name, name, len)) {
                fn(fs, d, prev, arg);
                bcache_dirty(b);
                bcache_put(b);
                dir_changed(dir);
                return ext2_write_inode(dir);
            }
            prev = d;
            off += d->rec_len;
        }
        bcache_put(b);
    }
    return -ENOENT;
}

/* Merge a removed record into the one before it; the first of a block just goes empty. */
static void edit_remove(struct ext2_fs *fs, struct ext2_dirent *d, struct ext2_dirent *prev, void *arg)
{
    (void)fs;
    (void)arg;
    if (prev)
        prev->rec_len = (uint16_t)(prev->rec_len + d->rec_len);
    else
        d->inode = 0;
}

int ext2_dir_remove(struct inode *dir, const char *name, size_t len)
{
    return dir_edit(dir, name, len, edit_remove, NULL);
}

struct retarget { uint32_t ino, mode; };
static void edit_retarget(struct ext2_fs *fs, struct ext2_dirent *d, struct ext2_dirent *prev, void *arg)
{
    (void)prev;
    struct retarget *r = arg;
    d->inode = r->ino;
    d->file_type = fs->filetype ? ft_of(r->mode) : 0;
}

int ext2_dir_retarget(struct inode *dir, const char *name, size_t len, uint32_t ino, uint32_t mode)
{
    struct retarget r = { ino, mode };
    return dir_edit(dir, name, len, edit_retarget, &r);
}

static int count_emit(void *arg, const char *name, size_t len, uint64_t ino, unsigned type)
{
    (void)ino;
    (void)type;
    if (!((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.')))
        ++*(int *)arg;
    return 0;
}

int ext2_dir_is_empty(struct inode *dir)
{
    int others = 0;
    uint64_t pos = 0;
    int err = ext2_readdir(dir, &pos, count_emit, &others);
    return err ? err : others == 0;
}

int ext2_dir_init(struct inode *dir, uint32_t parent_ino)
{
    struct ext2_fs *fs = ext2_node(dir)->fs;
    uint32_t pblk;
    int err = ext2_bmap(dir, 0, true, &pblk);
    if (err)
        return err;
    struct bbuf *b = bcache_get(fs->dev, pblk, fs->bsize, &err);
    if (!b)
        return err;
    memset(b->data, 0, fs->bsize);
    struct ext2_dirent *dot = (struct ext2_dirent *)b->data;
    dirent_fill(fs, dot, ".", 1, (uint32_t)dir->ino, S_IFDIR);
    dot->rec_len = EXT2_DIRENT_LEN(1);
    struct ext2_dirent *dotdot = (struct ext2_dirent *)(b->data + dot->rec_len);
    dirent_fill(fs, dotdot, "..", 2, parent_ino, S_IFDIR);
    dotdot->rec_len = (uint16_t)(fs->bsize - dot->rec_len);
    bcache_dirty(b);
    bcache_put(b);
    dir->size = fs->bsize;
    return ext2_write_inode(dir);
}
