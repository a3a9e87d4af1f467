/*
 * A VirtIO device as the library sees it: a transport (mmio, pci, or a
 * test simulator) behind a small ops table, plus the negotiated features.
 * Device drivers (blk.c, ...) use only this API and virtq.h; they never
 * touch registers.
 *
 * Initialisation follows §3.1.1:
 *   virtio_device_begin()  reset, ACKNOWLEDGE, DRIVER, feature negotiation,
 *                          FEATURES_OK and its re-read
 *   ... device-specific setup: config reads, virtio_queue_attach() ...
 *   virtio_device_ready()  DRIVER_OK
 * What happens after that (interrupts, abort, recovery) is the device core
 * of driver.h; the state it keeps is in struct virtio_device below.
 */
#ifndef VIRTIO_DEVICE_H
#define VIRTIO_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct virtio_device;
struct virtio_driver_ops;
struct virtq;

/* Interrupt causes, as in the MMIO InterruptStatus / PCI ISR bits. */
#define VIRTIO_INT_VRING  1u
#define VIRTIO_INT_CONFIG 2u

/* Addresses of one queue's three areas, as the device must see them. */
struct virtio_queue_addrs {
	uint64_t desc;   /* descriptor table / packed ring */
	uint64_t driver; /* avail ring / driver event suppression */
	uint64_t device; /* used ring / device event suppression */
};

/* What a transport implements.  None of it is on the per-request path but
 * notify() (and interrupt_ack() once per interrupt). */
struct virtio_transport_ops {
	uint8_t (*get_status)(struct virtio_device *d);
	void (*set_status)(struct virtio_device *d, uint8_t status);
	uint32_t (*get_features)(struct virtio_device *d, unsigned word);
	void (*set_features)(struct virtio_device *d, unsigned word, uint32_t v);
	/* Config space, natural widths 1, 2 or 4; offset from its start.
	 * Values in the CPU's order: a field little-endian on a 1.x device,
	 * in the guest's order on a legacy one (§2.5.3). */
	uint32_t (*config_read)(struct virtio_device *d, uint32_t off, unsigned width);
	void (*config_write)(struct virtio_device *d, uint32_t off, unsigned width, uint32_t v);
	uint32_t (*config_generation)(struct virtio_device *d);
	/* Largest size the device offers for a queue; 0 = no such queue. */
	uint16_t (*queue_max)(struct virtio_device *d, uint16_t index);
	/* Is the queue live on the device already (enabled, or a legacy
	 * PFN set)?  Asked before its memory is touched; NULL when the
	 * transport cannot tell (queue_enable() still refuses it then). */
	bool (*queue_live)(struct virtio_device *d, uint16_t index);
	/* Program and enable a queue (§4.2.3.2, §4.1.5.1.3). */
	int (*queue_enable)(struct virtio_device *d, uint16_t index, uint16_t size,
			    const struct virtio_queue_addrs *a);
	/* Available-buffer notification; value per §2.9 (queue index unless
	 * NOTIFICATION_DATA). */
	void (*notify)(struct virtio_device *d, uint16_t index, uint32_t value);
	/* Read and acknowledge the interrupt causes (VIRTIO_INT_*). */
	uint32_t (*interrupt_ack)(struct virtio_device *d);
	/* Feature bits this transport implements beyond the library's
	 * (PCI: NOTIF_CONFIG_DATA); 0 for none. */
	uint64_t features;
};

/* Where a device is in its life (driver.h moves it along). */
enum virtio_device_state {
	VIRTIO_DEV_SETUP,     /* virtio_device_begin() done, or a re-initialisation
			       * past its negotiation; DRIVER_OK not yet set */
	VIRTIO_DEV_LIVE,      /* DRIVER_OK: requests flow */
	VIRTIO_DEV_RESET_DUE, /* DEVICE_NEEDS_RESET or a device fault was noted;
			       * the device still owns its buffers until the reset */
	VIRTIO_DEV_DOWN,      /* reset, every buffer handed back; not re-initialised */
	VIRTIO_DEV_DEAD,      /* the reset never completed: the buffers stay the
			       * device's, nothing is reclaimed or reused */
};

/* Device events, counted whatever VIRTIO_STATS says (none is per request). */
struct virtio_device_events {
	uint64_t interrupts;     /* virtio_device_interrupt() calls */
	uint64_t spurious;       /* ... that found no cause (e.g. a shared INTx line) */
	uint32_t config_changes; /* configuration-change causes seen */
	uint32_t recoveries;     /* successful re-initialisations */
};

struct virtio_device {
	const struct virtio_transport_ops *ops;
	const char *transport_name; /* "virtio-mmio v2", ... */
	uint32_t device_id;         /* VIRTIO_ID_* */
	bool legacy;                /* pre-1.0 interface: no FEATURES_OK, 32 feature bits */
	uint64_t features;          /* negotiated, valid after virtio_device_begin() */
	uint64_t offered;           /* what the device offered */
	uint8_t status;             /* bits we have set since the last reset */

	/* The device core (driver.h).  virtio_device_begin() sets or clears
	 * all of it; read it, never write it. */
	uint64_t driver_features;   /* asked for again on re-initialisation, */
	uint64_t mask;              /* with the same mask */
	const struct virtio_driver_ops *driver; /* virtio_device_set_driver() */
	void *driver_ctx;
	struct virtq *queues;       /* attached queues, in attach order */
	uint8_t state;              /* enum virtio_device_state */
	bool more;                  /* a drain ran out of budget: poll again */
	struct virtq *draining;     /* the queue virtio_queue_drain() is in:
				     * its kicks wait for the pass (virtio_queue_kick()) */
	uint32_t busy_poll_ns;      /* virtio_device_set_busy_poll(); both kept */
	uint32_t busy_poll_max;     /* across re-initialisation */
	int abort_err;              /* what a due reset completes the buffers with */
	struct virtio_device_events events;
};

