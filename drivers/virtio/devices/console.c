/*
 * virtio-console driver (§5.3) over the virtqueue API.
 *
 * Every buffer the device sees is the driver's, carved out of the caller's
 * memory block: receive buffers (posted once at start and re-posted the
 * moment their bytes are copied out, so a receive queue is never empty),
 * transmit buffers (the caller's bytes are copied in; a free stack per
 * port), and the control queues' buffers.  Nothing is ever handed back to
 * a caller, so a device that keeps a buffer costs capacity, never memory
 * safety; a reset (vcon_abort) takes everything back.
 *
 * Block layout: control area | port 0 | port 1 | ...; each area starts
 * with its virtqueues, each on a VIRTQ_MEM_ALIGN boundary.
 */
#include <stddef.h>

#include "virtio/console.h"
#include "virtio/errors.h"
#include "virtio/platform.h"

#define DRIVER_FEATURES                                                          \
	(VIRTIO_BIT(VIRTIO_CONSOLE_F_SIZE) | VIRTIO_BIT(VIRTIO_CONSOLE_F_MULTIPORT) | \
	 VIRTIO_BIT(VIRTIO_CONSOLE_F_EMERG_WRITE))

#define CTRL_BYTES sizeof(struct virtio_console_control)

/* ---- memory layout ---------------------------------------------------- */

/* Configuration fields (§5.3.4), by offset. */
#define CFG_COLS         offsetof(struct virtio_console_config, cols)
#define CFG_ROWS         offsetof(struct virtio_console_config, rows)
#define CFG_MAX_NR_PORTS offsetof(struct virtio_console_config, max_nr_ports)
#define CFG_EMERG_WR     offsetof(struct virtio_console_config, emerg_wr)

size_t vcon_mem_bytes(uint16_t nports)
{
	return VCON_MEM_BYTES(nports);
}

static void *take(uint8_t **cursor, size_t n)
{
	void *p = *cursor;
	*cursor += n;
	return p;
}

static void copy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	for (size_t i = 0; i < n; i++)
		d[i] = s[i];
}

/* Entries for queue `index`: VCON_QUEUE_SIZE or what the device offers,
 * a power of two (split rings need one); 0 when the queue is absent. */
static uint16_t queue_size(struct virtio_device *d, uint16_t index)
{
	uint16_t size = virtio_queue_max(d, index);
	if (size > VCON_QUEUE_SIZE)
		size = VCON_QUEUE_SIZE;
	while (size & (size - 1))
		size &= (uint16_t)(size - 1);
	return size;
}

static int create_queue(struct vcon *c, struct virtq *vq, uint16_t index, uint8_t **cursor)
{
	uint16_t size = queue_size(c->vdev, index);
	if (size == 0)
		return VIRTIO_ENOQUEUE;
	return virtq_create(vq, c->vdev, index, size, take(cursor, VCON_VQ_BYTES), VCON_VQ_BYTES, 0);
}

static int setup_control(struct vcon *c, uint8_t *area)
{
	int rc = create_queue(c, &c->ctrl_rx, VIRTIO_CONSOLE_QUEUE_CTRL_RX, &area);
	if (rc == VIRTIO_OK)
		rc = create_queue(c, &c->ctrl_tx, VIRTIO_CONSOLE_QUEUE_CTRL_TX, &area);
	if (rc)
		return rc;
	c->ctrl_rxbufs = take(&area, VCON_QUEUE_SIZE * VCON_CTRL_BUF_BYTES);
	c->ctrl_txbufs = take(&area, VCON_QUEUE_SIZE * CTRL_BYTES);
	c->ctrl_txfree = take(&area, VCON_QUEUE_SIZE * sizeof(uint16_t));
	c->nctrl_txfree = c->ctrl_tx.size;
	for (uint16_t i = 0; i < c->ctrl_tx.size; i++)
		c->ctrl_txfree[i] = i;
	c->backlog_head = c->backlog_len = 0;
	return VIRTIO_OK;
}

