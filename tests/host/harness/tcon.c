/*
 * The console test harness (see tcon.h).
 */
#include "harness/tcon.h"

#include <string.h>

#include "sim/sim_pci.h"

static void on_event(struct vcon *c, struct vcon_port *p, enum vcon_event ev)
{
	struct tcon *t = c->event_ctx;
	if (t->nlog == TCON_MAX_EVENTS)
		FAIL("more than %u console events", TCON_MAX_EVENTS);
	t->log[t->nlog].port = p->id;
	t->log[t->nlog].ev = ev;
	t->nlog++;
	if (ev == VCON_EV_REMOVED)
		t->in_flight_at_removal[p->id] = vcon_tx_in_flight(p);
}

unsigned tcon_events(const struct tcon *t, uint32_t port, enum vcon_event ev)
{
	unsigned n = 0;
	for (unsigned i = 0; i < t->nlog; i++)
		n += t->log[i].port == port && t->log[i].ev == ev;
	return n;
}

void tcon_pump(struct tcon *t)
{
	for (int i = 0; i < 100; i++) {
		if (!t->sim->int_status)
			return;
		if (vcon_interrupt(&t->con) < 0)
			return;
	}
	FAIL("the device kept interrupting");
}

bool tcon_recovery_due(struct tcon *t)
{
	return virtio_device_pending(t->con.vdev) & VIRTIO_PENDING_RECOVER;
}

void tcon_probe(struct tcon *t, struct sim_dev *sim, enum tcon_transport tr, uint64_t mask)
{
	memset(t, 0, sizeof(*t));
	t->sim = sim;
	t->s = sim_con_of(sim);
	struct virtio_device *vdev;
	if (tr == TCON_PCI) {
		struct sim_pci *p = sim_pci_new(sim, NULL);
		CHECK_OK(virtio_pci_probe(&t->pci, &p->acc, p->bars));
		vdev = &t->pci.vdev;
	} else {
		CHECK_OK(virtio_mmio_probe(&t->mmio, sim->base));
		vdev = &t->mmio.vdev;
	}
	CHECK_OK(vcon_probe(&t->con, vdev, mask));
	t->len = vcon_mem_bytes(TCON_NPORTS);
	t->mem = sim->version == 1 ? tmem_alloc_low(t->len, VIRTQ_MEM_ALIGN)
				   : tmem_alloc(t->len, VIRTQ_MEM_ALIGN);
	CHECK_OK(vcon_attach(&t->con, t->ports, TCON_NPORTS, t->mem, t->len));
	t->con.on_event = on_event;
	t->con.event_ctx = t;
}

void tcon_start(struct tcon *t)
{
	CHECK_OK(vcon_start(&t->con));
	tcon_pump(t);
}

bool tcon_qemu_packed;

struct tcon *tcon_usual(enum tcon_transport tr, uint32_t version, uint64_t mask)
{
	static struct tcon t;
	sim_reset_all();
	struct sim_con_opts o = { .version = version, .cols = 80, .rows = 25 };
	struct sim_dev *sim = sim_con_new(&o);
	sim->packed_used_no_write = tcon_qemu_packed;
	tcon_qemu_packed = false;
	sim_con_plug(sim, 0, NULL, true, true);
	sim_con_plug(sim, 1, "org.example.closed", false, false);
	sim_con_plug(sim, 2, "org.example.open", false, true);
	tcon_probe(&t, sim, tr, mask);
	tcon_start(&t);
	return &t;
}

void tcon_fill(uint8_t *p, uint32_t n, uint32_t seed)
{
	for (uint32_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 13 + (i >> 8));
}

uint32_t tcon_read_all(struct tcon *t, uint32_t id, uint8_t *buf, uint32_t cap)
{
	uint32_t got = 0;
	int n;
	while (got < cap && (n = vcon_read(&t->con, id, buf + got, cap - got)) > 0)
		got += (uint32_t)n;
	return got;
}
