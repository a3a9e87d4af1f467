/*
 * Network devices (virtio-net) for the netdev registry: brought up by
 * virtio_attach(), driven by interrupt.
 */
#ifndef KERNEL_VIRTIO_NET_H
#define KERNEL_VIRTIO_NET_H

#include <stdint.h>

#include "virtio/device.h"

/* Bring up a network device whose interrupt is `irq` and register it as
 * the next netN; 0 or a VIRTIO_E* error (already printed with `where`). */
int virtio_net_attach(struct virtio_device *vdev, const char *where, uint32_t irq);

#endif
