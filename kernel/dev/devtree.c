/* Device-tree discovery: one pre-order walk over the DTB fills struct machine_info,
 * translating each device address through its ancestors' ranges on the way. */
#include "dev/devtree.h"
#include "lib/errno.h"
#include "lib/fdt.h"
#include "lib/kstring.h"

#define DT_MAX_CELLS  4         /* largest #address-cells/#size-cells accepted (PCI uses 3) */
#define DT_PATH_MAX   256
#define DT_IRQ_S_EXT  9         /* RISC-V interrupt cause: supervisor external */

/* One node on the walk's path from the root. */
struct dt_level {
    int node;
    uint32_t ac, sc;            /* #address-cells/#size-cells this node gives its children */
    size_t pathlen;             /* strlen of the path up to this node ("/" counts as 0) */
};

/* Everything one scan needs; it lives on the caller's stack (about 1.6 KiB), so the
 * kernel keeps no global state and the function is reentrant for the host tests. */
struct dt_scan {
    struct fdt f;
    struct machine_info *mi;
    char *notes;                /* the caller's err buffer, holding non-fatal notes */
    size_t noteslen;
    struct dt_level lv[FDT_MAX_DEPTH + 1];
    char path[DT_PATH_MAX];     /* path of the node being visited */
    int stdout_node;            /* node named by /chosen stdout-path, or -1 */
    bool have_fallback;
    struct dt_uart fallback;    /* first usable UART, for when stdout-path is not usable */
    int plic_node;              /* -1 if none */
    int cur_hart;               /* harts[] index whose cpu node the walk is inside, or -1 */
    int intc_node[DT_MAX_HARTS];
    uint32_t intc_phandle[DT_MAX_HARTS];
    bool mem_full, resv_full, harts_full;   /* each limit is noted once */
    bool virtio_full;
};

static const struct {
    const char *compat;
    enum dt_uart_kind kind;
} devtree_uarts[] = {
    { "ns16550a", DT_UART_NS16550 },
    { "ns16550", DT_UART_NS16550 },
    { "snps,dw-apb-uart", DT_UART_NS16550 },
    { "sifive,uart0", DT_UART_SIFIVE },
};

/* ---- small helpers ---- */

