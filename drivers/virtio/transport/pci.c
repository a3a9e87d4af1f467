/*
 * virtio-pci transport, modern interface (§4.1).
 *
 * Config space is only read (IDs and the capability list), through the
 * embedder's accessor.  Everything else goes through the BARs with the
 * platform's MMIO hooks, at each field's natural width (§4.1.3).
 */
#include "virtio/errors.h"
#include "virtio/pci.h"
#include "virtio/wire/ring.h"
#include "virtio/platform.h"

#include "transport_internal.h"

/* Capabilities live in the first 256 bytes of config space, after the
 * 64-byte header, on 4-byte boundaries: at most 48 of them. */
#define CAP_FIRST 0x40u
#define CAP_END   0x100u
#define CAP_MAX   ((CAP_END - CAP_FIRST) / 4u)

static inline struct virtio_pci *to_pci(struct virtio_device *d)
{
	return (struct virtio_pci *)d; /* vdev is the first member */
}

/* ---- common configuration ------------------------------------------- */

static inline uint8_t c_rd8(struct virtio_pci *p, uint32_t off)
{
	return virtio_mmio_read8(p->common.addr + off);
}
static inline uint16_t c_rd16(struct virtio_pci *p, uint32_t off)
{
	return virtio_mmio_read16(p->common.addr + off);
}
static inline uint32_t c_rd32(struct virtio_pci *p, uint32_t off)
{
	return virtio_mmio_read32(p->common.addr + off);
}
static inline void c_wr8(struct virtio_pci *p, uint32_t off, uint8_t v)
{
	virtio_mmio_write8(p->common.addr + off, v);
}
static inline void c_wr16(struct virtio_pci *p, uint32_t off, uint16_t v)
{
	virtio_mmio_write16(p->common.addr + off, v);
}
static inline void c_wr32(struct virtio_pci *p, uint32_t off, uint32_t v)
{
	virtio_mmio_write32(p->common.addr + off, v);
}

static uint8_t pci_get_status(struct virtio_device *d)
{
	return c_rd8(to_pci(d), VIRTIO_PCI_COMMON_STATUS);
}

static bool map_vector(struct virtio_pci *p, uint32_t reg, uint16_t vector);

static void pci_set_status(struct virtio_device *d, uint8_t status)
{
	struct virtio_pci *p = to_pci(d);
	if (status == 0)
		p->notify_valid = 0; /* a reset forgets every queue */
	c_wr8(p, VIRTIO_PCI_COMMON_STATUS, status);
	/* A reset unmapped every event (§4.1.5.1.2): the configuration
	 * vector is mapped again as soon as the features are settled, before
	 * any queue.  A refusal shows at queue set-up, which maps it again. */
	const uint8_t settled = VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK |
				VIRTIO_STATUS_FAILED;
	if ((status & settled) == VIRTIO_STATUS_FEATURES_OK && p->msix_queue_vector != VIRTIO_PCI_NO_VECTOR)
		(void)map_vector(p, VIRTIO_PCI_COMMON_MSIX, p->msix_config_vector);
}

static uint32_t pci_get_features(struct virtio_device *d, unsigned word)
{
	struct virtio_pci *p = to_pci(d);
	c_wr32(p, VIRTIO_PCI_COMMON_DFSELECT, word);
	return c_rd32(p, VIRTIO_PCI_COMMON_DF);
}

static void pci_set_features(struct virtio_device *d, unsigned word, uint32_t v)
{
	struct virtio_pci *p = to_pci(d);
	c_wr32(p, VIRTIO_PCI_COMMON_GFSELECT, word);
	c_wr32(p, VIRTIO_PCI_COMMON_GF, v);
}

/* ---- device configuration ------------------------------------------- */

static bool device_cfg_ok(struct virtio_pci *p, uint32_t off, unsigned width)
{
	return p->device.cap && off <= p->device.len && width <= p->device.len - off;
}

static uint32_t pci_config_read(struct virtio_device *d, uint32_t off, unsigned width)
{
	struct virtio_pci *p = to_pci(d);
	if (!device_cfg_ok(p, off, width))
		return 0; /* outside the structure the device declared */
	return virtio_mmio_read_width(p->device.addr + off, width);
}

