/*
 * The virtio-console back end of the simulated device (sim_console.h):
 * queue numbering and the control protocol of §5.3.6.2, with QEMU
 * virtio-serial's answers and orderings.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/unit.h"
#include "sim/devices/sim_console.h"
#include "virtio/console.h"
#include "virtio/spec.h"

#define CTRL_RX VIRTIO_CONSOLE_QUEUE_CTRL_RX

static bool multiport(struct sim_dev *d)
{
	return sim_has(d, VIRTIO_CONSOLE_F_MULTIPORT);
}

/* Queue q -> port id (or -1 for the control queues); *tx its direction. */
static int queue_port(unsigned q, bool *tx)
{
	*tx = q & 1;
	if (q < 2)
		return 0;
	if (q < 4)
		return -1;
	return (int)(q - 2) / 2;
}

static unsigned rx_queue(uint32_t id)
{
	return VIRTIO_CONSOLE_QUEUE_RX(id);
}

static struct sim_con_port *port_of(struct sim_dev *d, uint32_t id)
{
	struct sim_con *s = sim_con_of(d);
	if (id >= SIM_CON_MAX_PORTS)
		FAIL("sim console: port %u out of range", id);
	return &s->port[id];
}

/* ---- device -> driver ------------------------------------------------- */

static void queue_raw(struct sim_dev *d, const void *bytes, uint32_t len)
{
	struct sim_con *s = sim_con_of(d);
	if (s->outbox_len == SIM_CON_OUTBOX)
		FAIL("sim console: control outbox full");
	if (len > sizeof(s->outbox[0].bytes))
		FAIL("sim console: control message of %u bytes", len);
	unsigned at = (s->outbox_head + s->outbox_len++) % SIM_CON_OUTBOX;
	memcpy(s->outbox[at].bytes, bytes, len);
	uint32_t id = len >= 8 ? (uint32_t)sim_get_le(bytes, 4) : SIM_CON_MAX_PORTS;
	if (id < SIM_CON_MAX_PORTS &&
	    sim_get_le((const uint8_t *)bytes + 4, 2) == VIRTIO_CONSOLE_DEVICE_ADD)
		s->port[id].unanswered++, s->port[id].announced = true;
	s->outbox[at].len = len;
}

static void queue_ctrl(struct sim_dev *d, uint32_t id, uint16_t event, uint16_t value,
		       const void *extra, uint32_t nextra)
{
	uint8_t m[320];
	if (nextra > sizeof(m) - 8)
		FAIL("sim console: control extra of %u bytes", nextra);
	sim_put_le(m, id, 4);
	sim_put_le(m + 4, event, 2);
	sim_put_le(m + 6, value, 2);
	if (nextra)
		memcpy(m + 8, extra, nextra);
	queue_raw(d, m, 8 + nextra);
}

/* Whether the guest may receive host bytes on this port now. */
static bool port_flows(struct sim_dev *d, uint32_t id)
{
	struct sim_con_port *p = port_of(d, id);
	if (p->in_off == p->in_len)
		return false;
	if (!multiport(d))
		return id == 0;
	if (sim_con_of(d)->rogue_rx)
		return true;
	/* QEMU: only into a port the guest has opened. */
	return p->exists && p->added && p->guest_open;
}

static bool can_complete(struct sim_dev *d, unsigned q)
{
	bool tx;
	int id = queue_port(q, &tx);
	if (tx)
		return true;
	if (id < 0)
		return sim_con_of(d)->outbox_len > 0;
	return port_flows(d, (uint32_t)id);
}

void sim_con_deliver(struct sim_dev *d)
{
	struct sim_con *s = sim_con_of(d);
	if (multiport(d))
		sim_process_queue(d, CTRL_RX);
	for (uint32_t id = 0; id < s->max_nr_ports; id++)
		if (d->q[rx_queue(id)].ready)
			sim_process_queue(d, rx_queue(id));
}