static void devtree_note(struct dt_scan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void devtree_note(struct dt_scan *s, const char *fmt, ...)
{
    va_list ap;
    size_t used;

    if (!s->notes)
        return;
    used = strlen(s->notes);
    if (used && used + 2 < s->noteslen) {
        memcpy(s->notes + used, "; ", 3);
        used += 2;
    }
    va_start(ap, fmt);
    fdt_vformat(s->notes + used, s->noteslen - used, fmt, ap);
    va_end(ap);
}

/* Truncating copy that always terminates; kept local so host tests need no kstrlcpy. */
static void devtree_copy(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);

    if (size == 0)
        return;
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* String property or NULL when absent; a malformed one is fatal. */
static int devtree_str(struct dt_scan *s, int node, const char *name, const char **out)
{
    int r = fdt_read_string(&s->f, node, name, out);

    if (r == -ENOENT) {
        *out = NULL;
        return 0;
    }
    return r;
}

/* One-cell property; *out keeps its default when absent. */
static int devtree_u32(struct dt_scan *s, int node, const char *name, uint32_t *out)
{
    int r = fdt_read_u32(&s->f, node, name, out);

    return r == -ENOENT ? 0 : r;
}

static bool devtree_prop_is(struct dt_scan *s, int node, const char *name, const char *value)
{
    const char *v;

    return fdt_read_string(&s->f, node, name, &v) == 0 && strcmp(v, value) == 0;
}

static int devtree_cells(struct dt_scan *s, int node, const char *name, uint32_t def, uint32_t *out)
{
    int r = fdt_read_u32(&s->f, node, name, out);

    if (r == -ENOENT) {
        *out = def;
        return 0;
    }
    if (r < 0)
        return r;
    if (*out > DT_MAX_CELLS)
        return fdt_error(&s->f, "devtree: %s: %s = %u is out of range (max %d)",
                         s->path, name, *out, DT_MAX_CELLS);
    return 0;
}

static void devtree_add_range(struct dt_scan *s, struct dt_range *arr, int *n, int max,
                              uint64_t base, uint64_t size, const char *where)
{
    bool *full = arr == s->mi->mem ? &s->mem_full : &s->resv_full;

    if (*n >= max) {
        if (!*full)
            devtree_note(s, "devtree: more than %d %s ranges, ignoring those from %s on", max,
                         arr == s->mi->mem ? "memory" : "reserved", where);
        *full = true;
        return;
    }
    arr[*n].base = base;
    arr[*n].size = size;
    (*n)++;
}

/* ---- addresses ---- */

/* Apply lv[d]'s ranges to an address of one of its children. */
static int devtree_map_ranges(struct dt_scan *s, int d, uint64_t *addr)
{
    const struct dt_level *bus = &s->lv[d], *up = &s->lv[d - 1];
    const char *busname = fdt_node_name(&s->f, bus->node);
    uint32_t per = bus->ac + up->ac + bus->sc, i, n;
    uint64_t child, parent, len;
    struct fdt_prop p;
    int r = fdt_get_prop(&s->f, bus->node, "ranges", &p);

    if (r == -ENOENT) {
        devtree_note(s, "devtree: %s: parent '%s' has no ranges (not memory-mapped), skipped", s->path, busname);
        return -ENXIO;
    }
    if (r < 0 || p.len == 0)    /* empty ranges: identity mapping */
        return r;
    /* per <= 3 * DT_MAX_CELLS, so 4 * per cannot wrap */
    if (per == 0 || p.len % (4 * per))
        return fdt_error(&s->f, "devtree: 'ranges' of '%s' is %u bytes, not a multiple of %u cells",
                         busname, p.len, per);
    n = p.len / (4 * per);
    for (i = 0; i < n; i++) {
        /* entries wider than 64 bits (PCI space flags) cannot hold our address */
        if (fdt_prop_cells(&p, i * per, bus->ac, &child) < 0 ||
            fdt_prop_cells(&p, i * per + bus->ac, up->ac, &parent) < 0 ||
            fdt_prop_cells(&p, i * per + bus->ac + up->ac, bus->sc, &len) < 0)
            continue;
        if (*addr >= child && *addr - child < len && parent + (*addr - child) >= parent) {
            *addr = parent + (*addr - child);
            return 0;
        }
    }
    devtree_note(s, "devtree: %s: address 0x%llx is outside the ranges of '%s', skipped",
                 s->path, (unsigned long long)*addr, busname);
    return -ENXIO;
}

/* Map an address of lv[depth] (in its parent's space) to a CPU physical address. */
static int devtree_translate(struct dt_scan *s, int depth, uint64_t *addr)
{
    int d, r;

    for (d = depth - 1; d >= 1; d--) {
        r = devtree_map_ranges(s, d, addr);
        if (r)
            return r;
    }
    return 0;
}

/* Entry idx of lv[depth]'s reg, translated. Returns 0, -ENOENT past the last entry or
 * without reg, -ENXIO if it cannot be used (noted), -EINVAL if malformed. */
static int devtree_reg(struct dt_scan *s, int depth, uint32_t idx, uint64_t *base, uint64_t *size)
{
    const struct dt_level *bus = &s->lv[depth - 1];
    uint32_t per = bus->ac + bus->sc;
    struct fdt_prop p;
    int r = fdt_get_prop(&s->f, s->lv[depth].node, "reg", &p);

    if (r < 0)
        return r;
    /* per <= 2 * DT_MAX_CELLS (devtree_cells caps both), so 4 * per below cannot wrap to 0 */
    if (per == 0)
        return fdt_error(&s->f, "devtree: %s: 'reg' under a parent with no address or size cells", s->path);
    if (p.len % (4 * per))
        return fdt_error(&s->f, "devtree: %s: 'reg' is %u bytes, not a multiple of %u cells", s->path, p.len, per);
    if (idx >= p.len / (4 * per))
        return -ENOENT;
    if (fdt_prop_cells(&p, idx * per, bus->ac, base) < 0 ||
        fdt_prop_cells(&p, idx * per + bus->ac, bus->sc, size) < 0) {
        devtree_note(s, "devtree: %s: reg entry %u does not fit 64 bits, skipped", s->path, idx);
        return -ENXIO;
    }
    return devtree_translate(s, depth, base);
}

/* All reg entries of a memory or reserved-memory node, empty ones dropped. */
static int devtree_ranges(struct dt_scan *s, int depth, struct dt_range *arr, int *n, int max)
{
    uint64_t base, size;
    uint32_t i;
    int r;

    if (!fdt_node_okay(&s->f, s->lv[depth].node))
        return 0;
    for (i = 0; (r = devtree_reg(s, depth, i, &base, &size)) != -ENOENT; i++) {
        if (r == -ENXIO)
            continue;
        if (r < 0)
            return r;
        if (size)
            devtree_add_range(s, arr, n, max, base, size, s->path);
    }
    return 0;
}

/* ---- harts ---- */

static int devtree_timebase(struct dt_scan *s, int node)
{
    int r = fdt_read_number(&s->f, node, "timebase-frequency", &s->mi->timebase_hz);

    return r == -ENOENT ? 0 : r;
}

/* Is ext one of the '_'-separated multi-letter extensions of an ISA string? */
static bool devtree_isa_has(const char *isa, const char *ext)
{
    size_t n = strlen(ext), len;
    const char *p = strchr(isa, '_'), *end;

    while (p) {
        p++;
        end = strchr(p, '_');
        len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && memcmp(p, ext, n) == 0)
            return true;
        p = end;
    }
    return false;
}

