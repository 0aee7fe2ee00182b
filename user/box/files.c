/* box: tools that change or describe the file tree: mkdir, rmdir, rm, mv, cp, ln, touch,
 * chmod, stat, basename, dirname. */
#include "box.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

/* The last component of a path, ignoring trailing slashes ("a/b/" -> "b"). */
static const char *last_component(const char *path, size_t *len)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    size_t start = n;
    while (start > 0 && path[start - 1] != '/')
        start--;
    *len = n - start;
    if (*len == 0 && n)
        *len = 1;   /* "/" */
    return path + start;
}

/* dir/basename(src): where mv, cp and ln put a file given a directory. */
static void join_into(char *out, size_t size, const char *dir, const char *src)
{
    size_t len;
    const char *base = last_component(src, &len);
    snprintf(out, size, "%s%s%.*s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", (int)len, base);
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* mkdir -p: every missing directory on the way; existing ones are fine. */
static int make_parents(const char *path, mode_t mode)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p)
            continue;
        char saved = *p;
        *p = 0;
        if (mkdir(buf, mode) < 0 && !(errno == EEXIST && is_dir(buf))) {
            warn_errno(buf);
            return 1;
        }
        *p = saved;
        while (*p == '/')
            p++;
        if (!*p)
            return 0;
    }
}

/* mkdir [-p] [-m MODE] DIR... */
int tool_mkdir(int argc, char **argv)
{
    struct opts o;
    int i = parse_opts(argc, argv, "pm:", &o);
    if (i < 0)
        return 1;
    mode_t mode = o.val['m'] ? (mode_t)strtol(o.val['m'], NULL, 8) : 0777;
    if (i >= argc) {
        warn_msg("missing operand");
        return 1;
    }
    int st = 0;
    for (; i < argc; i++) {
        if (o.on['p'])
            st |= make_parents(argv[i], mode);
        else if (mkdir(argv[i], mode) < 0) {
            warn_errno(argv[i]);
            st = 1;
        }
    }
    return st;
}

int tool_rmdir(int argc, char **argv)
{
    if (argc < 2) {
        warn_msg("missing operand");
        return 1;
    }
    int st = 0;
    for (int i = 1; i < argc; i++) {
        if (rmdir(argv[i]) < 0) {
            warn_errno(argv[i]);
            st = 1;
        }
    }
    return st;
}

static int remove_path(const char *path, int recursive, int force)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        if (force && errno == ENOENT)
            return 0;
        warn_errno(path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (unlink(path) < 0) {
            warn_errno(path);
            return 1;
        }
        return 0;
    }
    if (!recursive) {
        errno = EISDIR;
        warn_errno(path);
        return 1;
    }
    DIR *d = opendir(path);
    if (!d) {
        warn_errno(path);
        return 1;
    }
    int r = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char child[PATH_MAX];
        snprintf(child, sizeof child, "%s/%s", path, e->d_name);
        r |= remove_path(child, recursive, force);
    }
    closedir(d);
    if (rmdir(path) < 0) {
        warn_errno(path);
        return 1;
    }
    return r;
}

/* rm [-r|-R] [-f] FILE... */
int tool_rm(int argc, char **argv)
{
    struct opts o;
    int i = parse_opts(argc, argv, "rRfi", &o);
    if (i < 0)
        return 1;
    int recursive = o.on['r'] || o.on['R'];
    if (i >= argc && !o.on['f']) {
        warn_msg("missing operand");
        return 1;
    }
    int st = 0;
    for (; i < argc; i++) {
        size_t len;
        const char *base = last_component(argv[i], &len);
        if ((len == 1 && base[0] == '.') || (len == 2 && !strncmp(base, "..", 2))) {
            warn_msg("refusing to remove '.' or '..': %s", argv[i]);
            st = 1;
            continue;
        }
        st |= remove_path(argv[i], recursive, o.on['f']);
    }
    return st;
}

