/* sh: the tokenizer and recursive-descent parser; turns source text into a tree of nodes.
 * Words are kept raw (quotes included): expansion happens when the command runs. */
#include "sh.h"

#include <stdlib.h>
#include <string.h>

enum tok { T_WORD, T_NL, T_EOF, T_SEMI, T_AMP, T_PIPE, T_AND, T_OR, T_LPAREN, T_RPAREN, T_REDIR };

struct token {
    enum tok type;
    char *text;             /* T_WORD: raw word */
    size_t start, end;      /* byte offsets in the source */
    enum redir_type rtype;  /* T_REDIR */
    int fd;                 /* T_REDIR: target descriptor */
    int strip_tabs;         /* T_REDIR: <<- */
};

struct parser {
    const char *src;
    size_t pos;
    struct arena *a;
    struct token tok;
    int have_tok;
    size_t last_end;        /* end of the last consumed token, for job text */
    enum parse_result status;
    struct redir *heredocs[16];   /* here-documents whose bodies follow the next newline */
    int strip[16];
    int nheredocs;
};

/* ---------- tokenizer ---------- */

static void incomplete(struct parser *p)
{
    if (p->status == PARSE_OK)
        p->status = PARSE_INCOMPLETE;
}

static void syntax_error(struct parser *p, const char *what)
{
    if (p->status == PARSE_OK) {
        sh_error("syntax error near unexpected token `%s'", what);
        p->status = PARSE_ERROR;
    }
}

static size_t skip_dquote(struct parser *p, size_t i);
static size_t skip_dollar(struct parser *p, size_t i);

/* Each skip_* gets the index just past an opening character and returns the index just past
 * the matching close, or the end of the text (marking the parse incomplete). */
static size_t skip_squote(struct parser *p, size_t i)
{
    while (p->src[i] && p->src[i] != '\'')
        i++;
    if (!p->src[i]) {
        incomplete(p);
        return i;
    }
    return i + 1;
}

static size_t skip_backquote(struct parser *p, size_t i)
{
    while (p->src[i] && p->src[i] != '`') {
        if (p->src[i] == '\\' && p->src[i + 1])
            i++;
        i++;
    }
    if (!p->src[i]) {
        incomplete(p);
        return i;
    }
    return i + 1;
}

/* $( ... ) and $(( ... )): balanced parentheses, with quotes inside skipped. */
static size_t skip_parens(struct parser *p, size_t i)
{
    int depth = 1;
    while (p->src[i]) {
        char c = p->src[i];
        if (c == '\\' && p->src[i + 1])
            i += 2;
        else if (c == '\'')
            i = skip_squote(p, i + 1);
        else if (c == '"')
            i = skip_dquote(p, i + 1);
        else if (c == '`')
            i = skip_backquote(p, i + 1);
        else if (c == '$' && (p->src[i + 1] == '(' || p->src[i + 1] == '{'))
            i = skip_dollar(p, i + 1);
        else {
            i++;
            if (c == '(')
                depth++;
            else if (c == ')' && --depth == 0)
                return i;
        }
    }
    incomplete(p);
    return i;
}

static size_t skip_braces(struct parser *p, size_t i)
{
    while (p->src[i] && p->src[i] != '}') {
        char c = p->src[i];
        if (c == '\\' && p->src[i + 1])
            i += 2;
        else if (c == '\'')
            i = skip_squote(p, i + 1);
        else if (c == '"')
            i = skip_dquote(p, i + 1);
        else if (c == '$' || c == '`')
            i = c == '$' ? skip_dollar(p, i + 1) : skip_backquote(p, i + 1);
        else
            i++;
    }
    if (!p->src[i]) {
        incomplete(p);
        return i;
    }
    return i + 1;
}

/* i is just past a '$'. */
static size_t skip_dollar(struct parser *p, size_t i)
{
    if (p->src[i] == '(')
        return skip_parens(p, i + 1);
    if (p->src[i] == '{')
        return skip_braces(p, i + 1);
    return i;
}

static size_t skip_dquote(struct parser *p, size_t i)
{
    while (p->src[i] && p->src[i] != '"') {
        char c = p->src[i];
        if (c == '\\' && p->src[i + 1])
            i += 2;
        else if (c == '$')
            i = skip_dollar(p, i + 1);
        else if (c == '`')
            i = skip_backquote(p, i + 1);
        else
            i++;
    }
    if (!p->src[i]) {
        incomplete(p);
        return i;
    }
    return i + 1;
}

