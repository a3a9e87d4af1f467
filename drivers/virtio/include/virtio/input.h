/*
 * virtio-input (§5.8): keyboards, mice, tablets.  No features; an event
 * queue the driver keeps stocked with 8-byte device-writable buffers and a
 * status queue for feedback such as keyboard LEDs.  Events follow Linux
 * evdev (type, code, value).
 *
 *   vinput_probe()         negotiate, then read the whole configuration:
 *                          name, serial, ids, properties, the codes of
 *                          every event type, the range of every axis
 *   vinput_queue_mem_bytes() / vinput_attach_queue()   both queues
 *   vinput_start()         stock the event queue, DRIVER_OK
 *   vinput_interrupt() / vinput_poll()   take events; complete groups go
 *                          to the deliver callback
 *   vinput_send_status()   e.g. EV_LED LED_CAPSL 1 on the status queue
 *
 * The device is not trusted.  A configuration answer of the wrong size,
 * or one that does not echo the selector it answers, counts as absent
 * (info.bad_answers).  Every event is checked before it is delivered:
 * its length (exactly 8 bytes), its type and code (announced by the
 * device's EV_BITS, else ignored as §5.8.6 asks), a key value (0 up, 1
 * down, 2 repeat), an absolute value (clamped into the axis range).
 * Events are held until EV_SYN/SYN_REPORT and delivered as one group; a
 * group longer than VINPUT_GROUP_MAX, or one the device ends with
 * SYN_DROPPED, is dropped whole (nothing of it is delivered).
 *
 * The device's life after vinput_start() is the device core's (driver.h)
 * on in->vdev.  A ring violation or DEVICE_NEEDS_RESET is only noted by
 * the interrupt (VIRTIO_EBROKEN / VIRTIO_ERESET, vinput_pending() says
 * VIRTIO_PENDING_RECOVER); the caller's main loop then calls
 * vinput_recover(): a checked reset (the buffers come back only once it
 * completed, §3.3), the same queues in the same memory, the event queue
 * stocked again, DRIVER_OK.  A group cut short by the reset is dropped.
 * A reset that never completes leaves every buffer with the device
 * (VIRTIO_EDEAD).
 *
 * Not thread-safe: the caller serialises calls (masks the interrupt).
 */
#ifndef VIRTIO_INPUT_H
#define VIRTIO_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "driver.h"
#include "virtq.h"

#define VINPUT_EV_TYPES   32u  /* evdev types 0..EV_MAX (0x1f) */
#define VINPUT_BITMAP_MAX 128u /* bytes of one configuration answer */
#define VINPUT_ABS_AXES   64u  /* evdev ABS_CNT */
#define VINPUT_GROUP_MAX  64u  /* events held until their SYN_REPORT */

/* The evdev values the driver itself interprets. */
#define VINPUT_EV_SYN      0x00u
#define VINPUT_EV_KEY      0x01u
#define VINPUT_EV_ABS      0x03u
#define VINPUT_SYN_REPORT  0u
#define VINPUT_SYN_DROPPED 3u

/* One event, in CPU byte order, after validation. */
struct vinput_event {
	uint16_t type;
	uint16_t code;
	int32_t value;
};

struct vinput_absinfo {
	int32_t min, max, fuzz, flat, res;
};

/* What the configuration space said (§5.8.4). */
struct vinput_info {
	char name[VINPUT_BITMAP_MAX + 1];   /* ID_NAME, printable ASCII, NUL-terminated */
	char serial[VINPUT_BITMAP_MAX + 1]; /* ID_SERIAL, "" when absent */
	bool has_ids;                       /* ID_DEVIDS answered */
	uint16_t bustype, vendor, product, version;
	uint8_t props[VINPUT_BITMAP_MAX];   /* PROP_BITS: INPUT_PROP_* */
	uint32_t ev_types;                  /* bit t: EV_BITS(t) answered */
	uint8_t ev_bits[VINPUT_EV_TYPES][VINPUT_BITMAP_MAX]; /* codes per type */
	uint64_t abs_axes;                  /* bit a: abs[a] is valid */
	struct vinput_absinfo abs[VINPUT_ABS_AXES];
	unsigned bad_answers;               /* answers refused as malformed */
};

static inline bool vinput_has_code(const struct vinput_info *i, unsigned type, unsigned code)
{
	return type < VINPUT_EV_TYPES && code < 8 * VINPUT_BITMAP_MAX &&
	       ((i->ev_types >> type) & 1u) && ((i->ev_bits[type][code / 8] >> (code % 8)) & 1u);
}

