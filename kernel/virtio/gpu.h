/*
 * virtio-gpu devices as kernel displays (kernel/display/display.h):
 * brought up by virtio_attach(), then used only through the display
 * interface.
 */
#ifndef KERNEL_VIRTIO_GPU_H
#define KERNEL_VIRTIO_GPU_H

#include <stdint.h>

#include "virtio/device.h"

/* Bring up a GPU and register its display; 0 or a VIRTIO_E* error
 * (already printed with `where`).  Completions and display-change events
 * arrive on `irq`. */
int virtio_gpu_attach(struct virtio_device *vdev, const char *where, uint32_t irq);

#endif