static int is_meta(char c)
{
    return c == 0 || strchr(" \t\n;&|<>()", c) != NULL;
}

/* Reads here-document bodies, which start on the line after the << operator. */
static void read_heredocs(struct parser *p)
{
    for (int h = 0; h < p->nheredocs; h++) {
        struct redir *r = p->heredocs[h];
        struct sbuf body = {0};
        for (;;) {
            if (!p->src[p->pos]) {
                incomplete(p);
                sb_free(&body);
                return;
            }
            const char *line = p->src + p->pos;
            const char *nl = strchr(line, '\n');
            size_t len = nl ? (size_t)(nl - line) : strlen(line);
            p->pos += len + (nl != NULL);
            if (p->strip[h])
                while (len && *line == '\t')
                    line++, len--;
            if (len == strlen(r->word) && memcmp(line, r->word, len) == 0)
                break;
            sb_addn(&body, line, len);
            sb_addc(&body, '\n');
        }
        r->word = arena_strndup(p->a, body.s ? body.s : "", body.len);
        sb_free(&body);
    }
    p->nheredocs = 0;
}

static int lex_operator(struct parser *p, struct token *t)
{
    const char *s = p->src + p->pos;
    static const struct {
        const char *op;
        enum tok type;
        enum redir_type rtype;
        int fd;
    } ops[] = {
        {"&&", T_AND, 0, 0},       {"||", T_OR, 0, 0},          {"<<-", T_REDIR, R_HEREDOC, 0},
        {"<<", T_REDIR, R_HEREDOC, 0}, {">>", T_REDIR, R_APPEND, 1}, {"<&", T_REDIR, R_DUPIN, 0},
        {">&", T_REDIR, R_DUPOUT, 1}, {"<>", T_REDIR, R_INOUT, 0},  {">|", T_REDIR, R_OUT, 1},
        {"<", T_REDIR, R_IN, 0},     {">", T_REDIR, R_OUT, 1},     {";", T_SEMI, 0, 0},
        {"&", T_AMP, 0, 0},          {"|", T_PIPE, 0, 0},          {"(", T_LPAREN, 0, 0},
        {")", T_RPAREN, 0, 0},
    };
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        size_t n = strlen(ops[k].op);
        if (strncmp(s, ops[k].op, n) == 0) {
            t->type = ops[k].type;
            t->rtype = ops[k].rtype;
            t->fd = ops[k].fd;
            t->strip_tabs = strcmp(ops[k].op, "<<-") == 0;
            t->text = (char *)ops[k].op;
            p->pos += n;
            return 1;
        }
    }
    return 0;
}

static void lex(struct parser *p, struct token *t)
{
    memset(t, 0, sizeof *t);
    for (;;) {
        char c = p->src[p->pos];
        if (c == ' ' || c == '\t')
            p->pos++;
        else if (c == '\\' && p->src[p->pos + 1] == '\n') {
            p->pos += 2;    /* line continuation: the next line must be read first */
            if (!p->src[p->pos])
                incomplete(p);
        }
        else if (c == '\\' && p->src[p->pos + 1] == 0) {
            incomplete(p);
            p->pos++;
        } else if (c == '#') {
            while (p->src[p->pos] && p->src[p->pos] != '\n')
                p->pos++;
        } else
            break;
    }
    t->start = p->pos;
    char c = p->src[p->pos];
    if (c == 0) {
        t->type = T_EOF;
        t->text = "end of file";
    } else if (c == '\n') {
        p->pos++;
        t->type = T_NL;
        t->text = "newline";
        read_heredocs(p);
    } else if (!lex_operator(p, t)) {
        size_t i = p->pos;
        while (!is_meta(p->src[i])) {
            char ch = p->src[i];
            if (ch == '\\' && p->src[i + 1]) {
                if (p->src[i + 1] == '\n' && !p->src[i + 2])
                    incomplete(p);
                i += 2;
            } else if (ch == '\\')
                i++, incomplete(p);
            else if (ch == '\'')
                i = skip_squote(p, i + 1);
            else if (ch == '"')
                i = skip_dquote(p, i + 1);
            else if (ch == '`')
                i = skip_backquote(p, i + 1);
            else if (ch == '$')
                i = skip_dollar(p, i + 1);
            else
                i++;
        }
        const char *w = p->src + p->pos;
        size_t n = i - p->pos;
        /* All digits right before < or >: an IO_NUMBER such as the 2 in 2>file. */
        if (n > 0 && n < 4 && strspn(w, "0123456789") == n && (p->src[i] == '<' || p->src[i] == '>')) {
            p->pos = i;
            lex_operator(p, t);
            t->fd = 0;
            for (size_t k = 0; k < n; k++)
                t->fd = t->fd * 10 + (w[k] - '0');
        } else {
            t->type = T_WORD;
            t->text = arena_strndup(p->a, w, n);
            p->pos = i;
        }
    }
    t->end = p->pos;
}

