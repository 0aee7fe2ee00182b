/* File layer, part 2: names. mkdirat, getdents64 (names, d_type, d_ino, d_off and lseek),
 * unlinkat, renameat2, linkat, symlinkat/readlinkat and symlink resolution, chdir/fchdir/
 * getcwd, faccessat, fchmodat, utimensat, umask, ftruncate/truncate, unlink of an open file,
 * sync, and bad paths (ENOENT, ENOTDIR, ENAMETOOLONG, EFAULT, trailing slashes).
 * Deterministic: its "out:" lines are compared with Linux by scripts/host-compare.py.
 * Works in its own directory under /tmp. */
#include "tap.h"
#include <signal.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define KERNEL_HALF ((void *)0xffffffc000000000UL)
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#endif

static char base[64];
static void *unmapped;

static const char *P(const char *rel)
{
    static char bufs[16][512];
    static int i;
    char *b = bufs[i++ & 15];
    snprintf(b, 512, "%s/%s", base, rel);
    return b;
}

static long sys_open(const char *path, long flags, long mode)
{
    return E(syscall(SYS_openat, AT_FDCWD, path, flags, mode));
}

static long sys_stat(const char *path, struct stat *st, int flags)
{
    return E(syscall(SYS_newfstatat, AT_FDCWD, path, st, flags));
}

static long sys_mkdir(const char *path, long mode)
{
    return E(syscall(SYS_mkdirat, AT_FDCWD, path, mode));
}

static long sys_unlink(const char *path, long flags)
{
    return E(syscall(SYS_unlinkat, AT_FDCWD, path, flags));
}

static long sys_rename(const char *from, const char *to, long flags)
{
    return E(syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, flags));
}

static long sys_link(const char *from, const char *to, long flags)
{
    return E(syscall(SYS_linkat, AT_FDCWD, from, AT_FDCWD, to, flags));
}

static long sys_symlink(const char *target, const char *path)
{
    return E(syscall(SYS_symlinkat, target, AT_FDCWD, path));
}

static long sys_readlink(const char *path, char *buf, long n)
{
    return E(syscall(SYS_readlinkat, AT_FDCWD, path, buf, n));
}

static int write_file(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -errno;
    ssize_t w = write(fd, s, strlen(s));
    close(fd);
    return w == (ssize_t)strlen(s) ? 0 : -EIO;
}

static const char *contents(const char *path, char *buf, size_t n)
{
    buf[0] = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(buf, n, "(%s)", ename(errno));
        return buf;
    }
    ssize_t r = pread(fd, buf, n - 1, 0);
    buf[r > 0 ? r : 0] = 0;
    close(fd);
    return buf;
}

/* The file's content as an out: line and a check. */
static void res_contents(const char *name, const char *path, const char *want)
{
    char buf[128];
    const char *c = contents(path, buf, sizeof buf);
    out("%s: %s", name, c);
    check(strcmp(c, want) == 0, name, "\"%s\", expected \"%s\"", c, want);
}

static long ino_of(const char *path, int flags)
{
    struct stat st;
    long r = sys_stat(path, &st, flags);
    return r < 0 ? r : (long)st.st_ino;
}

static long mode_of(const char *path, int flags)
{
    struct stat st;
    long r = sys_stat(path, &st, flags);
    return r < 0 ? r : (long)st.st_mode;
}

static long nlink_of(const char *path)
{
    struct stat st;
    long r = sys_stat(path, &st, AT_SYMLINK_NOFOLLOW);
    return r < 0 ? r : (long)st.st_nlink;
}

/* --- directories and getdents64 --- */

struct ent {
    char name[64];
    unsigned type;
    uint64_t ino;
    int64_t off;
};

/* Entries from one getdents64 call into e[] (at most max); the byte count or -errno. */
static long getdents(int fd, size_t bufsize, struct ent *e, int max, int *count)
{
    static char buf[8192];
    long n = E(syscall(SYS_getdents64, fd, buf, bufsize));
    *count = 0;
    for (long off = 0; n > 0 && off < n && *count < max;) {
        unsigned short reclen;
        memcpy(&reclen, buf + off + 16, 2);
        struct ent *x = &e[(*count)++];
        memcpy(&x->ino, buf + off, 8);
        memcpy(&x->off, buf + off + 8, 8);
        x->type = (unsigned char)buf[off + 18];
        snprintf(x->name, sizeof x->name, "%s", buf + off + 19);
        if (reclen == 0)
            break;
        off += reclen;
    }
    return n;
}

static int ent_cmp(const void *a, const void *b)
{
    return strcmp(((const struct ent *)a)->name, ((const struct ent *)b)->name);
}

/* "name:type ..." sorted by name. */
static const char *listing(struct ent *e, int n)
{
    static char s[512];
    struct ent sorted[32];
    memcpy(sorted, e, sizeof *e * (size_t)n);
    qsort(sorted, (size_t)n, sizeof *sorted, ent_cmp);
    size_t len = 0;
    s[0] = 0;
    for (int i = 0; i < n && len < sizeof s - 80; i++) {
        int w = snprintf(s + len, 80, "%s%.60s:%u", i ? " " : "", sorted[i].name, sorted[i].type);
        len += w > 0 && w < 80 ? (size_t)w : 0;
    }
    return s;
}

static int find_ent(struct ent *e, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(e[i].name, name) == 0)
            return i;
    return -1;
}

