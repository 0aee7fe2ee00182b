/* virtio-mmio transport (virtio spec 1.1, section 4.2): register access, feature negotiation for
 * both the legacy (version 1: GuestPageSize, QueuePFN) and modern (version 2: split queue
 * addresses, FEATURES_OK) layouts, and the split virtqueue's free list and rings. */
#include "dev/virtio_mmio.h"
#include "arch.h"
#include "lib/errno.h"
#include "lib/kstring.h"
#include "mm/page.h"

/* Register offsets, in bytes. */
#define VM_MAGIC            0x000
#define VM_VERSION          0x004
#define VM_DEVICE_ID        0x008
#define VM_DEVICE_FEATURES  0x010
#define VM_DEVICE_FEAT_SEL  0x014
#define VM_DRIVER_FEATURES  0x020
#define VM_DRIVER_FEAT_SEL  0x024
#define VM_GUEST_PAGE_SIZE  0x028   /* legacy */
#define VM_QUEUE_SEL        0x030
#define VM_QUEUE_NUM_MAX    0x034
#define VM_QUEUE_NUM        0x038
#define VM_QUEUE_ALIGN      0x03c   /* legacy */
#define VM_QUEUE_PFN        0x040   /* legacy */
#define VM_QUEUE_READY      0x044   /* modern */
#define VM_QUEUE_NOTIFY     0x050
#define VM_INTERRUPT_STATUS 0x060
#define VM_INTERRUPT_ACK    0x064
#define VM_STATUS           0x070
#define VM_QUEUE_DESC_LOW   0x080
#define VM_QUEUE_DESC_HIGH  0x084
#define VM_QUEUE_AVAIL_LOW  0x090
#define VM_QUEUE_AVAIL_HIGH 0x094
#define VM_QUEUE_USED_LOW   0x0a0
#define VM_QUEUE_USED_HIGH  0x0a4
#define VM_CONFIG           0x100

#define VM_MAGIC_VALUE 0x74726976   /* "virt" */

#define ST_ACKNOWLEDGE 1
#define ST_DRIVER      2
#define ST_DRIVER_OK   4
#define ST_FEATURES_OK 8

/* Legacy queues: the used ring starts at this alignment after the available ring, so all three
 * parts of a VIRTQ_MAX queue fit in one page (the allocator hands out single pages). */
#define VQ_LEGACY_ALIGN 16

static uint32_t vm_read(struct virtio_dev *d, uint32_t off) { return d->regs[off / 4]; }
static void vm_write(struct virtio_dev *d, uint32_t off, uint32_t v) { d->regs[off / 4] = v; }

int virtio_mmio_probe(uint64_t base, uint64_t size, uint32_t irq, struct virtio_dev *d)
{
    memset(d, 0, sizeof *d);
    if (size < 0x200)
        return -ENXIO;
    d->regs = arch_mmio_map(base, size);
    if (!d->regs)
        return -ENOMEM;
    if (vm_read(d, VM_MAGIC) != VM_MAGIC_VALUE)
        return -ENXIO;
    d->version = vm_read(d, VM_VERSION);
    if (d->version != 1 && d->version != 2)
        return -ENXIO;
    d->device_id = vm_read(d, VM_DEVICE_ID);
    d->irq = irq;
    return 0;
}

uint32_t virtio_config_read32(struct virtio_dev *d, uint32_t off)
{
    return vm_read(d, VM_CONFIG + off);
}

uint64_t virtio_config_read64(struct virtio_dev *d, uint32_t off)
{
    uint32_t lo, hi;
    do {    /* a 64-bit field is two reads; retry if it changed in between */
        hi = vm_read(d, VM_CONFIG + off + 4);
        lo = vm_read(d, VM_CONFIG + off);
    } while (hi != vm_read(d, VM_CONFIG + off + 4));
    return ((uint64_t)hi << 32) | lo;
}

void virtio_mmio_reset(struct virtio_dev *d)
{
    vm_write(d, VM_STATUS, 0);
    arch_dma_mb();
}

static uint64_t vm_features(struct virtio_dev *d)
{
    vm_write(d, VM_DEVICE_FEAT_SEL, 0);
    uint64_t lo = vm_read(d, VM_DEVICE_FEATURES);
    vm_write(d, VM_DEVICE_FEAT_SEL, 1);
    return lo | (uint64_t)vm_read(d, VM_DEVICE_FEATURES) << 32;
}

static void vm_set_features(struct virtio_dev *d, uint64_t f)
{
    vm_write(d, VM_DRIVER_FEAT_SEL, 0);
    vm_write(d, VM_DRIVER_FEATURES, (uint32_t)f);
    vm_write(d, VM_DRIVER_FEAT_SEL, 1);
    vm_write(d, VM_DRIVER_FEATURES, (uint32_t)(f >> 32));
}

/* Lay the rings out in one zeroed page and chain every descriptor into the free list. */
static int vq_alloc(struct virtq *q, uint16_t size)
{
    uint8_t *page = page_alloc();
    if (!page)
        return -ENOMEM;
    q->size = size;
    q->desc = (struct virtq_desc *)page;
    q->avail = (volatile uint16_t *)(page + 16 * size);
    size_t used_off = (16 * size + 6 + 2 * size + VQ_LEGACY_ALIGN - 1) & ~(size_t)(VQ_LEGACY_ALIGN - 1);
    q->used = page + used_off;
    for (uint16_t i = 0; i < size; i++)
        q->desc[i].next = (uint16_t)(i + 1);
    q->free_head = 0;
    q->nfree = size;
    q->avail_idx = q->last_used = 0;
    return 0;
}

