/*
 * The simulated virtio-mmio device: register window (§4.2.2 modern,
 * §4.2.4 legacy), device status (§2.1, §3.1), feature negotiation (§2.2),
 * configuration space with its generation counter (§2.5), queue set-up,
 * interrupts, processing modes and DMA-region checks.  The ring engines
 * are in sim_ring.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_device.h"
#include "unit.h"
#include "virtio/mmio.h"
#include "virtio/spec.h"

/* sim_ring.c */
void sim_ring_enable(struct sim_dev *d, unsigned qi);
void sim_ring_disable(struct sim_dev *d, unsigned qi);

static struct sim_dev devs[SIM_MAX_DEVS];
uint64_t sim_clock_ns;
void (*sim_cache_hook)(enum sim_cache_op op, const void *p, size_t n);
bool (*sim_mmio_hook)(uintptr_t addr, unsigned width, bool write, uint32_t *value);

static unsigned time_reads_since_relax;
static bool warned_spin;

/* ---- violations ------------------------------------------------------ */

static unsigned nviolations;
static char first_violation[512];

void sim_violation(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (nviolations++ == 0)
		snprintf(first_violation, sizeof(first_violation), "%s", buf);
	unit_log("sim: VIOLATION: %s\n", buf);
}

unsigned sim_violations(void)
{
	return nviolations;
}

const char *sim_first_violation(void)
{
	return first_violation;
}

unsigned sim_take_violations(void)
{
	unsigned n = nviolations;
	nviolations = 0;
	first_violation[0] = 0;
	return n;
}

