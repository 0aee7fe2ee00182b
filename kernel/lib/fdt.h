/* Flattened device tree (DTB) parser: checks a blob once in fdt_open, then looks up
 * nodes, properties, cells and the memory-reservation block without reading outside it. */
#ifndef LIB_FDT_H
#define LIB_FDT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_MAX_DEPTH 32        /* deeper nesting is rejected as malformed */
#define FDT_ERR_LEN   128

/*
 * An opened blob. Nodes are named by "node offsets": the offset (>= 0) of the node's
 * FDT_BEGIN_NODE token inside the struct block. Functions returning int give a node
 * offset or 0 on success, -ENOENT for "not there", and -EINVAL (always with a message
 * in err, see fdt_strerror) when the blob is malformed or an argument is not a node.
 */
struct fdt {
    const uint8_t *blob;
    uint32_t totalsize;
    uint32_t version;
    uint32_t boot_cpuid;
    uint32_t struct_off, struct_size;
    uint32_t strings_off, strings_size;
    uint32_t rsv_off, rsv_count;    /* memory-reservation entries, terminator excluded */
    int root;                       /* node offset of "/" */
    char err[FDT_ERR_LEN];
};

/* A property; data points into the blob (big-endian, only byte-aligned reads are safe). */
struct fdt_prop {
    const char *name;
    const uint8_t *data;
    uint32_t len;
    uint32_t next_off;              /* cursor for fdt_next_prop */
};

/* Header, blocks and the whole struct block are checked here, so later walks only
 * meet well-formed tokens (they still bounds-check every read). */
int fdt_open(struct fdt *f, const void *blob, size_t maxlen);
const char *fdt_strerror(const struct fdt *f);
/* Record a formatted reason in f->err; returns -EINVAL so callers can `return fdt_error(...)`. */
int fdt_error(struct fdt *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Byte-wise big-endian loads: the blob may be only 4-byte aligned. */
uint32_t fdt_be32(const void *p);
uint64_t fdt_be64(const void *p);

/* Tree walking. *depth is relative: pass the depth of node; the next node in
 * pre-order is returned with its depth, -ENOENT once the depth-0 node is closed. */
int fdt_next_node(struct fdt *f, int node, int *depth);
int fdt_first_child(struct fdt *f, int node);
int fdt_next_sibling(struct fdt *f, int node);
const char *fdt_node_name(struct fdt *f, int node);     /* "" if node is invalid */
/* Absolute "/a/b@1" or alias-relative "serial0/x" path; a component without '@'
 * also matches a name with a unit address. len bounds the path (stops at NUL too). */
int fdt_find_node(struct fdt *f, const char *path, size_t len);
int fdt_find_phandle(struct fdt *f, uint32_t phandle);
uint32_t fdt_node_phandle(struct fdt *f, int node);     /* 0 if none */
bool fdt_node_okay(struct fdt *f, int node);            /* status absent, "okay" or "ok" */
bool fdt_node_compatible(struct fdt *f, int node, const char *compat);

/* Properties. */
int fdt_first_prop(struct fdt *f, int node, struct fdt_prop *p);
int fdt_next_prop(struct fdt *f, struct fdt_prop *p);
int fdt_get_prop(struct fdt *f, int node, const char *name, struct fdt_prop *p);
int fdt_read_u32(struct fdt *f, int node, const char *name, uint32_t *out);    /* exactly one cell */
int fdt_read_number(struct fdt *f, int node, const char *name, uint64_t *out); /* one or two cells */
int fdt_read_string(struct fdt *f, int node, const char *name, const char **out);

/* Property values (no struct fdt needed: the property was bounds-checked already). */
int fdt_prop_cells(const struct fdt_prop *p, uint32_t first, uint32_t n, uint64_t *out); /* -ERANGE if > 64 bits */
int fdt_prop_number(const struct fdt_prop *p, uint64_t *out);
/* String lists: *pos starts at 0; -ENOENT after the last string, -EINVAL if it is unterminated. */
int fdt_prop_next_string(const struct fdt_prop *p, uint32_t *pos, const char **out);
int fdt_prop_string_at(const struct fdt_prop *p, int idx, const char **out);
bool fdt_prop_has_string(const struct fdt_prop *p, const char *s);

/* Memory-reservation block entry idx (0-based); -ENOENT past the last one. */
int fdt_memrsv(const struct fdt *f, int idx, uint64_t *addr, uint64_t *size);

/* Minimal snprintf (%s %c %d %u %x with l/ll/z, %%) for messages; the kernel has no libc. */
size_t fdt_format(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
size_t fdt_vformat(char *buf, size_t size, const char *fmt, va_list ap);

#endif