static int devtree_hartid(struct dt_scan *s, int node, int depth, uint64_t *id)
{
    uint32_t ac = s->lv[depth - 1].ac;
    struct fdt_prop p;
    int r = fdt_get_prop(&s->f, node, "reg", &p);

    if (r == -ENOENT) {
        devtree_note(s, "devtree: %s: cpu without reg, skipped", s->path);
        return -ENXIO;
    }
    if (r < 0)
        return r;
    if (ac == 0 || p.len < 4 * ac)
        return fdt_error(&s->f, "devtree: %s: 'reg' is %u bytes, too short for a hart id", s->path, p.len);
    if (fdt_prop_cells(&p, 0, ac, id) < 0 || *id > UINT32_MAX) {
        devtree_note(s, "devtree: %s: hart id does not fit 32 bits, skipped", s->path);
        return -ENXIO;
    }
    return 0;
}

static int devtree_hart_mmu(struct dt_scan *s, int node, struct dt_hart *h)
{
    const char *mmu;
    int r = devtree_str(s, node, "mmu-type", &mmu);

    if (r < 0 || !mmu)
        return r;
    devtree_copy(h->mmu_type, sizeof h->mmu_type, mmu);
    h->has_mmu = !strcmp(mmu, "riscv,sv39") || !strcmp(mmu, "riscv,sv48") || !strcmp(mmu, "riscv,sv57");
    return 0;
}

static int devtree_hart_isa(struct dt_scan *s, int node, struct dt_hart *h)
{
    struct fdt_prop p;
    const char *isa;
    int r = devtree_str(s, node, "riscv,isa", &isa);

    if (r < 0)
        return r;
    if (isa) {
        devtree_copy(h->isa, sizeof h->isa, isa);
        if (strlen(isa) >= sizeof h->isa)
            devtree_note(s, "devtree: %s: riscv,isa truncated", s->path);
        h->has_sstc = devtree_isa_has(isa, "sstc");
    }
    /* the newer binding lists extensions one string each */
    if (fdt_get_prop(&s->f, node, "riscv,isa-extensions", &p) == 0 && fdt_prop_has_string(&p, "sstc"))
        h->has_sstc = true;
    return 0;
}

static int devtree_hart(struct dt_scan *s, int node, int depth)
{
    struct machine_info *mi = s->mi;
    struct dt_hart *h;
    uint64_t id;
    int r;

    s->cur_hart = -1;
    if (!devtree_prop_is(s, node, "device_type", "cpu"))
        return 0;
    r = devtree_hartid(s, node, depth, &id);
    if (r < 0)
        return r == -ENXIO ? 0 : r;
    if (mi->nharts >= DT_MAX_HARTS) {
        if (!s->harts_full)
            devtree_note(s, "devtree: more than %d harts, ignoring %s and later ones", DT_MAX_HARTS, s->path);
        s->harts_full = true;
        return 0;
    }
    h = &mi->harts[mi->nharts];
    h->hartid = (uint32_t)id;
    h->okay = fdt_node_okay(&s->f, node);
    h->plic_s_context = -1;
    r = devtree_hart_mmu(s, node, h);
    if (r == 0)
        r = devtree_hart_isa(s, node, h);
    if (r == 0 && mi->timebase_hz == 0)
        r = devtree_timebase(s, node);
    if (r < 0)
        return r;
    s->intc_node[mi->nharts] = -1;
    s->intc_phandle[mi->nharts] = 0;
    s->cur_hart = mi->nharts++;
    return 0;
}