/* QEMU's answer to PORT_READY: CONSOLE_PORT, PORT_NAME, PORT_OPEN. */
static void announce_details(struct sim_dev *d, uint32_t id)
{
	struct sim_con_port *p = port_of(d, id);
	if (p->console)
		queue_ctrl(d, id, VIRTIO_CONSOLE_CONSOLE_PORT, 1, NULL, 0);
	if (p->name[0]) /* with its NUL, as QEMU sends it */
		queue_ctrl(d, id, VIRTIO_CONSOLE_PORT_NAME, 1, p->name, (uint32_t)strlen(p->name) + 1);
	if (p->host_open)
		queue_ctrl(d, id, VIRTIO_CONSOLE_PORT_OPEN, 1, NULL, 0);
}

/* ---- driver -> device ------------------------------------------------- */

static void on_driver_ctrl(struct sim_dev *d, const uint8_t *m)
{
	struct sim_con *s = sim_con_of(d);
	uint32_t id = (uint32_t)sim_get_le(m, 4);
	uint16_t event = (uint16_t)sim_get_le(m + 4, 2);
	uint16_t value = (uint16_t)sim_get_le(m + 6, 2);

	s->ctrl_msgs++;
	switch (event) {
	case VIRTIO_CONSOLE_DEVICE_READY:
		if (value != 1)
			sim_violation("console: DEVICE_READY with value %u", value);
		s->device_ready = true;
		for (uint32_t i = 0; i < s->max_nr_ports; i++)
			if (s->port[i].exists && !s->port[i].added) {
				s->port[i].added = true;
				queue_ctrl(d, i, VIRTIO_CONSOLE_DEVICE_ADD, 0, NULL, 0);
			}
		return;
	case VIRTIO_CONSOLE_PORT_READY:
		if (id >= s->max_nr_ports || !s->port[id].unanswered) {
			/* After a fault on the control receive queue (a used id
			 * repeated: the driver cannot tell it from the buffer it
			 * re-posted under that id) it may read a message twice
			 * and answer both: the device's doing. */
			if (!d->q[VIRTIO_CONSOLE_QUEUE_CTRL_RX].halted)
				sim_violation("console: PORT_READY for port %u, no DEVICE_ADD to answer",
					      id);
			return;
		}
		s->port[id].unanswered--;
		/* An answer to a DEVICE_ADD the device took back (removed, maybe
		 * plugged again since) or sent outside the protocol: the driver
		 * answered what it was told; QEMU ignores it. */
		if (!s->port[id].added || s->port[id].ready)
			return;
		if (value == 0) {
			s->port_ready_fail++;
			return;
		}
		s->port[id].ready = true;
		announce_details(d, id);
		return;
	case VIRTIO_CONSOLE_PORT_OPEN:
		if (id >= s->max_nr_ports || !s->port[id].added) {
			if (id >= s->max_nr_ports || !s->port[id].announced)
				sim_violation("console: PORT_OPEN for port %u, never added", id);
			return;
		}
		if (value > 1)
			sim_violation("console: PORT_OPEN value %u", value);
		if (value && s->port[id].console && !s->port[id].guest_open)
			s->console_open++;
		s->port[id].guest_open = value != 0;
		return;
	default:
		sim_violation("console: the driver sent device event %u", event);
	}
}

