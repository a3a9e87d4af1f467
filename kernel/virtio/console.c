/*
 * virtio-console glue: the library's vcon driver under the kernel's
 * console-port registry.  What the interrupt handler must not do itself
 * (a recovery after DEVICE_NEEDS_RESET or a broken rule, the rest of a
 * drain over budget) goes to deferred work (kernel/deferred.h).
 *
 * The library reports every port change through its event callback,
 * which runs inside vcon_interrupt() (the device's interrupt handler) or
 * inside a call made here with interrupts masked; it only updates the
 * registry, never prints (printing may write to a port of this very
 * device).  The registry calls the port operations with interrupts
 * masked, so the library is never entered twice; the one call from
 * inside the callback, a receive hook's read, takes only from the port's
 * buffer (vcon_read(), which the library allows there), and opening a
 * console port is no call at all: the driver opened it on CONSOLE_PORT.
 */
#include "kernel/console/console.h"
#include "kernel/deferred.h"
#include "kernel/dma.h"
#include "kernel/errno.h"
#include "kernel/irq/irq.h"
#include "kernel/riscv.h"
#include "kernel/virtio/kerr.h"
#include "kernel/virtio/probe.h"
#include "lib/printf.h"
#include "virtio/console.h"
#include "virtio/errors.h"

#define MAX_CONSOLES 4
#define PORTS_PER_DEVICE 8 /* port ids 0..7; the device's others are refused */

struct vconsole {
	struct vcon con;
	struct vcon_port vports[PORTS_PER_DEVICE];
	struct con_port ports[PORTS_PER_DEVICE];
	char where[64];
	struct deferred_work work; /* console_deferred() */
};

static struct vconsole consoles[MAX_CONSOLES];
static unsigned nconsoles;

static struct vconsole *of(struct con_port *p)
{
	return p->driver;
}

static int port_write(struct con_port *p, const void *buf, size_t n)
{
	uint32_t len = n > INT32_MAX ? INT32_MAX : (uint32_t)n;
	return kerr_from_virtio(vcon_write(&of(p)->con, p->dev_port, buf, len));
}

static int port_read(struct con_port *p, void *buf, size_t n)
{
	uint32_t len = n > INT32_MAX ? INT32_MAX : (uint32_t)n;
	return kerr_from_virtio(vcon_read(&of(p)->con, p->dev_port, buf, len));
}

static int port_open(struct con_port *p)
{
	/* Console ports are open from CONSOLE_PORT on: nothing to send, and
	 * no call into the driver from a receive hook inside its callback. */
	if (of(p)->vports[p->dev_port].guest_open)
		return 0;
	return kerr_from_virtio(vcon_open(&of(p)->con, p->dev_port, true));
}

static size_t port_readable(struct con_port *p)
{
	struct vcon_port *vp = vcon_port(&of(p)->con, p->dev_port);
	return vp ? vcon_readable(vp) : 0;
}

static unsigned port_tx_pending(struct con_port *p)
{
	return vcon_tx_in_flight(&of(p)->vports[p->dev_port]);
}

static void port_stats(struct con_port *p, struct con_port_stats *s)
{
	struct vconsole *vc = of(p);
	struct vcon_port *vp = &vc->vports[p->dev_port];
	*s = (struct con_port_stats){
		.rx_bytes = vp->rx_bytes,
		.tx_bytes = vp->tx_bytes,
		.dropped = vp->dropped,
		/* per device: the library counts them there */
		.device_errors = vc->con.bad_ctrl + vc->con.bad_port + vc->con.bad_name +
				 vc->con.stray_rx,
	};
}

static const struct con_port_ops port_ops = {
	.write = port_write,
	.read = port_read,
	.open = port_open,
	.readable = port_readable,
	.tx_pending = port_tx_pending,
	.stats = port_stats,
};

/* The library's event callback: keep the registry's view current. */
static void on_event(struct vcon *c, struct vcon_port *vp, enum vcon_event ev)
{
	struct vconsole *vc = c->event_ctx;
	struct con_port *p = &vc->ports[vp->id];

	switch (ev) {
	case VCON_EV_ADDED:
		*p = (struct con_port){
			.name = vp->name,
			.host_open = vp->host_open,
			.console = vp->console,
			.device = vc->where,
			.dev_port = vp->id,
			.ops = &port_ops,
			.driver = vc,
		};
		(void)con_port_add(p); /* a full table leaves the port unlisted */
		break;
	case VCON_EV_REMOVED:
		con_port_remove(p);
		break;
	case VCON_EV_DATA:
		con_port_received(p);
		break;
	case VCON_EV_NAMED:
	case VCON_EV_CONSOLE:
	case VCON_EV_HOST_OPEN:
		p->host_open = vp->host_open;
		p->console = vp->console;
		con_port_changed(p);
		break;
	case VCON_EV_RESIZE:
		break;
	}
}

