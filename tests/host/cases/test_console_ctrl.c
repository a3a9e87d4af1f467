/*
 * virtio-console's control protocol (drivers/virtio/devices/console_ctrl.c)
 * against the simulated console: names, host open/close, resize, ports
 * added and removed while traffic flows, and a device that sends control
 * messages for ports that do not exist, malformed ones, or more than the
 * control queue holds.
 */
#include <string.h>

#include "harness/tcon.h"

TEST(con_host_open_and_close_are_seen)
{
	struct tcon *t = tcon_usual(TCON_MMIO, 2, ALL_FEATURES);
	sim_con_host_open(t->sim, 1, true);
	tcon_pump(t);
	CHECK(t->ports[1].host_open);
	sim_con_host_open(t->sim, 1, false);
	tcon_pump(t);
	CHECK(!t->ports[1].host_open);
	CHECK_EQ(tcon_events(t, 1, VCON_EV_HOST_OPEN), 2);
	CHECK(t->ports[2].host_open); /* the neighbour untouched */
}

TEST(con_port_add_and_remove_while_traffic_flows)
{
	struct tcon *t = tcon_usual(TCON_MMIO, 2, ALL_FEATURES);
	static uint8_t data[2000], got[4000];
	tcon_fill(data, sizeof(data), 11);
	CHECK_OK(vcon_open(&t->con, 1, true));
	sim_con_host_open(t->sim, 1, true);
	tcon_pump(t);

	/* The device stops answering at once: writes on both ports stay in
	 * flight while the host keeps sending on port 1. */
	t->sim->mode = SIM_DEFERRED;
	CHECK_EQ(vcon_write(&t->con, 1, data, 1000), 1000);
	CHECK_EQ(vcon_write(&t->con, 2, data, 1500), 1500);
	CHECK(vcon_tx_in_flight(&t->ports[2]) > 0);
	sim_con_host_send(t->sim, 1, data, 700);

	/* Port 2 goes: its transmit buffers are handed back first. */
	sim_con_unplug(t->sim, 2);
	tcon_pump(t);
	CHECK(!t->ports[2].present);
	CHECK_EQ(tcon_events(t, 2, VCON_EV_REMOVED), 1);
	CHECK_EQ(t->in_flight_at_removal[2], 0);
	CHECK_EQ(t->s->port[2].discarded, 1500);
	CHECK(vcon_port(&t->con, 2) == NULL);
	CHECK_ERR(vcon_write(&t->con, 2, "x", 1), VIRTIO_ENODEV);
	CHECK_ERR(vcon_read(&t->con, 2, got, 1), VIRTIO_ENODEV);
	CHECK_ERR(vcon_open(&t->con, 2, true), VIRTIO_ENODEV);

	/* Port 1 carried on. */
	sim_process(t->sim);
	t->sim->mode = SIM_SYNC;
	tcon_pump(t);
	CHECK_EQ(t->s->port[1].out_len, 1000);
	CHECK(memcmp(t->s->port[1].out, data, 1000) == 0);
	CHECK_EQ(tcon_read_all(t, 1, got, sizeof(got)), 700);
	CHECK(memcmp(got, data, 700) == 0);
	CHECK_EQ(vcon_tx_in_flight(&t->ports[1]), 0);

	/* Port 2 comes back on the same queues, a new port. */
	sim_con_plug(t->sim, 2, "org.example.again", false, true);
	tcon_pump(t);
	CHECK(t->ports[2].present && strcmp(t->ports[2].name, "org.example.again") == 0);
	CHECK_EQ(tcon_events(t, 2, VCON_EV_ADDED), 2);
	CHECK_OK(vcon_open(&t->con, 2, true));
	sim_con_host_send(t->sim, 2, data + 5, 300);
	tcon_pump(t);
	CHECK_EQ(tcon_read_all(t, 2, got, sizeof(got)), 300);
	CHECK(memcmp(got, data + 5, 300) == 0);
	CHECK_EQ(vcon_write(&t->con, 2, data, 10), 10);
	tcon_pump(t);
	CHECK_EQ(t->s->port[2].out_len, 10);
	CHECK_EQ(t->con.bad_port + t->con.bad_ctrl + t->con.stray_rx, 0);
	tmem_check();
}

TEST(con_removed_port_keeps_buffers_the_device_still_holds)
{
	struct tcon *t = tcon_usual(TCON_MMIO, 2, ALL_FEATURES);
	t->sim->mode = SIM_DEFERRED;
	CHECK_EQ(vcon_write(&t->con, 2, "in flight", 9), 9);
	t->s->keep_tx_on_remove = true;
	sim_con_unplug(t->sim, 2);
	tcon_pump(t);
	/* Gone, but its buffer is still the device's: not reused. */
	CHECK(!t->ports[2].present);
	CHECK_EQ(t->in_flight_at_removal[2], 1);
	CHECK_EQ(vcon_tx_in_flight(&t->ports[2]), 1);
	/* Only a reset takes it back. */
	CHECK_OK(vcon_abort(&t->con, VIRTIO_ETIMEDOUT));
	CHECK_EQ(vcon_tx_in_flight(&t->ports[2]), 0);
	CHECK(t->sim->resets > 0);
	for (uint32_t id = 0; id < 2; id++)
		CHECK_EQ(tcon_events(t, id, VCON_EV_REMOVED), 1);
	CHECK_ERR(vcon_write(&t->con, 0, "x", 1), VIRTIO_EBROKEN);
	CHECK_ERR(vcon_poll(&t->con), VIRTIO_EBROKEN);
}

