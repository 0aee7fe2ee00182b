/* Mounts: a table of attached file-system instances over the VFS's covered/mounted links
 * (vfs_mount), the types mount(2) can make (ramfs, tmpfs, proc, devtmpfs; rootfs at boot),
 * MS_REMOUNT and per-mount flags, umount2 with busy checks and MNT_DETACH, statfs. */
#include "fs/mount.h"
#include "fs/flusher.h"
#include "fs/ramfs.h"
#include "fs/procfs.h"
#include "dev/console.h"
#include "fs/fdtable.h"
#include "proc/sys.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/vm.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "lib/printf.h"
#include "fs/ext2/ext2.h"

#define NMOUNT 32
#define MS_MGC_MSK 0xffff0000UL
#define MS_MGC_VAL 0xc0ed0000UL
/* Flags that belong to one mount (changed by MS_REMOUNT). */
#define MS_PER_MOUNT (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS | MS_DIRSYNC | \
                      MS_NOATIME | MS_NODIRATIME | MS_NOSYMFOLLOW | MS_LAZYTIME)
#define MS_PROPAGATION (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)
/* statfs f_flags */
#define ST_RDONLY 1
#define ST_NOSUID 2
#define ST_NODEV 4
#define ST_NOEXEC 8
#define ST_SYNCHRONOUS 16
#define ST_VALID 32
#define ST_NOATIME 1024
#define ST_RELATIME 4096

static struct {
    struct mount m[NMOUNT];     /* in mount order, no gaps */
    int n;
    uint32_t next_dev;
} mounts = { .next_dev = 16 };

/* --- ramfs and tmpfs --- */

/* "123", "64k", "2m", "1g" or (tmpfs size) "50%" of RAM, in bytes (units) or pages. */
static int parse_size(const char *v, bool pages_pct, uint64_t *out)
{
    uint64_t n = 0;
    if (!*v)
        return -EINVAL;
    for (; *v >= '0' && *v <= '9'; v++) {
        if (n > (UINT64_MAX - 9) / 10)
            return -EINVAL;
        n = n * 10 + (uint64_t)(*v - '0');
    }
    uint64_t mul = 1;
    switch (*v) {
    case 0: break;
    case 'k': case 'K': mul = 1024; v++; break;
    case 'm': case 'M': mul = 1024 * 1024; v++; break;
    case 'g': case 'G': mul = 1024 * 1024 * 1024; v++; break;
    case '%':
        if (!pages_pct)
            return -EINVAL;
        v++;
        n = page_total_count() * n / 100 * PAGE_SIZE;
        break;
    default: return -EINVAL;
    }
    if (*v || (n && mul > UINT64_MAX / n))
        return -EINVAL;
    *out = n * mul;
    return 0;
}

/* tmpfs options: size=, nr_inodes=, mode=, uid=, gid=; also ro/rw and the like, which
 * Linux accepts in the data string as well. */
static int tmpfs_options(struct mount *m, char *opts, bool tmpfs, bool remount)
{
    for (char *s = opts; s && *s;) {
        char *opt = s;
        while (*s && *s != ',')
            s++;
        if (*s)
            *s++ = 0;
        char *val = opt;
        while (*val && *val != '=')
            val++;
        if (*val)
            *val++ = 0;
        else
            val = NULL;
        uint64_t n;
        if (!*opt)
            continue;
        if (!strcmp(opt, "rw") || !strcmp(opt, "ro") || !strcmp(opt, "relatime") || !strcmp(opt, "noatime"))
            continue;
        if (!strcmp(opt, "mode") && val) {
            uint32_t mode = 0;
            for (const char *v = val; *v; v++) {
                if (*v < '0' || *v > '7')
                    return -EINVAL;
                mode = mode * 8 + (uint32_t)(*v - '0');
            }
            if (mode > 07777)
                return -EINVAL;
            if (!remount)
                m->mode = mode;
        } else if (tmpfs && !strcmp(opt, "size") && val) {
            if (parse_size(val, true, &n))
                return -EINVAL;
            m->max_pages = (n + PAGE_SIZE - 1) / PAGE_SIZE;
            m->size_given = true;
        } else if (tmpfs && (!strcmp(opt, "nr_blocks")) && val) {
            if (parse_size(val, false, &n))
                return -EINVAL;
            m->max_pages = n;
            m->size_given = true;
        } else if (tmpfs && !strcmp(opt, "nr_inodes") && val) {
            if (parse_size(val, false, &n))
                return -EINVAL;
            m->max_inodes = n;
            m->inodes_given = true;
        } else if (tmpfs && (!strcmp(opt, "uid") || !strcmp(opt, "gid")) && val) {
            continue;   /* everything belongs to root */
        } else if (tmpfs) {
            return -EINVAL;     /* tmpfs refuses what it does not know; ramfs ignores it */
        }
    }
    return 0;
}

