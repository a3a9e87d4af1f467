/*
 * virtio-console driver (§5.3) over the device core (driver.h): bring-up,
 * the ports and their data queues.  The multiport control protocol is in
 * console_ctrl.c.
 *
 * Every buffer the device sees is the driver's, carved out of the caller's
 * memory block: receive buffers (posted at start and re-posted the moment
 * their bytes are copied out, so a receive queue is never empty), transmit
 * buffers (the caller's bytes are copied in; a free stack per port), and
 * the control queues' buffers.  Nothing is ever handed back to a caller,
 * so a device that keeps a buffer costs capacity, never memory safety; a
 * reset (vcon_abort, vcon_recover) takes everything back.
 *
 * Completions come through the core: each queue's done() runs inside
 * virtio_device_interrupt()/_poll(), which vcon_interrupt()/vcon_poll()
 * wrap to do, once per batch, what done() should not do per buffer: kick
 * the receive queues it re-posted to, report VCON_EV_DATA, hand the
 * control backlog to the device.
 *
 * Block layout: control area | port 0 | port 1 | ...; each area starts
 * with its two virtqueues of VCON_VQ_BYTES, on VIRTQ_MEM_ALIGN boundaries.
 */
#include <stddef.h>

#include "virtio/driver.h"
#include "virtio/errors.h"
#include "virtio/platform.h"

#include "console_internal.h"

#define DRIVER_FEATURES                                                          \
	(VIRTIO_BIT(VIRTIO_CONSOLE_F_SIZE) | VIRTIO_BIT(VIRTIO_CONSOLE_F_MULTIPORT) | \
	 VIRTIO_BIT(VIRTIO_CONSOLE_F_EMERG_WRITE))

/* Configuration fields (§5.3.4), by offset. */
#define CFG_COLS         offsetof(struct virtio_console_config, cols)
#define CFG_ROWS         offsetof(struct virtio_console_config, rows)
_Static_assert(CFG_ROWS == CFG_COLS + 2, "read_size() takes cols and rows as one array");
#define CFG_MAX_NR_PORTS offsetof(struct virtio_console_config, max_nr_ports)
#define CFG_EMERG_WR     offsetof(struct virtio_console_config, emerg_wr)

/* ---- memory ----------------------------------------------------------- */

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

void vcon_copy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	for (size_t i = 0; i < n; i++)
		d[i] = s[i];
}

/* ---- the data queues' done() ------------------------------------------ */

void vcon_report(struct vcon *c, struct vcon_port *p, enum vcon_event ev)
{
	if (c->on_event)
		c->on_event(c, p, ev);
}

int vcon_post_rx(struct virtq *vq, uint8_t *buf, uint32_t len)
{
	struct virtq_sg sg = { buf, len };
	/* No dirty line of ours may land over the device's bytes later. */
	virtio_cache_clean(buf, len);
	return virtq_add(vq, &sg, 0, 1, buf);
}

