/* Small-object allocator: each page serves one power-of-two size class, with no header inside it;
 * the class and the live-object count live in the page's tag (page_set_tag), so all space is usable. */
#include <stdint.h>

#include "mm/kmalloc.h"
#include "mm/page.h"
#include "csr.h"
#include "lib/kstring.h"
#include "lib/panic.h"

#define KM_MIN_SHIFT   4
#define KM_NCLASSES    8                      /* 16, 32, ..., 2048 */
#define KM_MAX_OBJECT  (1UL << (KM_MIN_SHIFT + KM_NCLASSES - 1))
#define KM_KIND_PAGE   KM_NCLASSES            /* a whole page for one object */

/* Page tag: 'k' in the top byte marks a kmalloc page, then the kind, then the live objects. */
#define KM_TAG_MAGIC   0x6b000000u
#define KM_TAG_MAGIC_MASK 0xff000000u
#define KM_TAG(kind, live) (KM_TAG_MAGIC | ((uint32_t)(kind) << 16) | (uint32_t)(live))
#define KM_TAG_KIND(tag)   (((tag) >> 16) & 0xffu)
#define KM_TAG_LIVE(tag)   ((tag) & 0xffffu)

/* Free objects are linked both ways so that an emptied page can pull its objects out of the list. */
struct km_free {
    struct km_free *next;
    struct km_free *prev;
    uintptr_t poison;       /* only in classes of 32 bytes and more: hints at a double free */
};

#define KM_POISON 0x6b667265655f6f6bUL

static struct kmalloc_state {
    /* Guarded by the kernel lock, like every caller (see docs/smp.md). */
    struct km_free *free[KM_NCLASSES];
    size_t pages_in_use;
} km;

static size_t class_size(unsigned c) { return 1UL << (KM_MIN_SHIFT + c); }
static void *page_of(const void *p) { return (void *)((uintptr_t)p & ~(PAGE_SIZE - 1)); }

static unsigned class_for(size_t size)
{
    unsigned c = 0;
    while (class_size(c) < size)
        c++;
    return c;
}

static void freelist_push(unsigned c, struct km_free *obj)
{
    obj->prev = NULL;
    obj->next = km.free[c];
    if (obj->next)
        obj->next->prev = obj;
    km.free[c] = obj;
    if (class_size(c) >= sizeof(struct km_free))
        obj->poison = (uintptr_t)obj ^ KM_POISON;
}

static void freelist_unlink(unsigned c, struct km_free *obj)
{
    if (obj->prev)
        obj->prev->next = obj->next;
    else
        km.free[c] = obj->next;
    if (obj->next)
        obj->next->prev = obj->prev;
}

/* The poison only raises suspicion (live data may match it by chance); the list walk decides. */
static bool object_is_free(unsigned c, struct km_free *obj)
{
    if (km.free[c] == obj)
        return true;
    if (class_size(c) < sizeof(struct km_free) || obj->poison != ((uintptr_t)obj ^ KM_POISON))
        return false;
    for (struct km_free *f = km.free[c]; f; f = f->next)
        if (f == obj)
            return true;
    return false;
}

static bool class_grow(unsigned c)
{
    char *page = page_alloc();
    if (!page)
        return false;
    page_set_tag(page, KM_TAG(c, 0));
    km.pages_in_use++;
    /* Pushed top down so that objects come out in address order. */
    for (size_t off = PAGE_SIZE; off > 0; off -= class_size(c))
        freelist_push(c, (struct km_free *)(page + off - class_size(c)));
    return true;
}

static void class_release_page(unsigned c, char *page)
{
    for (size_t off = 0; off < PAGE_SIZE; off += class_size(c))
        freelist_unlink(c, (struct km_free *)(page + off));
    km.pages_in_use--;
    page_put(page);
}

static void *whole_page_alloc(void)
{
    void *page = page_alloc();
    if (!page)
        return NULL;
    page_set_tag(page, KM_TAG(KM_KIND_PAGE, 1));
    km.pages_in_use++;
    return page;
}

/* kmalloc(0) still returns a distinct 16-byte object, so callers need not special-case it. */
void *kmalloc(size_t size)
{
    if (size > PAGE_SIZE)
        return NULL;
    if (size > KM_MAX_OBJECT)
        return whole_page_alloc();
    unsigned c = class_for(size);
    if (!km.free[c] && !class_grow(c))
        return NULL;
    struct km_free *obj = km.free[c];
    freelist_unlink(c, obj);
    void *page = page_of(obj);
    page_set_tag(page, page_tag(page) + 1);
    memset(obj, 0, class_size(c));
    return obj;
}

void kfree(void *p)
{
    if (!p)
        return;
    char *page = page_of(p);
    uint32_t tag = page_tag(page);
    if ((tag & KM_TAG_MAGIC_MASK) != KM_TAG_MAGIC)
        kpanic("kfree: %p is not a live kmalloc object (double free?)", p);
    unsigned kind = KM_TAG_KIND(tag);
    if (kind == KM_KIND_PAGE) {
        if ((void *)page != p)
            kpanic("kfree: %p is inside a kmalloc page, not its start", p);
        km.pages_in_use--;
        page_put(page);
        return;
    }
    if (((uintptr_t)p & (class_size(kind) - 1)) != 0)
        kpanic("kfree: %p is not the start of a %lu-byte object", p, (unsigned long)class_size(kind));
    if (KM_TAG_LIVE(tag) == 0 || object_is_free(kind, p))
        kpanic("kfree: double free of %p", p);
    freelist_push(kind, p);
    page_set_tag(page, tag - 1);
    if (KM_TAG_LIVE(tag - 1) == 0)
        class_release_page(kind, page);
}

size_t kmalloc_pages_in_use(void)
{
    return km.pages_in_use;
}