static int ramfs_fill(struct mount *m, const char *source, char *opts)
{
    (void)source;
    m->mode = 0755;
    int err = tmpfs_options(m, opts, false, false);
    if (err)
        return err;
    m->root = ramfs_new_instance(m->dev, 0, 0, m->mode);
    return m->root ? 0 : -ENOMEM;
}

static int tmpfs_fill(struct mount *m, const char *source, char *opts)
{
    (void)source;
    m->mode = 01777;
    m->max_pages = page_total_count() / 2;      /* Linux's defaults: half of RAM, */
    m->max_inodes = page_total_count() / 2;     /* as many inodes as pages in it */
    int err = tmpfs_options(m, opts, true, false);
    if (err)
        return err;
    m->root = ramfs_new_instance(m->dev, m->max_pages, m->max_inodes, m->mode);
    return m->root ? 0 : -ENOMEM;
}

static int tmpfs_remount(struct mount *m, char *opts)
{
    struct mount copy = *m;
    int err = tmpfs_options(&copy, opts, true, true);
    if (!err)
        err = ramfs_set_limits(m->root, copy.max_pages, copy.max_inodes);
    if (!err)
        *m = copy;
    return err;
}

static void ramfs_statfs(struct mount *m, struct k_statfs *st)
{
    uint64_t pages, inodes;
    ramfs_usage(m->root, &pages, &inodes);
    st->f_blocks = page_total_count();
    st->f_bfree = st->f_bavail = page_free_count();
}

static void tmpfs_statfs(struct mount *m, struct k_statfs *st)
{
    uint64_t pages, inodes;
    ramfs_usage(m->root, &pages, &inodes);
    st->f_blocks = m->max_pages;
    st->f_bfree = st->f_bavail = m->max_pages > pages ? m->max_pages - pages : 0;
    st->f_files = m->max_inodes;
    st->f_ffree = m->max_inodes > inodes ? m->max_inodes - inodes : 0;
    if (!m->max_pages) {        /* size=0: no limit, the figures are the allocator's */
        st->f_blocks = page_total_count();
        st->f_bfree = st->f_bavail = page_free_count();
    }
}

static size_t ramfs_show(struct mount *m, char *buf, size_t n)
{
    return m->mode != 0755 ? (size_t)ksnprintf(buf, n, ",mode=%o", m->mode) : 0;
}

static size_t tmpfs_show(struct mount *m, char *buf, size_t n)
{
    size_t len = 0;
    if (m->size_given && len < n)
        len += (size_t)ksnprintf(buf + len, n - len, ",size=%luk", m->max_pages * (PAGE_SIZE / 1024));
    if (m->inodes_given && len < n)
        len += (size_t)ksnprintf(buf + len, n - len, ",nr_inodes=%lu", m->max_inodes);
    if (m->mode != 01777 && len < n)
        len += (size_t)ksnprintf(buf + len, n - len, ",mode=%03o", m->mode);
    return len;
}

static void ramfs_kill(struct mount *m)
{
    ramfs_clear(m->root);
}

/* --- proc --- */

static int proc_fill(struct mount *m, const char *source, char *opts)
{
    (void)source;
    (void)opts;
    m->root = procfs_new_root();
    return m->root ? 0 : -ENOMEM;
}

static void proc_statfs(struct mount *m, struct k_statfs *st)
{
    (void)m;
    (void)st;   /* as Linux: no block or inode figures */
}

/* --- views of another directory: MS_BIND and devtmpfs --- */

/* The view's root is an inode of its own (a directory can be covered only once) whose
 * operations are the shown directory's, applied to that directory. */
static struct inode *alias_target(struct inode *dir) { return dir->priv; }

static int alias_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
    struct inode *t = alias_target(dir);
    return t->iops && t->iops->lookup ? t->iops->lookup(t, name, len, out) : -ENOENT;
}

