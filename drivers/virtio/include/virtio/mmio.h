/*
 * The virtio-mmio transport (§4.2): modern (version 2) and legacy
 * (version 1) register layouts behind the ops of device.h.
 */
#ifndef VIRTIO_MMIO_H
#define VIRTIO_MMIO_H

#include <stdint.h>

#include "device.h"
#include "spec.h"

/* Register offsets (§4.2.2); R = read-only, W = write-only. */
#define VIRTIO_MMIO_MAGIC_VALUE         0x000 /* R: "virt" */
#define VIRTIO_MMIO_VERSION             0x004 /* R: 2 modern, 1 legacy */
#define VIRTIO_MMIO_DEVICE_ID           0x008 /* R: 0 = empty slot */
#define VIRTIO_MMIO_VENDOR_ID           0x00c /* R */
#define VIRTIO_MMIO_DEVICE_FEATURES     0x010 /* R: word chosen by ..._SEL */
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014 /* W */
#define VIRTIO_MMIO_DRIVER_FEATURES     0x020 /* W */
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024 /* W */
#define VIRTIO_MMIO_GUEST_PAGE_SIZE     0x028 /* W, legacy only */
#define VIRTIO_MMIO_QUEUE_SEL           0x030 /* W */
#define VIRTIO_MMIO_QUEUE_NUM_MAX       0x034 /* R */
#define VIRTIO_MMIO_QUEUE_NUM           0x038 /* W */
#define VIRTIO_MMIO_QUEUE_ALIGN         0x03c /* W, legacy only */
#define VIRTIO_MMIO_QUEUE_PFN           0x040 /* RW, legacy only */
#define VIRTIO_MMIO_QUEUE_READY         0x044 /* RW, modern only */
#define VIRTIO_MMIO_QUEUE_NOTIFY        0x050 /* W */
#define VIRTIO_MMIO_INTERRUPT_STATUS    0x060 /* R */
#define VIRTIO_MMIO_INTERRUPT_ACK       0x064 /* W */
#define VIRTIO_MMIO_STATUS              0x070 /* RW */
#define VIRTIO_MMIO_QUEUE_DESC_LOW      0x080 /* W, modern only */
#define VIRTIO_MMIO_QUEUE_DESC_HIGH     0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW    0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH   0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW    0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH   0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION   0x0fc /* R, modern only */
#define VIRTIO_MMIO_CONFIG              0x100 /* device-specific */

#define VIRTIO_MMIO_MAGIC 0x74726976u /* "virt", little-endian */
#define VIRTIO_MMIO_LEGACY_PAGE 4096u /* GuestPageSize and QueueAlign we use */

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
