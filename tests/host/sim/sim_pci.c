/*
 * The simulated virtio-pci function (see sim_pci.h): config space with a
 * capability list (§4.1.4), and the common (§4.1.4.3), notify (§4.1.4.4),
 * ISR (§4.1.4.5) and device (§4.1.4.6) structures in one memory BAR,
 * replayed onto a simulated virtio-mmio device.
 */
#include <string.h>

#include "sim/sim_pci.h"
#include "harness/unit.h"
#include "virtio/mmio.h"
#include "virtio/spec.h"

static struct sim_pci pool[SIM_MAX_DEVS];

/* ---- the virtio-mmio device behind ---------------------------------- */

static uint32_t mrd(struct sim_pci *p, uint32_t reg)
{
	return sim_mmio_read(p->dev->base + reg, 4);
}
static void mwr(struct sim_pci *p, uint32_t reg, uint32_t v)
{
	sim_mmio_write(p->dev->base + reg, 4, v);
}

/* ---- config space ----------------------------------------------------- */

static uint32_t cfg_read(struct sim_pci *p, uint32_t off, unsigned width)
{
	p->cfg_reads++;
	if (off % width) {
		sim_violation("PCI config read of width %u at 0x%x: not aligned", width, off);
		return 0;
	}
	if (off >= 0x1000) {
		sim_violation("PCI config read at 0x%x: outside the 4 KiB config space", off);
		return 0;
	}
	uint32_t v = 0;
	for (unsigned i = 0; i < width; i++)
		if (off + i < sizeof(p->cfg))
			v |= (uint32_t)p->cfg[off + i] << (8 * i);
	return v;
}

static void cfg_write(struct sim_pci *p, uint32_t off, unsigned width, uint32_t v)
{
	p->cfg_writes++;
	sim_violation("PCI config space written (0x%x at 0x%x, width %u): the driver must not "
		      "write capabilities (§4.1.4)", v, off, width);
}

static uint8_t acc_read8(void *ctx, uint32_t off) { return (uint8_t)cfg_read(ctx, off, 1); }
static uint16_t acc_read16(void *ctx, uint32_t off) { return (uint16_t)cfg_read(ctx, off, 2); }
static uint32_t acc_read32(void *ctx, uint32_t off) { return cfg_read(ctx, off, 4); }
static void acc_write8(void *ctx, uint32_t off, uint8_t v) { cfg_write(ctx, off, 1, v); }
static void acc_write16(void *ctx, uint32_t off, uint16_t v) { cfg_write(ctx, off, 2, v); }
static void acc_write32(void *ctx, uint32_t off, uint32_t v) { cfg_write(ctx, off, 4, v); }

static void put16(struct sim_pci *p, unsigned off, uint16_t v)
{
	p->cfg[off] = (uint8_t)v;
	p->cfg[off + 1] = (uint8_t)(v >> 8);
}

static unsigned cap_alloc(struct sim_pci *p, uint8_t id, unsigned len)
{
	unsigned pos = p->cap_free;
	if (pos + len > sizeof(p->cfg))
		FAIL("sim_pci: no room for a %u-byte capability", len);
	p->cap_free = (uint16_t)((pos + len + 3) & ~3u);
	memset(&p->cfg[pos], 0, len);
	p->cfg[pos] = id;
	if (p->last_cap)
		p->cfg[p->last_cap + 1] = (uint8_t)pos;
	else
		p->cfg[VIRTIO_PCI_CFG_CAP_PTR] = (uint8_t)pos;
	p->cfg[VIRTIO_PCI_CFG_STATUS] |= VIRTIO_PCI_STATUS_CAP_LIST;
	p->last_cap = (uint8_t)pos;
	return pos;
}

unsigned sim_pci_add_raw_cap(struct sim_pci *p, uint8_t id, unsigned len)
{
	return cap_alloc(p, id, len < 2 ? 2 : len);
}

