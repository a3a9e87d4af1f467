/*
 * virtio-blk disks as block devices (kernel/blk/): brought up by
 * virtio_attach(), interrupt driven.
 */
#ifndef KERNEL_VIRTIO_DISK_H
#define KERNEL_VIRTIO_DISK_H

#include <stdint.h>

#include "kernel/blk/blkdev.h"
#include "virtio/blk.h"
#include "virtio/device.h"

/* Bring up a disk; 0 or a VIRTIO_E* error (already printed). */
int virtio_blk_attach(struct virtio_device *vdev, const char *where, uint32_t irq);

/* The virtio-blk driver state behind a registered disk (NULL when the
 * disk is not a virtio one): for `blk info` and the self-test. */
struct vblk *virtio_blkdev_driver(struct blkdev *dev);

/* The interrupt a virtio disk completes on (0 when not a virtio disk). */
uint32_t virtio_blkdev_irq(struct blkdev *dev);

/* `blk info` lines for a virtio disk (report.c). */
void virtio_blk_info_extra(struct blkdev *dev);

#endif
