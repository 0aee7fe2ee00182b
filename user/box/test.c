/* box test and [: evaluate a condition; status 0 true, 1 false, 2 on a bad expression.
 * Grammar: expr := and {-o and}; and := not {-a not}; not := ! not | ( expr ) | primary. */
#include "box.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct test {
    char **v;
    int n, i;
    int err;
};

static const char *peek(struct test *t, int ahead)
{
    return t->i + ahead < t->n ? t->v[t->i + ahead] : NULL;
}

static int is_unary(const char *op)
{
    return op && op[0] == '-' && op[1] && !op[2] && strchr("efdrwxsLhnzcbpS", op[1]);
}

static int is_binary(const char *op)
{
    static const char *const ops[] = {"=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge",
                                      "-nt", "-ot", "<", ">", NULL};
    for (int k = 0; op && ops[k]; k++)
        if (strcmp(op, ops[k]) == 0)
            return 1;
    return 0;
}

static int unary(char op, const char *arg)
{
    struct stat st;
    switch (op) {
    case 'n': return *arg != 0;
    case 'z': return *arg == 0;
    case 'r': return access(arg, R_OK) == 0;
    case 'w': return access(arg, W_OK) == 0;
    case 'x': return access(arg, X_OK) == 0;
    case 'L':
    case 'h': return lstat(arg, &st) == 0 && S_ISLNK(st.st_mode);
    }
    if (stat(arg, &st) < 0)
        return 0;
    switch (op) {
    case 'f': return S_ISREG(st.st_mode);
    case 'd': return S_ISDIR(st.st_mode);
    case 's': return st.st_size > 0;
    case 'c': return S_ISCHR(st.st_mode);
    case 'b': return S_ISBLK(st.st_mode);
    case 'p': return S_ISFIFO(st.st_mode);
    case 'S': return S_ISSOCK(st.st_mode);
    default: return 1; /* -e */
    }
}

static long number(struct test *t, const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end) {
        fprintf(stderr, "%s: %s: integer expected\n", prog, s);
        t->err = 1;
    }
    return v;
}

static int binary(struct test *t, const char *a, const char *op, const char *b)
{
    if (!strcmp(op, "=") || !strcmp(op, "=="))
        return strcmp(a, b) == 0;
    if (!strcmp(op, "!="))
        return strcmp(a, b) != 0;
    if (!strcmp(op, "<"))
        return strcmp(a, b) < 0;
    if (!strcmp(op, ">"))
        return strcmp(a, b) > 0;
    if (!strcmp(op, "-nt") || !strcmp(op, "-ot")) {
        struct stat sa, sb;
        if (stat(a, &sa) < 0 || stat(b, &sb) < 0)
            return 0;
        return op[1] == 'n' ? sa.st_mtime > sb.st_mtime : sa.st_mtime < sb.st_mtime;
    }
    long x = number(t, a), y = number(t, b);
    if (!strcmp(op, "-eq")) return x == y;
    if (!strcmp(op, "-ne")) return x != y;
    if (!strcmp(op, "-lt")) return x < y;
    if (!strcmp(op, "-le")) return x <= y;
    if (!strcmp(op, "-gt")) return x > y;
    return x >= y;
}

static int expr_or(struct test *t);

static int primary(struct test *t)
{
    const char *a = peek(t, 0);
    if (!a) {
        t->err = 1;
        return 0;
    }
    if (strcmp(a, "!") == 0 && peek(t, 1)) {
        t->i++;
        return !primary(t);
    }
    if (strcmp(a, "(") == 0 && peek(t, 1)) {
        t->i++;
        int v = expr_or(t);
        if (!peek(t, 0) || strcmp(peek(t, 0), ")") != 0)
            t->err = 1;
        t->i++;
        return v;
    }
    if (is_binary(peek(t, 1)) && peek(t, 2)) {
        t->i += 3;
        return binary(t, a, t->v[t->i - 2], t->v[t->i - 1]);
    }
    if (is_unary(a) && peek(t, 1)) {
        t->i += 2;
        return unary(a[1], t->v[t->i - 1]);
    }
    t->i++;
    return *a != 0;     /* a lone string: true when not empty */
}

static int expr_and(struct test *t)
{
    int v = primary(t);
    while (peek(t, 0) && strcmp(peek(t, 0), "-a") == 0) {
        t->i++;
        v = primary(t) && v;
    }
    return v;
}

static int expr_or(struct test *t)
{
    int v = expr_and(t);
    while (peek(t, 0) && strcmp(peek(t, 0), "-o") == 0) {
        t->i++;
        v = expr_and(t) || v;
    }
    return v;
}

int tool_test(int argc, char **argv)
{
    if (strcmp(prog, "[") == 0) {
        if (argc < 2 || strcmp(argv[argc - 1], "]") != 0) {
            fprintf(stderr, "[: missing ]\n");
            return 2;
        }
        argc--;
    }
    struct test t = {argv + 1, argc - 1, 0, 0};
    if (t.n == 0)
        return 1;
    int v = expr_or(&t);
    if (t.err || t.i != t.n) {
        if (!t.err)
            fprintf(stderr, "%s: unexpected argument '%s'\n", prog, t.v[t.i]);
        return 2;
    }
    return v ? 0 : 1;
}
