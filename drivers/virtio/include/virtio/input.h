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
 * SYN_DROPPED, is dropped whole (nothing of it is delivered).  A ring
 * violation resets the device (it then owns no buffer, §3.3) and the
 * driver stays down (VIRTIO_EBROKEN) until probed again.
 *
 * Not thread-safe: the caller serialises calls (masks the interrupt).
 */
#ifndef VIRTIO_INPUT_H
#define VIRTIO_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device.h"
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
	bool started, dead;
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

/* Acknowledge the interrupt, then vinput_poll().  Returns the groups
 * delivered, or VIRTIO_EBROKEN (the device was reset and is down). */
int vinput_interrupt(struct vinput *in);
int vinput_poll(struct vinput *in);

/* Send one event on the status queue (§5.8.6), e.g. EV_LED, LED_CAPSL,
 * 1.  VIRTIO_EUNSUPP when the device did not announce that type and
 * code, VIRTIO_ENOSPC while every status buffer is with the device. */
int vinput_send_status(struct vinput *in, uint16_t type, uint16_t code, int32_t value);

/* Reset the device and take every buffer back (§3.3); the driver is down
 * until vinput_probe() again. */
void vinput_abort(struct vinput *in);

#endif