static int setup_port(struct vcon *c, struct vcon_port *p, uint8_t *area)
{
	int rc = create_queue(c, &p->rx, VIRTIO_CONSOLE_QUEUE_RX(p->id), &area);
	if (rc == VIRTIO_OK)
		rc = create_queue(c, &p->tx, VIRTIO_CONSOLE_QUEUE_TX(p->id), &area);
	if (rc)
		return rc;
	p->rxbufs = take(&area, VCON_QUEUE_SIZE * VCON_BUF_BYTES);
	p->txbufs = take(&area, VCON_QUEUE_SIZE * VCON_BUF_BYTES);
	p->txfree = take(&area, VCON_QUEUE_SIZE * sizeof(uint16_t));
	p->stash = take(&area, VCON_STASH_BYTES);
	p->ntxfree = p->tx.size;
	for (uint16_t i = 0; i < p->tx.size; i++)
		p->txfree[i] = i;
	p->stash_head = p->stash_tail = 0;
	p->usable = true;
	return VIRTIO_OK;
}

/* Every queue laid out afresh in the caller's block (attach and reinit). */
static int setup_queues(struct vcon *c)
{
	uint8_t *base = c->mem;
	uint32_t limit = c->multiport ? c->max_nr_ports : 1;

	if (c->multiport) {
		int rc = setup_control(c, base);
		if (rc)
			return rc;
	}
	for (uint16_t i = 0; i < c->nports; i++) {
		struct vcon_port *p = &c->ports[i];
		p->usable = p->present = false;
		if (i >= limit)
			continue;
		int rc = setup_port(c, p, base + VCON_CTRL_AREA_BYTES + (size_t)i * VCON_PORT_AREA_BYTES);
		/* A port whose queues the device lacks is refused if it is ever
		 * added; port 0's queues always exist (§5.3.2). */
		if (rc == VIRTIO_ENOQUEUE && i > 0)
			continue;
		if (rc)
			return rc;
	}
	return VIRTIO_OK;
}

/* ---- bring-up --------------------------------------------------------- */

static void read_config(struct vcon *c)
{
	struct virtio_device *d = c->vdev;

	c->multiport = virtio_has_feature(d, VIRTIO_CONSOLE_F_MULTIPORT);
	c->max_nr_ports = 1;
	if (c->multiport) {
		uint32_t n = virtio_config_read32(d, CFG_MAX_NR_PORTS);
		/* The queue numbering caps it: port k needs queue 2k+3. */
		if (n > (VIRTQ_MAX_SIZE - 2) / 2)
			n = (VIRTQ_MAX_SIZE - 2) / 2;
		c->max_nr_ports = n ? n : 1;
	}
	if (virtio_has_feature(d, VIRTIO_CONSOLE_F_SIZE)) {
		c->cols = virtio_config_read16(d, CFG_COLS);
		c->rows = virtio_config_read16(d, CFG_ROWS);
	}
}

int vcon_probe(struct vcon *c, struct virtio_device *vdev, uint64_t mask)
{
	if (vdev->device_id != VIRTIO_ID_CONSOLE)
		return VIRTIO_ENODEV;
	*c = (struct vcon){ .vdev = vdev, .mask = mask };
	int rc = virtio_device_begin(vdev, DRIVER_FEATURES, mask);
	if (rc)
		return rc;
	read_config(c);
	/* §5.3.5: emerg_wr works whether or not the feature was accepted. */
	c->emerg_write = (vdev->offered & mask) & VIRTIO_BIT(VIRTIO_CONSOLE_F_EMERG_WRITE);
	if (virtio_queue_max(vdev, 0) == 0 || virtio_queue_max(vdev, 1) == 0) {
		virtio_device_fail(vdev);
		return VIRTIO_ENOQUEUE;
	}
	return VIRTIO_OK;
}

