/* virtio-blk: the disks behind the device tree's virtio-mmio transports become vda, vdb, ... */
#ifndef DEV_VIRTIO_BLK_H
#define DEV_VIRTIO_BLK_H

struct machine_info;

/* Probe every transport, start each block device found and blk_register it. */
void virtio_blk_init(const struct machine_info *mi);

#endif
