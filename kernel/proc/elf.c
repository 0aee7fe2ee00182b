/* Validating ELF64 parser: every header field from the (untrusted) file is checked
 * before use, fields are read byte by byte, so any alignment or length is safe. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/errno.h"
#include "lib/kstring.h"
#include "proc/elf.h"

#define PAGE 4096u
#define EHDR_SIZE 64u
#define PHDR_SIZE 56u
#define MAX_PHNUM 64u

/* Offsets into the ELF header (Elf64_Ehdr). */
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define EH_TYPE 16
#define EH_MACHINE 18
#define EH_VERSION 20
#define EH_ENTRY 24
#define EH_PHOFF 32
#define EH_PHENTSIZE 54
#define EH_PHNUM 56

#define CLASS64 2
#define DATA_LSB 1
#define VERSION_CURRENT 1
#define MACHINE_RISCV 243
#define TYPE_EXEC 2
#define TYPE_DYN 3

#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define PT_TLS 7
#define PT_GNU_STACK 0x6474e551u

#define PF_X 1u
#define PF_W 2u
#define PF_R 4u

struct elf_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz, align;
};

static uint64_t elf_rd(const uint8_t *p, unsigned nbytes)
{
    uint64_t v = 0;

    while (nbytes-- > 0)
        v = (v << 8) | p[nbytes];
    return v;
}

static bool elf_is_pow2(uint64_t v)
{
    return (v & (v - 1)) == 0;
}

/* [off, off+n) inside a file of len bytes, written so nothing can wrap. */
static bool elf_in_file(uint64_t off, uint64_t n, size_t len)
{
    return off <= len && n <= len - off;
}

static uint64_t elf_page_down(uint64_t v)
{
    return v & ~(uint64_t)(PAGE - 1);
}

static int elf_check_ident(const uint8_t *f, size_t len, bool *dyn)
{
    if (len < EHDR_SIZE)
        return -ENOEXEC;
    if (f[0] != 0x7f || f[1] != 'E' || f[2] != 'L' || f[3] != 'F')
        return -ENOEXEC;
    if (f[EI_CLASS] != CLASS64 || f[EI_DATA] != DATA_LSB || f[EI_VERSION] != VERSION_CURRENT)
        return -ENOEXEC;
    if (elf_rd(f + EH_VERSION, 4) != VERSION_CURRENT || elf_rd(f + EH_MACHINE, 2) != MACHINE_RISCV)
        return -ENOEXEC;
    uint64_t type = elf_rd(f + EH_TYPE, 2);
    if (type != TYPE_EXEC && type != TYPE_DYN)
        return -ENOEXEC;
    *dyn = type == TYPE_DYN;
    return 0;
}

static int elf_check_phtab(const uint8_t *f, size_t len, struct elf_image *img, uint64_t *phoff)
{
    img->phentsize = (uint16_t)elf_rd(f + EH_PHENTSIZE, 2);
    img->phnum = (uint16_t)elf_rd(f + EH_PHNUM, 2);
    *phoff = elf_rd(f + EH_PHOFF, 8);
    if (img->phentsize != PHDR_SIZE || img->phnum == 0 || img->phnum > MAX_PHNUM)
        return -EINVAL;
    /* The table may not overlap the ELF header it is described by. */
    if (*phoff < EHDR_SIZE || !elf_in_file(*phoff, (uint64_t)img->phnum * PHDR_SIZE, len))
        return -EINVAL;
    return 0;
}

static void elf_get_phdr(const uint8_t *f, uint64_t phoff, unsigned i, struct elf_phdr *ph)
{
    const uint8_t *p = f + phoff + (uint64_t)i * PHDR_SIZE;

    ph->type = (uint32_t)elf_rd(p, 4);
    ph->flags = (uint32_t)elf_rd(p + 4, 4);
    ph->offset = elf_rd(p + 8, 8);
    ph->vaddr = elf_rd(p + 16, 8);
    ph->filesz = elf_rd(p + 32, 8);
    ph->memsz = elf_rd(p + 40, 8);
    ph->align = elf_rd(p + 48, 8);
}

static unsigned elf_prot(uint32_t flags)
{
    return ((flags & PF_R) ? ELF_PROT_R : 0) | ((flags & PF_W) ? ELF_PROT_W : 0) |
           ((flags & PF_X) ? ELF_PROT_X : 0);
}