unsigned sim_pci_add_cap(struct sim_pci *p, uint8_t cfg_type, uint8_t bar, uint32_t offset,
			 uint32_t length)
{
	unsigned len = cfg_type == VIRTIO_PCI_CAP_NOTIFY_CFG || cfg_type == VIRTIO_PCI_CAP_PCI_CFG
			       ? 20 : 16;
	unsigned pos = cap_alloc(p, VIRTIO_PCI_CAP_ID_VNDR, len);
	p->cfg[pos + VIRTIO_PCI_CAP_LEN] = (uint8_t)len;
	p->cfg[pos + VIRTIO_PCI_CAP_CFG_TYPE] = cfg_type;
	p->cfg[pos + VIRTIO_PCI_CAP_BAR] = bar;
	sim_pci_put32(p, pos + VIRTIO_PCI_CAP_OFFSET, offset);
	sim_pci_put32(p, pos + VIRTIO_PCI_CAP_LENGTH, length);
	if (cfg_type == VIRTIO_PCI_CAP_NOTIFY_CFG)
		sim_pci_put32(p, pos + VIRTIO_PCI_NOTIFY_CAP_MULT, p->notify_mult);
	return pos;
}

void sim_pci_add_default_caps(struct sim_pci *p)
{
	uint32_t notify_len = 4;
	for (unsigned q = 0; q < SIM_MAX_QUEUES; q++) {
		uint32_t end = p->notify_off[q] * p->notify_mult + 4;
		if (q < p->num_queues && end > notify_len)
			notify_len = end;
	}
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_COMMON_CFG, p->bar, SIM_PCI_COMMON_OFF, SIM_PCI_COMMON_LEN);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_NOTIFY_CFG, p->bar, SIM_PCI_NOTIFY_OFF, notify_len);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_ISR_CFG, p->bar, SIM_PCI_ISR_OFF, 1);
	if (p->dev->config_len)
		sim_pci_add_cap(p, VIRTIO_PCI_CAP_DEVICE_CFG, p->bar, SIM_PCI_DEVICE_OFF,
				p->dev->config_len);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_PCI_CFG, 0, 0, 0);
}

/* ---- common configuration --------------------------------------------- */

static const struct { uint8_t off, width; bool ro; const char *name; } fields[] = {
	{ 0x00, 4, false, "device_feature_select" },
	{ 0x04, 4, true, "device_feature" },
	{ 0x08, 4, false, "driver_feature_select" },
	{ 0x0c, 4, false, "driver_feature" },
	{ 0x10, 2, false, "config_msix_vector" },
	{ 0x12, 2, true, "num_queues" },
	{ 0x14, 1, false, "device_status" },
	{ 0x15, 1, true, "config_generation" },
	{ 0x16, 2, false, "queue_select" },
	{ 0x18, 2, false, "queue_size" },
	{ 0x1a, 2, false, "queue_msix_vector" },
	{ 0x1c, 2, false, "queue_enable" },
	{ 0x1e, 2, true, "queue_notify_off" },
	{ 0x20, 4, false, "queue_desc (low)" },
	{ 0x24, 4, false, "queue_desc (high)" },
	{ 0x28, 4, false, "queue_driver (low)" },
	{ 0x2c, 4, false, "queue_driver (high)" },
	{ 0x30, 4, false, "queue_device (low)" },
	{ 0x34, 4, false, "queue_device (high)" },
	{ 0x38, 2, true, "queue_notif_config_data" },
	{ 0x3a, 2, false, "queue_reset" },
	{ 0x3c, 2, true, "admin_queue_index" },
	{ 0x3e, 2, true, "admin_queue_num" },
};

static int field(uint32_t off, unsigned width, bool write)
{
	for (unsigned i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (fields[i].off != off)
			continue;
		if (fields[i].width != width) {
			sim_violation("common cfg %s %s with width %u (it is %u bits)",
				      fields[i].name, write ? "written" : "read", width,
				      8u * fields[i].width);
			return -1;
		}
		if (write && fields[i].ro) {
			sim_violation("common cfg %s is read-only", fields[i].name);
			return -1;
		}
		return (int)i;
	}
	sim_violation("common cfg access at 0x%x (width %u): not a field", off, width);
	return -1;
}