static void tx_done(void *ctx, void *token, uint32_t len, int status)
{
	struct vcon_port *p = ctx;
	/* Used or taken back by a reset, the buffer is free again (§5.3.6,
	 * legacy: a transmit queue's used length means nothing). */
	(void)len;
	(void)status;
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

static void rx_done(void *ctx, void *token, uint32_t len, int status)
{
	struct vcon_port *p = ctx;
	if (status)
		return; /* taken back by a reset: re-posted by reinit */
	/* len <= VCON_BUF_BYTES: the virtqueue refuses more than was posted. */
	virtio_cache_invalidate(token, len);
	if (p->present) {
		stash_put(p, token, len);
		p->rx_fresh = true;
	} else {
		p->con->stray_rx += len; /* the device must not use a removed port */
	}
	(void)vcon_post_rx(&p->rx, token, VCON_BUF_BYTES);
}

/* ---- queues and buffers ----------------------------------------------- */

/* A receive and a transmit queue from the area at *cursor, with their
 * done() callbacks; VIRTIO_ENOQUEUE when the device lacks either. */
static int attach_pair(struct vcon *c, struct virtq *rx, struct virtq *tx, uint16_t rxi,
		       virtq_done_fn *rx_fn, virtq_done_fn *tx_fn, void *ctx, uint8_t **cursor)
{
	uint16_t rsize = virtio_queue_size(c->vdev, rxi, VCON_QUEUE_SIZE);
	uint16_t tsize = virtio_queue_size(c->vdev, (uint16_t)(rxi + 1), VCON_QUEUE_SIZE);
	if (rsize == 0 || tsize == 0)
		return VIRTIO_ENOQUEUE;
	int rc = virtio_queue_attach(c->vdev, rx, &(struct virtio_queue_setup){
		.index = rxi, .size = rsize, .mem = take(cursor, VCON_VQ_BYTES),
		.mem_len = VCON_VQ_BYTES, .done = rx_fn, .ctx = ctx,
	});
	if (rc)
		return rc;
	return virtio_queue_attach(c->vdev, tx, &(struct virtio_queue_setup){
		.index = (uint16_t)(rxi + 1), .size = tsize, .mem = take(cursor, VCON_VQ_BYTES),
		.mem_len = VCON_VQ_BYTES, .done = tx_fn, .ctx = ctx,
	});
}

static int attach_queues(struct vcon *c)
{
	uint8_t *cursor = c->mem;
	uint32_t limit = c->multiport ? c->max_nr_ports : 1;

	if (c->multiport) {
		int rc = attach_pair(c, &c->ctrl_rx, &c->ctrl_tx, VIRTIO_CONSOLE_QUEUE_CTRL_RX,
				     vcon_ctrl_rx_done, vcon_ctrl_tx_done, c, &cursor);
		if (rc)
			return rc;
		c->ctrl_rxbufs = take(&cursor, VCON_QUEUE_SIZE * VCON_CTRL_BUF_BYTES);
		c->ctrl_txbufs = take(&cursor, VCON_QUEUE_SIZE * CTRL_BYTES);
		c->ctrl_txfree = take(&cursor, VCON_QUEUE_SIZE * sizeof(uint16_t));
	}
	for (uint16_t i = 0; i < c->nports && i < limit; i++) {
		struct vcon_port *p = &c->ports[i];
		cursor = (uint8_t *)c->mem + VCON_CTRL_AREA_BYTES + (size_t)i * VCON_PORT_AREA_BYTES;
		int rc = attach_pair(c, &p->rx, &p->tx, (uint16_t)VIRTIO_CONSOLE_QUEUE_RX(i), rx_done,
				     tx_done, p, &cursor);
		/* A port whose queues the device lacks is refused if it is ever
		 * added; port 0's queues always exist (§5.3.2). */
		if (rc == VIRTIO_ENOQUEUE && i > 0)
			continue;
		if (rc)
			return rc;
		p->rxbufs = take(&cursor, VCON_QUEUE_SIZE * VCON_BUF_BYTES);
		p->txbufs = take(&cursor, VCON_QUEUE_SIZE * VCON_BUF_BYTES);
		p->txfree = take(&cursor, VCON_QUEUE_SIZE * sizeof(uint16_t));
		p->stash = take(&cursor, VCON_STASH_BYTES);
		p->usable = true;
	}
	return VIRTIO_OK;
}

/* Every buffer free, every receive buffer posted (before DRIVER_OK: no
 * kick yet).  At start and after a re-initialisation rebuilt the queues. */
static void stock(struct virtq *vq, uint8_t *bufs, uint32_t len)
{
	for (uint16_t i = 0; i < vq->size; i++)
		if (vcon_post_rx(vq, bufs + (size_t)i * len, len))
			break;
}

static void fresh_buffers(struct vcon *c)
{
	if (c->multiport) {
		c->nctrl_txfree = c->ctrl_tx.size;
		for (uint16_t i = 0; i < c->ctrl_tx.size; i++)
			c->ctrl_txfree[i] = i;
		c->backlog_head = c->backlog_len = 0;
		stock(&c->ctrl_rx, c->ctrl_rxbufs, VCON_CTRL_BUF_BYTES);
	}
	for (uint16_t i = 0; i < c->nports; i++) {
		struct vcon_port *p = &c->ports[i];
		if (!p->usable)
			continue;
		p->ntxfree = p->tx.size;
		for (uint16_t k = 0; k < p->tx.size; k++)
			p->txfree[k] = k;
		p->stash_head = p->stash_tail = 0;
		stock(&p->rx, p->rxbufs, VCON_BUF_BYTES);
	}
}

/* ---- ports ------------------------------------------------------------ */

void vcon_port_add(struct vcon *c, struct vcon_port *p)
{
	p->present = true;
	p->console = p->host_open = p->guest_open = p->rx_fresh = false;
	p->cols = p->rows = 0;
	p->name[0] = '\0';
	p->rx_bytes = p->tx_bytes = p->dropped = 0;
	p->stash_head = p->stash_tail = 0;
	vcon_report(c, p, VCON_EV_ADDED);
}

static void forget(struct vcon *c, struct vcon_port *p)
{
	p->present = p->rx_fresh = false;
	p->stash_head = p->stash_tail;
	vcon_report(c, p, VCON_EV_REMOVED);
}

bool vcon_port_remove(struct vcon *c, struct vcon_port *p)
{
	/* The device hands back a removed port's transmit buffers (QEMU does
	 * it before DEVICE_REMOVE): take what is used by now.  Receive
	 * buffers stay posted; the port may come back on the same queues. */
	if (virtio_queue_drain(&p->tx, VIRTIO_DRAIN_BUDGET) < 0 ||
	    virtio_queue_drain(&p->rx, VIRTIO_DRAIN_BUDGET) < 0)
		return false;
	forget(c, p);
	return true;
}

/* The device went away (reset): every port with it. */
static void forget_all(struct vcon *c)
{
	for (uint16_t i = 0; i < c->nports; i++)
		if (c->ports[i].present)
			forget(c, &c->ports[i]);
	c->backlog_len = 0; /* meant for the device as it was */
}

/* DRIVER_OK is set: the receive queues get their notification, and the
 * ports come (§5.3.6.2.2: only after DEVICE_READY with MULTIPORT). */
static void go_live(struct vcon *c)
{
	for (uint16_t i = 0; i < c->nports; i++)
		if (c->ports[i].usable)
			virtq_kick(&c->ports[i].rx);
	if (c->multiport) {
		virtq_kick(&c->ctrl_rx);
		vcon_send_ctrl(c, 0, VIRTIO_CONSOLE_DEVICE_READY, 1);
		return;
	}
	/* One port, always there; no way to hear of the host side. */
	struct vcon_port *p = &c->ports[0];
	vcon_port_add(c, p);
	p->console = p->host_open = p->guest_open = true;
	p->cols = c->cols;
	p->rows = c->rows;
	vcon_report(c, p, VCON_EV_CONSOLE);
}

/* ---- bring-up --------------------------------------------------------- */

/* cols and rows in one generation (§5.3.4): never a size of two. */
static int read_size(struct vcon *c)
{
	uint16_t cr[2];
	const struct virtio_config_field f = { CFG_COLS, 2, 2, cr };
	int rc = virtio_config_read_fields(c->vdev, &f, 1);
	if (rc == VIRTIO_OK) {
		c->cols = cr[0];
		c->rows = cr[1];
	}
	return rc;
}

static int read_config(struct vcon *c)
{
	struct virtio_device *d = c->vdev;

	c->multiport = virtio_has_feature(d, VIRTIO_CONSOLE_F_MULTIPORT);
	c->max_nr_ports = 1;
	if (c->multiport) {
		uint32_t n;
		int rc = virtio_config_read32(d, CFG_MAX_NR_PORTS, &n);
		if (rc)
			return rc;
		/* The queue numbering caps it: port k needs queue 2k+3. */
		if (n > (VIRTQ_MAX_SIZE - 2) / 2)
			n = (VIRTQ_MAX_SIZE - 2) / 2;
		c->max_nr_ports = n ? n : 1;
	}
	return virtio_has_feature(d, VIRTIO_CONSOLE_F_SIZE) ? read_size(c) : VIRTIO_OK;
}

/* A configuration change that is not a reset: with F_SIZE, port 0's size
 * (§5.3.6).  Interrupt context. */
static void config_changed(void *ctx)
{
	struct vcon *c = ctx;
	if (!virtio_has_feature(c->vdev, VIRTIO_CONSOLE_F_SIZE))
		return;
	if (read_size(c) != VIRTIO_OK)
		return; /* never settled: keep the size seen last */
	struct vcon_port *p = vcon_port(c, 0);
	if (p && (p->cols != c->cols || p->rows != c->rows)) {
		p->cols = c->cols;
		p->rows = c->rows;
		vcon_report(c, p, VCON_EV_RESIZE);
	}
}

/* The core rebuilt the queues after a reset: every port is gone, every
 * buffer ours again; post the receive buffers.  vcon_recover() finishes
 * the start once DRIVER_OK is set. */
static int reinit(void *ctx)
{
	struct vcon *c = ctx;
	forget_all(c);
	int rc = read_config(c);
	if (rc)
		return rc;
	fresh_buffers(c);
	c->restarted = true;
	return VIRTIO_OK;
}

static const struct virtio_driver_ops vcon_ops = {
	.config_changed = config_changed,
	.reinit = reinit,
};

int vcon_probe(struct vcon *c, struct virtio_device *vdev, uint64_t mask)
{
	if (vdev->device_id != VIRTIO_ID_CONSOLE)
		return VIRTIO_ENODEV;
	*c = (struct vcon){ .vdev = vdev };
	int rc = virtio_device_begin(vdev, DRIVER_FEATURES, mask);
	if (rc)
		return rc;
	virtio_device_set_driver(vdev, &vcon_ops, c);
	rc = read_config(c);
	if (rc) {
		virtio_device_fail(vdev);
		return rc;
	}
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
	if (c->ports || !ports || nports == 0 || c->vdev->state != VIRTIO_DEV_SETUP)
		return VIRTIO_EINVAL;
	if (!mem || ((uintptr_t)mem & (VIRTQ_MEM_ALIGN - 1)) || mem_len < vcon_mem_bytes(nports))
		return VIRTIO_ENOMEM;
	for (uint16_t i = 0; i < nports; i++)
		ports[i] = (struct vcon_port){ .id = i, .con = c };
	c->ports = ports;
	c->nports = nports;
	c->mem = mem;
	return attach_queues(c);
}

int vcon_start(struct vcon *c)
{
	if (!c->ports || !c->ports[0].usable || c->vdev->state != VIRTIO_DEV_SETUP)
		return VIRTIO_EINVAL;
	fresh_buffers(c);
	virtio_device_ready(c->vdev);
	go_live(c);
	return virtio_device_error(c->vdev);
}

/* ---- the work loop ---------------------------------------------------- */

/* After a drain: kick what was re-posted, report new bytes, send what
 * the control messages asked for. */
static void after_drain(struct vcon *c)
{
	if (c->vdev->state != VIRTIO_DEV_LIVE)
		return;
	for (uint16_t i = 0; i < c->nports; i++) {
		struct vcon_port *p = &c->ports[i];
		if (!p->usable)
			continue;
		virtq_kick(&p->rx);
		if (p->rx_fresh) {
			p->rx_fresh = false;
			vcon_report(c, p, VCON_EV_DATA);
		}
	}
	if (c->multiport) {
		virtq_kick(&c->ctrl_rx);
		vcon_flush_ctrl(c);
	}
}

int vcon_interrupt(struct vcon *c)
{
	int rc = virtio_device_interrupt(c->vdev);
	after_drain(c);
	return rc;
}

int vcon_poll(struct vcon *c)
{
	int rc = virtio_device_poll(c->vdev);
	after_drain(c);
	return rc;
}

int vcon_abort(struct vcon *c, int err)
{
	int rc = virtio_device_abort(c->vdev, err);
	forget_all(c);
	return rc;
}

int vcon_recover(struct vcon *c)
{
	int rc = virtio_device_recover(c->vdev);
	if (rc) {
		forget_all(c); /* reset, or dead: the ports are gone either way */
		return rc;
	}
	if (c->restarted) {
		c->restarted = false;
		go_live(c);
	}
	return virtio_device_error(c->vdev);
}

/* ---- port I/O --------------------------------------------------------- */

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
	int rc = virtio_device_error(c->vdev);
	if (rc)
		return rc;
	if (id >= c->nports || !c->ports[id].usable)
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
	rc = virtio_queue_drain(&p->tx, VIRTIO_DRAIN_BUDGET);
	if (rc < 0)
		return rc;

	const uint8_t *src = buf;
	uint32_t taken = 0;
	rc = VIRTIO_OK;
	while (taken < len && p->ntxfree) {
		uint8_t *tb = p->txbufs + (size_t)p->txfree[p->ntxfree - 1] * VCON_BUF_BYTES;
		uint32_t n = len - taken < VCON_BUF_BYTES ? len - taken : VCON_BUF_BYTES;
		vcon_copy(tb, src + taken, n);
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
	if (rc && taken == 0)
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
		vcon_send_ctrl(c, id, VIRTIO_CONSOLE_PORT_OPEN, open ? 1 : 0);
	return virtio_device_error(c->vdev);
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
