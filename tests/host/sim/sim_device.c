/*
 * The simulated virtio-mmio device: the devices and their reset, device
 * status (§2.1, §3.1) with the feature negotiation it closes (§2.2),
 * configuration space with its generation counter (§2.5), violations,
 * DMA-region checks, processing modes, interrupts and simulated time.
 * The register window that leads here is in sim_mmio.c, the ring engines
 * are in sim_ring.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"
#include "harness/unit.h"
#include "virtio/mmio.h"
#include "virtio/spec.h"

static struct sim_dev devs[SIM_MAX_DEVS];
uint64_t sim_clock_ns;
void (*sim_cache_hook)(enum sim_cache_op op, const void *p, size_t n);
void (*sim_barrier_hook)(enum sim_barrier b);

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

/* §3.3.1: a buffer goes back to its owner only once no live queue holds it.
 * Called when the driver hands a buffer back (a request completes, a read
 * returns): any chain the device took and still holds that covers a byte
 * of it is a violation. */
void sim_dma_check_released(const void *p, size_t n, const char *what)
{
	uint64_t a = (uintptr_t)p;
	for (unsigned i = 0; i < SIM_MAX_DEVS; i++) {
		for (unsigned qi = 0; qi < SIM_MAX_QUEUES; qi++) {
			struct sim_queue *q = &devs[i].q[qi];
			for (unsigned k = 0; k < q->npending; k++) {
				struct sim_chain *c = q->pending[k];
				for (uint32_t s = 0; s < c->nseg; s++) {
					const struct sim_seg *g = &c->seg[s];
					if (g->addr < a + n && a < g->addr + g->len) {
						sim_violation("%s [0x%llx, +%zu) handed back while the device "
							      "still holds it (queue %u, chain id %u, §3.3.1)",
							      what, (unsigned long long)a, n, qi, c->id);
						return;
					}
				}
			}
		}
	}
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
	sim_barrier_hook = NULL;
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

struct sim_dev *sim_dev_at(uintptr_t addr)
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

void sim_status_write(struct sim_dev *d, uint32_t v32)
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
		/* Still resetting: reads the old value.  A status that was
		 * already 0 reads 0 at once, which means "done" (§2.4.2). */
		if (d->reset_delay && old != 0) {
			d->reset_countdown = d->reset_delay;
			d->status = old;
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
			if (!d->behind_pci && sim_has(d, VIRTIO_F_NOTIF_CONFIG_DATA))
				sim_violation("NOTIF_CONFIG_DATA accepted on virtio-mmio: it is PCI's (§4.1.5.2)");
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

uint32_t sim_config_read(struct sim_dev *d, uint32_t off, unsigned width)
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
	if (d->on_config_read)
		d->on_config_read(d, off, width);
	return v;
}

void sim_config_write(struct sim_dev *d, uint32_t off, unsigned width, uint32_t v)
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
	if (d->holds && d->holds(d, qi))
		return 0;
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
