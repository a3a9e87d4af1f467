/*
 * virtio-console (drivers/virtio/devices/console.c) against the simulated
 * console (sim/devices/sim_console.c): bring-up with and without
 * MULTIPORT over modern and legacy mmio and PCI, split and packed rings;
 * bytes both ways (buffers filled to the last byte, the port's bounded
 * buffer overflowing), the control protocol (names, host open/close,
 * console nomination, resize), hot-plug and unplug while traffic flows, a
 * device that sends control messages for ports that do not exist or that
 * are malformed, a device that falls silent, emergency writes, and a
 * device that needs a reset.
 */
#include <stddef.h>
#include <string.h>

#include "harness/bringup.h"
#include "sim/devices/sim_console.h"
#include "sim/sim_pci.h"
#include "virtio/console.h"
#include "virtio/pci.h"

#define NPORTS 3
#define MAX_EVENTS 128

struct tcon {
	struct sim_dev *sim;
	struct sim_con *s;
	struct virtio_mmio mmio;
	struct virtio_pci pci;
	struct vcon con;
	struct vcon_port ports[NPORTS];
	void *mem;
	size_t len;
	struct { uint32_t port; enum vcon_event ev; } log[MAX_EVENTS];
	unsigned nlog;
	uint16_t in_flight_at_removal[NPORTS]; /* transmit buffers still out at REMOVED */
};

static void on_event(struct vcon *c, struct vcon_port *p, enum vcon_event ev)
{
	struct tcon *t = c->event_ctx;
	if (t->nlog == MAX_EVENTS)
		FAIL("more than %u console events", MAX_EVENTS);
	t->log[t->nlog].port = p->id;
	t->log[t->nlog].ev = ev;
	t->nlog++;
	if (ev == VCON_EV_REMOVED)
		t->in_flight_at_removal[p->id] = vcon_tx_in_flight(p);
}

/* How many times `ev` was reported for `port` since the last clear. */
static unsigned events(const struct tcon *t, uint32_t port, enum vcon_event ev)
{
	unsigned n = 0;
	for (unsigned i = 0; i < t->nlog; i++)
		n += t->log[i].port == port && t->log[i].ev == ev;
	return n;
}

/* The interrupt handler, run while the device raises interrupts (and
 * until one finds the device broken or needing a reset: the main loop's
 * vcon_recover() is the case's to call). */
static void pump(struct tcon *t)
{
	for (int i = 0; i < 100; i++) {
		if (!t->sim->int_status)
			return;
		if (vcon_interrupt(&t->con) < 0)
			return;
	}
	FAIL("the device kept interrupting");
}

static bool recovery_due(struct tcon *t)
{
	return virtio_device_pending(t->con.vdev) & VIRTIO_PENDING_RECOVER;
}

enum transport { MMIO, PCI };

static void tcon_probe(struct tcon *t, struct sim_dev *sim, enum transport tr, uint64_t mask)
{
	memset(t, 0, sizeof(*t));
	t->sim = sim;
	t->s = sim_con_of(sim);
	struct virtio_device *vdev;
	if (tr == PCI) {
		struct sim_pci *p = sim_pci_new(sim, NULL);
		CHECK_OK(virtio_pci_probe(&t->pci, &p->acc, p->bars));
		vdev = &t->pci.vdev;
	} else {
		CHECK_OK(virtio_mmio_probe(&t->mmio, sim->base));
		vdev = &t->mmio.vdev;
	}
	CHECK_OK(vcon_probe(&t->con, vdev, mask));
	t->len = vcon_mem_bytes(NPORTS);
	t->mem = sim->version == 1 ? tmem_alloc_low(t->len, VIRTQ_MEM_ALIGN)
				   : tmem_alloc(t->len, VIRTQ_MEM_ALIGN);
	CHECK_OK(vcon_attach(&t->con, t->ports, NPORTS, t->mem, t->len));
	t->con.on_event = on_event;
	t->con.event_ctx = t;
}

static void tcon_start(struct tcon *t)
{
	CHECK_OK(vcon_start(&t->con));
	pump(t);
}

/* The next tcon_usual() device completes packed descriptors like QEMU 7.2. */
static bool qemu_packed;

/* The usual machine: a console on port 0, a named port 1 whose host end
 * is closed, a named port 2 whose host end is open. */
static struct tcon *tcon_usual(enum transport tr, uint32_t version, uint64_t mask)
{
	static struct tcon t;
	sim_reset_all();
	struct sim_con_opts o = { .version = version, .cols = 80, .rows = 25 };
	struct sim_dev *sim = sim_con_new(&o);
	sim->packed_used_no_write = qemu_packed;
	qemu_packed = false;
	sim_con_plug(sim, 0, NULL, true, true);
	sim_con_plug(sim, 1, "org.example.closed", false, false);
	sim_con_plug(sim, 2, "org.example.open", false, true);
	tcon_probe(&t, sim, tr, mask);
	tcon_start(&t);
	return &t;
}

static void fill(uint8_t *p, uint32_t n, uint32_t seed)
{
	for (uint32_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 13 + (i >> 8));
}

/* Read everything port `id` holds into buf; the count. */
static uint32_t read_all(struct tcon *t, uint32_t id, uint8_t *buf, uint32_t cap)
{
	uint32_t got = 0;
	int n;
	while (got < cap && (n = vcon_read(&t->con, id, buf + got, cap - got)) > 0)
		got += (uint32_t)n;
	return got;
}