/* The selected queue, or NULL when the device has none there. */
static struct sim_queue *selq(struct sim_pci *p)
{
	if (p->queue_sel >= SIM_MAX_QUEUES || p->queue_sel >= p->num_queues)
		return NULL;
	mwr(p, VIRTIO_MMIO_QUEUE_SEL, p->queue_sel);
	return &p->dev->q[p->queue_sel];
}

static uint16_t vector_accept(struct sim_pci *p, uint32_t v)
{
	if (v != VIRTIO_PCI_NO_VECTOR && v >= p->msix_vectors && p->msix_accept_any)
		return (uint16_t)v;
	return v < p->msix_vectors && !p->msix_refuse ? (uint16_t)v : VIRTIO_PCI_NO_VECTOR;
}

static void pci_reset_state(struct sim_pci *p)
{
	p->dfselect = p->gfselect = 0;
	p->queue_sel = 0;
	p->config_vector = VIRTIO_PCI_NO_VECTOR;
	for (unsigned q = 0; q < SIM_MAX_QUEUES; q++) {
		p->qsize[q] = 0;
		p->qvector[q] = VIRTIO_PCI_NO_VECTOR;
	}
}

static uint32_t common_read(struct sim_pci *p, uint32_t off, unsigned width)
{
	if (field(off, width, false) < 0)
		return 0;
	struct sim_queue *q;
	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		return p->dfselect;
	case VIRTIO_PCI_COMMON_DF:
		mwr(p, VIRTIO_MMIO_DEVICE_FEATURES_SEL, p->dfselect);
		return mrd(p, VIRTIO_MMIO_DEVICE_FEATURES);
	case VIRTIO_PCI_COMMON_GFSELECT:
		return p->gfselect;
	case VIRTIO_PCI_COMMON_GF:
		return p->gfselect < 2 ? (uint32_t)(p->dev->driver_features >> (32 * p->gfselect)) : 0;
	case VIRTIO_PCI_COMMON_MSIX:
		return p->config_vector;
	case VIRTIO_PCI_COMMON_NUMQ:
		return p->num_queues;
	case VIRTIO_PCI_COMMON_STATUS:
		return mrd(p, VIRTIO_MMIO_STATUS) & 0xff;
	case VIRTIO_PCI_COMMON_CFGGENERATION:
		return mrd(p, VIRTIO_MMIO_CONFIG_GENERATION) & 0xff;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		return p->queue_sel;
	}
	q = selq(p);
	switch (off) {
	case VIRTIO_PCI_COMMON_Q_SIZE:
		return !q ? 0 : p->qsize[p->queue_sel] ? p->qsize[p->queue_sel] : q->max;
	case VIRTIO_PCI_COMMON_Q_MSIX:
		return q ? p->qvector[p->queue_sel] : VIRTIO_PCI_NO_VECTOR;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		return q ? mrd(p, VIRTIO_MMIO_QUEUE_READY) : 0;
	case VIRTIO_PCI_COMMON_Q_NOFF:
		return q ? p->notify_off[p->queue_sel] : 0;
	case VIRTIO_PCI_COMMON_Q_DESCLO: return q ? (uint32_t)q->desc : 0;
	case VIRTIO_PCI_COMMON_Q_DESCHI: return q ? (uint32_t)(q->desc >> 32) : 0;
	case VIRTIO_PCI_COMMON_Q_AVAILLO: return q ? (uint32_t)q->driver : 0;
	case VIRTIO_PCI_COMMON_Q_AVAILHI: return q ? (uint32_t)(q->driver >> 32) : 0;
	case VIRTIO_PCI_COMMON_Q_USEDLO: return q ? (uint32_t)q->device : 0;
	case VIRTIO_PCI_COMMON_Q_USEDHI: return q ? (uint32_t)(q->device >> 32) : 0;
	case VIRTIO_PCI_COMMON_Q_NDATA:
		/* §4.1.4.3: the field exists only with the feature. */
		if (!sim_has(p->dev, VIRTIO_F_NOTIF_CONFIG_DATA))
			sim_violation("queue_notif_config_data read without NOTIF_CONFIG_DATA");
		return q ? p->notif_data[p->queue_sel] : 0;
	default:
		return 0; /* queue_reset, admin queue: all 0 here */
	}
}

