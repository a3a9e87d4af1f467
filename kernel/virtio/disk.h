/*
 * virtio-blk disks as block devices (kernel/blk/), interrupt driven:
 * brought up by virtio_blk_attach() (a row of drivers.c); what the rest
 * of the glue (report.c) asks about them.
 */
#ifndef KERNEL_VIRTIO_DISK_H
#define KERNEL_VIRTIO_DISK_H

#include <stdint.h>

#include "kernel/blk/blkdev.h"
#include "virtio/blk.h"

/* The virtio-blk driver state behind a registered disk (NULL when the
 * disk is not a virtio one): for `blk info` and the self-test. */
struct vblk *virtio_blkdev_driver(struct blkdev *dev);

/* The interrupt a virtio disk completes on (0 when not a virtio disk). */
uint32_t virtio_blkdev_irq(struct blkdev *dev);

/* Reset the disk and re-initialise it, as after a timeout but quietly,
 * failing what is in flight with KERR_ERESET; the registry entry is
 * refreshed from the configuration the device gives again.  0 or a KERR_*
 * (KERR_ENODEV: not a virtio disk).  For the self-test. */
int virtio_blk_reinit(struct blkdev *dev);

/* `blk info` lines for a virtio disk (report.c). */
void virtio_blk_info_extra(struct blkdev *dev);

#endif