int vcon_attach(struct vcon *c, struct vcon_port *ports, uint16_t nports, void *mem,
		size_t mem_len)
{
	if (c->started || !ports || nports == 0)
		return VIRTIO_EINVAL;
	if (!mem || ((uintptr_t)mem & (VIRTQ_MEM_ALIGN - 1)) || mem_len < vcon_mem_bytes(nports))
		return VIRTIO_ENOMEM;
	for (uint16_t i = 0; i < nports; i++)
		ports[i] = (struct vcon_port){ .id = i };
	c->ports = ports;
	c->nports = nports;
	c->mem = mem;
	int rc = setup_queues(c);
	if (rc) {
		c->ports = NULL;
		c->nports = 0;
	}
	return rc;
}

static void report(struct vcon *c, struct vcon_port *p, enum vcon_event ev)
{
	if (c->on_event)
		c->on_event(c, p, ev);
}

/* Device-writable buffers only (§5.3.6.1). */
static int post_rx(struct virtq *vq, uint8_t *buf, uint32_t len)
{
	struct virtq_sg sg = { buf, len };
	/* No dirty line of ours may land over the device's bytes later. */
	virtio_cache_clean(buf, len);
	return virtq_add(vq, &sg, 0, 1, buf);
}

static void stock(struct virtq *vq, uint8_t *bufs, uint32_t len)
{
	for (uint16_t i = 0; i < vq->size; i++)
		if (post_rx(vq, bufs + (size_t)i * len, len))
			break;
}

static void send_ctrl(struct vcon *c, uint32_t id, uint16_t event, uint16_t value);

static void port_add(struct vcon *c, struct vcon_port *p)
{
	p->present = true;
	p->console = p->host_open = p->guest_open = false;
	p->cols = p->rows = 0;
	p->name[0] = '\0';
	p->rx_bytes = p->tx_bytes = p->dropped = 0;
	p->stash_head = p->stash_tail = 0;
	report(c, p, VCON_EV_ADDED);
}

int vcon_start(struct vcon *c)
{
	if (c->started || c->dead || !c->ports)
		return VIRTIO_EINVAL;
	for (uint16_t i = 0; i < c->nports; i++)
		if (c->ports[i].usable)
			stock(&c->ports[i].rx, c->ports[i].rxbufs, VCON_BUF_BYTES);
	if (c->multiport)
		stock(&c->ctrl_rx, c->ctrl_rxbufs, VCON_CTRL_BUF_BYTES);
	virtio_device_ready(c->vdev);
	c->started = true;
	for (uint16_t i = 0; i < c->nports; i++)
		if (c->ports[i].usable)
			virtq_kick(&c->ports[i].rx);
	if (c->multiport) {
		virtq_kick(&c->ctrl_rx);
		/* §5.3.6.2.2: ports are announced only after this. */
		send_ctrl(c, 0, VIRTIO_CONSOLE_DEVICE_READY, 1);
		return c->dead ? VIRTIO_EBROKEN : VIRTIO_OK;
	}
	/* One port, always there; no way to hear of the host side. */
	struct vcon_port *p = &c->ports[0];
	port_add(c, p);
	p->console = p->host_open = p->guest_open = true;
	p->cols = c->cols;
	p->rows = c->rows;
	report(c, p, VCON_EV_CONSOLE);
	return VIRTIO_OK;
}

/* ---- faults ----------------------------------------------------------- */

static void drop_all(struct virtq *vq)
{
	void *token;
	virtq_mark_broken(vq);
	while (virtq_reclaim(vq, &token) == 1)
		; /* every token is one of our own buffers */
}

void vcon_abort(struct vcon *c)
{
	/* Even if the reset times out the device is FAILED, and nothing is
	 * posted again before vcon_reinit() resets it once more. */
	(void)virtio_device_reset(c->vdev);
	c->dead = true;
	if (c->multiport && c->ctrl_rx.size) {
		drop_all(&c->ctrl_rx);
		drop_all(&c->ctrl_tx);
	}
	c->backlog_len = 0;
	for (uint16_t i = 0; i < c->nports; i++) {
		struct vcon_port *p = &c->ports[i];
		if (!p->usable)
			continue;
		drop_all(&p->rx);
		drop_all(&p->tx);
		p->ntxfree = p->tx.size;
		if (p->present) {
			p->present = false;
			p->stash_head = p->stash_tail;
			report(c, p, VCON_EV_REMOVED);
		}
	}
}