TEST(con_probe_reads_the_configuration)
{
	static struct tcon t;
	for (uint32_t version = 1; version <= 2; version++) {
		sim_reset_all();
		struct sim_con_opts o = { .version = version, .max_nr_ports = 5, .cols = 132,
					  .rows = 43 };
		tcon_probe(&t, sim_con_new(&o), MMIO, ALL_FEATURES);
		struct virtio_device *d = &t.mmio.vdev;
		CHECK(virtio_has_feature(d, VIRTIO_CONSOLE_F_MULTIPORT));
		CHECK(virtio_has_feature(d, VIRTIO_CONSOLE_F_SIZE));
		CHECK(virtio_has_feature(d, VIRTIO_CONSOLE_F_EMERG_WRITE));
		CHECK(t.con.multiport && t.con.emerg_write);
		CHECK_EQ(t.con.max_nr_ports, 5);
		CHECK_EQ(t.con.cols, 132);
		CHECK_EQ(t.con.rows, 43);
		/* Slots for NPORTS ports: their queues, nothing beyond. */
		for (unsigned i = 0; i < NPORTS; i++)
			CHECK(t.ports[i].usable && !t.ports[i].present);
		CHECK(t.sim->q[0].ready && t.sim->q[2].ready && t.sim->q[3].ready);
		CHECK(t.sim->q[2 * (NPORTS - 1) + 3].ready);
		CHECK(!t.sim->q[2 * NPORTS + 2].ready);
	}
}

TEST(con_probe_refuses_other_devices_and_missing_queues)
{
	static struct tcon t;
	struct vcon c;
	sim_reset_all();
	struct sim_blk_opts bo = { 0 };
	struct sim_dev *blk = sim_blk_new(&bo);
	CHECK_OK(virtio_mmio_probe(&t.mmio, blk->base));
	CHECK_ERR(vcon_probe(&c, &t.mmio.vdev, ALL_FEATURES), VIRTIO_ENODEV);

	sim_reset_all();
	struct sim_con_opts o = { 0 };
	struct sim_dev *sim = sim_con_new(&o);
	sim_set_queue_max(sim, 1, 0);
	CHECK_OK(virtio_mmio_probe(&t.mmio, sim->base));
	CHECK_ERR(vcon_probe(&c, &t.mmio.vdev, ALL_FEATURES), VIRTIO_ENOQUEUE);
	CHECK(sim->status & VIRTIO_STATUS_FAILED);

	/* Too little memory, or none aligned. */
	sim_reset_all();
	sim = sim_con_new(&o);
	CHECK_OK(virtio_mmio_probe(&t.mmio, sim->base));
	CHECK_OK(vcon_probe(&c, &t.mmio.vdev, ALL_FEATURES));
	struct vcon_port ports[2];
	size_t n = vcon_mem_bytes(2);
	uint8_t *mem = tmem_alloc(n, VIRTQ_MEM_ALIGN);
	CHECK_ERR(vcon_attach(&c, ports, 2, mem, n - 1), VIRTIO_ENOMEM);
	CHECK_ERR(vcon_attach(&c, ports, 2, mem + 64, n), VIRTIO_ENOMEM);
	CHECK_ERR(vcon_attach(&c, ports, 0, mem, n), VIRTIO_EINVAL);
	CHECK_ERR(vcon_start(&c), VIRTIO_EINVAL);
}

/* Bring-up over every transport and layout: DEVICE_READY, the ports
 * announced and answered, names, console nomination, host states. */
TEST(con_multiport_bringup_every_transport)
{
	struct { enum transport tr; uint32_t version; uint64_t mask; bool qemu_packed; } runs[] = {
		{ MMIO, 2, NO(VIRTIO_F_RING_PACKED), false },
		{ MMIO, 2, ALL_FEATURES, false },
		{ MMIO, 2, ALL_FEATURES, true }, /* used descriptors without WRITE */
		{ MMIO, 1, ALL_FEATURES, false },
		{ PCI, 2, NO(VIRTIO_F_RING_PACKED), false },
		{ PCI, 2, ALL_FEATURES, true },
	};
	for (unsigned r = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
		qemu_packed = runs[r].qemu_packed;
		struct tcon *t = tcon_usual(runs[r].tr, runs[r].version, runs[r].mask);
		CHECK_MSG(t->s->device_ready, "run %u: no DEVICE_READY", r);
		for (uint32_t id = 0; id < 3; id++) {
			CHECK_MSG(t->ports[id].present, "run %u: port %u missing", r, id);
			CHECK(t->s->port[id].ready);
			CHECK_EQ(events(t, id, VCON_EV_ADDED), 1);
		}
		CHECK(t->ports[0].console && t->ports[0].guest_open && t->ports[0].host_open);
		CHECK_EQ(t->s->console_open, 1); /* CONSOLE_PORT answered with PORT_OPEN 1 */
		CHECK_EQ(events(t, 0, VCON_EV_CONSOLE), 1);
		CHECK(strcmp(t->ports[1].name, "org.example.closed") == 0);
		CHECK(strcmp(t->ports[2].name, "org.example.open") == 0);
		CHECK(t->ports[0].name[0] == '\0');
		CHECK(!t->ports[1].host_open && t->ports[2].host_open);
		CHECK(!t->ports[1].guest_open && !t->ports[2].guest_open);
		CHECK(!t->ports[1].console && !t->ports[2].console);
		CHECK_EQ(t->con.bad_ctrl + t->con.bad_port + t->con.bad_name + t->con.refused, 0);
		/* Every receive queue stocked with every buffer. */
		CHECK_EQ(sim_avail_pending(t->sim, 0) + t->sim->q[0].npending, t->ports[0].rx.size);
		CHECK_EQ(t->sim->q[4].npending + sim_avail_pending(t->sim, 4), t->ports[1].rx.size);
		CHECK_EQ(t->sim->q[2].npending, t->con.ctrl_rx.size);
		CHECK_EQ(t->ports[0].rx.packed, runs[r].mask == ALL_FEATURES && runs[r].version == 2);
		/* Bytes both ways, whatever the ring. */
		CHECK_OK(vcon_open(&t->con, 2, true));
		sim_con_host_send(t->sim, 2, "ping", 4);
		CHECK_EQ(vcon_write(&t->con, 2, "pong", 4), 4);
		pump(t);
		uint8_t buf[8];
		CHECK_EQ(vcon_read(&t->con, 2, buf, sizeof(buf)), 4);
		CHECK(memcmp(buf, "ping", 4) == 0);
		CHECK(t->s->port[2].out_len == 4 && memcmp(t->s->port[2].out, "pong", 4) == 0);
	}
}

