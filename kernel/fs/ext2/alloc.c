/* ext2 block and inode allocation: the per-group bitmaps, searched from a goal (the file's
 * previous block, the parent directory's group), with the free counts kept in the group
 * descriptors and the superblock. */
#include "fs/ext2/ext2.h"
#include "fs/bcache.h"
#include "lib/errno.h"

/* First clear bit in [from, to) of map, or -1. */
static long bitmap_find_zero(const uint8_t *map, uint32_t from, uint32_t to)
{
    for (uint32_t i = from; i < to;) {
        if ((i & 7) == 0 && i + 8 <= to && map[i / 8] == 0xff) {
            i += 8;
            continue;
        }
        if (!(map[i / 8] & (1u << (i & 7))))
            return i;
        i++;
    }
    return -1;
}

static bool bit_test(const uint8_t *map, uint32_t i) { return map[i / 8] & (1u << (i & 7)); }
static void bit_set(uint8_t *map, uint32_t i) { map[i / 8] |= (uint8_t)(1u << (i & 7)); }
static void bit_clear(uint8_t *map, uint32_t i) { map[i / 8] &= (uint8_t)~(1u << (i & 7)); }

/* Blocks in group g (the last group may be short). */
static uint32_t group_blocks(struct ext2_fs *fs, uint32_t g)
{
    uint64_t start = fs->sb.s_first_data_block + (uint64_t)g * fs->sb.s_blocks_per_group;
    uint64_t left = fs->sb.s_blocks_count - start;
    return left < fs->sb.s_blocks_per_group ? (uint32_t)left : fs->sb.s_blocks_per_group;
}

/* A bitmap must never hand out the group's own metadata. */
static bool block_is_meta(struct ext2_fs *fs, uint32_t g, uint32_t blk)
{
    struct ext2_group_desc *gd = ext2_gd(fs, g);
    return blk == gd->bg_block_bitmap || blk == gd->bg_inode_bitmap ||
           (blk >= gd->bg_inode_table && blk < gd->bg_inode_table + fs->itable_blocks) ||
           blk <= fs->sb.s_first_data_block + fs->gdt_blocks;
}

/* Try to take a block in group g at or after bit start (then before it). */
static int balloc_group(struct ext2_fs *fs, uint32_t g, uint32_t start, uint32_t *out)
{
    struct ext2_group_desc *gd = ext2_gd(fs, g);
    if (gd->bg_free_blocks_count == 0)
        return -ENOSPC;
    int err = 0;
    struct bbuf *b = ext2_bread(fs, gd->bg_block_bitmap, &err);
    if (!b)
        return err;
    uint32_t n = group_blocks(fs, g);
    if (start >= n)
        start = 0;
    long bit = bitmap_find_zero(b->data, start, n);
    if (bit < 0)
        bit = bitmap_find_zero(b->data, 0, start);
    if (bit < 0) {
        bcache_put(b);
        return ext2_corrupt(fs, "group free block count disagrees with its bitmap", g);
    }
    uint32_t blk = fs->sb.s_first_data_block + g * fs->sb.s_blocks_per_group + (uint32_t)bit;
    if (block_is_meta(fs, g, blk)) {
        bcache_put(b);
        return ext2_corrupt(fs, "block bitmap marks metadata free", blk);
    }
    bit_set(b->data, (uint32_t)bit);
    bcache_dirty(b);
    bcache_put(b);
    gd->bg_free_blocks_count--;
    fs->sb.s_free_blocks_count--;
    ext2_gd_dirty(fs, g);
    *out = blk;
    return 0;
}

int ext2_balloc(struct ext2_fs *fs, uint32_t goal, uint32_t *out)
{
    if (fs->readonly)
        return -EROFS;
    if (fs->sb.s_free_blocks_count == 0)
        return -ENOSPC;
    uint32_t bpg = fs->sb.s_blocks_per_group, g0 = 0, start = 0;
    if (ext2_block_ok(fs, goal)) {
        g0 = (goal - fs->sb.s_first_data_block) / bpg;
        start = (goal - fs->sb.s_first_data_block) % bpg;
    }
    for (uint32_t i = 0; i < fs->groups; i++) {
        uint32_t g = (g0 + i) % fs->groups;
        int err = balloc_group(fs, g, i == 0 ? start : 0, out);
        if (err != -ENOSPC)
            return err;
    }
    return -ENOSPC;
}

