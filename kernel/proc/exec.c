/* exec: map PT_LOAD segments (file bytes copied, the rest demand-zero) of the program and,
 * when it names one in PT_INTERP, of its dynamic linker; set up the stack region and lay out
 * argc, argv, envp and the auxiliary vector as the Linux ELF ABI does. */
#include "proc/exec.h"
#include "fs/mount.h"
#include "proc/thread.h"
#include "proc/proc.h"
#include "proc/elf.h"
#include "proc/sched.h"
#include "proc/itimer.h"
#include "mm/vm.h"
#include "fs/vfs.h"
#include "fs/fdtable.h"
#include "mm/kvm.h"
#include "mm/kmalloc.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "lib/random.h"
#include "arch.h"
#include "proc/signal.h"
#include "dev/console.h"

#define AT_NULL    0
#define AT_PHDR    3
#define AT_PHENT   4
#define AT_PHNUM   5
#define AT_PAGESZ  6
#define AT_BASE    7
#define AT_FLAGS   8
#define AT_ENTRY   9
#define AT_UID     11
#define AT_EUID    12
#define AT_GID     13
#define AT_EGID    14
#define AT_PLATFORM 15
#define AT_HWCAP   16
#define AT_CLKTCK  17
#define AT_SECURE  23
#define AT_RANDOM  25
#define AT_EXECFN  31

/* AT_HWCAP: one bit per single-letter extension, 'a' = bit 0 (rv64imafdc). */
#define HWCAP_ISA(c) (1UL << ((c) - 'a'))
#define EXEC_HWCAP (HWCAP_ISA('i') | HWCAP_ISA('m') | HWCAP_ISA('a') | HWCAP_ISA('f') | \
                    HWCAP_ISA('d') | HWCAP_ISA('c'))

static unsigned exec_prot(unsigned elf_prot)
{
    return ((elf_prot & ELF_PROT_R) ? VM_READ : 0) | ((elf_prot & ELF_PROT_W) ? VM_WRITE : 0) |
           ((elf_prot & ELF_PROT_X) ? VM_EXEC : 0);
}

static const uint8_t exec_zeros[PAGE_SIZE];

/* One segment from the page cache of ino: whole file pages are the cache's own, mapped
 * copy-on-write; a last page holding both file bytes and .bss is copied (the rest of that
 * page must read as zero); pages after it are demand-zero. first is where the segment's
 * region starts (after a page it shares with the previous segment, filled by the caller). */
static int exec_map_cached(struct mm *mm, const uint8_t *file, const struct elf_segment *s, uint64_t bias,
                           uint64_t first, uint64_t end, unsigned prot, struct inode *ino)
{
    uint64_t vstart = s->vaddr + bias, fend = vstart + s->filesz;
    uint64_t seg_page = vstart & ~(PAGE_SIZE - 1);
    uint64_t pgoff = (s->offset & ~(PAGE_SIZE - 1)) / PAGE_SIZE + (first - seg_page) / PAGE_SIZE;
    uint64_t file_end = s->memsz > s->filesz ? (fend & ~(PAGE_SIZE - 1)) : end;
    if (first >= end)
        return 0;
    if (vm_area_add_file(mm, first, end, prot, 0, ino, pgoff, file_end))
        return -ENOEXEC;
    uint64_t tail = fend & ~(PAGE_SIZE - 1);
    if (s->memsz > s->filesz && tail >= first && tail < fend &&
        vm_fill(mm, tail, file + s->offset + (tail - vstart), fend - tail))
        return -ENOMEM;
    return 0;
}

/* Segments are ascending and byte-disjoint but may share a page: the shared page gets the
 * union of both segments' rights (as Linux, whose second mapping covers it) and a private
 * copy holding both segments' bytes. With ino (a file kept in the page cache) segments map
 * the cache's pages instead of copies. */
