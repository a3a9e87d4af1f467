/*
 * The simulated device's virtio-mmio register window (§4.2.2 modern,
 * §4.2.4 legacy): every access the library's MMIO hooks make, checked for
 * width and alignment and decoded register by register (identification,
 * feature words, queue selection and set-up, notifications, interrupt
 * acknowledgement).  What a register means for the device (status, the
 * configuration space) is in sim_device.c; the rings are in sim_ring.c.
 */
#include "sim/sim_internal.h"
#include "virtio/mmio.h"
#include "virtio/spec.h"

/* Sees each access first (sim_device.h); cleared by sim_reset_all(). */
bool (*sim_mmio_hook)(uintptr_t addr, unsigned width, bool write, uint32_t *value);

static struct sim_queue *selq(struct sim_dev *d, const char *reg)
{
	if (!d->queue_sel_set)
		sim_violation("%s accessed before QueueSel was written", reg);
	if (d->queue_sel >= SIM_MAX_QUEUES)
		return NULL;
	return &d->q[d->queue_sel];
}

/* The selected queue, for a write that sets it up: NULL (and a violation)
 * when the device has no such queue. */
static struct sim_queue *selq_present(struct sim_dev *d, const char *reg)
{
	struct sim_queue *q = selq(d, reg);
	if (!q || q->max == 0) {
		sim_violation("%s written for absent queue %u", reg, d->queue_sel);
		return NULL;
	}
	return q;
}

static bool modern_only(struct sim_dev *d, const char *reg)
{
	if (d->version == 1) {
		sim_violation("%s does not exist on a legacy device", reg);
		return false;
	}
	return true;
}

static bool legacy_only(struct sim_dev *d, const char *reg)
{
	if (d->version != 1) {
		sim_violation("%s does not exist on a modern device", reg);
		return false;
	}
	return true;
}

uint32_t sim_mmio_read(uintptr_t addr, unsigned width)
{
	uint32_t hooked;
	if (sim_mmio_hook && sim_mmio_hook(addr, width, false, &hooked))
		return hooked;
	struct sim_dev *d = sim_dev_at(addr);
	uint32_t off = (uint32_t)(addr - d->base);
	struct sim_queue *q;

	d->reg_accesses++;
	if (off < sizeof(d->touched))
		d->touched[off] = 1;
	if (off >= VIRTIO_MMIO_CONFIG)
		return sim_config_read(d, off - VIRTIO_MMIO_CONFIG, width);
	if (width != 4 || off % 4) {
		sim_violation("control register 0x%03x read with width %u (must be aligned 32-bit)",
			      off, width);
		return 0;
	}
	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return d->magic;
	case VIRTIO_MMIO_VERSION:
		return d->version;
	case VIRTIO_MMIO_DEVICE_ID:
		return d->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return d->vendor_id;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		if (!d->dev_feat_sel_set)
			sim_violation("DeviceFeatures read before DeviceFeaturesSel was written");
		if (d->dev_feat_sel == 0)
			return (uint32_t)d->features;
		if (d->dev_feat_sel == 1 && d->version != 1)
			return (uint32_t)(d->features >> 32);
		return 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		q = selq(d, "QueueNumMax");
		if (q && d->version == 1 && q->pfn)
			sim_violation("legacy QueueNumMax read while the queue is in use");
		return q ? q->max : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		if (!modern_only(d, "QueueReady"))
			return 0;
		q = selq(d, "QueueReady");
		return q ? q->ready : 0;
	case VIRTIO_MMIO_QUEUE_PFN:
		if (!legacy_only(d, "QueuePFN"))
			return 0;
		q = selq(d, "QueuePFN");
		return q ? q->pfn : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return d->int_status;
	case VIRTIO_MMIO_STATUS:
		if (d->reset_countdown) {
			if (--d->reset_countdown == 0) {
				uint8_t s = d->status;
				d->status = 0;
				return s;
			}
			return d->status;
		}
		return d->status;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		if (!modern_only(d, "ConfigGeneration"))
			return 0;
		return d->config_gen;
	default:
		sim_violation("read of register 0x%03x (write-only or undefined)", off);
		return 0;
	}
}

