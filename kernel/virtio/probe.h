/*
 * The kernel's side of the VirtIO library: find virtio devices (mmio slots
 * from the device tree here, PCI functions in pci_probe.c), bring up
 * those the library drives, and plug them into the kernel's registries
 * (block devices, PLIC handlers).
 */
#ifndef KERNEL_VIRTIO_PROBE_H
#define KERNEL_VIRTIO_PROBE_H

#include <stdint.h>

#include "kernel/selftest/selftest.h"
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

/* The self-test suite that checks what was negotiated (report.c). */
void virtio_selftest_suite(struct selftest_ctx *t);

#endif
