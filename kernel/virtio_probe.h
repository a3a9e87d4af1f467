/*
 * The kernel's side of the VirtIO library: find every virtio-mmio slot in
 * the device tree, bring up the devices the library drives, and plug them
 * into the kernel's registries (block devices, PLIC handlers).
 */
#ifndef KERNEL_VIRTIO_PROBE_H
#define KERNEL_VIRTIO_PROBE_H

#include "kernel/blkdev.h"
#include "virtio/blk.h"

void virtio_probe_all(void);

/* The virtio-blk driver state behind a registered disk (NULL when the
 * disk is not a virtio one): for `blk info` and the self-test. */
struct vblk *virtio_blkdev_driver(struct blkdev *dev);

#endif
