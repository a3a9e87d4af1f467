/*
 * virtio-console (drivers/virtio/devices/console.c) against the simulated
 * console (sim/devices/sim_console.c), the data path: bring-up with and
 * without MULTIPORT over modern and legacy mmio and PCI, split and packed
 * rings; bytes both ways (buffers filled to the last byte, the port's
 * bounded buffer overflowing), a used length past the buffer, a device
 * that falls silent, emergency writes, and a device that needs a reset.
 * The control protocol is test_console_ctrl.c's.
 */
#include <string.h>

#include "harness/tcon.h"

TEST(con_probe_reads_the_configuration)
{
	static struct tcon t;
	for (uint32_t version = 1; version <= 2; version++) {
		sim_reset_all();
		struct sim_con_opts o = { .version = version, .max_nr_ports = 5, .cols = 132,
					  .rows = 43 };
		tcon_probe(&t, sim_con_new(&o), TCON_MMIO, ALL_FEATURES);
		struct virtio_device *d = &t.mmio.vdev;
		CHECK(virtio_has_feature(d, VIRTIO_CONSOLE_F_MULTIPORT));
		CHECK(virtio_has_feature(d, VIRTIO_CONSOLE_F_SIZE));
		CHECK(virtio_has_feature(d, VIRTIO_CONSOLE_F_EMERG_WRITE));
		CHECK(t.con.multiport && t.con.emerg_write);
		CHECK_EQ(t.con.max_nr_ports, 5);
		CHECK_EQ(t.con.cols, 132);
		CHECK_EQ(t.con.rows, 43);
		/* Slots for TCON_NPORTS ports: their queues, nothing beyond. */
		for (unsigned i = 0; i < TCON_NPORTS; i++)
			CHECK(t.ports[i].usable && !t.ports[i].present);
		CHECK(t.sim->q[0].ready && t.sim->q[2].ready && t.sim->q[3].ready);
		CHECK(t.sim->q[2 * (TCON_NPORTS - 1) + 3].ready);
		CHECK(!t.sim->q[2 * TCON_NPORTS + 2].ready);
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
	struct { enum tcon_transport tr; uint32_t version; uint64_t mask; bool qemu_packed; } runs[] = {
		{ TCON_MMIO, 2, NO(VIRTIO_F_RING_PACKED), false },
		{ TCON_MMIO, 2, ALL_FEATURES, false },
		{ TCON_MMIO, 2, ALL_FEATURES, true }, /* used descriptors without WRITE */
		{ TCON_MMIO, 1, ALL_FEATURES, false },
		{ TCON_PCI, 2, NO(VIRTIO_F_RING_PACKED), false },
		{ TCON_PCI, 2, ALL_FEATURES, true },
	};
	for (unsigned r = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
		tcon_qemu_packed = runs[r].qemu_packed;
		struct tcon *t = tcon_usual(runs[r].tr, runs[r].version, runs[r].mask);
		CHECK_MSG(t->s->device_ready, "run %u: no DEVICE_READY", r);
		for (uint32_t id = 0; id < 3; id++) {
			CHECK_MSG(t->ports[id].present, "run %u: port %u missing", r, id);
			CHECK(t->s->port[id].ready);
			CHECK_EQ(tcon_events(t, id, VCON_EV_ADDED), 1);
		}
		CHECK(t->ports[0].console && t->ports[0].guest_open && t->ports[0].host_open);
		CHECK_EQ(t->s->console_open, 1); /* CONSOLE_PORT answered with PORT_OPEN 1 */
		CHECK_EQ(tcon_events(t, 0, VCON_EV_CONSOLE), 1);
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
		tcon_pump(t);
		uint8_t buf[8];
		CHECK_EQ(vcon_read(&t->con, 2, buf, sizeof(buf)), 4);
		CHECK(memcmp(buf, "ping", 4) == 0);
		CHECK(t->s->port[2].out_len == 4 && memcmp(t->s->port[2].out, "pong", 4) == 0);
	}
}

TEST(con_write_reaches_the_host_and_buffers_come_back)
{
	for (int packed = 0; packed <= 1; packed++) {
		struct tcon *t = tcon_usual(TCON_MMIO, 2, layout_mask(packed));
		static uint8_t data[3000];
		tcon_fill(data, sizeof(data), 7);
		int n = vcon_write(&t->con, 2, data, sizeof(data));
		CHECK_EQ(n, sizeof(data));
		tcon_pump(t);
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
		CHECK_ERR(vcon_write(&t->con, TCON_NPORTS, "x", 1), VIRTIO_EINVAL);
	}
}

TEST(con_host_bytes_arrive_once_the_guest_opens)
{
	struct tcon *t = tcon_usual(TCON_MMIO, 2, ALL_FEATURES);
	uint8_t buf[64];
	sim_con_host_send(t->sim, 2, "hello from the host\n", 20);
	tcon_pump(t);
	CHECK_EQ(vcon_readable(&t->ports[2]), 0); /* QEMU: not into a closed guest end */
	CHECK_OK(vcon_open(&t->con, 2, true));
	CHECK(t->s->port[2].guest_open);
	tcon_pump(t);
	CHECK_EQ(tcon_events(t, 2, VCON_EV_DATA), 1);
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
	tcon_pump(t);
	CHECK_EQ(vcon_read(&t->con, 0, buf, sizeof(buf)), 3);
}

TEST(con_rx_buffers_filled_to_the_last_byte)
{
	for (int packed = 0; packed <= 1; packed++) {
		struct tcon *t = tcon_usual(TCON_MMIO, 2, layout_mask(packed));
		static uint8_t data[5 * VCON_BUF_BYTES + 17], got[sizeof(data)];
		tcon_fill(data, sizeof(data), 99);
		CHECK_OK(vcon_open(&t->con, 2, true));
		/* Exactly one full buffer, then five full ones and a bit. */
		sim_con_host_send(t->sim, 2, data, VCON_BUF_BYTES);
		tcon_pump(t);
		CHECK_EQ(vcon_readable(&t->ports[2]), VCON_BUF_BYTES);
		CHECK_EQ(tcon_read_all(t, 2, got, sizeof(got)), VCON_BUF_BYTES);
		CHECK(memcmp(got, data, VCON_BUF_BYTES) == 0);
		sim_con_host_send(t->sim, 2, data, sizeof(data));
		tcon_pump(t);
		CHECK_EQ(tcon_read_all(t, 2, got, sizeof(got)), sizeof(data));
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
	struct tcon *t = tcon_usual(TCON_MMIO, 2, ALL_FEATURES);
	static uint8_t data[VCON_STASH_BYTES + 1000], got[VCON_STASH_BYTES + 1000];
	tcon_fill(data, sizeof(data), 3);
	CHECK_OK(vcon_open(&t->con, 2, true));
	sim_con_host_send(t->sim, 2, data, sizeof(data));
	tcon_pump(t);
	/* Nobody read: the oldest bytes are kept, the rest dropped, counted. */
	CHECK_EQ(vcon_readable(&t->ports[2]), VCON_STASH_BYTES);
	CHECK_EQ(t->ports[2].dropped, 1000);
	CHECK_EQ(tcon_read_all(t, 2, got, sizeof(got)), VCON_STASH_BYTES);
	CHECK(memcmp(got, data, VCON_STASH_BYTES) == 0);
	/* The queue was never left empty, and the port still works. */
	CHECK_EQ(t->sim->q[6].npending + sim_avail_pending(t->sim, 6), t->ports[2].rx.size);
	sim_con_host_send(t->sim, 2, "after", 5);
	tcon_pump(t);
	CHECK_EQ(vcon_read(&t->con, 2, got, sizeof(got)), 5);
	CHECK(memcmp(got, "after", 5) == 0);
	tmem_check();
}

TEST(con_a_used_length_past_the_buffer_is_a_fault)
{
	struct tcon *t = tcon_usual(TCON_MMIO, 2, ALL_FEATURES);
	t->sim->fault = SIM_FAULT_LEN_OVER;
	sim_con_host_open(t->sim, 1, true);
	CHECK_ERR(vcon_interrupt(&t->con), VIRTIO_EBROKEN);
	/* Noted for the main loop: nothing works meanwhile. */
	CHECK(tcon_recovery_due(t));
	CHECK_ERR(vcon_write(&t->con, 0, "x", 1), VIRTIO_EBROKEN);
	CHECK_ERR(vcon_open(&t->con, 1, true), VIRTIO_EBROKEN);
	tmem_check();
	/* The main loop recovers: every port goes, then the device announces
	 * them again. */
	t->nlog = 0;
	CHECK_OK(vcon_recover(&t->con));
	tcon_pump(t);
	CHECK_EQ(t->con.vdev->events.recoveries, 1);
	for (uint32_t id = 0; id < 3; id++) {
		CHECK_EQ(tcon_events(t, id, VCON_EV_REMOVED), 1);
		CHECK_EQ(tcon_events(t, id, VCON_EV_ADDED), 1);
	}
	CHECK(t->ports[1].host_open);
	CHECK_EQ(vcon_write(&t->con, 0, "back", 4), 4);
}

TEST(con_needs_reset_reinitialises_and_ports_return)
{
	struct tcon *t = tcon_usual(TCON_MMIO, 2, ALL_FEATURES);
	t->nlog = 0;
	sim_set_needs_reset(t->sim);
	CHECK_ERR(vcon_interrupt(&t->con), VIRTIO_ERESET);
	CHECK(tcon_recovery_due(t));
	CHECK_OK(vcon_recover(&t->con));
	tcon_pump(t);
	CHECK_EQ(t->con.vdev->events.recoveries, 1);
	CHECK(!tcon_recovery_due(t));
	for (uint32_t id = 0; id < 3; id++) {
		CHECK_EQ(tcon_events(t, id, VCON_EV_REMOVED), 1);
		CHECK_EQ(tcon_events(t, id, VCON_EV_ADDED), 1);
	}
	CHECK(strcmp(t->ports[2].name, "org.example.open") == 0);
}

TEST(con_without_multiport_port_0_only)
{
	static struct tcon t;
	for (uint32_t version = 1; version <= 2; version++) {
		sim_reset_all();
		struct sim_con_opts o = { .version = version, .cols = 80, .rows = 24 };
		struct sim_dev *sim = sim_con_new(&o);
		tcon_probe(&t, sim, TCON_MMIO, NO(VIRTIO_CONSOLE_F_MULTIPORT));
		tcon_start(&t);
		CHECK(!t.con.multiport);
		CHECK(!sim->q[2].ready && !sim->q[3].ready);
		CHECK(t.ports[0].present && t.ports[0].console && t.ports[0].host_open);
		CHECK(t.ports[0].cols == 80 && t.ports[0].rows == 24);
		CHECK(!t.ports[1].usable);
		CHECK_ERR(vcon_write(&t.con, 1, "x", 1), VIRTIO_EINVAL);
		CHECK_EQ(vcon_write(&t.con, 0, "abc", 3), 3);
		tcon_pump(&t);
		CHECK_EQ(t.s->port[0].out_len, 3);
		sim_con_host_send(sim, 0, "xyz", 3);
		tcon_pump(&t);
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
	tcon_probe(&t, sim, TCON_MMIO, ALL_FEATURES);
	tcon_start(&t);
	CHECK_OK(vcon_poll(&t.con));
	CHECK_EQ(t.nlog, 0);
	CHECK_ERR(vcon_write(&t.con, 0, "x", 1), VIRTIO_ENODEV);

	/* Without multiport: the transmit buffers fill, then nothing more is
	 * taken, and every call returns at once. */
	sim_reset_all();
	sim = sim_con_new(&o);
	sim->fault = SIM_FAULT_WITHHOLD;
	tcon_probe(&t, sim, TCON_MMIO, NO(VIRTIO_CONSOLE_F_MULTIPORT));
	tcon_start(&t);
	static uint8_t data[VCON_QUEUE_SIZE * VCON_BUF_BYTES + 100];
	tcon_fill(data, sizeof(data), 1);
	CHECK_EQ(vcon_write(&t.con, 0, data, sizeof(data)), VCON_QUEUE_SIZE * VCON_BUF_BYTES);
	CHECK_EQ(vcon_write(&t.con, 0, data, 1), 0);
	CHECK_EQ(vcon_tx_in_flight(&t.ports[0]), VCON_QUEUE_SIZE);
	uint8_t buf[4];
	CHECK_EQ(vcon_read(&t.con, 0, buf, sizeof(buf)), 0);
	CHECK_OK(vcon_poll(&t.con));
	/* The owner gives up: the reset takes every buffer back. */
	CHECK_OK(vcon_abort(&t.con, VIRTIO_ETIMEDOUT));
	CHECK_EQ(vcon_tx_in_flight(&t.ports[0]), 0);
	CHECK_EQ(tcon_events(&t, 0, VCON_EV_REMOVED), 1);
	sim->fault = SIM_FAULT_NONE;
	CHECK_OK(vcon_recover(&t.con));
	CHECK_EQ(vcon_write(&t.con, 0, "hi", 2), 2);
	tcon_pump(&t);
	CHECK_EQ(t.s->port[0].out_len, 2);
}

TEST(con_emergency_write)
{
	struct tcon *t = tcon_usual(TCON_MMIO, 2, ALL_FEATURES);
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
	tcon_probe(&u, sim_con_new(&o), TCON_MMIO, ALL_FEATURES);
	CHECK(!vcon_emerg_write(&u.con, 'x'));
	CHECK_EQ(u.s->nemerg, 0);
}
