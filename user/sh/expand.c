/* sh: word expansion: ~, $parameters, ${...}, $(...), `...`, $((...)), quote removal,
 * field splitting on IFS and pathname globbing (*, ?, [...]). */
#include "sh.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int cmdsub_status = -1;

/* Each expanded character carries flags saying where it came from. */
enum {
    Q_QUOTED = 1,   /* quoted: never split, never a glob character */
    Q_SPLIT = 2,    /* from an unquoted expansion: IFS characters split fields */
    Q_MARK = 4,     /* zero-width: quotes were here, so an empty field still counts */
    Q_BREAK = 8,    /* zero-width: field boundary between "$@" arguments */
};

enum mode { M_PLAIN, M_DQUOTE, M_HEREDOC };

struct xbuf {
    struct sbuf s;
    unsigned char *f;
    size_t fcap;
};

static void xb_add(struct xbuf *x, char c, int flags)
{
    if (x->s.len + 1 >= x->fcap) {
        x->fcap = x->fcap ? x->fcap * 2 : 64;
        x->f = xrealloc(x->f, x->fcap);
    }
    x->f[x->s.len] = flags;
    sb_addc(&x->s, c);
}

static void xb_adds(struct xbuf *x, const char *s, enum mode m)
{
    for (; *s; s++)
        xb_add(x, *s, m == M_PLAIN ? Q_SPLIT : Q_QUOTED);
}

static void xb_free(struct xbuf *x)
{
    sb_free(&x->s);
    free(x->f);
    x->f = NULL;
    x->fcap = 0;
}

int is_name(const char *s, size_t n)
{
    if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
            return 0;
    return 1;
}

static void expand_part(struct xbuf *x, const char *s, size_t n, enum mode m);

/* ---------- special and named parameters ---------- */

/* The value of $name (name is one of ?$!#-0-9 or a variable), or NULL when unset. */
static char *param_value(const char *name, size_t len)
{
    char buf[32];
    if (len == 1 && strchr("?$!#-", name[0])) {
        switch (name[0]) {
        case '?': snprintf(buf, sizeof buf, "%d", last_status); break;
        case '$': snprintf(buf, sizeof buf, "%d", (int)shell_pid); break;
        case '!':
            if (!last_bg_pid)
                return NULL;
            snprintf(buf, sizeof buf, "%d", (int)last_bg_pid);
            break;
        case '#': snprintf(buf, sizeof buf, "%d", pos_count); break;
        default: snprintf(buf, sizeof buf, "%s", interactive ? "i" : ""); break;
        }
        return xstrdup(buf);
    }
    if (isdigit((unsigned char)name[0])) {
        int k = atoi(name);
        if (k == 0)
            return xstrdup(arg0);
        return k <= pos_count ? xstrdup(pos_args[k - 1]) : NULL;
    }
    char *nm = xstrndup(name, len);
    const char *v = var_get(nm);
    free(nm);
    return v ? xstrdup(v) : NULL;
}

/* $@ and $*: in double quotes "$@" makes one field per argument. */
static void add_all_args(struct xbuf *x, char which, enum mode m)
{
    const char *ifs = var_get("IFS");
    char sep = (which == '*' && ifs) ? ifs[0] : ' ';
    for (int i = 0; i < pos_count; i++) {
        if (m == M_DQUOTE && which == '@') {
            if (i)
                xb_add(x, 0, Q_BREAK);
            xb_add(x, 0, Q_MARK);
        } else if (i && sep)
            xb_add(x, sep, m == M_PLAIN ? Q_SPLIT : Q_QUOTED);
        xb_adds(x, pos_args[i], m);
    }
}

/* ---------- command substitution ---------- */

