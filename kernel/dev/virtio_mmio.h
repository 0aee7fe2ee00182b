/* virtio over MMIO: the transport registers (legacy version 1 and modern version 2) and split
 * virtqueues (descriptor table, available and used rings) shared by the virtio drivers. */
#ifndef DEV_VIRTIO_MMIO_H
#define DEV_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTIO_ID_BLOCK 2
#define VIRTIO_F_VERSION_1 32
#define VIRTQ_MAX 64                /* descriptors per queue we use (one page holds all rings) */

struct virtq_desc { uint64_t addr; uint32_t len; uint16_t flags, next; };
#define VIRTQ_DESC_F_NEXT  1
#define VIRTQ_DESC_F_WRITE 2        /* the device writes this buffer */

struct virtq {
    uint16_t size;                  /* descriptors */
    struct virtq_desc *desc;
    volatile uint16_t *avail;       /* flags, idx, ring[size] */
    volatile uint8_t *used;         /* flags, idx, {id, len}[size] */
    uint16_t free_head, nfree;      /* free descriptors chained through next */
    uint16_t avail_idx, last_used;
    void *cookie[VIRTQ_MAX];        /* the caller's token per head descriptor */
};

struct virtio_dev {
    volatile uint32_t *regs;
    uint32_t version;               /* 1 legacy, 2 modern */
    uint32_t device_id;
    uint32_t irq;
    uint64_t features;              /* negotiated */
    struct virtq vq;                /* queue 0 (all a block device needs) */
};

/* One segment of a request chain. */
struct virtq_buf { void *addr; uint32_t len; bool device_writes; };

/* Map the transport and read its ids; 0 and d->device_id (0: no device behind it), or -errno. */
int virtio_mmio_probe(uint64_t base, uint64_t size, uint32_t irq, struct virtio_dev *d);
/* Reset, acknowledge, negotiate (offered & wanted, plus VERSION_1 for modern), set up queue 0
 * and set DRIVER_OK. 0 or -errno (-EIO: the device refused). */
int virtio_mmio_start(struct virtio_dev *d, uint64_t wanted);
/* Stop the device (reset): it no longer touches memory. */
void virtio_mmio_reset(struct virtio_dev *d);
uint32_t virtio_config_read32(struct virtio_dev *d, uint32_t off);
uint64_t virtio_config_read64(struct virtio_dev *d, uint32_t off);
/* Chain n buffers (n <= free descriptors) and make them available; -ENOSPC if they do not fit. */
int virtq_add(struct virtio_dev *d, const struct virtq_buf *b, int n, void *cookie);
void virtq_kick(struct virtio_dev *d);
/* The next completed chain's cookie (its descriptors freed), or NULL. */
void *virtq_pop(struct virtio_dev *d, uint32_t *len);
/* Acknowledge the interrupt (read and write back InterruptStatus). */
void virtio_irq_ack(struct virtio_dev *d);

#endif