static int exec_map_segments(struct mm *mm, const uint8_t *file, const struct elf_image *img, uint64_t bias,
                             struct inode *ino)
{
    uint64_t prev_end = 0;
    unsigned prev_prot = 0;
    bool wx = false;
    if (ino && !(ino->iops && ino->iops->readpage))
        ino = NULL;
    for (int i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];
        uint64_t vstart = s->vaddr + bias;
        uint64_t start = vstart & ~(PAGE_SIZE - 1);
        uint64_t end = (vstart + s->memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        unsigned prot = exec_prot(s->prot);
        wx |= (prot & VM_WRITE) && (prot & VM_EXEC);
        uint64_t first = start;
        if (start < prev_end) {
            if (vm_protect(mm, start, prev_end, prot | prev_prot))
                return -ENOMEM;
            first = prev_end;
            /* This segment's part of the shared page: its file bytes, then zeros. */
            uint64_t in = prev_end - vstart, nfile = s->filesz < in ? s->filesz : in;
            uint64_t nzero = (s->memsz < in ? s->memsz : in) - nfile;
            if ((nfile && vm_fill(mm, vstart, file + s->offset, nfile)) ||
                (nzero && vm_fill(mm, vstart + nfile, exec_zeros, nzero)))
                return -ENOMEM;
        }
        if (ino && s->filesz) {
            int err = exec_map_cached(mm, file, s, bias, first, end, prot, ino);
            if (err)
                return err;
        } else {
            if (first < end && vm_area_add(mm, first, end, prot, 0))
                return -ENOEXEC;
            uint64_t skip = first > vstart ? first - vstart : 0;
            if (s->filesz > skip && vm_fill(mm, vstart + skip, file + s->offset + skip, s->filesz - skip))
                return -ENOMEM;
        }
        prev_end = end;
        prev_prot = prot;
    }
    if (wx)
        kprintf("exec: pid %d: a segment is writable and executable\n", current() ? current()->pid : 0);
    return 0;
}

struct stack_builder {
    struct mm *mm;
    uint64_t sp;
    int err;
};

static uint64_t stack_push_bytes(struct stack_builder *sb, const void *data, size_t len)
{
    sb->sp -= len;
    if (!sb->err && vm_fill(sb->mm, sb->sp, data, len))
        sb->err = -ENOMEM;
    return sb->sp;
}

static size_t exec_count(const char *const v[], size_t *bytes)
{
    size_t n = 0;
    for (; v && v[n]; n++)
        *bytes += strlen(v[n]) + 1;
    return n;
}

/* Strings first (highest), then the 16-byte-aligned vector: argc, argv[], 0, envp[], 0, auxv. */
static int exec_build_stack(struct mm *mm, const char *path, const char *const argv[],
                            const char *const envp[], const struct elf_image *img, uint64_t bias,
                            uint64_t interp_base, uint64_t *sp_out)
{
    size_t bytes = strlen(path) + 1;
    size_t argc = exec_count(argv, &bytes), envc = exec_count(envp, &bytes);
    if (bytes > EXEC_ARG_MAX || argc + envc > EXEC_ARGC_MAX)
        return -E2BIG;
    struct stack_builder sb = { mm, mm->stack_top, 0 };
    uint64_t execfn = stack_push_bytes(&sb, path, strlen(path) + 1);
    uint64_t platform = stack_push_bytes(&sb, "riscv64", 8);
    uint8_t rnd[16];
    random_bytes(rnd, sizeof rnd);
    uint64_t random = stack_push_bytes(&sb, rnd, sizeof rnd);
    uint64_t ptrs[2 * 64];  /* strings are pushed in batches so the pointer array stays small */
    uint64_t auxv[] = {
        AT_PHDR, img->phdr_vaddr ? img->phdr_vaddr + bias : 0, AT_PHENT, img->phentsize,
        AT_PHNUM, img->phnum, AT_PAGESZ, PAGE_SIZE, AT_BASE, interp_base, AT_FLAGS, 0,
        AT_ENTRY, img->entry + bias, AT_UID, 0, AT_EUID, 0, AT_GID, 0, AT_EGID, 0,
        AT_SECURE, 0, AT_RANDOM, random, AT_HWCAP, EXEC_HWCAP, AT_CLKTCK, sched_hz(),
        AT_PLATFORM, platform, AT_EXECFN, execfn, AT_NULL, 0 };
    size_t words = 1 + argc + 1 + envc + 1 + sizeof auxv / 8;
    /* Reserve the vector's space below the strings, then fill it from the bottom up. */
    uint64_t strings_end = sb.sp;
    uint64_t vec = (strings_end - bytes + strlen(path) + 1 - words * 8 - 8) & ~15UL;
    if (vec < mm->stack_top - USER_STACK_SIZE + PAGE_SIZE)
        return -E2BIG;
    uint64_t w = vec;
    uint64_t argc64 = argc;
    int err = vm_fill(mm, w, &argc64, 8);
    w += 8;
    const char *const *lists[2] = { argv, envp };
    size_t counts[2] = { argc, envc };
    for (int l = 0; l < 2 && !err; l++) {
        for (size_t i = 0; i < counts[l] && !err; i += 64) {
            size_t batch = counts[l] - i < 64 ? counts[l] - i : 64;
            for (size_t j = 0; j < batch; j++)
                ptrs[j] = stack_push_bytes(&sb, lists[l][i + j], strlen(lists[l][i + j]) + 1);
            err = vm_fill(mm, w, ptrs, batch * 8);
            w += batch * 8;
        }
        uint64_t zero = 0;
        if (!err)
            err = vm_fill(mm, w, &zero, 8);
        w += 8;
    }
    if (!err)
        err = vm_fill(mm, w, auxv, sizeof auxv);
    if (err || sb.err)
        return -ENOMEM;
    *sp_out = vec;
    return 0;
}