static uint32_t backend(struct sim_dev *d, unsigned q, struct sim_chain *c)
{
	struct sim_con *s = sim_con_of(d);
	bool tx;
	int id = queue_port(q, &tx);

	if (tx && c->writable)
		sim_violation("console: device-writable buffer on transmit queue %u", q);
	if (!tx && c->readable)
		sim_violation("console: device-readable buffer on receive queue %u", q);
	if (id < 0 && c->nseg != 1 && d->version == 1)
		sim_violation("console: legacy control buffer of %u descriptors (§5.3.6.3)",
			      c->nseg);
	if (id < 0 && tx) {
		uint8_t m[8];
		if (c->readable != 8) {
			sim_violation("console: control message of %llu bytes",
				      (unsigned long long)c->readable);
			return 0;
		}
		sim_chain_read(c, 0, m, 8);
		on_driver_ctrl(d, m);
		sim_con_deliver(d); /* answers go out at once, like QEMU */
		return 0;
	}
	if (id < 0) {
		/* Like QEMU, whatever fits (it reports the whole length even
		 * when it does not, which the driver would see as a fault). */
		unsigned at = s->outbox_head;
		uint32_t n = s->outbox[at].len < c->writable ? s->outbox[at].len
							       : (uint32_t)c->writable;
		sim_chain_write(c, 0, s->outbox[at].bytes, n);
		s->outbox_head = (at + 1) % SIM_CON_OUTBOX;
		s->outbox_len--;
		return n;
	}
	struct sim_con_port *p = port_of(d, (uint32_t)id);
	if (tx) {
		uint32_t n = (uint32_t)c->readable;
		p->tx_chains++;
		bool keep = multiport(d) ? p->exists && p->added && p->host_open : true;
		if (!keep || p->out_len + n > SIM_CON_OUT_BYTES) {
			p->discarded += n;
			return 0;
		}
		sim_chain_read(c, 0, p->out + p->out_len, n);
		p->out_len += n;
		return 0;
	}
	uint32_t n = p->in_len - p->in_off;
	if (n > c->writable)
		n = (uint32_t)c->writable;
	sim_chain_write(c, 0, p->in + p->in_off, n);
	p->in_off += n;
	return n;
}

static bool config_write(struct sim_dev *d, uint32_t off, unsigned width, uint32_t v)
{
	struct sim_con *s = sim_con_of(d);
	if (off != offsetof(struct virtio_console_config, emerg_wr) || width != 4 || !((d->features >> VIRTIO_CONSOLE_F_EMERG_WRITE) & 1))
		return false;
	if (s->nemerg < sizeof(s->emerg))
		s->emerg[s->nemerg++] = (char)(v & 0xff);
	return true;
}

static void on_reset(struct sim_dev *d)
{
	struct sim_con *s = sim_con_of(d);
	s->device_ready = false;
	s->outbox_len = 0;
	for (unsigned i = 0; i < SIM_CON_MAX_PORTS; i++) {
		struct sim_con_port *p = &s->port[i];
		p->added = p->ready = p->guest_open = false;
		p->unanswered = 0;
		p->announced = false;
	}
}

/* ---- the host's side -------------------------------------------------- */

struct sim_dev *sim_con_new(const struct sim_con_opts *o)
{
	uint32_t version = o->version ? o->version : 2;
	uint64_t f = o->features;
	if (!f)
		f = VIRTIO_BIT(VIRTIO_CONSOLE_F_SIZE) | VIRTIO_BIT(VIRTIO_CONSOLE_F_MULTIPORT) |
		    VIRTIO_BIT(VIRTIO_CONSOLE_F_EMERG_WRITE) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX) |
		    VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_RING_PACKED);
	f &= ~o->remove;

	struct sim_dev *d = sim_dev_new(version, VIRTIO_ID_CONSOLE, f);
	struct sim_con *s = calloc(1, sizeof(*s));
	if (!s)
		abort();
	s->max_nr_ports = o->max_nr_ports ? o->max_nr_ports : 4;
	if (s->max_nr_ports > SIM_CON_MAX_PORTS)
		FAIL("sim console: %u ports, at most %u", s->max_nr_ports, SIM_CON_MAX_PORTS);
	d->ctx = s;
	d->backend = backend;
	d->can_complete = can_complete;
	d->config_write = config_write;
	d->on_reset = on_reset;
	d->poll_ring = true; /* a receive queue is looked at when there is data */

	uint16_t qmax = o->qmax ? o->qmax : 1024;
	bool mp = (f >> VIRTIO_CONSOLE_F_MULTIPORT) & 1;
	unsigned nq = mp ? 2 + 2 * s->max_nr_ports : 2;
	for (unsigned q = 0; q < nq; q++)
		sim_set_queue_max(d, q, qmax);
	d->config_len = sizeof(struct virtio_console_config);
	sim_put_le(d->config + offsetof(struct virtio_console_config, cols), o->cols, 2);
	sim_put_le(d->config + offsetof(struct virtio_console_config, rows), o->rows, 2);
	sim_put_le(d->config + offsetof(struct virtio_console_config, max_nr_ports),
		   s->max_nr_ports, 4);
	return d;
}

