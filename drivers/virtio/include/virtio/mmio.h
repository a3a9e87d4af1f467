/*
 * The virtio-mmio transport (§4.2): modern (version 2) and legacy
 * (version 1) register layouts behind the ops of device.h.
 */
#ifndef VIRTIO_MMIO_H
#define VIRTIO_MMIO_H

#include <stdint.h>

#include "device.h"
#include "wire/common.h"
#include "wire/mmio.h"

/* The GuestPageSize the library writes to a legacy device: QueuePFN counts
 * in these. */
#define VIRTIO_MMIO_LEGACY_PAGE 4096u

struct virtio_mmio {
	struct virtio_device vdev; /* first: the ops recover the container */
	uintptr_t base;
	uint32_t version;
};

/*
 * Check the slot at `base` (magic, version, device ID, in that order, and
 * nothing else touched): 0 with m->vdev ready for virtio_device_begin(),
 * VIRTIO_ENODEV for an empty slot or a non-virtio window,
 * VIRTIO_ENOTSUP for an unknown version.
 */
int virtio_mmio_probe(struct virtio_mmio *m, uintptr_t base);

#endif