static void exec_set_name(struct proc *p, const char *path)
{
    const char *base = path;
    for (const char *s = path; *s; s++)
        if (*s == '/' && s[1])
            base = s + 1;
    kstrlcpy(p->name, base, sizeof p->name);
}

/* /proc/<pid>/cmdline: the arguments separated by NULs, truncated to fit. */
static void exec_record(struct proc *p, const char *path, const char *const argv[])
{
    kstrlcpy(p->exe, path, sizeof p->exe);
    size_t n = 0;
    for (size_t i = 0; argv && argv[i] && n < sizeof p->cmdline; i++) {
        size_t len = strlen(argv[i]) + 1;
        if (len > sizeof p->cmdline - n)
            len = sizeof p->cmdline - n;
        memcpy(p->cmdline + n, argv[i], len);
        n += len;
    }
    p->cmdline_len = (uint32_t)n;
}

/* On success *ino_out holds a reference (the segments map its page cache). */
static int exec_open(const char *path, const void **file, size_t *size, bool *owned,
                     struct inode **ino_out)
{
    struct inode *ino;
    int err = vfs_lookup(NULL, path, LOOKUP_FOLLOW, &ino);
    if (err)
        return err;
    if (S_ISDIR(ino->mode) || !S_ISREG(ino->mode) || !(ino->mode & 0111) || mount_noexec(ino))
        err = -EACCES;
    else
        err = vfs_read_all(ino, file, size, owned);
    if (err)
        inode_put(ino);
    else
        *ino_out = ino;
    return err;
}

/* The dynamic linker a program names in PT_INTERP, opened, checked and placed. */
struct exec_interp {
    const void *file;
    size_t size;
    bool owned;
    struct inode *ino;          /* referenced: its segments map the page cache */
    struct elf_image img;
    uint64_t bias;              /* the load bias; AT_BASE */
};

static void exec_interp_close(struct exec_interp *in)
{
    if (!in)
        return;
    if (in->owned)
        kvm_free((void *)in->file);
    inode_put(in->ino);
    kfree(in);
}

/* Open and validate the interpreter whose NUL-terminated path elf_parse found inside the
 * program's file. As on Linux: a missing file is the lookup's error (ENOENT, ENOTDIR...), a
 * directory or a file without x is EACCES, a file shorter than an ELF header is EIO and any
 * other file the loader could not run is ELIBBAD. The interpreter's own PT_INTERP is
 * ignored (Linux does not chain interpreters). */