static void vm_write_addr(struct virtio_dev *d, uint32_t lo_reg, const volatile void *p)
{
    uint64_t pa = kva_to_pa((const void *)p);
    vm_write(d, lo_reg, (uint32_t)pa);
    vm_write(d, lo_reg + 4, (uint32_t)(pa >> 32));
}

static int vm_queue_setup(struct virtio_dev *d)
{
    vm_write(d, VM_QUEUE_SEL, 0);
    uint32_t max = vm_read(d, VM_QUEUE_NUM_MAX);
    if (max == 0)
        return -ENXIO;
    if (d->version == 2 && vm_read(d, VM_QUEUE_READY))
        return -EBUSY;
    uint16_t size = max < VIRTQ_MAX ? (uint16_t)max : VIRTQ_MAX;
    int err = vq_alloc(&d->vq, size);
    if (err)
        return err;
    vm_write(d, VM_QUEUE_NUM, size);
    if (d->version == 1) {
        vm_write(d, VM_QUEUE_ALIGN, VQ_LEGACY_ALIGN);
        vm_write(d, VM_QUEUE_PFN, (uint32_t)(kva_to_pa(d->vq.desc) / PAGE_SIZE));
    } else {
        vm_write_addr(d, VM_QUEUE_DESC_LOW, d->vq.desc);
        vm_write_addr(d, VM_QUEUE_AVAIL_LOW, d->vq.avail);
        vm_write_addr(d, VM_QUEUE_USED_LOW, d->vq.used);
        vm_write(d, VM_QUEUE_READY, 1);
    }
    return 0;
}

int virtio_mmio_start(struct virtio_dev *d, uint64_t wanted)
{
    virtio_mmio_reset(d);
    vm_write(d, VM_STATUS, ST_ACKNOWLEDGE);
    vm_write(d, VM_STATUS, ST_ACKNOWLEDGE | ST_DRIVER);
    uint64_t offered = vm_features(d);
    if (d->version == 2) {
        if (!(offered & (1ULL << VIRTIO_F_VERSION_1)))
            return -EIO;
        wanted |= 1ULL << VIRTIO_F_VERSION_1;
    }
    d->features = offered & wanted;
    vm_set_features(d, d->features);
    uint32_t st = ST_ACKNOWLEDGE | ST_DRIVER;
    if (d->version == 2) {
        st |= ST_FEATURES_OK;
        vm_write(d, VM_STATUS, st);
        if (!(vm_read(d, VM_STATUS) & ST_FEATURES_OK))
            return -EIO;
    } else {
        vm_write(d, VM_GUEST_PAGE_SIZE, PAGE_SIZE);
    }
    int err = vm_queue_setup(d);
    if (err)
        return err;
    vm_write(d, VM_STATUS, st | ST_DRIVER_OK);
    return 0;
}

int virtq_add(struct virtio_dev *d, const struct virtq_buf *b, int n, void *cookie)
{
    struct virtq *q = &d->vq;
    if (n <= 0 || n > q->nfree)
        return -ENOSPC;
    uint16_t head = q->free_head, i = head, last = head;
    for (int k = 0; k < n; k++) {
        struct virtq_desc *dp = &q->desc[i];
        dp->addr = kva_to_pa(b[k].addr);
        dp->len = b[k].len;
        dp->flags = (uint16_t)((b[k].device_writes ? VIRTQ_DESC_F_WRITE : 0) | (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
        last = i;
        i = dp->next;
    }
    (void)last;
    q->free_head = i;
    q->nfree = (uint16_t)(q->nfree - n);
    q->cookie[head] = cookie;
    q->avail[2 + q->avail_idx % q->size] = head;
    arch_dma_wmb();             /* the ring entry before the index that publishes it */
    q->avail_idx++;
    q->avail[1] = q->avail_idx;
    return 0;
}

void virtq_kick(struct virtio_dev *d)
{
    arch_dma_mb();              /* the index before the notification */
    vm_write(d, VM_QUEUE_NOTIFY, 0);
}

void *virtq_pop(struct virtio_dev *d, uint32_t *len)
{
    struct virtq *q = &d->vq;
    uint16_t used_idx = *(volatile uint16_t *)(q->used + 2);
    if (used_idx == q->last_used)
        return NULL;
    arch_dma_rmb();             /* the index before the entry it covers */
    volatile uint32_t *e = (volatile uint32_t *)(q->used + 4 + 8 * (q->last_used % q->size));
    uint32_t id = e[0];
    if (len)
        *len = e[1];
    q->last_used++;
    if (id >= q->size)
        return NULL;            /* a device bug: drop the entry rather than corrupt the free list */
    void *cookie = q->cookie[id];
    q->cookie[id] = NULL;
    /* free the chain: walk to its end, then splice it before the free list */
    uint16_t i = (uint16_t)id, n = 1;
    while ((q->desc[i].flags & VIRTQ_DESC_F_NEXT) && n < q->size) {
        i = q->desc[i].next;
        n++;
    }
    q->desc[i].next = q->free_head;
    q->free_head = (uint16_t)id;
    q->nfree = (uint16_t)(q->nfree + n);
    return cookie;
}

void virtio_irq_ack(struct virtio_dev *d)
{
    uint32_t st = vm_read(d, VM_INTERRUPT_STATUS);
    if (st)
        vm_write(d, VM_INTERRUPT_ACK, st);
}