static int copy_path(const char *src, const char *dst, int recursive);

static int copy_file(const char *src, const char *dst, mode_t mode)
{
    int in = open(src, O_RDONLY);
    if (in < 0) {
        warn_errno(src);
        return 1;
    }
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, mode & 07777);
    if (out < 0) {
        warn_errno(dst);
        close(in);
        return 1;
    }
    int st = 0;
    if (copy_fd(in, out) < 0) {
        warn_errno(dst);
        st = 1;
    }
    close(in);
    if (close(out) < 0) {
        warn_errno(dst);
        st = 1;
    }
    return st;
}

static int copy_dir(const char *src, const char *dst, mode_t mode)
{
    if (mkdir(dst, mode | 0700) < 0 && !(errno == EEXIST && is_dir(dst))) {
        warn_errno(dst);
        return 1;
    }
    DIR *d = opendir(src);
    if (!d) {
        warn_errno(src);
        return 1;
    }
    int st = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char s[PATH_MAX], t[PATH_MAX];
        snprintf(s, sizeof s, "%s/%s", src, e->d_name);
        snprintf(t, sizeof t, "%s/%s", dst, e->d_name);
        st |= copy_path(s, t, 1);
    }
    closedir(d);
    chmod(dst, mode & 07777);
    return st;
}