static void pci_config_write(struct virtio_device *d, uint32_t off, unsigned width, uint32_t v)
{
	struct virtio_pci *p = to_pci(d);
	if (!device_cfg_ok(p, off, width))
		return;
	virtio_mmio_write_width(p->device.addr + off, width, v);
}

static uint32_t pci_config_generation(struct virtio_device *d)
{
	return c_rd8(to_pci(d), VIRTIO_PCI_COMMON_CFGGENERATION);
}

/* ---- queues ---------------------------------------------------------- */

/* Select `index`; false when the device has no such queue (or the library
 * could not keep its doorbell). */
static bool select_queue(struct virtio_pci *p, uint16_t index)
{
	if (index >= VIRTIO_PCI_MAX_QUEUES || index >= c_rd16(p, VIRTIO_PCI_COMMON_NUMQ))
		return false;
	c_wr16(p, VIRTIO_PCI_COMMON_Q_SELECT, index);
	return true;
}

static uint16_t pci_queue_max(struct virtio_device *d, uint16_t index)
{
	struct virtio_pci *p = to_pci(d);
	if (!select_queue(p, index))
		return 0;
	uint16_t max = c_rd16(p, VIRTIO_PCI_COMMON_Q_SIZE);
	return max > VIRTQ_MAX_SIZE ? VIRTQ_MAX_SIZE : max;
}

static void write64(struct virtio_pci *p, uint32_t low, uint64_t v)
{
	c_wr32(p, low, (uint32_t)v);
	c_wr32(p, low + 4, (uint32_t)(v >> 32));
}

/* Map an event to an MSI-X vector and read it back (§4.1.4.3.2):
 * NO_VECTOR (or any other value) there means the device refused. */
static bool map_vector(struct virtio_pci *p, uint32_t reg, uint16_t vector)
{
	c_wr16(p, reg, vector);
	return c_rd16(p, reg) == vector;
}

/* §4.1.4.3: queue_enable reads 1 once the queue is live. */
static bool pci_queue_live(struct virtio_device *d, uint16_t index)
{
	struct virtio_pci *p = to_pci(d);
	return select_queue(p, index) && c_rd16(p, VIRTIO_PCI_COMMON_Q_ENABLE) != 0;
}

static int pci_queue_enable(struct virtio_device *d, uint16_t index, uint16_t size,
			    const struct virtio_queue_addrs *a)
{
	struct virtio_pci *p = to_pci(d);

	if (!select_queue(p, index))
		return VIRTIO_ENOQUEUE;
	uint16_t max = c_rd16(p, VIRTIO_PCI_COMMON_Q_SIZE);
	if (max == 0)
		return VIRTIO_ENOQUEUE;
	if (size == 0 || size > max)
		return VIRTIO_EINVAL;
	/* §4.1.5.1.3: program a queue that is not live. */
	if (c_rd16(p, VIRTIO_PCI_COMMON_Q_ENABLE) != 0)
		return VIRTIO_EINVAL;

	/* The doorbell must lie inside the notify structure (§4.1.4.4). */
	uint64_t width = virtio_has_feature(d, VIRTIO_F_NOTIFICATION_DATA) ? 4 : 2;
	uint64_t off = (uint64_t)c_rd16(p, VIRTIO_PCI_COMMON_Q_NOFF) * p->notify_off_multiplier;
	if (off > p->notify.len || width > p->notify.len - off)
		return VIRTIO_EBROKEN;
	uintptr_t doorbell = p->notify.addr + (uintptr_t)off;
	if (doorbell & (width - 1))
		return VIRTIO_EBROKEN; /* the store must be naturally aligned */

	c_wr16(p, VIRTIO_PCI_COMMON_Q_SIZE, size); /* may lower the device's max */
	write64(p, VIRTIO_PCI_COMMON_Q_DESCLO, a->desc);
	write64(p, VIRTIO_PCI_COMMON_Q_AVAILLO, a->driver);
	write64(p, VIRTIO_PCI_COMMON_Q_USEDLO, a->device);
	if (p->msix_queue_vector != VIRTIO_PCI_NO_VECTOR) {
		/* The configuration vector too: a re-initialisation after a
		 * reset set it back to NO_VECTOR. */
		if (!map_vector(p, VIRTIO_PCI_COMMON_MSIX, p->msix_config_vector) ||
		    !map_vector(p, VIRTIO_PCI_COMMON_Q_MSIX, p->msix_queue_vector))
			return VIRTIO_ENOTSUP;
	}
	/* §4.1.5.2: with NOTIF_CONFIG_DATA notifications name the queue by
	 * the device's value, which the common structure must then hold. */
	uint16_t data = index;
	if (virtio_has_feature(d, VIRTIO_F_NOTIF_CONFIG_DATA)) {
		if (p->common.len < VIRTIO_PCI_COMMON_Q_NDATA + 2)
			return VIRTIO_EBROKEN;
		data = c_rd16(p, VIRTIO_PCI_COMMON_Q_NDATA);
	}
	p->notify_addr[index] = doorbell;
	p->notify_data[index] = data;
	p->notify_valid |= 1u << index;
	c_wr16(p, VIRTIO_PCI_COMMON_Q_ENABLE, 1);
	return VIRTIO_OK;
}