static struct token *peek(struct parser *p)
{
    if (!p->have_tok) {
        lex(p, &p->tok);
        p->have_tok = 1;
    }
    return &p->tok;
}

static void consume(struct parser *p)
{
    peek(p);
    p->last_end = p->tok.end;
    p->have_tok = 0;
}

static int peek_word(struct parser *p, const char *w)
{
    struct token *t = peek(p);
    return t->type == T_WORD && strcmp(t->text, w) == 0;
}

static void skip_newlines(struct parser *p)
{
    while (peek(p)->type == T_NL)
        consume(p);
}

/* Reports the token in the way: an early end means "needs more input". */
static void unexpected(struct parser *p)
{
    struct token *t = peek(p);
    if (t->type == T_EOF)
        incomplete(p);
    else
        syntax_error(p, t->text);
}

static int expect_word(struct parser *p, const char *w)
{
    if (peek_word(p, w)) {
        consume(p);
        return 1;
    }
    unexpected(p);
    return 0;
}

/* ---------- grammar ---------- */

static struct node *new_node(struct parser *p, enum node_type type)
{
    struct node *n = arena_alloc(p->a, sizeof *n);
    n->type = type;
    return n;
}

static struct node *binary(struct parser *p, enum node_type type, struct node *l, struct node *r)
{
    if (!l)
        return r;
    struct node *n = new_node(p, type);
    n->left = l;
    n->right = r;
    return n;
}

static struct node *and_or(struct parser *p);

static int is_terminator(struct parser *p)
{
    static const char *const words[] = {"then", "else", "elif", "fi", "do", "done", "}", NULL};
    struct token *t = peek(p);
    if (t->type == T_EOF || t->type == T_RPAREN)
        return 1;
    for (int i = 0; t->type == T_WORD && words[i]; i++)
        if (strcmp(t->text, words[i]) == 0)
            return 1;
    return 0;
}

/* A list inside a compound command: newlines separate commands too. */
static struct node *compound_list(struct parser *p)
{
    struct node *list = NULL;
    skip_newlines(p);
    while (p->status == PARSE_OK && !is_terminator(p)) {
        struct node *n = and_or(p);
        if (!n)
            return NULL;
        int sep = 0;
        struct token *t = peek(p);
        if (t->type == T_AMP || t->type == T_SEMI) {
            if (t->type == T_AMP)
                n = binary(p, N_BG, n, NULL);
            consume(p);
            sep = 1;
        }
        while (peek(p)->type == T_NL) {
            consume(p);
            sep = 1;
        }
        list = binary(p, N_SEQ, list, n);
        if (!sep)
            break;
    }
    if (!list)
        unexpected(p);
    return list;
}

static int parse_redirect(struct parser *p, struct redir **tail)
{
    struct token op = *peek(p);
    consume(p);
    struct token *t = peek(p);
    if (t->type != T_WORD) {
        unexpected(p);
        return 0;
    }
    struct redir *r = arena_alloc(p->a, sizeof *r);
    r->type = op.rtype;
    r->fd = op.fd;
    r->word = t->text;
    consume(p);
    if (r->type == R_HEREDOC) {
        /* The delimiter is taken literally; quoting any of it turns off expansion. */
        r->expand_body = strpbrk(r->word, "'\"\\") == NULL;
        struct sbuf d = {0};
        for (const char *s = r->word; *s; s++)
            if (*s != '\'' && *s != '"' && *s != '\\')
                sb_addc(&d, *s);
        r->word = arena_strndup(p->a, d.s ? d.s : "", d.len);
        sb_free(&d);
        if (p->nheredocs == 16) {
            syntax_error(p, "<< (too many here-documents)");
            return 0;
        }
        p->strip[p->nheredocs] = op.strip_tabs;
        p->heredocs[p->nheredocs++] = r;
    }
    while (*tail)
        tail = &(*tail)->next;
    *tail = r;
    return 1;
}

