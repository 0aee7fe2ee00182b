/* The mount table: which file system instance is attached where, with its flags; the
 * file-system types that mount(2) knows; statfs figures; /proc/mounts. */
#ifndef FS_MOUNT_H
#define FS_MOUNT_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "fs/vfs.h"

/* mount(2) flags (Linux values). */
#define MS_RDONLY      1
#define MS_NOSUID      2
#define MS_NODEV       4
#define MS_NOEXEC      8
#define MS_SYNCHRONOUS 16
#define MS_REMOUNT     32
#define MS_MANDLOCK    64
#define MS_DIRSYNC     128
#define MS_NOSYMFOLLOW 256
#define MS_NOATIME     1024
#define MS_NODIRATIME  2048
#define MS_BIND        4096
#define MS_MOVE        8192
#define MS_REC         16384
#define MS_SILENT      32768
#define MS_UNBINDABLE  (1 << 17)
#define MS_PRIVATE     (1 << 18)
#define MS_SLAVE       (1 << 19)
#define MS_SHARED      (1 << 20)
#define MS_RELATIME    (1 << 21)
#define MS_STRICTATIME (1 << 24)
#define MS_LAZYTIME    (1 << 25)

/* umount2 flags */
#define MNT_FORCE       1
#define MNT_DETACH      2
#define MNT_EXPIRE      4
#define UMOUNT_NOFOLLOW 8

/* statfs f_type values, as Linux */
#define RAMFS_MAGIC      0x858458f6
#define TMPFS_MAGIC      0x01021994
#define PROC_SUPER_MAGIC 0x9fa0
#define PIPEFS_MAGIC     0x50495045
#define EXT2_SUPER_MAGIC 0xEF53

/* struct statfs on 64-bit Linux (120 bytes). */
struct k_statfs {
    int64_t f_type, f_bsize;
    uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int32_t f_fsid[2];
    int64_t f_namelen, f_frsize, f_flags;
    int64_t f_spare[4];
};

struct mount;

/* One kind of file system mount(2) can attach. To add one (ext2, say), write these
 * functions and add an entry to fs_types[] in mount.c. */
struct fs_type {
    const char *name;
    int64_t magic;              /* statfs f_type */
    bool user;                  /* mount(2) may make it (rootfs is made only at boot) */
    /* Make m->root for a new instance from the source and the option string (may be NULL). */
    int (*fill)(struct mount *m, const char *source, char *opts);
    /* MS_REMOUNT with an option string (may be NULL); NULL: options are ignored. */
    int (*remount)(struct mount *m, char *opts);
    /* Block and inode figures (f_type, f_flags, f_fsid, f_namelen are filled in by the caller). */
    void (*statfs)(struct mount *m, struct k_statfs *st);
    /* Type-specific options for /proc/mounts, each starting with ','. */
    size_t (*show)(struct mount *m, char *buf, size_t n);
    /* sync(2), syncfs(2) and the flusher: write everything dirty back; NULL: nothing to do. */
    int (*sync)(struct mount *m);
    /* Last step of umount: free what the instance holds (the root is put by the caller). */
    void (*kill)(struct mount *m);
};

struct mount {
    const struct fs_type *type;
    struct inode *root;         /* the instance's root directory (the table's reference) */
    struct inode *point;        /* the directory it covers; NULL for / */
    struct inode *bind_of;      /* MS_BIND and devtmpfs: the directory this one shows */
    char source[64];
    char path[256];             /* where it was mounted, for /proc/mounts */
    uint64_t flags;             /* MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_NOATIME ... */
    uint32_t dev;               /* st_dev of its inodes */
    uint32_t mode;              /* tmpfs/ramfs mode= */
    uint64_t max_pages, max_inodes;     /* tmpfs size= and nr_inodes= (0: unlimited) */
    bool size_given, inodes_given;
};

/* Boot: the root file system and /proc enter the table. */
void mount_boot_root(struct inode *root);
int mount_boot(const char *type, struct inode *dir, const char *path);

/* -- blk -- */
/* root=/dev/vdX: mount `type` from `source` and make it the root directory. The boot /dev and
 * /proc are mounted on the new root's /dev and /proc (when it has them) first; the boot ramfs
 * stays in the table underneath. 0 or -errno (the boot root is then unchanged). */
int mount_boot_switch_root(const char *type, const char *source);
/* (end of blk) */

/* The mount an inode belongs to (NULL if none: pipes). */
struct mount *mount_of(struct inode *ino);
/* -EROFS if ino is on a read-only mount, else 0. */
int mount_check_write(struct inode *ino);
bool mount_noexec(struct inode *ino);
bool mount_nodev(struct inode *ino);
/* statfs figures for the file system holding ino. */
int mount_statfs(struct inode *ino, struct k_statfs *st);
/* Every mounted file system with storage writes its dirty data back (sync(2), the flusher). */
int mount_sync_all(void);
/* /proc/mounts text. */
size_t mount_format(char *buf, size_t n);
/* /proc/filesystems text. */
size_t mount_format_types(char *buf, size_t n);

#endif