static void common_write(struct sim_pci *p, uint32_t off, unsigned width, uint32_t v)
{
	if (field(off, width, true) < 0)
		return;
	struct sim_queue *q;
	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		p->dfselect = v;
		return;
	case VIRTIO_PCI_COMMON_GFSELECT:
		p->gfselect = v;
		return;
	case VIRTIO_PCI_COMMON_GF:
		mwr(p, VIRTIO_MMIO_DRIVER_FEATURES_SEL, p->gfselect);
		mwr(p, VIRTIO_MMIO_DRIVER_FEATURES, v);
		return;
	case VIRTIO_PCI_COMMON_MSIX:
		p->config_vector = vector_accept(p, v);
		return;
	case VIRTIO_PCI_COMMON_STATUS:
		if (v == 0)
			pci_reset_state(p);
		mwr(p, VIRTIO_MMIO_STATUS, v);
		return;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		p->queue_sel = (uint16_t)v;
		return;
	case 0x3a:
		sim_violation("queue_reset written without RING_RESET negotiated");
		return;
	}
	q = selq(p);
	if (!q) {
		sim_violation("common cfg 0x%02x written for queue %u, which does not exist", off,
			      p->queue_sel);
		return;
	}
	switch (off) {
	case VIRTIO_PCI_COMMON_Q_SIZE:
		if (q->ready)
			sim_violation("queue_size written while queue %u is enabled", p->queue_sel);
		if (v == 0)
			sim_violation("queue_size 0 written (§4.1.4.3.2)");
		if (!sim_has(p->dev, VIRTIO_F_RING_PACKED) && (v & (v - 1)))
			sim_violation("queue_size %u is not a power of 2 for a split ring", v);
		if (v > q->max)
			sim_violation("queue_size %u above the maximum %u", v, q->max);
		p->qsize[p->queue_sel] = (uint16_t)v;
		mwr(p, VIRTIO_MMIO_QUEUE_NUM, v);
		return;
	case VIRTIO_PCI_COMMON_Q_MSIX:
		p->qvector[p->queue_sel] = vector_accept(p, v);
		return;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		if (v != 1) {
			sim_violation("queue_enable written with %u (only 1 is allowed, §4.1.4.3.2)", v);
			return;
		}
		if (!p->qsize[p->queue_sel]) /* never written: the device's size */
			mwr(p, VIRTIO_MMIO_QUEUE_NUM, q->max);
		mwr(p, VIRTIO_MMIO_QUEUE_READY, 1);
		return;
	default: /* the six address halves */
		mwr(p, VIRTIO_MMIO_QUEUE_DESC_LOW + (off - VIRTIO_PCI_COMMON_Q_DESCLO) / 8 * 0x10 +
			       (off & 4),
		    v);
		return;
	}
}

/* ---- notify, ISR, device ----------------------------------------------- */