static int copy_path(const char *src, const char *dst, int recursive)
{
    struct stat ss, ds;
    if ((recursive ? lstat(src, &ss) : stat(src, &ss)) < 0) {
        warn_errno(src);
        return 1;
    }
    if (stat(dst, &ds) == 0 && ds.st_dev == ss.st_dev && ds.st_ino == ss.st_ino) {
        warn_msg("'%s' and '%s' are the same file", src, dst);
        return 1;
    }
    if (S_ISDIR(ss.st_mode)) {
        if (!recursive) {
            warn_msg("omitting directory '%s' (use -r)", src);
            return 1;
        }
        return copy_dir(src, dst, ss.st_mode);
    }
    if (S_ISLNK(ss.st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlink(src, target, sizeof target - 1);
        if (n < 0) {
            warn_errno(src);
            return 1;
        }
        target[n] = 0;
        unlink(dst);
        if (symlink(target, dst) < 0) {
            warn_errno(dst);
            return 1;
        }
        return 0;
    }
    return copy_file(src, dst, ss.st_mode);
}

/* Runs op(src, target) for "SRC DST" or "SRC... DIR"; shared by cp, mv and ln. */
static int each_source(int argc, char **argv, int i, int (*op)(const char *, const char *, int),
                       int flag)
{
    int n = argc - i;
    if (n < 2) {
        warn_msg("missing operand");
        return 1;
    }
    const char *last = argv[argc - 1];
    int into_dir = is_dir(last);
    if (n > 2 && !into_dir) {
        errno = ENOTDIR;
        warn_errno(last);
        return 1;
    }
    int st = 0;
    for (int k = i; k < argc - 1; k++) {
        char target[PATH_MAX];
        if (into_dir)
            join_into(target, sizeof target, last, argv[k]);
        else
            snprintf(target, sizeof target, "%s", last);
        st |= op(argv[k], target, flag);
    }
    return st;
}

/* cp [-r|-R] SRC DST | cp [-r] SRC... DIR */
int tool_cp(int argc, char **argv)
{
    struct opts o;
    int i = parse_opts(argc, argv, "rRfp", &o);
    if (i < 0)
        return 1;
    return each_source(argc, argv, i, copy_path, o.on['r'] || o.on['R']);
}

static int move_path(const char *src, const char *dst, int unused)
{
    (void)unused;
    if (rename(src, dst) == 0)
        return 0;
    if (errno != EXDEV) {
        fprintf(stderr, "%s: cannot move '%s' to '%s': %s\n", prog, src, dst, strerror(errno));
        return 1;
    }
    /* Another file system: copy, then remove the original. */
    if (copy_path(src, dst, 1) != 0)
        return 1;
    return remove_path(src, 1, 0);
}

/* mv SRC DST | mv SRC... DIR */
int tool_mv(int argc, char **argv)
{
    struct opts o;
    int i = parse_opts(argc, argv, "f", &o);
    if (i < 0)
        return 1;
    return each_source(argc, argv, i, move_path, 0);
}

static int force_links;

static int link_path(const char *src, const char *dst, int symbolic)
{
    if (force_links)
        unlink(dst);
    if ((symbolic ? symlink(src, dst) : link(src, dst)) < 0) {
        warn_errno(dst);
        return 1;
    }
    return 0;
}

/* ln [-s] [-f] TARGET [LINK] | ln [-s] TARGET... DIR */
int tool_ln(int argc, char **argv)
{
    struct opts o;
    int i = parse_opts(argc, argv, "sf", &o);
    if (i < 0)
        return 1;
    force_links = o.on['f'];
    if (argc - i == 1) {
        /* One operand: a link of the same name in the current directory. */
        char target[PATH_MAX];
        join_into(target, sizeof target, ".", argv[i]);
        return link_path(argv[i], target, o.on['s']);
    }
    return each_source(argc, argv, i, link_path, o.on['s']);
}

/* touch [-c] FILE...: create empty files, or set times to now. */
int tool_touch(int argc, char **argv)
{
    struct opts o;
    int i = parse_opts(argc, argv, "c", &o);
    if (i < 0)
        return 1;
    if (i >= argc) {
        warn_msg("missing operand");
        return 1;
    }
    int st = 0;
    for (; i < argc; i++) {
        if (utimensat(AT_FDCWD, argv[i], NULL, 0) == 0)
            continue;
        if (errno != ENOENT || o.on['c']) {
            if (errno != ENOENT) {
                warn_errno(argv[i]);
                st = 1;
            }
            continue;
        }
        int fd = open(argv[i], O_WRONLY | O_CREAT, 0666);
        if (fd < 0) {
            warn_errno(argv[i]);
            st = 1;
        } else
            close(fd);
    }
    return st;
}

/* Applies one symbolic clause like "u+x", "go-w", "a=r", "+x". */
static int apply_symbolic(const char *s, mode_t *mode, int is_directory)
{
    mode_t old = *mode;
    while (*s) {
        mode_t who = 0;
        for (; *s && strchr("ugoa", *s); s++)
            who |= *s == 'u' ? 04700 : *s == 'g' ? 02070 : *s == 'o' ? 01007 : 07777;
        int umask_applies = !who;
        if (!who)
            who = 07777;
        if (!*s || !strchr("+-=", *s))
            return -1;
        while (*s && strchr("+-=", *s)) {
            char op = *s++;
            mode_t bits = 0;
            for (; *s && strchr("rwxXst", *s); s++) {
                switch (*s) {
                case 'r': bits |= 0444; break;
                case 'w': bits |= 0222; break;
                case 'x': bits |= 0111; break;
                case 'X':
                    if (is_directory || (old & 0111))
                        bits |= 0111;
                    break;
                case 's': bits |= 06000; break;
                case 't': bits |= 01000; break;
                }
            }
            bits &= who;
            if (umask_applies && op != '-') {
                mode_t m = umask(0);
                umask(m);
                bits &= ~m;
            }
            if (op == '+')
                *mode |= bits;
            else if (op == '-')
                *mode &= ~bits;
            else
                *mode = (*mode & ~(who & 07777)) | bits;
        }
        if (*s == ',')
            s++;
        else if (*s)
            return -1;
    }
    return 0;
}

/* chmod MODE FILE...: MODE is octal (755) or symbolic (u+x,go-w). */
int tool_chmod(int argc, char **argv)
{
    if (argc < 3) {
        warn_msg("usage: chmod MODE FILE...");
        return 1;
    }
    const char *spec = argv[1];
    int octal = strspn(spec, "01234567") == strlen(spec);
    int st = 0;
    for (int i = 2; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) < 0) {
            warn_errno(argv[i]);
            st = 1;
            continue;
        }
        mode_t mode = sb.st_mode & 07777;
        if (octal)
            mode = (mode_t)strtol(spec, NULL, 8);
        else if (apply_symbolic(spec, &mode, S_ISDIR(sb.st_mode)) < 0) {
            warn_msg("invalid mode '%s'", spec);
            return 1;
        }
        if (chmod(argv[i], mode) < 0) {
            warn_errno(argv[i]);
            st = 1;
        }
    }
    return st;
}