TEST(con_write_reaches_the_host_and_buffers_come_back)
{
	for (int packed = 0; packed <= 1; packed++) {
		struct tcon *t = tcon_usual(MMIO, 2, layout_mask(packed));
		static uint8_t data[3000];
		fill(data, sizeof(data), 7);
		int n = vcon_write(&t->con, 2, data, sizeof(data));
		CHECK_EQ(n, sizeof(data));
		pump(t);
		CHECK_EQ(t->s->port[2].out_len, sizeof(data));
		CHECK(memcmp(t->s->port[2].out, data, sizeof(data)) == 0);
		CHECK_EQ(t->s->port[2].tx_chains, (sizeof(data) + VCON_BUF_BYTES - 1) / VCON_BUF_BYTES);
		CHECK_EQ(vcon_tx_in_flight(&t->ports[2]), 0);
		CHECK_EQ(t->ports[2].tx_bytes, sizeof(data));
		/* More than every transmit buffer holds, in rounds: each round
		 * reclaims what the device used. */
		for (int round = 0; round < 5; round++)
			CHECK_EQ(vcon_write(&t->con, 2, data, sizeof(data)), sizeof(data));
		CHECK_EQ(t->s->port[2].out_len, 6 * sizeof(data));
		/* The host end of port 1 is closed: the device drops the bytes. */
		CHECK_EQ(vcon_write(&t->con, 1, "lost", 4), 4);
		CHECK_EQ(t->s->port[1].out_len, 0);
		CHECK_EQ(t->s->port[1].discarded, 4);
		CHECK_EQ(vcon_write(&t->con, 2, NULL, 0), 0);
		CHECK_ERR(vcon_write(&t->con, 2, NULL, 4), VIRTIO_EINVAL);
		CHECK_ERR(vcon_write(&t->con, NPORTS, "x", 1), VIRTIO_EINVAL);
	}
}

TEST(con_host_bytes_arrive_once_the_guest_opens)
{
	struct tcon *t = tcon_usual(MMIO, 2, ALL_FEATURES);
	uint8_t buf[64];
	sim_con_host_send(t->sim, 2, "hello from the host\n", 20);
	pump(t);
	CHECK_EQ(vcon_readable(&t->ports[2]), 0); /* QEMU: not into a closed guest end */
	CHECK_OK(vcon_open(&t->con, 2, true));
	CHECK(t->s->port[2].guest_open);
	pump(t);
	CHECK_EQ(events(t, 2, VCON_EV_DATA), 1);
	CHECK_EQ(vcon_read(&t->con, 2, buf, sizeof(buf)), 20);
	CHECK(memcmp(buf, "hello from the host\n", 20) == 0);
	CHECK_EQ(vcon_read(&t->con, 2, buf, sizeof(buf)), 0);
	/* Closing again is one PORT_OPEN 0; a second close sends nothing. */
	unsigned msgs = t->s->ctrl_msgs;
	CHECK_OK(vcon_open(&t->con, 2, false));
	CHECK_OK(vcon_open(&t->con, 2, false));
	CHECK_EQ(t->s->ctrl_msgs, msgs + 1);
	CHECK(!t->s->port[2].guest_open);
	/* The console port was opened by the driver itself. */
	sim_con_host_send(t->sim, 0, "ls\r", 3);
	pump(t);
	CHECK_EQ(vcon_read(&t->con, 0, buf, sizeof(buf)), 3);
}

TEST(con_host_open_and_close_are_seen)
{
	struct tcon *t = tcon_usual(MMIO, 2, ALL_FEATURES);
	sim_con_host_open(t->sim, 1, true);
	pump(t);
	CHECK(t->ports[1].host_open);
	sim_con_host_open(t->sim, 1, false);
	pump(t);
	CHECK(!t->ports[1].host_open);
	CHECK_EQ(events(t, 1, VCON_EV_HOST_OPEN), 2);
	CHECK(t->ports[2].host_open); /* the neighbour untouched */
}

