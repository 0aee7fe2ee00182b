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
