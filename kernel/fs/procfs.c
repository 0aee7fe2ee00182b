/* procfs: /proc/meminfo, /proc/uptime, /proc/self, and per process /proc/<pid>/{stat, status,
 * cmdline, exe}. Inodes are made on lookup and freed on last use; a file's text is generated
 * when it is opened, in the formats Linux uses, so ps and glibc read them unchanged. */
#include "fs/procfs.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/pagecache.h"
#include "mm/vm.h"
#include "mm/kvm.h"
#include "lib/trace.h"
#include "proc/syscall.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "lib/printf.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "arch.h"

enum proc_node { PN_ROOT, PN_MEMINFO, PN_UPTIME, PN_COUNTERS, PN_TRACE, PN_CPUINFO, PN_ENOSYS, PN_SELF, PN_PIDDIR, PN_STAT, PN_STATUS, PN_CMDLINE, PN_EXE };

struct procfs_info {
    enum proc_node kind;
    int pid;
};

#define PROCFS_TEXT_MAX 4096

static const struct inode_ops procfs_iops;
static const struct file_ops procfs_file_ops;
static const struct file_ops procfs_dir_ops;

/* One numbering for lookup (st_ino) and readdir (d_ino). */
static uint64_t procfs_ino(enum proc_node kind, int pid)
{
    return kind == PN_ROOT ? 1 : ((uint64_t)pid << 8) | (16 + kind);
}

static struct inode *procfs_inode(enum proc_node kind, int pid)
{
    uint32_t mode = kind == PN_ROOT || kind == PN_PIDDIR ? S_IFDIR | 0555
                    : kind == PN_SELF || kind == PN_EXE ? S_IFLNK | 0777 : S_IFREG | 0444;
    const struct file_ops *fops = S_ISDIR(mode) ? &procfs_dir_ops : &procfs_file_ops;
    struct inode *ino = inode_new(mode, &procfs_iops, fops);
    struct procfs_info *info = kmalloc(sizeof *info);
    if (!ino || !info) {
        kfree(ino);
        kfree(info);
        return NULL;
    }
    info->kind = kind;
    info->pid = pid;
    ino->priv = info;
    ino->dev = 3;
    ino->ino = procfs_ino(kind, pid);
    if (S_ISDIR(mode))
        ino->nlink = 2;
    return ino;
}

static struct procfs_info *info(struct inode *ino)
{
    return ino->priv;
}

struct inode *procfs_new_root(void)
{
    return procfs_inode(PN_ROOT, 0);
}

static bool procfs_name_is(const char *name, size_t len, const char *want)
{
    return strlen(want) == len && memcmp(name, want, len) == 0;
}

static int procfs_parse_pid(const char *name, size_t len)
{
    int pid = 0;
    if (len == 0 || len > 9)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        pid = pid * 10 + (name[i] - '0');
    }
    return pid;
}

static struct proc *procfs_proc(int pid)
{
    struct proc *p = proc_find(pid);
    return p && p->state != PROC_EMBRYO ? p : NULL;
}

static int procfs_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
    struct procfs_info *di = info(dir);
    enum proc_node kind;
    int pid = di->pid;
    if (di->kind == PN_ROOT) {
        if (procfs_name_is(name, len, "meminfo"))
            kind = PN_MEMINFO;
        else if (procfs_name_is(name, len, "uptime"))
            kind = PN_UPTIME;
        else if (procfs_name_is(name, len, "enosys"))
            kind = PN_ENOSYS;
        else if (procfs_name_is(name, len, "cpuinfo"))
            kind = PN_CPUINFO;
        else if (procfs_name_is(name, len, "counters"))
            kind = PN_COUNTERS;
        else if (procfs_name_is(name, len, "trace"))
            kind = PN_TRACE;
        else if (procfs_name_is(name, len, "self"))
            kind = PN_SELF;
        else if ((pid = procfs_parse_pid(name, len)) > 0 && procfs_proc(pid))
            kind = PN_PIDDIR;
        else
            return -ENOENT;
    } else {
        if (!procfs_proc(pid))
            return -ENOENT;
        if (procfs_name_is(name, len, "stat"))
            kind = PN_STAT;
        else if (procfs_name_is(name, len, "status"))
            kind = PN_STATUS;
        else if (procfs_name_is(name, len, "cmdline"))
            kind = PN_CMDLINE;
        else if (procfs_name_is(name, len, "exe"))
            kind = PN_EXE;
        else
            return -ENOENT;
    }
    struct inode *ino = procfs_inode(kind, pid);
    if (!ino)
        return -ENOMEM;
    ino->parent = inode_get(dir);
    *out = ino;
    return 0;
}