static int alias_create(struct inode *dir, const char *name, size_t len, uint32_t mode, uint32_t rdev,
                        struct inode **out)
{
    struct inode *t = alias_target(dir);
    return t->iops && t->iops->create ? t->iops->create(t, name, len, mode, rdev, out) : -EROFS;
}

static int alias_link(struct inode *dir, const char *name, size_t len, struct inode *target)
{
    struct inode *t = alias_target(dir);
    return t->iops && t->iops->link ? t->iops->link(t, name, len, target) : -EPERM;
}

static int alias_unlink(struct inode *dir, const char *name, size_t len, bool dir_only)
{
    struct inode *t = alias_target(dir);
    return t->iops && t->iops->unlink ? t->iops->unlink(t, name, len, dir_only) : -EROFS;
}

static int alias_rename(struct inode *odir, const char *oname, size_t olen,
                        struct inode *ndir, const char *nname, size_t nlen)
{
    if (odir != ndir)
        return -EXDEV;
    struct inode *t = alias_target(odir);
    return t->iops && t->iops->rename ? t->iops->rename(t, oname, olen, t, nname, nlen) : -EROFS;
}

static int alias_symlink(struct inode *dir, const char *name, size_t len, const char *target)
{
    struct inode *t = alias_target(dir);
    return t->iops && t->iops->symlink ? t->iops->symlink(t, name, len, target) : -EROFS;
}

static int alias_readdir(struct inode *dir, uint64_t *pos, readdir_emit emit, void *arg)
{
    struct inode *t = alias_target(dir);
    return t->iops && t->iops->readdir ? t->iops->readdir(t, pos, emit, arg) : 0;
}

static void alias_release(struct inode *ino)
{
    if (ino->parent != ino)
        inode_put(ino->parent);
    inode_put(alias_target(ino));
}

static const struct inode_ops alias_iops = {
    .lookup = alias_lookup, .create = alias_create, .link = alias_link, .unlink = alias_unlink,
    .rename = alias_rename, .symlink = alias_symlink, .readdir = alias_readdir, .release = alias_release,
};

static const struct file_ops alias_dir_ops = { 0 };

static int alias_make(struct mount *m, struct inode *dir)
{
    if (!S_ISDIR(dir->mode))
        return -EINVAL;     /* binding a single file is not supported */
    struct inode *a = inode_new(dir->mode, &alias_iops, &alias_dir_ops);
    if (!a)
        return -ENOMEM;
    a->ino = dir->ino;
    a->nlink = dir->nlink;
    a->uid = dir->uid;
    a->gid = dir->gid;
    a->dev = m->dev;
    a->priv = inode_get(dir);
    m->bind_of = dir;
    m->root = a;
    return 0;
}

static int devtmpfs_fill(struct mount *m, const char *source, char *opts)
{
    (void)source;
    (void)opts;
    struct inode *dev;
    int err = vfs_lookup(NULL, "/dev", LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &dev);
    if (err)
        return err;
    m->mode = 0755;
    err = alias_make(m, dev);
    inode_put(dev);
    return err;
}

static size_t devtmpfs_show(struct mount *m, char *buf, size_t n)
{
    return (size_t)ksnprintf(buf, n, ",mode=%o", m->mode);
}

static void root_statfs(struct mount *m, struct k_statfs *st)
{
    (void)m;
    st->f_blocks = page_total_count();
    st->f_bfree = st->f_bavail = page_free_count();
}

static const struct fs_type fs_types[] = {
    { .name = "rootfs", .magic = RAMFS_MAGIC, .user = false, .statfs = ramfs_statfs },
    { .name = "ramfs", .magic = RAMFS_MAGIC, .user = true, .fill = ramfs_fill, .statfs = ramfs_statfs,
      .show = ramfs_show, .kill = ramfs_kill },
    { .name = "tmpfs", .magic = TMPFS_MAGIC, .user = true, .fill = tmpfs_fill, .remount = tmpfs_remount,
      .statfs = tmpfs_statfs, .show = tmpfs_show, .kill = ramfs_kill },
    { .name = "proc", .magic = PROC_SUPER_MAGIC, .user = true, .fill = proc_fill, .statfs = proc_statfs },
    { .name = "devtmpfs", .magic = TMPFS_MAGIC, .user = true, .fill = devtmpfs_fill, .statfs = root_statfs,
      .show = devtmpfs_show },
    /* -- ext2 -- */
    { .name = "ext2", .magic = EXT2_SUPER_MAGIC, .user = true, .fill = ext2_fill, .remount = ext2_remount,
      .statfs = ext2_statfs_hook, .sync = ext2_sync_hook,
      .kill = ext2_kill },
    /* (end of ext2) */
};
#define NFS_TYPES (sizeof fs_types / sizeof fs_types[0])