static void test_dirs(void)
{
    res("mkdir", sys_mkdir(P("ls"), 0755), 0);
    res("mkdir-exists", sys_mkdir(P("ls"), 0755), -EEXIST);
    res("mkdir-mode", mode_of(P("ls"), 0), S_IFDIR | 0755);
    res("mkdir-umask", sys_mkdir(P("ls/d1"), 0777), 0);
    res("mkdir-umask-mode", mode_of(P("ls/d1"), 0), S_IFDIR | 0755);
    write_file(P("ls/f1"), "one");
    write_file(P("ls/f2"), "two");
    sys_symlink("f1", P("ls/l1"));
    res("mknod-fifo", E(syscall(SYS_mknodat, AT_FDCWD, P("ls/p1"), S_IFIFO | 0644, 0)), 0);
    res("mkdir-missing-parent", sys_mkdir(P("nosuch/d"), 0755), -ENOENT);
    res("mkdir-parent-is-file", sys_mkdir(P("ls/f1/d"), 0755), -ENOTDIR);
    res("dir-nlink", nlink_of(P("ls")), 3);

    int fd = open(P("ls"), O_RDONLY | O_DIRECTORY);
    struct ent e[32];
    int n;
    long r = getdents(fd, 8192, e, 32, &n);
    const char *want = ".:4 ..:4 d1:4 f1:8 f2:8 l1:10 p1:1";
    const char *got = r > 0 ? listing(e, n) : vstr(r);
    out("getdents-listing: %s", got);
    check(strcmp(got, want) == 0, "getdents-listing", "\"%s\", expected \"%s\"", got, want);
    int f1 = find_ent(e, n, "f1"), dot = find_ent(e, n, "."), dotdot = find_ent(e, n, "..");
    struct stat st;
    fstat(fd, &st);
    resb("getdents-d_ino", f1 >= 0 && dot >= 0 && dotdot >= 0 && (long)e[f1].ino == ino_of(P("ls/f1"), 0) &&
         e[dot].ino == st.st_ino && (long)e[dotdot].ino == ino_of(base, 0),
         "d_ino of f1/./.. do not match stat");
    struct ent all[32];
    int nall = n;
    memcpy(all, e, sizeof e);
    res("getdents-at-end", E(syscall(SYS_getdents64, fd, (char[512]){0}, 512)), 0);

    /* d_off names the position after each entry: lseek there resumes with the next one. */
    int resumed = 0, rn = 0;
    if (nall >= 5) {
        lseek(fd, all[2].off, SEEK_SET);
        getdents(fd, 8192, e, 32, &rn);
        resumed = rn == nall - 3 && strcmp(e[0].name, all[3].name) == 0;
    }
    resb("getdents-lseek-d_off", resumed, "lseek to d_off %lld of entry 2 then getdents64: %d entries, first "
         "\"%s\"; expected %d entries from \"%s\"", (long long)all[2].off, rn, rn ? e[0].name : "",
         nall - 3, nall > 3 ? all[3].name : "");
    lseek(fd, 0, SEEK_SET);
    getdents(fd, 8192, e, 32, &rn);
    res("getdents-rewind", rn, 7);

    /* A buffer for one entry at a time; too small for any. */
    lseek(fd, 0, SEEK_SET);
    int calls = 0, total = 0;
    for (int i = 0; i < 20; i++) {
        r = getdents(fd, 32, e, 32, &rn);
        if (r <= 0)
            break;
        calls++;
        total += rn;
    }
    out("getdents-one-at-a-time: %d calls, %d entries, last %s", calls, total, vstr(r));
    check(calls == 7 && total == 7 && r == 0, "getdents-one-at-a-time", "%d calls, %d entries, last %s",
          calls, total, vstr(r));
    lseek(fd, 0, SEEK_SET);
    res("getdents-buffer-too-small", E(syscall(SYS_getdents64, fd, (char[16]){0}, 10)), -EINVAL);
    res("getdents-efault", E(syscall(SYS_getdents64, fd, unmapped, 4096)), -EFAULT);
    close(fd);
    fd = open(P("ls/f1"), O_RDONLY);
    res("getdents-on-file", E(syscall(SYS_getdents64, fd, (char[512]){0}, 512)), -ENOTDIR);
    close(fd);
    res("getdents-bad-fd", E(syscall(SYS_getdents64, 999, (char[512]){0}, 512)), -EBADF);

    /* glibc's readdir sees the same names. */
    DIR *dp = opendir(P("ls"));
    int cnt = 0;
    for (struct dirent *de; dp && (de = readdir(dp));)
        cnt++;
    if (dp)
        closedir(dp);
    res("readdir-count", cnt, 7);
}

/* --- unlink and rmdir --- */

static void test_unlink(void)
{
    sys_mkdir(P("u"), 0755);
    sys_mkdir(P("u/d"), 0755);
    sys_mkdir(P("u/full"), 0755);
    write_file(P("u/full/x"), "x");
    write_file(P("u/f"), "f");
    write_file(P("u/g"), "g");
    sys_symlink("g", P("u/lg"));
    res("unlink-file", sys_unlink(P("u/f"), 0), 0);
    res("unlink-file-gone", fdv(ino_of(P("u/f"), 0)), -ENOENT);
    res("unlink-missing", sys_unlink(P("u/f"), 0), -ENOENT);
    res("unlink-dir", sys_unlink(P("u/d"), 0), -EISDIR);
    res("rmdir-file", sys_unlink(P("u/g"), AT_REMOVEDIR), -ENOTDIR);
    res("rmdir-not-empty", sys_unlink(P("u/full"), AT_REMOVEDIR), -ENOTEMPTY);
    res("rmdir-dot", sys_unlink(P("u/d/."), AT_REMOVEDIR), -EINVAL);
    res("rmdir-dotdot", sys_unlink(P("u/d/.."), AT_REMOVEDIR), -ENOTEMPTY);
    res("unlinkat-bad-flags", sys_unlink(P("u/g"), 1), -EINVAL);
    res("unlink-dot", sys_unlink(P("u/d/."), 0), -EISDIR);
    res("unlink-root", sys_unlink("/", 0), -EISDIR);
    res("rmdir-root", sys_unlink("/", AT_REMOVEDIR), -EBUSY);
    res("mkdir-root", sys_mkdir("/", 0755), -EEXIST);
    res("unlink-symlink", sys_unlink(P("u/lg"), 0), 0);
    res("unlink-symlink-keeps-target", fdv(ino_of(P("u/g"), 0)), 0);
    res("rmdir-empty", sys_unlink(P("u/d"), AT_REMOVEDIR), 0);
    res("rmdir-gone", fdv(ino_of(P("u/d"), 0)), -ENOENT);
    res("rmdir-parent-nlink", nlink_of(P("u")), 3);
}

/* --- rename --- */