int vcon_reinit(struct vcon *c)
{
	if (!c->ports)
		return VIRTIO_EINVAL;
	int rc = virtio_device_begin(c->vdev, DRIVER_FEATURES, c->mask);
	if (rc == VIRTIO_OK) {
		read_config(c);
		c->started = false;
		rc = setup_queues(c);
	}
	if (rc == VIRTIO_OK) {
		c->dead = false;
		rc = vcon_start(c);
	}
	if (rc) {
		virtio_device_fail(c->vdev);
		c->dead = true;
		return rc;
	}
	c->resets++;
	return VIRTIO_OK;
}

/* ---- draining the used rings ------------------------------------------ */

typedef void (*used_fn)(struct vcon *c, struct vcon_port *p, void *token, uint32_t len);

/*
 * Hand every used chain of vq to fn, re-arm the used-buffer notification
 * and go again if more slipped in meanwhile (§2.7.10).  A ring violation
 * takes the whole device down: false.
 */
static bool drain(struct vcon *c, struct vcon_port *p, struct virtq *vq, used_fn fn)
{
	void *token;
	uint32_t len;
	int rc;

	for (;;) {
		while ((rc = virtq_get_used(vq, &token, &len)) == 1) {
			fn(c, p, token, len);
			if (c->dead)
				return false;
		}
		if (rc < 0) {
			vcon_abort(c);
			return false;
		}
		virtq_kick(vq); /* receive buffers re-posted by fn */
		if (virtq_enable_cb(vq))
			return true;
	}
}

static void tx_done(struct vcon *c, struct vcon_port *p, void *token, uint32_t len)
{
	/* §5.3.6 legacy: the used length of a transmit queue means nothing. */
	(void)c;
	(void)len;
	p->txfree[p->ntxfree++] = (uint16_t)(((uint8_t *)token - p->txbufs) / VCON_BUF_BYTES);
}

static void stash_put(struct vcon_port *p, const uint8_t *buf, uint32_t len)
{
	uint32_t room = VCON_STASH_BYTES - (p->stash_head - p->stash_tail);
	uint32_t n = len < room ? len : room;
	for (uint32_t i = 0; i < n; i++)
		p->stash[(p->stash_head + i) & (VCON_STASH_BYTES - 1)] = buf[i];
	p->stash_head += n;
	p->rx_bytes += len;
	p->dropped += len - n;
}

static void rx_done(struct vcon *c, struct vcon_port *p, void *token, uint32_t len)
{
	/* len <= VCON_BUF_BYTES: the virtqueue refuses more than was posted. */
	virtio_cache_invalidate(token, len);
	if (p->present)
		stash_put(p, token, len);
	else
		c->stray_rx += len; /* the device must not use a removed port */
	(void)post_rx(&p->rx, token, VCON_BUF_BYTES);
}

static bool drain_port(struct vcon *c, struct vcon_port *p)
{
	uint32_t before = p->stash_head;
	if (!drain(c, p, &p->tx, tx_done) || !drain(c, p, &p->rx, rx_done))
		return false;
	if (p->present && p->stash_head != before)
		report(c, p, VCON_EV_DATA);
	return true;
}

/* ---- control messages, driver to device ------------------------------- */

static void ctrl_tx_done(struct vcon *c, struct vcon_port *p, void *token, uint32_t len)
{
	(void)p;
	(void)len;
	c->ctrl_txfree[c->nctrl_txfree++] =
		(uint16_t)((struct virtio_console_control *)token - c->ctrl_txbufs);
}