static const struct fs_type *fs_type_find(const char *name)
{
    for (size_t i = 0; i < NFS_TYPES; i++)
        if (!strcmp(fs_types[i].name, name))
            return &fs_types[i];
    return NULL;
}

/* --- the table --- */

static struct mount *mount_slot(void)
{
    if (mounts.n >= NMOUNT)
        return NULL;
    struct mount *m = &mounts.m[mounts.n];
    memset(m, 0, sizeof *m);
    return m;
}

static void mount_set_path(struct mount *m, struct inode *dir, const char *fallback)
{
    if (!dir || vfs_path_of(dir, m->path, sizeof m->path) <= 0)
        kstrlcpy(m->path, fallback, sizeof m->path);
}

void mount_boot_root(struct inode *root)
{
    struct mount *m = mount_slot();
    m->type = fs_type_find("rootfs");
    m->root = inode_get(root);
    m->dev = root->dev;
    kstrlcpy(m->source, "rootfs", sizeof m->source);
    kstrlcpy(m->path, "/", sizeof m->path);
    mounts.n++;
}

/* Fill the new mount m (a fresh slot, flags set) from file system t and attach it on dir;
 * the caller names its path and commits the slot (mounts.n++). */
static int mount_attach(struct mount *m, const struct fs_type *t, struct inode *dir, const char *source,
                        char *data)
{
    m->type = t;
    m->dev = mounts.next_dev++;
    int err = t->fill(m, source, data);
    if (err)
        return err;
    if (!m->bind_of)
        m->dev = m->root->dev;
    err = vfs_mount(dir, m->root);
    if (err) {
        inode_put(m->root);
        return err;
    }
    m->point = inode_get(dir);
    kstrlcpy(m->source, source ? source : "none", sizeof m->source);
    if (t->sync)
        flusher_start();    /* -- flusher: write-back every few seconds from now on -- */
    return 0;
}

/* -- blk -- */
/* Mount type's instance on a directory of the new root (before it is the root, so devtmpfs
 * still finds the boot /dev); a missing directory is skipped. */
static void mount_boot_under(struct inode *newroot, const char *name, const char *type, const char *path)
{
    struct inode *dir;
    if (vfs_lookup(newroot, name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &dir))
        return;
    if (mount_boot(type, dir, path))
        kprintf("rvix: cannot mount %s on %s of the new root\n", type, path);
    inode_put(dir);
}

int mount_boot_switch_root(const char *type, const char *source)
{
    struct mount *m = mount_slot();
    const struct fs_type *t = fs_type_find(type);
    if (!m || !t)
        return -ENODEV;
    m->type = t;
    m->dev = mounts.next_dev++;
    int err = t->fill(m, source, NULL);
    if (err)
        return err;
    if (!m->bind_of)
        m->dev = m->root->dev;
    kstrlcpy(m->source, source, sizeof m->source);
    kstrlcpy(m->path, "/", sizeof m->path);
    mounts.n++;
    struct inode *root = m->root;
    mount_boot_under(root, "dev", "devtmpfs", "/dev");
    mount_boot_under(root, "proc", "proc", "/proc");
    vfs_set_root(root);
    return 0;
}
/* (end of blk) */

int mount_boot(const char *type, struct inode *dir, const char *path)
{
    struct mount *m = mount_slot();
    const struct fs_type *t = fs_type_find(type);
    if (!m || !t)
        return -ENODEV;
    int err = mount_attach(m, t, dir, type, NULL);
    if (err)
        return err;
    kstrlcpy(m->path, path, sizeof m->path);
    mounts.n++;
    return 0;
}

struct mount *mount_of(struct inode *ino)
{
    if (!ino)
        return NULL;
    for (int i = mounts.n - 1; i >= 0; i--)
        if (mounts.m[i].root == ino)
            return &mounts.m[i];
    for (int i = mounts.n - 1; i >= 0; i--)
        if (!mounts.m[i].bind_of && mounts.m[i].dev == ino->dev)
            return &mounts.m[i];
    return NULL;
}