static void pci_notify(struct virtio_device *d, uint16_t index, uint32_t value)
{
	struct virtio_pci *p = to_pci(d);
	if (index >= VIRTIO_PCI_MAX_QUEUES || !(p->notify_valid & (1u << index)))
		return; /* not enabled: nothing to wake */
	/* §4.1.5.2: 16 bits (the queue index, or its queue_notif_config_data),
	 * or 32 with NOTIFICATION_DATA, that value in the low half. */
	value = (value & 0xffff0000u) | p->notify_data[index];
	if (virtio_has_feature(d, VIRTIO_F_NOTIFICATION_DATA))
		virtio_mmio_write32(p->notify_addr[index], value);
	else
		virtio_mmio_write16(p->notify_addr[index], (uint16_t)value);
}

static uint32_t pci_interrupt_ack(struct virtio_device *d)
{
	struct virtio_pci *p = to_pci(d);
	uint32_t causes;

	if (p->msix_queue_vector != VIRTIO_PCI_NO_VECTOR) {
		/* With MSI-X the ISR is unused (§4.1.4.5): the vector that
		 * fired is the cause.  One vector for both may be either; a
		 * queue vector of its own carries used buffers only, unless
		 * the configuration vector's handler said it fired. */
		if (p->msix_config_vector == p->msix_queue_vector)
			causes = VIRTIO_INT_VRING | VIRTIO_INT_CONFIG;
		else
			causes = p->msix_config_fired ? VIRTIO_INT_CONFIG : VIRTIO_INT_VRING;
		p->msix_config_fired = false;
	} else {
		/* Reading the ISR acknowledges it and deasserts INTx. */
		uint8_t isr = virtio_mmio_read8(p->isr.addr);
		causes = (isr & VIRTIO_PCI_ISR_QUEUE ? VIRTIO_INT_VRING : 0) |
			 (isr & VIRTIO_PCI_ISR_CONFIG ? VIRTIO_INT_CONFIG : 0);
	}
	/* The ISR read before the ring reads that follow. */
	virtio_rmb_io();
	return causes;
}

static const struct virtio_transport_ops pci_ops = {
	.get_status = pci_get_status,
	.set_status = pci_set_status,
	.get_features = pci_get_features,
	.set_features = pci_set_features,
	.config_read = pci_config_read,
	.config_write = pci_config_write,
	.config_generation = pci_config_generation,
	.queue_max = pci_queue_max,
	.queue_live = pci_queue_live,
	.queue_enable = pci_queue_enable,
	.notify = pci_notify,
	.interrupt_ack = pci_interrupt_ack,
	.features = VIRTIO_BIT(VIRTIO_F_NOTIF_CONFIG_DATA),
};