TEST(con_control_messages_for_ports_that_do_not_exist)
{
	struct tcon *t = tcon_usual(TCON_MMIO, 2, ALL_FEATURES);
	uint32_t max = t->con.max_nr_ports; /* 4; TCON_NPORTS slots */
	unsigned before = t->nlog;

	/* Past max_nr_ports: every kind of message. */
	sim_con_ctrl(t->sim, max, VIRTIO_CONSOLE_DEVICE_ADD, 0, NULL, 0);
	sim_con_ctrl(t->sim, 0xffffffffu, VIRTIO_CONSOLE_PORT_OPEN, 1, NULL, 0);
	sim_con_ctrl(t->sim, max + 7, VIRTIO_CONSOLE_PORT_NAME, 0, "ghost", 5);
	sim_con_ctrl(t->sim, max, VIRTIO_CONSOLE_DEVICE_REMOVE, 0, NULL, 0);
	tcon_pump(t);
	CHECK_EQ(t->con.bad_port, 4);

	/* Below max_nr_ports but no slot for it: refused, PORT_READY 0. */
	sim_con_plug(t->sim, TCON_NPORTS, "no.slot", false, true);
	tcon_pump(t);
	CHECK_EQ(t->con.refused, 1);
	CHECK_EQ(t->s->port_ready_fail, 1);

	/* Ports that exist nowhere or twice. */
	sim_con_unplug(t->sim, 2);
	tcon_pump(t);
	sim_con_ctrl(t->sim, 2, VIRTIO_CONSOLE_PORT_OPEN, 1, NULL, 0);
	sim_con_ctrl(t->sim, 2, VIRTIO_CONSOLE_PORT_NAME, 0, "late", 4);
	sim_con_ctrl(t->sim, 2, VIRTIO_CONSOLE_CONSOLE_PORT, 1, NULL, 0);
	sim_con_ctrl(t->sim, 2, VIRTIO_CONSOLE_DEVICE_REMOVE, 0, NULL, 0);
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_DEVICE_ADD, 0, NULL, 0);
	tcon_pump(t);
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
	tcon_pump(t);
	CHECK_EQ(t->s->port[0].out_len, 2);
}

TEST(con_unplug_racing_the_answer_to_device_add)
{
	/* The device announces a port, then removes it before the driver
	 * has read the announcement: the driver's PORT_READY answers what it
	 * was told (a device ignores it), then the removal takes the port. */
	struct tcon *t = tcon_usual(TCON_MMIO, 2, ALL_FEATURES);
	sim_con_unplug(t->sim, 2);
	tcon_pump(t);
	CHECK(!t->ports[2].present);
	sim_con_plug(t->sim, 2, "org.example.again", false, true); /* DEVICE_ADD delivered */
	sim_con_unplug(t->sim, 2);                                  /* DEVICE_REMOVE behind it */
	tcon_pump(t);
	CHECK_EQ(sim_violations(), 0);
	CHECK(!t->ports[2].present);
	CHECK(t->ports[0].present && t->ports[1].present);
}

TEST(con_malformed_control_messages_are_counted_and_ignored)
{
	struct tcon *t = tcon_usual(TCON_MMIO, 2, ALL_FEATURES);
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
	tcon_pump(t);
	CHECK_EQ(t->con.bad_ctrl, 10);

	/* Names: empty, one byte too long, with a control byte or a NUL. */
	char longname[300];
	memset(longname, 'n', sizeof(longname));
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_NAME, 0, NULL, 0);
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_NAME, 0, longname, VCON_NAME_MAX + 1);
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_NAME, 0, longname, 300); /* fits the buffer, not a name */
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_NAME, 0, "bad\nname", 8);
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_NAME, 0, "nul\0name", 8);
	tcon_pump(t);
	CHECK_EQ(t->con.bad_name, 5);
	CHECK_EQ(t->nlog, before); /* not one event */
	CHECK(strcmp(t->ports[1].name, "org.example.closed") == 0);
	CHECK(!t->ports[1].host_open);

	/* The longest name there may be is taken whole, UTF-8 too. */
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_NAME, 0, longname, VCON_NAME_MAX);
	tcon_pump(t);
	CHECK_EQ(strlen(t->ports[1].name), VCON_NAME_MAX);
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_NAME, 0, "p\xc3\xa4rt", 5);
	tcon_pump(t);
	CHECK(strcmp(t->ports[1].name, "p\xc3\xa4rt") == 0);
	/* QEMU sends the name with its NUL: one at the end is no part of it. */
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_NAME, 0, "qemu.name", 10);
	tcon_pump(t);
	CHECK(strcmp(t->ports[1].name, "qemu.name") == 0);
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_NAME, 0, longname, VCON_NAME_MAX + 1); /* no NUL at its end */
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_NAME, 0, "two\0\0", 5);
	sim_con_ctrl(t->sim, 1, VIRTIO_CONSOLE_PORT_NAME, 0, "\0", 1);
	tcon_pump(t);
	CHECK(strcmp(t->ports[1].name, "qemu.name") == 0);
	CHECK_EQ(t->con.bad_name, 5 + 3);
	CHECK_EQ(sim_violations(), 0);
	tmem_check();
}