/* Checks on one PT_LOAD that do not depend on the other segments. */
static int elf_check_load(const struct elf_phdr *ph, size_t len, bool dyn)
{
    if (ph->filesz > ph->memsz || !elf_in_file(ph->offset, ph->filesz, len))
        return -EINVAL;
    /* The end must also survive rounding up to a page. */
    if (ph->vaddr > UINT64_MAX - (PAGE - 1) || ph->memsz > UINT64_MAX - (PAGE - 1) - ph->vaddr)
        return -EINVAL;
    /* p_align is a hint (Linux ignores values that are not powers of two). */
    /* File pages are mapped or copied page by page, so the page offsets must agree. */
    if (((ph->vaddr - ph->offset) & (PAGE - 1)) != 0)
        return -EINVAL;
    /* Writable and executable at once is allowed, as on Linux: W^X is the kernel's rule
     * for its own mappings, and binaries linked with -N (omagic) have one RWX segment. */
    /* Keep the NULL page unmapped so null dereferences fault. */
    if (!dyn && ph->vaddr < PAGE)
        return -EINVAL;
    return 0;
}

static int elf_add_load(struct elf_image *img, const struct elf_phdr *ph, size_t len)
{
    int err = elf_check_load(ph, len, img->dyn);

    if (err < 0)
        return err;
    if (ph->memsz == 0)
        return 0;       /* maps nothing, as Linux skips it */
    if (img->nseg == ELF_MAX_SEGMENTS)
        return -EINVAL;
    /* Requiring ascending, disjoint byte ranges rules out overlap in one comparison;
     * two segments may still share a page (exec merges their rights on it). */
    if (img->nseg > 0) {
        const struct elf_segment *prev = &img->seg[img->nseg - 1];
        if (ph->vaddr < prev->vaddr + prev->memsz)
            return -EINVAL;
    }
    struct elf_segment *s = &img->seg[img->nseg++];
    s->vaddr = ph->vaddr;
    s->memsz = ph->memsz;
    s->filesz = ph->filesz;
    s->offset = ph->offset;
    s->prot = elf_prot(ph->flags);
    return 0;
}

static int elf_add_tls(struct elf_image *img, const struct elf_phdr *ph)
{
    if (img->has_tls || ph->filesz > ph->memsz || !elf_is_pow2(ph->align) ||
        ph->memsz > UINT64_MAX - ph->vaddr)
        return -EINVAL;
    img->has_tls = true;
    img->tls_vaddr = ph->vaddr;
    img->tls_memsz = ph->memsz;
    img->tls_filesz = ph->filesz;
    img->tls_align = ph->align;
    return 0;
}

static int elf_add_phdr(const struct elf_phdr *ph, bool *seen, uint64_t *vaddr)
{
    if (*seen)
        return -EINVAL;
    *seen = true;
    *vaddr = ph->vaddr;
    return 0;
}

/* Dispatch one program header; types the kernel ignores are accepted as-is. */
static int elf_add_phdr_entry(struct elf_image *img, const struct elf_phdr *ph, size_t len,
                              bool *phdr_seen, uint64_t *phdr_vaddr)
{
    switch (ph->type) {
    case PT_LOAD:
        return elf_add_load(img, ph, len);
    case PT_TLS:
        return elf_add_tls(img, ph);
    case PT_PHDR:
        return elf_add_phdr(ph, phdr_seen, phdr_vaddr);
    case PT_GNU_STACK:
        img->stack_exec = (ph->flags & PF_X) != 0;
        return 0;
    default:
        return 0;
    }
}

/* The first PT_INTERP names the dynamic linker (later ones are ignored, as on Linux).
 * Its size is checked before its bytes, so an absurd p_filesz is -ENOEXEC even when it
 * also runs off the file. */
static int elf_find_interp(const uint8_t *f, size_t len, uint64_t phoff, struct elf_image *img)
{
    for (unsigned i = 0; i < img->phnum; i++) {
        struct elf_phdr ph;
        elf_get_phdr(f, phoff, i, &ph);
        if (ph.type != PT_INTERP)
            continue;
        if (ph.filesz < 2 || ph.filesz > ELF_INTERP_MAX)
            return -ENOEXEC;
        if (!elf_in_file(ph.offset, ph.filesz, len))
            return -EIO;
        if (f[ph.offset + ph.filesz - 1] != 0)
            return -ENOEXEC;
        img->interp_off = ph.offset;
        img->interp_len = ph.filesz;
        return 0;
    }
    return 0;
}

