/*
 * virtio-input glue: each device gets both queues from the DMA pool, its
 * interrupt, and a struct input_dev in the kernel's input registry.  The
 * library delivers whole groups (events up to SYN_REPORT) from the
 * interrupt handler; they go on to input_report() unchanged (the codes are
 * Linux's on both sides).  What the handler must not do (the recovery
 * after DEVICE_NEEDS_RESET or a fault, the rest of a drain that ran out
 * of budget) is deferred work (kernel/deferred.h).
 */
#include "kernel/deferred.h"
#include "kernel/dma.h"
#include "kernel/errno.h"
#include "kernel/input/input.h"
#include "kernel/irq/irq.h"
#include "kernel/riscv.h"
#include "kernel/virtio/kerr.h"
#include "kernel/virtio/probe.h"
#include "lib/printf.h"
#include "virtio/errors.h"
#include "virtio/input.h"

#define MAX_INPUTS INPUT_MAX_DEVICES
#define INPUT_QUEUE_SIZE 64 /* QEMU offers 64; a burst of key events fits */

struct vin {
	struct vinput vin;
	struct input_dev dev;
	char where[64];
	struct deferred_work work; /* vin_deferred() */
};

static struct vin vins[MAX_INPUTS];
static unsigned n_vins;

static void vin_deliver(void *ctx, const struct vinput_event *ev, unsigned n)
{
	struct vin *v = ctx;
	struct input_event out[VINPUT_GROUP_MAX];
	for (unsigned i = 0; i < n; i++)
		out[i] = (struct input_event){ ev[i].type, ev[i].code, ev[i].value };
	input_report(&v->dev, out, n);
}

/* What the interrupt left for the main loop: a recovery, or the rest of a
 * drain (interrupts masked, as every use of the queues). */
static void vin_deferred(void *ctx)
{
	struct vin *v = ctx;
	unsigned long saved = intr_save();
	unsigned pending = vinput_pending(&v->vin);
	int rc = VIRTIO_OK;
	if (pending & VIRTIO_PENDING_RECOVER)
		rc = vinput_recover(&v->vin);
	else if (pending & VIRTIO_PENDING_POLL)
		(void)vinput_poll(&v->vin); /* a fault it finds is marked again below */
	if (vinput_pending(&v->vin))
		deferred_mark(&v->work);
	intr_restore(saved);
	if (rc)
		kprintf("%s: recovery: %s; the device stays down\n", v->dev.label,
			kstrerror(kerr_from_virtio(rc)));
	else if (pending & VIRTIO_PENDING_RECOVER)
		kprintf("%s: recovered\n", v->dev.label);
}

static void vin_irq(void *ctx)
{
	struct vin *v = ctx;
	bool was_live = v->vin.vdev->state == VIRTIO_DEV_LIVE;
	int rc = vinput_interrupt(&v->vin);
	/* Say it once: a device that is down sees its neighbours' interrupts
	 * on a shared line. */
	if (rc < 0 && was_live)
		kprintf("%s: %s; recovering\n", v->dev.label, kstrerror(kerr_from_virtio(rc)));
	if (vinput_pending(&v->vin))
		deferred_mark(&v->work);
}

static int vin_set_led(struct input_dev *dev, unsigned led, bool on)
{
	struct vin *v = dev->driver;
	unsigned long saved = intr_save();
	int rc = vinput_send_status(&v->vin, EV_LED, (uint16_t)led, on);
	intr_restore(saved);
	return kerr_from_virtio(rc);
}

static void vin_stats(struct input_dev *dev, struct input_stats *out)
{
	struct vin *v = dev->driver;
	unsigned long saved = intr_save();
	const struct vinput_stats *s = &v->vin.stats;
	*out = (struct input_stats){
		.buffers_posted = v->vin.eventq.vq.in_flight,
		.buffers_total = v->vin.eventq.vq.size,
		.events = s->events,
		.groups = s->groups,
		.ignored = s->unknown + s->invalid + s->malformed,
		.dropped_groups = s->dropped_groups,
		.status_sent = s->status_sent,
		.status_done = s->status_done,
	};
	intr_restore(saved);
}

static const struct input_dev_ops vin_ops = {
	.set_led = vin_set_led,
	.stats = vin_stats,
};

