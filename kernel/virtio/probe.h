/*
 * The kernel's side of the VirtIO library: find virtio devices (mmio slots
 * from the device tree here, PCI functions in pci_probe.c), bring up
 * those the library drives, and plug them into the kernel's registries
 * (block devices, PLIC handlers).
 */
#ifndef KERNEL_VIRTIO_PROBE_H
#define KERNEL_VIRTIO_PROBE_H

#include <stdint.h>

#include "kernel/blk/blkdev.h"
#include "kernel/selftest/selftest.h"
#include "virtio/blk.h"
#include "virtio/device.h"

void virtio_probe_all(void);

/*
 * Bring up a device found by a transport probe.  `vdev` must stay valid
 * forever (static storage); `where` is copied into the transport line of
 * `blk list` ("virtio-mmio v2 @0x10008000 irq 8").  `irq` is the PLIC
 * source its interrupt arrives on.  0, or a VIRTIO_E* error already
 * printed with `where`.
 */
int virtio_attach(struct virtio_device *vdev, const char *where, uint32_t irq);

/* The virtio-blk driver state behind a registered disk (NULL when the
 * disk is not a virtio one): for `blk info` and the self-test. */
struct vblk *virtio_blkdev_driver(struct blkdev *dev);

/* The PLIC source a virtio disk interrupts on (0 when not a virtio disk). */
uint32_t virtio_blkdev_irq(struct blkdev *dev);

/* `blk info` lines for a virtio disk, and the self-test suite that checks
 * what was negotiated (report.c). */
void virtio_blk_info_extra(struct blkdev *dev);
void virtio_selftest_suite(struct selftest_ctx *t);

#endif