static void console_irq(void *ctx)
{
	struct vconsole *vc = ctx;
	bool was_live = vc->con.vdev->state == VIRTIO_DEV_LIVE;
	int rc = vcon_interrupt(&vc->con);
	/* Say it once: a device that is down sees every neighbour's
	 * interrupt on a shared line.  A needed reset is no error. */
	if (rc < 0 && rc != VIRTIO_ERESET && was_live)
		kprintf("%s: virtio-console: %s\n", vc->where, kstrerror(kerr_from_virtio(rc)));
	if (virtio_device_pending(vc->con.vdev))
		deferred_mark(&vc->work);
}

/* Main loop: what console_irq() left.  A failed recovery is said once and
 * not retried (the device is down: its ports are gone). */
static void console_deferred(void *ctx)
{
	struct vconsole *vc = ctx;
	unsigned long s = intr_save();
	unsigned pending = virtio_device_pending(vc->con.vdev);
	int rc = VIRTIO_OK;
	if (pending & VIRTIO_PENDING_RECOVER)
		rc = vcon_recover(&vc->con);
	else if (pending & VIRTIO_PENDING_POLL)
		vcon_poll(&vc->con);
	if (virtio_device_pending(vc->con.vdev) & VIRTIO_PENDING_POLL)
		deferred_mark(&vc->work);
	intr_restore(s);
	if (rc)
		kprintf("%s: virtio-console: re-initialisation failed: %s\n", vc->where,
			kstrerror(kerr_from_virtio(rc)));
}

static void emergency_putc(void *ctx, char c)
{
	struct vconsole *vc = ctx;
	vcon_emerg_write(&vc->con, c);
}

/* Negotiate, the queues in one block of the pool, the interrupt, then
 * DRIVER_OK: the device announces its ports by interrupt from there on.
 * A step that fails undoes the ones before it (virtio_bringup_undo(): the
 * handler off the line, the memory back once a checked reset shows the
 * device owns none of it). */
static int bring_up(struct vconsole *vc, struct virtio_device *vdev, const char *where,
		    uint32_t irq)
{
	size_t mark = dma_mark();
	bool handler = false;
	size_t bytes = vcon_mem_bytes(PORTS_PER_DEVICE);
	void *mem = NULL;

	ksnprintf(vc->where, sizeof(vc->where), "%s", where);
	int rc = vcon_probe(&vc->con, vdev, ~0ull);
	if (rc == VIRTIO_OK)
		rc = (mem = dma_alloc(bytes)) ? VIRTIO_OK : VIRTIO_ENOMEM;
	if (rc == VIRTIO_OK)
		rc = vcon_attach(&vc->con, vc->vports, PORTS_PER_DEVICE, mem, bytes);
	if (rc == VIRTIO_OK) {
		vc->con.on_event = on_event;
		vc->con.event_ctx = vc;
		vc->work = (struct deferred_work){ .fn = console_deferred, .ctx = vc };
		handler = irq_register(irq, console_irq, vc) == 0;
		rc = handler ? VIRTIO_OK : VIRTIO_EINVAL;
	}
	rc = kerr_from_virtio(rc);
	if (rc == KERR_OK && virtio_fail_injected(vdev))
		rc = KERR_EFULL;
	if (rc == KERR_OK) {
		/* The device answers DEVICE_READY at once, by interrupt: not
		 * before vcon_start() has returned. */
		unsigned long s = intr_save();
		rc = kerr_from_virtio(vcon_start(&vc->con));
		intr_restore(s);
	}
	if (rc) {
		/* Nothing in the registry may point at a device given up. */
		for (unsigned i = 0; i < PORTS_PER_DEVICE; i++)
			con_port_remove(&vc->ports[i]);
		virtio_bringup_undo(vdev, where, mark, irq, handler ? console_irq : NULL, vc);
		deferred_cancel(&vc->work); /* a mark from the handler before it went */
	}
	return rc;
}

int virtio_console_attach(struct virtio_device *vdev, const char *where, uint32_t irq)
{
	if (nconsoles == MAX_CONSOLES)
		return KERR_EFULL;
	/* The slot is taken only by a device that came up. */
	struct vconsole *vc = &consoles[nconsoles];
	*vc = (struct vconsole){ 0 };
	int rc = bring_up(vc, vdev, where, irq);
	if (rc)
		return rc;
	if (vc->con.emerg_write)
		con_emergency_register(emergency_putc, vc);
	kprintf("%s: virtio-console, %s, up to %u ports%s\n", where,
		vc->con.multiport ? "multiport" : "one port", (unsigned)vc->con.max_nr_ports,
		vc->con.emerg_write ? ", emergency write" : "");
	nconsoles++;
	return KERR_OK;
}