static int exec_interp_open(const void *file, const struct elf_image *img, struct exec_interp **out)
{
    const char *path = (const char *)file + img->interp_off;
    struct exec_interp *in = kmalloc(sizeof *in);
    if (!in)
        return -ENOMEM;
    int err = exec_open(path, &in->file, &in->size, &in->owned, &in->ino);
    if (err) {
        kfree(in);
        return err;
    }
    err = in->size < 64 ? -EIO : elf_parse(in->file, in->size, USER_TOP, &in->img) ? -ELIBBAD : 0;
    if (err) {
        exec_interp_close(in);
        return err;
    }
    *out = in;
    return 0;
}

/* Map the interpreter: an ET_DYN one goes at the top of the mmap area (the libraries it
 * loads go below it), an ET_EXEC one at its link address. */
static int exec_interp_map(struct mm *mm, struct exec_interp *in)
{
    in->bias = 0;
    if (in->img.dyn) {
        uint64_t base = vm_find_gap(mm, in->img.hi - in->img.lo, mm->mmap_top);
        if (!base)
            return -ENOMEM;
        in->bias = base - in->img.lo;
    }
    return exec_map_segments(mm, in->file, &in->img, in->bias, in->ino);
}

/* Everything that can fail happens before the old program is touched. */
static int exec_build(struct proc *p, const char *path, const char *const argv[], const char *const envp[],
                      const void *file, size_t size, struct inode *ino)
{
    struct elf_image img;
    int err = elf_parse(file, size, USER_TOP, &img);
    if (err)
        return err;
    struct exec_interp *interp = NULL;
    if (img.interp_len && (err = exec_interp_open(file, &img, &interp)) != 0)
        return err;
    struct mm *mm = vm_create();
    if (!mm) {
        exec_interp_close(interp);
        return -ENOMEM;
    }
    uint64_t bias = img.dyn ? USER_PIE_BASE : 0, sp = 0;
    err = exec_map_segments(mm, file, &img, bias, ino);
    if (!err)
        err = vm_area_add(mm, mm->stack_top - USER_STACK_SIZE, mm->stack_top,
                          VM_READ | VM_WRITE | (img.stack_exec ? VM_EXEC : 0), VMA_STACK);
    if (!err && interp)
        err = exec_interp_map(mm, interp);
    if (!err)
        err = exec_build_stack(mm, path, argv, envp, &img, bias, interp ? interp->bias : 0, &sp);
    if (!err) {
        void *sigpage = proc_signal_page();
        /* Marked COW: an mprotect(PROT_WRITE) and a write give the process its own copy
         * instead of changing the page every process shares. */
        err = sigpage ? vm_map_page(mm, USER_SIGPAGE, sigpage, VM_READ | VM_EXEC | VM_COW, VMA_SIGPAGE)
                      : -ENOMEM;
        mm->sigpage = USER_SIGPAGE;
    }
    if (!err)
        err = thread_exec_prepare(p);   /* the point of no return: the other threads go */
    if (err) {
        vm_destroy(mm);
        exec_interp_close(interp);
        return err;
    }
    mm->brk_start = mm->brk = img.hi + bias;
    itimer_exec(p);     /* POSIX timers end here; the old image's peak RSS is kept */
    struct mm *old = p->mm;
    p->mm = mm;
    if (p == current())
        vm_activate(mm);
    vm_put(old);
    p->did_exec = true;
    proc_vfork_release(p);
    exec_set_name(p, path);
    exec_record(p, path, argv);
    signal_exec_reset(p);
    p->sig_saved_valid = false;
    if (p->fdt)
        fdtable_close_on_exec(p->fdt);
    /* A dynamic program starts in its interpreter, which finds the program through auxv. */
    arch_tf_init_user(p->tf, interp ? interp->img.entry + interp->bias : img.entry + bias, sp);
    arch_fpu_reset(p->tf, &p->fpu);
    exec_interp_close(interp);
    return 0;
}

int exec_load(struct proc *p, const char *path, const char *const argv[], const char *const envp[])
{
    const void *file;
    size_t size;
    bool owned;
    struct inode *ino;
    int err = exec_open(path, &file, &size, &owned, &ino);
    if (err)
        return err;
    err = exec_build(p, path, argv, envp, file, size, ino);
    if (owned)
        kvm_free((void *)file);
    inode_put(ino);
    return err;
}