/* The hart's local interrupt controller: the PLIC names it by phandle per context. */
static void devtree_hart_intc(struct dt_scan *s, int node)
{
    if (s->cur_hart < 0 || !fdt_node_compatible(&s->f, node, "riscv,cpu-intc"))
        return;
    s->intc_node[s->cur_hart] = node;
    s->intc_phandle[s->cur_hart] = fdt_node_phandle(&s->f, node);
}

/* ---- devices ---- */

static uint32_t devtree_first_irq(struct dt_scan *s, int node)
{
    struct fdt_prop p;
    uint64_t v;

    if (fdt_get_prop(&s->f, node, "interrupts", &p) == 0 && fdt_prop_cells(&p, 0, 1, &v) == 0)
        return (uint32_t)v;
    /* <phandle irq ...>: the number follows the controller's phandle */
    if (fdt_get_prop(&s->f, node, "interrupts-extended", &p) == 0 && fdt_prop_cells(&p, 1, 1, &v) == 0)
        return (uint32_t)v;
    return 0;
}

static int devtree_uart_read(struct dt_scan *s, int node, int depth, enum dt_uart_kind kind,
                             const char *compat, struct dt_uart *u)
{
    uint64_t clk;
    int r;

    memset(u, 0, sizeof *u);
    u->reg_io_width = 1;
    r = devtree_reg(s, depth, 0, &u->base, &u->size);
    if (r == -ENOENT)
        devtree_note(s, "devtree: %s: UART without reg, skipped", s->path);
    if (r < 0)
        return r == -ENOENT ? -ENXIO : r;
    if (kind == DT_UART_NS16550) {
        r = devtree_u32(s, node, "reg-shift", &u->reg_shift);
        if (r == 0)
            r = devtree_u32(s, node, "reg-io-width", &u->reg_io_width);
        if (r < 0)
            return r;
    }
    u->irq = devtree_first_irq(s, node);
    r = fdt_read_number(&s->f, node, "clock-frequency", &clk);
    if (r == -EINVAL)
        return r;
    if (r == 0 && clk > UINT32_MAX)
        devtree_note(s, "devtree: %s: clock-frequency does not fit 32 bits, ignored", s->path);
    else if (r == 0)
        u->clock_hz = (uint32_t)clk;
    u->kind = kind;
    devtree_copy(u->compatible, sizeof u->compatible, compat);
    devtree_copy(u->path, sizeof u->path, s->path);
    if (strlen(s->path) >= sizeof u->path)
        devtree_note(s, "devtree: UART path %s truncated", s->path);
    return 0;
}

/* Keep the UART stdout-path names, and the first usable one as a fallback. */
static int devtree_uart(struct dt_scan *s, int node, int depth, enum dt_uart_kind kind, const char *compat)
{
    bool is_stdout = node == s->stdout_node;
    struct dt_uart *u = is_stdout ? &s->mi->uart : &s->fallback;
    int r;

    if (!is_stdout && s->have_fallback)
        return 0;
    if (!fdt_node_okay(&s->f, node)) {
        if (is_stdout)
            devtree_note(s, "devtree: stdout-path %s is disabled", s->path);
        return 0;
    }
    r = devtree_uart_read(s, node, depth, kind, compat, u);
    if (r == -ENXIO)
        memset(u, 0, sizeof *u);
    else if (r < 0)
        return r;
    else if (!is_stdout)
        s->have_fallback = true;
    return 0;
}

static int devtree_plic(struct dt_scan *s, int node, int depth)
{
    struct dt_plic *pl = &s->mi->plic;
    int r;

    if (s->plic_node >= 0 || !fdt_node_okay(&s->f, node))
        return 0;
    r = devtree_reg(s, depth, 0, &pl->base, &pl->size);
    if (r == -ENOENT)
        devtree_note(s, "devtree: %s: PLIC without reg, skipped", s->path);
    if (r == 0)
        r = devtree_u32(s, node, "riscv,ndev", &pl->ndev);
    if (r < 0) {
        memset(pl, 0, sizeof *pl);
        return r == -ENOENT || r == -ENXIO ? 0 : r;
    }
    pl->present = true;
    s->plic_node = node;
    return 0;
}

