/*
 * virtio-input driver (§5.8) over the device core (driver.h): both queues
 * are attached to it with a done() each, so interrupts, polls, the
 * checked abort and the recovery after DEVICE_NEEDS_RESET or a fault are
 * the core's (a device that never stops sending is bounded by its drain
 * budget).
 *
 * Probe reads the configuration with one select/subsel query per item
 * (§5.8.4), after FEATURES_OK.  Each event buffer is one 8-byte
 * device-writable descriptor whose token is the buffer itself; a used
 * buffer is read, checked, and posted again at once, so the event queue
 * never runs dry (§5.8.6: "SHOULD keep the eventq populated").  Events
 * gather in `group` until SYN_REPORT.  Status buffers come from a small
 * free stack and return to it when the device is done with them.
 */
#include "input_wire.h"
#include "virtio/errors.h"
#include "virtio/input.h"
#include "virtio/platform.h"

#define EVENT_BYTES ((uint32_t)sizeof(struct virtio_input_event))

/* ---- configuration (§5.8.4) ------------------------------------------ */

/*
 * One query: write select and subsel, read size, then the header and the
 * answer in one generation.  VIRTIO_OK with *size the answer's size (0:
 * none), or a negative error (*size 0): the size apart from the error, so
 * no caller can take one for the other.  An answer longer than the union,
 * or one whose header does not echo our selector (a device that ignores
 * it, or changed meanwhile), counts as none.
 */
static int query(struct vinput *in, uint8_t select, uint8_t subsel, uint8_t *out,
		 unsigned *size_out)
{
	struct virtio_device *d = in->vdev;
	uint8_t raw[VIRTIO_INPUT_CFG_U + VIRTIO_INPUT_CFG_U_MAX];

	uint8_t size = 0;
	*size_out = 0;
	int rc = virtio_config_write8(d, VIRTIO_INPUT_CFG_SELECT, select);
	if (rc == VIRTIO_OK)
		rc = virtio_config_write8(d, VIRTIO_INPUT_CFG_SUBSEL, subsel);
	if (rc == VIRTIO_OK)
		rc = virtio_config_read8(d, VIRTIO_INPUT_CFG_SIZE, &size);
	if (rc || size == 0)
		return rc;
	if (size > VIRTIO_INPUT_CFG_U_MAX) {
		in->info.bad_answers++;
		return VIRTIO_OK;
	}
	rc = virtio_config_read_bytes(d, 0, raw, VIRTIO_INPUT_CFG_U + size);
	if (rc)
		return rc;
	if (raw[VIRTIO_INPUT_CFG_SELECT] != select || raw[VIRTIO_INPUT_CFG_SUBSEL] != subsel ||
	    raw[VIRTIO_INPUT_CFG_SIZE] != size) {
		in->info.bad_answers++;
		return VIRTIO_OK;
	}
	for (unsigned i = 0; i < size; i++)
		out[i] = raw[VIRTIO_INPUT_CFG_U + i];
	*size_out = size;
	return VIRTIO_OK;
}