TEST(con_rx_buffers_filled_to_the_last_byte)
{
	for (int packed = 0; packed <= 1; packed++) {
		struct tcon *t = tcon_usual(MMIO, 2, layout_mask(packed));
		static uint8_t data[5 * VCON_BUF_BYTES + 17], got[sizeof(data)];
		fill(data, sizeof(data), 99);
		CHECK_OK(vcon_open(&t->con, 2, true));
		/* Exactly one full buffer, then five full ones and a bit. */
		sim_con_host_send(t->sim, 2, data, VCON_BUF_BYTES);
		pump(t);
		CHECK_EQ(vcon_readable(&t->ports[2]), VCON_BUF_BYTES);
		CHECK_EQ(read_all(t, 2, got, sizeof(got)), VCON_BUF_BYTES);
		CHECK(memcmp(got, data, VCON_BUF_BYTES) == 0);
		sim_con_host_send(t->sim, 2, data, sizeof(data));
		pump(t);
		CHECK_EQ(read_all(t, 2, got, sizeof(got)), sizeof(data));
		CHECK(memcmp(got, data, sizeof(data)) == 0);
		CHECK_EQ(t->ports[2].rx_bytes, VCON_BUF_BYTES + sizeof(data));
		CHECK_EQ(t->ports[2].dropped, 0);
		/* Every buffer went straight back to the device. */
		CHECK_EQ(t->sim->q[6].npending + sim_avail_pending(t->sim, 6), t->ports[2].rx.size);
		tmem_check();
	}
}

TEST(con_unread_bytes_are_bounded_and_drops_counted)
{
	struct tcon *t = tcon_usual(MMIO, 2, ALL_FEATURES);
	static uint8_t data[VCON_STASH_BYTES + 1000], got[VCON_STASH_BYTES + 1000];
	fill(data, sizeof(data), 3);
	CHECK_OK(vcon_open(&t->con, 2, true));
	sim_con_host_send(t->sim, 2, data, sizeof(data));
	pump(t);
	/* Nobody read: the oldest bytes are kept, the rest dropped, counted. */
	CHECK_EQ(vcon_readable(&t->ports[2]), VCON_STASH_BYTES);
	CHECK_EQ(t->ports[2].dropped, 1000);
	CHECK_EQ(read_all(t, 2, got, sizeof(got)), VCON_STASH_BYTES);
	CHECK(memcmp(got, data, VCON_STASH_BYTES) == 0);
	/* The queue was never left empty, and the port still works. */
	CHECK_EQ(t->sim->q[6].npending + sim_avail_pending(t->sim, 6), t->ports[2].rx.size);
	sim_con_host_send(t->sim, 2, "after", 5);
	pump(t);
	CHECK_EQ(vcon_read(&t->con, 2, got, sizeof(got)), 5);
	CHECK(memcmp(got, "after", 5) == 0);
	tmem_check();
}

TEST(con_port_add_and_remove_while_traffic_flows)
{
	struct tcon *t = tcon_usual(MMIO, 2, ALL_FEATURES);
	static uint8_t data[2000], got[4000];
	fill(data, sizeof(data), 11);
	CHECK_OK(vcon_open(&t->con, 1, true));
	sim_con_host_open(t->sim, 1, true);
	pump(t);

	/* The device stops answering at once: writes on both ports stay in
	 * flight while the host keeps sending on port 1. */
	t->sim->mode = SIM_DEFERRED;
	CHECK_EQ(vcon_write(&t->con, 1, data, 1000), 1000);
	CHECK_EQ(vcon_write(&t->con, 2, data, 1500), 1500);
	CHECK(vcon_tx_in_flight(&t->ports[2]) > 0);
	sim_con_host_send(t->sim, 1, data, 700);

	/* Port 2 goes: its transmit buffers are handed back first. */
	sim_con_unplug(t->sim, 2);
	pump(t);
	CHECK(!t->ports[2].present);
	CHECK_EQ(events(t, 2, VCON_EV_REMOVED), 1);
	CHECK_EQ(t->in_flight_at_removal[2], 0);
	CHECK_EQ(t->s->port[2].discarded, 1500);
	CHECK(vcon_port(&t->con, 2) == NULL);
	CHECK_ERR(vcon_write(&t->con, 2, "x", 1), VIRTIO_ENODEV);
	CHECK_ERR(vcon_read(&t->con, 2, got, 1), VIRTIO_ENODEV);
	CHECK_ERR(vcon_open(&t->con, 2, true), VIRTIO_ENODEV);

	/* Port 1 carried on. */
	sim_process(t->sim);
	t->sim->mode = SIM_SYNC;
	pump(t);
	CHECK_EQ(t->s->port[1].out_len, 1000);
	CHECK(memcmp(t->s->port[1].out, data, 1000) == 0);
	CHECK_EQ(read_all(t, 1, got, sizeof(got)), 700);
	CHECK(memcmp(got, data, 700) == 0);
	CHECK_EQ(vcon_tx_in_flight(&t->ports[1]), 0);

	/* Port 2 comes back on the same queues, a new port. */
	sim_con_plug(t->sim, 2, "org.example.again", false, true);
	pump(t);
	CHECK(t->ports[2].present && strcmp(t->ports[2].name, "org.example.again") == 0);
	CHECK_EQ(events(t, 2, VCON_EV_ADDED), 2);
	CHECK_OK(vcon_open(&t->con, 2, true));
	sim_con_host_send(t->sim, 2, data + 5, 300);
	pump(t);
	CHECK_EQ(read_all(t, 2, got, sizeof(got)), 300);
	CHECK(memcmp(got, data + 5, 300) == 0);
	CHECK_EQ(vcon_write(&t->con, 2, data, 10), 10);
	pump(t);
	CHECK_EQ(t->s->port[2].out_len, 10);
	CHECK_EQ(t->con.bad_port + t->con.bad_ctrl + t->con.stray_rx, 0);
	tmem_check();
}