static const char *file_type(mode_t m)
{
    if (S_ISREG(m)) return "regular file";
    if (S_ISDIR(m)) return "directory";
    if (S_ISLNK(m)) return "symbolic link";
    if (S_ISCHR(m)) return "character special file";
    if (S_ISBLK(m)) return "block special file";
    if (S_ISFIFO(m)) return "fifo";
    if (S_ISSOCK(m)) return "socket";
    return "unknown";
}

static void print_time(const char *label, const struct timespec *ts)
{
    struct tm tm;
    time_t t = ts->tv_sec;
    gmtime_r(&t, &tm);
    printf("%s: %04d-%02d-%02d %02d:%02d:%02d.%09ld UTC\n", label, tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts->tv_nsec);
}

/* stat FILE...: everything lstat says. */
int tool_stat(int argc, char **argv)
{
    int st = 0;
    if (argc < 2) {
        warn_msg("missing operand");
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        struct stat sb;
        if (lstat(argv[i], &sb) < 0) {
            warn_errno(argv[i]);
            st = 1;
            continue;
        }
        char target[PATH_MAX] = "";
        if (S_ISLNK(sb.st_mode)) {
            ssize_t n = readlink(argv[i], target, sizeof target - 1);
            target[n > 0 ? n : 0] = 0;
        }
        printf("  File: %s%s%s\n", argv[i], *target ? " -> " : "", target);
        printf("  Size: %lld\tBlocks: %lld\tIO Block: %ld\t%s\n", (long long)sb.st_size,
               (long long)sb.st_blocks, (long)sb.st_blksize, file_type(sb.st_mode));
        printf("Device: %u,%u\tInode: %llu\tLinks: %lu", major(sb.st_dev), minor(sb.st_dev),
               (unsigned long long)sb.st_ino, (unsigned long)sb.st_nlink);
        if (S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode))
            printf("\tDevice type: %u,%u", major(sb.st_rdev), minor(sb.st_rdev));
        printf("\nAccess: (%04o)  Uid: %u  Gid: %u\n", sb.st_mode & 07777, sb.st_uid, sb.st_gid);
        print_time("Access", &sb.st_atim);
        print_time("Modify", &sb.st_mtim);
        print_time("Change", &sb.st_ctim);
    }
    return st;
}

/* basename NAME [SUFFIX] */
int tool_basename(int argc, char **argv)
{
    if (argc < 2) {
        warn_msg("missing operand");
        return 1;
    }
    size_t len;
    const char *base = last_component(argv[1], &len);
    if (argc > 2) {
        size_t sl = strlen(argv[2]);
        if (sl < len && strncmp(base + len - sl, argv[2], sl) == 0)
            len -= sl;
    }
    printf("%.*s\n", (int)len, base);
    return 0;
}

/* dirname NAME: everything before the last component ("." if none). */
int tool_dirname(int argc, char **argv)
{
    if (argc < 2) {
        warn_msg("missing operand");
        return 1;
    }
    size_t len;
    const char *path = argv[1];
    const char *base = last_component(path, &len);
    size_t n = base - path;
    while (n > 1 && path[n - 1] == '/')
        n--;
    if (n == 0)
        printf("%s\n", path[0] == '/' ? "/" : ".");
    else
        printf("%.*s\n", (int)n, path);
    return 0;
}