static void test_rename(void)
{
    char buf[64];
    sys_mkdir(P("r"), 0755);
    write_file(P("r/a"), "A");
    write_file(P("r/c"), "C");
    res("rename-file", sys_rename(P("r/a"), P("r/b"), 0), 0);
    res("rename-old-gone", fdv(ino_of(P("r/a"), 0)), -ENOENT);
    res_contents("rename-new-contents", P("r/b"), "A");
    int cfd = open(P("r/c"), O_RDONLY);
    res("rename-over-existing", sys_rename(P("r/b"), P("r/c"), 0), 0);
    res_contents("rename-over-existing-contents", P("r/c"), "A");
    long r = E(pread(cfd, buf, sizeof buf, 0));
    resb("rename-over-open-file-old-data", r == 1 && buf[0] == 'C', "replaced file read %s '%c'", vstr(r), buf[0]);
    close(cfd);
    res("rename-missing", sys_rename(P("r/b"), P("r/z"), 0), -ENOENT);
    res("rename-to-missing-dir", sys_rename(P("r/c"), P("r/nodir/c"), 0), -ENOENT);
    res("rename-same-name", sys_rename(P("r/c"), P("r/c"), 0), 0);
    res_contents("rename-same-name-kept", P("r/c"), "A");

    /* Two names of one file: rename does nothing (POSIX, Linux). */
    sys_link(P("r/c"), P("r/c2"), 0);
    res("rename-hard-links", sys_rename(P("r/c"), P("r/c2"), 0), 0);
    resb("rename-hard-links-both-remain", ino_of(P("r/c"), 0) > 0 && ino_of(P("r/c2"), 0) > 0 &&
         nlink_of(P("r/c2")) == 2, "c: %s, c2: %s, nlink %ld", vstr(ino_of(P("r/c"), 0) > 0 ? 0 : ino_of(P("r/c"), 0)),
         vstr(ino_of(P("r/c2"), 0) > 0 ? 0 : ino_of(P("r/c2"), 0)), nlink_of(P("r/c2")));
    sys_unlink(P("r/c2"), 0);

    /* renameat2 flags */
    write_file(P("r/n1"), "n1");
    write_file(P("r/n2"), "n2");
    res("rename-noreplace-exists", sys_rename(P("r/n1"), P("r/n2"), RENAME_NOREPLACE), -EEXIST);
    res_contents("rename-noreplace-kept", P("r/n2"), "n2");
    res("rename-noreplace-new", sys_rename(P("r/n1"), P("r/n3"), RENAME_NOREPLACE), 0);
    res("rename-bad-flags", sys_rename(P("r/n3"), P("r/n4"), 8), -EINVAL);
    res("rename-noreplace-exchange", sys_rename(P("r/n3"), P("r/n2"), RENAME_NOREPLACE | RENAME_EXCHANGE),
        -EINVAL);

    /* Directories */
    sys_mkdir(P("r/d1"), 0755);
    sys_mkdir(P("r/d1/sub"), 0755);
    write_file(P("r/d1/sub/f"), "deep");
    sys_mkdir(P("r/other"), 0755);
    res("rename-dir", sys_rename(P("r/d1"), P("r/d2"), 0), 0);
    res_contents("rename-dir-contents-follow", P("r/d2/sub/f"), "deep");
    res("rename-dir-into-itself", sys_rename(P("r/d2"), P("r/d2/sub/x"), 0), -EINVAL);
    res("rename-dir-onto-child", sys_rename(P("r/d2"), P("r/d2/new"), 0), -EINVAL);
    res("rename-dir-over-file", sys_rename(P("r/d2"), P("r/n2"), 0), -ENOTDIR);
    res("rename-file-over-dir", sys_rename(P("r/n2"), P("r/other"), 0), -EISDIR);
    res("rename-dir-over-nonempty", sys_rename(P("r/other"), P("r/d2"), 0), -ENOTEMPTY);
    sys_mkdir(P("r/empty"), 0755);
    res("rename-dir-over-empty", sys_rename(P("r/d2"), P("r/empty"), 0), 0);
    res_contents("rename-dir-over-empty-contents", P("r/empty/sub/f"), "deep");
    res("rename-dir-across", sys_rename(P("r/empty/sub"), P("r/other/sub"), 0), 0);
    out("rename-dir-across-nlinks: %ld %ld", nlink_of(P("r/empty")), nlink_of(P("r/other")));
    check(nlink_of(P("r/empty")) == 2 && nlink_of(P("r/other")) == 3, "rename-dir-across-nlinks",
          "old parent nlink %ld (want 2), new parent %ld (want 3)", nlink_of(P("r/empty")), nlink_of(P("r/other")));
    long up = ino_of(P("r/other/sub/.."), 0), want = ino_of(P("r/other"), 0);
    resb("rename-dir-dotdot-moves", up == want && up > 0, "\"sub/..\" is inode %s, new parent %s", vstr(up),
         vstr(want));
}

/* --- hard links --- */

static void test_link(void)
{
    sys_mkdir(P("k"), 0755);
    write_file(P("k/f"), "linked");
    res("link", sys_link(P("k/f"), P("k/g"), 0), 0);
    res("link-nlink-2", nlink_of(P("k/f")), 2);
    int fd = open(P("k/g"), O_RDONLY);
    struct stat st;
    fstat(fd, &st);
    resb("link-same-inode", (long)st.st_ino == ino_of(P("k/f"), 0) && st.st_nlink == 2,
         "ino %ld vs %ld, fstat nlink %ld", (long)st.st_ino, ino_of(P("k/f"), 0), (long)st.st_nlink);
    res("link-unlink-one", sys_unlink(P("k/f"), 0), 0);
    fstat(fd, &st);
    res("link-fstat-nlink-1", (long)st.st_nlink, 1);
    close(fd);
    res_contents("link-other-name-reads", P("k/g"), "linked");
    res("link-exists", sys_link(P("k/g"), P("k/g"), 0), -EEXIST);
    res("link-missing", sys_link(P("k/nope"), P("k/h"), 0), -ENOENT);
    res("link-dir", sys_link(P("k"), P("k/dirlink"), 0), -EPERM);
    res("link-bad-flags", sys_link(P("k/g"), P("k/h"), 1), -EINVAL);
    sys_symlink("g", P("k/sl"));
    res("link-symlink-itself", sys_link(P("k/sl"), P("k/sl2"), 0), 0);
    res("link-symlink-itself-is-link", mode_of(P("k/sl2"), AT_SYMLINK_NOFOLLOW) & S_IFMT, S_IFLNK);
    res("link-symlink-follow", sys_link(P("k/sl"), P("k/sl3"), AT_SYMLINK_FOLLOW), 0);
    res("link-symlink-follow-is-file", mode_of(P("k/sl3"), AT_SYMLINK_NOFOLLOW) & S_IFMT, S_IFREG);
    res("link-follow-nlink", nlink_of(P("k/g")), 2);
}

