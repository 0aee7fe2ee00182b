/* box: tools that read and write text: cat, echo, wc, grep, head, tail, yes, tee. */
#include "box.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* cat [FILE...]: "-" or no files means standard input. */
int tool_cat(int argc, char **argv)
{
    struct opts o;
    int i = parse_opts(argc, argv, "u", &o);
    if (i < 0)
        return 2;
    char *stdin_only[] = {"-", NULL};
    char **files = i < argc ? argv + i : stdin_only;
    int st = 0;
    for (; *files; files++) {
        int fd = open_input(*files);
        if (fd < 0) {
            st = 1;
            continue;
        }
        if (copy_fd(fd, 1) < 0) {
            warn_errno(*files);
            st = 1;
        }
        if (fd != 0)
            close(fd);
    }
    return st;
}

/* echo -e escapes; returns 0 when \c asks to stop all output. */
static int echo_escaped(const char *s)
{
    for (; *s; s++) {
        if (*s != '\\' || !s[1]) {
            putchar(*s);
            continue;
        }
        char c = *++s;
        switch (c) {
        case 'n': putchar('\n'); break;
        case 't': putchar('\t'); break;
        case 'r': putchar('\r'); break;
        case 'a': putchar('\a'); break;
        case 'b': putchar('\b'); break;
        case 'e': putchar(27); break;
        case 'f': putchar('\f'); break;
        case 'v': putchar('\v'); break;
        case '\\': putchar('\\'); break;
        case 'c': return 0;
        case '0': {
            int v = 0, k = 0;
            while (k < 3 && s[1] >= '0' && s[1] <= '7')
                v = v * 8 + (*++s - '0'), k++;
            putchar(v);
            break;
        }
        case 'x': {
            int v = 0, k = 0;
            while (k < 2 && isxdigit((unsigned char)s[1])) {
                char h = *++s;
                v = v * 16 + (isdigit((unsigned char)h) ? h - '0' : (tolower(h) - 'a' + 10));
                k++;
            }
            putchar(v);
            break;
        }
        default:
            putchar('\\');
            putchar(c);
        }
    }
    return 1;
}

/* echo [-n] [-e] [-E] args: options only when every letter is one of n, e, E. */
int tool_echo(int argc, char **argv)
{
    int newline = 1, escapes = 0, i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strspn(argv[i] + 1, "neE") != strlen(argv[i] + 1))
            break;
        for (const char *c = argv[i] + 1; *c; c++) {
            if (*c == 'n')
                newline = 0;
            else
                escapes = *c == 'e';
        }
    }
    for (; i < argc; i++) {
        if (escapes) {
            if (!echo_escaped(argv[i]))
                return 0;
        } else
            fputs(argv[i], stdout);
        if (i + 1 < argc)
            putchar(' ');
    }
    if (newline)
        putchar('\n');
    return 0;
}

struct counts {
    long lines, words, bytes;
};

static int count_fd(int fd, struct counts *c)
{
    static char buf[16384];
    int in_word = 0;
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            return 0;
        c->bytes += r;
        for (ssize_t k = 0; k < r; k++) {
            unsigned char ch = buf[k];
            if (ch == '\n')
                c->lines++;
            if (isspace(ch))
                in_word = 0;
            else if (!in_word) {
                in_word = 1;
                c->words++;
            }
        }
    }
}

static void print_counts(struct counts *c, int l, int w, int b, int width, const char *name)
{
    const char *sep = "";
    if (l)
        printf("%*ld", width, c->lines), sep = " ";
    if (w)
        printf("%s%*ld", sep, width, c->words), sep = " ";
    if (b)
        printf("%s%*ld", sep, width, c->bytes);
    printf(name ? " %s\n" : "\n", name);
}

/* wc [-l] [-w] [-c] [FILE...]: lines, words, bytes; a total line for several files. */
int tool_wc(int argc, char **argv)
{
    struct opts o;
    int i = parse_opts(argc, argv, "lwc", &o);
    if (i < 0)
        return 2;
    int l = o.on['l'], w = o.on['w'], b = o.on['c'];
    if (!l && !w && !b)
        l = w = b = 1;
    int nfiles = argc - i;
    int width = (l + w + b > 1 || nfiles > 1) ? 7 : 1;
    struct counts total = {0, 0, 0};
    int st = 0;
    for (int k = i; k < argc || (k == i && nfiles == 0); k++) {
        const char *name = nfiles ? argv[k] : "-";
        int fd = open_input(name);
        if (fd < 0) {
            st = 1;
            continue;
        }
        struct counts c = {0, 0, 0};
        if (count_fd(fd, &c) < 0) {
            warn_errno(name);
            st = 1;
        }
        if (fd != 0)
            close(fd);
        print_counts(&c, l, w, b, width, nfiles ? name : NULL);
        total.lines += c.lines;
        total.words += c.words;
        total.bytes += c.bytes;
    }
    if (nfiles > 1)
        print_counts(&total, l, w, b, width, "total");
    return st;
}