int virtio_pci_use_msix(struct virtio_pci *p, uint16_t config_vector, uint16_t queue_vector)
{
	if (!p || queue_vector == VIRTIO_PCI_NO_VECTOR)
		return VIRTIO_EINVAL;
	if (!p->msix_cap)
		return VIRTIO_ENOTSUP;
	/* §4.1.5.1.2: never a vector outside the function's table. */
	if (queue_vector >= p->msix_vectors ||
	    (config_vector != VIRTIO_PCI_NO_VECTOR && config_vector >= p->msix_vectors))
		return VIRTIO_EINVAL;
	p->msix_config_vector = config_vector;
	p->msix_queue_vector = queue_vector;
	p->msix_config_fired = false;
	/* Before FEATURES_OK the mapping would not outlive the reset that
	 * starts the bring-up: pci_set_status() makes it then. */
	struct virtio_device *d = &p->vdev;
	if ((d->status & (VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_FAILED)) ==
		    VIRTIO_STATUS_FEATURES_OK &&
	    !map_vector(p, VIRTIO_PCI_COMMON_MSIX, config_vector)) {
		p->msix_config_vector = p->msix_queue_vector = VIRTIO_PCI_NO_VECTOR;
		return VIRTIO_ENOTSUP;
	}
	return VIRTIO_OK;
}

void virtio_pci_config_vector_fired(struct virtio_pci *p)
{
	p->msix_config_fired = true;
}

/* ---- probe ----------------------------------------------------------- */

/* Transitional device IDs of §4.1.2.3; any other takes the subsystem ID. */
static uint32_t transitional_virtio_id(uint16_t pci_id, uint16_t subsys)
{
	switch (pci_id) {
	case 0x1000: return 1;  /* network */
	case 0x1001: return 2;  /* block */
	case 0x1002: return 5;  /* traditional balloon */
	case 0x1003: return 3;  /* console */
	case 0x1004: return 8;  /* SCSI host */
	case 0x1005: return 4;  /* entropy */
	case 0x1009: return 9;  /* 9P transport */
	default: return subsys;
	}
}

struct cap_info {
	uint8_t pos, cap_len, cfg_type, bar;
	uint32_t offset, length;
};

/* Whether [offset, offset + length) of `bar` is mapped; overflow-safe. */
static bool region_in_bar(const struct virtio_pci_bar *bars, const struct cap_info *c)
{
	const struct virtio_pci_bar *b = &bars[c->bar];
	return b->size != 0 && c->offset <= b->size && c->length <= b->size - c->offset;
}

/* Take the capability for `r` if it is the first usable one of its type. */
static void take(struct virtio_pci_region *r, const struct virtio_pci_bar *bars,
		 const struct cap_info *c, uint32_t min_len, uint32_t align)
{
	if (r->cap || c->length < min_len || c->offset % align || !region_in_bar(bars, c))
		return;
	*r = (struct virtio_pci_region){
		.addr = bars[c->bar].base + c->offset,
		.len = c->length,
		.bar = c->bar,
		.cap = c->pos,
	};
}