/* -- blk -- */
/* A virtio-mmio transport: its register window and interrupt. A node without a usable reg or
 * interrupt is noted and skipped (a driver could not use it), never fatal. */
static int devtree_virtio(struct dt_scan *s, int node, int depth)
{
    struct machine_info *mi = s->mi;
    struct dt_virtio v;
    int r;

    if (!fdt_node_okay(&s->f, node))
        return 0;
    if (mi->nvirtio >= DT_MAX_VIRTIO) {
        if (!s->virtio_full)
            devtree_note(s, "devtree: more than %d virtio-mmio nodes, ignoring %s and later ones",
                         DT_MAX_VIRTIO, s->path);
        s->virtio_full = true;
        return 0;
    }
    r = devtree_reg(s, depth, 0, &v.base, &v.size);
    if (r == -ENOENT || (r == 0 && v.size == 0)) {
        devtree_note(s, "devtree: %s: virtio-mmio without a register window, skipped", s->path);
        return 0;
    }
    if (r < 0)
        return r == -ENXIO ? 0 : r;
    v.irq = devtree_first_irq(s, node);
    if (v.irq == 0) {
        devtree_note(s, "devtree: %s: virtio-mmio without an interrupt, skipped", s->path);
        return 0;
    }
    mi->virtio[mi->nvirtio++] = v;
    return 0;
}
/* (end of blk) */

/* First supported UART compatible, in the node's own order (most specific first). */
static enum dt_uart_kind devtree_uart_kind(const struct fdt_prop *compat, const char **matched)
{
    const char *c;
    uint32_t pos = 0;
    size_t k;

    while (fdt_prop_next_string(compat, &pos, &c) == 0)
        for (k = 0; k < sizeof devtree_uarts / sizeof devtree_uarts[0]; k++)
            if (strcmp(c, devtree_uarts[k].compat) == 0) {
                *matched = c;
                return devtree_uarts[k].kind;
            }
    return DT_UART_NONE;
}

static int devtree_device(struct dt_scan *s, int node, int depth)
{
    struct fdt_prop compat;
    enum dt_uart_kind kind;
    const char *matched = "";
    int r;

    if (depth == 0)
        return 0;
    r = fdt_get_prop(&s->f, node, "compatible", &compat);
    if (r < 0)
        return r == -ENOENT ? 0 : r;
    kind = devtree_uart_kind(&compat, &matched);
    if (kind != DT_UART_NONE)
        return devtree_uart(s, node, depth, kind, matched);
    if (fdt_prop_has_string(&compat, "riscv,plic0") || fdt_prop_has_string(&compat, "sifive,plic-1.0.0"))
        return devtree_plic(s, node, depth);
    if (fdt_prop_has_string(&compat, "virtio,mmio"))
        return devtree_virtio(s, node, depth);
    if (fdt_prop_has_string(&compat, "google,goldfish-rtc") && !s->mi->has_rtc && fdt_node_okay(&s->f, node)) {
        uint64_t size;
        s->mi->has_rtc = devtree_reg(s, depth, 0, &s->mi->rtc_base, &size) == 0;
    }
    return 0;
}

/* ---- the walk ---- */

static void devtree_path_push(struct dt_scan *s, int depth, const char *name)
{
    size_t at = depth > 0 ? s->lv[depth - 1].pathlen : 0;

    if (depth == 0) {
        devtree_copy(s->path, sizeof s->path, "/");
        s->lv[0].pathlen = 0;
        return;
    }
    s->path[at] = '\0';
    if (at + 1 < sizeof s->path) {
        s->path[at] = '/';
        devtree_copy(s->path + at + 1, sizeof s->path - at - 1, name);
    }
    s->lv[depth].pathlen = strlen(s->path);
}