/* --- symbolic links --- */

static void test_symlink(void)
{
    char buf[256];
    sys_mkdir(P("s"), 0755);
    sys_mkdir(P("s/dir"), 0755);
    write_file(P("s/dir/file"), "through");
    res("symlink", sys_symlink("dir/file", P("s/lf")), 0);
    long r = sys_readlink(P("s/lf"), buf, sizeof buf);
    out("readlink: %s %.*s", vstr(r), r > 0 ? (int)r : 0, buf);
    check(r == 8 && memcmp(buf, "dir/file", 8) == 0, "readlink", "%s \"%.*s\"", vstr(r), r > 0 ? (int)r : 0, buf);
    memset(buf, '#', sizeof buf);
    r = sys_readlink(P("s/lf"), buf, 3);
    resb("readlink-truncated", r == 3 && memcmp(buf, "dir#", 4) == 0, "%s \"%.4s\"", vstr(r), buf);
    res("readlink-bufsiz-0", sys_readlink(P("s/lf"), buf, 0), -EINVAL);
    res("readlink-not-link", sys_readlink(P("s/dir/file"), buf, sizeof buf), -EINVAL);
    res("readlink-dir", sys_readlink(P("s/dir"), buf, sizeof buf), -EINVAL);
    res("readlink-missing", sys_readlink(P("s/none"), buf, sizeof buf), -ENOENT);
    struct stat st;
    r = sys_stat(P("s/lf"), &st, AT_SYMLINK_NOFOLLOW);
    resb("lstat-symlink", r == 0 && S_ISLNK(st.st_mode) && st.st_size == 8, "lstat %s mode %#o size %ld",
         vstr(r), st.st_mode, (long)st.st_size);
    res("stat-follows", mode_of(P("s/lf"), 0) & S_IFMT, S_IFREG);
    res("symlink-exists", sys_symlink("x", P("s/lf")), -EEXIST);
    res("symlink-empty-target", sys_symlink("", P("s/empty")), -ENOENT);

    res_contents("symlink-follow-at-end", P("s/lf"), "through");
    sys_symlink("dir", P("s/ld"));
    res_contents("symlink-follow-in-middle", P("s/ld/file"), "through");
    char abs[256];
    snprintf(abs, sizeof abs, "%s/s/dir", base);
    sys_symlink(abs, P("s/labs"));
    res_contents("symlink-absolute", P("s/labs/file"), "through");
    sys_symlink("../ld/../lf", P("s/dir/lrel"));   /* ".." after a link is physical */
    res_contents("symlink-relative-to-link-dir", P("s/dir/lrel"), "through");
    sys_symlink("lf", P("s/chain2"));
    sys_symlink("chain2", P("s/chain1"));
    res_contents("symlink-chain", P("s/chain1"), "through");

    res("o_nofollow-link", fdv(sys_open(P("s/lf"), O_RDONLY | O_NOFOLLOW, 0)), -ELOOP);
    res("o_nofollow-link-in-middle", fdv(sys_open(P("s/ld/file"), O_RDONLY | O_NOFOLLOW, 0)), 0);
    res("o_nofollow-creat-link", fdv(sys_open(P("s/lf"), O_WRONLY | O_CREAT | O_NOFOLLOW, 0644)), -ELOOP);
    sys_symlink("loop2", P("s/loop1"));
    sys_symlink("loop1", P("s/loop2"));
    res("symlink-loop", fdv(sys_open(P("s/loop1"), O_RDONLY, 0)), -ELOOP);
    sys_symlink("self", P("s/self"));
    res("symlink-self-loop", fdv(ino_of(P("s/self"), 0)), -ELOOP);
    res("symlink-loop-in-middle", fdv(ino_of(P("s/loop1/x"), 0)), -ELOOP);

    /* At most 40 links per lookup: a chain of 40 resolves, 41 do not. */
    for (int i = 0; i < 41; i++) {
        char name[32], target[32];
        snprintf(name, sizeof name, "s/c%d", i);
        if (i == 40)
            snprintf(target, sizeof target, "dir/file");
        else
            snprintf(target, sizeof target, "c%d", i + 1);
        sys_symlink(target, P(name));
    }
    res("symlink-chain-40", fdv(ino_of(P("s/c1"), 0)), 0);
    res("symlink-chain-41", fdv(ino_of(P("s/c0"), 0)), -ELOOP);

    /* A dangling link: stat fails, lstat works, O_CREAT creates the target, O_EXCL refuses. */
    sys_symlink("made", P("s/dangling"));
    res("dangling-stat", fdv(ino_of(P("s/dangling"), 0)), -ENOENT);
    res("dangling-lstat", fdv(ino_of(P("s/dangling"), AT_SYMLINK_NOFOLLOW)), 0);
    res("dangling-creat-excl", fdv(sys_open(P("s/dangling"), O_WRONLY | O_CREAT | O_EXCL, 0644)), -EEXIST);
    long fd = sys_open(P("s/dangling"), O_WRONLY | O_CREAT, 0644);
    res("dangling-creat", fdv(fd), 0);
    if (fd >= 0)
        close((int)fd);
    res("dangling-creat-made-target", fdv(ino_of(P("s/made"), AT_SYMLINK_NOFOLLOW)), 0);
    fd = sys_open(P("s/lf"), O_WRONLY | O_CREAT, 0644);
    res("creat-through-link-existing", fdv(fd), 0);
    if (fd >= 0)
        close((int)fd);
    res_contents("creat-through-link-kept", P("s/dir/file"), "through");
}

/* --- working directory --- */

static int cwd_is(const char *want)
{
    char buf[512];
    long r = syscall(SYS_getcwd, buf, sizeof buf);
    return r == (long)strlen(want) + 1 && strcmp(buf, want) == 0;
}