static void set_half(uint64_t *reg, bool high, uint32_t v)
{
	if (high)
		*reg = (*reg & 0xffffffffull) | (uint64_t)v << 32;
	else
		*reg = (*reg & ~0xffffffffull) | v;
}

static void queue_addr_write(struct sim_dev *d, uint32_t off, uint32_t v)
{
	static const char *names[] = { "QueueDesc", "QueueDriver", "QueueDevice" };
	unsigned which = (off - VIRTIO_MMIO_QUEUE_DESC_LOW) / 0x10;
	if (!modern_only(d, names[which]))
		return;
	struct sim_queue *q = selq(d, names[which]);
	if (!q) {
		sim_violation("%s written for a queue that does not exist", names[which]);
		return;
	}
	if (q->ready)
		sim_violation("%s written while QueueReady is 1", names[which]);
	uint64_t *reg = which == 0 ? &q->desc : which == 1 ? &q->driver : &q->device;
	set_half(reg, off & 4, v);
}

static void notify(struct sim_dev *d, uint32_t v)
{
	unsigned qi = v & 0xffff;
	d->notifies++;
	if (!(d->status & VIRTIO_STATUS_DRIVER_OK)) {
		sim_violation("QueueNotify(%u) before DRIVER_OK", qi);
		return;
	}
	if (qi >= SIM_MAX_QUEUES || !d->q[qi].ready) {
		sim_violation("QueueNotify(0x%x): queue %u is not enabled", v, qi);
		return;
	}
	struct sim_queue *q = &d->q[qi];
	q->notifies++;
	q->last_notify_value = v;
	if (!sim_has(d, VIRTIO_F_NOTIFICATION_DATA) && v > 0xffff)
		sim_violation("QueueNotify value 0x%x: data bits without NOTIFICATION_DATA", v);
	/* Not on a queue a fault halted: the faulty device may have written
	 * over descriptors the driver posted (a packed used descriptor too
	 * many), and the ring no longer shows where the driver is. */
	if (sim_has(d, VIRTIO_F_NOTIFICATION_DATA) && !q->halted)
		sim_ring_check_notify_data(d, qi, v);
	q->kicked = true;
	if (d->mode == SIM_SYNC)
		sim_process_queue(d, qi);
}