/* Hand backlogged messages to the device while transmit slots are free. */
static void flush_ctrl(struct vcon *c)
{
	void *token;
	uint32_t len;
	int rc;
	bool added = false;

	while ((rc = virtq_get_used(&c->ctrl_tx, &token, &len)) == 1)
		ctrl_tx_done(c, NULL, token, len);
	if (rc < 0) {
		vcon_abort(c);
		return;
	}
	while (c->backlog_len && c->nctrl_txfree) {
		const struct vcon_ctrl_msg *m = &c->backlog[c->backlog_head];
		uint16_t slot = c->ctrl_txfree[c->nctrl_txfree - 1];
		struct virtio_console_control *w = &c->ctrl_txbufs[slot];
		virtio_le32_store(&w->id, m->id);
		virtio_le16_store(&w->event, m->event);
		virtio_le16_store(&w->value, m->value);
		virtio_cache_clean(w, sizeof(*w));
		/* One descriptor per message: legacy framing (§5.3.6.3). */
		struct virtq_sg sg = { w, sizeof(*w) };
		if (virtq_add(&c->ctrl_tx, &sg, 1, 0, w))
			break; /* broken: the next drain finds out */
		c->nctrl_txfree--;
		c->backlog_head = (uint16_t)((c->backlog_head + 1) % VCON_CTRL_BACKLOG);
		c->backlog_len--;
		added = true;
	}
	if (added)
		virtq_kick(&c->ctrl_tx);
}

static void send_ctrl(struct vcon *c, uint32_t id, uint16_t event, uint16_t value)
{
	if (c->dead)
		return;
	if (c->backlog_len == VCON_CTRL_BACKLOG) {
		c->ctrl_lost++;
		return;
	}
	uint16_t at = (uint16_t)((c->backlog_head + c->backlog_len) % VCON_CTRL_BACKLOG);
	c->backlog[at] = (struct vcon_ctrl_msg){ id, event, value };
	c->backlog_len++;
	flush_ctrl(c);
}

/* ---- control messages, device to driver ------------------------------- */

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

static void port_remove(struct vcon *c, struct vcon_port *p)
{
	/* The device hands back a removed port's transmit buffers (QEMU does
	 * it before sending REMOVE): take what is used now.  Receive buffers
	 * stay posted; the port may come back on the same queues. */
	if (!drain_port(c, p))
		return;
	p->present = false;
	p->stash_head = p->stash_tail;
	report(c, p, VCON_EV_REMOVED);
}

static void on_port_event(struct vcon *c, struct vcon_port *p, uint16_t event,
			  uint16_t value, const uint8_t *extra, uint32_t nextra)
{
	switch (event) {
	case VIRTIO_CONSOLE_DEVICE_REMOVE:
		port_remove(c, p);
		return;
	case VIRTIO_CONSOLE_CONSOLE_PORT:
		p->console = true;
		/* §5.3.6.2.2: answered with PORT_OPEN 1. */
		if (!p->guest_open) {
			p->guest_open = true;
			send_ctrl(c, p->id, VIRTIO_CONSOLE_PORT_OPEN, 1);
		}
		report(c, p, VCON_EV_CONSOLE);
		return;
	case VIRTIO_CONSOLE_RESIZE:
		p->cols = virtio_le16_load(extra);
		p->rows = virtio_le16_load(extra + 2);
		report(c, p, VCON_EV_RESIZE);
		return;
	case VIRTIO_CONSOLE_PORT_OPEN:
		if (value > 1) {
			c->bad_ctrl++;
			return;
		}
		p->host_open = value;
		report(c, p, VCON_EV_HOST_OPEN);
		return;
	case VIRTIO_CONSOLE_PORT_NAME:
		/* msg holds one byte more than the longest name: look at the
		 * length before the bytes.  QEMU sends a NUL after the name
		 * that §5.3.6.2 says is not there: one at the end is dropped. */
		if (nextra <= VCON_NAME_MAX + 1 && nextra && extra[nextra - 1] == '\0')
			nextra--;
		if (!name_ok(extra, nextra)) {
			c->bad_name++;
			return;
		}
		copy(p->name, extra, nextra);
		p->name[nextra] = '\0';
		report(c, p, VCON_EV_NAMED);
		return;
	}
}

/*
 * One message of `len` bytes as the device reported it (the first bytes
 * are in msg).  Each event has exactly one valid length: anything else is
 * counted and ignored, as are ids and states that make no sense.
 */