void ext2_bfree(struct ext2_fs *fs, uint32_t blk)
{
    if (!ext2_block_ok(fs, blk)) {
        ext2_corrupt(fs, "freeing a block out of range", blk);
        return;
    }
    uint32_t g = (blk - fs->sb.s_first_data_block) / fs->sb.s_blocks_per_group;
    uint32_t bit = (blk - fs->sb.s_first_data_block) % fs->sb.s_blocks_per_group;
    struct ext2_group_desc *gd = ext2_gd(fs, g);
    bcache_forget(fs->dev, blk, fs->bsize);
    int err = 0;
    struct bbuf *b = ext2_bread(fs, gd->bg_block_bitmap, &err);
    if (!b)
        return;
    if (!bit_test(b->data, bit)) {
        ext2_corrupt(fs, "freeing a free block", blk);
    } else {
        bit_clear(b->data, bit);
        bcache_dirty(b);
        gd->bg_free_blocks_count++;
        fs->sb.s_free_blocks_count++;
        ext2_gd_dirty(fs, g);
    }
    bcache_put(b);
}

/* Directories go to the group with the most free inodes (spreading the tree), files to their
 * directory's group. */
static uint32_t ialloc_goal(struct ext2_fs *fs, uint32_t dir_ino, bool is_dir)
{
    if (!is_dir)
        return (dir_ino - 1) / fs->sb.s_inodes_per_group % fs->groups;
    uint32_t best = 0, most = 0;
    for (uint32_t g = 0; g < fs->groups; g++) {
        struct ext2_group_desc *gd = ext2_gd(fs, g);
        if (gd->bg_free_inodes_count > most && gd->bg_free_blocks_count > 0) {
            most = gd->bg_free_inodes_count;
            best = g;
        }
    }
    return best;
}

static int ialloc_group(struct ext2_fs *fs, uint32_t g, bool is_dir, uint32_t *out)
{
    struct ext2_group_desc *gd = ext2_gd(fs, g);
    if (gd->bg_free_inodes_count == 0)
        return -ENOSPC;
    int err = 0;
    struct bbuf *b = ext2_bread(fs, gd->bg_inode_bitmap, &err);
    if (!b)
        return err;
    uint32_t ipg = fs->sb.s_inodes_per_group;
    uint32_t from = g == 0 ? fs->first_ino - 1 : 0;   /* never a reserved inode */
    for (;;) {
        long bit = bitmap_find_zero(b->data, from, ipg);
        uint64_t ino = (uint64_t)g * ipg + (uint64_t)bit + 1;
        if (bit < 0 || ino > fs->sb.s_inodes_count) {
            bcache_put(b);
            return -ENOSPC;
        }
        bit_set(b->data, (uint32_t)bit);
        bcache_dirty(b);
        bcache_put(b);
        gd->bg_free_inodes_count--;
        if (is_dir)
            gd->bg_used_dirs_count++;
        fs->sb.s_free_inodes_count--;
        ext2_gd_dirty(fs, g);
        *out = (uint32_t)ino;
        return 0;
    }
}

int ext2_ialloc(struct ext2_fs *fs, uint32_t dir_ino, bool is_dir, uint32_t *out)
{
    if (fs->readonly)
        return -EROFS;
    if (fs->sb.s_free_inodes_count == 0)
        return -ENOSPC;
    uint32_t g0 = ialloc_goal(fs, dir_ino, is_dir);
    for (uint32_t i = 0; i < fs->groups; i++) {
        int err = ialloc_group(fs, (g0 + i) % fs->groups, is_dir, out);
        if (err != -ENOSPC)
            return err;
    }
    return -ENOSPC;
}

void ext2_ifree(struct ext2_fs *fs, uint32_t ino, bool is_dir)
{
    uint32_t g = (ino - 1) / fs->sb.s_inodes_per_group, bit = (ino - 1) % fs->sb.s_inodes_per_group;
    if (ino < fs->first_ino || ino > fs->sb.s_inodes_count || g >= fs->groups)
        return;
    struct ext2_group_desc *gd = ext2_gd(fs, g);
    int err = 0;
    struct bbuf *b = ext2_bread(fs, gd->bg_inode_bitmap, &err);
    if (!b)
        return;
    if (!bit_test(b->data, bit)) {
        ext2_corrupt(fs, "freeing a free inode", ino);
    } else {
        bit_clear(b->data, bit);
        bcache_dirty(b);
        gd->bg_free_inodes_count++;
        if (is_dir && gd->bg_used_dirs_count)
            gd->bg_used_dirs_count--;
        fs->sb.s_free_inodes_count++;
        ext2_gd_dirty(fs, g);
    }
    bcache_put(b);
}
