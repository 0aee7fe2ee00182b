/* virtio-blk driver (virtio spec 1.1, section 5.2): each request is a chain of a header
 * (type, sector), the data split at page boundaries, and a status byte the device writes.
 * Up to queue-size descriptors are in flight; requests that do not fit wait in a software
 * queue and are started as completions free descriptors. Completions are handled in the
 * interrupt (vblk_irq) or, at boot before interrupts matter, by blk_wait polling (vblk_poll). */
#include "dev/virtio_blk.h"
#include "dev/virtio_mmio.h"
#include "dev/blk.h"
#include "dev/devtree.h"
#include "dev/irq.h"
#include "dev/console.h"
#include "fs/vfs.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "lib/printf.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "arch.h"

#define VBLK_T_IN    0
#define VBLK_T_OUT   1
#define VBLK_T_FLUSH 4
#define VBLK_S_OK     0
#define VBLK_S_IOERR  1
#define VBLK_S_UNSUPP 2

#define VBLK_F_SIZE_MAX 1
#define VBLK_F_SEG_MAX  2
#define VBLK_F_RO       5
#define VBLK_F_BLK_SIZE 6
#define VBLK_F_FLUSH    9

/* Config space offsets */
#define VBLK_CFG_CAPACITY 0
#define VBLK_CFG_SIZE_MAX 8
#define VBLK_CFG_SEG_MAX  12
#define VBLK_CFG_BLK_SIZE 20

struct vblk_hdr { uint32_t type, reserved; uint64_t sector; };

/* One in-flight request's device-visible header and status. */
struct vblk_slot {
    struct vblk_hdr hdr;
    uint8_t status;
    bool used;
    struct blk_req *r;
};

struct vblk {
    struct blkdev bd;
    struct virtio_dev vd;
    struct blk_req *wait_head, *wait_tail;  /* not yet started: no room in the queue */
    bool failed;                            /* timed out once: every request fails at once */
    uint32_t seg_max, size_max, blk_size;
    struct vblk_slot slots[VIRTQ_MAX];
};

static struct vblk *vblks[DT_MAX_VIRTIO];
static int nvblks;

static int vblk_segments(const struct blk_req *r)
{
    uintptr_t a = (uintptr_t)r->buf;
    return r->len ? (int)(((a + r->len - 1) / PAGE_SIZE) - (a / PAGE_SIZE) + 1) : 0;
}

/* Try to put r on the ring: 0, -ENOSPC (no room now), or another -errno (never will fit). */
static int vblk_start(struct vblk *v, struct blk_req *r)
{
    int nseg = vblk_segments(r);
    if (nseg + 2 > v->vd.vq.size || (v->seg_max && (uint32_t)nseg > v->seg_max))
        return -EIO;
    struct vblk_slot *s = NULL;
    for (int i = 0; i < VIRTQ_MAX && !s; i++)
        if (!v->slots[i].used)
            s = &v->slots[i];
    if (!s || v->vd.vq.nfree < nseg + 2)
        return -ENOSPC;
    struct virtq_buf b[VIRTQ_MAX];
    s->hdr.type = r->op == BLK_READ ? VBLK_T_IN : r->op == BLK_WRITE ? VBLK_T_OUT : VBLK_T_FLUSH;
    s->hdr.reserved = 0;
    s->hdr.sector = r->op == BLK_FLUSH ? 0 : r->sector + (r->dev->whole ? r->dev->start : 0);
    s->status = 0xff;
    b[0] = (struct virtq_buf){ &s->hdr, sizeof s->hdr, false };
    uint8_t *p = r->buf;
    size_t left = r->len;
    for (int k = 0; k < nseg; k++) {
        size_t room = PAGE_SIZE - ((uintptr_t)p % PAGE_SIZE), n = left < room ? left : room;
        if (!page_is_ram(kva_to_pa(p)))
            return -EIO;    /* not direct-map memory (a kernel stack?): the device would write elsewhere */
        b[1 + k] = (struct virtq_buf){ p, (uint32_t)n, r->op == BLK_READ };
        p += n;
        left -= n;
    }
    b[1 + nseg] = (struct virtq_buf){ &s->status, 1, true };
    if (virtq_add(&v->vd, b, nseg + 2, s))
        return -ENOSPC;
    s->used = true;
    s->r = r;
    return 0;
}

static void vblk_enqueue(struct vblk *v, struct blk_req *r)
{
    r->next = NULL;
    if (v->wait_tail)
        v->wait_tail->next = r;
    else
        v->wait_head = r;
    v->wait_tail = r;
}

/* Start waiting requests while the ring has room (in order: no overtaking). */
static bool vblk_start_waiting(struct vblk *v)
{
    bool started = false;
    while (v->wait_head) {
        struct blk_req *r = v->wait_head;
        int err = vblk_start(v, r);
        if (err == -ENOSPC)
            break;
        v->wait_head = r->next;
        if (!v->wait_head)
            v->wait_tail = NULL;
        if (err)
            blk_complete(r, err);
        else
            started = true;
    }
    return started;
}

static void vblk_submit(struct blkdev *d, struct blk_req *r)
{
    struct vblk *v = d->whole ? d->whole->priv : d->priv;
    if (v->failed) {
        blk_complete(r, -EIO);
        return;
    }
    vblk_enqueue(v, r);
    if (vblk_start_waiting(v))
        virtq_kick(&v->vd);
}