int mount_check_write(struct inode *ino)
{
    struct mount *m = mount_of(ino);
    return m && (m->flags & MS_RDONLY) ? -EROFS : 0;
}

bool mount_noexec(struct inode *ino)
{
    struct mount *m = mount_of(ino);
    return m && (m->flags & MS_NOEXEC);
}

bool mount_nodev(struct inode *ino)
{
    struct mount *m = mount_of(ino);
    return m && (m->flags & MS_NODEV);
}

static bool mount_holds(struct mount *m, struct inode *ino)
{
    return ino && (ino == m->root || (!m->bind_of && ino->dev == m->dev));
}

/* Something uses the mount: a current directory or an open file in it (only files open
 * for writing when writers_only), or another mount on one of its directories. */
static bool mount_busy(struct mount *m, bool writers_only)
{
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        if (p->state == PROC_FREE || p->state == PROC_ZOMBIE)
            continue;
        if (!writers_only && mount_holds(m, p->cwd))
            return true;
        for (int fd = 0; p->fdt && fd < NOFILE; fd++) {
            struct file *f = p->fdt->files[fd];
            if (f && mount_holds(m, f->inode) &&
                (!writers_only || ((f->flags & O_ACCMODE) != O_RDONLY && !(f->flags & O_PATH))))
                return true;
        }
    }
    if (writers_only)
        return false;
    for (int i = 0; i < mounts.n; i++)
        if (&mounts.m[i] != m && mount_holds(m, mounts.m[i].point))
            return true;
    return false;
}

/* Take m out of the tree and the table; its inodes live on while anything holds them. */
static void mount_detach(struct mount *m)
{
    struct inode *root = m->root, *point = m->point;
    if (point->mounted == root) {
        point->mounted = NULL;
        inode_put(root);
    }
    root->covered = NULL;
    inode_put(point);
    struct inode *up = root->parent;
    root->parent = root;    /* ".." of a detached tree stays in it */
    if (up != root)
        inode_put(up);
    if (m->type->kill && !m->bind_of)
        m->type->kill(m);
    inode_put(root);
    int i = (int)(m - mounts.m);
    memmove(&mounts.m[i], &mounts.m[i + 1], (size_t)(mounts.n - i - 1) * sizeof *m);
    mounts.n--;
}

/* MNT_DETACH: the mounts on directories of this one go first, depth first. The table
 * moves as entries leave, so mounts are named by their (referenced) roots. */
static void mount_detach_tree(struct inode *root, int depth)
{
    for (;;) {
        struct mount *m = NULL, *child = NULL;
        for (int i = mounts.n - 1; i >= 0 && !m; i--)
            if (mounts.m[i].root == root)
                m = &mounts.m[i];
        if (!m)
            return;
        for (int i = 0; i < mounts.n && !child; i++)
            if (&mounts.m[i] != m && mount_holds(m, mounts.m[i].point))
                child = &mounts.m[i];
        if (!child || depth >= NMOUNT) {
            mount_detach(m);
            return;
        }
        struct inode *croot = inode_get(child->root);
        mount_detach_tree(croot, depth + 1);
        inode_put(croot);
    }
}

/* --- system calls --- */

static long string_in(uint64_t uaddr, size_t max, char **out)
{
    *out = NULL;
    if (!uaddr)
        return 0;
    char *buf = kmalloc(max);
    if (!buf)
        return -ENOMEM;
    long n = copy_string_from_user(buf, uaddr, max);
    if (n < 0) {
        kfree(buf);
        return n;
    }
    *out = buf;
    return n;
}

static struct mount *mount_at_root(struct inode *ino)
{
    for (int i = mounts.n - 1; i >= 0; i--)
        if (mounts.m[i].root == ino)
            return &mounts.m[i];
    return NULL;
}

static int mount_new(const char *source, struct inode *dir, const char *type, uint64_t flags, char *data)
{
    if (!type)
        return -EINVAL;
    const struct fs_type *t = fs_type_find(type);
    if (!t || !t->user)
        return -ENODEV;
    if (!S_ISDIR(dir->mode))
        return -ENOTDIR;
    if (dir == vfs_root())
        return -EBUSY;      /* no stacking on / */
    struct mount *m = mount_slot();
    if (!m)
        return -ENOMEM;
    m->flags = flags & MS_PER_MOUNT;
    int err = mount_attach(m, t, dir, source, data);
    if (err)
        return err;
    mount_set_path(m, dir, "?");
    mounts.n++;
    return 0;
}