static char *command_output(const char *src)
{
    int fds[2];
    if (pipe(fds) < 0) {
        sh_error("pipe: %s", strerror(errno));
        return xstrdup("");
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        sh_error("fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return xstrdup("");
    }
    if (pid == 0) {
        close(fds[0]);
        if (fds[1] != 1) {
            dup2(fds[1], 1);
            close(fds[1]);
        }
        job_control = 0;
        interactive = 0;
        child_reset_signals();
        int st = run_string(src);
        fflush(stdout);
        _exit(st);
    }
    close(fds[1]);
    struct sbuf out = {0};
    char buf[4096];
    for (;;) {
        ssize_t r = read(fds[0], buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        sb_addn(&out, buf, r);
    }
    close(fds[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    cmdsub_status = status_to_code(st);
    while (out.len && out.s[out.len - 1] == '\n')
        out.s[--out.len] = 0;
    return out.s ? out.s : xstrdup("");
}

/* `...`: backslash quotes only \, ` and $ inside, then it is ordinary shell text. */
static char *backquote_source(const char *s, size_t n)
{
    struct sbuf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n && strchr("\\`$", s[i + 1]))
            i++;
        sb_addc(&b, s[i]);
    }
    return b.s ? b.s : xstrdup("");
}

/* ---------- arithmetic $((...)) ---------- */

struct arith {
    const char *p;
    int err;
};

static long arith_expr(struct arith *a, int minprec);

static void arith_skip(struct arith *a)
{
    while (isspace((unsigned char)*a->p))
        a->p++;
}

static long arith_primary(struct arith *a)
{
    arith_skip(a);
    char c = *a->p;
    if (c == '(') {
        a->p++;
        long v = arith_expr(a, 0);
        arith_skip(a);
        if (*a->p != ')')
            a->err = 1;
        else
            a->p++;
        return v;
    }
    if (c == '-' || c == '+' || c == '!' || c == '~') {
        a->p++;
        long v = arith_primary(a);
        return c == '-' ? -v : c == '+' ? v : c == '!' ? !v : ~v;
    }
    if (isdigit((unsigned char)c)) {
        char *end;
        long v = strtol(a->p, &end, 0);
        a->p = end;
        return v;
    }
    if (isalpha((unsigned char)c) || c == '_') {
        const char *start = a->p;
        while (isalnum((unsigned char)*a->p) || *a->p == '_')
            a->p++;
        char *name = xstrndup(start, a->p - start);
        const char *v = var_get(name);
        free(name);
        return v ? strtol(v, NULL, 0) : 0;
    }
    a->err = 1;
    return 0;
}

/* Binary operators by precedence, C style. */
static const struct {
    const char *op;
    int prec;
} arith_ops[] = {
    {"||", 1}, {"&&", 2}, {"|", 3}, {"^", 4}, {"&", 5}, {"==", 6}, {"!=", 6},
    {"<=", 7}, {">=", 7}, {"<<", 8}, {">>", 8}, {"<", 7}, {">", 7}, {"+", 9},
    {"-", 9}, {"*", 10}, {"/", 10}, {"%", 10},
};

static long arith_apply(struct arith *a, const char *op, long l, long r)
{
    switch (op[0]) {
    case '|': return op[1] ? (l || r) : (l | r);
    case '&': return op[1] ? (l && r) : (l & r);
    case '^': return l ^ r;
    case '=': return l == r;
    case '!': return l != r;
    case '<': return op[1] == '=' ? l <= r : op[1] == '<' ? l << r : l < r;
    case '>': return op[1] == '=' ? l >= r : op[1] == '>' ? l >> r : l > r;
    case '+': return l + r;
    case '-': return l - r;
    case '*': return l * r;
    default:
        if (r == 0) {
            a->err = 2;
            return 0;
        }
        return op[0] == '/' ? l / r : l % r;
    }
}

static long arith_expr(struct arith *a, int minprec)
{
    long l = arith_primary(a);
    for (;;) {
        arith_skip(a);
        size_t k, nops = sizeof arith_ops / sizeof arith_ops[0];
        for (k = 0; k < nops; k++)
            if (strncmp(a->p, arith_ops[k].op, strlen(arith_ops[k].op)) == 0)
                break;
        if (k == nops || arith_ops[k].prec <= minprec || a->err)
            return l;
        a->p += strlen(arith_ops[k].op);
        long r = arith_expr(a, arith_ops[k].prec);
        l = arith_apply(a, arith_ops[k].op, l, r);
    }
}

static char *arith_eval(const char *src, size_t n)
{
    char *raw = xstrndup(src, n);
    char *text = expand_nosplit(raw);
    free(raw);
    struct arith a = {text, 0};
    long v = arith_expr(&a, 0);
    arith_skip(&a);
    if (*a.p && !a.err)
        a.err = 1;
    if (a.err)
        sh_error("arithmetic: %s: %s", a.err == 2 ? "division by zero" : "syntax error", text);
    free(text);
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", a.err ? 0 : v);
    return xstrdup(buf);
}

/* ---------- ${...} ---------- */

/* Expands the word of ${name:-word} and friends into a plain string. */
static char *expand_to_string(const char *s, size_t n, enum mode m)
{
    struct xbuf w = {0};
    expand_part(&w, s, n, m == M_PLAIN ? M_PLAIN : M_DQUOTE);
    char *r = xstrndup(w.s.s ? w.s.s : "", w.s.len);
    xb_free(&w);
    return r;
}

static void expand_braces(struct xbuf *x, const char *s, size_t n, enum mode m)
{
    int length = 0;
    size_t i = 0;
    if (n > 1 && s[0] == '#') {
        length = 1;
        i = 1;
    }
    size_t start = i;
    if (i < n && strchr("?$!#@*-", s[i]))
        i++;
    else if (i < n && isdigit((unsigned char)s[i]))
        while (i < n && isdigit((unsigned char)s[i]))
            i++;
    else
        while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_'))
            i++;
    size_t nlen = i - start;
    if (nlen == 0) {
        sh_error("${%.*s}: bad substitution", (int)n, s);
        return;
    }
    char *val = NULL;
    if ((s[start] == '@' || s[start] == '*') && nlen == 1) {
        if (i == n && !length) {
            add_all_args(x, s[start], m);
            return;
        }
        struct xbuf tmp = {0};
        add_all_args(&tmp, '*', M_HEREDOC);
        val = xstrndup(tmp.s.s ? tmp.s.s : "", tmp.s.len);
        xb_free(&tmp);
        if (!pos_count) {
            free(val);
            val = NULL;
        }
    } else
        val = param_value(s + start, nlen);
    if (length) {
        char buf[32];
        snprintf(buf, sizeof buf, "%zu", val ? strlen(val) : (size_t)0);
        xb_adds(x, buf, m);
        free(val);
        return;
    }
    int colon = i < n && s[i] == ':';
    char op = i + colon < n ? s[i + colon] : 0;
    const char *word = s + i + colon + 1;
    size_t wlen = op ? n - (i + colon + 1) : 0;
    int use_word = !val || (colon && !*val);   /* "unset" (or empty, with ':') */
    if (op == '-' || op == '=') {
        if (use_word) {
            free(val);
            val = expand_to_string(word, wlen, m);
            if (op == '=') {
                char *nm = xstrndup(s + start, nlen);
                if (is_name(nm, nlen))
                    var_set(nm, val);
                free(nm);
            }
        }
    } else if (op == '+') {
        free(val);
        val = use_word ? NULL : expand_to_string(word, wlen, m);
    } else if (op == '?') {
        if (use_word) {
            char *msg = wlen ? expand_to_string(word, wlen, m) : xstrdup("parameter not set");
            sh_error("%.*s: %s", (int)nlen, s + start, msg);
            free(msg);
            if (!interactive)
                shell_exit(1);
        }
    } else if (op) {
        sh_error("${%.*s}: bad substitution", (int)n, s);
    }
    if (val)
        xb_adds(x, val, m);
    free(val);
}

/* ---------- the main walk ---------- */

/* s[*i] is '$'. Appends the expansion and advances *i past it. */
static void expand_dollar(struct xbuf *x, const char *s, size_t n, size_t *i, enum mode m)
{
    size_t j = *i + 1;
    char c = j < n ? s[j] : 0;
    if (c == '{') {
        size_t end = scan_close(s, j + 1, '{');
        expand_braces(x, s + j + 1, end - 1 - (j + 1), m);
        *i = end;
    } else if (c == '(' && j + 1 < n && s[j + 1] == '(') {
        size_t end = scan_close(s, j + 1, '(');    /* the end of "$(( ... ))" */
        char *v = arith_eval(s + j + 2, end - 2 - (j + 2));
        xb_adds(x, v, m);
        free(v);
        *i = end;
    } else if (c == '(') {
        size_t end = scan_close(s, j + 1, '(');
        char *src = xstrndup(s + j + 1, end - 1 - (j + 1));
        char *v = command_output(src);
        xb_adds(x, v, m);
        free(src);
        free(v);
        *i = end;
    } else if (c == '@' || c == '*') {
        add_all_args(x, c, m);
        *i = j + 1;
    } else if (c && (strchr("?$!#-", c) || isdigit((unsigned char)c))) {
        char *v = param_value(s + j, 1);
        if (v)
            xb_adds(x, v, m);
        free(v);
        *i = j + 1;
    } else if (c && (isalpha((unsigned char)c) || c == '_')) {
        size_t k = j;
        while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '_'))
            k++;
        char *v = param_value(s + j, k - j);
        if (v)
            xb_adds(x, v, m);
        free(v);
        *i = k;
    } else {
        xb_add(x, '$', m == M_PLAIN ? 0 : Q_QUOTED);
        *i = j;
    }
}

