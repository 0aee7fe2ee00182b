/* File system calls on the Linux riscv64 ABI: open/close/read/write and friends, directory
 * and name operations, descriptors (dup, fcntl, pipe2), stat, working directory. */
#include "proc/sys.h"
#include "proc/proc.h"
#include "proc/thread.h"
#include "proc/sched.h"
#include "fs/vfs.h"
#include "dev/blk.h"
#include "fs/fdtable.h"
#include "fs/pipe.h"
#include "fs/mount.h"
#include "fs/lock.h"
#include "mm/vm.h"
#include "mm/kmalloc.h"
#include "mm/pagecache.h"
#include "lib/errno.h"
#include "lib/kstring.h"

#define AT_FDCWD            (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR        0x200
#define AT_SYMLINK_FOLLOW   0x400
#define AT_EACCESS          0x200
#define AT_EMPTY_PATH       0x1000
#define F_DUPFD  0
#define F_GETFD  1
#define F_SETFD  2
#define F_GETFL  3
#define F_SETFL  4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE  2
#define RENAME_WHITEOUT  4
#define UTIME_NOW  ((1L << 30) - 1)
#define UTIME_OMIT ((1L << 30) - 2)
#define IOV_MAX 1024
#define R_OK 4
#define W_OK 2
#define X_OK 1

static struct fdtable *fdt(void) { return current()->fdt; }


/* Descriptors must stay below RLIMIT_NOFILE (and the table size). */
static int fd_limit(void)
{
    uint64_t lim = current()->rlimits[RLIMIT_NOFILE][0];
    return lim < NOFILE ? (int)lim : NOFILE;
}

/* fd_install within the limit: the lowest free descriptor >= min; -EMFILE if none. */
static int fd_new(int min, struct file *f, bool cloexec)
{
    int fd = fd_install(fdt(), min, f, cloexec);
    if (fd >= fd_limit()) {
        fdt()->files[fd] = NULL;
        return -EMFILE;
    }
    return fd;
}

static struct file *fd_file(uint64_t fd)
{
    return fd_get(fdt(), (int)fd);
}

/* A user path copied into a kmalloc'd PATH_MAX buffer; empty paths are ENOENT. */
static long path_in(uint64_t upath, char **out)
{
    char *buf = kmalloc(PATH_MAX);
    if (!buf)
        return -ENOMEM;
    long n = copy_string_from_user(buf, upath, PATH_MAX);
    if (n < 0) {
        kfree(buf);
        return n;
    }
    *out = buf;
    return n;
}

/* The open file of a descriptor that must name a directory. */
static int fd_dir(uint64_t fd, struct file **out)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    if (!S_ISDIR(f->inode->mode))
        return -ENOTDIR;
    *out = f;
    return 0;
}

/* Two user paths (link, rename, symlink): both copied in, or neither (nothing to free). */
static long paths_in(uint64_t u1, uint64_t u2, char **p1, char **p2)
{
    long r = path_in(u1, p1);
    if (r < 0)
        return r;
    r = path_in(u2, p2);
    if (r < 0)
        kfree(*p1);
    return r;
}

/* The directory a *at() call starts from: the cwd for AT_FDCWD, else the descriptor's directory. */
static int at_dir(int64_t dirfd, const char *path, struct inode **dir)
{
    struct file *f;
    *dir = NULL;
    if (path[0] == '/' || dirfd == AT_FDCWD)
        return 0;
    int err = fd_dir((uint64_t)dirfd, &f);
    if (!err)
        *dir = f->inode;
    return err;
}

static int at_lookup(int64_t dirfd, const char *path, int flags, struct inode **out)
{
    struct inode *dir;
    int err = at_dir(dirfd, path, &dir);
    return err ? err : vfs_lookup(dir, path, flags, out);
}

static int at_parent(int64_t dirfd, const char *path, struct inode **parent, const char **name, size_t *len)
{
    struct inode *dir;
    int err = at_dir(dirfd, path, &dir);
    return err ? err : vfs_lookup_parent(dir, path, parent, name, len);
}

static bool name_is_dot(const char *name, size_t len)
{
    return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}

/* "name/" promises a directory: vfs_lookup_parent's name points into the path, so a slash
 * right after it means the path had trailing slashes. */
static bool name_wants_dir(const char *name, size_t len)
{
    return name[len] == '/';
}

static int attr_target(uint64_t dirfd, uint64_t upath, int flags, struct inode **ino);

/* --- open, close, read, write --- */

/* One step of O_CREAT in parent: 0 and *ino (found or made), 1 and *ino when it is a
 * symbolic link to follow, or -errno. "name/" must name a directory, which O_CREAT cannot make. */
static int open_create_in(struct inode *parent, const char *name, size_t len, uint32_t flags, uint32_t mode,
                          struct inode **ino)
{
    int err = parent->iops && parent->iops->lookup ? parent->iops->lookup(parent, name, len, ino) : -ENOENT;
    if (name_is_dot(name, len) || name_wants_dir(name, len)) {
        if (!err) {
            err = S_ISDIR((*ino)->mode) ? -EISDIR : -ENOTDIR;
            inode_put(*ino);
        }
        return err == -ENOENT ? -EISDIR : err;
    }
    if (err == -ENOENT && mount_check_write(parent))
        return -EROFS;
    if (err == -ENOENT)
        return parent->iops->create ? parent->iops->create(parent, name, len, S_IFREG |
                                      (mode & 07777 & ~current()->umask), 0, ino) : -EROFS;
    if (err)
        return err;
    if ((flags & O_EXCL) || (S_ISLNK((*ino)->mode) && (flags & O_NOFOLLOW))) {
        err = (flags & O_EXCL) ? -EEXIST : -ELOOP;
        inode_put(*ino);
        return err;
    }
    return S_ISLNK((*ino)->mode) ? 1 : 0;
}

/* O_CREAT: find or create the last component. A symbolic link there is followed, and a
 * dangling one makes its target be created (as Linux does), within the 40-link budget. */