static int mount_bind(const char *source, struct inode *dir, uint64_t flags)
{
    if (!source)
        return -EFAULT;
    struct inode *src;
    int err = vfs_lookup(NULL, source, LOOKUP_FOLLOW, &src);
    if (err)
        return err;
    struct mount *m = mount_slot(), *from = mount_of(src);
    if (!m)
        err = -ENOMEM;
    else if (!S_ISDIR(src->mode) || !S_ISDIR(dir->mode))
        err = -EINVAL;      /* only directories can be bound here */
    else if (dir == vfs_root())
        err = -EBUSY;
    if (!err) {
        m->type = from ? from->type : fs_type_find("rootfs");
        m->dev = mounts.next_dev++;
        m->flags = flags & MS_PER_MOUNT;
        err = alias_make(m, src);
    }
    if (!err) {
        err = vfs_mount(dir, m->root);
        if (err)
            inode_put(m->root);
    }
    if (!err) {
        m->point = inode_get(dir);
        if (from)
            kstrlcpy(m->source, from->source, sizeof m->source);
        mount_set_path(m, dir, "?");
        mounts.n++;
    }
    inode_put(src);
    return err;
}

static int mount_remount(struct inode *dir, uint64_t flags, char *data)
{
    struct mount *m = mount_at_root(dir);
    if (!m)
        return -EINVAL;
    if ((flags & MS_RDONLY) && !(m->flags & MS_RDONLY) && mount_busy(m, true))
        return -EBUSY;      /* files open for writing */
    if (!(flags & MS_BIND) && m->type->remount) {
        uint64_t old = m->flags;
        m->flags = flags & MS_PER_MOUNT;    /* the file system sees the new flags */
        int err = m->type->remount(m, data);
        m->flags = old;
        if (err)
            return err;
    }
    m->flags = flags & MS_PER_MOUNT;
    return 0;
}

SYSCALL(mount)
{
    uint64_t flags = a[3];
    if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
        flags &= ~MS_MGC_MSK;
    char *source, *target, *type, *data;
    long r = string_in(a[0], PATH_MAX, &source);
    if (r < 0)
        return r;
    if ((r = string_in(a[1], PATH_MAX, &target)) < 0 || (r = string_in(a[2], 64, &type)) < 0) {
        kfree(source);
        kfree(target);
        return r;
    }
    /* The data page is a string for every file system we have. */
    if ((r = string_in(a[4], PAGE_SIZE, &data)) < 0) {
        kfree(source);
        kfree(target);
        kfree(type);
        return r;
    }
    struct inode *dir = NULL;
    int err = !target ? -EFAULT : vfs_lookup(NULL, target, LOOKUP_FOLLOW, &dir);
    if (!err) {
        if (flags & MS_REMOUNT)
            err = mount_remount(dir, flags, data);
        else if (flags & MS_BIND)
            err = mount_bind(source, dir, flags);
        else if (flags & MS_PROPAGATION)
            err = mount_at_root(dir) ? 0 : -EINVAL;     /* one namespace: nothing propagates */
        else if (flags & MS_MOVE)
            err = -EINVAL;                              /* not supported */
        else
            err = mount_new(source, dir, type, flags, data);
        inode_put(dir);
    }
    kfree(source);
    kfree(target);
    kfree(type);
    kfree(data);
    return err;
}

