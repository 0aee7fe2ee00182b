/* The virtual file system: inodes, open files, path lookup and mounts. File systems
 * (ramfs, procfs) and devices supply the operations; system calls only use vfs_* functions. */
#ifndef FS_VFS_H
#define FS_VFS_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define NAME_MAX 255
#define PATH_MAX 4096

#define S_IFMT   0170000
#define S_IFSOCK 0140000
#define S_IFLNK  0120000
#define S_IFREG  0100000
#define S_IFBLK  0060000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFIFO  0010000
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)
#define S_ISCHR(m) (((m) & S_IFMT) == S_IFCHR)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISBLK(m) (((m) & S_IFMT) == S_IFBLK)

#define O_ACCMODE   3
#define O_RDONLY    0
#define O_WRONLY    1
#define O_RDWR      2
#define O_CREAT     0100
#define O_EXCL      0200
#define O_NOCTTY    0400
#define O_TRUNC     01000
#define O_APPEND    02000
#define O_NONBLOCK  04000
#define O_LARGEFILE 0100000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW  0400000
#define O_CLOEXEC   02000000
#define O_PATH      010000000

/* getdents64 d_type */
#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10

struct inode;
struct file;
struct poll_table;
struct epitem;

/* Where a read or write moves bytes: user memory of the current process, or a kernel buffer. */
struct uio {
    uint64_t addr;
    bool kernel;
};
int uio_copy_out(struct uio *u, const void *src, size_t n);   /* to the uio; advances it */
int uio_copy_in(void *dst, struct uio *u, size_t n);          /* from the uio; advances it */

typedef int (*readdir_emit)(void *arg, const char *name, size_t len, uint64_t ino, unsigned type);

struct inode_ops {
    /* A referenced child inode, or -ENOENT. */
    int (*lookup)(struct inode *dir, const char *name, size_t len, struct inode **out);
    /* A new child of the given type (regular, directory, device, fifo); -EEXIST if the name is taken. */
    int (*create)(struct inode *dir, const char *name, size_t len, uint32_t mode, uint32_t rdev,
                  struct inode **out);
    int (*link)(struct inode *dir, const char *name, size_t len, struct inode *target);
    /* Remove a name; rmdir when dir_only (the directory must be empty). */
    int (*unlink)(struct inode *dir, const char *name, size_t len, bool dir_only);
    int (*rename)(struct inode *odir, const char *oname, size_t olen,
                  struct inode *ndir, const char *nname, size_t nlen);
    /* renameat2(RENAME_EXCHANGE): swap two existing names. */
    int (*exchange)(struct inode *odir, const char *oname, size_t olen,
                    struct inode *ndir, const char *nname, size_t nlen);
    int (*symlink)(struct inode *dir, const char *name, size_t len, const char *target);
    long (*readlink)(struct inode *ino, char *buf, size_t n);
    int (*truncate)(struct inode *ino, uint64_t size);
    /* Call emit for entries from *pos on; stop (keeping *pos) when emit returns non-zero. */
    int (*readdir)(struct inode *dir, uint64_t *pos, readdir_emit emit, void *arg);
    /* The file's bytes in one piece when the file system has them so (initramfs data), else NULL. */
    const void *(*contiguous)(struct inode *ino);
    /* The inode's last reference is gone: free what the file system keeps for it. */
    void (*release)(struct inode *ino);
    /* Page cache (mm/pagecache.h): fill a fresh zeroed page with the file's bytes at
     * index * PAGE_SIZE, and write a dirty page back (msync, fsync). NULL: nothing to do
     * (ramfs, whose data lives only in the cache). */
    int (*readpage)(struct inode *ino, uint64_t index, void *page);
    int (*writepage)(struct inode *ino, uint64_t index, const void *page);
    /* Optional: the cache is about to add `pages` (> 0: may refuse with -ENOSPC) or has
     * dropped -pages pages of this file (< 0: the result is ignored). */
    int (*charge)(struct inode *ino, long pages);
    /* Optional: fsync/fdatasync: the file's dirty pages, its inode and the metadata it needs
     * reach the disk, then the device cache is flushed. NULL: only the page cache is synced. */
    int (*fsync)(struct inode *ino);
};

