/* procfs: /proc/meminfo, /proc/uptime, /proc/self, and per process /proc/<pid>/{stat, status,
 * cmdline, exe}. Inodes are made on lookup and freed on last use; a file's text is generated
 * when it is opened, in the formats Linux uses, so ps and glibc read them unchanged. */
#include "fs/procfs.h"
#include "dev/blk.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/pagecache.h"
#include "mm/vm.h"
#include "mm/kvm.h"
#include "lib/trace.h"
#include "fs/mount.h"
#include "proc/syscall.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "lib/printf.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "arch.h"

enum proc_node { PN_ROOT, PN_MEMINFO, PN_UPTIME, PN_COUNTERS, PN_TRACE, PN_CPUINFO, PN_ENOSYS, PN_SELF, PN_PIDDIR, PN_STAT, PN_STATUS, PN_CMDLINE, PN_EXE,
                 PN_MOUNTS, PN_FILESYSTEMS, PN_COMM, PN_TASK, PN_SYSSTAT, PN_LOADAVG, PN_MAPS,
                 PN_SYSDIR, PN_SYSKERNEL, PN_SYSCTL };

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
    uint32_t mode = kind == PN_ROOT || kind == PN_PIDDIR || kind == PN_TASK || kind == PN_SYSDIR ||
                    kind == PN_SYSKERNEL ? S_IFDIR | 0555
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

/* /proc/sys/kernel: read-only values that programs and test suites look up. pid_max is
 * Linux's 64-bit limit (rvix never reuses a pid, so it is an upper bound of the counter's
 * useful range rather than a wrap point). An entry's index is kept in the inode's pid field. */
static const struct { const char *name, *text; } sysctl_kernel[] = {
    { "ostype", PROC_UNAME_SYSNAME "\n" },
    { "osrelease", PROC_UNAME_RELEASE "\n" },
    { "pid_max", "4194304\n" },
    { "tainted", "0\n" },
    { "threads-max", "128\n" },
};
#define NSYSCTL_KERNEL (sizeof sysctl_kernel / sizeof sysctl_kernel[0])