static int is_assignment(const char *w)
{
    const char *eq = strchr(w, '=');
    return eq && eq > w && is_name(w, eq - w);
}

static struct node *simple_command(struct parser *p)
{
    struct node *n = new_node(p, N_SIMPLE);
    struct strv words = {0}, assigns = {0};
    for (;;) {
        struct token *t = peek(p);
        if (t->type == T_REDIR) {
            if (!parse_redirect(p, &n->redirs))
                break;
        } else if (t->type == T_WORD) {
            if (words.n == 0 && is_assignment(t->text))
                sv_add(&assigns, t->text);
            else
                sv_add(&words, t->text);
            consume(p);
        } else
            break;
    }
    /* Copy the pointer arrays into the arena; the strings already live there. */
    n->words = arena_alloc(p->a, (words.n + 1) * sizeof(char *));
    memcpy(n->words, words.v ? words.v : (char *[]){NULL}, words.n * sizeof(char *));
    n->assigns = arena_alloc(p->a, (assigns.n + 1) * sizeof(char *));
    memcpy(n->assigns, assigns.v ? assigns.v : (char *[]){NULL}, assigns.n * sizeof(char *));
    int empty = !words.n && !assigns.n && !n->redirs;
    free(words.v);
    free(assigns.v);
    if (empty) {
        unexpected(p);
        return NULL;
    }
    return p->status == PARSE_OK ? n : NULL;
}

static struct node *if_clause(struct parser *p)
{
    consume(p); /* "if" or "elif" */
    struct node *n = new_node(p, N_IF);
    n->left = compound_list(p);
    if (!n->left || !expect_word(p, "then"))
        return NULL;
    n->right = compound_list(p);
    if (!n->right)
        return NULL;
    if (peek_word(p, "elif")) {
        n->alt = if_clause(p);  /* consumes the shared "fi" */
        return n->alt ? n : NULL;
    }
    if (peek_word(p, "else")) {
        consume(p);
        n->alt = compound_list(p);
        if (!n->alt)
            return NULL;
    }
    return expect_word(p, "fi") ? n : NULL;
}

static struct node *do_group(struct parser *p, struct node *n)
{
    if (!expect_word(p, "do"))
        return NULL;
    n->right = compound_list(p);
    if (!n->right || !expect_word(p, "done"))
        return NULL;
    return n;
}

static struct node *while_clause(struct parser *p)
{
    struct node *n = new_node(p, peek_word(p, "while") ? N_WHILE : N_UNTIL);
    consume(p);
    n->left = compound_list(p);
    return n->left ? do_group(p, n) : NULL;
}

static struct node *for_clause(struct parser *p)
{
    consume(p);
    struct node *n = new_node(p, N_FOR);
    struct token *t = peek(p);
    if (t->type != T_WORD || !is_name(t->text, strlen(t->text))) {
        unexpected(p);
        return NULL;
    }
    n->var = t->text;
    consume(p);
    skip_newlines(p);
    if (peek_word(p, "in")) {
        consume(p);
        struct strv list = {0};
        while (peek(p)->type == T_WORD) {
            sv_add(&list, peek(p)->text);
            consume(p);
        }
        n->list = arena_alloc(p->a, (list.n + 1) * sizeof(char *));
        for (int i = 0; i < list.n; i++)
            n->list[i] = list.v[i];
        free(list.v);
        if (peek(p)->type != T_SEMI && peek(p)->type != T_NL) {
            unexpected(p);
            return NULL;
        }
        consume(p);
    } else if (peek(p)->type == T_SEMI)
        consume(p);
    skip_newlines(p);
    return do_group(p, n);
}

static struct node *compound_command(struct parser *p)
{
    struct node *n;
    if (peek(p)->type == T_LPAREN) {
        consume(p);
        n = new_node(p, N_SUBSHELL);
        n->left = compound_list(p);
        if (!n->left)
            return NULL;
        if (peek(p)->type != T_RPAREN) {
            unexpected(p);
            return NULL;
        }
        consume(p);
    } else if (peek_word(p, "{")) {
        consume(p);
        n = new_node(p, N_GROUP);
        n->left = compound_list(p);
        if (!n->left || !expect_word(p, "}"))
            return NULL;
    } else if (peek_word(p, "if"))
        n = if_clause(p);
    else if (peek_word(p, "while") || peek_word(p, "until"))
        n = while_clause(p);
    else
        n = for_clause(p);
    while (n && peek(p)->type == T_REDIR)
        if (!parse_redirect(p, &n->redirs))
            return NULL;
    return n;
}

