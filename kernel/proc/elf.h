/* Validating parser for RV64 little-endian ELF executables (static, PIE, or naming an
 * interpreter): turns an untrusted file image into a checked list of segments for exec. */
#ifndef PROC_ELF_H
#define PROC_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 16
#define ELF_PROT_R 1
#define ELF_PROT_W 2
#define ELF_PROT_X 4
#define ELF_INTERP_MAX 4096  /* PATH_MAX: the longest PT_INTERP, its NUL included */

struct elf_segment {
    uint64_t vaddr;     /* p_vaddr (add the load bias for ET_DYN) */
    uint64_t memsz, filesz, offset;
    unsigned prot;      /* ELF_PROT_* from p_flags */
};

/* All addresses are link-time values; for ET_DYN the caller adds its load bias. */
struct elf_image {
    bool dyn;                 /* ET_DYN (static-PIE): caller picks a page-aligned load bias */
    uint64_t entry;           /* e_entry (add bias for ET_DYN) */
    uint64_t phdr_vaddr;      /* program headers in memory (AT_PHDR), from PT_PHDR or the
                                 PT_LOAD covering e_phoff; 0 if not mapped */
    uint16_t phnum, phentsize;
    uint64_t lo, hi;          /* page-aligned span of all PT_LOAD segments: [lo, hi) */
    struct elf_segment seg[ELF_MAX_SEGMENTS];
    int nseg;                 /* PT_LOAD only, in file order (= ascending vaddr) */
    bool stack_exec;          /* PT_GNU_STACK with PF_X; false when absent */
    bool has_tls;             /* PT_TLS present (glibc sets TLS up itself) */
    uint64_t tls_vaddr, tls_memsz, tls_filesz, tls_align;
    uint64_t interp_off;      /* PT_INTERP: the interpreter's path, interp_len bytes at this */
    uint64_t interp_len;      /* file offset, its NUL last; interp_len == 0 means no PT_INTERP */
};

/* Validate an ELF file of len bytes whose user half ends at user_top (exclusive).
 * Returns 0 and fills *img, -ENOEXEC when the file is not an RV64 LE executable (bad
 * magic, class, data, version, machine, e_type not ET_EXEC/ET_DYN, too short for an ELF
 * header) or its first PT_INTERP is shorter than 2 or longer than ELF_INTERP_MAX bytes
 * or does not end in NUL, -EIO when that PT_INTERP leaves the file, or -EINVAL when the
 * layout is unsafe (see docs/elf-and-initramfs.md for the full list). */
int elf_parse(const void *file, size_t len, uint64_t user_top, struct elf_image *img);

/* Copy n bytes at file offset off of an ELF file of len bytes into dst (helper for
 * loaders copying segment data). Returns 0, or -EINVAL if the range leaves the file. */
int elf_read(const void *file, size_t len, uint64_t off, void *dst, size_t n);

#endif