static int open_create(int64_t dirfd, const char *path, uint32_t flags, uint32_t mode, struct inode **out)
{
    struct inode *start;
    int err = at_dir(dirfd, path, &start);
    if (err)
        return err;
    start = start ? inode_get(start) : NULL;
    char *target = NULL;
    for (int links = 0;; links++) {
        struct inode *parent, *ino;
        const char *name;
        size_t len;
        err = vfs_lookup_parent(start, path, &parent, &name, &len);
        if (err) {
            err = err == -EEXIST ? -EISDIR : err;      /* the path is "/" */
            break;
        }
        err = open_create_in(parent, name, len, flags, mode, &ino);
        if (err == 1) {
            if (!target)
                target = kmalloc(PATH_MAX);
            long n = !target ? -ENOMEM : links >= 40 ? -ELOOP : ino->iops->readlink(ino, target, PATH_MAX - 1);
            inode_put(ino);
            if (n < 0) {
                inode_put(parent);
                err = (int)n;
                break;
            }
            target[n] = 0;
            path = target;
            inode_put(start);
            start = parent;     /* a relative target is resolved from the link's directory */
            continue;
        }
        inode_put(parent);
        if (!err)
            *out = ino;
        break;
    }
    inode_put(start);
    kfree(target);
    return err;
}

SYSCALL(openat)
{
    int64_t dirfd = (int64_t)a[0];
    uint32_t flags = (uint32_t)a[2], mode = (uint32_t)a[3];
    char *path;
    long r = path_in(a[1], &path);
    if (r < 0)
        return r;
    struct inode *ino;
    int err = (flags & O_CREAT) ? open_create(dirfd, path, flags, mode, &ino)
              : at_lookup(dirfd, path, (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &ino);
    kfree(path);
    if (err)
        return err;
    uint32_t acc = flags & O_ACCMODE;
    if (S_ISLNK(ino->mode) && !(flags & O_PATH))
        err = -ELOOP;
    else if ((flags & O_DIRECTORY) && !S_ISDIR(ino->mode))
        err = -ENOTDIR;
    else if (S_ISDIR(ino->mode) && (acc != O_RDONLY || (flags & O_CREAT)))
        err = -EISDIR;
    else if ((acc != O_RDONLY || (flags & O_TRUNC)) && !(flags & O_PATH) && !S_ISCHR(ino->mode) &&
             !S_ISBLK(ino->mode) && !S_ISFIFO(ino->mode) && mount_check_write(ino))
        err = -EROFS;
    else if ((S_ISCHR(ino->mode) || S_ISBLK(ino->mode)) && !(flags & O_PATH) && mount_nodev(ino))
        err = -EACCES;
    else if ((flags & O_TRUNC) && acc != O_RDONLY && S_ISREG(ino->mode))
        err = ino->iops && ino->iops->truncate ? ino->iops->truncate(ino, 0) : -EINVAL;
    /* As Linux on 64-bit, open() always adds O_LARGEFILE (pipes do not get it). */
    struct file *f = err ? NULL : file_open_inode(ino, flags | O_LARGEFILE, &err);
    inode_put(ino);
    if (!f)
        return err;
    int fd = fd_new(0, f, flags & O_CLOEXEC);
    if (fd < 0)
        file_put(f);
    return fd;
}

SYSCALL(close)
{
    return fd_close(fdt(), (int)a[0]);
}

/* As Linux: a range that leaves user space is EFAULT; otherwise the transfer goes as far as it
 * can, so a buffer running into an unmapped page moves the bytes before it. */
static bool io_range_ok(uint64_t buf, uint64_t n)
{
    return buf < USER_TOP && n <= USER_TOP - buf;
}

static long io_plain(uint64_t fd, uint64_t buf, uint64_t n, bool writing)
{
    struct file *f = fd_file(fd);
    struct uio u = { buf, false };
    if (!f)
        return -EBADF;
    if (!io_range_ok(buf, n))
        return -EFAULT;
    return writing ? file_write(f, &u, n) : file_read(f, &u, n);
}

SYSCALL(read) { return io_plain(a[0], a[1], a[2], false); }
SYSCALL(write) { return io_plain(a[0], a[1], a[2], true); }

/* readv/writev: one iovec at a time; a short transfer ends the call. */
static long io_vector(uint64_t fd, uint64_t uiov, uint64_t cnt, bool writing, int64_t pos)
{
    struct file *f = fd_file(fd);
    struct { uint64_t base, len; } iov;
    long total = 0;
    if (!f)
        return -EBADF;
    if (cnt > IOV_MAX)
        return -EINVAL;
    /* Every length is checked before anything moves: their sum must fit in a signed size. */
    uint64_t sum = 0;
    for (uint64_t i = 0; i < cnt; i++) {
        if (copy_from_user(&iov, uiov + i * sizeof iov, sizeof iov))
            return -EFAULT;
        if (iov.len > (uint64_t)INT64_MAX - sum)
            return -EINVAL;
        sum += iov.len;
    }
    uint64_t saved = f->off;
    if (pos >= 0)
        f->off = (uint64_t)pos;
    for (uint64_t i = 0; i < cnt; i++) {
        if (copy_from_user(&iov, uiov + i * sizeof iov, sizeof iov)) {
            total = total ? total : -EFAULT;
            break;
        }
        struct uio u = { iov.base, false };
        long r = writing ? file_write(f, &u, iov.len) : file_read(f, &u, iov.len);
        if (r < 0) {
            total = total ? total : r;
            break;
        }
        total += r;
        if ((uint64_t)r < iov.len)
            break;
    }
    if (pos >= 0)
        f->off = saved;
    return total;
}

SYSCALL(readv) { return io_vector(a[0], a[1], a[2], false, -1); }
SYSCALL(writev) { return io_vector(a[0], a[1], a[2], true, -1); }

static long io_positioned(uint64_t fd, uint64_t buf, uint64_t n, int64_t pos, bool writing)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    if (pos < 0)
        return -EINVAL;
    if (!S_ISREG(f->inode->mode) && !S_ISBLK(f->inode->mode))
        return -ESPIPE;
    uint64_t saved = f->off;
    uint32_t flags = f->flags;
    f->off = (uint64_t)pos;
    f->flags &= ~(uint32_t)O_APPEND;    /* pwrite writes where it is told (unlike Linux with O_APPEND) */
    struct uio u = { buf, false };
    long r = writing ? file_write(f, &u, n) : file_read(f, &u, n);
    f->off = saved;
    f->flags = flags;
    return r;
}