TEST(con_resize_from_config_and_control)
{
	struct tcon *t = tcon_usual(TCON_MMIO, 2, ALL_FEATURES);
	CHECK_EQ(t->ports[0].cols, 0); /* multiport: port 0 hears only of changes */
	sim_con_set_size(t->sim, 100, 30);
	tcon_pump(t);
	CHECK_EQ(t->con.vdev->events.config_changes, 1);
	CHECK(t->con.cols == 100 && t->con.rows == 30);
	CHECK(t->ports[0].cols == 100 && t->ports[0].rows == 30);
	CHECK_EQ(tcon_events(t, 0, VCON_EV_RESIZE), 1);
	uint8_t size[4] = { 200, 0, 60, 0 };
	sim_con_ctrl(t->sim, 2, VIRTIO_CONSOLE_RESIZE, 0, size, 4);
	tcon_pump(t);
	CHECK(t->ports[2].cols == 200 && t->ports[2].rows == 60);
	CHECK_EQ(tcon_events(t, 2, VCON_EV_RESIZE), 1);
}

TEST(con_control_backlog_waits_for_free_slots)
{
	struct tcon *t = tcon_usual(TCON_MMIO, 2, ALL_FEATURES);
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
		tcon_pump(t);
		CHECK_OK(vcon_poll(&t->con));
	}
	CHECK_EQ(t->con.backlog_len, 0);
	CHECK_EQ(t->s->ctrl_msgs, msgs + sent - 3);
	CHECK_EQ(t->s->port[1].guest_open, ((slots + VCON_CTRL_BACKLOG) - 1) % 2 == 0);
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
	tcon_probe(&t, sim, TCON_MMIO, ALL_FEATURES);
	CHECK(t.ports[1].usable && !t.ports[2].usable);
	tcon_start(&t);
	CHECK(t.ports[1].present && !t.ports[2].present);
	CHECK_EQ(t.con.refused, 1);
	CHECK_EQ(t.s->port_ready_fail, 1);
	CHECK_ERR(vcon_write(&t.con, 2, "x", 1), VIRTIO_EINVAL);
}

TEST(con_bytes_for_a_removed_port_are_counted_and_dropped)
{
	struct tcon *t = tcon_usual(TCON_MMIO, 2, ALL_FEATURES);
	sim_con_unplug(t->sim, 2);
	tcon_pump(t);
	t->s->rogue_rx = true;
	sim_con_host_send(t->sim, 2, "ghost", 5);
	tcon_pump(t);
	CHECK_EQ(t->con.stray_rx, 5);
	CHECK_EQ(tcon_events(t, 2, VCON_EV_DATA), 0);
	/* The buffer went back, and a port that is there reads as always;
	 * a short read leaves the rest for the next one. */
	CHECK_EQ(t->sim->q[6].npending + sim_avail_pending(t->sim, 6), t->ports[2].rx.size);
	CHECK_OK(vcon_open(&t->con, 1, true));
	sim_con_host_send(t->sim, 1, "abcdef", 6);
	tcon_pump(t);
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
	tcon_probe(&t, sim, TCON_MMIO, ALL_FEATURES);
	CHECK_EQ(t.con.max_nr_ports, 1);
	CHECK(t.ports[0].usable && !t.ports[1].usable);
	tcon_start(&t);
	CHECK(t.ports[0].present);
	sim_con_ctrl(sim, 1, VIRTIO_CONSOLE_DEVICE_ADD, 0, NULL, 0);
	tcon_pump(&t);
	CHECK_EQ(t.con.bad_port, 1);

	/* Any number: capped where the queue numbers end; our slots decide. */
	sim_reset_all();
	sim = sim_con_new(&o);
	sim_put_le(sim->config + offsetof(struct virtio_console_config, max_nr_ports),
		   0xffffffffu, 4);
	tcon_probe(&t, sim, TCON_MMIO, ALL_FEATURES);
	CHECK(t.con.max_nr_ports < 32768);
	CHECK(t.ports[TCON_NPORTS - 1].usable);
	CHECK_ERR(vcon_poll(&t.con), VIRTIO_EINVAL); /* not started */
}