static int devtree_visit(struct dt_scan *s, int node, int depth)
{
    const char *top = depth >= 1 ? fdt_node_name(&s->f, s->lv[1].node) : "";
    struct machine_info *mi = s->mi;
    int r = 0;

    if (depth == 1 && devtree_prop_is(s, node, "device_type", "memory"))
        r = devtree_ranges(s, depth, mi->mem, &mi->nmem, DT_MAX_MEM);
    else if (depth == 1 && strcmp(top, "cpus") == 0)
        r = devtree_timebase(s, node);
    else if (depth == 2 && strcmp(top, "reserved-memory") == 0)
        r = devtree_ranges(s, depth, mi->reserved, &mi->nreserved, DT_MAX_RESV);
    else if (depth == 2 && strcmp(top, "cpus") == 0)
        r = devtree_hart(s, node, depth);
    else if (depth == 3 && strcmp(top, "cpus") == 0)
        devtree_hart_intc(s, node);
    return r < 0 ? r : devtree_device(s, node, depth);
}

static int devtree_enter(struct dt_scan *s, int node, int depth)
{
    struct dt_level *lv;
    int r;

    if (depth < 0 || depth > FDT_MAX_DEPTH)
        return fdt_error(&s->f, "devtree: node depth %d out of range", depth);
    lv = &s->lv[depth];
    lv->node = node;
    devtree_path_push(s, depth, fdt_node_name(&s->f, node));
    r = devtree_cells(s, node, "#address-cells", 2, &lv->ac);
    if (r == 0)
        r = devtree_cells(s, node, "#size-cells", 1, &lv->sc);
    return r < 0 ? r : devtree_visit(s, node, depth);
}

static int devtree_walk(struct dt_scan *s)
{
    int node = s->f.root, depth = 0;
    int r = devtree_enter(s, node, 0);

    while (r == 0) {
        node = fdt_next_node(&s->f, node, &depth);
        if (node == -ENOENT)
            return 0;
        r = node < 0 ? node : devtree_enter(s, node, depth);
    }
    return r;
}

/* ---- after the walk ---- */

static int devtree_hart_by_intc(const struct dt_scan *s, uint32_t phandle)
{
    int i;

    for (i = 0; i < s->mi->nharts; i++)
        if (phandle && s->intc_phandle[i] == phandle)
            return i;
    return -1;
}

/* interrupts-extended lists one <phandle irq> specifier per PLIC context, in order;
 * a specifier's width is its target's #interrupt-cells plus the phandle. */
static int devtree_plic_contexts(struct dt_scan *s)
{
    uint32_t ncells, pos, ctx, icells = 0, ph;
    struct fdt_prop p;
    int r, h, ic;

    if (s->plic_node < 0)
        return 0;
    r = fdt_get_prop(&s->f, s->plic_node, "interrupts-extended", &p);
    if (r == -ENOENT)
        devtree_note(s, "devtree: PLIC has no interrupts-extended, no S-mode contexts known");
    if (r < 0)
        return r == -ENOENT ? 0 : r;
    if (p.len % 4)
        return fdt_error(&s->f, "devtree: PLIC interrupts-extended is %u bytes, not whole cells", p.len);
    ncells = p.len / 4;
    for (pos = 0, ctx = 0; pos < ncells; pos += 1 + icells, ctx++) {
        ph = fdt_be32(p.data + 4 * pos);
        h = devtree_hart_by_intc(s, ph);
        ic = h >= 0 ? s->intc_node[h] : fdt_find_phandle(&s->f, ph);
        if (ic < 0) {
            devtree_note(s, "devtree: PLIC context %u names unknown phandle 0x%x, later contexts ignored", ctx, ph);
            return 0;
        }
        icells = 1;
        r = devtree_u32(s, ic, "#interrupt-cells", &icells);
        if (r < 0)
            return r;
        if (icells > ncells - pos - 1) {
            devtree_note(s, "devtree: PLIC interrupts-extended truncated at context %u", ctx);
            return 0;
        }
        if (h >= 0 && icells >= 1 && fdt_be32(p.data + 4 * (pos + 1)) == DT_IRQ_S_EXT &&
            s->mi->harts[h].plic_s_context < 0)
            s->mi->harts[h].plic_s_context = (int)ctx;
    }
    return 0;
}

static void devtree_pick_console(struct dt_scan *s)
{
    struct machine_info *mi = s->mi;

    if (mi->uart.kind != DT_UART_NONE)
        return;
    if (s->stdout_node >= 0)
        devtree_note(s, "devtree: stdout-path '%s' is not a usable UART, using the first one", mi->stdout_path);
    if (s->have_fallback)
        mi->uart = s->fallback;
    else
        devtree_note(s, "devtree: no supported UART found");
}