static void on_ctrl(struct vcon *c, const uint8_t *msg, uint32_t len)
{
	if (len < CTRL_BYTES) {
		c->bad_ctrl++;
		return;
	}
	uint32_t id = virtio_le32_load(msg);
	uint16_t event = virtio_le16_load(msg + 4);
	uint16_t value = virtio_le16_load(msg + 6);
	uint32_t nextra = len - CTRL_BYTES;
	switch (event) {
	case VIRTIO_CONSOLE_DEVICE_ADD:
	case VIRTIO_CONSOLE_DEVICE_REMOVE:
	case VIRTIO_CONSOLE_CONSOLE_PORT:
	case VIRTIO_CONSOLE_PORT_OPEN:
		if (nextra != 0) {
			c->bad_ctrl++;
			return;
		}
		break;
	case VIRTIO_CONSOLE_RESIZE:
		if (nextra != sizeof(struct virtio_console_resize)) {
			c->bad_ctrl++;
			return;
		}
		break;
	case VIRTIO_CONSOLE_PORT_NAME:
		break;
	default: /* unknown, or one only the driver sends */
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
			send_ctrl(c, id, VIRTIO_CONSOLE_PORT_READY, 0);
		} else if (p->present) {
			c->bad_port++; /* §5.3.6.2.1: not one that exists */
		} else {
			port_add(c, p);
			send_ctrl(c, id, VIRTIO_CONSOLE_PORT_READY, 1);
		}
		return;
	}
	if (!p || !p->present) {
		c->bad_port++;
		return;
	}
	on_port_event(c, p, event, value, msg + CTRL_BYTES, nextra);
}

static void ctrl_rx_done(struct vcon *c, struct vcon_port *p, void *token, uint32_t len)
{
	/* What on_ctrl may look at: header, then a name one byte longer than
	 * we keep (so a longer one is seen as too long, not cut short). */
	uint8_t msg[CTRL_BYTES + VCON_NAME_MAX + 1];
	uint32_t n = len < sizeof(msg) ? len : (uint32_t)sizeof(msg);
	(void)p;
	virtio_cache_invalidate(token, len);
	copy(msg, token, n);
	/* Re-post first: the answer to what on_ctrl sends may need it. */
	(void)post_rx(&c->ctrl_rx, token, VCON_CTRL_BUF_BYTES);
	on_ctrl(c, msg, len);
}

/* ---- the work loop ---------------------------------------------------- */

int vcon_poll(struct vcon *c)
{
	if (c->dead)
		return VIRTIO_EBROKEN;
	if (!c->started)
		return VIRTIO_EINVAL;
	if (c->multiport) {
		if (!drain(c, NULL, &c->ctrl_rx, ctrl_rx_done))
			return VIRTIO_EBROKEN;
		flush_ctrl(c);
		if (c->dead || !drain(c, NULL, &c->ctrl_tx, ctrl_tx_done))
			return VIRTIO_EBROKEN;
		flush_ctrl(c); /* slots the drain freed */
	}
	for (uint16_t i = 0; i < c->nports && !c->dead; i++)
		if (c->ports[i].usable && !drain_port(c, &c->ports[i]))
			return VIRTIO_EBROKEN;
	return c->dead ? VIRTIO_EBROKEN : VIRTIO_OK;
}

int vcon_interrupt(struct vcon *c)
{
	uint32_t causes = virtio_interrupt_ack(c->vdev);

	/* Not ours (a shared INTx line): nothing to do.  Nothing is lost:
	 * every drain ends by re-arming and re-checking the ring. */
	if (causes == 0)
		return 0;
	if (causes & VIRTIO_INT_CONFIG) {
		c->config_changes++;
		if (virtio_device_needs_reset(c->vdev)) {
			vcon_abort(c);
			return vcon_reinit(c);
		}
		if (virtio_has_feature(c->vdev, VIRTIO_CONSOLE_F_SIZE)) {
			/* §5.3.6: the configured size is port 0's. */
			c->cols = virtio_config_read16(c->vdev, CFG_COLS);
			c->rows = virtio_config_read16(c->vdev, CFG_ROWS);
			struct vcon_port *p = vcon_port(c, 0);
			if (p && (p->cols != c->cols || p->rows != c->rows)) {
				p->cols = c->cols;
				p->rows = c->rows;
				report(c, p, VCON_EV_RESIZE);
			}
		}
	}
	return vcon_poll(c);
}