static void expand_backquote(struct xbuf *x, const char *s, size_t *i, enum mode m)
{
    size_t end = scan_close(s, *i + 1, '`');
    char *src = backquote_source(s + *i + 1, end - 1 - (*i + 1));
    char *v = command_output(src);
    xb_adds(x, v, m);
    free(src);
    free(v);
    *i = end;
}

/* A backslash: unquoted it quotes anything; in double quotes only $ ` " \ and newline. */
static void expand_backslash(struct xbuf *x, const char *s, size_t n, size_t *i, enum mode m)
{
    char next = *i + 1 < n ? s[*i + 1] : 0;
    if (next == '\n') {
        *i += 2;
        return;
    }
    if (m == M_PLAIN && next) {
        xb_add(x, next, Q_QUOTED);
        *i += 2;
    } else if (next && strchr(m == M_DQUOTE ? "$`\"\\" : "$`\\", next)) {
        xb_add(x, next, Q_QUOTED);
        *i += 2;
    } else {
        xb_add(x, '\\', Q_QUOTED);
        *i += 1;
    }
}

/* ~ or ~/...: the home directory; ~user is left alone (there is no user database). */
static void expand_tilde(struct xbuf *x, const char *s, size_t n, size_t *i)
{
    if (n == 1 || s[1] == '/') {
        const char *home = var_get("HOME");
        xb_adds(x, home ? home : "/", M_DQUOTE);
    } else
        xb_add(x, '~', 0);
    *i = 1;
}