static int elf_check_span(struct elf_image *img, uint64_t user_top)
{
    uint64_t lo = UINT64_MAX, end = 0;

    for (int i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];
        if (s->vaddr < lo)
            lo = s->vaddr;
        if (s->vaddr + s->memsz > end)
            end = s->vaddr + s->memsz;
    }
    img->lo = elf_page_down(lo);
    img->hi = elf_page_down(end + (PAGE - 1));   /* cannot wrap: checked per segment */
    if (img->dyn)
        return img->hi - img->lo > user_top ? -EINVAL : 0;
    return img->hi > user_top ? -EINVAL : 0;
}

/* Segment fully containing the virtual range [va, va+n), or NULL. */
static const struct elf_segment *elf_seg_covering(const struct elf_image *img, uint64_t va,
                                                  uint64_t n)
{
    for (int i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];
        if (va >= s->vaddr && va - s->vaddr <= s->memsz && n <= s->memsz - (va - s->vaddr))
            return s;
    }
    return NULL;
}

static int elf_check_entry(const struct elf_image *img)
{
    const struct elf_segment *s = elf_seg_covering(img, img->entry, 1);

    return (s != NULL && (s->prot & ELF_PROT_X)) ? 0 : -EINVAL;
}

/* AT_PHDR: an explicit PT_PHDR must lie inside a load segment; otherwise look for
 * a segment whose file bytes include the table (static glibc has no PT_PHDR). */
static int elf_locate_phdrs(struct elf_image *img, uint64_t phoff, bool phdr_seen,
                            uint64_t phdr_vaddr)
{
    uint64_t size = (uint64_t)img->phnum * PHDR_SIZE;

    if (phdr_seen) {
        if (elf_seg_covering(img, phdr_vaddr, size) == NULL)
            return -EINVAL;
        img->phdr_vaddr = phdr_vaddr;
        return 0;
    }
    for (int i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];
        if (phoff >= s->offset && phoff - s->offset <= s->filesz &&
            size <= s->filesz - (phoff - s->offset)) {
            img->phdr_vaddr = s->vaddr + (phoff - s->offset);
            return 0;
        }
    }
    img->phdr_vaddr = 0;
    return 0;
}

static int elf_scan_phdrs(const uint8_t *f, size_t len, uint64_t phoff, struct elf_image *img)
{
    bool phdr_seen = false;
    uint64_t phdr_vaddr = 0;

    for (unsigned i = 0; i < img->phnum; i++) {
        struct elf_phdr ph;
        elf_get_phdr(f, phoff, i, &ph);
        int err = elf_add_phdr_entry(img, &ph, len, &phdr_seen, &phdr_vaddr);
        if (err < 0)
            return err;
    }
    if (img->nseg == 0)
        return -EINVAL;
    return elf_locate_phdrs(img, phoff, phdr_seen, phdr_vaddr);
}

static int elf_parse_checked(const uint8_t *f, size_t len, uint64_t user_top,
                             struct elf_image *img)
{
    uint64_t phoff;
    int err;

    err = elf_check_ident(f, len, &img->dyn);
    if (err < 0)
        return err;
    err = elf_check_phtab(f, len, img, &phoff);
    if (err < 0)
        return err;
    err = elf_find_interp(f, len, phoff, img);
    if (err < 0)
        return err;
    err = elf_scan_phdrs(f, len, phoff, img);
    if (err < 0)
        return err;
    err = elf_check_span(img, user_top);
    if (err < 0)
        return err;
    img->entry = elf_rd(f + EH_ENTRY, 8);
    return elf_check_entry(img);
}

int elf_parse(const void *file, size_t len, uint64_t user_top, struct elf_image *img)
{
    memset(img, 0, sizeof(*img));
    int err = elf_parse_checked(file, len, user_top, img);
    /* Never hand a half-validated description to a careless caller. */
    if (err < 0)
        memset(img, 0, sizeof(*img));
    return err;
}

int elf_read(const void *file, size_t len, uint64_t off, void *dst, size_t n)
{
    if (!elf_in_file(off, n, len))
        return -EINVAL;
    memcpy(dst, (const uint8_t *)file + off, n);
    return 0;
}
