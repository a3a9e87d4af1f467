/*
 * virtio-console devices: brought up by virtio_attach(), each port
 * plugged into the console-port registry (kernel/console/console.h) as
 * the device announces it, and the device's emergency write offered to
 * panic().
 */
#ifndef KERNEL_VIRTIO_CONSOLE_H
#define KERNEL_VIRTIO_CONSOLE_H

#include <stdint.h>

#include "virtio/device.h"

/* Bring up a console device interrupting on `irq`; 0 or a VIRTIO_E* error
 * (already printed with `where`). */
int virtio_console_attach(struct virtio_device *vdev, const char *where, uint32_t irq);

#endif