SYSCALL(umount2)
{
    uint64_t flags = a[1];
    if (flags & ~(uint64_t)(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
        return -EINVAL;
    if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
        return -EINVAL;
    char *target;
    long r = string_in(a[0], PATH_MAX, &target);
    if (r < 0)
        return r;
    if (!target)
        return -EFAULT;
    struct inode *ino;
    int err = target[0] ? vfs_lookup(NULL, target, (flags & UMOUNT_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &ino) : -ENOENT;
    kfree(target);
    if (err)
        return err;
    struct mount *m = mount_at_root(ino);
    inode_put(ino);
    if (!m)
        return -EINVAL;     /* not a mount point */
    if (!m->point)
        return -EBUSY;      /* the root */
    if (flags & MNT_EXPIRE)
        return mount_busy(m, false) ? -EBUSY : -EAGAIN;     /* first call only marks it, as Linux */
    if (!(flags & MNT_DETACH)) {
        if (mount_busy(m, false))
            return -EBUSY;
        mount_detach(m);
        return 0;
    }
    struct inode *root = inode_get(m->root);
    mount_detach_tree(root, 0);
    inode_put(root);
    return 0;
}

int mount_statfs(struct inode *ino, struct k_statfs *st)
{
    memset(st, 0, sizeof *st);
    st->f_bsize = st->f_frsize = PAGE_SIZE;
    st->f_namelen = NAME_MAX;
    struct mount *m = mount_of(ino);
    if (!m) {
        st->f_type = S_ISFIFO(ino->mode) ? PIPEFS_MAGIC : RAMFS_MAGIC;
        st->f_flags = ST_VALID;
        return 0;
    }
    st->f_type = m->type->magic;
    if (m->type->statfs)
        m->type->statfs(m, st);
    st->f_fsid[0] = (int32_t)m->dev;
    uint64_t f = m->flags;
    st->f_flags = ST_VALID | ((f & MS_RDONLY) ? ST_RDONLY : 0) | ((f & MS_NOSUID) ? ST_NOSUID : 0) |
                  ((f & MS_NODEV) ? ST_NODEV : 0) | ((f & MS_NOEXEC) ? ST_NOEXEC : 0) |
                  ((f & MS_SYNCHRONOUS) ? ST_SYNCHRONOUS : 0) | ((f & MS_NOATIME) ? ST_NOATIME : ST_RELATIME);
    return 0;
}

SYSCALL(statfs)
{
    char *path;
    long r = string_in(a[0], PATH_MAX, &path);
    if (r < 0)
        return r;
    if (!path)
        return -EFAULT;
    struct inode *ino;
    int err = vfs_lookup(NULL, path, LOOKUP_FOLLOW, &ino);
    kfree(path);
    if (err)
        return err;
    struct k_statfs st;
    mount_statfs(ino, &st);
    inode_put(ino);
    return copy_to_user(a[1], &st, sizeof st);
}

SYSCALL(fstatfs)
{
    struct file *f = fd_get(current()->fdt, (int)a[0]);
    if (!f)
        return -EBADF;
    struct k_statfs st;
    mount_statfs(f->inode, &st);
    return copy_to_user(a[1], &st, sizeof st);
}

/* The file system holding the descriptor's file writes everything back (RAM file systems
 * have nothing to write). */
SYSCALL(syncfs)
{
    struct file *f = fd_get(current()->fdt, (int)a[0]);
    if (!f)
        return -EBADF;
    struct mount *m = mount_of(f->inode);
    return m && m->type->sync && !m->bind_of ? m->type->sync(m) : 0;
}

int mount_sync_all(void)
{
    int err = 0;
    for (int i = 0; i < mounts.n; i++) {
        struct mount *m = &mounts.m[i];
        int e = m->type->sync && !m->bind_of ? m->type->sync(m) : 0;
        if (e && !err)
            err = e;
    }
    return err;
}

size_t mount_format(char *buf, size_t n)
{
    size_t len = 0;
    for (int i = 0; i < mounts.n && len < n; i++) {
        struct mount *m = &mounts.m[i];
        uint64_t f = m->flags;
        len += (size_t)ksnprintf(buf + len, n - len, "%s %s %s %s%s%s%s%s%s", m->source, m->path,
                                 m->type->name, (f & MS_RDONLY) ? "ro" : "rw", (f & MS_NOSUID) ? ",nosuid" : "",
                                 (f & MS_NODEV) ? ",nodev" : "", (f & MS_NOEXEC) ? ",noexec" : "",
                                 (f & MS_SYNCHRONOUS) ? ",sync" : "",
                                 !m->point ? "" : (f & MS_NOATIME) ? ",noatime" : ",relatime");
        if (m->type->show && len < n)
            len += m->type->show(m, buf + len, n - len);
        if (len < n)
            len += (size_t)ksnprintf(buf + len, n - len, " 0 0\n");
    }
    return len < n ? len : n;
}

size_t mount_format_types(char *buf, size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i < NFS_TYPES && len < n; i++)
        len += (size_t)ksnprintf(buf + len, n - len, "nodev\t%s\n", fs_types[i].name);
    return len < n ? len : n;
}
