/* sh: memory helpers, growable strings and arrays, the parse arena, error printing. */
#include "sh.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        static const char msg[] = "sh: out of memory\n";
        write(2, msg, sizeof msg - 1);
        _exit(2);
    }
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) {
        static const char msg[] = "sh: out of memory\n";
        write(2, msg, sizeof msg - 1);
        _exit(2);
    }
    return p;
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

/* Messages go straight to fd 2 in one write so they don't interleave with children's output. */
void sh_error(const char *fmt, ...)
{
    char buf[1024];
    int n = snprintf(buf, sizeof buf, "sh: ");
    va_list ap;
    va_start(ap, fmt);
    n += vsnprintf(buf + n, sizeof buf - n - 1, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof buf - 2)
        n = sizeof buf - 2;
    buf[n++] = '\n';
    write(2, buf, n);
}

static void sb_grow(struct sbuf *b, size_t more)
{
    if (b->len + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + more + 1)
        cap *= 2;
    b->s = xrealloc(b->s, cap);
    b->cap = cap;
}

void sb_addn(struct sbuf *b, const char *s, size_t n)
{
    sb_grow(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

void sb_addc(struct sbuf *b, char c)
{
    sb_addn(b, &c, 1);
}

void sb_adds(struct sbuf *b, const char *s)
{
    sb_addn(b, s, strlen(s));
}

void sb_free(struct sbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

void sv_add(struct strv *a, char *s)
{
    if (a->n + 2 > a->cap) {
        a->cap = a->cap ? a->cap * 2 : 8;
        a->v = xrealloc(a->v, a->cap * sizeof *a->v);
    }
    a->v[a->n++] = s;
    a->v[a->n] = NULL;
}

void sv_free(struct strv *a)
{
    for (int i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
    a->v = NULL;
    a->n = a->cap = 0;
}

/* Arena: a chain of blocks; big requests get a block of their own. */
struct block {
    struct block *next;
    size_t used, size;
    _Alignas(16) char data[];
};

struct arena {
    struct block *head;
};

struct arena *arena_new(void)
{
    struct arena *a = xmalloc(sizeof *a);
    a->head = NULL;
    return a;
}

void *arena_alloc(struct arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!a->head || a->head->used + n > a->head->size) {
        size_t size = n > 4000 ? n : 4000;
        struct block *b = xmalloc(sizeof *b + size);
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = a->head->data + a->head->used;
    a->head->used += n;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void arena_free(struct arena *a)
{
    if (!a)
        return;
    while (a->head) {
        struct block *b = a->head;
        a->head = b->next;
        free(b);
    }
    free(a);
}

/* A close-on-exec copy of fd numbered 10 or more, out of the way of redirections.
 * Falls back to a plain dup() where F_DUPFD_CLOEXEC is missing. -1 if fd isn't open. */
int dup_high(int fd)
{
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, 10);
    if (copy >= 0 || errno == EBADF)
        return copy;
    copy = dup(fd);
    if (copy >= 0)
        fcntl(copy, F_SETFD, FD_CLOEXEC);
    return copy;
}