TEST(con_removed_port_keeps_buffers_the_device_still_holds)
{
	struct tcon *t = tcon_usual(MMIO, 2, ALL_FEATURES);
	t->sim->mode = SIM_DEFERRED;
	CHECK_EQ(vcon_write(&t->con, 2, "in flight", 9), 9);
	t->s->keep_tx_on_remove = true;
	sim_con_unplug(t->sim, 2);
	pump(t);
	/* Gone, but its buffer is still the device's: not reused. */
	CHECK(!t->ports[2].present);
	CHECK_EQ(t->in_flight_at_removal[2], 1);
	CHECK_EQ(vcon_tx_in_flight(&t->ports[2]), 1);
	/* Only a reset takes it back. */
	CHECK_OK(vcon_abort(&t->con, VIRTIO_ETIMEDOUT));
	CHECK_EQ(vcon_tx_in_flight(&t->ports[2]), 0);
	CHECK(t->sim->resets > 0);
	for (uint32_t id = 0; id < 2; id++)
		CHECK_EQ(events(t, id, VCON_EV_REMOVED), 1);
	CHECK_ERR(vcon_write(&t->con, 0, "x", 1), VIRTIO_EBROKEN);
	CHECK_ERR(vcon_poll(&t->con), VIRTIO_EBROKEN);
}

TEST(con_control_messages_for_ports_that_do_not_exist)
{
	struct tcon *t = tcon_usual(MMIO, 2, ALL_FEATURES);
	uint32_t max = t->con.max_nr_ports; /* 4; NPORTS slots */
	unsigned before = t->nlog;

	/* Past max_nr_ports: every kind of message. */
	sim_con_ctrl(t->sim, max, VIRTIO_CONSOLE_DEVICE_ADD, 0, NULL, 0);
	sim_con_ctrl(t->sim, 0xffffffffu, VIRTIO_CONSOLE_PORT_OPEN, 1, NULL, 0);
	sim_con_ctrl(t->sim, max + 7, VIRTIO_CONSOLE_PORT_NAME, 0, "ghost", 5);
	sim_con_ctrl(t->sim, max, VIRTIO_CONSOLE_DEVICE_REMOVE, 0, NULL, 0);
	pump(t);
	CHECK_EQ(t->con.bad_port, 4);

	/* Below max_nr_ports but no slot for it: refused, PORT_READY 0. */
	sim_con_plug(t->sim, NPORTS, "no.slot", false, true);
	pump(t);
	CHECK_EQ(t->con.refused, 1);
	CHECK_EQ(t->s->port_ready_fail, 1);

	/* Ports that exist nowhere or twice. */
	sim_con_unplug(t->sim, 2);
	pump(t);
	sim_con_ctrl(t->sim, 2, VIRTIO_CONSOLE_PORT_OPEN, 1, NULL, 0);
	sim_con_ctrl(t->sim, 2, VIRTIO_CONSOLE_PORT_NAME, 0, "late", 4);
	sim_con_ctrl(t->sim, 2, VIRTIO_CONSOLE_CONSOLE_PORT, 1, NULL, 0);
	sim_con_ctrl(t->sim, 2, VIRTIO_CONSOLE_DEVICE_REMOVE, 0, NULL, 0);
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_DEVICE_ADD, 0, NULL, 0);
	pump(t);
	CHECK_EQ(t->con.bad_port, 4 + 5);

	/* Nothing changed but the one real removal. */
	CHECK_EQ(t->nlog, before + 1);
	CHECK(t->ports[0].present && t->ports[1].present && !t->ports[2].present);
	CHECK(strcmp(t->ports[1].name, "org.example.closed") == 0);
	CHECK(!t->ports[1].host_open && !t->ports[1].console);
	CHECK_EQ(sim_violations(), 0);
	tmem_check();
	/* And the ports still work. */
	CHECK_EQ(vcon_write(&t->con, 0, "ok", 2), 2);
	pump(t);
	CHECK_EQ(t->s->port[0].out_len, 2);
}

TEST(con_unplug_racing_the_answer_to_device_add)
{
	/* The device announces a port, then removes it before the driver
	 * has read the announcement: the driver's PORT_READY answers what it
	 * was told (a device ignores it), then the removal takes the port. */
	struct tcon *t = tcon_usual(MMIO, 2, ALL_FEATURES);
	sim_con_unplug(t->sim, 2);
	pump(t);
	CHECK(!t->ports[2].present);
	sim_con_plug(t->sim, 2, "org.example.again", false, true); /* DEVICE_ADD delivered */
	sim_con_unplug(t->sim, 2);                                  /* DEVICE_REMOVE behind it */
	pump(t);
	CHECK_EQ(sim_violations(), 0);
	CHECK(!t->ports[2].present);
	CHECK(t->ports[0].present && t->ports[1].present);
}

