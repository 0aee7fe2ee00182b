/* ext2: the on-disk layout (revision 0 and 1) and the driver's internal interface, shared
 * by super.c (mount, validation, sync), alloc.c (bitmaps), inode.c (inodes, block maps,
 * truncate), dir.c (linear directories) and ops.c (the VFS operations).
 *
 * Entry points for tests and fuzzers (no VFS mount table needed):
 *   ext2_mount(dev, readonly, st_dev, &fs)  validate the superblock and descriptors of the
 *                                            file system on a struct blkdev, 0 or -errno;
 *   ext2_root(fs, &inode)                    the root directory (a referenced VFS inode);
 *   then walk it with inode->iops (lookup, readdir, readlink) and fops (read);
 *   ext2_sync(fs)                            write back everything;
 *   ext2_unmount(fs)                         sync, drop cached inodes and buffers, free fs.
 * Every on-disk value is checked before use: corruption gives -EUCLEAN (or -EIO from the
 * device) and one console line, never a read outside the image. */
#ifndef FS_EXT2_H
#define FS_EXT2_H

#include <stdbool.h>
#include <stdint.h>
#include "fs/vfs.h"

struct blkdev;
struct bbuf;
struct k_statfs;

#define EXT2_MAGIC          0xEF53
#define EXT2_SB_OFFSET      1024
#define EXT2_ROOT_INO       2
#define EXT2_GOOD_OLD_FIRST_INO 11
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_NDIR_BLOCKS    12
#define EXT2_IND_BLOCK      12
#define EXT2_DIND_BLOCK     13
#define EXT2_TIND_BLOCK     14
#define EXT2_N_BLOCKS       15
#define EXT2_VALID_FS       1
#define EXT2_ERROR_FS       2
#define EXT2_LINK_MAX       32000

#define EXT2_FEATURE_COMPAT_DIR_INDEX    0x0020
#define EXT2_FEATURE_INCOMPAT_FILETYPE   0x0002
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE   0x0002
#define EXT2_INCOMPAT_SUPP  EXT2_FEATURE_INCOMPAT_FILETYPE
#define EXT2_RO_COMPAT_SUPP (EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | EXT2_FEATURE_RO_COMPAT_LARGE_FILE)

#define EXT2_INDEX_FL       0x00001000  /* hashed directory: we write it linearly, so clear it */

/* Directory entry file types (filetype feature). */
#define EXT2_FT_UNKNOWN 0
#define EXT2_FT_REG     1
#define EXT2_FT_DIR     2
#define EXT2_FT_CHR     3
#define EXT2_FT_BLK     4
#define EXT2_FT_FIFO    5
#define EXT2_FT_SOCK    6
#define EXT2_FT_SYMLINK 7

struct ext2_super {
    uint32_t s_inodes_count, s_blocks_count, s_r_blocks_count, s_free_blocks_count;
    uint32_t s_free_inodes_count, s_first_data_block, s_log_block_size, s_log_frag_size;
    uint32_t s_blocks_per_group, s_frags_per_group, s_inodes_per_group;
    uint32_t s_mtime, s_wtime;
    uint16_t s_mnt_count;
    int16_t s_max_mnt_count;
    uint16_t s_magic, s_state, s_errors, s_minor_rev_level;
    uint32_t s_lastcheck, s_checkinterval, s_creator_os, s_rev_level;
    uint16_t s_def_resuid, s_def_resgid;
    uint32_t s_first_ino;
    uint16_t s_inode_size, s_block_group_nr;
    uint32_t s_feature_compat, s_feature_incompat, s_feature_ro_compat;
    uint8_t s_uuid[16];
    char s_volume_name[16];
    char s_last_mounted[64];
    uint32_t s_algorithm_usage_bitmap;
    uint8_t s_prealloc_blocks, s_prealloc_dir_blocks;
    uint16_t s_reserved_gdt_blocks;
    uint8_t s_rest[1024 - 208];
};

struct ext2_group_desc {
    uint32_t bg_block_bitmap, bg_inode_bitmap, bg_inode_table;
    uint16_t bg_free_blocks_count, bg_free_inodes_count, bg_used_dirs_count, bg_flags;
    uint32_t bg_reserved[3];
};

/* The first 128 bytes of every on-disk inode (larger inodes keep their tail untouched). */
struct ext2_dinode {
    uint16_t i_mode, i_uid;
    uint32_t i_size, i_atime, i_ctime, i_mtime, i_dtime;
    uint16_t i_gid, i_links_count;
    uint32_t i_blocks, i_flags, i_osd1;
    uint32_t i_block[EXT2_N_BLOCKS];
    uint32_t i_generation, i_file_acl, i_size_high, i_faddr;
    uint8_t i_frag, i_fsize;
    uint16_t i_pad1, i_uid_high, i_gid_high;
    uint32_t i_reserved2;
};

struct ext2_dirent {
    uint32_t inode;
    uint16_t rec_len;
    uint8_t name_len, file_type;
    char name[];
};
#define EXT2_DIRENT_HEAD 8
#define EXT2_DIRENT_LEN(n) (((n) + EXT2_DIRENT_HEAD + 3) & ~3u)

_Static_assert(sizeof(struct ext2_super) == 1024, "superblock layout");
_Static_assert(sizeof(struct ext2_group_desc) == 32, "group descriptor layout");
_Static_assert(sizeof(struct ext2_dinode) == 128, "inode layout");

