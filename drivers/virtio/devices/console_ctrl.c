/*
 * The multiport control protocol of virtio-console (§5.3.6.2).
 *
 * Device to driver: every message is checked before it changes anything:
 * its length against its event (each event has exactly one valid length,
 * PORT_NAME any up to the longest name we keep), the event (unknown ones
 * and those only the driver sends are refused), the port id (below
 * max_nr_ports, §5.3.6.2.1) and the port's state (no event for a port that
 * was never added, no second DEVICE_ADD).  A bad message is counted in one
 * of struct vcon's bad_* fields and otherwise ignored.
 *
 * Driver to device: DEVICE_READY, PORT_READY, PORT_OPEN.  Each goes into a
 * bounded backlog first and from there into a free transmit slot, so a
 * device slow to take them loses none until the backlog is full
 * (ctrl_lost counts those).
 */
#include "virtio/errors.h"
#include "virtio/platform.h"

#include "console_internal.h"

/* ---- driver to device ------------------------------------------------- */

void vcon_ctrl_tx_done(void *ctx, void *token, uint32_t len, int status)
{
	struct vcon *c = ctx;
	/* Used or taken back by a reset: the slot is ours again either way
	 * (§5.3.6.3, legacy: the used length means nothing). */
	(void)len;
	(void)status;
	c->ctrl_txfree[c->nctrl_txfree++] =
		(uint16_t)((struct virtio_console_control *)token - c->ctrl_txbufs);
}

void vcon_flush_ctrl(struct vcon *c)
{
	bool added = false;

	/* Slots the device is done with, before looking for room.  A device
	 * that is not live (being re-initialised) leaves the messages in the
	 * backlog for the flush after its DRIVER_OK. */
	if (virtio_queue_drain(&c->ctrl_tx, VIRTIO_DRAIN_BUDGET) < 0)
		return;
	while (c->backlog_len && c->nctrl_txfree) {
		const struct vcon_ctrl_msg *m = &c->backlog[c->backlog_head];
		uint16_t slot = c->ctrl_txfree[c->nctrl_txfree - 1];
		struct virtio_console_control *w = &c->ctrl_txbufs[slot];
		/* §5.3.6.2: in the device's byte order (a legacy one: the guest's). */
		bool legacy = c->vdev->legacy;
		virtio32_store(&w->id, m->id, legacy);
		virtio16_store(&w->event, m->event, legacy);
		virtio16_store(&w->value, m->value, legacy);
		virtio_cache_clean(w, sizeof(*w));
		/* One descriptor per message: legacy framing (§5.3.6.3). */
		struct virtq_sg sg = { w, sizeof(*w) };
		if (virtq_add(&c->ctrl_tx, &sg, 1, 0, w))
			break; /* broken: the next drain reports it */
		c->nctrl_txfree--;
		c->backlog_head = (uint16_t)((c->backlog_head + 1) % VCON_CTRL_BACKLOG);
		c->backlog_len--;
		added = true;
	}
	if (added)
		virtq_kick(&c->ctrl_tx);
}

void vcon_send_ctrl(struct vcon *c, uint32_t id, uint16_t event, uint16_t value)
{
	if (c->backlog_len == VCON_CTRL_BACKLOG) {
		c->ctrl_lost++;
		return;
	}
	uint16_t at = (uint16_t)((c->backlog_head + c->backlog_len) % VCON_CTRL_BACKLOG);
	c->backlog[at] = (struct vcon_ctrl_msg){ id, event, value };
	c->backlog_len++;
	vcon_flush_ctrl(c);
}

/* ---- device to driver ------------------------------------------------- */

/* A name we keep: 1..VCON_NAME_MAX bytes, no NUL or other control byte
 * (it is printed as is).  Bytes >= 0x80 pass: UTF-8. */