void sim_con_plug(struct sim_dev *d, uint32_t id, const char *name, bool console,
		  bool host_open)
{
	struct sim_con *s = sim_con_of(d);
	struct sim_con_port *p = port_of(d, id);
	unsigned unanswered = p->unanswered; /* answers to earlier DEVICE_ADDs may still come */
	bool announced = p->announced;
	memset(p, 0, sizeof(*p));
	p->unanswered = unanswered;
	p->announced = announced;
	p->exists = true;
	p->console = console;
	p->host_open = host_open;
	if (name)
		snprintf(p->name, sizeof(p->name), "%s", name);
	if (s->device_ready && multiport(d)) {
		p->added = true;
		queue_ctrl(d, id, VIRTIO_CONSOLE_DEVICE_ADD, 0, NULL, 0);
		sim_con_deliver(d);
	}
}

void sim_con_unplug(struct sim_dev *d, uint32_t id)
{
	struct sim_con *s = sim_con_of(d);
	struct sim_con_port *p = port_of(d, id);
	unsigned txq = rx_queue(id) + 1;
	if (!s->keep_tx_on_remove && d->q[txq].ready) {
		/* QEMU's remove_port(): discard_vq_data() on the output queue. */
		p->host_open = false;
		sim_consume(d, txq);
		sim_complete(d, txq, 0);
	}
	bool announced = p->added;
	p->exists = p->added = p->ready = p->guest_open = false;
	if (announced) {
		queue_ctrl(d, id, VIRTIO_CONSOLE_DEVICE_REMOVE, 1, NULL, 0);
		sim_con_deliver(d);
	}
}

void sim_con_host_open(struct sim_dev *d, uint32_t id, bool open)
{
	struct sim_con_port *p = port_of(d, id);
	p->host_open = open;
	if (p->ready) {
		queue_ctrl(d, id, VIRTIO_CONSOLE_PORT_OPEN, open, NULL, 0);
		sim_con_deliver(d);
	}
}

void sim_con_host_send(struct sim_dev *d, uint32_t id, const void *buf, uint32_t len)
{
	struct sim_con_port *p = port_of(d, id);
	if (p->in_off == p->in_len)
		p->in_off = p->in_len = 0;
	if (p->in_len + len > SIM_CON_IN_BYTES)
		FAIL("sim console: %u host bytes do not fit", len);
	memcpy(p->in + p->in_len, buf, len);
	p->in_len += len;
	sim_con_deliver(d);
}

void sim_con_ctrl(struct sim_dev *d, uint32_t id, uint16_t event, uint16_t value,
		  const void *extra, uint32_t nextra)
{
	queue_ctrl(d, id, event, value, extra, nextra);
	sim_con_deliver(d);
}

void sim_con_ctrl_raw(struct sim_dev *d, const void *bytes, uint32_t len)
{
	queue_raw(d, bytes, len);
	sim_con_deliver(d);
}

void sim_con_set_size(struct sim_dev *d, uint16_t cols, uint16_t rows)
{
	sim_put_le(d->config + offsetof(struct virtio_console_config, cols), cols, 2);
	sim_put_le(d->config + offsetof(struct virtio_console_config, rows), rows, 2);
	d->config_gen++;
	sim_raise_config(d);
}