static void test_cwd(void)
{
    char buf[512];
    sys_mkdir(P("w"), 0755);
    sys_mkdir(P("w/sub"), 0755);
    write_file(P("w/file"), "f");
    res("chdir", E(chdir(P("w"))), 0);
    resb("getcwd-after-chdir", cwd_is(P("w")), "getcwd \"%s\"", getcwd(buf, sizeof buf) ? buf : ename(errno));
    res("chdir-relative", E(chdir("sub")), 0);
    resb("getcwd-relative", cwd_is(P("w/sub")), "getcwd \"%s\"", getcwd(buf, sizeof buf) ? buf : ename(errno));
    res("chdir-dotdot", E(chdir("..")), 0);
    resb("getcwd-dotdot", cwd_is(P("w")), "getcwd \"%s\"", getcwd(buf, sizeof buf) ? buf : ename(errno));
    res_contents("relative-open", "file", "f");
    int fd = open("sub", O_RDONLY | O_DIRECTORY);
    res("fchdir", E(fchdir(fd)), 0);
    resb("getcwd-fchdir", cwd_is(P("w/sub")), "getcwd \"%s\"", getcwd(buf, sizeof buf) ? buf : ename(errno));
    close(fd);
    fd = open(P("w/file"), O_RDONLY);
    res("fchdir-file", E(fchdir(fd)), -ENOTDIR);
    close(fd);
    res("fchdir-bad-fd", E(fchdir(999)), -EBADF);
    res("chdir-file", E(chdir(P("w/file"))), -ENOTDIR);
    res("chdir-missing", E(chdir(P("w/none"))), -ENOENT);
    res("chdir-empty", E(syscall(SYS_chdir, "")), -ENOENT);
    res("chdir-null", E(syscall(SYS_chdir, NULL)), -EFAULT);
    size_t len = strlen(P("w/sub"));
    long r = E(syscall(SYS_getcwd, buf, len + 1));
    resb("getcwd-exact-size", r == (long)len + 1, "getcwd with %zu bytes: %s (the length with the NUL)", len + 1,
         vstr(r));
    res("getcwd-too-small", E(syscall(SYS_getcwd, buf, len)), -ERANGE);
    res("getcwd-size-0", E(syscall(SYS_getcwd, buf, 0)), -ERANGE);
    res("getcwd-efault", E(syscall(SYS_getcwd, unmapped, sizeof buf)), -EFAULT);

    /* The working directory removed under us. */
    sys_mkdir(P("w/gone"), 0755);
    chdir(P("w/gone"));
    res("rmdir-cwd", sys_unlink(P("w/gone"), AT_REMOVEDIR), 0);
    res("getcwd-removed", E(syscall(SYS_getcwd, buf, sizeof buf)), -ENOENT);
    res("create-in-removed-cwd", fdv(sys_open("x", O_WRONLY | O_CREAT, 0644)), -ENOENT);
    res("mkdir-in-removed-cwd", sys_mkdir("y", 0755), -ENOENT);
    long dfd = sys_open(".", O_RDONLY | O_DIRECTORY, 0);
    res("open-removed-cwd", fdv(dfd), 0);
    res("getdents-removed-dir", dfd >= 0 ? E(syscall(SYS_getdents64, dfd, buf, sizeof buf)) : dfd, -ENOENT);
    if (dfd >= 0)
        close((int)dfd);
    chdir("/");
}

/* --- attributes --- */