SYSCALL(pread64) { return io_positioned(a[0], a[1], a[2], (int64_t)a[3], false); }
SYSCALL(pwrite64) { return io_positioned(a[0], a[1], a[2], (int64_t)a[3], true); }

/* preadv/pwritev(fd, iov, cnt, pos_l, pos_h): on 64-bit pos_l is the whole offset. The "2"
 * forms add flags (only RWF_HIPRI, RWF_DSYNC and RWF_SYNC, which change nothing here) and
 * take offset -1 to mean the file's own position. */
#define RWF_KNOWN 0x7   /* RWF_HIPRI | RWF_DSYNC | RWF_SYNC */
static long io_vector_at(const uint64_t a[6], bool writing, bool v2)
{
    int64_t pos = (int64_t)a[3];
    struct file *f = fd_file(a[0]);
    if (!f)
        return -EBADF;
    if (v2 && (a[5] & ~(uint64_t)RWF_KNOWN))
        return -EOPNOTSUPP;
    if (v2 && pos == -1)
        return io_vector(a[0], a[1], a[2], writing, -1);
    if (pos < 0)
        return -EINVAL;
    if (!S_ISREG(f->inode->mode) && !S_ISBLK(f->inode->mode))
        return -ESPIPE;
    uint32_t flags = f->flags;
    f->flags &= ~(uint32_t)O_APPEND;
    long r = io_vector(a[0], a[1], a[2], writing, pos);
    f->flags = flags;
    return r;
}

SYSCALL(preadv) { return io_vector_at(a, false, false); }
SYSCALL(pwritev) { return io_vector_at(a, true, false); }
SYSCALL(preadv2) { return io_vector_at(a, false, true); }
SYSCALL(pwritev2) { return io_vector_at(a, true, true); }

SYSCALL(lseek)
{
    struct file *f = fd_file(a[0]);
    int64_t off = (int64_t)a[1], base;
    if (!f)
        return -EBADF;
    uint32_t m = f->inode->mode;
    if (S_ISFIFO(m) || (S_ISCHR(m) && f->ops && f->ops->ioctl))
        return -ESPIPE;     /* pipes and terminals have no position */
    if (!(m & S_IFMT))
        return (long)f->off; /* eventfd, epoll, signalfd, timerfd: Linux's noop_llseek */
    if (S_ISCHR(m)) {
        f->off = 0;         /* the memory devices: any seek "succeeds" and stays at 0 */
        return 0;
    }
    switch (a[2]) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = (int64_t)f->off; break;
    case SEEK_END: base = (int64_t)(S_ISBLK(m) ? blk_size_bytes(f->inode->rdev) : f->inode->size); break;
    default: return -EINVAL;
    }
    if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
        return -EINVAL;
    f->off = (uint64_t)(base + off);
    return (long)f->off;
}

/* --- descriptors --- */

SYSCALL(dup)
{
    struct file *f = fd_file(a[0]);
    if (!f)
        return -EBADF;
    int fd = fd_new(0, file_get(f), false);
    if (fd < 0)
        file_put(f);
    return fd;
}

SYSCALL(dup3)
{
    int oldfd = (int)a[0], newfd = (int)a[1];
    struct file *f = fd_file(a[0]);
    if ((a[2] & ~(uint64_t)O_CLOEXEC) || oldfd == newfd)
        return -EINVAL;
    if (!f || newfd < 0 || newfd >= fd_limit())
        return -EBADF;
    file_get(f);
    fd_close(fdt(), newfd);
    fd_install(fdt(), newfd, f, a[2] & O_CLOEXEC);
    return newfd;
}

SYSCALL(fcntl)
{
    int fd = (int)a[0];
    struct file *f = fd_file(a[0]);
    if (!f)
        return -EBADF;
    switch (a[1]) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
        if ((int64_t)a[2] < 0 || a[2] >= (uint64_t)fd_limit())
            return -EINVAL;
        int nfd = fd_new((int)a[2], file_get(f), a[1] == F_DUPFD_CLOEXEC);
        if (nfd < 0)
            file_put(f);
        return nfd;
    }
    case F_GETFD:
        return fd_cloexec(fdt(), fd) ? FD_CLOEXEC : 0;
    case F_SETFD:
        fd_set_cloexec(fdt(), fd, a[2] & FD_CLOEXEC);
        return 0;
    case F_GETFL:
        return f->flags;
    case 5: /* F_GETLK */
    case 6: /* F_SETLK */
    case 7: /* F_SETLKW */
        if (f->flags & O_PATH)
            return -EBADF;
        return lock_fcntl(fdt(), f, (int)a[1], a[2]);
    case F_SETFL:
        /* Only these status flags may change after open. */
        f->flags = (f->flags & ~(uint32_t)(O_APPEND | O_NONBLOCK)) | ((uint32_t)a[2] & (O_APPEND | O_NONBLOCK));
        return 0;
    default:
        return -EINVAL;
    }
}

SYSCALL(pipe2)
{
    struct file *ends[2];
    int32_t fds[2];
    if (a[1] & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK))
        return -EINVAL;
    int err = pipe_create((uint32_t)a[1], ends);
    if (err)
        return err;
    fds[0] = fd_new(0, ends[0], a[1] & O_CLOEXEC);
    fds[1] = fds[0] < 0 ? -EMFILE : fd_new(0, ends[1], a[1] & O_CLOEXEC);
    if (fds[0] < 0 || fds[1] < 0) {
        if (fds[0] >= 0)
            fd_close(fdt(), fds[0]);
        else
            file_put(ends[0]);
        file_put(ends[1]);
        return -EMFILE;
    }
    if (copy_to_user(a[0], fds, sizeof fds)) {
        fd_close(fdt(), fds[0]);
        fd_close(fdt(), fds[1]);
        return -EFAULT;
    }
    return 0;
}

#define FIONREAD 0x541B

SYSCALL(ioctl)
{
    struct file *f = fd_file(a[0]);
    if (!f)
        return -EBADF;
    if (a[1] == FIONREAD && S_ISREG(f->inode->mode)) {
        int32_t left = f->off < f->inode->size ? (int32_t)(f->inode->size - f->off) : 0;
        return copy_to_user(a[2], &left, sizeof left);
    }
    if (!f->ops || !f->ops->ioctl)
        return -ENOTTY;
    return f->ops->ioctl(f, a[1], a[2]);
}

