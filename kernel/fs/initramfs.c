/* Looking files up in the initramfs archive until the RAM file system takes over. */
#include "fs/initramfs.h"
#include "fs/cpio.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "dev/console.h"

#define CPIO_MODE_TYPE 0170000
#define CPIO_MODE_REG  0100000

static struct {
    const void *blob;
    size_t len;
    size_t count;
} initramfs;

int initramfs_init(const void *blob, size_t len)
{
    struct cpio_iter it;
    struct cpio_entry e;
    int r;
    size_t count = 0;
    cpio_iter_init(&it, blob, len);
    while ((r = cpio_next(&it, &e)) > 0)
        count++;
    if (r < 0) {
        kprintf("initramfs: malformed archive at byte %lu after %lu entries; refused\n",
                (unsigned long)it.off, (unsigned long)count);
        return r;
    }
    initramfs.blob = blob;
    initramfs.len = len;
    initramfs.count = count;
    return 0;
}

size_t initramfs_count(void)
{
    return initramfs.count;
}

/* Archive names are relative ("bin/sh" or "./bin/sh"); lookups use absolute paths. */
static const char *initramfs_strip(const char *name)
{
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    while (name[0] == '/')
        name++;
    return name;
}

int initramfs_lookup(const char *path, const void **data, size_t *size)
{
    struct cpio_iter it;
    struct cpio_entry e;
    const char *want = initramfs_strip(path);
    if (!initramfs.blob)
        return -ENOENT;
    cpio_iter_init(&it, initramfs.blob, initramfs.len);
    while (cpio_next(&it, &e) > 0) {
        if ((e.mode & CPIO_MODE_TYPE) == CPIO_MODE_REG && strcmp(initramfs_strip(e.name), want) == 0) {
            *data = e.data;
            *size = e.size;
            return 0;
        }
    }
    return -ENOENT;
}
