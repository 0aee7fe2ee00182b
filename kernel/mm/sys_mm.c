/* Memory system calls: brk, mmap/munmap/mprotect, mremap, msync, madvise. Regular files
 * whose file system keeps them in the page cache (inode_ops readpage) are mapped from it:
 * MAP_SHARED maps the cache pages themselves, MAP_PRIVATE maps them copy-on-write. Other
 * regular files (procfs) are copied at mmap time and may only be mapped privately. */
#include "proc/sys.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "proc/itimer.h"
#include "mm/vm.h"
#include "lib/errno.h"
#include "fs/vfs.h"
#include "fs/fdtable.h"
#include "mm/kmalloc.h"
#include "mm/pagecache.h"

#define PROT_READ  1
#define PROT_WRITE 2
#define PROT_EXEC  4
#define PROT_GROWSDOWN 0x01000000
#define PROT_GROWSUP   0x02000000
#define MAP_SHARED      0x01
#define MAP_PRIVATE     0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE        0x0f
#define MAP_FIXED       0x10
#define MAP_ANONYMOUS   0x20
#define MAP_GROWSDOWN   0x100
#define MAP_DENYWRITE   0x800
#define MAP_EXECUTABLE  0x1000
#define MAP_LOCKED      0x2000
#define MAP_NORESERVE   0x4000
#define MAP_POPULATE    0x8000
#define MAP_NONBLOCK    0x10000
#define MAP_STACK       0x20000
#define MAP_HUGETLB     0x40000
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_KNOWN (MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_DENYWRITE | \
                   MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | \
                   MAP_STACK | MAP_FIXED_NOREPLACE)

static uint64_t page_up(uint64_t v) { return (v + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }

/* Linux semantics: W without R is not expressible in a RISC-V PTE, so writable implies readable. */
static unsigned mm_prot(uint64_t prot)
{
    unsigned p = 0;
    if (prot & PROT_READ)
        p |= VM_READ;
    if (prot & PROT_WRITE)
        p |= VM_READ | VM_WRITE;
    if (prot & PROT_EXEC)
        p |= VM_EXEC;
    return p;
}

static struct vm_area *mm_heap_area(struct mm *mm)
{
    for (struct vm_area *a = mm->areas; a; a = a->next)
        if (a->flags & VMA_HEAP)
            return a;
    return NULL;
}

static bool brk_grow(struct mm *mm, uint64_t old_end, uint64_t new_end)
{
    struct vm_area *heap = mm_heap_area(mm);
    if (heap && heap->end == old_end) {
        if (heap->next && heap->next->start < new_end)
            return false;
        heap->end = new_end;
        return true;
    }
    return vm_area_add(mm, old_end, new_end, VM_READ | VM_WRITE, VMA_HEAP) == 0;
}

/* brk returns the new break, or the old one when the request cannot be met. */
SYSCALL(brk)
{
    struct mm *mm = current()->mm;
    uint64_t want = a[0], old_end = page_up(mm->brk), new_end = page_up(want);
    if (want < mm->brk_start || want >= USER_MMAP_TOP)
        return (long)mm->brk;
    if (new_end > old_end && !brk_grow(mm, old_end, new_end))
        return (long)mm->brk;
    if (new_end < old_end)
        itimer_note_unmap(current());
    if (new_end < old_end && vm_area_remove(mm, new_end, old_end))
        return (long)mm->brk;
    mm->brk = want;
    return (long)want;
}

static long mmap_place(struct mm *mm, uint64_t addr, uint64_t len, uint64_t flags)
{
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        if (addr & (PAGE_SIZE - 1))
            return -EINVAL;
        if (addr < PAGE_SIZE * 16 || addr >= USER_TOP || len > USER_TOP - addr)
            return -ENOMEM;
        if (flags & MAP_FIXED_NOREPLACE) {
            for (struct vm_area *x = mm->areas; x; x = x->next)
                if (x->start < addr + len && x->end > addr)
                    return -EEXIST;
        } else if (vm_area_remove(mm, addr, addr + len)) {
            return -ENOMEM;
        }
        return (long)addr;
    }
    /* A hint is only a hint: rounded to a page, used when that range is free. */
    addr = page_up(addr);
    if (addr && addr >= PAGE_SIZE * 16 && addr < USER_MMAP_TOP &&
        len <= USER_MMAP_TOP - addr && vm_find_gap(mm, len, addr + len) == addr)
        return (long)addr;
    uint64_t va = vm_find_gap(mm, len, mm->mmap_top);
    return va ? (long)va : -ENOMEM;
}