/* --- stat --- */

struct k_stat {
    uint64_t st_dev, st_ino;
    uint32_t st_mode, st_nlink, st_uid, st_gid;
    uint64_t st_rdev, pad1;
    int64_t st_size;
    int32_t st_blksize, pad2;
    int64_t st_blocks;
    int64_t st_atime, st_atime_nsec, st_mtime, st_mtime_nsec, st_ctime, st_ctime_nsec;
    uint32_t unused[2];
};
_Static_assert(sizeof(struct k_stat) == 128, "struct stat is 128 bytes on riscv64");

static int stat_out(struct inode *ino, uint64_t ubuf)
{
    struct k_stat st;
    memset(&st, 0, sizeof st);
    st.st_dev = ino->dev;
    st.st_ino = ino->ino;
    st.st_mode = ino->mode;
    st.st_nlink = ino->nlink;
    st.st_uid = ino->uid;
    st.st_gid = ino->gid;
    st.st_rdev = ino->rdev;
    st.st_size = (int64_t)ino->size;
    st.st_blksize = 4096;
    st.st_blocks = (int64_t)((ino->size + 511) / 512);
    st.st_atime = ino->atime_ns / 1000000000;
    st.st_atime_nsec = ino->atime_ns % 1000000000;
    st.st_mtime = ino->mtime_ns / 1000000000;
    st.st_mtime_nsec = ino->mtime_ns % 1000000000;
    st.st_ctime = ino->ctime_ns / 1000000000;
    st.st_ctime_nsec = ino->ctime_ns % 1000000000;
    return copy_to_user(ubuf, &st, sizeof st);
}

SYSCALL(fstat)
{
    struct file *f = fd_file(a[0]);
    return f ? stat_out(f->inode, a[1]) : -EBADF;
}

SYSCALL(newfstatat)
{
    uint64_t flags = a[3];
    if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 /* AT_NO_AUTOMOUNT */))
        return -EINVAL;
    char *path;
    long r = path_in(a[1], &path);
    if (r < 0)
        return r;
    struct inode *ino;
    int err;
    if (!path[0] && (flags & AT_EMPTY_PATH)) {
        kfree(path);
        if ((int64_t)a[0] == AT_FDCWD)
            return stat_out(current()->cwd, a[2]);
        struct file *f = fd_file(a[0]);
        return f ? stat_out(f->inode, a[2]) : -EBADF;
    }
    err = at_lookup((int64_t)a[0], path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &ino);
    kfree(path);
    if (err)
        return err;
    err = stat_out(ino, a[2]);
    inode_put(ino);
    return err;
}

static long access_check(uint64_t dirfd, uint64_t upath, uint64_t mode, uint64_t flags)
{
    if (mode & ~(uint64_t)(R_OK | W_OK | X_OK))
        return -EINVAL;
    if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH))
        return -EINVAL;
    char *path;
    long r = path_in(upath, &path);
    if (r < 0)
        return r;
    struct inode *ino;
    int err;
    if (!path[0] && (flags & AT_EMPTY_PATH)) {
        struct file *f = (int64_t)dirfd == AT_FDCWD ? NULL : fd_file(dirfd);
        err = (int64_t)dirfd == AT_FDCWD ? (ino = inode_get(current()->cwd), 0) : f ? (ino = inode_get(f->inode), 0)
                                                                                  : -EBADF;
    } else {
        err = at_lookup((int64_t)dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &ino);
    }
    kfree(path);
    if (err)
        return err;
    /* Every process runs as root: only execute permission can be missing. */
    if ((mode & X_OK) && !S_ISDIR(ino->mode) && (!(ino->mode & 0111) || (S_ISREG(ino->mode) && mount_noexec(ino))))
        err = -EACCES;
    else if ((mode & W_OK) && !S_ISCHR(ino->mode) && !S_ISFIFO(ino->mode) && mount_check_write(ino))
        err = -EROFS;
    inode_put(ino);
    return err;
}

SYSCALL(faccessat) { return access_check(a[0], a[1], a[2], 0); }
SYSCALL(faccessat2) { return access_check(a[0], a[1], a[2], a[3]); }

SYSCALL(truncate)
{
    struct inode *ino;
    if ((int64_t)a[1] < 0)
        return -EINVAL;
    int err = attr_target((uint64_t)AT_FDCWD, a[0], LOOKUP_FOLLOW, &ino);
    if (err)
        return err;
    err = S_ISDIR(ino->mode) ? -EISDIR : !S_ISREG(ino->mode) || !ino->iops || !ino->iops->truncate ? -EINVAL
          : mount_check_write(ino) ? -EROFS : ino->iops->truncate(ino, a[1]);
    inode_put(ino);
    return err;
}

/* --- names --- */

static long name_op_create(uint64_t dirfd, uint64_t upath, uint32_t mode, uint32_t rdev)
{
    char *path;
    long r = path_in(upath, &path);
    if (r < 0)
        return r;
    struct inode *parent, *ino;
    const char *name;
    size_t len;
    int err = at_parent((int64_t)dirfd, path, &parent, &name, &len);
    if (!err) {
        err = name_is_dot(name, len) ? -EEXIST : mount_check_write(parent) ? -EROFS : parent->iops && parent->iops->create
              ? parent->iops->create(parent, name, len, mode, rdev, &ino) : -EROFS;
        if (!err)
            inode_put(ino);
        inode_put(parent);
    }
    kfree(path);
    return err;
}

SYSCALL(mkdirat)
{
    return name_op_create(a[0], a[1], S_IFDIR | ((uint32_t)a[2] & 07777 & ~current()->umask), 0);
}

SYSCALL(mknodat)
{
    uint32_t mode = (uint32_t)a[2], type = mode & S_IFMT;
    if (type == 0)
        type = S_IFREG;
    if (type != S_IFREG && type != S_IFCHR && type != S_IFBLK && type != S_IFIFO)
        return -EINVAL;
    return name_op_create(a[0], a[1], type | (mode & 07777 & ~current()->umask), (uint32_t)a[3]);
}