static void expand_part(struct xbuf *x, const char *s, size_t n, enum mode m)
{
    size_t i = 0;
    if (m == M_PLAIN && n && s[0] == '~')
        expand_tilde(x, s, n, &i);
    while (i < n) {
        char c = s[i];
        if (c == '\'' && m == M_PLAIN) {
            size_t k = i + 1;
            while (k < n && s[k] != '\'')
                xb_add(x, s[k++], Q_QUOTED);
            xb_add(x, 0, Q_MARK);
            i = k + 1;
        } else if (c == '"' && m == M_PLAIN) {
            size_t end = scan_close(s, i + 1, '"');
            /* "$@" with no arguments makes no field at all, so no mark for it. */
            if (!(end - i == 4 && strncmp(s + i, "\"$@\"", 4) == 0))
                xb_add(x, 0, Q_MARK);
            expand_part(x, s + i + 1, end - 1 - (i + 1), M_DQUOTE);
            i = end;
        } else if (c == '\\')
            expand_backslash(x, s, n, &i, m);
        else if (c == '$')
            expand_dollar(x, s, n, &i, m);
        else if (c == '`')
            expand_backquote(x, s, &i, m);
        else {
            xb_add(x, c, m == M_PLAIN ? 0 : Q_QUOTED);
            i++;
        }
    }
}