static bool name_ok(const uint8_t *s, uint32_t n)
{
	if (n == 0 || n > VCON_NAME_MAX)
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static void on_port_event(struct vcon *c, struct vcon_port *p, uint16_t event,
			  uint16_t value, const uint8_t *extra, uint32_t nextra)
{
	switch (event) {
	case VIRTIO_CONSOLE_DEVICE_REMOVE:
		vcon_port_remove(c, p);
		return;
	case VIRTIO_CONSOLE_CONSOLE_PORT:
		p->console = true;
		/* §5.3.6.2.2: answered with PORT_OPEN 1. */
		if (!p->guest_open) {
			p->guest_open = true;
			vcon_send_ctrl(c, p->id, VIRTIO_CONSOLE_PORT_OPEN, 1);
		}
		vcon_report(c, p, VCON_EV_CONSOLE);
		return;
	case VIRTIO_CONSOLE_RESIZE: {
		struct virtio_console_resize rs;
		vcon_copy(&rs, extra, sizeof(rs)); /* extra need not be aligned */
		p->cols = virtio16_load(&rs.cols, c->vdev->legacy);
		p->rows = virtio16_load(&rs.rows, c->vdev->legacy);
		vcon_report(c, p, VCON_EV_RESIZE);
		return;
	}
	case VIRTIO_CONSOLE_PORT_OPEN:
		if (value > 1) {
			c->bad_ctrl++;
			return;
		}
		p->host_open = value;
		vcon_report(c, p, VCON_EV_HOST_OPEN);
		return;
	case VIRTIO_CONSOLE_PORT_NAME:
		/* extra holds one byte more than the longest name: look at the
		 * length before the bytes.  QEMU sends a NUL after the name
		 * that §5.3.6.2 says is not there: one at the end is dropped. */
		if (nextra <= VCON_NAME_MAX + 1 && nextra && extra[nextra - 1] == '\0')
			nextra--;
		if (!name_ok(extra, nextra)) {
			c->bad_name++;
			return;
		}
		vcon_copy(p->name, extra, nextra);
		p->name[nextra] = '\0';
		vcon_report(c, p, VCON_EV_NAMED);
		return;
	}
}

/* The one valid length of what follows the header, per event; -1 for
 * events a device never sends (unknown, or the driver's own). */
static int32_t extra_bytes(uint16_t event)
{
	switch (event) {
	case VIRTIO_CONSOLE_DEVICE_ADD:
	case VIRTIO_CONSOLE_DEVICE_REMOVE:
	case VIRTIO_CONSOLE_CONSOLE_PORT:
	case VIRTIO_CONSOLE_PORT_OPEN:
		return 0;
	case VIRTIO_CONSOLE_RESIZE:
		return (int32_t)sizeof(struct virtio_console_resize);
	case VIRTIO_CONSOLE_PORT_NAME:
		return INT32_MAX; /* checked by name_ok() */
	default:
		return -1;
	}
}

/* One message of `len` bytes as the device reported it; its first bytes
 * are in msg. */
static void on_ctrl(struct vcon *c, const uint8_t *msg, uint32_t len)
{
	if (len < CTRL_BYTES) {
		c->bad_ctrl++;
		return;
	}
	struct virtio_console_control m;
	vcon_copy(&m, msg, sizeof(m)); /* msg need not be aligned */
	bool legacy = c->vdev->legacy;
	uint32_t id = virtio32_load(&m.id, legacy);
	uint16_t event = virtio16_load(&m.event, legacy);
	uint16_t value = virtio16_load(&m.value, legacy);
	uint32_t nextra = len - CTRL_BYTES;
	int32_t want = extra_bytes(event);
	if (want < 0 || (want != INT32_MAX && nextra != (uint32_t)want)) {
		c->bad_ctrl++;
		return;
	}
	/* §5.3.6.2.1: no id at or past max_nr_ports. */
	if (id >= c->max_nr_ports) {
		c->bad_port++;
		return;
	}
	struct vcon_port *p = id < c->nports && c->ports[id].usable ? &c->ports[id] : NULL;
	if (event == VIRTIO_CONSOLE_DEVICE_ADD) {
		if (!p) {
			c->refused++;
			vcon_send_ctrl(c, id, VIRTIO_CONSOLE_PORT_READY, 0);
		} else if (p->present) {
			c->bad_port++; /* §5.3.6.2.1: not one that exists */
		} else {
			vcon_port_add(c, p);
			vcon_send_ctrl(c, id, VIRTIO_CONSOLE_PORT_READY, 1);
		}
		return;
	}
	if (!p || !p->present) {
		c->bad_port++;
		return;
	}
	on_port_event(c, p, event, value, msg + CTRL_BYTES, nextra);
}

void vcon_ctrl_rx_done(void *ctx, void *token, uint32_t len, int status)
{
	struct vcon *c = ctx;
	/* What on_ctrl() may look at: header, then a name one byte longer
	 * than we keep (so a longer one is seen as too long, not cut short). */
	uint8_t msg[CTRL_BYTES + VCON_NAME_MAX + 1];
	uint32_t n = len < sizeof(msg) ? len : (uint32_t)sizeof(msg);

	if (status)
		return; /* taken back by a reset: re-posted by reinit */
	/* len <= VCON_CTRL_BUF_BYTES: the virtqueue refuses more. */
	virtio_cache_invalidate(token, len);
	vcon_copy(msg, token, n);
	/* Re-posted first: the answer to what on_ctrl() sends may need it. */
	(void)vcon_post_rx(&c->ctrl_rx, token, VCON_CTRL_BUF_BYTES);
	on_ctrl(c, msg, len);
}