/* Queue `index` at the largest size up to INPUT_QUEUE_SIZE the device
 * allows (a power of two for split rings); 0 when it has no such queue. */
static int vin_queue(struct vin *v, uint16_t index)
{
	struct virtio_device *vdev = v->vin.vdev;
	uint16_t size = virtio_queue_max(vdev, index);
	if (size == 0)
		return index == 0 ? VIRTIO_ENOQUEUE : VIRTIO_OK; /* no status queue: no LEDs */
	if (size > INPUT_QUEUE_SIZE)
		size = INPUT_QUEUE_SIZE;
	if (!virtio_has_feature(vdev, VIRTIO_F_RING_PACKED))
		while (size & (size - 1))
			size &= (uint16_t)(size - 1);
	size_t bytes = vinput_queue_mem_bytes(size);
	void *mem = dma_alloc(bytes);
	if (!mem)
		return VIRTIO_ENOMEM;
	return vinput_attach_queue(&v->vin, index, size, mem, bytes);
}

static void vin_describe(struct vin *v)
{
	const struct vinput_info *i = &v->vin.info;
	struct input_dev *d = &v->dev;

	*d = (struct input_dev){
		.has_ids = i->has_ids,
		.bustype = i->bustype,
		.vendor = i->vendor,
		.product = i->product,
		.version = i->version,
		.ev_types = i->ev_types,
		.abs_axes = i->abs_axes,
		.transport = v->where,
		.ops = &vin_ops,
		.driver = v,
	};
	ksnprintf(d->name, sizeof(d->name), "%s", i->name);
	ksnprintf(d->serial, sizeof(d->serial), "%s", i->serial);
	for (unsigned a = 0; a < ABS_AXES; a++)
		d->abs[a] = (struct input_absrange){ i->abs[a].min, i->abs[a].max };
}

/* Negotiate, both queues, the interrupt, DRIVER_OK with the event queue
 * stocked, then the registry.  A step that fails undoes the ones before
 * it: the handler comes off the line, and the queue memory goes back to
 * the pool once a checked reset shows the device no longer owns it (the
 * stocked event buffers included: virtio_bringup_undo()). */
static int vin_attach(struct vin *v, struct virtio_device *vdev, const char *where, uint32_t irq)
{
	size_t mark = dma_mark();
	bool handler = false;

	*v = (struct vin){ .work = { .fn = vin_deferred, .ctx = v } };
	ksnprintf(v->where, sizeof(v->where), "%s", where);
	int rc = vinput_probe(&v->vin, vdev, ~0ull);
	if (rc == VIRTIO_OK)
		rc = vin_queue(v, 0);
	if (rc == VIRTIO_OK)
		rc = vin_queue(v, 1);
	if (rc == VIRTIO_OK) {
		handler = irq_register(irq, vin_irq, v) == 0;
		rc = handler ? VIRTIO_OK : VIRTIO_EINVAL;
	}
	if (rc == VIRTIO_OK) {
		vin_describe(v);
		unsigned long saved = intr_save();
		rc = vinput_start(&v->vin, vin_deliver, v);
		intr_restore(saved);
	}
	rc = kerr_from_virtio(rc);
	if (rc == KERR_OK)
		rc = virtio_fail_injected(vdev) ? KERR_EFULL : input_register(&v->dev);
	if (rc) {
		virtio_bringup_undo(vdev, where, mark, irq, handler ? vin_irq : NULL, v);
		deferred_cancel(&v->work); /* a mark from the handler before it went */
	}
	return rc;
}

int virtio_input_attach(struct virtio_device *vdev, const char *where, uint32_t irq)
{
	if (n_vins == MAX_INPUTS)
		return KERR_EFULL;
	/* The slot is taken only by a device that came up: a failed one left
	 * nothing pointing at it (no handler, no registry entry). */
	struct vin *v = &vins[n_vins];
	int rc = vin_attach(v, vdev, where, irq);
	if (rc)
		return rc;
	n_vins++;
	kprintf("%s: %s, %s, ring=%s\n", v->dev.label, v->dev.name, where,
		virtq_is_packed(&v->vin.eventq.vq) ? "packed" : "split");
	return KERR_OK;
}