/* ---------- globbing ---------- */

/* Pattern match with *, ?, [...] ([!...] negates) and \ escapes. */
static int match_class(const char **pp, char c)
{
    const char *p = *pp + 1;
    int neg = (*p == '!' || *p == '^');
    if (neg)
        p++;
    int hit = 0;
    const char *first = p;
    while (*p && (*p != ']' || p == first)) {
        char lo = *p;
        if (lo == '\\' && p[1])
            lo = *++p;
        if (p[1] == '-' && p[2] && p[2] != ']') {
            char hi = p[2];
            if ((unsigned char)c >= (unsigned char)lo && (unsigned char)c <= (unsigned char)hi)
                hit = 1;
            p += 3;
        } else {
            if (c == lo)
                hit = 1;
            p++;
        }
    }
    if (*p != ']')
        return -1;  /* no closing bracket: '[' is an ordinary character */
    *pp = p + 1;
    return hit != neg;
}

static int glob_match(const char *p, const char *s)
{
    const char *star_p = NULL, *star_s = NULL;
    for (;;) {
        if (*p == '*') {
            star_p = ++p;
            star_s = s;
            continue;
        }
        if (!*p && !*s)
            return 1;
        int ok = 0;
        if (*s) {
            if (*p == '?') {
                ok = 1;
                p++;
            } else if (*p == '[') {
                const char *q = p;
                int r = match_class(&q, *s);
                if (r < 0)
                    ok = (*s == '['), p += ok;
                else if ((ok = r))
                    p = q;
            } else {
                char pc = *p;
                if (pc == '\\' && p[1])
                    pc = *++p;
                ok = pc && pc == *s;
                p += ok;
            }
        }
        if (ok) {
            s++;
            continue;
        }
        if (!star_p || !*star_s)
            return 0;
        p = star_p;
        s = ++star_s;
    }
}

static int has_glob(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\\')
            i++;
        else if (p[i] == '*' || p[i] == '?' || p[i] == '[')
            return 1;
    }
    return 0;
}

static char *unescape(const char *p, size_t n)
{
    struct sbuf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\\' && i + 1 < n)
            i++;
        sb_addc(&b, p[i]);
    }
    return b.s ? b.s : xstrdup("");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Matches pattern components one directory level at a time. */
static void glob_dir(const char *prefix, const char *pat, struct strv *out)
{
    const char *slash = strchr(pat, '/');
    size_t clen = slash ? (size_t)(slash - pat) : strlen(pat);
    const char *rest = slash ? slash + 1 : NULL;
    while (rest && *rest == '/')
        rest++;
    if (!has_glob(pat, clen)) {
        char *lit = unescape(pat, clen);
        char *path = xmalloc(strlen(prefix) + strlen(lit) + 2);
        sprintf(path, "%s%s", prefix, lit);
        struct stat st;
        if (rest && *rest) {
            strcat(path, "/");
            glob_dir(path, rest, out);
        } else if (lstat(path, &st) == 0) {
            if (rest)
                strcat(path, "/");
            sv_add(out, xstrdup(path));
        }
        free(lit);
        free(path);
        return;
    }
    char *comp = xstrndup(pat, clen);
    DIR *d = opendir(*prefix ? prefix : ".");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.' && comp[0] != '.')
            continue;   /* hidden files match only an explicit leading dot */
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (!glob_match(comp, e->d_name))
            continue;
        char *path = xmalloc(strlen(prefix) + strlen(e->d_name) + 2);
        sprintf(path, "%s%s", prefix, e->d_name);
        struct stat st;
        if (!rest)
            sv_add(out, xstrdup(path));
        else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            strcat(path, "/");
            if (*rest)
                glob_dir(path, rest, out);
            else
                sv_add(out, xstrdup(path));
        }
        free(path);
    }
    if (d)
        closedir(d);
    free(comp);
}