TEST(con_malformed_control_messages_are_counted_and_ignored)
{
	struct tcon *t = tcon_usual(MMIO, 2, ALL_FEATURES);
	unsigned before = t->nlog;
	uint8_t raw[8] = { 1, 0, 0, 0, 6, 0, 1, 0 }; /* port 1 PORT_OPEN 1 */
	uint8_t extra[8] = { 0 };

	sim_con_ctrl_raw(t->sim, raw, 4); /* a truncated header */
	sim_con_ctrl_raw(t->sim, raw, 7);
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_OPEN, 1, extra, 4); /* with a tail */
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_RESIZE, 0, extra, 2);    /* cut short */
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_RESIZE, 0, extra, 5);    /* too long */
	sim_con_ctrl(t->sim, 1, 99, 0, NULL, 0);                        /* unknown event */
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_DEVICE_READY, 1, NULL, 0); /* the driver's */
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_READY, 1, NULL, 0);   /* the driver's */
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_OPEN, 7, NULL, 0);    /* neither 0 nor 1 */
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_DEVICE_ADD, 0, extra, 1);  /* with a tail */
	pump(t);
	CHECK_EQ(t->con.bad_ctrl, 10);

	/* Names: empty, one byte too long, with a control byte or a NUL. */
	char longname[300];
	memset(longname, 'n', sizeof(longname));
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_NAME, 0, NULL, 0);
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_NAME, 0, longname, VCON_NAME_MAX + 1);
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_NAME, 0, longname, 300); /* fits the buffer, not a name */
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_NAME, 0, "bad\nname", 8);
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_NAME, 0, "nul\0name", 8);
	pump(t);
	CHECK_EQ(t->con.bad_name, 5);
	CHECK_EQ(t->nlog, before); /* not one event */
	CHECK(strcmp(t->ports[1].name, "org.example.closed") == 0);
	CHECK(!t->ports[1].host_open);

	/* The longest name there may be is taken whole, UTF-8 too. */
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_NAME, 0, longname, VCON_NAME_MAX);
	pump(t);
	CHECK_EQ(strlen(t->ports[1].name), VCON_NAME_MAX);
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_NAME, 0, "p\xc3\xa4rt", 5);
	pump(t);
	CHECK(strcmp(t->ports[1].name, "p\xc3\xa4rt") == 0);
	/* QEMU sends the name with its NUL: one at the end is no part of it. */
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_NAME, 0, "qemu.name", 10);
	pump(t);
	CHECK(strcmp(t->ports[1].name, "qemu.name") == 0);
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_NAME, 0, longname, VCON_NAME_MAX + 1); /* no NUL at its end */
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_NAME, 0, "two\0\0", 5);
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_NAME, 0, "\0", 1);
	pump(t);
	CHECK(strcmp(t->ports[1].name, "qemu.name") == 0);
	CHECK_EQ(t->con.bad_name, 5 + 3);
	CHECK_EQ(sim_violations(), 0);
	tmem_check();
}

TEST(con_a_used_length_past_the_buffer_is_a_fault)
{
	struct tcon *t = tcon_usual(MMIO, 2, ALL_FEATURES);
	t->sim->fault = SIM_FAULT_LEN_OVER;
	sim_con_host_open(t->sim, 1, true);
	CHECK_ERR(vcon_interrupt(&t->con), VIRTIO_EBROKEN);
	/* Noted for the main loop: nothing works meanwhile. */
	CHECK(recovery_due(t));
	CHECK_ERR(vcon_write(&t->con, 0, "x", 1), VIRTIO_EBROKEN);
	CHECK_ERR(vcon_open(&t->con, 1, true), VIRTIO_EBROKEN);
	tmem_check();
	/* The main loop recovers: every port goes, then the device announces
	 * them again. */
	t->nlog = 0;
	CHECK_OK(vcon_recover(&t->con));
	pump(t);
	CHECK_EQ(t->con.vdev->events.recoveries, 1);
	for (uint32_t id = 0; id < 3; id++) {
		CHECK_EQ(events(t, id, VCON_EV_REMOVED), 1);
		CHECK_EQ(events(t, id, VCON_EV_ADDED), 1);
	}
	CHECK(t->ports[1].host_open);
	CHECK_EQ(vcon_write(&t->con, 0, "back", 4), 4);
}

TEST(con_needs_reset_reinitialises_and_ports_return)
{
	struct tcon *t = tcon_usual(MMIO, 2, ALL_FEATURES);
	t->nlog = 0;
	sim_set_needs_reset(t->sim);
	CHECK_ERR(vcon_interrupt(&t->con), VIRTIO_ERESET);
	CHECK(recovery_due(t));
	CHECK_OK(vcon_recover(&t->con));
	pump(t);
	CHECK_EQ(t->con.vdev->events.recoveries, 1);
	CHECK(!recovery_due(t));
	for (uint32_t id = 0; id < 3; id++) {
		CHECK_EQ(events(t, id, VCON_EV_REMOVED), 1);
		CHECK_EQ(events(t, id, VCON_EV_ADDED), 1);
	}
	CHECK(strcmp(t->ports[2].name, "org.example.open") == 0);
}