static int devtree_initrd(struct dt_scan *s, int node)
{
    struct machine_info *mi = s->mi;
    uint64_t start, end;
    int rs = fdt_read_number(&s->f, node, "linux,initrd-start", &start);
    int re = fdt_read_number(&s->f, node, "linux,initrd-end", &end);

    if (rs == -EINVAL || re == -EINVAL)
        return -EINVAL;
    if (rs == -ENOENT && re == -ENOENT)
        return 0;
    if (rs || re) {
        devtree_note(s, "devtree: /chosen has only one of linux,initrd-start/-end, ignored");
        return 0;
    }
    if (end < start) {
        devtree_note(s, "devtree: initrd end 0x%llx is below its start 0x%llx, ignored",
                     (unsigned long long)end, (unsigned long long)start);
        return 0;
    }
    mi->has_initrd = true;
    mi->initrd_start = start;
    mi->initrd_end = end;
    return 0;
}

static int devtree_chosen(struct dt_scan *s)
{
    struct machine_info *mi = s->mi;
    int node = fdt_find_node(&s->f, "/chosen", 7), r;
    const char *v;
    size_t n;

    if (node < 0)
        return node == -ENOENT ? 0 : node;
    r = devtree_str(s, node, "bootargs", &v);
    if (r < 0)
        return r;
    if (v && strlen(v) >= sizeof mi->bootargs)
        devtree_note(s, "devtree: bootargs truncated to %zu bytes", sizeof mi->bootargs - 1);
    if (v)
        devtree_copy(mi->bootargs, sizeof mi->bootargs, v);
    r = devtree_str(s, node, "stdout-path", &v);
    if (r < 0)
        return r;
    if (v) {
        devtree_copy(mi->stdout_path, sizeof mi->stdout_path, v);
        for (n = 0; v[n] && v[n] != ':'; n++)   /* ":115200n8" options are the driver's */
            ;
        s->stdout_node = fdt_find_node(&s->f, v, n);
        if (s->stdout_node < 0) {
            devtree_note(s, "devtree: stdout-path '%s' not found", v);
            s->stdout_node = -1;
        }
    }
    return devtree_initrd(s, node);
}

static int devtree_header_info(struct dt_scan *s)
{
    const char *model;
    uint64_t base, size;
    int i, r;

    s->mi->dtb_size = s->f.totalsize;
    for (i = 0; fdt_memrsv(&s->f, i, &base, &size) == 0; i++)
        devtree_add_range(s, s->mi->reserved, &s->mi->nreserved, DT_MAX_RESV, base, size, "the memreserve block");
    r = devtree_str(s, s->f.root, "model", &model);
    if (r == 0 && model)
        devtree_copy(s->mi->model, sizeof s->mi->model, model);
    return r;
}

int devtree_scan(const void *blob, size_t maxlen, struct machine_info *mi, char *err, size_t errlen)
{
    struct dt_scan s;
    int r;

    memset(mi, 0, sizeof *mi);
    memset(&s, 0, sizeof s);
    s.mi = mi;
    s.notes = err && errlen ? err : NULL;
    s.noteslen = errlen;
    if (s.notes)
        s.notes[0] = '\0';
    s.stdout_node = s.plic_node = s.cur_hart = -1;
    r = fdt_open(&s.f, blob, maxlen);
    if (r == 0)
        r = devtree_header_info(&s);
    if (r == 0)
        r = devtree_chosen(&s);
    if (r == 0)
        r = devtree_walk(&s);
    if (r == 0)
        r = devtree_plic_contexts(&s);
    if (r < 0) {
        if (!s.f.err[0])
            fdt_error(&s.f, "devtree: internal error %d", r);
        if (s.notes)
            devtree_copy(s.notes, s.noteslen, s.f.err);
        memset(mi, 0, sizeof *mi);
        return -EINVAL;
    }
    devtree_pick_console(&s);
    if (mi->nmem == 0)
        devtree_note(&s, "devtree: no memory node found");
    return 0;
}

const struct dt_hart *devtree_boot_hart(const struct machine_info *mi, uint32_t hartid)
{
    int i;

    for (i = 0; i < mi->nharts && i < DT_MAX_HARTS; i++)
        if (mi->harts[i].hartid == hartid)
            return &mi->harts[i];
    return NULL;
}
