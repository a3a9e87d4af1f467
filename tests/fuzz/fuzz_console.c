/*
 * libFuzzer target: virtio-console (console.c, console_ctrl.c) over
 * virtio-mmio against the simulator's console (sim_console.c), the input
 * bytes being the device's behaviour (fuzz_sim.h; ports plugged and
 * unplugged, host ends opened and closed, host bytes, resizes, control
 * messages of any kind for any port, valid or not) and the caller's
 * writes, reads, opens, emergency writes, aborts and recoveries.
 * Checked besides the simulator's rules: an event names one of the
 * caller's port slots; a read or write never reports more bytes than
 * asked, and a read never more than the port held.
 */
#include <string.h>

#include "fuzz_sim.h"
#include "sim/devices/sim_console.h"
#include "virtio/console.h"
#include "virtio/errors.h"
#include "virtio/mmio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NPORTS 3u
#define IO_BYTES 600u /* more than one VCON_BUF_BYTES buffer */

static struct {
	struct sim_dev *d;
	struct virtio_mmio mmio;
	struct vcon con;
	struct vcon_port ports[NPORTS];
	uint8_t io[IO_BYTES];
} s;

static void on_event(struct vcon *c, struct vcon_port *p, enum vcon_event ev)
{
	if (c != &s.con || p < s.ports || p >= s.ports + NPORTS)
		fuzz_fail("console event %d for a port that is no slot of ours", (int)ev);
	if (ev == VCON_EV_DATA && vcon_readable(p) > VCON_STASH_BYTES)
		fuzz_fail("port %u holds %u bytes, more than its buffer", p->id, vcon_readable(p));
}

static uint32_t port_id(void)
{
	return fuzz_u8() % (NPORTS + 2); /* two past the slots */
}

/* Room in the device's control outbox for a message and its answers
 * (sim_console.c stops the run when it overflows: no driver rule). */
static bool outbox_room(void)
{
	return sim_con_of(s.d)->outbox_len + 8 <= SIM_CON_OUTBOX;
}

/* What the host side of the device does. */
static const char *host_step(void)
{
	uint32_t id = port_id();
	if (!outbox_room())
		return "nothing (the device's outbox is full)";
	switch (fuzz_u8() % 7) {
	case 0: /* a host plugs a port in that is not plugged in */
		if (id < SIM_CON_MAX_PORTS && !sim_con_of(s.d)->port[id].exists)
			sim_con_plug(s.d, id, fuzz_u8() & 1 ? NULL : "fuzz.port", fuzz_u8() & 1,
				     fuzz_u8() & 1);
		return "sim_con_plug";
	case 1:
		if (id < SIM_CON_MAX_PORTS && sim_con_of(s.d)->port[id].exists)
			sim_con_unplug(s.d, id);
		return "sim_con_unplug";
	case 2:
		if (id < SIM_CON_MAX_PORTS)
			sim_con_host_open(s.d, id, fuzz_u8() & 1);
		return "sim_con_host_open";
	case 3: {
		uint32_t n = fuzz_u16() % IO_BYTES;
		fuzz_bytes(s.io, n);
		if (id < SIM_CON_MAX_PORTS &&
		    sim_con_of(s.d)->port[id].in_len + n <= SIM_CON_IN_BYTES)
			sim_con_host_send(s.d, id, s.io, n);
		return "sim_con_host_send";
	}
	case 4: {
		uint8_t extra[40];
		uint32_t n = fuzz_u8() % sizeof(extra);
		uint32_t cid = fuzz_one_in(8) ? fuzz_u32() : id;
		uint16_t event = fuzz_u8() % 10, value = fuzz_u8() % 3;
		fuzz_bytes(extra, n);
		sim_con_ctrl(s.d, cid, event, value, extra, n);
		return "sim_con_ctrl";
	}
	case 5: {
		uint8_t raw[24];
		uint32_t n = fuzz_u8() % sizeof(raw);
		fuzz_bytes(raw, n);
		sim_con_ctrl_raw(s.d, raw, n);
		return "sim_con_ctrl_raw";
	}
	default:
		if (fuzz_u8() & 1)
			sim_con_set_size(s.d, fuzz_u16(), fuzz_u16());
		else
			sim_con_deliver(s.d);
		return "sim_con_set_size or _deliver";
	}
}