TEST(con_resize_from_config_and_control)
{
	struct tcon *t = tcon_usual(MMIO, 2, ALL_FEATURES);
	CHECK_EQ(t->ports[0].cols, 0); /* multiport: port 0 hears only of changes */
	sim_con_set_size(t->sim, 100, 30);
	pump(t);
	CHECK_EQ(t->con.vdev->events.config_changes, 1);
	CHECK(t->con.cols == 100 && t->con.rows == 30);
	CHECK(t->ports[0].cols == 100 && t->ports[0].rows == 30);
	CHECK_EQ(events(t, 0, VCON_EV_RESIZE), 1);
	uint8_t size[4] = { 200, 0, 60, 0 };
	sim_con_ctrl(t->sim, 2, VIRTIO_CONSOLE_RESIZE, 0, size, 4);
	pump(t);
	CHECK(t->ports[2].cols == 200 && t->ports[2].rows == 60);
	CHECK_EQ(events(t, 2, VCON_EV_RESIZE), 1);
}

TEST(con_without_multiport_port_0_only)
{
	static struct tcon t;
	for (uint32_t version = 1; version <= 2; version++) {
		sim_reset_all();
		struct sim_con_opts o = { .version = version, .cols = 80, .rows = 24 };
		struct sim_dev *sim = sim_con_new(&o);
		tcon_probe(&t, sim, MMIO, NO(VIRTIO_CONSOLE_F_MULTIPORT));
		tcon_start(&t);
		CHECK(!t.con.multiport);
		CHECK(!sim->q[2].ready && !sim->q[3].ready);
		CHECK(t.ports[0].present && t.ports[0].console && t.ports[0].host_open);
		CHECK(t.ports[0].cols == 80 && t.ports[0].rows == 24);
		CHECK(!t.ports[1].usable);
		CHECK_ERR(vcon_write(&t.con, 1, "x", 1), VIRTIO_EINVAL);
		CHECK_EQ(vcon_write(&t.con, 0, "abc", 3), 3);
		pump(&t);
		CHECK_EQ(t.s->port[0].out_len, 3);
		sim_con_host_send(sim, 0, "xyz", 3);
		pump(&t);
		uint8_t buf[8];
		CHECK_EQ(vcon_read(&t.con, 0, buf, sizeof(buf)), 3);
		CHECK(memcmp(buf, "xyz", 3) == 0);
		CHECK_OK(vcon_open(&t.con, 0, true));
		CHECK_EQ(t.s->ctrl_msgs, 0);
	}
}

TEST(con_silent_device_never_hangs)
{
	static struct tcon t;
	/* Multiport: DEVICE_READY is taken and never answered. */
	sim_reset_all();
	struct sim_con_opts o = { 0 };
	struct sim_dev *sim = sim_con_new(&o);
	sim_con_plug(sim, 0, NULL, true, true);
	sim->fault = SIM_FAULT_WITHHOLD;
	tcon_probe(&t, sim, MMIO, ALL_FEATURES);
	tcon_start(&t);
	CHECK_OK(vcon_poll(&t.con));
	CHECK_EQ(t.nlog, 0);
	CHECK_ERR(vcon_write(&t.con, 0, "x", 1), VIRTIO_ENODEV);

	/* Without multiport: the transmit buffers fill, then nothing more is
	 * taken, and every call returns at once. */
	sim_reset_all();
	sim = sim_con_new(&o);
	sim->fault = SIM_FAULT_WITHHOLD;
	tcon_probe(&t, sim, MMIO, NO(VIRTIO_CONSOLE_F_MULTIPORT));
	tcon_start(&t);
	static uint8_t data[VCON_QUEUE_SIZE * VCON_BUF_BYTES + 100];
	fill(data, sizeof(data), 1);
	CHECK_EQ(vcon_write(&t.con, 0, data, sizeof(data)), VCON_QUEUE_SIZE * VCON_BUF_BYTES);
	CHECK_EQ(vcon_write(&t.con, 0, data, 1), 0);
	CHECK_EQ(vcon_tx_in_flight(&t.ports[0]), VCON_QUEUE_SIZE);
	uint8_t buf[4];
	CHECK_EQ(vcon_read(&t.con, 0, buf, sizeof(buf)), 0);
	CHECK_OK(vcon_poll(&t.con));
	/* The owner gives up: the reset takes every buffer back. */
	CHECK_OK(vcon_abort(&t.con, VIRTIO_ETIMEDOUT));
	CHECK_EQ(vcon_tx_in_flight(&t.ports[0]), 0);
	CHECK_EQ(events(&t, 0, VCON_EV_REMOVED), 1);
	sim->fault = SIM_FAULT_NONE;
	CHECK_OK(vcon_recover(&t.con));
	CHECK_EQ(vcon_write(&t.con, 0, "hi", 2), 2);
	pump(&t);
	CHECK_EQ(t.s->port[0].out_len, 2);
}