static uint32_t le32_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16_at(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Strings carry no NUL (§5.8.4); keep them printable for whoever shows them. */
static int read_string(struct vinput *in, uint8_t select, char *dst)
{
	uint8_t buf[VINPUT_BITMAP_MAX];
	unsigned n;
	int rc = query(in, select, 0, buf, &n);
	unsigned i;
	for (i = 0; i < n && buf[i]; i++)
		dst[i] = buf[i] >= 0x20 && buf[i] < 0x7f ? (char)buf[i] : '?';
	dst[i] = '\0';
	return rc;
}

/* A fixed-size answer: *got says whether one of exactly `want` bytes came;
 * any other size is malformed, taken as absent. */
static int query_exact(struct vinput *in, uint8_t select, uint8_t subsel, uint8_t *out,
		       unsigned want, bool *got)
{
	unsigned n;
	int rc = query(in, select, subsel, out, &n);
	if (n && n != want)
		in->info.bad_answers++;
	*got = rc == VIRTIO_OK && n == want;
	return rc;
}

static int read_ids(struct vinput *in)
{
	uint8_t b[VINPUT_BITMAP_MAX];
	bool got;
	int rc = query_exact(in, VIRTIO_INPUT_CFG_ID_DEVIDS, 0, b,
			     sizeof(struct virtio_input_devids), &got);
	if (rc || !got)
		return rc;
	in->info.has_ids = true;
	in->info.bustype = le16_at(b);
	in->info.vendor = le16_at(b + 2);
	in->info.product = le16_at(b + 4);
	in->info.version = le16_at(b + 6);
	return VIRTIO_OK;
}

/* The range of each absolute axis the device announced.  An axis without
 * a well-formed range is removed: its events are then ignored. */
static int read_axes(struct vinput *in)
{
	struct vinput_info *i = &in->info;
	uint8_t *bits = i->ev_bits[VINPUT_EV_ABS];

	for (unsigned a = 0; a < 8 * VINPUT_BITMAP_MAX; a++) {
		if (!((bits[a / 8] >> (a % 8)) & 1u))
			continue;
		uint8_t b[VINPUT_BITMAP_MAX];
		bool got = false;
		if (a < VINPUT_ABS_AXES) {
			int rc = query_exact(in, VIRTIO_INPUT_CFG_ABS_INFO, (uint8_t)a, b,
					     sizeof(struct virtio_input_absinfo), &got);
			if (rc)
				return rc;
		}
		struct vinput_absinfo abs = { 0 };
		if (got)
			abs = (struct vinput_absinfo){
				(int32_t)le32_at(b), (int32_t)le32_at(b + 4), (int32_t)le32_at(b + 8),
				(int32_t)le32_at(b + 12), (int32_t)le32_at(b + 16),
			};
		if (!got || abs.min > abs.max) {
			/* (a malformed answer was counted by query_exact()) */
			i->bad_answers += got || a >= VINPUT_ABS_AXES;
			bits[a / 8] &= (uint8_t)~(1u << (a % 8));
			continue;
		}
		i->abs[a] = abs;
		i->abs_axes |= 1ull << a;
	}
	return VIRTIO_OK;
}

static int read_config(struct vinput *in)
{
	struct vinput_info *i = &in->info;
	unsigned n;
	int rc;

	*i = (struct vinput_info){ .bad_answers = 0 };
	if ((rc = read_string(in, VIRTIO_INPUT_CFG_ID_NAME, i->name)) ||
	    (rc = read_string(in, VIRTIO_INPUT_CFG_ID_SERIAL, i->serial)) || (rc = read_ids(in)))
		return rc;
	rc = query(in, VIRTIO_INPUT_CFG_PROP_BITS, 0, i->props, &n);
	if (rc)
		return rc;
	for (unsigned t = 0; t < VINPUT_EV_TYPES; t++) {
		rc = query(in, VIRTIO_INPUT_CFG_EV_BITS, (uint8_t)t, i->ev_bits[t], &n);
		if (rc)
			return rc;
		if (n)
			i->ev_types |= 1u << t;
	}
	return read_axes(in);
}

/* ---- the device core's callbacks -------------------------------------- */

/* A group the device was in the middle of when it was reset: the rest of
 * it will never come, so it is lost (counted once) and the next event
 * starts a new one. */
static void forget_group(struct vinput *in)
{
	if (in->ngroup && !in->discarding)
		in->stats.dropped_groups++;
	in->ngroup = 0;
	in->discarding = false;
}

static int stock_events(struct vinput *in);

/* A configuration change that is not DEVICE_NEEDS_RESET: counted.  The
 * configuration was read once, at probe, and is what every event is
 * checked against. */
static void config_changed(void *ctx)
{
	struct vinput *in = ctx;
	in->stats.config_changes++;
}

/* The core reset the device and rebuilt both queues empty: every buffer
 * is ours again (abort handed each back).  The configuration read at
 * probe is kept: the kernel's view of the device (its codes, its axes)
 * was made from it, and a device that changed it across a reset would
 * only see more of its events ignored.  Stock the event queue again;
 * vinput_recover() notifies once DRIVER_OK is set. */
static int reinit(void *ctx)
{
	struct vinput *in = ctx;
	forget_group(in);
	return in->started ? stock_events(in) : VIRTIO_OK;
}

static const struct virtio_driver_ops vinput_ops = {
	.config_changed = config_changed,
	.reinit = reinit,
};

int vinput_probe(struct vinput *in, struct virtio_device *vdev, uint64_t mask)
{
	if (vdev->device_id != VIRTIO_ID_INPUT)
		return VIRTIO_ENODEV;
	*in = (struct vinput){ .vdev = vdev, .mask = mask };
	int rc = virtio_device_begin(vdev, 0, mask);
	if (rc)
		return rc;
	virtio_device_set_driver(vdev, &vinput_ops, in);
	/* §3.1.1: device-specific setup, here the config queries, only
	 * after FEATURES_OK. */
	rc = read_config(in);
	if (rc == VIRTIO_OK && virtio_queue_max(vdev, VIRTIO_INPUT_EVENTQ) == 0)
		rc = VIRTIO_ENOQUEUE;
	if (rc)
		virtio_device_fail(vdev);
	return rc;
}

/* ---- queues ----------------------------------------------------------- */

/* Layout of a queue's block: virtq memory | buffers | free stack. */
static size_t virtq_part(uint16_t size)
{
	return VIRTQ_ALIGN_UP(virtq_mem_bytes_max(size, 0), 64);
}

size_t vinput_queue_mem_bytes(uint16_t size)
{
	return virtq_part(size) + (size_t)size * EVENT_BYTES + (size_t)size * sizeof(uint16_t);
}

static void event_done(void *ctx, void *token, uint32_t len, int status);
static void status_done(void *ctx, void *token, uint32_t len, int status);

int vinput_attach_queue(struct vinput *in, uint16_t index, uint16_t size, void *mem,
			size_t mem_len)
{
	if (index > VIRTIO_INPUT_STATUSQ || in->started)
		return VIRTIO_EINVAL;
	if (mem_len < vinput_queue_mem_bytes(size))
		return VIRTIO_ENOMEM;
	struct vinput_queue *q = index == VIRTIO_INPUT_EVENTQ ? &in->eventq : &in->statusq;
	if (q->vq.size)
		return VIRTIO_EINVAL; /* attached already: the core holds it */
	int rc = virtio_queue_attach(in->vdev, &q->vq, &(struct virtio_queue_setup){
		.index = index, .size = size, .mem = mem, .mem_len = virtq_part(size),
		.done = index == VIRTIO_INPUT_EVENTQ ? event_done : status_done, .ctx = in,
	});
	if (rc) {
		q->vq.size = 0; /* not attached: "no such queue" to the rest of the driver */
		return rc;
	}
	q->bufs = (uint8_t *)mem + virtq_part(size);
	q->free = (uint16_t *)(void *)(q->bufs + (size_t)size * EVENT_BYTES);
	for (uint16_t i = 0; i < size; i++)
		q->free[i] = (uint16_t)(size - 1 - i);
	q->nfree = size;
	return VIRTIO_OK;
}

static uint16_t buffer_index(const struct vinput_queue *q, const void *buf)
{
	return (uint16_t)(((const uint8_t *)buf - q->bufs) / EVENT_BYTES);
}

static int post_event_buffer(struct vinput *in, uint8_t *buf)
{
	struct virtq_sg sg = { buf, EVENT_BYTES };
	/* No dirty line of ours may land over what the device writes. */
	virtio_cache_clean(buf, EVENT_BYTES);
	return virtq_add(&in->eventq.vq, &sg, 0, 1, buf);
}

/* Every event buffer to the device: at the start, and after a recovery
 * rebuilt the queue empty. */
static int stock_events(struct vinput *in)
{
	struct vinput_queue *q = &in->eventq;
	for (uint16_t i = 0; i < q->vq.size; i++) {
		int rc = post_event_buffer(in, q->bufs + (size_t)i * EVENT_BYTES);
		if (rc)
			return rc;
	}
	return VIRTIO_OK;
}

int vinput_start(struct vinput *in, vinput_deliver_fn deliver, void *ctx)
{
	struct vinput_queue *q = &in->eventq;
	if (in->started || in->vdev->state != VIRTIO_DEV_SETUP || !deliver || q->vq.size == 0)
		return VIRTIO_EINVAL;
	in->deliver = deliver;
	in->ctx = ctx;
	int rc = stock_events(in);
	if (rc)
		return rc;
	virtio_device_ready(in->vdev);
	in->started = true;
	virtq_kick(&q->vq); /* notifications only after DRIVER_OK */
	return VIRTIO_OK;
}

int vinput_abort(struct vinput *in)
{
	/* Checked: a reset that never completes leaves every buffer with
	 * the device (VIRTIO_EDEAD), §3.3. */
	int rc = virtio_device_abort(in->vdev, VIRTIO_ERESET);
	forget_group(in);
	return rc;
}

int vinput_recover(struct vinput *in)
{
	if (!in->started)
		return VIRTIO_EINVAL;
	int rc = virtio_device_recover(in->vdev);
	if (rc == VIRTIO_OK)
		virtq_kick(&in->eventq.vq); /* the re-stocked queue, after DRIVER_OK */
	return rc;
}

/* ---- events (§5.8.6) -------------------------------------------------- */

static void drop_group(struct vinput *in)
{
	if (!in->discarding)
		in->stats.dropped_groups++;
	in->ngroup = 0;
	in->discarding = true;
}

static void end_group(struct vinput *in)
{
	if (!in->discarding && in->ngroup) {
		in->stats.groups++;
		in->deliver(in->ctx, in->group, in->ngroup);
	}
	in->ngroup = 0;
	in->discarding = false;
}

/* Check one event and add it to the group (or end the group). */
static void take_event(struct vinput *in, const uint8_t *raw, uint32_t len)
{
	if (len != EVENT_BYTES) {
		in->stats.malformed++;
		return;
	}
	struct vinput_event ev = { le16_at(raw), le16_at(raw + 2), (int32_t)le32_at(raw + 4) };

	if (ev.type == VINPUT_EV_SYN) {
		if (ev.code == VINPUT_SYN_REPORT)
			end_group(in);
		else if (ev.code == VINPUT_SYN_DROPPED)
			drop_group(in); /* the device lost part of this group */
		else
			in->stats.unknown++;
		return;
	}
	if (in->discarding)
		return;
	if (!vinput_has_code(&in->info, ev.type, ev.code)) {
		in->stats.unknown++;
		return;
	}
	if (ev.type == VINPUT_EV_KEY && (ev.value < 0 || ev.value > 2)) {
		in->stats.invalid++;
		return;
	}
	if (ev.type == VINPUT_EV_ABS) {
		const struct vinput_absinfo *a = &in->info.abs[ev.code];
		if (ev.value < a->min || ev.value > a->max) {
			ev.value = ev.value < a->min ? a->min : a->max;
			in->stats.clamped++;
		}
	}
	if (in->ngroup == VINPUT_GROUP_MAX) {
		drop_group(in); /* no SYN_REPORT in sight: never deliver half */
		return;
	}
	in->group[in->ngroup++] = ev;
	in->stats.events++;
}

/* The event queue's done(): a used buffer is read, checked and posted
 * again at once (§5.8.6: keep the eventq populated).  One taken back by
 * a reset is simply ours: reinit() posts every buffer anew. */
static void event_done(void *ctx, void *token, uint32_t len, int status)
{
	struct vinput *in = ctx;
	uint8_t *buf = token;

	if (status != VIRTIO_OK)
		return;
	/* What the device wrote, before we read it. */
	virtio_cache_invalidate(buf, EVENT_BYTES);
	take_event(in, buf, len);
	/* The slot was just freed, so this cannot fail; a no-op kick unless
	 * the device asked to hear of new buffers. */
	if (post_event_buffer(in, buf) == VIRTIO_OK)
		virtq_kick(&in->eventq.vq);
}

/* The status queue's done(): the device read the buffer, or a reset took
 * it back; either way it is free again.  The used length means nothing
 * (QEMU reports the bytes it read). */
static void status_done(void *ctx, void *token, uint32_t len, int status)
{
	struct vinput *in = ctx;
	struct vinput_queue *q = &in->statusq;

	(void)len;
	q->free[q->nfree++] = buffer_index(q, token);
	if (status == VIRTIO_OK)
		in->stats.status_done++;
}

/* The groups delivered since `before`, or the dispatch's error. */
static int groups_since(const struct vinput *in, uint64_t before, int rc)
{
	return rc < 0 ? rc : (int)(in->stats.groups - before);
}

int vinput_poll(struct vinput *in)
{
	if (!in->started)
		return VIRTIO_EBROKEN;
	uint64_t before = in->stats.groups;
	return groups_since(in, before, virtio_device_poll(in->vdev));
}

int vinput_interrupt(struct vinput *in)
{
	uint64_t before = in->stats.groups;
	return groups_since(in, before, virtio_device_interrupt(in->vdev));
}

int vinput_send_status(struct vinput *in, uint16_t type, uint16_t code, int32_t value)
{
	struct vinput_queue *q = &in->statusq;

	if (!in->started)
		return VIRTIO_EBROKEN;
	int rc = virtio_device_error(in->vdev);
	if (rc)
		return rc;
	if (q->vq.size == 0)
		return VIRTIO_ENOQUEUE;
	if (!vinput_has_code(&in->info, type, code))
		return VIRTIO_EUNSUPP;
	/* Every buffer with the device: take back what it is done with (a
	 * fault found here is the core's, recovered from the main loop). */
	if (q->nfree == 0 && (rc = virtio_queue_drain(&q->vq, q->vq.size)) < 0)
		return rc;
	if (q->nfree == 0)
		return VIRTIO_ENOSPC;
	uint8_t *buf = q->bufs + (size_t)q->free[q->nfree - 1] * EVENT_BYTES;
	struct virtio_input_event *ev = (struct virtio_input_event *)(void *)buf;
	virtio_le16_store(&ev->type, type);
	virtio_le16_store(&ev->code, code);
	virtio_le32_store(&ev->value, (uint32_t)value);
	virtio_cache_clean(buf, EVENT_BYTES);
	struct virtq_sg sg = { buf, EVENT_BYTES };
	rc = virtq_add(&q->vq, &sg, 1, 0, buf);
	if (rc)
		return rc;
	q->nfree--;
	in->stats.status_sent++;
	virtq_kick(&q->vq);
	return VIRTIO_OK;
}