static long procfs_readlink(struct inode *ino, char *buf, size_t n)
{
    char tmp[128];
    struct procfs_info *pi = info(ino);
    if (pi->kind == PN_SELF) {
        struct proc *p = current();
        ksnprintf(tmp, sizeof tmp, "%d", p ? p->pid : 0);
    } else {
        struct proc *p = procfs_proc(pi->pid);
        if (!p)
            return -ENOENT;
        kstrlcpy(tmp, p->exe, sizeof tmp);
    }
    size_t len = strlen(tmp);
    if (len > n)
        len = n;
    memcpy(buf, tmp, len);
    return (long)len;
}

static const char *const pid_entries[] = { "stat", "status", "cmdline", "exe" };
static const unsigned pid_entry_types[] = { DT_REG, DT_REG, DT_REG, DT_LNK };
static const enum proc_node pid_entry_kinds[] = { PN_STAT, PN_STATUS, PN_CMDLINE, PN_EXE };

static int procfs_readdir_root(uint64_t *pos, readdir_emit emit, void *arg)
{
    static const char *const fixed[] = { ".", "..", "meminfo", "uptime", "counters", "trace", "cpuinfo",
                                         "enosys", "self" };
    static const unsigned types[] = { DT_DIR, DT_DIR, DT_REG, DT_REG, DT_REG, DT_REG, DT_REG, DT_REG, DT_LNK };
    static const enum proc_node kinds[] = { PN_ROOT, PN_ROOT, PN_MEMINFO, PN_UPTIME, PN_COUNTERS, PN_TRACE,
                                            PN_CPUINFO, PN_ENOSYS, PN_SELF };
    enum { NFIXED = 9 };
    for (; *pos < NFIXED; (*pos)++)
        if (emit(arg, fixed[*pos], strlen(fixed[*pos]), procfs_ino(kinds[*pos], 0), types[*pos]))
            return 0;
    for (; *pos < NFIXED + NPROC; (*pos)++) {
        struct proc *p = &procs[*pos - NFIXED];
        if (p->state == PROC_FREE || p->state == PROC_EMBRYO)
            continue;
        char name[16];
        ksnprintf(name, sizeof name, "%d", p->pid);
        if (emit(arg, name, strlen(name), procfs_ino(PN_PIDDIR, p->pid), DT_DIR))
            return 0;
    }
    return 0;
}

static int procfs_readdir(struct inode *dir, uint64_t *pos, readdir_emit emit, void *arg)
{
    if (info(dir)->kind == PN_ROOT)
        return procfs_readdir_root(pos, emit, arg);
    for (; *pos < 2; (*pos)++)
        if (emit(arg, *pos ? ".." : ".", *pos + 1, dir->ino, DT_DIR))
            return 0;
    for (; *pos < 6; (*pos)++) {
        const char *n = pid_entries[*pos - 2];
        if (emit(arg, n, strlen(n), procfs_ino(pid_entry_kinds[*pos - 2], info(dir)->pid),
                 pid_entry_types[*pos - 2]))
            return 0;
    }
    return 0;
}

static void procfs_release(struct inode *ino)
{
    if (ino->parent != ino)
        inode_put(ino->parent);
    kfree(ino->priv);
}

static const struct inode_ops procfs_iops = {
    .lookup = procfs_lookup,
    .readlink = procfs_readlink,
    .readdir = procfs_readdir,
    .release = procfs_release,
};

static char procfs_state_char(const struct proc *p)
{
    switch (p->state) {
    case PROC_RUNNING: case PROC_RUNNABLE: return 'R';
    case PROC_SLEEPING: return 'S';
    case PROC_STOPPED: return 'T';
    case PROC_ZOMBIE: return 'Z';
    default: return '?';
    }
}

/* The first 24 fields of Linux's /proc/<pid>/stat (vsize and rss are the resident size). */
static size_t procfs_stat(const struct proc *p, char *buf, size_t n)
{
    return (size_t)ksnprintf(buf, n,
        "%d (%s) %c %d %d %d 0 -1 0 0 0 0 0 %lu %lu %lu %lu 20 0 1 0 %lu %lu %lu\n",
        p->pid, p->name, procfs_state_char(p), p->parent ? p->parent->pid : 0, p->pgid, p->sid,
        p->utime, p->stime, p->cutime, p->cstime, p->start_ticks,
        p->mm ? vm_resident_pages(p->mm) * PAGE_SIZE : 0UL, p->mm ? vm_resident_pages(p->mm) : 0UL);
}