int virtio_pci_probe(struct virtio_pci *p, const struct virtio_pci_config_access *cfg,
		     const struct virtio_pci_bar bars[6])
{
	if (!p || !cfg || !bars || !cfg->read8 || !cfg->read16 || !cfg->read32)
		return VIRTIO_EINVAL;

	void *ctx = cfg->ctx;
	uint16_t vendor = cfg->read16(ctx, VIRTIO_PCI_CFG_VENDOR_ID);
	uint16_t pci_id = cfg->read16(ctx, VIRTIO_PCI_CFG_DEVICE_ID);
	if (vendor != VIRTIO_PCI_VENDOR_ID || pci_id < VIRTIO_PCI_DEVICE_ID_FIRST ||
	    pci_id > VIRTIO_PCI_DEVICE_ID_LAST)
		return VIRTIO_ENODEV;
	bool transitional = pci_id < VIRTIO_PCI_DEVICE_ID_MODERN;
	uint32_t id = transitional
			      ? transitional_virtio_id(pci_id, cfg->read16(ctx, VIRTIO_PCI_CFG_SUBSYS_ID))
			      : pci_id - VIRTIO_PCI_DEVICE_ID_MODERN;
	if (id == 0)
		return VIRTIO_ENODEV;

	*p = (struct virtio_pci){
		.vdev = {
			.ops = &pci_ops,
			.transport_name = transitional ? "virtio-pci transitional"
						       : "virtio-pci modern",
			.device_id = id,
			.legacy = false,
		},
		.cfg = *cfg,
		.pci_device_id = pci_id,
		.transitional = transitional,
		.msix_config_vector = VIRTIO_PCI_NO_VECTOR,
		.msix_queue_vector = VIRTIO_PCI_NO_VECTOR,
	};

	bool any_virtio_cap = false;
	if (cfg->read16(ctx, VIRTIO_PCI_CFG_STATUS) & VIRTIO_PCI_STATUS_CAP_LIST) {
		uint64_t seen = 0; /* one bit per 4-byte slot from 0x40 */
		/* The low two bits of every pointer are reserved: mask them. */
		uint8_t pos = cfg->read8(ctx, VIRTIO_PCI_CFG_CAP_PTR) & 0xfc;
		for (unsigned n = 0; pos != 0; n++) {
			unsigned slot = (pos - CAP_FIRST) / 4u;
			if (pos < CAP_FIRST || n >= CAP_MAX || (seen >> slot) & 1)
				return VIRTIO_EBROKEN; /* out of range, or a loop */
			seen |= 1ull << slot;

			uint8_t cap_id = cfg->read8(ctx, pos + VIRTIO_PCI_CAP_VNDR);
			uint8_t next = cfg->read8(ctx, pos + VIRTIO_PCI_CAP_NEXT) & 0xfc;
			if (cap_id == VIRTIO_PCI_CAP_ID_MSIX && !p->msix_cap) {
				p->msix_cap = pos;
				p->msix_vectors = (uint16_t)((cfg->read16(ctx, pos + VIRTIO_PCI_MSIX_CTRL) &
							      VIRTIO_PCI_MSIX_TABLE_SIZE) + 1);
			}
			if (cap_id != VIRTIO_PCI_CAP_ID_VNDR || (unsigned)pos + VIRTIO_PCI_CAP_SIZE > CAP_END) {
				pos = next;
				continue;
			}
			struct cap_info c = {
				.pos = pos,
				.cap_len = cfg->read8(ctx, pos + VIRTIO_PCI_CAP_LEN),
				.cfg_type = cfg->read8(ctx, pos + VIRTIO_PCI_CAP_CFG_TYPE),
				.bar = cfg->read8(ctx, pos + VIRTIO_PCI_CAP_BAR),
			};
			pos = next;
			if (c.cap_len < VIRTIO_PCI_CAP_SIZE)
				continue; /* not a virtio structure capability */
			any_virtio_cap = true;
			if (c.bar > 5)
				continue; /* reserved BAR value: ignore (§4.1.4) */
			c.offset = cfg->read32(ctx, c.pos + VIRTIO_PCI_CAP_OFFSET);
			c.length = cfg->read32(ctx, c.pos + VIRTIO_PCI_CAP_LENGTH);
			switch (c.cfg_type) {
			case VIRTIO_PCI_CAP_COMMON_CFG:
				take(&p->common, bars, &c, VIRTIO_PCI_COMMON_MIN_LEN, 4);
				break;
			case VIRTIO_PCI_CAP_NOTIFY_CFG:
				if (p->notify.cap || c.cap_len < VIRTIO_PCI_NOTIFY_CAP_SIZE ||
				    (unsigned)c.pos + VIRTIO_PCI_NOTIFY_CAP_SIZE > CAP_END)
					break;
				/* Each queue's doorbell is checked at set-up. */
				take(&p->notify, bars, &c, 2, 2);
				if (p->notify.cap)
					p->notify_off_multiplier =
						cfg->read32(ctx, c.pos + VIRTIO_PCI_NOTIFY_CAP_MULT);
				break;
			case VIRTIO_PCI_CAP_ISR_CFG:
				take(&p->isr, bars, &c, 1, 1);
				break;
			case VIRTIO_PCI_CAP_DEVICE_CFG:
				take(&p->device, bars, &c, 0, 4);
				break;
			case VIRTIO_PCI_CAP_PCI_CFG:
				if (!p->pci_cfg_cap)
					p->pci_cfg_cap = c.pos;
				break;
			default:
				break; /* shared memory, vendor data, reserved: ignore */
			}
		}
	}
	if (!any_virtio_cap)
		return VIRTIO_ENOTSUP; /* legacy-only: the I/O BAR interface */
	if (!p->common.cap || !p->notify.cap || !p->isr.cap)
		return VIRTIO_EBROKEN;
	return VIRTIO_OK;
}