TEST(con_control_backlog_waits_for_free_slots)
{
	struct tcon *t = tcon_usual(MMIO, 2, ALL_FEATURES);
	t->sim->mode = SIM_DEFERRED; /* the device stops taking control messages */
	unsigned msgs = t->s->ctrl_msgs;
	uint16_t slots = t->con.ctrl_tx.size;
	unsigned sent = (unsigned)slots + VCON_CTRL_BACKLOG + 3;
	for (unsigned i = 0; i < sent; i++)
		CHECK_OK(vcon_open(&t->con, 1, i % 2 == 0));
	CHECK_EQ(t->con.backlog_len, VCON_CTRL_BACKLOG);
	CHECK_EQ(t->con.ctrl_lost, 3);
	/* The device catches up: the backlog drains in order. */
	for (int round = 0; round < 4; round++) {
		sim_process(t->sim);
		pump(t);
		CHECK_OK(vcon_poll(&t->con));
	}
	CHECK_EQ(t->con.backlog_len, 0);
	CHECK_EQ(t->s->ctrl_msgs, msgs + sent - 3);
	CHECK_EQ(t->s->port[1].guest_open, ((slots + VCON_CTRL_BACKLOG) - 1) % 2 == 0);
}

TEST(con_emergency_write)
{
	struct tcon *t = tcon_usual(MMIO, 2, ALL_FEATURES);
	const char *msg = "PANIC";
	for (const char *p = msg; *p; p++)
		CHECK(vcon_emerg_write(&t->con, *p));
	CHECK_EQ(t->s->nemerg, 5);
	CHECK(memcmp(t->s->emerg, msg, 5) == 0);
	CHECK_EQ(sim_violations(), 0);

	/* Not offered: nothing is written. */
	static struct tcon u;
	sim_reset_all();
	struct sim_con_opts o = { .remove = VIRTIO_BIT(VIRTIO_CONSOLE_F_EMERG_WRITE) };
	tcon_probe(&u, sim_con_new(&o), MMIO, ALL_FEATURES);
	CHECK(!vcon_emerg_write(&u.con, 'x'));
	CHECK_EQ(u.s->nemerg, 0);
}

TEST(con_a_port_without_queues_is_refused)
{
	static struct tcon t;
	sim_reset_all();
	struct sim_con_opts o = { 0 };
	struct sim_dev *sim = sim_con_new(&o);
	sim_set_queue_max(sim, VIRTIO_CONSOLE_QUEUE_RX(2), 0); /* port 2 has no receive queue */
	sim_con_plug(sim, 1, "one", false, true);
	sim_con_plug(sim, 2, "two", false, true);
	tcon_probe(&t, sim, MMIO, ALL_FEATURES);
	CHECK(t.ports[1].usable && !t.ports[2].usable);
	tcon_start(&t);
	CHECK(t.ports[1].present && !t.ports[2].present);
	CHECK_EQ(t.con.refused, 1);
	CHECK_EQ(t.s->port_ready_fail, 1);
	CHECK_ERR(vcon_write(&t.con, 2, "x", 1), VIRTIO_EINVAL);
}

TEST(con_bytes_for_a_removed_port_are_counted_and_dropped)
{
	struct tcon *t = tcon_usual(MMIO, 2, ALL_FEATURES);
	sim_con_unplug(t->sim, 2);
	pump(t);
	t->s->rogue_rx = true;
	sim_con_host_send(t->sim, 2, "ghost", 5);
	pump(t);
	CHECK_EQ(t->con.stray_rx, 5);
	CHECK_EQ(events(t, 2, VCON_EV_DATA), 0);
	/* The buffer went back, and a port that is there reads as always;
	 * a short read leaves the rest for the next one. */
	CHECK_EQ(t->sim->q[6].npending + sim_avail_pending(t->sim, 6), t->ports[2].rx.size);
	CHECK_OK(vcon_open(&t->con, 1, true));
	sim_con_host_send(t->sim, 1, "abcdef", 6);
	pump(t);
	uint8_t buf[4];
	CHECK_EQ(vcon_read(&t->con, 1, buf, 4), 4);
	CHECK(memcmp(buf, "abcd", 4) == 0);
	CHECK_EQ(vcon_read(&t->con, 1, buf, 4), 2);
	CHECK(memcmp(buf, "ef", 2) == 0);
}

TEST(con_max_nr_ports_from_the_config_is_bounded)
{
	static struct tcon t;
	/* 0 ports makes no sense: port 0 only. */
	sim_reset_all();
	struct sim_con_opts o = { 0 };
	struct sim_dev *sim = sim_con_new(&o);
	sim_put_le(sim->config + offsetof(struct virtio_console_config, max_nr_ports), 0, 4);
	sim_con_plug(sim, 0, NULL, true, true);
	tcon_probe(&t, sim, MMIO, ALL_FEATURES);
	CHECK_EQ(t.con.max_nr_ports, 1);
	CHECK(t.ports[0].usable && !t.ports[1].usable);
	tcon_start(&t);
	CHECK(t.ports[0].present);
	sim_con_ctrl(sim, 1, VIRTIO_CONSOLE_DEVICE_ADD, 0, NULL, 0);
	pump(&t);
	CHECK_EQ(t.con.bad_port, 1);

	/* Any number: capped where the queue numbers end; our slots decide. */
	sim_reset_all();
	sim = sim_con_new(&o);
	sim_put_le(sim->config + offsetof(struct virtio_console_config, max_nr_ports),
		   0xffffffffu, 4);
	tcon_probe(&t, sim, MMIO, ALL_FEATURES);
	CHECK(t.con.max_nr_ports < 32768);
	CHECK(t.ports[NPORTS - 1].usable);
	CHECK_ERR(vcon_poll(&t.con), VIRTIO_EINVAL); /* not started */
}