#define EXT2_ICACHE_HASH 256

/* One mounted instance. */
struct ext2_fs {
    struct blkdev *dev;
    uint32_t bsize, ppb;            /* block size; block pointers per block */
    uint32_t groups, gdt_blocks, desc_per_block, itable_blocks;
    uint32_t inode_size, first_ino;
    struct ext2_super sb;           /* the primary superblock, kept here and written at sync */
    struct bbuf *sb_buf;            /* the block holding it (referenced while mounted) */
    uint32_t sb_off;                /* its offset in that block */
    struct bbuf **gdt;              /* the descriptor blocks (referenced while mounted) */
    bool readonly, sb_dirty, filetype;
    uint32_t st_dev;
    struct inode *icache[EXT2_ICACHE_HASH];   /* loaded inodes, chained through ext2_node */
    int live;                       /* VFS inodes of this instance still allocated */
    bool unmounted;                 /* ext2_unmount ran: free fs when live reaches 0 */
    uint32_t last_group;            /* where the last directory went (spread them) */
};

/* What the driver keeps for each loaded inode (struct inode's priv). */
struct ext2_node {
    struct ext2_fs *fs;
    uint32_t block[EXT2_N_BLOCKS];
    uint32_t flags, blocks, file_acl, generation;  /* blocks: i_blocks, 512-byte units */
    uint32_t last_alloc;            /* goal for the next data block */
    bool cached;                    /* the inode cache holds a reference of its own */
    struct inode *hnext;
};

static inline struct ext2_node *ext2_node(struct inode *ino) { return ino->priv; }

/* super.c */
int ext2_mount(struct blkdev *dev, bool readonly, uint32_t st_dev, struct ext2_fs **out);
int ext2_root(struct ext2_fs *fs, struct inode **out);
int ext2_sync(struct ext2_fs *fs);
void ext2_unmount(struct ext2_fs *fs);
int ext2_set_readonly(struct ext2_fs *fs, bool ro);
void ext2_statfs(struct ext2_fs *fs, struct k_statfs *st);
/* Log a corruption (one console line) and return -EUCLEAN. */
int ext2_corrupt(struct ext2_fs *fs, const char *what, uint64_t value);
struct ext2_group_desc *ext2_gd(struct ext2_fs *fs, uint32_t group);
void ext2_gd_dirty(struct ext2_fs *fs, uint32_t group);
bool ext2_block_ok(struct ext2_fs *fs, uint32_t blk);
struct bbuf *ext2_bread(struct ext2_fs *fs, uint32_t blk, int *err);

/* alloc.c */
int ext2_balloc(struct ext2_fs *fs, uint32_t goal, uint32_t *out);
void ext2_bfree(struct ext2_fs *fs, uint32_t blk);
int ext2_ialloc(struct ext2_fs *fs, uint32_t dir_ino, bool is_dir, uint32_t *out);
void ext2_ifree(struct ext2_fs *fs, uint32_t ino, bool is_dir);

/* inode.c */
int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct inode **out);
/* A fresh inode (number already allocated) with mode; referenced, cached. */
int ext2_inew(struct ext2_fs *fs, uint32_t ino, uint32_t mode, struct inode **out);
int ext2_write_inode(struct inode *ino);
/* Logical block lblk of the file: its disk block in *out (0: a hole). With create, holes are
 * filled (-ENOSPC when the disk is full). */
int ext2_bmap(struct inode *ino, uint64_t lblk, bool create, uint32_t *out);
/* Free every block that maps logical blocks from first on. */
int ext2_free_from(struct inode *ino, uint64_t first);
/* The inode cache drops its own references on inodes nobody else uses (after a sync). */
void ext2_icache_evict(struct ext2_fs *fs, bool all);
void ext2_set_ops(struct inode *ino);
/* inode_ops release: the last reference is gone (delete it if it has no names left). */
void ext2_release(struct inode *ino);
uint64_t ext2_max_size(struct ext2_fs *fs);

/* dir.c */
int ext2_dir_find(struct inode *dir, const char *name, size_t len, uint32_t *ino_out);
int ext2_dir_add(struct inode *dir, const char *name, size_t len, uint32_t ino, uint32_t mode);
int ext2_dir_remove(struct inode *dir, const char *name, size_t len);
/* Point an existing entry at another inode (rename over a name, "..") */
int ext2_dir_retarget(struct inode *dir, const char *name, size_t len, uint32_t ino, uint32_t mode);
int ext2_dir_is_empty(struct inode *dir);
int ext2_dir_init(struct inode *dir, uint32_t parent_ino);
int ext2_readdir(struct inode *dir, uint64_t *pos, readdir_emit emit, void *arg);

/* ops.c */
extern const struct inode_ops ext2_iops;
extern const struct file_ops ext2_file_ops;
extern const struct file_ops ext2_dir_ops;
/* fsync/fdatasync: the file's dirty pages, its inode, the metadata, a device flush. */
int ext2_fsync(struct inode *ino);
/* mount.c's fs_types[] entry: source names the block device ("/dev/vda"). */
struct mount;
int ext2_fill(struct mount *m, const char *source, char *opts);
void ext2_statfs_hook(struct mount *m, struct k_statfs *st);
void ext2_kill(struct mount *m);
int ext2_remount(struct mount *m, char *opts);
int ext2_sync_hook(struct mount *m);

#endif