struct vinput_stats {
	uint64_t events;         /* accepted into a group */
	uint64_t groups;         /* delivered */
	uint64_t unknown;        /* a type or code the device never announced: ignored */
	uint64_t invalid;        /* a key value other than 0, 1, 2: ignored */
	uint64_t malformed;      /* a used length other than 8 bytes: ignored */
	uint64_t clamped;        /* absolute values outside the axis range */
	uint64_t dropped_groups; /* too long without SYN_REPORT, or SYN_DROPPED */
	uint64_t status_sent, status_done;
	uint64_t config_changes;
};

/* A complete group (without its SYN_REPORT), n >= 1.  Called from
 * vinput_interrupt()/vinput_poll(); it may call vinput_send_status(). */
typedef void (*vinput_deliver_fn)(void *ctx, const struct vinput_event *ev, unsigned n);

/* One queue as the driver keeps it: the ring and one 8-byte buffer per
 * entry, all in the caller's memory. */
struct vinput_queue {
	struct virtq vq;
	uint8_t *bufs;  /* [size][8], DMA-reachable */
	uint16_t *free; /* status queue: free buffer indices */
	uint16_t nfree;
};

struct vinput {
	struct virtio_device *vdev;
	uint64_t mask;
	struct vinput_info info;
	struct vinput_queue eventq, statusq;
	bool started;    /* vinput_start() succeeded */
	vinput_deliver_fn deliver;
	void *ctx;
	struct vinput_event group[VINPUT_GROUP_MAX];
	unsigned ngroup;
	bool discarding; /* the current group is dropped up to its SYN_REPORT */
	struct vinput_stats stats;
};

/* Negotiate (no device features) and read the configuration, every
 * select/subsel write after FEATURES_OK.  VIRTIO_ENOQUEUE without an
 * event queue; VIRTIO_ETIMEDOUT when the configuration never settles. */
int vinput_probe(struct vinput *in, struct virtio_device *vdev, uint64_t mask);

/* Memory for a queue of `size` entries with its buffers
 * (VIRTQ_MEM_ALIGN-aligned, DMA-reachable). */
size_t vinput_queue_mem_bytes(uint16_t size);

/* index 0: the event queue (required); 1: the status queue (optional:
 * without it vinput_send_status() says VIRTIO_ENOQUEUE). */
int vinput_attach_queue(struct vinput *in, uint16_t index, uint16_t size, void *mem,
			size_t mem_len);

/* Post every event buffer, DRIVER_OK, notify.  deliver gets each group. */
int vinput_start(struct vinput *in, vinput_deliver_fn deliver, void *ctx);

/* The interrupt handler body (virtio_device_interrupt()), and the same
 * drain without reading the interrupt status.  The groups delivered, or
 * the core's error: VIRTIO_EBROKEN (a fault, or a reset due),
 * VIRTIO_ERESET (DEVICE_NEEDS_RESET just seen), VIRTIO_EDEAD.  Never
 * resets: see vinput_pending(). */
int vinput_interrupt(struct vinput *in);
int vinput_poll(struct vinput *in);

/* What the main loop owes the device (virtio_device_pending()):
 * VIRTIO_PENDING_POLL (vinput_poll()), VIRTIO_PENDING_RECOVER
 * (vinput_recover()). */
static inline unsigned vinput_pending(const struct vinput *in)
{
	return virtio_device_pending(in->vdev);
}

/* Bring the device back (virtio_device_recover()) and notify it of the
 * re-stocked event queue.  0 when live (also when it already was),
 * VIRTIO_EDEAD when the reset still does not complete, VIRTIO_EINVAL
 * before vinput_start().  Waits (bounded): never from the interrupt. */
int vinput_recover(struct vinput *in);

/* Send one event on the status queue (§5.8.6), e.g. EV_LED, LED_CAPSL,
 * 1.  VIRTIO_EUNSUPP when the device did not announce that type and
 * code, VIRTIO_ENOSPC while every status buffer is with the device. */
int vinput_send_status(struct vinput *in, uint16_t type, uint16_t code, int32_t value);

/* Reset the device (virtio_device_abort()): every buffer is ours again
 * once the reset completed (§3.3), and the driver is down until
 * vinput_recover().  VIRTIO_EDEAD when the reset never completes: the
 * device keeps every buffer.  Waits (bounded): never from the interrupt. */
int vinput_abort(struct vinput *in);

#endif