struct grep {
    const char *pattern;
    int invert, icase, count, number, list, quiet, names;
};

static int line_matches(struct grep *g, const char *line)
{
    const char *hit = g->icase ? strcasestr(line, g->pattern) : strstr(line, g->pattern);
    return (hit != NULL) != g->invert;
}

/* Returns the number of matching lines of one input. */
static long grep_file(struct grep *g, FILE *f, const char *name)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long n = 0, matches = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        n++;
        if (len && line[len - 1] == '\n')
            line[len - 1] = 0;
        if (!line_matches(g, line))
            continue;
        matches++;
        if (g->quiet || g->list)
            break;
        if (g->count)
            continue;
        if (g->names)
            printf("%s:", name);
        if (g->number)
            printf("%ld:", n);
        printf("%s\n", line);
    }
    free(line);
    if (g->count)
        g->names ? printf("%s:%ld\n", name, matches) : printf("%ld\n", matches);
    if (g->list && matches)
        printf("%s\n", name);
    return matches;
}

/* grep [-vicnlqhH] [-e] STRING [FILE...]: fixed-string search; status 0 when something
 * matched, 1 when nothing did, 2 on errors. */
int tool_grep(int argc, char **argv)
{
    struct opts o;
    int i = parse_opts(argc, argv, "vicnlqhHFe:", &o);
    if (i < 0)
        return 2;
    struct grep g = {0};
    g.pattern = o.val['e'];
    if (!g.pattern) {
        if (i >= argc) {
            fprintf(stderr, "usage: grep [-vicnlqhH] STRING [FILE...]\n");
            return 2;
        }
        g.pattern = argv[i++];
    }
    g.invert = o.on['v'];
    g.icase = o.on['i'];
    g.count = o.on['c'];
    g.number = o.on['n'];
    g.list = o.on['l'];
    g.quiet = o.on['q'];
    g.names = (argc - i > 1 || o.on['H']) && !o.on['h'];
    long matches = 0;
    int err = 0;
    for (int k = i; k < argc || (k == i && i == argc); k++) {
        const char *name = k < argc ? argv[k] : "-";
        int fd = open_input(name);
        if (fd < 0) {
            err = 1;
            continue;
        }
        FILE *f = fd == 0 ? stdin : fdopen(fd, "r");
        matches += grep_file(&g, f, strcmp(name, "-") ? name : "(standard input)");
        if (f != stdin)
            fclose(f);
        if (matches && g.quiet)
            break;
    }
    if (err && !(g.quiet && matches))
        return 2;
    return matches ? 0 : 1;
}

/* -N as shorthand for -n N (head -5). */
static int line_count_arg(int *argc, char ***argv, long *n)
{
    if (*argc > 1 && (*argv)[1][0] == '-' && isdigit((unsigned char)(*argv)[1][1])) {
        if (!parse_long((*argv)[1] + 1, n))
            return -1;
        (*argv)[1] = (*argv)[0];
        (*argv)++;
        (*argc)--;
        return 1;
    }
    return 0;
}

static void file_header(const char *name, int first)
{
    printf("%s==> %s <==\n", first ? "" : "\n", strcmp(name, "-") ? name : "standard input");
}

static int head_fd(int fd, long n)
{
    char buf[4096];
    while (n > 0) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return r < 0 ? -1 : 0;
        ssize_t k = 0;
        while (k < r && n > 0)
            if (buf[k++] == '\n')
                n--;
        fflush(stdout);
        if (write_all(1, buf, k) < 0)
            return -1;
    }
    return 0;
}

