/* box ls: list files and directories. Options: -l long format, -a dot files too,
 * -1 one name per line, -d directories themselves, not their contents. */
#include "box.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct entry {
    char *name;     /* as shown */
    char *path;     /* for lstat/readlink */
    struct stat st;
};

struct list {
    struct entry *v;
    int n, cap;
};

static int opt_long, opt_all, opt_one, opt_dir;

static void add_entry(struct list *l, const char *name, const char *path, const struct stat *st)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        if (!l->v) {
            warn_msg("out of memory");
            exit(1);
        }
    }
    l->v[l->n].name = strdup(name);
    l->v[l->n].path = strdup(path);
    l->v[l->n].st = *st;
    l->n++;
}

static void free_list(struct list *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].path);
    }
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static void mode_string(mode_t m, char *s)
{
    const char *types = "?pc?d?b?-?l?s???";
    s[0] = types[(m >> 12) & 15];
    const char *rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++)
        s[1 + i] = (m & (0400 >> i)) ? rwx[i] : '-';
    if (m & S_ISUID)
        s[3] = (m & S_IXUSR) ? 's' : 'S';
    if (m & S_ISGID)
        s[6] = (m & S_IXGRP) ? 's' : 'S';
    if (m & S_ISVTX)
        s[9] = (m & S_IXOTH) ? 't' : 'T';
    s[10] = 0;
}

static int digits(unsigned long v)
{
    int d = 1;
    while (v >= 10)
        v /= 10, d++;
    return d;
}

/* Long format: mode, links, uid, gid, size (or major, minor), name [-> target]. */
static void print_long(struct list *l)
{
    int wl = 1, wu = 1, wg = 1, ws = 1;
    for (int i = 0; i < l->n; i++) {
        struct stat *st = &l->v[i].st;
        wl = digits(st->st_nlink) > wl ? digits(st->st_nlink) : wl;
        wu = digits(st->st_uid) > wu ? digits(st->st_uid) : wu;
        wg = digits(st->st_gid) > wg ? digits(st->st_gid) : wg;
        int sz = (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
                     ? digits(major(st->st_rdev)) + digits(minor(st->st_rdev)) + 2
                     : digits(st->st_size);
        ws = sz > ws ? sz : ws;
    }
    for (int i = 0; i < l->n; i++) {
        struct stat *st = &l->v[i].st;
        char mode[11], size[48];
        mode_string(st->st_mode, mode);
        if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
            snprintf(size, sizeof size, "%u, %u", major(st->st_rdev), minor(st->st_rdev));
        else
            snprintf(size, sizeof size, "%lld", (long long)st->st_size);
        printf("%s %*lu %*u %*u %*s %s", mode, wl, (unsigned long)st->st_nlink, wu, st->st_uid,
               wg, st->st_gid, ws, size, l->v[i].name);
        if (S_ISLNK(st->st_mode)) {
            char target[PATH_MAX];
            ssize_t n = readlink(l->v[i].path, target, sizeof target - 1);
            if (n >= 0) {
                target[n] = 0;
                printf(" -> %s", target);
            }
        }
        putchar('\n');
    }
}

static int terminal_width(void)
{
    struct winsize ws;
    if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *c = getenv("COLUMNS");
    return c && atoi(c) > 0 ? atoi(c) : 80;
}

/* Names in columns, filled top to bottom, when writing to a terminal. */
static void print_columns(struct list *l)
{
    if (opt_one || !isatty(1)) {
        for (int i = 0; i < l->n; i++)
            printf("%s\n", l->v[i].name);
        return;
    }
    int maxw = 1;
    for (int i = 0; i < l->n; i++) {
        int w = strlen(l->v[i].name);
        maxw = w > maxw ? w : maxw;
    }
    int colw = maxw + 2;
    int cols = terminal_width() / colw;
    if (cols < 1)
        cols = 1;
    int rows = (l->n + cols - 1) / cols;
    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
            int i = c * rows + r;
            if (i >= l->n)
                break;
            int last = (c + 1) * rows + r >= l->n;
            if (last)
                printf("%s", l->v[i].name);
            else
                printf("%-*s", colw, l->v[i].name);
        }
        putchar('\n');
    }
}

static void print_list(struct list *l)
{
    qsort(l->v, l->n, sizeof *l->v, by_name);
    if (opt_long)
        print_long(l);
    else
        print_columns(l);
}

static int list_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        warn_errno(dir);
        return 1;
    }
    struct list l = {0};
    struct dirent *e;
    int st = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' && !opt_all)
            continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat sb;
        memset(&sb, 0, sizeof sb);
        if (opt_long && lstat(path, &sb) < 0) {
            warn_errno(path);
            st = 1;
            continue;
        }
        add_entry(&l, e->d_name, path, &sb);
    }
    closedir(d);
    print_list(&l);
    free_list(&l);
    return st;
}

int tool_ls(int argc, char **argv)
{
    struct opts o;
    int i = parse_opts(argc, argv, "la1d", &o);
    if (i < 0)
        return 2;
    opt_long = o.on['l'];
    opt_all = o.on['a'];
    opt_one = o.on['1'];
    opt_dir = o.on['d'];
    char *dot[] = {".", NULL};
    char **names = i < argc ? argv + i : dot;
    int count = i < argc ? argc - i : 1;

    /* Files first, all together; then each directory's contents. */
    struct list files = {0}, dirs = {0};
    int st = 0;
    for (int k = 0; k < count; k++) {
        struct stat sb;
        int r = opt_long || opt_dir ? lstat(names[k], &sb) : stat(names[k], &sb);
        if (r < 0 && lstat(names[k], &sb) < 0) {
            warn_errno(names[k]);
            st = 1;
            continue;
        }
        /* ls -l DIR lists DIR even when it is a symlink to a directory. */
        struct stat target;
        int is_dir = S_ISDIR(sb.st_mode) ||
                     (opt_long && !opt_dir && S_ISLNK(sb.st_mode) && stat(names[k], &target) == 0 &&
                      S_ISDIR(target.st_mode) && names[k][strlen(names[k]) - 1] == '/');
        add_entry(is_dir && !opt_dir ? &dirs : &files, names[k], names[k], &sb);
    }
    if (files.n)
        print_list(&files);
    qsort(dirs.v, dirs.n, sizeof *dirs.v, by_name);
    for (int k = 0; k < dirs.n; k++) {
        if (count > 1)
            printf("%s%s:\n", files.n || k ? "\n" : "", dirs.v[k].name);
        st |= list_dir(dirs.v[k].path);
    }
    free_list(&files);
    free_list(&dirs);
    return st;
}