static void notify_write(struct sim_pci *p, uint32_t off, unsigned width, uint32_t v)
{
	bool data = sim_has(p->dev, VIRTIO_F_NOTIFICATION_DATA);
	unsigned qi = v & 0xffff;

	if (sim_has(p->dev, VIRTIO_F_NOTIF_CONFIG_DATA)) {
		/* §4.1.5.2: the queue's queue_notif_config_data, not its index. */
		unsigned q = 0;
		while (q < p->num_queues && q < SIM_MAX_QUEUES && p->notif_data[q] != qi)
			q++;
		if (q == p->num_queues || q == SIM_MAX_QUEUES) {
			sim_violation("doorbell value 0x%x: no queue has that queue_notif_config_data", v);
			return;
		}
		qi = q;
		v = (v & 0xffff0000u) | q; /* what the device behind understands */
	}

	p->notify_width = width;
	p->notify_at = off;
	if (width != (data ? 4u : 2u))
		sim_violation("doorbell written with width %u (%s NOTIFICATION_DATA: %u)", width,
			      data ? "with" : "without", data ? 4 : 2);
	if (off % width)
		sim_violation("doorbell at 0x%x written with width %u: not aligned", off, width);
	if (qi >= p->num_queues || qi >= SIM_MAX_QUEUES) {
		sim_violation("doorbell value 0x%x: no queue %u", v, qi);
		return;
	}
	if ((uint32_t)p->notify_off[qi] * p->notify_mult != off)
		sim_violation("queue %u notified at offset 0x%x; its doorbell is at 0x%x", qi, off,
			      p->notify_off[qi] * p->notify_mult);
	p->notifies[qi]++;
	mwr(p, VIRTIO_MMIO_QUEUE_NOTIFY, v);
}

static uint32_t isr_read(struct sim_pci *p, uint32_t off, unsigned width)
{
	if (off != 0 || width != 1) {
		sim_violation("ISR read at +%u with width %u (one byte)", off, width);
		return 0;
	}
	p->isr_reads++;
	uint32_t v = mrd(p, VIRTIO_MMIO_INTERRUPT_STATUS);
	if (v) /* reading the ISR clears it */
		mwr(p, VIRTIO_MMIO_INTERRUPT_ACK, v);
	return v;
}

/* ---- BAR dispatch ------------------------------------------------------ */

static struct sim_pci *owner(uintptr_t addr, unsigned *bar, uint64_t *off)
{
	if (addr < SIM_PCI_BASE)
		return NULL;
	uintptr_t rel = addr - SIM_PCI_BASE;
	unsigned i = (unsigned)(rel / SIM_PCI_FUNC_SPAN);
	if (i >= SIM_MAX_DEVS || !pool[i].dev)
		return NULL;
	*bar = (unsigned)(rel % SIM_PCI_FUNC_SPAN / SIM_PCI_BAR_SPAN);
	*off = rel % SIM_PCI_BAR_SPAN;
	return *bar < 6 ? &pool[i] : NULL;
}

static bool hook(uintptr_t addr, unsigned width, bool write, uint32_t *v)
{
	unsigned bar;
	uint64_t off;
	struct sim_pci *p = owner(addr, &bar, &off);
	if (!p)
		return false;
	p->bar_accesses++;
	if (bar != p->bar || off + width > p->bar_size) {
		sim_violation("BAR%u +0x%llx %s: nothing the capabilities point at", bar,
			      (unsigned long long)off, write ? "written" : "read");
		*v = 0;
		return true;
	}
	uint32_t o = (uint32_t)(off % SIM_PCI_STRUCT_SPAN);
	switch (off / SIM_PCI_STRUCT_SPAN) {
	case SIM_PCI_COMMON_OFF / SIM_PCI_STRUCT_SPAN:
		if (write)
			common_write(p, o, width, *v);
		else
			*v = common_read(p, o, width);
		return true;
	case SIM_PCI_ISR_OFF / SIM_PCI_STRUCT_SPAN:
		if (write)
			sim_violation("ISR written");
		else
			*v = isr_read(p, o, width);
		return true;
	case SIM_PCI_DEVICE_OFF / SIM_PCI_STRUCT_SPAN:
		if (write)
			sim_mmio_write(p->dev->base + VIRTIO_MMIO_CONFIG + o, width, *v);
		else
			*v = sim_mmio_read(p->dev->base + VIRTIO_MMIO_CONFIG + o, width);
		return true;
	case SIM_PCI_NOTIFY_OFF / SIM_PCI_STRUCT_SPAN:
		if (write)
			notify_write(p, o, width, *v);
		else
			sim_violation("doorbell read at +0x%x", o);
		return true;
	default:
		sim_violation("BAR%u +0x%llx: past the structures", bar, (unsigned long long)off);
		*v = 0;
		return true;
	}
}

