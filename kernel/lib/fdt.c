/* Flattened device tree parser, written from the Devicetree Specification (v0.4, ch. 5).
 * Every offset and length taken from the blob is checked before it is used. */
#include "lib/fdt.h"
#include "lib/errno.h"
#include "lib/kstring.h"

#define FDT_MAGIC       0xd00dfeedu
#define FDT_BEGIN_NODE  0x1u
#define FDT_END_NODE    0x2u
#define FDT_PROP        0x3u
#define FDT_NOP         0x4u
#define FDT_END         0x9u
#define FDT_HDR_SIZE    40u     /* version 17 header; a valid blob is always larger */
#define FDT_RSV_ENTRY   16u
#define FDT_OFF_LIMIT   0x7fffffffu /* node offsets are ints */

/* One decoded struct-block token. */
struct fdt_tok {
    uint32_t tag;
    uint32_t next;              /* offset of the following token */
    const char *name;           /* node name (BEGIN_NODE) */
    struct fdt_prop prop;       /* PROP */
};

/* ---- messages ---- */

struct fdt_out {
    char *buf;
    size_t size, len;
};

static void fdt_putc(struct fdt_out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void fdt_putnum(struct fdt_out *o, unsigned long long v, unsigned base, bool neg)
{
    char tmp[24];
    int n = 0;

    if (neg)
        fdt_putc(o, '-');
    do {
        tmp[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (n)
        fdt_putc(o, tmp[--n]);
}

/* Fetch one integer argument of the given size class (0 int, 1 long, 2 long long, 3 size_t). */
static unsigned long long fdt_arg(va_list *ap, int size, bool is_signed, bool *neg)
{
    long long s;

    *neg = false;
    if (!is_signed) {
        if (size == 1) return va_arg(*ap, unsigned long);
        if (size == 2) return va_arg(*ap, unsigned long long);
        if (size == 3) return va_arg(*ap, size_t);
        return va_arg(*ap, unsigned int);
    }
    s = size == 1 ? va_arg(*ap, long) : size == 2 ? va_arg(*ap, long long) : va_arg(*ap, int);
    if (s < 0) {
        *neg = true;
        return 0ull - (unsigned long long)s;
    }
    return (unsigned long long)s;
}

/* Emit one conversion at *fmt (just past '%'); false if it is not supported. */
static bool fdt_convert(struct fdt_out *o, const char **fmtp, va_list *ap)
{
    const char *fmt = *fmtp, *s;
    int sz = 0;
    bool neg;
    unsigned long long v;

    if (*fmt == 'z') { sz = 3; fmt++; }
    while (*fmt == 'l' && sz < 2) { sz++; fmt++; }
    *fmtp = fmt;
    switch (*fmt) {
    case 'd':
        v = fdt_arg(ap, sz, true, &neg);
        fdt_putnum(o, v, 10, neg);
        return true;
    case 'u':
    case 'x':
        v = fdt_arg(ap, sz, false, &neg);
        fdt_putnum(o, v, *fmt == 'x' ? 16 : 10, false);
        return true;
    case 's':
        for (s = va_arg(*ap, const char *), s = s ? s : "(null)"; *s; s++)
            fdt_putc(o, *s);
        return true;
    case 'c':
        fdt_putc(o, (char)va_arg(*ap, int));
        return true;
    case '%':
        fdt_putc(o, '%');
        return true;
    default:
        return false;
    }
}

size_t fdt_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct fdt_out o = { buf, size, 0 };
    va_list aq;

    va_copy(aq, ap);
    for (; *fmt; fmt++) {
        if (*fmt != '%')
            fdt_putc(&o, *fmt);
        else if (fmt++, !fdt_convert(&o, &fmt, &aq))
            break;              /* unknown conversion: stop rather than misread arguments */
    }
    va_end(aq);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len;
}

size_t fdt_format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    size_t n;

    va_start(ap, fmt);
    n = fdt_vformat(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int fdt_error(struct fdt *f, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fdt_vformat(f->err, sizeof f->err, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

const char *fdt_strerror(const struct fdt *f)
{
    return f->err;
}

/* ---- raw access ---- */

uint32_t fdt_be32(const void *p)
{
    const uint8_t *b = p;

    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint64_t fdt_be64(const void *p)
{
    return (uint64_t)fdt_be32(p) << 32 | fdt_be32((const uint8_t *)p + 4);
}

static uint32_t fdt_hdr(const struct fdt *f, uint32_t field)
{
    return fdt_be32(f->blob + field);
}

/* Length of s, or max if no NUL within max bytes; a private copy because strict C11
 * hosts do not declare strnlen. */
static uint32_t fdt_strnlen(const char *s, uint32_t max)
{
    uint32_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

/* Is [off, off+size) inside the blob and clear of the header? Overflow-safe. */
static bool fdt_block_ok(const struct fdt *f, uint32_t off, uint32_t size)
{
    return off >= FDT_HDR_SIZE && off <= f->totalsize && size <= f->totalsize - off;
}

/* ---- header and blocks ---- */

static int fdt_check_header(struct fdt *f, size_t maxlen)
{
    uint32_t magic, last_comp;

    if (maxlen < FDT_HDR_SIZE)
        return fdt_error(f, "fdt: only %zu bytes, smaller than the %u-byte header", maxlen, FDT_HDR_SIZE);
    magic = fdt_hdr(f, 0);
    if (magic != FDT_MAGIC)
        return fdt_error(f, "fdt: bad magic 0x%x (expected 0xd00dfeed)", magic);
    f->totalsize = fdt_hdr(f, 4);
    if (f->totalsize < FDT_HDR_SIZE)
        return fdt_error(f, "fdt: totalsize %u is smaller than the header", f->totalsize);
    if (f->totalsize > maxlen)
        return fdt_error(f, "fdt: totalsize %u exceeds the %zu bytes available", f->totalsize, maxlen);
    if (f->totalsize > FDT_OFF_LIMIT)
        return fdt_error(f, "fdt: totalsize %u is too large", f->totalsize);
    f->version = fdt_hdr(f, 20);
    last_comp = fdt_hdr(f, 24);
    if (f->version < 16)
        return fdt_error(f, "fdt: version %u is too old (need 16 or later)", f->version);
    if (last_comp > 17)
        return fdt_error(f, "fdt: last_comp_version %u is newer than 17", last_comp);
    f->boot_cpuid = fdt_hdr(f, 28);
    return 0;
}

static int fdt_check_blocks(struct fdt *f)
{
    f->struct_off = fdt_hdr(f, 8);
    f->strings_off = fdt_hdr(f, 12);
    f->rsv_off = fdt_hdr(f, 16);
    f->strings_size = fdt_hdr(f, 32);
    /* size_dt_struct only exists from version 17 on */
    if (f->version >= 17)
        f->struct_size = fdt_hdr(f, 36);
    else
        f->struct_size = f->struct_off <= f->totalsize ? f->totalsize - f->struct_off : 0;
    if (!fdt_block_ok(f, f->struct_off, f->struct_size))
        return fdt_error(f, "fdt: struct block (offset 0x%x, size 0x%x) outside blob of %u bytes",
                         f->struct_off, f->struct_size, f->totalsize);
    if (f->struct_off % 4)
        return fdt_error(f, "fdt: struct block offset 0x%x is not 4-byte aligned", f->struct_off);
    if (!fdt_block_ok(f, f->strings_off, f->strings_size))
        return fdt_error(f, "fdt: strings block (offset 0x%x, size 0x%x) outside blob of %u bytes",
                         f->strings_off, f->strings_size, f->totalsize);
    return 0;
}

/* The reservation list has no length field: find its (0, 0) terminator inside the blob. */
static int fdt_check_rsvmap(struct fdt *f)
{
    uint32_t off = f->rsv_off;

    if (!fdt_block_ok(f, off, 0))
        return fdt_error(f, "fdt: memory reservation block offset 0x%x outside blob", off);
    if (off % 8)
        return fdt_error(f, "fdt: memory reservation block offset 0x%x is not 8-byte aligned", off);
    for (f->rsv_count = 0;; f->rsv_count++, off += FDT_RSV_ENTRY) {
        if (f->totalsize - off < FDT_RSV_ENTRY)
            return fdt_error(f, "fdt: memory reservation block runs past the blob (no terminator)");
        if (fdt_be64(f->blob + off) == 0 && fdt_be64(f->blob + off + 8) == 0)
            return 0;
    }
}

/* ---- struct block tokens ---- */

static int fdt_token_prop(struct fdt *f, uint32_t off, struct fdt_tok *t)
{
    const uint8_t *s = f->blob + f->struct_off;
    uint32_t room = f->struct_size - off, len, nameoff;
    const char *name;

    if (room < 12)
        return fdt_error(f, "fdt: property header at struct offset 0x%x runs past the struct block", off);
    len = fdt_be32(s + off + 4);
    nameoff = fdt_be32(s + off + 8);
    if (nameoff >= f->strings_size)
        return fdt_error(f, "fdt: property name offset 0x%x is past the strings block (size 0x%x)",
                         nameoff, f->strings_size);
    name = (const char *)f->blob + f->strings_off + nameoff;
    if (fdt_strnlen(name, f->strings_size - nameoff) == f->strings_size - nameoff)
        return fdt_error(f, "fdt: property name at strings offset 0x%x is unterminated", nameoff);
    if (len > room - 12)
        return fdt_error(f, "fdt: property '%s' (%u bytes) runs past the struct block", name, len);
    t->prop.name = name;
    t->prop.data = s + off + 12;
    t->prop.len = len;
    t->next = (off + 12 + len + 3) & ~3u;
    t->prop.next_off = t->next;
    return 0;
}

/* Decode the token at struct offset off; never reads past the struct block. */
static int fdt_token(struct fdt *f, uint32_t off, struct fdt_tok *t)
{
    const uint8_t *s = f->blob + f->struct_off;
    uint32_t room, n;

    if (off > f->struct_size || f->struct_size - off < 4)
        return fdt_error(f, "fdt: struct block ends at offset 0x%x without FDT_END", off);
    if (off % 4)
        return fdt_error(f, "fdt: struct offset 0x%x is not a token boundary", off);
    t->tag = fdt_be32(s + off);
    t->next = off + 4;
    switch (t->tag) {
    case FDT_BEGIN_NODE:
        room = f->struct_size - off - 4;
        t->name = (const char *)s + off + 4;
        n = fdt_strnlen(t->name, room);
        if (n == room)
            return fdt_error(f, "fdt: unterminated node name at struct offset 0x%x", off);
        t->next = (off + 4 + n + 1 + 3) & ~3u;
        return 0;
    case FDT_PROP:
        return fdt_token_prop(f, off, t);
    case FDT_END_NODE:
    case FDT_NOP:
    case FDT_END:
        return 0;
    default:
        return fdt_error(f, "fdt: unknown token 0x%x at struct offset 0x%x", t->tag, off);
    }
}

/* Tracks what fdt_check_struct has seen so far. */
struct fdt_walkstate {
    int depth;
    bool root_seen;
    uint32_t prev;              /* last non-NOP tag */
};

static int fdt_check_token(struct fdt *f, uint32_t off, const struct fdt_tok *t, struct fdt_walkstate *w)
{
    switch (t->tag) {
    case FDT_BEGIN_NODE:
        if (w->depth == 0 && w->root_seen)
            return fdt_error(f, "fdt: second root node at struct offset 0x%x", off);
        if (w->depth == 0)
            f->root = (int)off;
        else if (t->name[0] == '\0')
            return fdt_error(f, "fdt: empty node name at struct offset 0x%x", off);
        if (++w->depth > FDT_MAX_DEPTH)
            return fdt_error(f, "fdt: nodes nested deeper than %d levels", FDT_MAX_DEPTH);
        w->root_seen = true;
        break;
    case FDT_END_NODE:
        if (w->depth == 0)
            return fdt_error(f, "fdt: FDT_END_NODE at struct offset 0x%x closes no node", off);
        w->depth--;
        break;
    case FDT_PROP:
        if (w->depth == 0)
            return fdt_error(f, "fdt: property '%s' outside any node", t->prop.name);
        /* the spec puts properties before child nodes; lookups rely on it */
        if (w->prev != FDT_BEGIN_NODE && w->prev != FDT_PROP)
            return fdt_error(f, "fdt: property '%s' follows a child node", t->prop.name);
        break;
    }
    if (t->tag != FDT_NOP)
        w->prev = t->tag;
    return 0;
}

/* One pass over the struct block: tokens, names, nesting and balance. */
static int fdt_check_struct(struct fdt *f)
{
    struct fdt_walkstate w = { 0, false, FDT_NOP };
    struct fdt_tok t;
    uint32_t off = 0;
    int r;

    for (;;) {
        r = fdt_token(f, off, &t);
        if (r < 0)
            return r;
        if (t.tag == FDT_END)
            break;
        r = fdt_check_token(f, off, &t, &w);
        if (r < 0)
            return r;
        off = t.next;
    }
    if (w.depth)
        return fdt_error(f, "fdt: FDT_END with %d node(s) still open", w.depth);
    if (!w.root_seen)
        return fdt_error(f, "fdt: struct block has no root node");
    return 0;
}

int fdt_open(struct fdt *f, const void *blob, size_t maxlen)
{
    int r;

    memset(f, 0, sizeof *f);
    f->blob = blob;
    f->root = -1;
    if (!blob)
        return fdt_error(f, "fdt: no blob");
    r = fdt_check_header(f, maxlen);
    if (r == 0)
        r = fdt_check_blocks(f);
    if (r == 0)
        r = fdt_check_rsvmap(f);
    if (r == 0)
        r = fdt_check_struct(f);
    if (r < 0)
        f->root = -1;
    return r;
}

/* ---- nodes ---- */

static int fdt_node_token(struct fdt *f, int node, struct fdt_tok *t)
{
    int r;

    if (node < 0 || f->root < 0)
        return fdt_error(f, "fdt: %d is not a node offset", node);
    r = fdt_token(f, (uint32_t)node, t);
    if (r == 0 && t->tag != FDT_BEGIN_NODE)
        return fdt_error(f, "fdt: struct offset 0x%x is not a node", (unsigned)node);
    return r;
}

int fdt_next_node(struct fdt *f, int node, int *depth)
{
    struct fdt_tok t;
    int level = *depth + 1, r;  /* nodes open, counting node itself */
    uint32_t off;

    r = fdt_node_token(f, node, &t);
    if (r < 0)
        return r;
    for (off = t.next;; off = t.next) {
        r = fdt_token(f, off, &t);
        if (r < 0)
            return r;
        if (t.tag == FDT_BEGIN_NODE) {
            *depth = level;
            return (int)off;
        }
        if (t.tag == FDT_END || (t.tag == FDT_END_NODE && --level <= 0))
            return -ENOENT;
    }
}

int fdt_first_child(struct fdt *f, int node)
{
    int depth = 0;

    return fdt_next_node(f, node, &depth);
}

int fdt_next_sibling(struct fdt *f, int node)
{
    int depth = 1;

    do
        node = fdt_next_node(f, node, &depth);
    while (node >= 0 && depth > 1);
    return node;
}

const char *fdt_node_name(struct fdt *f, int node)
{
    struct fdt_tok t;

    return fdt_node_token(f, node, &t) == 0 ? t.name : "";
}

/* Does node name match one path component? "serial" matches "serial@10000000". */
static bool fdt_name_matches(const char *name, const char *comp, size_t n)
{
    size_t len = strlen(name);

    if (len == n && memcmp(name, comp, n) == 0)
        return true;
    for (size_t i = 0; i < n; i++)
        if (comp[i] == '@')
            return false;
    return len > n && name[n] == '@' && memcmp(name, comp, n) == 0;
}

static int fdt_find_child(struct fdt *f, int parent, const char *comp, size_t n)
{
    int c;

    for (c = fdt_first_child(f, parent); c >= 0; c = fdt_next_sibling(f, c))
        if (fdt_name_matches(fdt_node_name(f, c), comp, n))
            return c;
    return c;
}

/* Resolve the alias named by the first n bytes of name; aliases hold absolute paths. */
static int fdt_find_alias(struct fdt *f, const char *name, size_t n)
{
    struct fdt_prop p;
    const char *path;
    int aliases = fdt_find_node(f, "/aliases", 8), r;

    if (aliases < 0)
        return aliases;
    for (r = fdt_first_prop(f, aliases, &p); r == 0; r = fdt_next_prop(f, &p)) {
        if (strlen(p.name) != n || memcmp(p.name, name, n) != 0)
            continue;
        if (fdt_prop_string_at(&p, 0, &path) < 0 || path[0] != '/')
            return -ENOENT;
        return fdt_find_node(f, path, p.len);
    }
    return r;
}

int fdt_find_node(struct fdt *f, const char *path, size_t len)
{
    size_t pos = 0, n;
    int node;

    len = fdt_strnlen(path, len > FDT_OFF_LIMIT ? FDT_OFF_LIMIT : (uint32_t)len);
    if (len == 0 || f->root < 0)
        return -ENOENT;
    if (path[0] == '/') {
        node = f->root;
    } else {
        while (pos < len && path[pos] != '/')
            pos++;
        node = fdt_find_alias(f, path, pos);
    }
    while (node >= 0 && pos < len) {
        if (path[pos] == '/') {
            pos++;
            continue;
        }
        for (n = 0; pos + n < len && path[pos + n] != '/'; n++)
            ;
        node = fdt_find_child(f, node, path + pos, n);
        pos += n;
    }
    return node;
}

uint32_t fdt_node_phandle(struct fdt *f, int node)
{
    uint32_t ph;

    if (fdt_read_u32(f, node, "phandle", &ph) == 0 || fdt_read_u32(f, node, "linux,phandle", &ph) == 0)
        return ph;
    return 0;
}

int fdt_find_phandle(struct fdt *f, uint32_t phandle)
{
    int node = f->root, depth = 0;

    if (phandle == 0 || phandle == 0xffffffffu || node < 0)
        return -ENOENT;
    while (node >= 0 && fdt_node_phandle(f, node) != phandle)
        node = fdt_next_node(f, node, &depth);
    return node;
}

bool fdt_node_okay(struct fdt *f, int node)
{
    const char *st;
    int r = fdt_read_string(f, node, "status", &st);

    if (r == -ENOENT)
        return true;
    return r == 0 && (!strcmp(st, "okay") || !strcmp(st, "ok"));
}

bool fdt_node_compatible(struct fdt *f, int node, const char *compat)
{
    struct fdt_prop p;

    return fdt_get_prop(f, node, "compatible", &p) == 0 && fdt_prop_has_string(&p, compat);
}

/* ---- properties ---- */

/* Load the property at or after off (skipping NOPs); -ENOENT at the first non-property. */
static int fdt_prop_at(struct fdt *f, uint32_t off, struct fdt_prop *p)
{
    struct fdt_tok t;
    int r;

    for (;; off = t.next) {
        r = fdt_token(f, off, &t);
        if (r < 0)
            return r;
        if (t.tag == FDT_PROP) {
            *p = t.prop;
            return 0;
        }
        if (t.tag != FDT_NOP)
            return -ENOENT;
    }
}

int fdt_first_prop(struct fdt *f, int node, struct fdt_prop *p)
{
    struct fdt_tok t;
    int r = fdt_node_token(f, node, &t);

    return r < 0 ? r : fdt_prop_at(f, t.next, p);
}

int fdt_next_prop(struct fdt *f, struct fdt_prop *p)
{
    return fdt_prop_at(f, p->next_off, p);
}

int fdt_get_prop(struct fdt *f, int node, const char *name, struct fdt_prop *p)
{
    int r;

    for (r = fdt_first_prop(f, node, p); r == 0; r = fdt_next_prop(f, p))
        if (strcmp(p->name, name) == 0)
            return 0;
    return r;
}

int fdt_read_u32(struct fdt *f, int node, const char *name, uint32_t *out)
{
    struct fdt_prop p;
    int r = fdt_get_prop(f, node, name, &p);

    if (r < 0)
        return r;
    if (p.len != 4)
        return fdt_error(f, "fdt: property '%s' of node '%s' is %u bytes, expected 4",
                         name, fdt_node_name(f, node), p.len);
    *out = fdt_be32(p.data);
    return 0;
}

int fdt_read_number(struct fdt *f, int node, const char *name, uint64_t *out)
{
    struct fdt_prop p;
    int r = fdt_get_prop(f, node, name, &p);

    if (r < 0)
        return r;
    if (fdt_prop_number(&p, out) < 0)
        return fdt_error(f, "fdt: property '%s' of node '%s' is %u bytes, expected 4 or 8",
                         name, fdt_node_name(f, node), p.len);
    return 0;
}

int fdt_read_string(struct fdt *f, int node, const char *name, const char **out)
{
    struct fdt_prop p;
    int r = fdt_get_prop(f, node, name, &p);

    if (r < 0)
        return r;
    if (fdt_prop_string_at(&p, 0, out) < 0)
        return fdt_error(f, "fdt: property '%s' of node '%s' is not a NUL-terminated string",
                         name, fdt_node_name(f, node));
    return 0;
}

int fdt_prop_cells(const struct fdt_prop *p, uint32_t first, uint32_t n, uint64_t *out)
{
    uint32_t avail = p->len / 4, i;
    uint64_t v = 0;

    if (first > avail || n > avail - first)
        return -EINVAL;
    for (i = 0; i < n; i++) {
        if (v >> 32)
            return -ERANGE;
        v = v << 32 | fdt_be32(p->data + 4 * (first + i));
    }
    *out = v;
    return 0;
}

int fdt_prop_number(const struct fdt_prop *p, uint64_t *out)
{
    if (p->len != 4 && p->len != 8)
        return -EINVAL;
    return fdt_prop_cells(p, 0, p->len / 4, out);
}

int fdt_prop_next_string(const struct fdt_prop *p, uint32_t *pos, const char **out)
{
    const char *s;
    uint32_t n;

    if (*pos >= p->len)
        return -ENOENT;
    s = (const char *)p->data + *pos;
    n = fdt_strnlen(s, p->len - *pos);
    if (n == p->len - *pos)
        return -EINVAL;         /* the last string lacks its NUL */
    *out = s;
    *pos += n + 1;
    return 0;
}

int fdt_prop_string_at(const struct fdt_prop *p, int idx, const char **out)
{
    uint32_t pos = 0;
    int r;

    if (idx < 0)
        return -ENOENT;
    do
        r = fdt_prop_next_string(p, &pos, out);
    while (r == 0 && idx-- > 0);
    return r;
}

bool fdt_prop_has_string(const struct fdt_prop *p, const char *s)
{
    uint32_t pos = 0;
    const char *e;

    while (fdt_prop_next_string(p, &pos, &e) == 0)
        if (strcmp(e, s) == 0)
            return true;
    return false;
}

int fdt_memrsv(const struct fdt *f, int idx, uint64_t *addr, uint64_t *size)
{
    const uint8_t *e;

    if (f->root < 0 || idx < 0 || (uint32_t)idx >= f->rsv_count)
        return -ENOENT;
    e = f->blob + f->rsv_off + (uint32_t)idx * FDT_RSV_ENTRY;
    *addr = fdt_be64(e);
    *size = fdt_be64(e + 8);
    return 0;
}
