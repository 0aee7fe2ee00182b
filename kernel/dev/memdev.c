/* The memory devices: /dev/null (1,3), /dev/zero (1,5), /dev/random (1,8), /dev/urandom (1,9). */
#include "dev/memdev.h"
#include "fs/vfs.h"
#include "lib/errno.h"
#include "lib/random.h"

static long null_read(struct file *f, struct uio *u, size_t n, uint64_t *off)
{
    (void)f; (void)u; (void)n; (void)off;
    return 0;
}

static long sink_write(struct file *f, struct uio *u, size_t n, uint64_t *off)
{
    (void)f; (void)u; (void)off;
    return (long)n;
}

/* Fill the reader's buffer from gen in chunks. */
static long fill_read(struct uio *u, size_t n, void (*gen)(uint8_t *buf, size_t len))
{
    uint8_t chunk[256];
    size_t done = 0;
    while (done < n) {
        size_t c = n - done < sizeof chunk ? n - done : sizeof chunk;
        gen(chunk, c);
        if (uio_copy_out(u, chunk, c))
            return done ? (long)done : -EFAULT;
        done += c;
    }
    return (long)done;
}

static void gen_zero(uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = 0;
}

static void gen_random(uint8_t *buf, size_t len)
{
    random_bytes(buf, len);
}

static long zero_read(struct file *f, struct uio *u, size_t n, uint64_t *off)
{
    (void)f; (void)off;
    return fill_read(u, n, gen_zero);
}

static long random_read(struct file *f, struct uio *u, size_t n, uint64_t *off)
{
    (void)f; (void)off;
    return fill_read(u, n, gen_random);
}

static const struct file_ops null_ops = { .read = null_read, .write = sink_write };
static const struct file_ops zero_ops = { .read = zero_read, .write = sink_write };
static const struct file_ops random_ops = { .read = random_read, .write = sink_write };

void memdev_init(void)
{
    chardev_register(MKDEV(1, 3), &null_ops);
    chardev_register(MKDEV(1, 5), &zero_ops);
    chardev_register(MKDEV(1, 8), &random_ops);
    chardev_register(MKDEV(1, 9), &random_ops);
}
