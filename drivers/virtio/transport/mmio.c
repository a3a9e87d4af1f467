/*
 * virtio-mmio transport (§4.2), version 2 and legacy version 1.
 * Control registers take aligned 32-bit accesses only; the device
 * configuration at 0x100 takes its fields' natural widths.
 */
#include "virtio/errors.h"
#include "virtio/mmio.h"
#include "virtio/platform.h"
#include "virtio/virtq.h"
#include "virtio/wire/ring.h"

#include "transport_internal.h"

static inline struct virtio_mmio *to_mmio(struct virtio_device *d)
{
	return (struct virtio_mmio *)d; /* vdev is the first member */
}
static inline uint32_t rd(struct virtio_device *d, uint32_t reg)
{
	return virtio_mmio_read32(to_mmio(d)->base + reg);
}
static inline void wr(struct virtio_device *d, uint32_t reg, uint32_t v)
{
	virtio_mmio_write32(to_mmio(d)->base + reg, v);
}

static uint8_t mmio_get_status(struct virtio_device *d)
{
	return (uint8_t)rd(d, VIRTIO_MMIO_STATUS);
}

static void mmio_set_status(struct virtio_device *d, uint8_t status)
{
	wr(d, VIRTIO_MMIO_STATUS, status);
}

static uint32_t mmio_get_features(struct virtio_device *d, unsigned word)
{
	wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, word);
	return rd(d, VIRTIO_MMIO_DEVICE_FEATURES);
}

static void mmio_set_features(struct virtio_device *d, unsigned word, uint32_t v)
{
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, word);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, v);
}

static uint32_t mmio_config_read(struct virtio_device *d, uint32_t off, unsigned width)
{
	uint32_t v = virtio_mmio_read_width(to_mmio(d)->base + VIRTIO_MMIO_CONFIG + off, width);
	return virtio_config_order(v, width, d->legacy);
}

static void mmio_config_write(struct virtio_device *d, uint32_t off, unsigned width, uint32_t v)
{
	virtio_mmio_write_width(to_mmio(d)->base + VIRTIO_MMIO_CONFIG + off, width,
				virtio_config_order(v, width, d->legacy));
}

static uint32_t mmio_config_generation(struct virtio_device *d)
{
	return d->legacy ? 0 : rd(d, VIRTIO_MMIO_CONFIG_GENERATION);
}

static uint16_t mmio_queue_max(struct virtio_device *d, uint16_t index)
{
	wr(d, VIRTIO_MMIO_QUEUE_SEL, index);
	uint32_t max = rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX);
	return max > VIRTQ_MAX_SIZE ? VIRTQ_MAX_SIZE : (uint16_t)max;
}

/* §4.2.3.2: QueueReady; legacy §4.2.4: a QueuePFN set. */
static bool mmio_queue_live(struct virtio_device *d, uint16_t index)
{
	wr(d, VIRTIO_MMIO_QUEUE_SEL, index);
	return rd(d, d->legacy ? VIRTIO_MMIO_QUEUE_PFN : VIRTIO_MMIO_QUEUE_READY) != 0;
}

static void write64(struct virtio_device *d, uint32_t low_reg, uint64_t v)
{
	wr(d, low_reg, (uint32_t)v);
	wr(d, low_reg + 4, (uint32_t)(v >> 32));
}

/* Legacy takes one page-aligned block, found from its page number alone:
 * the device derives the avail and used rings from the size and
 * QueueAlign (§2.7.2, §4.2.4), so the areas must sit exactly where the
 * legacy layout puts them.  Queue `index` is selected, its PFN read 0 and
 * `size` checked against QueueNumMax by the caller. */