static void glob_word(const char *pat, const char *literal, struct strv *out)
{
    struct strv found = {0};
    if (pat[0] == '/')
        glob_dir("/", pat + 1, &found);
    else
        glob_dir("", pat, &found);
    if (found.n == 0) {
        sv_add(out, xstrdup(literal));
        return;
    }
    qsort(found.v, found.n, sizeof *found.v, cmp_str);
    for (int i = 0; i < found.n; i++)
        sv_add(out, found.v[i]);
    free(found.v);
}

/* ---------- field splitting ---------- */

static void emit_field(struct xbuf *x, size_t from, size_t to, int glob, struct strv *out)
{
    struct sbuf lit = {0}, pat = {0};
    int active = 0;
    for (size_t i = from; i < to; i++) {
        if (x->f[i] & (Q_MARK | Q_BREAK))
            continue;
        char c = x->s.s[i];
        sb_addc(&lit, c);
        int special = c == '*' || c == '?' || c == '[' || c == '\\' || c == ']';
        if ((x->f[i] & Q_QUOTED) && special)
            sb_addc(&pat, '\\');
        else if (c == '*' || c == '?' || c == '[')
            active = 1;
        else if (c == '\\')
            sb_addc(&pat, '\\');
        sb_addc(&pat, c);
    }
    if (!lit.s)
        lit.s = xstrdup("");
    if (glob && active)
        glob_word(pat.s, lit.s, out);
    else {
        sv_add(out, lit.s);
        lit.s = NULL;
    }
    sb_free(&lit);
    sb_free(&pat);
}

static void split_fields(struct xbuf *x, struct strv *out)
{
    const char *ifs = var_get("IFS");
    if (!ifs)
        ifs = " \t\n";
    size_t start = 0;
    int have = 0;
    for (size_t i = 0; i < x->s.len; i++) {
        int f = x->f[i];
        char c = x->s.s[i];
        int is_sep = (f & Q_SPLIT) && !(f & Q_QUOTED) && c && strchr(ifs, c);
        if (f & Q_BREAK || is_sep) {
            if (have)
                emit_field(x, start, i, 1, out);
            have = 0;
            start = i + 1;
        } else
            have = 1;
    }
    if (have)
        emit_field(x, start, x->s.len, 1, out);
}

void expand_word(const char *raw, struct strv *out)
{
    struct xbuf x = {0};
    expand_part(&x, raw, strlen(raw), M_PLAIN);
    split_fields(&x, out);
    xb_free(&x);
}

static char *flatten(struct xbuf *x)
{
    struct sbuf b = {0};
    for (size_t i = 0; i < x->s.len; i++) {
        if (x->f[i] & Q_BREAK)
            sb_addc(&b, ' ');
        else if (!(x->f[i] & Q_MARK))
            sb_addc(&b, x->s.s[i]);
    }
    return b.s ? b.s : xstrdup("");
}

char *expand_nosplit(const char *raw)
{
    struct xbuf x = {0};
    expand_part(&x, raw, strlen(raw), M_PLAIN);
    char *r = flatten(&x);
    xb_free(&x);
    return r;
}

char *expand_heredoc(const char *body)
{
    struct xbuf x = {0};
    expand_part(&x, body, strlen(body), M_HEREDOC);
    char *r = flatten(&x);
    xb_free(&x);
    return r;
}
