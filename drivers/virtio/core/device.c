/*
 * Device initialisation (§3.1.1), feature negotiation (§2.2) and
 * consistent configuration reads (§2.5.1), over any transport.
 */
#include "device_internal.h"
#include "virtio/errors.h"
#include "virtio/platform.h"
#include "virtio/spec.h"

/* Ring and transport features this library implements.  Anything else
 * offered is declined, never a reason to fail (§2.2). */
#define LIBRARY_FEATURES                                                       \
	(VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | \
	 VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_ACCESS_PLATFORM) | \
	 VIRTIO_BIT(VIRTIO_F_RING_PACKED) | VIRTIO_BIT(VIRTIO_F_NOTIFICATION_DATA))

static void add_status(struct virtio_device *d, uint8_t bit)
{
	d->status |= bit;
	d->ops->set_status(d, d->status);
}

int virtio_device_reset(struct virtio_device *d)
{
	uint64_t deadline = virtio_time_ns() + VIRTIO_RESET_TIMEOUT_NS;

	d->ops->set_status(d, 0);
	/* §2.4.2: the reset is complete only once status reads back 0.  Until
	 * then the device keeps its old status, and so does our copy: a later
	 * FAILED must not look like bits being cleared. */
	while (d->ops->get_status(d) != 0) {
		if (virtio_time_ns() > deadline)
			return VIRTIO_ETIMEDOUT;
		virtio_relax();
	}
	d->status = 0;
	return VIRTIO_OK;
}

int virtio_device_begin(struct virtio_device *d, uint64_t driver_features, uint64_t mask)
{
	d->driver_features = driver_features;
	d->mask = mask;
	d->driver = NULL;
	d->driver_ctx = NULL;
	d->queues = NULL;
	d->state = VIRTIO_DEV_SETUP;
	d->more = false;
	d->abort_err = 0;
	d->events = (struct virtio_device_events){ 0 };
	return virtio_device_negotiate(d);
}

int virtio_device_negotiate(struct virtio_device *d)
{
	uint64_t driver_features = d->driver_features, mask = d->mask;
	int rc = virtio_device_reset(d);
	if (rc)
		return rc;
	add_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
	add_status(d, VIRTIO_STATUS_DRIVER);

	unsigned words = d->legacy ? 1 : 2; /* legacy: 32 feature bits (§4.2.4) */
	d->offered = 0;
	for (unsigned w = 0; w < words; w++)
		d->offered |= (uint64_t)d->ops->get_features(d, w) << (32 * w);

	uint64_t want = (driver_features | LIBRARY_FEATURES) & mask;
	if (d->legacy) /* the ring bits of 1.x have no legacy meaning */
		want &= ~(VIRTIO_BIT(VIRTIO_F_RING_PACKED) |
			  VIRTIO_BIT(VIRTIO_F_NOTIFICATION_DATA));
	d->features = d->offered & want;
	if (!d->legacy && !virtio_has_feature(d, VIRTIO_F_VERSION_1)) {
		/* A modern transport with a device that will not speak 1.x. */
		virtio_device_fail(d);
		return VIRTIO_ENOTSUP;
	}
	for (unsigned w = 0; w < words; w++)
		d->ops->set_features(d, w, (uint32_t)(d->features >> (32 * w)));
	if (d->legacy)
		return VIRTIO_OK; /* §3.1.2: no FEATURES_OK step */

	add_status(d, VIRTIO_STATUS_FEATURES_OK);
	/* §3.1.1 step 6: the device may refuse the subset. */
	if (!(d->ops->get_status(d) & VIRTIO_STATUS_FEATURES_OK)) {
		virtio_device_fail(d);
		return VIRTIO_EFEATURES;
	}
	return VIRTIO_OK;
}

void virtio_device_ready(struct virtio_device *d)
{
	/* Ring set-up stores before the device goes live. */
	virtio_wmb_io();
	add_status(d, VIRTIO_STATUS_DRIVER_OK);
	d->state = VIRTIO_DEV_LIVE;
}

void virtio_device_set_driver(struct virtio_device *d, const struct virtio_driver_ops *ops,
			      void *ctx)
{
	d->driver = ops;
	d->driver_ctx = ctx;
}

void virtio_device_fail(struct virtio_device *d)
{
	add_status(d, VIRTIO_STATUS_FAILED);
}

bool virtio_device_needs_reset(struct virtio_device *d)
{
	return d->ops->get_status(d) & VIRTIO_STATUS_DEVICE_NEEDS_RESET;
}

uint16_t virtio_queue_max(struct virtio_device *d, uint16_t index)
{
	return d->ops->queue_max(d, index);
}

/*
 * Read `width` bytes at `off` until two generation readings around it
 * agree.  Legacy has no generation counter: agree means the same value
 * twice.  Bounded: a device that churns forever gets VIRTIO_ETIMEDOUT.
 */
static int config_read_stable(struct virtio_device *d, uint32_t off,
			      unsigned width, unsigned count, uint32_t *out)
{
	for (unsigned tries = 0; tries < VIRTIO_CONFIG_RETRIES; tries++) {
		uint32_t before = d->ops->config_generation(d);
		for (unsigned i = 0; i < count; i++)
			out[i] = d->ops->config_read(d, off + i * width, width);
		if (d->legacy) {
			bool same = true;
			for (unsigned i = 0; i < count; i++)
				same &= d->ops->config_read(d, off + i * width, width) == out[i];
			if (same)
				return VIRTIO_OK;
		} else if (d->ops->config_generation(d) == before) {
			return VIRTIO_OK;
		}
		virtio_relax();
	}
	return VIRTIO_ETIMEDOUT;
}

/* Single fields of 32 bits or less are read atomically by the transport;
 * the loop still matters for a value that must match other fields, and
 * costs two register reads here. */
uint8_t virtio_config_read8(struct virtio_device *d, uint32_t off)
{
	uint32_t v = 0;
	config_read_stable(d, off, 1, 1, &v);
	return (uint8_t)v;
}

uint16_t virtio_config_read16(struct virtio_device *d, uint32_t off)
{
	uint32_t v = 0;
	config_read_stable(d, off, 2, 1, &v);
	return (uint16_t)v;
}

uint32_t virtio_config_read32(struct virtio_device *d, uint32_t off)
{
	uint32_t v = 0;
	config_read_stable(d, off, 4, 1, &v);
	return v;
}

int virtio_config_read64(struct virtio_device *d, uint32_t off, uint64_t *out)
{
	uint32_t half[2];
	int rc = config_read_stable(d, off, 4, 2, half);
	/* The low half comes first, except in a legacy field of a
	 * big-endian guest: the guest's own order (§2.5.3). */
	unsigned lo = d->legacy && VIRTIO_CPU_BIG_ENDIAN;
	if (rc == VIRTIO_OK)
		*out = (uint64_t)half[1 - lo] << 32 | half[lo];
	return rc;
}

int virtio_config_read_bytes(struct virtio_device *d, uint32_t off, uint8_t *buf, uint32_t len)
{
	uint32_t v[VIRTIO_CONFIG_BYTES_MAX];
	if (len > VIRTIO_CONFIG_BYTES_MAX)
		return VIRTIO_EINVAL;
	int rc = config_read_stable(d, off, 1, len, v);
	for (uint32_t i = 0; rc == VIRTIO_OK && i < len; i++)
		buf[i] = (uint8_t)v[i];
	return rc;
}

void virtio_config_write8(struct virtio_device *d, uint32_t off, uint8_t v)
{
	d->ops->config_write(d, off, 1, v);
}