static const char *driver_step(void)
{
	uint32_t id = port_id();
	switch (fuzz_u8() % 8) {
	case 0:
	case 1: {
		uint32_t n = fuzz_u16() % IO_BYTES;
		memset(s.io, 'w', n);
		int rc = vcon_write(&s.con, id, s.io, n);
		if (rc > (int)n)
			fuzz_fail("vcon_write of %u bytes took %d", n, rc);
		return "vcon_write";
	}
	case 2: {
		uint32_t n = fuzz_u16() % IO_BYTES;
		struct vcon_port *p = vcon_port(&s.con, id);
		uint32_t held = p ? vcon_readable(p) : 0;
		int rc = vcon_read(&s.con, id, s.io, n);
		if (rc > (int)n || (rc > 0 && (uint32_t)rc > held))
			fuzz_fail("vcon_read of %u bytes (%u held) returned %d", n, held, rc);
		return "vcon_read";
	}
	case 3:
		(void)vcon_open(&s.con, id, fuzz_u8() & 1);
		return "vcon_open";
	case 4:
		(void)vcon_emerg_write(&s.con, (char)fuzz_u8());
		return "vcon_emerg_write";
	case 5:
		(void)vcon_interrupt(&s.con);
		return "vcon_interrupt";
	case 6:
		(void)vcon_poll(&s.con);
		return "vcon_poll";
	default:
		return host_step();
	}
}

static int console_abort(int err)
{
	return vcon_abort(&s.con, err);
}

static int console_recover(void)
{
	return vcon_recover(&s.con);
}

static int console_interrupt(void)
{
	return vcon_interrupt(&s.con);
}

static int console_poll(void)
{
	return vcon_poll(&s.con);
}

static void run(void)
{
	memset(&s, 0, sizeof(s));
	struct sim_con_opts o = {
		.version = fuzz_version(),
		.remove = fuzz_u8() & 7, /* SIZE, MULTIPORT, EMERG_WRITE: bits 0..2 */
		.max_nr_ports = fuzz_u8() % (SIM_CON_MAX_PORTS + 1),
		.qmax = (uint16_t)(fuzz_u8() % 40),
		.cols = fuzz_u16(),
		.rows = fuzz_u16(),
	};
	o.features = fuzz_ring_offer() | VIRTIO_BIT(0) | VIRTIO_BIT(1) | VIRTIO_BIT(2);
	s.d = sim_con_new(&o);
	struct sim_con *sc = sim_con_of(s.d);
	sc->keep_tx_on_remove = fuzz_one_in(8);
	sc->rogue_rx = fuzz_one_in(8);
	fuzz_device_knobs(s.d);
	for (uint32_t id = 0, plug = fuzz_u8(); id < NPORTS + 1; id++)
		if (plug >> id & 1)
			sim_con_plug(s.d, id, id ? "fuzz.port" : NULL, id == 0, plug >> (4 + id) & 1);
	if (!fuzz_mmio_probe(&s.mmio, s.d))
		return;
	int rc = vcon_probe(&s.con, &s.mmio.vdev, fuzz_mask());
	fuzz_check("vcon_probe");
	if (rc != VIRTIO_OK)
		return;
	uint16_t nports = (uint16_t)(fuzz_u8() % NPORTS + 1);
	size_t len = vcon_mem_bytes(nports);
	len -= len && fuzz_one_in(32); /* one byte short */
	rc = vcon_attach(&s.con, s.ports, nports, fuzz_dma(len, VIRTQ_MEM_ALIGN), len);
	fuzz_check("vcon_attach");
	if (rc != VIRTIO_OK)
		return;
	s.con.on_event = on_event;
	rc = vcon_start(&s.con);
	fuzz_check("vcon_start");
	if (rc != VIRTIO_OK)
		return;
	(void)fuzz_steps(s.d, &(struct fuzz_driver){ s.con.vdev, console_abort, console_recover,
						      console_interrupt, console_poll,
						      driver_step });
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_run_input(data, size, run);
	return 0;
}