void sim_log(const char *fmt, ...)
{
	if (!unit_verbose())
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("lib: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/* ---- DMA regions ----------------------------------------------------- */

struct region {
	uintptr_t start;
	size_t len;
};
static struct region *regions;
static size_t nregions, capregions, last_hit;

void sim_dma_add(void *p, size_t n)
{
	if (nregions == capregions) {
		capregions = capregions ? capregions * 2 : 64;
		regions = realloc(regions, capregions * sizeof(*regions));
		if (!regions)
			abort();
	}
	regions[nregions++] = (struct region){ (uintptr_t)p, n };
}

void *sim_dma_ptr(uint64_t addr, uint64_t len, const char *what)
{
	for (size_t k = 0; k < nregions; k++) {
		size_t i = (last_hit + k) % nregions;
		struct region *r = &regions[i];
		if (addr >= r->start && addr - r->start <= r->len &&
		    len <= r->len - (addr - r->start)) {
			last_hit = i;
			return (void *)(uintptr_t)addr;
		}
	}
	sim_violation("%s: [0x%llx, +%llu) is not memory the test handed out",
		      what, (unsigned long long)addr, (unsigned long long)len);
	return NULL;
}

/* ---- devices --------------------------------------------------------- */

void sim_reset_all(void)
{
	for (unsigned i = 0; i < SIM_MAX_DEVS; i++) {
		for (unsigned qi = 0; qi < SIM_MAX_QUEUES; qi++) {
			sim_ring_disable(&devs[i], qi);
			free(devs[i].q[qi].pending);
		}
		if (devs[i].in_use && devs[i].ctx) {
			struct sim_blk *b = devs[i].backend && devs[i].device_id == VIRTIO_ID_BLOCK
						    ? devs[i].ctx : NULL;
			if (b)
				free(b->disk);
			free(devs[i].ctx);
		}
		memset(&devs[i], 0, sizeof(devs[i]));
	}
	free(regions);
	regions = NULL;
	nregions = capregions = last_hit = 0;
	sim_clock_ns = 1000000000ull; /* start at 1 s: 0 is not special */
	time_reads_since_relax = 0;
	warned_spin = false;
	sim_cache_hook = NULL;
	sim_mmio_hook = NULL;
	sim_take_violations();
}

struct sim_dev *sim_dev_new(uint32_t version, uint32_t device_id, uint64_t features)
{
	for (unsigned i = 0; i < SIM_MAX_DEVS; i++) {
		struct sim_dev *d = &devs[i];
		if (d->in_use)
			continue;
		memset(d, 0, sizeof(*d));
		d->in_use = true;
		d->base = SIM_BASE + i * SIM_WINDOW;
		d->magic = VIRTIO_MMIO_MAGIC;
		d->version = version;
		d->device_id = device_id;
		d->vendor_id = 0x554d4551; /* "QEMU" */
		d->features = version == 1 ? (features & 0xffffffffull) : features;
		d->mode = SIM_SYNC;
		for (unsigned q = 0; q < SIM_MAX_QUEUES; q++)
			d->q[q].align = 4096;
		return d;
	}
	FAIL("sim: out of device windows");
}

void sim_set_queue_max(struct sim_dev *d, unsigned q, uint16_t max)
{
	if (q >= SIM_MAX_QUEUES)
		FAIL("sim: queue %u out of range", q);
	d->q[q].max = max;
	if (max && q + 1 > d->nqueues)
		d->nqueues = q + 1;
}

static struct sim_dev *find(uintptr_t addr)
{
	for (unsigned i = 0; i < SIM_MAX_DEVS; i++)
		if (devs[i].in_use && addr >= devs[i].base && addr - devs[i].base < SIM_WINDOW)
			return &devs[i];
	FAIL("MMIO access at 0x%lx: outside every simulated device window",
	     (unsigned long)addr);
}

/* ---- status ---------------------------------------------------------- */

static void do_reset(struct sim_dev *d)
{
	for (unsigned qi = 0; qi < SIM_MAX_QUEUES; qi++) {
		struct sim_queue *q = &d->q[qi];
		sim_ring_disable(d, qi);
		q->ready = false;
		q->pfn = 0;
		q->num = 0;
		q->desc = q->driver = q->device = 0;
		q->align = 4096;
		q->halted = false;
		q->kicked = false;
	}
	d->status = 0;
	d->driver_features = 0;
	d->features_frozen = false;
	d->dev_feat_sel_set = d->drv_feat_sel_set = d->queue_sel_set = false;
	d->dev_feat_sel = d->drv_feat_sel = d->queue_sel = 0;
	d->int_status = 0;
	d->resets++;
	if (d->on_reset)
		d->on_reset(d);
}

static void status_write(struct sim_dev *d, uint32_t v32)
{
	uint8_t v = (uint8_t)v32;
	uint8_t old = d->status;

	if (d->nstatus_log < sizeof(d->status_log))
		d->status_log[d->nstatus_log++] = v;
	if (v32 > 0xff)
		sim_violation("Status written with 0x%x: bits above 7", v32);
	if (v == 0) {
		if (d->reset_stuck)
			return;
		do_reset(d);
		if (d->reset_delay) {
			d->reset_countdown = d->reset_delay;
			d->status = old; /* still resetting: reads the old value */
		}
		return;
	}
	if (d->reset_countdown)
		sim_violation("Status written (0x%02x) while a reset was still in progress", v);

	uint8_t kept = old & ~(uint8_t)VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	if (kept & ~v)
		sim_violation("Status 0x%02x -> 0x%02x clears bits without a reset", old, v);
	uint8_t newbits = v & ~old;
	if (newbits & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
		sim_violation("driver set DEVICE_NEEDS_RESET");
	if ((newbits & VIRTIO_STATUS_DRIVER) && !(v & VIRTIO_STATUS_ACKNOWLEDGE))
		sim_violation("DRIVER set without ACKNOWLEDGE");
	if (newbits & VIRTIO_STATUS_FEATURES_OK) {
		if (d->version == 1) {
			sim_violation("FEATURES_OK written to a legacy (version 1) device");
		} else {
			if ((v & 3) != 3)
				sim_violation("FEATURES_OK before ACKNOWLEDGE|DRIVER");
			d->features_at_ok = d->driver_features;
			bool subset = (d->driver_features & ~d->features) == 0;
			if (!subset)
				sim_violation("driver accepted features 0x%llx that were not offered (offered 0x%llx)",
					      (unsigned long long)(d->driver_features & ~d->features),
					      (unsigned long long)d->features);
			if (!subset || d->refuse_features_ok)
				v &= ~(uint8_t)VIRTIO_STATUS_FEATURES_OK;
			else
				d->features_frozen = true;
		}
	}
	if (newbits & VIRTIO_STATUS_DRIVER_OK) {
		if ((v & 3) != 3)
			sim_violation("DRIVER_OK before ACKNOWLEDGE|DRIVER");
		if (d->version != 1 && !(v & VIRTIO_STATUS_FEATURES_OK) &&
		    !(newbits & VIRTIO_STATUS_FAILED))
			sim_violation("DRIVER_OK without FEATURES_OK accepted");
		if (d->version == 1) {
			if (d->driver_features & ~d->features)
				sim_violation("legacy: driver accepted features 0x%llx that were not offered",
					      (unsigned long long)(d->driver_features & ~d->features));
			d->features_at_ok = d->driver_features;
			d->features_frozen = true;
		}
	}
	d->status = v | (old & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

/* ---- config space ---------------------------------------------------- */

static bool width_ok(uint32_t off, unsigned width)
{
	return (width == 1 || width == 2 || width == 4) && off % width == 0;
}

static uint32_t config_read(struct sim_dev *d, uint32_t off, unsigned width)
{
	d->config_reads++;
	if (!width_ok(off, width)) {
		sim_violation("config read of width %u at 0x%x: not naturally aligned", width, off);
		return 0;
	}
	if (off + width > d->config_len) {
		sim_violation("config read at 0x%x+%u past the config space (%u bytes)", off, width,
			      d->config_len);
		return 0;
	}
	if (off < d->cfg_late_hi && off + width > d->cfg_late_lo && d->version != 1 &&
	    !(d->status & VIRTIO_STATUS_FEATURES_OK))
		sim_violation("config 0x%x read before FEATURES_OK (only valid after it)", off);
	uint32_t v = 0;
	for (unsigned i = 0; i < width; i++)
		v |= (uint32_t)d->config[off + i] << (8 * i);
	if (d->gen_churn) {
		/* The value changes under the driver's feet: bump the
		 * generation and let the back end change the contents. */
		if (d->gen_churn != UINT32_MAX)
			d->gen_churn--;
		d->config_gen++;
		if (d->on_churn)
			d->on_churn(d);
	}
	return v;
}

static void config_write(struct sim_dev *d, uint32_t off, unsigned width, uint32_t v)
{
	if (!width_ok(off, width)) {
		sim_violation("config write of width %u at 0x%x: not naturally aligned", width, off);
		return;
	}
	if (off + width > d->config_len) {
		sim_violation("config write at 0x%x past the config space", off);
		return;
	}
	if (d->version != 1 && !(d->status & VIRTIO_STATUS_FEATURES_OK))
		sim_violation("config written before FEATURES_OK (§3.1.1 step 4)");
	if (!d->config_write || !d->config_write(d, off, width, v))
		sim_violation("config write at 0x%x (width %u): not a writable field", off, width);
}

/* ---- registers ------------------------------------------------------- */

static struct sim_queue *selq(struct sim_dev *d, const char *reg)
{
	if (!d->queue_sel_set)
		sim_violation("%s accessed before QueueSel was written", reg);
	if (d->queue_sel >= SIM_MAX_QUEUES)
		return NULL;
	return &d->q[d->queue_sel];
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
	struct sim_dev *d = find(addr);
	uint32_t off = (uint32_t)(addr - d->base);
	struct sim_queue *q;

	d->reg_accesses++;
	if (off < sizeof(d->touched))
		d->touched[off] = 1;
	if (off >= VIRTIO_MMIO_CONFIG)
		return config_read(d, off - VIRTIO_MMIO_CONFIG, width);
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
	if (sim_has(d, VIRTIO_F_NOTIFICATION_DATA)) {
		extern void sim_ring_check_notify_data(struct sim_dev *, unsigned, uint32_t);
		sim_ring_check_notify_data(d, qi, v);
	}
	q->kicked = true;
	if (d->mode == SIM_SYNC)
		sim_process_queue(d, qi);
}

void sim_mmio_write(uintptr_t addr, unsigned width, uint32_t v)
{
	if (sim_mmio_hook && sim_mmio_hook(addr, width, true, &v))
		return;
	struct sim_dev *d = find(addr);
	uint32_t off = (uint32_t)(addr - d->base);
	struct sim_queue *q;

	d->reg_accesses++;
	if (off < sizeof(d->touched))
		d->touched[off] = 1;
	if (off >= VIRTIO_MMIO_CONFIG) {
		config_write(d, off - VIRTIO_MMIO_CONFIG, width, v);
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
		q = selq(d, "QueueNum");
		if (!q || q->max == 0) {
			sim_violation("QueueNum written for absent queue %u", d->queue_sel);
			return;
		}
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
		q = selq(d, "QueuePFN");
		if (!q || q->max == 0) {
			sim_violation("QueuePFN written for absent queue %u", d->queue_sel);
			return;
		}
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
		q = selq(d, "QueueReady");
		if (!q || q->max == 0) {
			sim_violation("QueueReady written for absent queue %u", d->queue_sel);
			return;
		}
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
				d->complete_on_ack -= sim_complete(d, qi, d->complete_on_ack);
			}
		}
		return;
	case VIRTIO_MMIO_STATUS:
		status_write(d, v);
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

/* ---- processing ------------------------------------------------------ */

static bool live(struct sim_dev *d)
{
	return (d->status & VIRTIO_STATUS_DRIVER_OK) &&
	       !(d->status & (VIRTIO_STATUS_FAILED | VIRTIO_STATUS_DEVICE_NEEDS_RESET));
}

unsigned sim_process_queue(struct sim_dev *d, unsigned qi)
{
	struct sim_queue *q = &d->q[qi];
	if (!live(d) || !q->ready || q->halted)
		return 0;
	sim_consume(d, qi);
	return sim_complete(d, qi, d->complete_limit);
}

unsigned sim_process(struct sim_dev *d)
{
	unsigned n = 0;
	for (unsigned qi = 0; qi < SIM_MAX_QUEUES; qi++)
		if (d->q[qi].ready)
			n += sim_process_queue(d, qi);
	return n;
}

void sim_raise_config(struct sim_dev *d)
{
	d->int_status |= VIRTIO_INT_CONFIG;
	d->config_interrupts++;
	d->interrupts++;
}

void sim_set_needs_reset(struct sim_dev *d)
{
	d->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	if (d->status & VIRTIO_STATUS_DRIVER_OK)
		sim_raise_config(d);
}

/* ---- time ------------------------------------------------------------ */

uint64_t sim_time_read(void)
{
	/* A library that polls the clock without ever relaxing would hang
	 * the simulated time: let it advance anyway, and say so once. */
	if (++time_reads_since_relax > 100000) {
		if (!warned_spin) {
			warned_spin = true;
			fprintf(stderr, "note: the library polls virtio_time_ns() without virtio_relax()\n");
		}
		sim_clock_ns += 1000;
	}
	return sim_clock_ns;
}

void sim_relax(void)
{
	sim_clock_ns += 1000;
	time_reads_since_relax = 0;
	for (unsigned i = 0; i < SIM_MAX_DEVS; i++) {
		struct sim_dev *d = &devs[i];
		if (!d->in_use)
			continue;
		d->relax_count++;
		if (d->needs_reset_after_relax && d->relax_count == d->needs_reset_after_relax)
			sim_set_needs_reset(d);
		if (d->mode == SIM_DEFERRED && d->relax_period &&
		    d->relax_count % d->relax_period == 0)
			sim_process(d);
	}
}