/* Copy [off, off + len) of the file into the freshly mapped pages at va (zero past EOF). */
static int mmap_fill_from_file(struct mm *mm, struct file *f, uint64_t va, uint64_t len, uint64_t off)
{
    uint8_t *chunk = kmalloc(PAGE_SIZE);
    if (!chunk)
        return -ENOMEM;
    int err = 0;
    for (uint64_t done = 0; done < len && !err; done += PAGE_SIZE) {
        struct uio u = { (uint64_t)chunk, true };
        uint64_t pos = off + done;
        long n = f->ops->read(f, &u, PAGE_SIZE, &pos);
        if (n < 0)
            err = (int)n;
        else if (n > 0)
            err = vm_fill(mm, va + done, chunk, (size_t)n);
    }
    kfree(chunk);
    return err;
}

static bool mmap_is_dev_zero(const struct inode *ino)
{
    return S_ISCHR(ino->mode) && ino->rdev == MKDEV(1, 5);
}

static bool mmap_cached(const struct inode *ino)
{
    return S_ISREG(ino->mode) && ino->iops && ino->iops->readpage;
}

static long mmap_check_file(struct file *f, uint64_t prot, uint64_t type)
{
    if (!f)
        return -EBADF;
    if ((f->flags & O_ACCMODE) == O_WRONLY || (f->flags & O_PATH))
        return -EACCES;
    if (mmap_is_dev_zero(f->inode))
        return 0;
    if (!S_ISREG(f->inode->mode) || !f->ops || !f->ops->read)
        return -ENODEV;
    if (type != MAP_PRIVATE && (prot & PROT_WRITE) && (f->flags & O_ACCMODE) != O_RDWR)
        return -EACCES;
    if (type != MAP_PRIVATE && !mmap_cached(f->inode))
        return -ENODEV;
    return 0;
}

/* A mapping of a cached file: its page-cache pages, faulted in on first touch. */
static long mmap_file(struct mm *mm, struct file *f, uint64_t va, uint64_t len, uint64_t prot,
                      uint64_t flags, uint64_t off)
{
    bool shared = (flags & MAP_TYPE) != MAP_PRIVATE;
    unsigned vflags = shared ? VMA_SHARED : 0;
    /* A shared mapping of a file not open for writing may never become writable. */
    if (shared && (f->flags & O_ACCMODE) != O_RDWR)
        vflags |= VMA_NOWRITE;
    int err = vm_area_add_file(mm, va, va + len, mm_prot(prot), vflags, f->inode, off / PAGE_SIZE,
                               va + len);
    if (err)
        return err;
    if ((flags & MAP_POPULATE) && f->inode->size > off) {
        uint64_t n = f->inode->size - off < len ? page_up(f->inode->size - off) : len;
        if (vm_populate(mm, va, va + n)) {
            vm_area_remove(mm, va, va + len);
            return -ENOMEM;
        }
    }
    return (long)va;
}

SYSCALL(mmap)
{
    struct mm *mm = current()->mm;
    uint64_t addr = a[0], len = a[1], prot = a[2], flags = a[3];
    int64_t fd = (int64_t)a[4];
    uint64_t type = flags & MAP_TYPE;
    /* As Linux: unknown flag bits are ignored except under MAP_SHARED_VALIDATE, and the
     * offset must be page aligned for anonymous mappings too. */
    if (len == 0 || (a[5] & (PAGE_SIZE - 1)))
        return -EINVAL;
    if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
        return -EINVAL;
    if (flags & MAP_ANONYMOUS) {
        /* Linux accepts MAP_SHARED_VALIDATE for files only, and no growing shared memory. */
        if (type == MAP_SHARED_VALIDATE || (type == MAP_SHARED && (flags & MAP_GROWSDOWN)))
            return -EINVAL;
    } else if (type == MAP_SHARED_VALIDATE && (flags & ~MAP_KNOWN)) {
        return -ENOTSUP;
    }
    if (flags & MAP_HUGETLB)
        return -ENOMEM;     /* no huge pages are reserved (Linux's answer without a pool) */
    if (len > USER_TOP)
        return -ENOMEM;
    len = page_up(len);
    struct file *file = NULL;
    if (!(flags & MAP_ANONYMOUS)) {
        file = fd_get(current()->fdt, (int)fd);
        long err = mmap_check_file(file, prot, type);
        if (err)
            return err;
        if (mmap_is_dev_zero(file->inode))
            file = NULL;    /* /dev/zero maps anonymous memory */
    }
    long va = mmap_place(mm, addr, len, flags);
    if (va < 0)
        return va;
    if (file && mmap_cached(file->inode))
        return mmap_file(mm, file, (uint64_t)va, len, prot, flags, a[5]);
    bool shared = type != MAP_PRIVATE && !file;
    if (vm_area_add(mm, (uint64_t)va, (uint64_t)va + len, mm_prot(prot), shared ? VMA_SHARED : 0))
        return -ENOMEM;
    if (file) {
        long err = mmap_fill_from_file(mm, file, (uint64_t)va, len, a[5]);
        if (err) {
            vm_area_remove(mm, (uint64_t)va, (uint64_t)va + len);
            return err;
        }
        return va;
    }
    /* Shared pages must exist before fork so both processes see the same frames. */
    if ((shared || (flags & MAP_POPULATE)) && vm_populate(mm, (uint64_t)va, (uint64_t)va + len)) {
        vm_area_remove(mm, (uint64_t)va, (uint64_t)va + len);
        return -ENOMEM;
    }
    return va;
}