static int procfs_sysctl_find(const char *name, size_t len)
{
    for (size_t i = 0; i < NSYSCTL_KERNEL; i++)
        if (procfs_name_is(name, len, sysctl_kernel[i].name))
            return (int)i;
    return -1;
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
        else if (procfs_name_is(name, len, "mounts"))
            kind = PN_MOUNTS;
        else if (procfs_name_is(name, len, "filesystems"))
            kind = PN_FILESYSTEMS;
        else if (procfs_name_is(name, len, "stat"))
            kind = PN_SYSSTAT;
        else if (procfs_name_is(name, len, "loadavg"))
            kind = PN_LOADAVG;
        else if (procfs_name_is(name, len, "sys"))
            kind = PN_SYSDIR;
        else if ((pid = procfs_parse_pid(name, len)) > 0 && procfs_proc(pid))
            kind = PN_PIDDIR;
        else
            return -ENOENT;
    } else if (di->kind == PN_SYSDIR) {
        if (!procfs_name_is(name, len, "kernel"))
            return -ENOENT;
        kind = PN_SYSKERNEL;
    } else if (di->kind == PN_SYSKERNEL) {
        if ((pid = procfs_sysctl_find(name, len)) < 0)
            return -ENOENT;
        kind = PN_SYSCTL;
    } else if (di->kind == PN_TASK) {
        /* /proc/<pid>/task/<tid> is the thread's own directory. */
        struct proc *g = procfs_proc(pid), *t;
        int tid = procfs_parse_pid(name, len);
        if (!g || tid <= 0 || !(t = procfs_proc(tid)) || proc_group(t) != proc_group(g) ||
            t->state == PROC_ZOMBIE)
            return -ENOENT;
        pid = tid;
        kind = PN_PIDDIR;
    } else {
        if (!procfs_proc(pid))
            return -ENOENT;
        if (procfs_name_is(name, len, "task"))
            kind = PN_TASK;
        else if (procfs_name_is(name, len, "stat"))
            kind = PN_STAT;
        else if (procfs_name_is(name, len, "status"))
            kind = PN_STATUS;
        else if (procfs_name_is(name, len, "cmdline"))
            kind = PN_CMDLINE;
        else if (procfs_name_is(name, len, "exe"))
            kind = PN_EXE;
        else if (procfs_name_is(name, len, "mounts"))
            kind = PN_MOUNTS;
        else if (procfs_name_is(name, len, "comm"))
            kind = PN_COMM;
        else if (procfs_name_is(name, len, "maps"))
            kind = PN_MAPS;
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
        ksnprintf(tmp, sizeof tmp, "%d", p ? p->tgid : 0);
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

static const char *const pid_entries[] = { "stat", "status", "cmdline", "exe", "mounts", "comm", "task",
                                           "maps" };
static const unsigned pid_entry_types[] = { DT_REG, DT_REG, DT_REG, DT_LNK, DT_REG, DT_REG, DT_DIR, DT_REG };
static const enum proc_node pid_entry_kinds[] = { PN_STAT, PN_STATUS, PN_CMDLINE, PN_EXE, PN_MOUNTS, PN_COMM,
                                                  PN_TASK, PN_MAPS };
#define NPID_ENTRIES (sizeof pid_entries / sizeof pid_entries[0])

static int procfs_readdir_root(uint64_t *pos, readdir_emit emit, void *arg)
{
    static const char *const fixed[] = { ".", "..", "meminfo", "uptime", "counters", "trace", "cpuinfo",
                                         "enosys", "self", "mounts", "filesystems", "stat", "loadavg", "sys" };
    static const unsigned types[] = { DT_DIR, DT_DIR, DT_REG, DT_REG, DT_REG, DT_REG, DT_REG, DT_REG, DT_LNK,
                                      DT_REG, DT_REG, DT_REG, DT_REG, DT_DIR };
    static const enum proc_node kinds[] = { PN_ROOT, PN_ROOT, PN_MEMINFO, PN_UPTIME, PN_COUNTERS, PN_TRACE,
                                            PN_CPUINFO, PN_ENOSYS, PN_SELF, PN_MOUNTS, PN_FILESYSTEMS,
                                            PN_SYSSTAT, PN_LOADAVG, PN_SYSDIR };
    enum { NFIXED = 14 };
    for (; *pos < NFIXED; (*pos)++)
        if (emit(arg, fixed[*pos], strlen(fixed[*pos]), procfs_ino(kinds[*pos], 0), types[*pos]))
            return 0;
    for (; *pos < NFIXED + NPROC; (*pos)++) {
        struct proc *p = &procs[*pos - NFIXED];
        if (p->state == PROC_FREE || p->state == PROC_EMBRYO || p->leader != p)
            continue;       /* threads are listed under /proc/<pid>/task */
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
    if (info(dir)->kind == PN_SYSDIR) {
        if (*pos == 2 && emit(arg, "kernel", 6, procfs_ino(PN_SYSKERNEL, 0), DT_DIR))
            return 0;
        *pos = 3;
        return 0;
    }
    if (info(dir)->kind == PN_SYSKERNEL) {
        for (; *pos < 2 + NSYSCTL_KERNEL; (*pos)++) {
            const char *n = sysctl_kernel[*pos - 2].name;
            if (emit(arg, n, strlen(n), procfs_ino(PN_SYSCTL, (int)(*pos - 2)), DT_REG))
                return 0;
        }
        return 0;
    }
    if (info(dir)->kind == PN_TASK) {
        struct proc *g = procfs_proc(info(dir)->pid);
        for (; g && *pos < 2 + NPROC; (*pos)++) {
            struct proc *t = &procs[*pos - 2];
            if (t->state == PROC_FREE || t->state == PROC_EMBRYO || proc_group(t) != proc_group(g) ||
                (t->state == PROC_ZOMBIE && t != proc_group(g)))
                continue;
            char name[16];
            ksnprintf(name, sizeof name, "%d", t->pid);
            if (emit(arg, name, strlen(name), procfs_ino(PN_PIDDIR, t->pid), DT_DIR))
                return 0;
        }
        return 0;
    }
    for (; *pos < 2 + NPID_ENTRIES; (*pos)++) {
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
        p->pid, p->name, procfs_state_char(p), proc_group((struct proc *)p)->parent ?
        proc_group((struct proc *)p)->parent->tgid : 0, p->pgid, p->sid,
        p->utime, p->stime, p->cutime, p->cstime, p->start_ticks,
        p->mm ? vm_resident_pages(p->mm) * PAGE_SIZE : 0UL, p->mm ? vm_resident_pages(p->mm) : 0UL);
}

static size_t procfs_status(const struct proc *p, char *buf, size_t n)
{
    struct proc *g = proc_group((struct proc *)p);
    return (size_t)ksnprintf(buf, n, "Name:\t%s\nState:\t%c\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\n"
                             "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nThreads:\t%d\nVmRSS:\t%lu kB\n"
                             "SigPnd:\t%016lx\nSigBlk:\t%016lx\n",
                             p->name, procfs_state_char(p), p->tgid, p->pid, g->parent ? g->parent->tgid : 0,
                             g->live_threads,
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

/* /proc/stat as top, ps and vmstat read it: the "cpu" line and one per online hart, in clock
 * ticks (USER_HZ = 100). The kernel does not keep per-hart busy time: the user and system
 * figures are the CPU time charged to live and reaped processes (credited to the "cpu" line
 * and to hart 0), the rest of each hart's ticks count as idle. */
static size_t procfs_sysstat(char *buf, size_t n)
{
    uint64_t user = 0, sys = 0, ticks = 0, hz = sched_hz();
    int total = 0, running = 0;
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        if (p->state == PROC_FREE || p->state == PROC_EMBRYO)
            continue;
        total++;
        running += p->state == PROC_RUNNABLE || p->state == PROC_RUNNING;
        if (!p->parent || p->parent->state == PROC_FREE) {     /* reaped children are in cutime */
            user += p->utime + p->cutime;
            sys += p->stime + p->cstime;
        } else {
            user += p->utime;
            sys += p->stime;
        }
    }
    for (uint32_t i = 0; i < MAX_HARTS; i++)
        if (cpus[i].online)
            ticks += cpus[i].ticks;
    user = user * 100 / hz;
    sys = sys * 100 / hz;
    ticks = ticks * 100 / hz;
    uint64_t idle = ticks > user + sys ? ticks - user - sys : 0;
    size_t len = (size_t)ksnprintf(buf, n, "cpu  %lu 0 %lu %lu 0 0 0 0 0 0\n", user, sys, idle);
    for (uint32_t i = 0; i < MAX_HARTS && len < n; i++) {
        if (!cpus[i].online)
            continue;
        uint64_t t = cpus[i].ticks * 100 / hz, u = i == 0 ? user : 0, s2 = i == 0 ? sys : 0;
        len += (size_t)ksnprintf(buf + len, n - len, "cpu%u %lu 0 %lu %lu 0 0 0 0 0 0\n", i, u, s2,
                                 t > u + s2 ? t - u - s2 : 0);
    }
    if (len < n)
        len += (size_t)ksnprintf(buf + len, n - len, "intr 0\nctxt 0\nbtime 0\nprocesses %d\n"
                                 "procs_running %d\nprocs_blocked 0\n", total, running);
    return len < n ? len : n;
}

static size_t procfs_loadavg(char *buf, size_t n)
{
    int total = 0, running = 0, last = 0;
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        if (p->state == PROC_FREE || p->state == PROC_EMBRYO)
            continue;
        total++;
        running += p->state == PROC_RUNNABLE || p->state == PROC_RUNNING;
        last = p->pid > last ? p->pid : last;
    }
    return (size_t)ksnprintf(buf, n, "0.00 0.00 0.00 %d/%d %d\n", running, total, last);
}

/* Linux's format: start-end perms offset dev inode [name]. glibc's pthread_getattr_np reads
 * it to find the main thread's stack. File regions show dev 00:01 and the inode number but no
 * path (a ramfs inode does not know its name). */
#define MAPS_LINE_MAX 96

static size_t procfs_maps_areas(const struct proc *p)
{
    size_t n = 0;
    for (const struct vm_area *a = p->mm ? p->mm->areas : NULL; a; a = a->next)
        n++;
    return n;
}

static size_t procfs_maps(const struct proc *p, char *buf, size_t n)
{
    size_t len = 0;
    for (const struct vm_area *a = p->mm ? p->mm->areas : NULL; a && len + MAPS_LINE_MAX < n; a = a->next) {
        const char *name = (a->flags & VMA_STACK) ? "[stack]" : (a->flags & VMA_HEAP) ? "[heap]"
                           : (a->flags & VMA_SIGPAGE) ? "[sigpage]" : "";
        len += (size_t)ksnprintf(buf + len, n - len, "%08lx-%08lx %c%c%c%c %08lx %s %lu%s%s\n",
                                 a->start, a->end, (a->prot & VM_READ) ? 'r' : '-',
                                 (a->prot & VM_WRITE) ? 'w' : '-', (a->prot & VM_EXEC) ? 'x' : '-',
                                 (a->flags & VMA_SHARED) ? 's' : 'p', a->file ? a->pgoff * PAGE_SIZE : 0,
                                 a->file ? "00:01" : "00:00", a->file ? a->file->ino : 0,
                                 *name ? "                          " : "", name);
    }
    return len;
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
    if (pi->kind == PN_MOUNTS)
        return mount_format(buf, n);
    if (pi->kind == PN_FILESYSTEMS)
        return mount_format_types(buf, n);
    if (pi->kind == PN_SYSSTAT)
        return procfs_sysstat(buf, n);
    if (pi->kind == PN_LOADAVG)
        return procfs_loadavg(buf, n);
    if (pi->kind == PN_CPUINFO)
        return procfs_cpuinfo(buf, n);
    if (pi->kind == PN_COUNTERS)
    {
        size_t k = kstats_format(buf, n);
        return k + blk_stats_format(buf + k, n - k);    /* blk: per-disk counters */
    }
    if (pi->kind == PN_TRACE)
        return trace_format(buf, n);
    if (pi->kind == PN_SYSCTL)
        return (size_t)ksnprintf(buf, n, "%s", sysctl_kernel[pi->pid].text);
    if (pi->kind == PN_UPTIME)
        return (size_t)ksnprintf(buf, n, "%lu.%02lu 0.00\n", ns / 1000000000, ns / 10000000 % 100);
    struct proc *p = procfs_proc(pi->pid);
    if (!p)
        return 0;
    if (pi->kind == PN_STAT)
        return procfs_stat(p, buf, n);
    if (pi->kind == PN_STATUS)
        return procfs_status(p, buf, n);
    if (pi->kind == PN_COMM)
        return (size_t)ksnprintf(buf, n, "%.15s\n", p->name);     /* TASK_COMM_LEN */
    if (pi->kind == PN_MAPS)
        return procfs_maps(p, buf, n);
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
    bool big = info(ino)->kind == PN_TRACE || info(ino)->kind == PN_MAPS;
    size_t size = PROCFS_TEXT_MAX;
    if (info(ino)->kind == PN_TRACE)
        size = sizeof(struct procfs_text) + trace_text_size();
    else if (info(ino)->kind == PN_MAPS) {
        struct proc *p = procfs_proc(info(ino)->pid);
        size = sizeof(struct procfs_text) + (p ? procfs_maps_areas(p) + 1 : 1) * MAPS_LINE_MAX;
    }
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