static int legacy_queue_enable(struct virtio_device *d, uint16_t size,
			       const struct virtio_queue_addrs *a)
{
	const uint64_t page = VIRTIO_MMIO_LEGACY_PAGE;
	struct virtq_ring_layout l = virtq_ring_layout(size, VIRTQ_LAYOUT_SPLIT_LEGACY);

	/* QueuePFN is the descriptor table's page number; 0 would tell the
	 * device to stop using the queue, not where its ring is. */
	if (a->desc == 0 || a->desc % page || a->desc / page > 0xffffffffu ||
	    a->driver - a->desc != l.driver - l.desc || a->device - a->desc != l.device - l.desc)
		return VIRTIO_ENOTSUP;
	wr(d, VIRTIO_MMIO_GUEST_PAGE_SIZE, (uint32_t)page);
	wr(d, VIRTIO_MMIO_QUEUE_NUM, size);
	wr(d, VIRTIO_MMIO_QUEUE_ALIGN, VIRTQ_LEGACY_ALIGN);
	wr(d, VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(a->desc / page));
	return VIRTIO_OK;
}

static int mmio_queue_enable(struct virtio_device *d, uint16_t index, uint16_t size,
			     const struct virtio_queue_addrs *a)
{
	wr(d, VIRTIO_MMIO_QUEUE_SEL, index);
	/* §4.2.3.2, §4.2.4: the queue must not be in use while it is
	 * programmed, and that is checked first: a legacy device's
	 * QueueNumMax means nothing for a queue it is using. */
	if (rd(d, d->legacy ? VIRTIO_MMIO_QUEUE_PFN : VIRTIO_MMIO_QUEUE_READY) != 0)
		return VIRTIO_EINVAL;
	uint32_t max = rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (max == 0)
		return VIRTIO_ENOQUEUE;
	if (size > max)
		return VIRTIO_EINVAL;
	if (d->legacy)
		return legacy_queue_enable(d, size, a);
	wr(d, VIRTIO_MMIO_QUEUE_NUM, size);
	write64(d, VIRTIO_MMIO_QUEUE_DESC_LOW, a->desc);
	write64(d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, a->driver);
	write64(d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, a->device);
	wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
	return VIRTIO_OK;
}

static void mmio_notify(struct virtio_device *d, uint16_t index, uint32_t value)
{
	(void)index; /* value already carries it (§2.9) */
	wr(d, VIRTIO_MMIO_QUEUE_NOTIFY, value);
}

static uint32_t mmio_interrupt_ack(struct virtio_device *d)
{
	uint32_t causes = rd(d, VIRTIO_MMIO_INTERRUPT_STATUS) &
			  (VIRTIO_INT_VRING | VIRTIO_INT_CONFIG);
	/* Ack exactly what we will handle, before handling it: a completion
	 * that lands after the ack raises a new interrupt instead of being
	 * lost.  The status read before the ring reads that follow. */
	if (causes)
		wr(d, VIRTIO_MMIO_INTERRUPT_ACK, causes);
	virtio_rmb_io();
	return causes;
}

static const struct virtio_transport_ops mmio_ops = {
	.get_status = mmio_get_status,
	.set_status = mmio_set_status,
	.get_features = mmio_get_features,
	.set_features = mmio_set_features,
	.config_read = mmio_config_read,
	.config_write = mmio_config_write,
	.config_generation = mmio_config_generation,
	.queue_max = mmio_queue_max,
	.queue_live = mmio_queue_live,
	.queue_enable = mmio_queue_enable,
	.notify = mmio_notify,
	.interrupt_ack = mmio_interrupt_ack,
};

int virtio_mmio_probe(struct virtio_mmio *m, uintptr_t base)
{
	/* §4.2.3.1.1: magic, then version, then device ID, nothing else. */
	if (virtio_mmio_read32(base + VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC)
		return VIRTIO_ENODEV;
	uint32_t version = virtio_mmio_read32(base + VIRTIO_MMIO_VERSION);
	if (version != 1 && version != 2)
		return VIRTIO_ENOTSUP;
	uint32_t id = virtio_mmio_read32(base + VIRTIO_MMIO_DEVICE_ID);
	if (id == 0)
		return VIRTIO_ENODEV;

	*m = (struct virtio_mmio){
		.vdev = {
			.ops = &mmio_ops,
			.transport_name = version == 2 ? "virtio-mmio v2" : "virtio-mmio v1 (legacy)",
			.device_id = id,
			.legacy = version == 1,
		},
		.base = base,
		.version = version,
	};
	return VIRTIO_OK;
}