SYSCALL(munmap)
{
    uint64_t addr = a[0], len = a[1];
    if ((addr & (PAGE_SIZE - 1)) || len == 0 || addr >= USER_TOP || len > USER_TOP - addr)
        return -EINVAL;
    itimer_note_unmap(current());
    return vm_area_remove(current()->mm, addr, addr + page_up(len));
}

SYSCALL(mprotect)
{
    uint64_t addr = a[0], len = a[1], prot = a[2];
    /* PROT_GROWSDOWN/PROT_GROWSUP are accepted; nothing here grows. */
    if ((addr & (PAGE_SIZE - 1)) ||
        (prot & ~(uint64_t)(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP)) ||
        ((prot & PROT_GROWSDOWN) && (prot & PROT_GROWSUP)))
        return -EINVAL;
    if (len == 0)
        return 0;
    if (addr >= USER_TOP || len > USER_TOP - addr)
        return -ENOMEM;
    return vm_protect(current()->mm, addr, addr + page_up(len), mm_prot(prot));
}

#define MADV_DONTNEED 4
#define MADV_FREE     8
#define MADV_REMOVE   9
#define MADV_HWPOISON 100
#define MADV_SOFT_OFFLINE 101

/* Advice is optional except MADV_DONTNEED (and MADV_FREE, which may act the same), whose
 * promise (private pages read back as zero, file pages as the file) programs rely on: those
 * pages are dropped and come back on the next touch. Values Linux does not know are EINVAL;
 * a range with unmapped parts is ENOMEM (after the mapped parts are advised), as on Linux. */
SYSCALL(madvise)
{
    uint64_t addr = a[0], len = page_up(a[1]), advice = a[2];
    if ((addr & (PAGE_SIZE - 1)) || addr >= USER_TOP || len > USER_TOP - addr)
        return -EINVAL;
    if (advice > 25 && advice != MADV_HWPOISON && advice != MADV_SOFT_OFFLINE)
        return -EINVAL;
    if (advice == 5 || advice == 6 || advice == 7 || advice == MADV_HWPOISON ||
        advice == MADV_SOFT_OFFLINE)
        return advice >= MADV_HWPOISON ? -EPERM : -EINVAL;
    if (len == 0)
        return 0;
    struct mm *mm = current()->mm;
    if (advice == MADV_DONTNEED || advice == MADV_FREE)
        vm_discard(mm, addr, addr + len);
    for (uint64_t va = addr; va < addr + len;) {
        struct vm_area *r = vm_area_find(mm, va);
        if (!r)
            return -ENOMEM;
        if (advice == MADV_REMOVE && !(r->flags & VMA_SHARED))
            return -EINVAL;
        va = r->end;
    }
    return 0;
}

#define MREMAP_MAYMOVE   1
#define MREMAP_FIXED     2
#define MREMAP_DONTUNMAP 4

SYSCALL(mremap)
{
    uint64_t old = a[0], old_len = page_up(a[1]), new_len = page_up(a[2]), flags = a[3];
    if ((old & (PAGE_SIZE - 1)) || (flags & ~(uint64_t)(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)))
        return -EINVAL;
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
        return -EINVAL;
    if (flags & MREMAP_DONTUNMAP)
        return -EINVAL;     /* not implemented (Linux 5.7+ keeps the old range mapped) */
    if (new_len == 0 || old_len == 0 || a[2] > USER_TOP || old >= USER_TOP || old_len > USER_TOP - old)
        return new_len == 0 || old_len == 0 ? -EINVAL : -EFAULT;
    return vm_remap(current()->mm, old, old_len, new_len,
                    ((flags & MREMAP_MAYMOVE) ? VM_REMAP_MAYMOVE : 0) |
                    ((flags & MREMAP_FIXED) ? VM_REMAP_FIXED : 0), a[4]);
}

#define MS_ASYNC      1
#define MS_INVALIDATE 2
#define MS_SYNC       4

/* The cache is the only copy the mappings see, so MS_INVALIDATE has nothing to drop and
 * MS_ASYNC writes back at once like MS_SYNC (both legal on Linux). */
SYSCALL(msync)
{
    uint64_t addr = a[0], len = page_up(a[1]), flags = a[2];
    if ((addr & (PAGE_SIZE - 1)) || (flags & ~(uint64_t)(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
        ((flags & MS_ASYNC) && (flags & MS_SYNC)))
        return -EINVAL;
    if (addr >= USER_TOP || len > USER_TOP - addr)
        return -ENOMEM;
    if (len == 0)
        return 0;
    int err = vm_sync(current()->mm, addr, addr + len);
    return err == -ENOMEM ? -ENOMEM : err ? -EIO : 0;
}