SYSCALL(unlinkat)
{
    if (a[2] & ~(uint64_t)AT_REMOVEDIR)
        return -EINVAL;
    char *path;
    long r = path_in(a[1], &path);
    if (r < 0)
        return r;
    struct inode *parent;
    const char *name;
    size_t len;
    bool rmdir = a[2] & AT_REMOVEDIR;
    int err = at_parent((int64_t)a[0], path, &parent, &name, &len);
    if (!err) {
        struct inode *victim;
        if (name_is_dot(name, len))
            err = rmdir ? (len == 1 ? -EINVAL : -ENOTEMPTY) : -EISDIR;
        else if (!rmdir && name_wants_dir(name, len) && parent->iops->lookup(parent, name, len, &victim) == 0) {
            err = S_ISDIR(victim->mode) ? -EISDIR : -ENOTDIR;   /* "file/" names no directory */
            inode_put(victim);
        } else if (mount_check_write(parent)) {
            err = -EROFS;
        } else
            err = parent->iops && parent->iops->unlink ? parent->iops->unlink(parent, name, len, rmdir) : -EROFS;
        inode_put(parent);
    } else if (err == -EEXIST) {
        err = rmdir ? -EBUSY : -EISDIR;     /* "/" itself */
    }
    kfree(path);
    return err;
}

SYSCALL(symlinkat)
{
    char *target, *path;
    long r = paths_in(a[0], a[2], &target, &path);
    if (r < 0)
        return r;
    struct inode *parent;
    const char *name;
    size_t len;
    int err = target[0] ? at_parent((int64_t)a[1], path, &parent, &name, &len) : -ENOENT;
    if (!err) {
        err = mount_check_write(parent) ? -EROFS : parent->iops && parent->iops->symlink
              ? parent->iops->symlink(parent, name, len, target) : -EROFS;
        inode_put(parent);
    }
    kfree(target);
    kfree(path);
    return err;
}

SYSCALL(readlinkat)
{
    if ((int64_t)a[3] <= 0)
        return -EINVAL;
    char *path;
    long r = path_in(a[1], &path);
    if (r < 0)
        return r;
    struct inode *ino;
    int err;
    struct file *f;
    if (!path[0] && (int64_t)a[0] != AT_FDCWD && (f = fd_file(a[0])) && S_ISLNK(f->inode->mode))
        err = (ino = inode_get(f->inode), 0);   /* "" and an O_PATH descriptor of a link: that link */
    else
        err = at_lookup((int64_t)a[0], path, 0, &ino);
    kfree(path);
    if (err)
        return err;
    char *buf = kmalloc(PATH_MAX);
    long n = !buf ? -ENOMEM : !S_ISLNK(ino->mode) || !ino->iops->readlink ? -EINVAL
             : ino->iops->readlink(ino, buf, a[3] < PATH_MAX ? a[3] : PATH_MAX);
    if (n > 0 && copy_to_user(a[2], buf, (size_t)n))
        n = -EFAULT;
    kfree(buf);
    inode_put(ino);
    return n;
}