static inline bool virtio_has_feature(const struct virtio_device *d, unsigned bit)
{
	return (d->features >> bit) & 1u;
}

/* Reset the device and wait (bounded) until status reads 0 (§2.4.2). */
int virtio_device_reset(struct virtio_device *d);

/*
 * Steps 1-6 of §3.1.1.  `driver_features` are the device-type bits the
 * driver implements; the ring bits the library implements (VERSION_1,
 * INDIRECT_DESC, EVENT_IDX, RING_PACKED, ...) are added here.
 * `mask` removes offered bits before anything is accepted (tests, and a
 * way to force e.g. the split ring): pass ~0ull to take everything.
 * VIRTIO_EFEATURES when the device refuses FEATURES_OK; the device is left
 * FAILED.  Starts a new bring-up: both arguments are kept for
 * re-initialisation, and the device core's state (driver, queues, events)
 * is cleared; the state is VIRTIO_DEV_SETUP.
 */
int virtio_device_begin(struct virtio_device *d, uint64_t driver_features, uint64_t mask);

/* Step 8: DRIVER_OK.  Notifications are legal from here on; the state is
 * VIRTIO_DEV_LIVE. */
void virtio_device_ready(struct virtio_device *d);

/* Set FAILED: something irrecoverable happened (§2.1.2). */
void virtio_device_fail(struct virtio_device *d);

/* True when the device has set DEVICE_NEEDS_RESET (read the status). */
bool virtio_device_needs_reset(struct virtio_device *d);

/*
 * Configuration space (§2.5).  Every read is consistent: the generation
 * counter is read around the accesses and they are retried (bounded, up
 * to VIRTIO_CONFIG_RETRIES times) until it is the same before and after;
 * a legacy device has no counter, so there the accesses are repeated
 * until two rounds agree.  A device whose configuration never settles
 * gives VIRTIO_ETIMEDOUT, and nothing is stored.  Each access has its
 * field's natural width; a 64-bit field is two 32-bit halves, low first.
 *
 * Fields that belong together (limits of one command, a topology) are
 * read with ONE virtio_config_read_fields() call: in one generation, so a
 * change between two of them cannot mix an old value with a new one.
 */
struct virtio_config_field {
	uint32_t off;   /* from the start of the device configuration */
	uint8_t width;  /* 1, 2, 4 or 8 bytes */
	uint16_t count; /* fields of `width` side by side from `off` (an array) */
	void *out;      /* uint8_t, uint16_t, uint32_t or uint64_t [count] */
};
/* One field, its width from what `out` points to:
 *     VIRTIO_CONFIG_FIELD(VIRTIO_BLK_CFG_CAPACITY, &capacity)          */
#define VIRTIO_CONFIG_FIELD(off, out) { (off), sizeof(*(out)), 1, (out) }
/* Most accesses one read makes (a 64-bit field counts two). */
#define VIRTIO_CONFIG_READ_MAX 160u

/* Every field of f[0..n) in one generation.  0; VIRTIO_ETIMEDOUT when the
 * generation never settles; VIRTIO_EINVAL for a width that is not 1, 2, 4
 * or 8, a count of 0, or more than VIRTIO_CONFIG_READ_MAX accesses. */
int virtio_config_read_fields(struct virtio_device *d, const struct virtio_config_field *f,
			      unsigned n);
/* One field (the same rules). */
int virtio_config_read8(struct virtio_device *d, uint32_t off, uint8_t *out);
int virtio_config_read16(struct virtio_device *d, uint32_t off, uint16_t *out);
int virtio_config_read32(struct virtio_device *d, uint32_t off, uint32_t *out);
int virtio_config_read64(struct virtio_device *d, uint32_t off, uint64_t *out);
/* `len` bytes from `off`, byte by byte, in one generation (a string or a
 * bitmap that must not mix two versions); len <= VIRTIO_CONFIG_BYTES_MAX. */
#define VIRTIO_CONFIG_BYTES_MAX VIRTIO_CONFIG_READ_MAX
int virtio_config_read_bytes(struct virtio_device *d, uint32_t off, uint8_t *buf, uint32_t len);

/* A one-byte or four-byte field, written only while the device may be configured:
 * from FEATURES_OK (legacy: DRIVER) until the driver gives up on it.
 * 0; VIRTIO_EINVAL before FEATURES_OK; VIRTIO_EBROKEN when the device is
 * FAILED, due for a reset or down (reset, or a re-initialisation it
 * refused); VIRTIO_EDEAD when its reset never completed. */
int virtio_config_write8(struct virtio_device *d, uint32_t off, uint8_t v);
int virtio_config_write32(struct virtio_device *d, uint32_t off, uint32_t v);

/* Largest queue size the device offers at `index` (0: no such queue). */
uint16_t virtio_queue_max(struct virtio_device *d, uint16_t index);

/* Read and acknowledge the transport's interrupt status (VIRTIO_INT_*). */
static inline uint32_t virtio_interrupt_ack(struct virtio_device *d)
{
	return d->ops->interrupt_ack(d);
}

/* Deadlines: every bounded wait in the library uses this budget. */
#ifndef VIRTIO_RESET_TIMEOUT_NS
#define VIRTIO_RESET_TIMEOUT_NS 1000000000ull /* 1 s */
#endif
#ifndef VIRTIO_CONFIG_RETRIES
#define VIRTIO_CONFIG_RETRIES 64
#endif

#endif