static size_t procfs_status(const struct proc *p, char *buf, size_t n)
{
    return (size_t)ksnprintf(buf, n, "Name:\t%s\nState:\t%c\nPid:\t%d\nPPid:\t%d\nUid:\t0\t0\t0\t0\n"
                             "Gid:\t0\t0\t0\t0\nVmRSS:\t%lu kB\nSigPnd:\t%016lx\nSigBlk:\t%016lx\n",
                             p->name, procfs_state_char(p), p->pid, p->parent ? p->parent->pid : 0,
                             p->mm ? vm_resident_pages(p->mm) * 4 : 0UL, p->sig_pending, p->sig_blocked);
}

/* One block per hart that is online, in the layout Linux/riscv uses. */
static size_t procfs_cpuinfo(char *buf, size_t n)
{
    size_t len = 0;
    for (uint32_t i = 0; i < MAX_HARTS && len < n; i++)
        if (cpus[i].online)
            len += (size_t)ksnprintf(buf + len, n - len, "processor\t: %u\nhart\t\t: %u\nmmu\t\t: sv39\n\n",
                                     i, cpus[i].hartid);
    return len < n ? len : n;
}

static size_t procfs_generate(struct procfs_info *pi, char *buf, size_t n)
{
    uint64_t ns = arch_time_ns();
    if (pi->kind == PN_MEMINFO)
        return (size_t)ksnprintf(buf, n, "MemTotal:       %8lu kB\nMemFree:        %8lu kB\n"
                                 "MemAvailable:   %8lu kB\nCached:         %8lu kB\n", page_total_count() * 4,
                                 page_free_count() * 4, page_free_count() * 4, pagecache_pages() * 4);
    if (pi->kind == PN_ENOSYS)
        return syscall_enosys_format(buf, n);
    if (pi->kind == PN_CPUINFO)
        return procfs_cpuinfo(buf, n);
    if (pi->kind == PN_COUNTERS)
        return kstats_format(buf, n);
    if (pi->kind == PN_TRACE)
        return trace_format(buf, n);
    if (pi->kind == PN_UPTIME)
        return (size_t)ksnprintf(buf, n, "%lu.%02lu 0.00\n", ns / 1000000000, ns / 10000000 % 100);
    struct proc *p = procfs_proc(pi->pid);
    if (!p)
        return 0;
    if (pi->kind == PN_STAT)
        return procfs_stat(p, buf, n);
    if (pi->kind == PN_STATUS)
        return procfs_status(p, buf, n);
    size_t len = p->cmdline_len < n ? p->cmdline_len : n;
    memcpy(buf, p->cmdline, len);
    return len;
}

struct procfs_text {
    size_t len;
    bool big;           /* kvm memory (the trace) rather than kmalloc */
    char text[];
};

/* The text is generated once, at open, so a reader sees one consistent snapshot. */
static int procfs_open(struct inode *ino, struct file *f)
{
    bool big = info(ino)->kind == PN_TRACE;
    size_t size = big ? sizeof(struct procfs_text) + trace_text_size() : PROCFS_TEXT_MAX;
    struct procfs_text *t = big ? kvm_alloc(size) : kmalloc(size);
    if (!t)
        return -ENOMEM;
    size_t max = size - sizeof *t;
    t->big = big;
    t->len = procfs_generate(info(ino), t->text, max);
    if (t->len >= max)
        t->len = max - 1;
    f->priv = t;
    ino->size = t->len;
    return 0;
}

static long procfs_read(struct file *f, struct uio *u, size_t n, uint64_t *off)
{
    struct procfs_text *t = f->priv;
    if (*off >= t->len)
        return 0;
    if (n > t->len - *off)
        n = t->len - *off;
    if (uio_copy_out(u, t->text + *off, n))
        return -EFAULT;
    *off += n;
    return (long)n;
}

static void procfs_close(struct file *f)
{
    struct procfs_text *t = f->priv;
    if (t->big)
        kvm_free(t);
    else
        kfree(t);
}

static const struct file_ops procfs_file_ops = {
    .open = procfs_open,
    .read = procfs_read,
    .close = procfs_close,
};

static const struct file_ops procfs_dir_ops = { 0 };