/* head [-n N | -N] [FILE...]: the first N (10) lines. */
int tool_head(int argc, char **argv)
{
    long n = 10;
    int shorthand = line_count_arg(&argc, &argv, &n);
    if (shorthand < 0)
        return 1;
    struct opts o;
    int i = parse_opts(argc, argv, "n:", &o);
    if (i < 0 || (o.val['n'] && !parse_long(o.val['n'], &n)))
        return 1;
    int nfiles = argc - i, st = 0;
    for (int k = i; k < argc || (k == i && nfiles == 0); k++) {
        const char *name = nfiles ? argv[k] : "-";
        int fd = open_input(name);
        if (fd < 0) {
            st = 1;
            continue;
        }
        if (nfiles > 1)
            file_header(name, k == i);
        fflush(stdout);
        if (head_fd(fd, n) < 0) {
            warn_errno(name);
            st = 1;
        }
        if (fd != 0)
            close(fd);
    }
    return st;
}

/* Reads the whole input, then prints from the right line on. */
static int tail_fd(int fd, long n, int from_start)
{
    char *data = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            char *p = realloc(data, cap);
            if (!p) {
                free(data);
                errno = ENOMEM;
                return -1;
            }
            data = p;
        }
        ssize_t r = read(fd, data + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(data);
            return -1;
        }
        if (r == 0)
            break;
        len += r;
    }
    size_t start = 0;
    if (from_start) {
        for (long line = 1; line < n && start < len; start++)
            if (data[start] == '\n')
                line++;
    } else {
        start = len;
        /* A last line without its newline still counts as a line. */
        long seen = (len && data[len - 1] != '\n') ? 1 : 0;
        while (start > 0) {
            if (data[start - 1] == '\n' && ++seen > n)
                break;
            start--;
        }
    }
    fflush(stdout);
    int r = write_all(1, data + start, len - start);
    free(data);
    return r;
}

/* tail [-n N | -n +N | -N] [FILE...]: the last N (10) lines, or from line N on. */
int tool_tail(int argc, char **argv)
{
    long n = 10;
    int from_start = 0;
    if (line_count_arg(&argc, &argv, &n) < 0)
        return 1;
    struct opts o;
    int i = parse_opts(argc, argv, "n:", &o);
    if (i < 0)
        return 1;
    if (o.val['n']) {
        const char *v = o.val['n'];
        from_start = v[0] == '+';
        if (!parse_long(v + (v[0] == '+' || v[0] == '-'), &n))
            return 1;
    }
    int nfiles = argc - i, st = 0;
    for (int k = i; k < argc || (k == i && nfiles == 0); k++) {
        const char *name = nfiles ? argv[k] : "-";
        int fd = open_input(name);
        if (fd < 0) {
            st = 1;
            continue;
        }
        if (nfiles > 1)
            file_header(name, k == i);
        if (tail_fd(fd, n, from_start) < 0) {
            warn_errno(name);
            st = 1;
        }
        if (fd != 0)
            close(fd);
    }
    return st;
}

/* yes [STRING...]: repeat the line until the reader goes away. */
int tool_yes(int argc, char **argv)
{
    char line[4096] = "";
    size_t len = 0;
    for (int i = 1; i < argc; i++)
        len += snprintf(line + len, len < sizeof line ? sizeof line - len : 0, "%s%s",
                        i > 1 ? " " : "", argv[i]);
    if (argc < 2)
        len = snprintf(line, sizeof line, "y");
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    line[len++] = '\n';
    /* Whole lines in a larger buffer: fewer system calls. */
    static char buf[8192];
    size_t used = 0;
    while (used + len <= sizeof buf) {
        memcpy(buf + used, line, len);
        used += len;
    }
    for (;;)
        if (write_all(1, buf, used) < 0)
            return 1;
}

/* tee [-a] [FILE...]: copy standard input to standard output and each file. */
int tool_tee(int argc, char **argv)
{
    struct opts o;
    int i = parse_opts(argc, argv, "a", &o);
    if (i < 0)
        return 2;
    int flags = O_WRONLY | O_CREAT | (o.on['a'] ? O_APPEND : O_TRUNC);
    int nfd = argc - i, st = 0;
    int *fds = calloc(nfd + 1, sizeof *fds);
    for (int k = 0; k < nfd; k++) {
        fds[k] = open(argv[i + k], flags, 0666);
        if (fds[k] < 0) {
            warn_errno(argv[i + k]);
            st = 1;
        }
    }
    char buf[8192];
    for (;;) {
        ssize_t r = read(0, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if (write_all(1, buf, r) < 0)
            st = 1;
        for (int k = 0; k < nfd; k++)
            if (fds[k] >= 0 && write_all(fds[k], buf, r) < 0) {
                warn_errno(argv[i + k]);
                close(fds[k]);
                fds[k] = -1;
                st = 1;
            }
    }
    free(fds);
    return st;
}
