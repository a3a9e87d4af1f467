/*
 * virtio-input devices as kernel input devices (kernel/input/): brought up
 * by virtio_attach(), interrupt driven.
 */
#ifndef KERNEL_VIRTIO_INPUT_H
#define KERNEL_VIRTIO_INPUT_H

#include <stdint.h>

#include "virtio/device.h"

/* Bring up an input device; 0 or a VIRTIO_E* error (already printed). */
int virtio_input_attach(struct virtio_device *vdev, const char *where, uint32_t irq);

#endif