SYSCALL(linkat)
{
    if (a[4] & ~(uint64_t)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    char *oldp, *newp;
    long r = paths_in(a[1], a[3], &oldp, &newp);
    if (r < 0)
        return r;
    struct inode *target, *parent;
    const char *name;
    size_t len;
    int err;
    if (!oldp[0] && (a[4] & AT_EMPTY_PATH)) {
        /* The descriptor's own file (even one opened with O_PATH); AT_FDCWD names the cwd. */
        struct file *f = (int64_t)a[0] == AT_FDCWD ? NULL : fd_file(a[0]);
        err = (int64_t)a[0] == AT_FDCWD ? -EISDIR : !f ? -EBADF : (target = inode_get(f->inode), 0);
        if (!err && S_ISDIR(target->mode)) {
            inode_put(target);
            err = -EISDIR;
        }
    } else {
        err = at_lookup((int64_t)a[0], oldp, (a[4] & AT_SYMLINK_FOLLOW) ? LOOKUP_FOLLOW : 0, &target);
    }
    if (!err) {
        err = at_parent((int64_t)a[2], newp, &parent, &name, &len);
        if (!err) {
            err = parent->dev != target->dev ? -EXDEV : name_is_dot(name, len) ? -EEXIST :
                  mount_check_write(parent) ? -EROFS :
                  parent->iops && parent->iops->link ? parent->iops->link(parent, name, len, target) : -EPERM;
            inode_put(parent);
        }
        inode_put(target);
    }
    kfree(oldp);
    kfree(newp);
    return err;
}

SYSCALL(renameat2)
{
    if ((a[4] & ~(uint64_t)(RENAME_NOREPLACE | RENAME_EXCHANGE)) ||
        ((a[4] & RENAME_NOREPLACE) && (a[4] & RENAME_EXCHANGE)))
        return -EINVAL;     /* RENAME_WHITEOUT (overlay file systems) is not offered */
    char *oldp, *newp;
    long r = paths_in(a[1], a[3], &oldp, &newp);
    if (r < 0)
        return r;
    struct inode *od, *nd, *existing;
    const char *on, *nn;
    size_t ol, nl;
    int err = at_parent((int64_t)a[0], oldp, &od, &on, &ol);
    if (!err) {
        err = at_parent((int64_t)a[2], newp, &nd, &nn, &nl);
        if (!err) {
            struct inode *src = NULL;
            if (name_is_dot(on, ol) || name_is_dot(nn, nl))
                err = -EBUSY;
            else if ((name_wants_dir(on, ol) || name_wants_dir(nn, nl)) &&
                     od->iops->lookup(od, on, ol, &src) == 0 && !S_ISDIR(src->mode))
                err = -ENOTDIR;     /* "file/" names no directory */
            else if (od->dev != nd->dev)
                err = -EXDEV;
            else if (mount_check_write(od) || mount_check_write(nd))
                err = -EROFS;
            else if (a[4] & RENAME_EXCHANGE)
                err = od->iops && od->iops->exchange ? od->iops->exchange(od, on, ol, nd, nn, nl) : -EINVAL;
            else if ((a[4] & RENAME_NOREPLACE) && nd->iops->lookup(nd, nn, nl, &existing) == 0) {
                inode_put(existing);
                err = -EEXIST;
            } else {
                err = od->iops && od->iops->rename ? od->iops->rename(od, on, ol, nd, nn, nl) : -EROFS;
            }
            inode_put(src);
            inode_put(nd);
        }
        inode_put(od);
    }
    kfree(oldp);
    kfree(newp);
    return err;
}

/* --- directories --- */

struct dirent_ctx {
    uint64_t ubuf, size, used;
    int err;
    bool full;          /* an entry did not fit */
    const uint64_t *pos;    /* the directory position of the entry being emitted */
};

static int dirent_emit(void *arg, const char *name, size_t len, uint64_t ino, unsigned type)
{
    struct dirent_ctx *c = arg;
    uint8_t rec[8 + 8 + 2 + 1 + NAME_MAX + 1 + 8];
    size_t reclen = (19 + len + 1 + 7) & ~(size_t)7;
    if (c->used + reclen > c->size) {
        c->full = true;
        return 1;
    }
    memset(rec, 0, reclen);
    int64_t off = (int64_t)*c->pos + 1;     /* where the next entry starts: lseek/seekdir work */
    uint16_t rl = (uint16_t)reclen;
    memcpy(rec, &ino, 8);
    memcpy(rec + 8, &off, 8);
    memcpy(rec + 16, &rl, 2);
    rec[18] = (uint8_t)type;
    memcpy(rec + 19, name, len);
    if (copy_to_user(c->ubuf + c->used, rec, reclen)) {
        c->err = -EFAULT;
        return 1;
    }
    c->used += reclen;
    return 0;
}

SYSCALL(getdents64)
{
    struct file *f;
    int err = fd_dir(a[0], &f);
    if (err)
        return err;
    struct dirent_ctx c = { a[1], a[2], 0, 0, false, &f->off };
    struct inode *d = f->inode;
    if (d->nlink == 0)
        return -ENOENT;     /* removed while open */
    if (!d->iops || !d->iops->readdir)
        return 0;
    d->iops->readdir(d, &f->off, dirent_emit, &c);
    if (c.err && c.used == 0)
        return c.err;
    if (c.used == 0 && c.full)
        return -EINVAL;     /* the buffer cannot hold even one entry */
    return (long)c.used;
}

/* Takes over the caller's reference to dir. */
static void set_cwd(struct inode *dir)
{
    inode_put(current()->cwd);
    current()->cwd = dir;
    thread_fs_changed(current());
}

SYSCALL(chdir)
{
    char *path;
    long r = path_in(a[0], &path);
    if (r < 0)
        return r;
    struct inode *ino;
    int err = vfs_lookup(NULL, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &ino);
    kfree(path);
    if (!err)
        set_cwd(ino);
    return err;
}

SYSCALL(fchdir)
{
    struct file *f;
    int err = fd_dir(a[0], &f);
    if (!err)
        set_cwd(inode_get(f->inode));
    return err;
}

struct find_ctx {
    uint64_t ino;
    char name[NAME_MAX + 1];
    bool found;
};

static int find_emit(void *arg, const char *name, size_t len, uint64_t ino, unsigned type)
{
    (void)type;
    struct find_ctx *c = arg;
    if (ino != c->ino || name_is_dot(name, len))
        return 0;
    memcpy(c->name, name, len);
    c->name[len] = 0;
    c->found = true;
    return 1;
}

/* Build the path of dir by looking each directory up in its parent, from the leaf upwards. */
long vfs_path_of(struct inode *dir, char *buf, size_t size)
{
    size_t pos = size - 1;
    buf[pos] = 0;
    struct inode *d = dir;
    while (d != vfs_root()) {
        struct inode *top = d;
        while (top->covered)
            top = top->covered;
        struct inode *parent = top->parent;
        if (!parent || parent == top)
            break;
        struct find_ctx c = { .ino = top->ino };
        uint64_t p = 0;
        parent->iops->readdir(parent, &p, find_emit, &c);
        if (!c.found)
            return -ENOENT;
        size_t len = strlen(c.name);
        if (len + 1 > pos)
            return -ERANGE;
        pos -= len;
        memcpy(buf + pos, c.name, len);
        buf[--pos] = '/';
        d = parent;
    }
    if (pos == size - 1)
        buf[--pos] = '/';
    memmove(buf, buf + pos, size - pos);
    return (long)(size - pos);
}

SYSCALL(getcwd)
{
    char *buf = kmalloc(PATH_MAX);
    if (!buf)
        return -ENOMEM;
    long n = vfs_path_of(current()->cwd, buf, PATH_MAX);
    if (n > 0 && (uint64_t)n > a[1])
        n = -ERANGE;
    if (n > 0 && copy_to_user(a[0], buf, (size_t)n))
        n = -EFAULT;
    kfree(buf);
    return n;
}

/* --- attributes --- */

SYSCALL(ftruncate)
{
    struct file *f = fd_file(a[0]);
    if (!f)
        return -EBADF;
    if ((int64_t)a[1] < 0)
        return -EINVAL;
    if (!S_ISREG(f->inode->mode) || (f->flags & O_ACCMODE) == O_RDONLY)
        return -EINVAL;
    if (!f->inode->iops || !f->inode->iops->truncate)
        return -EINVAL;
    if (mount_check_write(f->inode))
        return -EROFS;
    return f->inode->iops->truncate(f->inode, a[1]);
}

SYSCALL(umask)
{
    uint32_t old = current()->umask;
    current()->umask = (uint32_t)a[0] & 0777;
    thread_fs_changed(current());
    return old;
}

static int attr_target(uint64_t dirfd, uint64_t upath, int flags, struct inode **ino)
{
    char *path;
    long r = path_in(upath, &path);
    if (r < 0)
        return (int)r;
    int err = at_lookup((int64_t)dirfd, path, flags, ino);
    kfree(path);
    return err;
}

static int chmod_inode(struct inode *ino, uint32_t mode)
{
    if (mount_check_write(ino))
        return -EROFS;
    ino->mode = (ino->mode & S_IFMT) | (mode & 07777);
    ino->ctime_ns = (int64_t)vfs_now_ns();
    return 0;
}

SYSCALL(fchmodat)
{
    struct inode *ino;
    int err = attr_target(a[0], a[1], LOOKUP_FOLLOW, &ino);
    if (err)
        return err;
    err = chmod_inode(ino, (uint32_t)a[2]);
    inode_put(ino);
    return err;
}

SYSCALL(fchmod)
{
    struct file *f = fd_file(a[0]);
    if (!f || (f->flags & O_PATH))
        return -EBADF;
    return chmod_inode(f->inode, (uint32_t)a[1]);
}

/* As root: any owner may be given; -1 keeps one. A change by root keeps set-user-ID and
 * set-group-ID bits on non-executables only, as Linux clears them otherwise. */
static int chown_inode(struct inode *ino, uint32_t uid, uint32_t gid)
{
    if (mount_check_write(ino))
        return -EROFS;
    if (uid != (uint32_t)-1)
        ino->uid = uid;
    if (gid != (uint32_t)-1)
        ino->gid = gid;
    if ((uid != (uint32_t)-1 || gid != (uint32_t)-1) && !S_ISDIR(ino->mode) && (ino->mode & 0111))
        ino->mode &= ~(uint32_t)06000;
    ino->ctime_ns = (int64_t)vfs_now_ns();
    return 0;
}

SYSCALL(fchownat)
{
    struct inode *ino;
    if (a[4] & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    char *path;
    long r = path_in(a[1], &path);
    if (r < 0)
        return r;
    int err;
    if (!path[0] && (a[4] & AT_EMPTY_PATH)) {
        struct file *f = (int64_t)a[0] == AT_FDCWD ? NULL : fd_file(a[0]);
        err = (int64_t)a[0] == AT_FDCWD ? (ino = inode_get(current()->cwd), 0) : f ? (ino = inode_get(f->inode), 0)
                                                                                 : -EBADF;
    } else {
        err = at_lookup((int64_t)a[0], path, (a[4] & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &ino);
    }
    kfree(path);
    if (err)
        return err;
    err = chown_inode(ino, (uint32_t)a[2], (uint32_t)a[3]);
    inode_put(ino);
    return err;
}

SYSCALL(fchown)
{
    struct file *f = fd_file(a[0]);
    if (!f || (f->flags & O_PATH))
        return -EBADF;
    return chown_inode(f->inode, (uint32_t)a[1], (uint32_t)a[2]);
}

static void utime_set(int64_t *field, const int64_t ts[2])
{
    if (!ts || ts[1] == UTIME_NOW)
        *field = (int64_t)vfs_now_ns();
    else if (ts[1] != UTIME_OMIT)
        *field = ts[0] * 1000000000 + ts[1];
}

SYSCALL(utimensat)
{
    int64_t ts[4];
    if (a[2] && copy_from_user(ts, a[2], sizeof ts))
        return -EFAULT;
    for (int i = 0; a[2] && i < 2; i++)
        if (ts[2 * i + 1] != UTIME_NOW && ts[2 * i + 1] != UTIME_OMIT &&
            (ts[2 * i + 1] < 0 || ts[2 * i + 1] >= 1000000000))
            return -EINVAL;
    struct inode *ino;
    int err;
    if (a[3] & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    if (!a[1]) {
        if ((int64_t)a[0] == AT_FDCWD)
            return -EFAULT;     /* as Linux: a NULL path needs a descriptor */
        struct file *f = fd_file(a[0]);
        if (!f)
            return -EBADF;
        ino = inode_get(f->inode);
    } else if ((err = attr_target(a[0], a[1], (a[3] & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &ino))) {
        return err;
    }
    if (mount_check_write(ino)) {
        inode_put(ino);
        return -EROFS;
    }
    utime_set(&ino->atime_ns, a[2] ? &ts[0] : NULL);
    utime_set(&ino->mtime_ns, a[2] ? &ts[2] : NULL);
    ino->ctime_ns = (int64_t)vfs_now_ns();
    inode_put(ino);
    return 0;
}

/* Disk file systems write back; RAM ones have nothing to do. sync(2) cannot fail. */
SYSCALL(sync) { (void)a; mount_sync_all(); return 0; }

SYSCALL(fsync)
{
    struct file *f = fd_file(a[0]);
    if (!f || (f->flags & O_PATH))
        return -EBADF;
    /* As Linux: only files with storage behind them can be synced; pipes, character devices,
     * the tty and the anonymous descriptors give EINVAL. */
    uint32_t mode = f->inode ? f->inode->mode : 0;
    if (!(S_ISREG(mode) || S_ISDIR(mode) || S_ISBLK(mode)))
        return -EINVAL;
    /* The file system's fsync (ext2: pages, inode, metadata, flush), else the dirty
     * page-cache pages through writepage (none for ramfs). */
    if (f->inode->iops && f->inode->iops->fsync)
        return f->inode->iops->fsync(f->inode) ? -EIO : 0;
    if (S_ISREG(mode) && pagecache_sync(f->inode, 0, PAGECACHE_MAX_PAGES))
        return -EIO;
    if (S_ISBLK(mode))
        return blk_fsync_rdev(f->inode->rdev);      /* blk */
    return 0;
}

/* --- abi2: statx, extended attributes, close_range --- */

/* The inode that (dirfd, path, AT_* flags) names, referenced; the path rules of newfstatat. */
static int stat_target(uint64_t dirfd, uint64_t upath, uint64_t flags, struct inode **out)
{
    char *path;
    long r = path_in(upath, &path);
    if (r < 0)
        return (int)r;
    int err = 0;
    if (!path[0] && (flags & AT_EMPTY_PATH)) {
        if ((int64_t)dirfd == AT_FDCWD) {
            *out = inode_get(current()->cwd);
        } else {
            struct file *f = fd_file(dirfd);
            if (f)
                *out = inode_get(f->inode);
            else
                err = -EBADF;
        }
    } else {
        err = at_lookup((int64_t)dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, out);
    }
    kfree(path);
    return err;
}

struct k_statx_ts { int64_t sec; uint32_t nsec; int32_t pad; };
struct k_statx {
    uint32_t mask, blksize;
    uint64_t attributes;
    uint32_t nlink, uid, gid;
    uint16_t mode, pad0;
    uint64_t ino, size, blocks, attributes_mask;
    struct k_statx_ts atime, btime, ctime, mtime;
    uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
    uint64_t mnt_id;
    uint32_t dio_mem_align, dio_offset_align;
    uint64_t spare[12];
};
_Static_assert(sizeof(struct k_statx) == 256, "struct statx is 256 bytes");

#define STATX_BASIC_STATS 0x7ffu
#define STATX_RESERVED    0x80000000u
#define AT_STATX_FORCE_SYNC 0x2000
#define AT_STATX_DONT_SYNC  0x4000

static void statx_ts(struct k_statx_ts *t, int64_t ns)
{
    t->sec = ns / 1000000000;
    t->nsec = (uint32_t)(ns % 1000000000);
}

/* statx(dirfd, path, flags, mask, buf): every basic field is always filled (the mask asked for
 * is only a hint); no birth time, so STATX_BTIME is never in the answer's mask. */
SYSCALL(statx)
{
    uint64_t flags = a[2];
    if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 | AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC))
        return -EINVAL;
    if ((flags & AT_STATX_FORCE_SYNC) && (flags & AT_STATX_DONT_SYNC))
        return -EINVAL;
    if ((uint32_t)a[3] & STATX_RESERVED)
        return -EINVAL;
    struct inode *ino;
    int err = stat_target(a[0], a[1], flags, &ino);
    if (err)
        return err;
    struct k_statx sx;
    memset(&sx, 0, sizeof sx);
    sx.mask = STATX_BASIC_STATS;
    sx.blksize = 4096;
    sx.nlink = ino->nlink;
    sx.uid = ino->uid;
    sx.gid = ino->gid;
    sx.mode = (uint16_t)ino->mode;
    sx.ino = ino->ino;
    sx.size = ino->size;
    sx.blocks = (ino->size + 511) / 512;
    statx_ts(&sx.atime, ino->atime_ns);
    statx_ts(&sx.mtime, ino->mtime_ns);
    statx_ts(&sx.ctime, ino->ctime_ns);
    sx.rdev_major = ino->rdev >> 8;
    sx.rdev_minor = ino->rdev & 0xff;
    sx.dev_major = ino->dev >> 8;
    sx.dev_minor = ino->dev & 0xff;
    inode_put(ino);
    return copy_to_user(a[4], &sx, sizeof sx) ? -EFAULT : 0;
}

/* Extended attributes: no file system here stores any (like Linux's ramfs). The target and
 * the name are checked as Linux does, then get/set/remove are -EOPNOTSUPP and list is empty. */
#define XATTR_NAME_MAX 255
#define XATTR_CREATE  1
#define XATTR_REPLACE 2

static int xattr_name(uint64_t uname)
{
    char name[XATTR_NAME_MAX + 1];
    long n = copy_string_from_user(name, uname, sizeof name);
    if (n == -ENAMETOOLONG || n == 0)
        return -ERANGE;
    return n < 0 ? (int)n : 0;
}

/* kind: 0 path (follow), 1 path (no follow), 2 descriptor. */
static int xattr_target(int kind, uint64_t target)
{
    if (kind == 2)
        return fd_file(target) ? 0 : -EBADF;
    struct inode *ino;
    int err = stat_target((uint64_t)(int64_t)AT_FDCWD, target, kind ? AT_SYMLINK_NOFOLLOW : 0, &ino);
    if (!err)
        inode_put(ino);
    return err;
}

static long xattr_set(int kind, const uint64_t a[6])
{
    int err = xattr_target(kind, a[0]);
    if (!err)
        err = xattr_name(a[1]);
    if (!err && (a[4] & ~(uint64_t)(XATTR_CREATE | XATTR_REPLACE)))
        err = -EINVAL;
    if (!err && a[3] > 65536)
        err = -E2BIG;
    return err ? err : -EOPNOTSUPP;
}

static long xattr_get(int kind, const uint64_t a[6])
{
    int err = xattr_target(kind, a[0]);
    if (!err)
        err = xattr_name(a[1]);
    return err ? err : -EOPNOTSUPP;
}

static long xattr_list(int kind, const uint64_t a[6])
{
    int err = xattr_target(kind, a[0]);
    return err ? err : 0;
}

static long xattr_remove(int kind, const uint64_t a[6])
{
    int err = xattr_target(kind, a[0]);
    if (!err)
        err = xattr_name(a[1]);
    return err ? err : -EOPNOTSUPP;
}

SYSCALL(setxattr) { return xattr_set(0, a); }
SYSCALL(lsetxattr) { return xattr_set(1, a); }
SYSCALL(fsetxattr) { return xattr_set(2, a); }
SYSCALL(getxattr) { return xattr_get(0, a); }
SYSCALL(lgetxattr) { return xattr_get(1, a); }
SYSCALL(fgetxattr) { return xattr_get(2, a); }
SYSCALL(listxattr) { return xattr_list(0, a); }
SYSCALL(llistxattr) { return xattr_list(1, a); }
SYSCALL(flistxattr) { return xattr_list(2, a); }
SYSCALL(removexattr) { return xattr_remove(0, a); }
SYSCALL(lremovexattr) { return xattr_remove(1, a); }
SYSCALL(fremovexattr) { return xattr_remove(2, a); }

/* close_range(first, last, flags): close (or, with CLOSE_RANGE_CLOEXEC, mark close-on-exec)
 * every open descriptor in [first, last]. CLOSE_RANGE_UNSHARE is accepted: descriptor tables
 * are never shared between processes here, so there is nothing to unshare. */
#define CLOSE_RANGE_UNSHARE 2
#define CLOSE_RANGE_CLOEXEC 4
SYSCALL(close_range)
{
    uint32_t first = (uint32_t)a[0], last = (uint32_t)a[1];
    if ((a[2] & ~(uint64_t)(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) || first > last)
        return -EINVAL;
    for (uint32_t fd = first; fd <= last && fd < NOFILE; fd++) {
        if (!fd_get(fdt(), (int)fd))
            continue;
        if (a[2] & CLOSE_RANGE_CLOEXEC)
            fd_set_cloexec(fdt(), (int)fd, true);
        else
            fd_close(fdt(), (int)fd);
    }
    return 0;
}