static struct node *command(struct parser *p)
{
    struct token *t = peek(p);
    if (t->type == T_LPAREN)
        return compound_command(p);
    if (t->type == T_WORD) {
        static const char *const starts[] = {"{", "if", "while", "until", "for", NULL};
        for (int i = 0; starts[i]; i++)
            if (strcmp(t->text, starts[i]) == 0)
                return compound_command(p);
        if (is_terminator(p)) {
            syntax_error(p, t->text);
            return NULL;
        }
    }
    if (t->type == T_WORD || t->type == T_REDIR)
        return simple_command(p);
    unexpected(p);
    return NULL;
}

static struct node *pipeline(struct parser *p)
{
    struct node *n = new_node(p, N_PIPE);
    size_t start = peek(p)->start;
    if (peek_word(p, "!")) {
        consume(p);
        n->negate = 1;
    }
    struct node *cmds[64];
    int count = 0;
    for (;;) {
        struct node *c = command(p);
        if (!c)
            return NULL;
        if (count == 64) {
            syntax_error(p, "| (pipeline too long)");
            return NULL;
        }
        cmds[count++] = c;
        if (peek(p)->type != T_PIPE)
            break;
        consume(p);
        skip_newlines(p);
    }
    n->cmds = arena_alloc(p->a, count * sizeof *cmds);
    memcpy(n->cmds, cmds, count * sizeof *cmds);
    n->ncmds = count;
    n->text = arena_strndup(p->a, p->src + start, p->last_end - start);
    return n;
}

static struct node *and_or(struct parser *p)
{
    struct node *n = pipeline(p);
    while (n) {
        enum tok t = peek(p)->type;
        if (t != T_AND && t != T_OR)
            break;
        consume(p);
        skip_newlines(p);
        struct node *r = pipeline(p);
        if (!r)
            return NULL;
        n = binary(p, t == T_AND ? N_AND : N_OR, n, r);
    }
    return n;
}

/* One line's worth: and-or lists separated by ';' and '&', up to a newline. */
static struct node *line_list(struct parser *p)
{
    struct node *list = NULL;
    for (;;) {
        size_t start = peek(p)->start;
        struct node *n = and_or(p);
        if (!n)
            return NULL;
        enum tok t = peek(p)->type;
        if (t == T_AMP) {
            n = binary(p, N_BG, n, NULL);
            /* A background and-or list is one job: remember all its text. */
            n->text = arena_strndup(p->a, p->src + start, p->last_end - start);
        }
        list = binary(p, N_SEQ, list, n);
        if (t != T_AMP && t != T_SEMI)
            break;
        consume(p);
        t = peek(p)->type;
        if (t == T_NL || t == T_EOF)
            break;
    }
    return list;
}

enum parse_result parse_program(const char *src, struct arena *a, struct node **out)
{
    struct parser p = {.src = src, .a = a, .status = PARSE_OK};
    struct node *prog = NULL;
    skip_newlines(&p);
    while (p.status == PARSE_OK && peek(&p)->type != T_EOF) {
        struct node *n = line_list(&p);
        if (!n)
            break;
        prog = binary(&p, N_SEQ, prog, n);
        if (peek(&p)->type == T_NL)
            skip_newlines(&p);
        else if (peek(&p)->type != T_EOF)
            syntax_error(&p, peek(&p)->text);
    }
    /* Here-documents announced on the last line but with no body yet. */
    if (p.status == PARSE_OK && p.nheredocs)
        incomplete(&p);
    *out = prog;
    if (p.status == PARSE_OK && !prog)
        return PARSE_EMPTY;
    return p.status;
}

/* For the expander: the end of a construct in an already-parsed word. i is just past the
 * opening "$(", "${", '`' or '"' (named by kind); returns the index just past its close. */
size_t scan_close(const char *s, size_t i, char kind)
{
    struct parser p = {.src = s, .status = PARSE_OK};
    switch (kind) {
    case '(':
        return skip_parens(&p, i);
    case '{':
        return skip_braces(&p, i);
    case '`':
        return skip_backquote(&p, i);
    default:
        return skip_dquote(&p, i);
    }
}