/* ---- creation ----------------------------------------------------------- */

struct sim_pci *sim_pci_new(struct sim_dev *d, const struct sim_pci_opts *o)
{
	static const struct sim_pci_opts none = { 0 };
	if (!o)
		o = &none;
	if (d->version != 2)
		FAIL("sim_pci: the device behind must be modern (version 2)");
	if (!sim_mmio_hook) /* a new case: forget the last one's functions */
		memset(pool, 0, sizeof(pool));
	sim_mmio_hook = hook;

	unsigned slot = (unsigned)((d->base - SIM_BASE) / SIM_WINDOW);
	struct sim_pci *p = &pool[slot];
	memset(p, 0, sizeof(*p));
	p->dev = d;
	p->bar = o->bar ? o->bar : 4;
	p->bar_size = o->bar_size ? o->bar_size : 0x4000;
	p->notify_mult = o->notify_mult_zero ? 0 : o->notify_mult ? o->notify_mult : 4;
	p->num_queues = o->num_queues ? o->num_queues : (uint16_t)d->nqueues;
	p->msix_vectors = o->msix_vectors;
	p->cap_free = 0x40;
	for (unsigned q = 0; q < SIM_MAX_QUEUES; q++) {
		p->notify_off[q] = (uint16_t)q;
		p->notif_data[q] = (uint16_t)(0x4000 + q);
	}
	d->behind_pci = true;
	pci_reset_state(p);

	uint16_t vendor = o->vendor_id ? o->vendor_id : VIRTIO_PCI_VENDOR_ID;
	put16(p, VIRTIO_PCI_CFG_VENDOR_ID, vendor);
	put16(p, VIRTIO_PCI_CFG_DEVICE_ID,
	      o->device_id ? o->device_id : (uint16_t)(VIRTIO_PCI_DEVICE_ID_MODERN + d->device_id));
	p->cfg[VIRTIO_PCI_CFG_REVISION] = 1;
	p->cfg[0x0b] = 0x01; /* class: mass storage, for the look of it */
	put16(p, 0x2c, vendor);
	put16(p, VIRTIO_PCI_CFG_SUBSYS_ID, o->subsys_id ? o->subsys_id : (uint16_t)d->device_id);
	p->cfg[0x3d] = 1; /* INTA */

	/* BAR1: a small MSI-X table BAR like QEMU's; the structures' BAR. */
	uintptr_t base = SIM_PCI_BASE + slot * SIM_PCI_FUNC_SPAN;
	p->bars[1] = (struct virtio_pci_bar){ base + 1 * SIM_PCI_BAR_SPAN, 0x1000 };
	p->bars[p->bar] = (struct virtio_pci_bar){ base + p->bar * SIM_PCI_BAR_SPAN, p->bar_size };
	if (p->bar_size > SIM_PCI_BAR_SPAN)
		FAIL("sim_pci: BAR of 0x%llx bytes is larger than its window",
		     (unsigned long long)p->bar_size);

	p->acc = (struct virtio_pci_config_access){
		.read8 = acc_read8, .read16 = acc_read16, .read32 = acc_read32,
		.write8 = acc_write8, .write16 = acc_write16, .write32 = acc_write32,
		.ctx = p,
	};

	if (o->bare)
		return p;
	sim_pci_add_raw_cap(p, 0x01, 8); /* power management: not ours */
	if (o->msix_vectors) {
		unsigned pos = sim_pci_add_raw_cap(p, VIRTIO_PCI_CAP_ID_MSIX, 12);
		put16(p, pos + 2, (uint16_t)(o->msix_vectors - 1));
	}
	if (!o->legacy_only)
		sim_pci_add_default_caps(p);
	return p;
}