static void test_attrs(void)
{
    char buf[64];
    sys_mkdir(P("a"), 0755);
    write_file(P("a/f"), "attr");
    res("access-f_ok", E(syscall(SYS_faccessat, AT_FDCWD, P("a/f"), F_OK)), 0);
    res("access-rw", E(syscall(SYS_faccessat, AT_FDCWD, P("a/f"), R_OK | W_OK)), 0);
    res("access-x-not-executable", E(syscall(SYS_faccessat, AT_FDCWD, P("a/f"), X_OK)), -EACCES);
    res("access-x-dir", E(syscall(SYS_faccessat, AT_FDCWD, P("a"), X_OK)), 0);
    res("access-bad-mode", E(syscall(SYS_faccessat, AT_FDCWD, P("a/f"), 0x10)), -EINVAL);
    res("access-missing", E(syscall(SYS_faccessat, AT_FDCWD, P("a/none"), F_OK)), -ENOENT);
    sys_symlink("none", P("a/dangle"));
    res("faccessat2-nofollow-dangling", E(syscall(SYS_faccessat2, AT_FDCWD, P("a/dangle"), F_OK,
                                                  AT_SYMLINK_NOFOLLOW)), 0);
    res("faccessat2-follow-dangling", E(syscall(SYS_faccessat2, AT_FDCWD, P("a/dangle"), F_OK, 0)), -ENOENT);
    res("faccessat2-bad-flags", E(syscall(SYS_faccessat2, AT_FDCWD, P("a/f"), F_OK, 0x1)), -EINVAL);

    res("fchmodat", E(syscall(SYS_fchmodat, AT_FDCWD, P("a/f"), 0751)), 0);
    res("fchmodat-mode", mode_of(P("a/f"), 0), S_IFREG | 0751);
    res("access-x-after-chmod", E(syscall(SYS_faccessat, AT_FDCWD, P("a/f"), X_OK)), 0);
    res("fchmodat-type-bits-ignored", E(syscall(SYS_fchmodat, AT_FDCWD, P("a/f"), S_IFDIR | 04755)), 0);
    res("fchmodat-setuid-mode", mode_of(P("a/f"), 0), S_IFREG | 04755);
    int fd = open(P("a/f"), O_RDONLY);
    res("fchmod", E(fchmod(fd, 0600)), 0);
    res("fchmod-mode", mode_of(P("a/f"), 0), S_IFREG | 0600);
    res("fchmodat-missing", E(syscall(SYS_fchmodat, AT_FDCWD, P("a/none"), 0600)), -ENOENT);
    res("fchmod-bad-fd", E(fchmod(999, 0600)), -EBADF);

    /* utimensat */
    struct timespec ts[2] = { { 1000000000, 123456789 }, { 1200000000, 987654321 } };
    struct stat st;
    res("utimensat", E(syscall(SYS_utimensat, AT_FDCWD, P("a/f"), ts, 0)), 0);
    sys_stat(P("a/f"), &st, 0);
    resb("utimensat-times", st.st_atim.tv_sec == 1000000000 && st.st_atim.tv_nsec == 123456789 &&
         st.st_mtim.tv_sec == 1200000000 && st.st_mtim.tv_nsec == 987654321, "atime %ld.%09ld mtime %ld.%09ld",
         (long)st.st_atim.tv_sec, st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    struct timespec before, after;
    clock_gettime(CLOCK_REALTIME, &before);
    struct timespec omit_now[2] = { { 5, UTIME_OMIT }, { 7, UTIME_NOW } };
    res("utimensat-omit-now", E(syscall(SYS_utimensat, AT_FDCWD, P("a/f"), omit_now, 0)), 0);
    clock_gettime(CLOCK_REALTIME, &after);
    sys_stat(P("a/f"), &st, 0);
    resb("utime_omit-keeps", st.st_atim.tv_sec == 1000000000 && st.st_atim.tv_nsec == 123456789,
         "atime %ld.%09ld", (long)st.st_atim.tv_sec, st.st_atim.tv_nsec);
    resb("utime_now-sets-now", st.st_mtim.tv_sec >= before.tv_sec - 1 && st.st_mtim.tv_sec <= after.tv_sec + 1,
         "mtime %ld, now between %ld and %ld", (long)st.st_mtim.tv_sec, (long)before.tv_sec, (long)after.tv_sec);
    struct timespec fdts[2] = { { 300, 0 }, { 400, 0 } };
    res("futimens", E(syscall(SYS_utimensat, fd, NULL, fdts, 0)), 0);
    sys_stat(P("a/f"), &st, 0);
    resb("futimens-times", st.st_atim.tv_sec == 300 && st.st_mtim.tv_sec == 400, "atime %ld mtime %ld",
         (long)st.st_atim.tv_sec, (long)st.st_mtim.tv_sec);
    res("utimensat-null-times", E(syscall(SYS_utimensat, AT_FDCWD, P("a/f"), NULL, 0)), 0);
    clock_gettime(CLOCK_REALTIME, &after);
    sys_stat(P("a/f"), &st, 0);
    resb("utimensat-null-is-now", st.st_atim.tv_sec >= before.tv_sec - 1 && st.st_atim.tv_sec <= after.tv_sec + 1 &&
         st.st_mtim.tv_sec >= before.tv_sec - 1 && st.st_mtim.tv_sec <= after.tv_sec + 1,
         "atime %ld mtime %ld, now %ld", (long)st.st_atim.tv_sec, (long)st.st_mtim.tv_sec, (long)after.tv_sec);
    struct timespec bad[2] = { { 0, 1000000000 }, { 0, 0 } };
    res("utimensat-bad-nsec", E(syscall(SYS_utimensat, AT_FDCWD, P("a/f"), bad, 0)), -EINVAL);
    res("utimensat-missing", E(syscall(SYS_utimensat, AT_FDCWD, P("a/none"), ts, 0)), -ENOENT);
    sys_symlink("f", P("a/lnk"));
    res("utimensat-nofollow", E(syscall(SYS_utimensat, AT_FDCWD, P("a/lnk"), ts, AT_SYMLINK_NOFOLLOW)), 0);
    struct stat lst;
    sys_stat(P("a/lnk"), &lst, AT_SYMLINK_NOFOLLOW);
    sys_stat(P("a/f"), &st, 0);
    resb("utimensat-nofollow-link-only", lst.st_mtim.tv_sec == 1200000000 && st.st_mtim.tv_sec != 1200000000,
         "link mtime %ld, target mtime %ld", (long)lst.st_mtim.tv_sec, (long)st.st_mtim.tv_sec);
    close(fd);

    /* umask */
    res("umask-set", (long)umask(077), 022);
    fd = open(P("a/masked"), O_WRONLY | O_CREAT, 0666);
    close(fd);
    res("umask-file-mode", mode_of(P("a/masked"), 0), S_IFREG | 0600);
    sys_mkdir(P("a/maskdir"), 0777);
    res("umask-dir-mode", mode_of(P("a/maskdir"), 0), S_IFDIR | 0700);
    syscall(SYS_mknodat, AT_FDCWD, P("a/maskfifo"), S_IFIFO | 0666, 0);
    res("umask-fifo-mode", mode_of(P("a/maskfifo"), 0), S_IFIFO | 0600);
    res("umask-restore", (long)umask(022), 077);

    /* ftruncate and truncate */
    fd = open(P("a/t"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    static char big[10000], back[10000];
    memset(big, 'x', sizeof big);
    if (write(fd, big, sizeof big) != sizeof big)
        say("write failed");
    res("ftruncate-shrink", E(ftruncate(fd, 100)), 0);
    struct stat tst;
    fstat(fd, &tst);
    res("ftruncate-shrink-size", (long)tst.st_size, 100);
    res("ftruncate-grow", E(ftruncate(fd, 9000)), 0);
    fstat(fd, &tst);
    res("ftruncate-grow-size", (long)tst.st_size, 9000);
    long r = E(pread(fd, back, sizeof back, 0));
    int ok = r == 9000;
    for (int i = 0; ok && i < 9000; i++)
        ok = back[i] == (i < 100 ? 'x' : 0);
    resb("ftruncate-grow-reads-zeros", ok, "pread %s, bytes 100.. not zero or 0..99 not 'x'", vstr(r));
    res("ftruncate-keeps-offset", E(lseek(fd, 0, SEEK_CUR)), 10000);
    res("ftruncate-negative", E(ftruncate(fd, -1)), -EINVAL);
    close(fd);
    fd = open(P("a/t"), O_RDONLY);
    res("ftruncate-rdonly", E(ftruncate(fd, 0)), -EINVAL);
    close(fd);
    fd = open(P("a"), O_RDONLY | O_DIRECTORY);
    res("ftruncate-dir", E(ftruncate(fd, 0)), -EINVAL);
    close(fd);
    res("ftruncate-bad-fd", E(ftruncate(999, 0)), -EBADF);
    res("truncate-path", E(truncate(P("a/t"), 5)), 0);
    res("truncate-path-size", fdv(sys_stat(P("a/t"), &tst, 0)) == 0 ? (long)tst.st_size : -1, 5);
    res("truncate-dir", E(truncate(P("a"), 0)), -EISDIR);

    /* An unlinked file stays readable and writable through its descriptor until closed. */
    write_file(P("a/open"), "persist");
    fd = open(P("a/open"), O_RDWR);
    res("unlink-open-file", sys_unlink(P("a/open"), 0), 0);
    res("unlink-open-name-gone", fdv(ino_of(P("a/open"), 0)), -ENOENT);
    fstat(fd, &tst);
    res("unlink-open-nlink-0", (long)tst.st_nlink, 0);
    memset(buf, 0, sizeof buf);
    r = E(pread(fd, buf, sizeof buf, 0));
    resb("unlink-open-still-reads", r == 7 && strcmp(buf, "persist") == 0, "pread %s \"%s\"", vstr(r), buf);
    write_file(P("a/open"), "new file");
    r = E(pwrite(fd, "!", 1, 7));
    memset(buf, 0, sizeof buf);
    r = r == 1 ? E(pread(fd, buf, sizeof buf, 0)) : r;
    resb("unlink-open-writes-own-file", r == 8 && strcmp(buf, "persist!") == 0, "pread %s \"%s\"", vstr(r), buf);
    res_contents("unlink-open-name-reused", P("a/open"), "new file");
    close(fd);

    res("sync", E(syscall(SYS_sync)), 0);
    fd = open(P("a/t"), O_RDWR);
    res("fsync", E(fsync(fd)), 0);
    res("fdatasync", E(fdatasync(fd)), 0);
    close(fd);
    res("fsync-bad-fd", E(fsync(999)), -EBADF);
    int sp[2];
    if (pipe(sp) == 0) {
        res("fsync-pipe-EINVAL", E(fsync(sp[1])), -EINVAL);
        close(sp[0]);
        close(sp[1]);
    }
    int nul = open("/dev/null", O_WRONLY);
    res("fdatasync-chardev-EINVAL", E(fdatasync(nul)), -EINVAL);
    close(nul);

    /* RLIMIT_FSIZE: a write is cut at the limit; the next one is EFBIG with SIGXFSZ, which
     * kills by default. Children, so the limit does not outlive the check. */
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit rl = { 10, 10 };
        setrlimit(RLIMIT_FSIZE, &rl);
        signal(SIGXFSZ, SIG_IGN);
        int f = open(P("fsize"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        long first = write(f, "abcdefghijklmnopqrstuvwxyz", 26);
        long second = write(f, "x", 1) < 0 ? -errno : 0;
        _exit(first == 10 && second == -EFBIG ? 0 : 1);
    }
    res("rlimit-fsize-cut-then-EFBIG", wait_for(pid, 0), 0);
    pid = fork();
    if (pid == 0) {
        struct rlimit rl = { 0, 0 };
        setrlimit(RLIMIT_FSIZE, &rl);
        int f = open(P("fsize"), O_WRONLY | O_TRUNC);
        (void)!write(f, "x", 1);
        _exit(0);
    }
    int wst = wait_for(pid, 0);
    res("rlimit-fsize-SIGXFSZ", WIFSIGNALED(wst) ? WTERMSIG(wst) : -1, SIGXFSZ);
    unlink(P("fsize"));
}

/* --- bad paths --- */

static void test_badpaths(void)
{
    struct stat st;
    sys_mkdir(P("b"), 0755);
    write_file(P("b/file"), "file");
    res("enoent-missing", fdv(sys_open(P("b/missing"), O_RDONLY, 0)), -ENOENT);
    res("enoent-missing-dir", fdv(sys_open(P("b/nodir/x"), O_RDONLY, 0)), -ENOENT);
    res("enoent-empty-open", fdv(sys_open("", O_RDONLY, 0)), -ENOENT);
    res("enoent-empty-creat", fdv(sys_open("", O_WRONLY | O_CREAT, 0644)), -ENOENT);
    res("enoent-empty-stat", sys_stat("", &st, 0), -ENOENT);
    res("enoent-empty-mkdir", sys_mkdir("", 0755), -ENOENT);
    res("enoent-empty-unlink", sys_unlink("", 0), -ENOENT);
    res("empty-path-flag-stat", sys_stat("", &st, AT_EMPTY_PATH), 0);
    res("enotdir-middle-open", fdv(sys_open(P("b/file/x"), O_RDONLY, 0)), -ENOTDIR);
    res("enotdir-middle-creat", fdv(sys_open(P("b/file/x"), O_WRONLY | O_CREAT, 0644)), -ENOTDIR);
    res("enotdir-middle-mkdir", sys_mkdir(P("b/file/x"), 0755), -ENOTDIR);
    res("enotdir-middle-stat", sys_stat(P("b/file/x"), &st, 0), -ENOTDIR);
    res("enotdir-middle-unlink", sys_unlink(P("b/file/x"), 0), -ENOTDIR);

    /* Trailing slashes name directories. */
    res("slash-stat-file", sys_stat(P("b/file/"), &st, 0), -ENOTDIR);
    res("slash-open-file", fdv(sys_open(P("b/file/"), O_RDONLY, 0)), -ENOTDIR);
    res("slash-creat-new", fdv(sys_open(P("b/new/"), O_WRONLY | O_CREAT, 0644)), -EISDIR);
    res("slash-creat-new-nothing-made", fdv(ino_of(P("b/new"), AT_SYMLINK_NOFOLLOW)), -ENOENT);
    res("slash-unlink-file", sys_unlink(P("b/file/"), 0), -ENOTDIR);
    res("slash-unlink-file-kept", fdv(ino_of(P("b/file"), 0)), 0);
    write_file(P("b/file"), "file");        /* each check below starts from the same state */
    res("slash-rename-file-to", sys_rename(P("b/file"), P("b/other/"), 0), -ENOTDIR);
    write_file(P("b/file"), "file");
    res("slash-rename-file-from", sys_rename(P("b/file/"), P("b/other"), 0), -ENOTDIR);
    res("slash-rename-file-kept", fdv(ino_of(P("b/file"), 0)), 0);
    write_file(P("b/file"), "file");
    sys_unlink(P("b/other"), 0);
    res("slash-mkdir", sys_mkdir(P("b/sd/"), 0755), 0);
    res("slash-rename-dir", sys_rename(P("b/sd/"), P("b/sd2/"), 0), 0);
    res("slash-rmdir", sys_unlink(P("b/sd2/"), AT_REMOVEDIR), 0);

    /* Name and path lengths: 255 is the longest name, PATH_MAX (4096) counts the NUL. */
    char name[320], path[5200];
    memset(name, 'n', sizeof name);
    name[255] = 0;
    snprintf(path, sizeof path, "%s/b/%s", base, name);
    long fd = sys_open(path, O_WRONLY | O_CREAT, 0644);
    res("name-255-creat", fdv(fd), 0);
    if (fd >= 0)
        close((int)fd);
    name[255] = 'n';
    name[256] = 0;
    snprintf(path, sizeof path, "%s/b/%s", base, name);
    res("name-256-creat", fdv(sys_open(path, O_WRONLY | O_CREAT, 0644)), -ENAMETOOLONG);
    name[256] = 'n';
    name[300] = 0;
    snprintf(path, sizeof path, "%s/b/%s", base, name);
    res("name-300-open", fdv(sys_open(path, O_RDONLY, 0)), -ENAMETOOLONG);
    res("name-300-stat", sys_stat(path, &st, 0), -ENAMETOOLONG);
    res("name-300-mkdir", sys_mkdir(path, 0755), -ENAMETOOLONG);
    res("name-300-unlink", sys_unlink(path, 0), -ENAMETOOLONG);
    snprintf(path, sizeof path, "%s/b/%s/x", base, name);
    res("name-300-in-middle", sys_stat(path, &st, 0), -ENAMETOOLONG);
    memset(path, '/', 4092);
    memcpy(path + 4092, "tmp", 4);
    res("path-4095-chars", sys_stat(path, &st, 0), 0);
    memset(path, '/', 4093);
    memcpy(path + 4093, "tmp", 4);
    res("path-4096-chars", sys_stat(path, &st, 0), -ENAMETOOLONG);
    for (int i = 0; i < 2500; i++)
        memcpy(path + 2 * i, "a/", 2);
    path[5000] = 0;
    res("path-5000-open", fdv(sys_open(path, O_RDONLY, 0)), -ENAMETOOLONG);
    res("path-5000-creat", fdv(sys_open(path, O_WRONLY | O_CREAT, 0644)), -ENAMETOOLONG);
    res("path-5000-mkdir", sys_mkdir(path, 0755), -ENAMETOOLONG);

    /* Bad pointers. */
    void *bad[3] = { NULL, KERNEL_HALF, unmapped };
    const char *what[3] = { "null", "kernel", "unmapped" };
    for (int i = 0; i < 3; i++) {
        char n[64];
        snprintf(n, sizeof n, "efault-open-%s", what[i]);
        res(n, fdv(E(syscall(SYS_openat, AT_FDCWD, bad[i], O_RDONLY, 0))), -EFAULT);
        snprintf(n, sizeof n, "efault-mkdir-%s", what[i]);
        res(n, E(syscall(SYS_mkdirat, AT_FDCWD, bad[i], 0755)), -EFAULT);
        snprintf(n, sizeof n, "efault-unlink-%s", what[i]);
        res(n, E(syscall(SYS_unlinkat, AT_FDCWD, bad[i], 0)), -EFAULT);
        snprintf(n, sizeof n, "efault-stat-path-%s", what[i]);
        res(n, E(syscall(SYS_newfstatat, AT_FDCWD, bad[i], &st, 0)), -EFAULT);
        snprintf(n, sizeof n, "efault-stat-buf-%s", what[i]);
        res(n, E(syscall(SYS_newfstatat, AT_FDCWD, P("b/file"), bad[i], 0)), -EFAULT);
        snprintf(n, sizeof n, "efault-readlink-buf-%s", what[i]);
        sys_symlink("file", P("b/l"));
        res(n, E(syscall(SYS_readlinkat, AT_FDCWD, P("b/l"), bad[i], 64)), -EFAULT);
        snprintf(n, sizeof n, "efault-rename-%s", what[i]);
        res(n, E(syscall(SYS_renameat2, AT_FDCWD, P("b/file"), AT_FDCWD, bad[i], 0)), -EFAULT);
    }

    /* Directory descriptors as starting points. */
    int dfd = open(P("b"), O_RDONLY | O_DIRECTORY);
    fd = E(syscall(SYS_openat, dfd, "file", O_RDONLY, 0));
    res("openat-dirfd", fdv(fd), 0);
    res("openat-file-as-dirfd", fdv(E(syscall(SYS_openat, fd, "x", O_RDONLY, 0))), -ENOTDIR);
    if (fd >= 0)
        close((int)fd);
    res("openat-bad-dirfd", fdv(E(syscall(SYS_openat, 999, "file", O_RDONLY, 0))), -EBADF);
    res("openat-bad-dirfd-absolute", fdv(E(syscall(SYS_openat, 999, P("b/file"), O_RDONLY, 0))), 0);
    res("mkdirat-dirfd", E(syscall(SYS_mkdirat, dfd, "viafd", 0755)), 0);
    res("mkdirat-dirfd-made", mode_of(P("b/viafd"), 0) & S_IFMT, S_IFDIR);
    res("fstatat-empty-path-dirfd", E(syscall(SYS_newfstatat, dfd, "", &st, AT_EMPTY_PATH)), 0);
    resb("fstatat-empty-path-dirfd-ino", (long)st.st_ino == ino_of(P("b"), 0), "inode %ld, the directory's %s",
         (long)st.st_ino, vstr(ino_of(P("b"), 0)));
    res("fstatat-bad-flags", E(syscall(SYS_newfstatat, dfd, "file", &st, 0x4)), -EINVAL);
    close(dfd);
}

static void rm_rf(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (fd < 0) {
        unlink(path);
        return;
    }
    char buf[4096];
    for (int removed = 1; removed;) {
        removed = 0;
        long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
        if (n <= 0)
            break;
        for (long off = 0; off < n;) {
            const char *name = buf + off + 19;
            unsigned short reclen;
            memcpy(&reclen, buf + off + 16, 2);
            off += reclen;
            if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                continue;
            char sub[1024];
            snprintf(sub, sizeof sub, "%s/%s", path, name);
            rm_rf(sub);
            removed++;
        }
        /* entries were removed: read from the start again (d_off is not relied on) */
        lseek(fd, 0, SEEK_SET);
    }
    close(fd);
    rmdir(path);
}

int main(void)
{
    umask(022);
    unmapped = unmapped_addr();
    snprintf(base, sizeof base, "/tmp/f_names.%d", getpid());
    rm_rf(base);
    if (mkdir(base, 0755) != 0) {
        check(0, "setup", "mkdir %s: %s", base, ename(errno));
        return 1;
    }
    test_dirs();
    test_unlink();
    test_rename();
    test_link();
    test_symlink();
    test_cwd();
    test_attrs();
    test_badpaths();
    rm_rf(base);
    return t_done("f_names");
}