/* ---- ports ------------------------------------------------------------ */

struct vcon_port *vcon_port(struct vcon *c, uint32_t id)
{
	if (id >= c->nports || !c->ports[id].present)
		return NULL;
	return &c->ports[id];
}

/* The port for an I/O call of `len` bytes at buf, or why there is none. */
static int io_port(struct vcon *c, uint32_t id, const void *buf, uint32_t len,
		   struct vcon_port **out)
{
	if (c->dead)
		return VIRTIO_EBROKEN;
	if (!c->started || id >= c->nports || !c->ports[id].usable)
		return VIRTIO_EINVAL;
	if (!c->ports[id].present)
		return VIRTIO_ENODEV;
	if ((!buf && len) || len > INT32_MAX)
		return VIRTIO_EINVAL;
	*out = &c->ports[id];
	return VIRTIO_OK;
}

int vcon_write(struct vcon *c, uint32_t id, const void *buf, uint32_t len)
{
	struct vcon_port *p;
	int rc = io_port(c, id, buf, len, &p);
	if (rc)
		return rc;
	/* Transmit buffers the device is done with, before looking for room. */
	if (!drain(c, p, &p->tx, tx_done))
		return VIRTIO_EBROKEN;

	const uint8_t *src = buf;
	uint32_t taken = 0;
	while (taken < len && p->ntxfree) {
		uint8_t *tb = p->txbufs + (size_t)p->txfree[p->ntxfree - 1] * VCON_BUF_BYTES;
		uint32_t n = len - taken < VCON_BUF_BYTES ? len - taken : VCON_BUF_BYTES;
		copy(tb, src + taken, n);
		virtio_cache_clean(tb, n);
		/* Device-readable only (§5.3.6.1). */
		struct virtq_sg sg = { tb, n };
		rc = virtq_add(&p->tx, &sg, 1, 0, tb);
		if (rc)
			break;
		p->ntxfree--;
		taken += n;
	}
	if (taken)
		virtq_kick(&p->tx);
	p->tx_bytes += taken;
	if (rc && rc != VIRTIO_ENOSPC && taken == 0)
		return rc;
	return (int)taken;
}

int vcon_read(struct vcon *c, uint32_t id, void *buf, uint32_t len)
{
	struct vcon_port *p;
	int rc = io_port(c, id, buf, len, &p);
	if (rc)
		return rc;
	uint8_t *dst = buf;
	uint32_t n = vcon_readable(p);
	if (n > len)
		n = len;
	for (uint32_t i = 0; i < n; i++)
		dst[i] = p->stash[(p->stash_tail + i) & (VCON_STASH_BYTES - 1)];
	p->stash_tail += n;
	return (int)n;
}

int vcon_open(struct vcon *c, uint32_t id, bool open)
{
	struct vcon_port *p;
	int rc = io_port(c, id, NULL, 0, &p);
	if (rc || p->guest_open == open)
		return rc;
	p->guest_open = open;
	if (c->multiport)
		send_ctrl(c, id, VIRTIO_CONSOLE_PORT_OPEN, open ? 1 : 0);
	return c->dead ? VIRTIO_EBROKEN : VIRTIO_OK;
}

uint32_t vcon_readable(const struct vcon_port *p)
{
	return p->stash_head - p->stash_tail;
}

uint16_t vcon_tx_in_flight(const struct vcon_port *p)
{
	return p->usable ? (uint16_t)(p->tx.size - p->ntxfree) : 0;
}

bool vcon_emerg_write(struct vcon *c, char ch)
{
	if (!c->emerg_write)
		return false;
	/* The device prints the low byte (§5.3.5.1). */
	virtio_config_write32(c->vdev, CFG_EMERG_WR, (uint8_t)ch);
	return true;
}