struct file_ops {
    int (*open)(struct inode *ino, struct file *f);
    long (*read)(struct file *f, struct uio *u, size_t n, uint64_t *off);
    long (*write)(struct file *f, struct uio *u, size_t n, uint64_t *off);
    long (*ioctl)(struct file *f, uint64_t cmd, uint64_t arg);
    void (*close)(struct file *f);
    /* The ready mask (POLLIN, POLLOUT, POLLHUP... of fs/waitq.h), registering pt on the
     * file's wait queues with poll_wait(); NULL: always readable and writable. */
    uint32_t (*poll)(struct file *f, struct poll_table *pt);
};

struct mount;

struct inode {
    uint64_t ino;
    uint32_t mode, nlink, uid, gid;
    uint32_t rdev;              /* devices: (major << 8) | minor */
    uint64_t size;
    int64_t atime_ns, mtime_ns, ctime_ns;
    int refs;
    const struct inode_ops *iops;
    const struct file_ops *fops;
    struct inode *parent;       /* directories: for ".." */
    struct inode *mounted;      /* the root of a file system mounted on this directory */
    struct inode *covered;      /* a file system root: the directory it is mounted on */
    uint32_t dev;               /* st_dev */
    void *priv;                 /* file-system data */
    struct pipe *pipe;          /* FIFOs and pipes: the buffer, while anyone has it open */
    void *cache;                /* regular files: page-cache table (mm/pagecache.c), or NULL */
};

struct file {
    int refs;
    struct inode *inode;
    uint64_t off;
    uint32_t flags;             /* O_ACCMODE | O_APPEND | O_NONBLOCK ... */
    const struct file_ops *ops;
    void *priv;
    struct epitem *epoll_watch; /* epoll items watching this file (fs/epoll.c), dropped at close */
    uint32_t version;           /* FIFOs: writer opens seen by a non-blocking reader's open */
};

struct inode *inode_new(uint32_t mode, const struct inode_ops *iops, const struct file_ops *fops);
struct inode *inode_get(struct inode *ino);
void inode_put(struct inode *ino);
uint64_t vfs_now_ns(void);

struct file *file_open_inode(struct inode *ino, uint32_t flags, int *err);
struct file *file_get(struct file *f);
void file_put(struct file *f);
long file_read(struct file *f, struct uio *u, size_t n);
long file_write(struct file *f, struct uio *u, size_t n);

/* Path lookup from dir (NULL: the current directory; absolute paths start at the root). */
#define LOOKUP_FOLLOW 1         /* follow a final symbolic link */
#define LOOKUP_DIRECTORY 2      /* the result must be a directory */
int vfs_lookup(struct inode *dir, const char *path, int flags, struct inode **out);
/* The parent directory of path's last component, and that component (pointing into path). */
int vfs_lookup_parent(struct inode *dir, const char *path, struct inode **parent,
                      const char **name, size_t *len);
struct inode *vfs_root(void);
void vfs_set_root(struct inode *root);
int vfs_mount(struct inode *dir, struct inode *root);
/* The absolute path of a directory (getcwd's answer); its length with the NUL, or -errno. */
long vfs_path_of(struct inode *dir, char *buf, size_t size);

/* A regular file's whole contents for exec: in place when the file system has them in one
 * piece, else copied into kvm memory (*owned is then true and the caller kvm_free()s it). */
int vfs_read_all(struct inode *ino, const void **data, size_t *size, bool *owned);

/* Character devices, by (major << 8) | minor. */
#define MKDEV(ma, mi) (((ma) << 8) | (mi))
void chardev_register(uint32_t rdev, const struct file_ops *fops);
const struct file_ops *chardev_ops(uint32_t rdev);
/* -- blk -- */
/* Block devices (S_IFBLK inodes), by rdev, as the character devices. */
void blockdev_register(uint32_t rdev, const struct file_ops *fops);
const struct file_ops *blockdev_ops(uint32_t rdev);
/* (end of blk) */

#endif
