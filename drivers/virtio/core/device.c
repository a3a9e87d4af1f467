/*
 * Device initialisation (§3.1.1), feature negotiation (§2.2) and
 * consistent configuration reads (§2.5.1: one generation per read of any
 * number of fields), over any transport.
 */
#include "device_internal.h"
#include "virtio/errors.h"
#include "virtio/platform.h"
#include "virtio/spec.h"

/* Ring and transport features this library implements on every
 * transport (a transport adds its own: ops->features).  Anything else
 * offered is declined, never a reason to fail (§2.2).  ORDER_PLATFORM
 * asks for the barriers of hardware devices (§6), and the platform hooks
 * are those already (platform_default.h): nothing changes when it is
 * negotiated. */
#define LIBRARY_FEATURES                                                       \
	(VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | \
	 VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_ACCESS_PLATFORM) | \
	 VIRTIO_BIT(VIRTIO_F_RING_PACKED) | VIRTIO_BIT(VIRTIO_F_ORDER_PLATFORM) | \
	 VIRTIO_BIT(VIRTIO_F_NOTIFICATION_DATA))
/* The ring bits of 1.x have no legacy meaning; ANY_LAYOUT is legacy only,
 * and a transitional driver must accept it when offered (§6.3): every
 * chain the library builds is valid with or without it. */
#define NOT_LEGACY_FEATURES \
	(VIRTIO_BIT(VIRTIO_F_RING_PACKED) | VIRTIO_BIT(VIRTIO_F_NOTIFICATION_DATA))
#define LEGACY_FEATURES VIRTIO_BIT(VIRTIO_F_ANY_LAYOUT)

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
	d->draining = NULL;
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

	uint64_t want = driver_features | LIBRARY_FEATURES | d->ops->features;
	if (d->legacy)
		want = (want & ~NOT_LEGACY_FEATURES) | LEGACY_FEATURES;
	want &= mask;
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

/* What walk() does with each access of a field list. */
enum pass { READ, COMPARE, STORE };

/* The accesses of a field list, in order: READ them into v[], COMPARE
 * them with v[] (false when a value differs), or STORE v[] into the
 * fields' outputs, at their widths.  One loop for the three, and byte
 * stores for every width: this runs at bring-up, where each distinct
 * branch is a block QEMU translates for that one use (issue 14).  A
 * 64-bit field is two 32-bit accesses, low half first; the low half goes
 * where the guest keeps it, except in a legacy field of a big-endian
 * guest, which comes in the guest's own order already (§2.5.3). */
static bool walk(struct virtio_device *d, const struct virtio_config_field *f, unsigned n,
		 uint32_t *v, enum pass pass)
{
	bool same = true;
	unsigned k = 0, swap = VIRTIO_CPU_BIG_ENDIAN && !d->legacy;

	for (unsigned i = 0; i < n; i++) {
		unsigned wide = f[i].width == 8, width = wide ? 4 : f[i].width;
		unsigned accesses = (unsigned)f[i].count << wide;
		for (unsigned a = 0; a < accesses; a++, k++) {
			if (pass == STORE) {
				uint8_t *out = (uint8_t *)f[i].out + width * (a ^ (wide & swap));
				for (unsigned b = 0; b < width; b++)
					out[VIRTIO_CPU_BIG_ENDIAN ? width - 1 - b : b] =
						(uint8_t)(v[k] >> (8 * b));
				continue;
			}
			uint32_t x = d->ops->config_read(d, f[i].off + a * width, width);
			if (pass == COMPARE)
				same &= x == v[k];
			else
				v[k] = x;
		}
	}
	return same;
}

int virtio_config_read_fields(struct virtio_device *d, const struct virtio_config_field *f,
			      unsigned n)
{
	uint32_t v[VIRTIO_CONFIG_READ_MAX];
	unsigned accesses = 0;

	for (unsigned i = 0; i < n; i++) {
		unsigned w = f[i].width;
		/* One test for all: a width that is not 1, 2, 4 or 8 (bits
		 * 1, 2, 4 and 8 of 0x116), no element, no output, too many
		 * accesses (checked every field: the sum never wraps). */
		accesses += f[i].count * (w == 8 ? 2u : 1u);
		if ((w > 8) | (((0x116u >> (w & 15)) & 1) == 0) | (f[i].count == 0) | (f[i].out == NULL) |
		    (accesses > VIRTIO_CONFIG_READ_MAX))
			return VIRTIO_EINVAL;
	}
	for (unsigned tries = 0; tries < VIRTIO_CONFIG_RETRIES; tries++) {
		uint32_t before = d->ops->config_generation(d);
		walk(d, f, n, v, READ);
		/* Legacy has no generation counter: the same values twice. */
		if (d->legacy ? walk(d, f, n, v, COMPARE)
			      : d->ops->config_generation(d) == before) {
			walk(d, f, n, v, STORE);
			return VIRTIO_OK;
		}
		virtio_relax();
	}
	return VIRTIO_ETIMEDOUT;
}

/* One field: virtio_config_read8() .. virtio_config_read64(). */
#define CONFIG_READ_ONE(bits)                                                            \
	int virtio_config_read##bits(struct virtio_device *d, uint32_t off, uint##bits##_t *out) \
	{                                                                                \
		struct virtio_config_field f = VIRTIO_CONFIG_FIELD(off, out);            \
		return virtio_config_read_fields(d, &f, 1);                              \
	}
CONFIG_READ_ONE(8)
CONFIG_READ_ONE(16)
CONFIG_READ_ONE(32)
CONFIG_READ_ONE(64)
#undef CONFIG_READ_ONE

int virtio_config_read_bytes(struct virtio_device *d, uint32_t off, uint8_t *buf, uint32_t len)
{
	if (len > VIRTIO_CONFIG_BYTES_MAX)
		return VIRTIO_EINVAL;
	if (len == 0)
		return VIRTIO_OK;
	struct virtio_config_field f = { off, 1, (uint16_t)len, buf };
	return virtio_config_read_fields(d, &f, 1);
}

/* Config space may be written from FEATURES_OK on (§3.1.1 step 4; a
 * legacy device has no such step: from DRIVER on) until the driver gives
 * up on the device (FAILED) or it needs, or went through, a reset. */
static int config_writable(const struct virtio_device *d)
{
	if (d->state != VIRTIO_DEV_SETUP && d->state != VIRTIO_DEV_LIVE)
		return virtio_device_error(d); /* EDEAD, or EBROKEN while down */
	if (d->status & VIRTIO_STATUS_FAILED)
		return VIRTIO_EBROKEN;
	if (!(d->status & (d->legacy ? VIRTIO_STATUS_DRIVER : VIRTIO_STATUS_FEATURES_OK)))
		return VIRTIO_EINVAL;
	return VIRTIO_OK;
}

int virtio_config_write8(struct virtio_device *d, uint32_t off, uint8_t v)
{
	int rc = config_writable(d);
	if (rc == VIRTIO_OK)
		d->ops->config_write(d, off, 1, v);
	return rc;
}

int virtio_config_write32(struct virtio_device *d, uint32_t off, uint32_t v)
{
	int rc = config_writable(d);
	if (rc == VIRTIO_OK)
		d->ops->config_write(d, off, 4, v);
	return rc;
}