void sim_mmio_write(uintptr_t addr, unsigned width, uint32_t v)
{
	if (sim_mmio_hook && sim_mmio_hook(addr, width, true, &v))
		return;
	struct sim_dev *d = sim_dev_at(addr);
	uint32_t off = (uint32_t)(addr - d->base);
	struct sim_queue *q;

	d->reg_accesses++;
	if (off < sizeof(d->touched))
		d->touched[off] = 1;
	if (off >= VIRTIO_MMIO_CONFIG) {
		sim_config_write(d, off - VIRTIO_MMIO_CONFIG, width, v);
		return;
	}
	if (width != 4 || off % 4) {
		sim_violation("control register 0x%03x written with width %u (must be aligned 32-bit)",
			      off, width);
		return;
	}
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		d->dev_feat_sel = v;
		d->dev_feat_sel_set = true;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		d->drv_feat_sel = v;
		d->drv_feat_sel_set = true;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (!d->drv_feat_sel_set)
			sim_violation("DriverFeatures written before DriverFeaturesSel");
		if (d->features_frozen || (d->status & VIRTIO_STATUS_FEATURES_OK))
			sim_violation("DriverFeatures written after FEATURES_OK");
		if (!(d->status & VIRTIO_STATUS_DRIVER))
			sim_violation("DriverFeatures written before DRIVER");
		if (d->drv_feat_sel < 2) {
			set_half(&d->driver_features, d->drv_feat_sel == 1, v);
			d->feat_words_written |= 1u << d->drv_feat_sel;
		} else if (v) {
			sim_violation("DriverFeatures word %u = 0x%x: no such feature bits",
				      d->drv_feat_sel, v);
		}
		return;
	case VIRTIO_MMIO_GUEST_PAGE_SIZE:
		if (legacy_only(d, "GuestPageSize")) {
			if (v == 0 || (v & (v - 1)))
				sim_violation("GuestPageSize %u is not a power of two", v);
			d->guest_page_size = v;
		}
		return;
	case VIRTIO_MMIO_QUEUE_SEL:
		d->queue_sel = v;
		d->queue_sel_set = true;
		return;
	case VIRTIO_MMIO_QUEUE_NUM:
		q = selq_present(d, "QueueNum");
		if (!q)
			return;
		if (q->ready)
			sim_violation("QueueNum written while the queue is live");
		if (v == 0 || v > q->max)
			sim_violation("QueueNum %u not in 1..QueueNumMax (%u)", v, q->max);
		q->num = (uint16_t)v;
		return;
	case VIRTIO_MMIO_QUEUE_ALIGN:
		if (legacy_only(d, "QueueAlign")) {
			q = selq(d, "QueueAlign");
			if (v == 0 || (v & (v - 1)))
				sim_violation("QueueAlign %u is not a power of two", v);
			else if (q)
				q->align = v;
		}
		return;
	case VIRTIO_MMIO_QUEUE_PFN:
		if (!legacy_only(d, "QueuePFN"))
			return;
		q = selq_present(d, "QueuePFN");
		if (!q)
			return;
		if (v == 0) {
			sim_ring_disable(d, d->queue_sel);
			q->pfn = 0;
			q->ready = false;
			return;
		}
		if (q->pfn)
			sim_violation("QueuePFN written while the queue is in use");
		if (d->guest_page_size == 0) {
			sim_violation("QueuePFN written before GuestPageSize");
			return;
		}
		if (q->num == 0) {
			sim_violation("QueuePFN written before QueueNum");
			return;
		}
		q->pfn = v;
		q->desc = (uint64_t)v * d->guest_page_size;
		q->driver = q->desc + 16ull * q->num;
		q->device = (q->driver + 6 + 2ull * q->num + q->align - 1) & ~(uint64_t)(q->align - 1);
		sim_ring_enable(d, d->queue_sel);
		return;
	case VIRTIO_MMIO_QUEUE_READY:
		if (!modern_only(d, "QueueReady"))
			return;
		q = selq_present(d, "QueueReady");
		if (!q)
			return;
		if (v == 1) {
			if (q->ready)
				sim_violation("QueueReady=1 written to a live queue");
			sim_ring_enable(d, d->queue_sel);
		} else if (v == 0) {
			sim_ring_disable(d, d->queue_sel);
			q->ready = false;
		} else {
			sim_violation("QueueReady written with %u", v);
		}
		return;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		notify(d, v);
		return;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		if (v & ~3u)
			sim_violation("InterruptACK 0x%x sets undefined bits", v);
		d->int_status &= ~v;
		if (d->complete_on_ack) {
			/* A completion racing with the interrupt handler. */
			for (unsigned qi = 0; qi < SIM_MAX_QUEUES && d->complete_on_ack; qi++) {
				if (!d->q[qi].ready)
					continue;
				sim_consume(d, qi);
				/* A queue the back end completes itself only
				 * gives up its chains when it chooses. */
				if (d->holds && d->holds(d, qi))
					continue;
				d->complete_on_ack -= sim_complete(d, qi, d->complete_on_ack);
			}
		}
		return;
	case VIRTIO_MMIO_STATUS:
		sim_status_write(d, v);
		return;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		queue_addr_write(d, off, v);
		return;
	default:
		sim_violation("write of 0x%x to register 0x%03x (read-only or undefined)", v, off);
		return;
	}
}