/* Complete whatever the device has finished, then refill the ring. */
static void vblk_drain(struct vblk *v)
{
    struct vblk_slot *s;
    uint32_t len;
    virtio_irq_ack(&v->vd);
    while ((s = virtq_pop(&v->vd, &len)) != NULL) {
        struct blk_req *r = s->r;
        int st = s->status;
        s->used = false;
        s->r = NULL;
        if (st != VBLK_S_OK)
            kprintf("vblk: %s: %s of sector %lu failed (status %d)\n", v->bd.name,
                    r->op == BLK_READ ? "read" : r->op == BLK_WRITE ? "write" : "flush",
                    (unsigned long)r->sector, st);
        blk_complete(r, st == VBLK_S_OK ? 0 : -EIO);
    }
    if (!v->failed && vblk_start_waiting(v))
        virtq_kick(&v->vd);
}

static void vblk_irq(void)
{
    for (int i = 0; i < nvblks; i++)
        vblk_drain(vblks[i]);
}

static void vblk_poll(struct blkdev *d)
{
    vblk_drain(d->whole ? d->whole->priv : d->priv);
}

/* A request took too long: stop the device (so it no longer writes into our buffers) and fail
 * everything in flight and waiting; later requests fail at once. */
static void vblk_abort(struct blkdev *d)
{
    struct vblk *v = d->whole ? d->whole->priv : d->priv;
    if (v->failed)
        return;
    v->failed = true;
    kprintf("vblk: %s: request timed out; the disk is marked failed, its requests get EIO\n", v->bd.name);
    virtio_mmio_reset(&v->vd);
    for (int i = 0; i < VIRTQ_MAX; i++)
        if (v->slots[i].used) {
            v->slots[i].used = false;
            blk_complete(v->slots[i].r, -EIO);
        }
    while (v->wait_head) {
        struct blk_req *r = v->wait_head;
        v->wait_head = r->next;
        blk_complete(r, -EIO);
    }
    v->wait_tail = NULL;
}

static const struct blkdev_ops vblk_ops = { .submit = vblk_submit, .poll = vblk_poll, .abort = vblk_abort };

static void vblk_read_config(struct vblk *v)
{
    uint64_t f = v->vd.features;
    v->bd.sectors = virtio_config_read64(&v->vd, VBLK_CFG_CAPACITY);
    v->bd.readonly = f & (1ULL << VBLK_F_RO);
    v->bd.has_flush = f & (1ULL << VBLK_F_FLUSH);
    v->seg_max = f & (1ULL << VBLK_F_SEG_MAX) ? virtio_config_read32(&v->vd, VBLK_CFG_SEG_MAX) : 0;
    v->size_max = f & (1ULL << VBLK_F_SIZE_MAX) ? virtio_config_read32(&v->vd, VBLK_CFG_SIZE_MAX) : 0;
    v->blk_size = f & (1ULL << VBLK_F_BLK_SIZE) ? virtio_config_read32(&v->vd, VBLK_CFG_BLK_SIZE) : 512;
}

static void vblk_probe(const struct dt_virtio *slot)
{
    struct vblk *v = kmalloc(sizeof *v);
    if (!v)
        return;
    if (virtio_mmio_probe(slot->base, slot->size, slot->irq, &v->vd) || v->vd.device_id != VIRTIO_ID_BLOCK) {
        kfree(v);
        return;
    }
    uint64_t want = 1ULL << VBLK_F_RO | 1ULL << VBLK_F_FLUSH | 1ULL << VBLK_F_SEG_MAX |
                    1ULL << VBLK_F_SIZE_MAX | 1ULL << VBLK_F_BLK_SIZE;
    int err = virtio_mmio_start(&v->vd, want);
    if (err) {
        kprintf("vblk: virtio-mmio at %#lx: device refused set-up (error %d)\n", slot->base, -err);
        virtio_mmio_reset(&v->vd);
        kfree(v);
        return;
    }
    vblk_read_config(v);
    ksnprintf(v->bd.name, sizeof v->bd.name, "vd%c", 'a' + nvblks);
    v->bd.rdev = MKDEV(BLK_VIRTIO_MAJOR, BLK_MINORS_PER_DISK * nvblks);
    v->bd.ops = &vblk_ops;
    v->bd.priv = v;
    vblks[nvblks++] = v;
    irq_register(slot->irq, vblk_irq);
    kprintf("vblk: %s: %lu sectors (%lu MiB) at %#lx irq %u, virtio-mmio v%u%s%s, queue %u\n",
            v->bd.name, (unsigned long)v->bd.sectors, (unsigned long)(v->bd.sectors >> 11), slot->base,
            slot->irq, v->vd.version, v->bd.readonly ? ", read-only" : "", v->bd.has_flush ? ", flush" : "",
            v->vd.vq.size);
    if (blk_register(&v->bd))
        kprintf("vblk: %s: cannot register\n", v->bd.name);
}

void virtio_blk_init(const struct machine_info *mi)
{
    /* QEMU lists its transports highest address first and plugs the first -device into the
     * highest one, so DT order is command-line order: the first disk is vda. */
    for (int i = 0; i < mi->nvirtio && nvblks < DT_MAX_VIRTIO; i++)
        vblk_probe(&mi->virtio[i]);
}
