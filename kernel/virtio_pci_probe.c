/*
 * Probing virtio-pci functions (see virtio_pci_probe.h).
 *
 * The library reads config space through an accessor whose ctx is the
 * struct pci_func of kernel/pci.c (static storage, like the struct
 * virtio_pci objects here: both must outlive the probe).  Interrupts are
 * INTx on the PLIC line the device tree's interrupt-map gives; several
 * functions may share one line (plic.c calls every handler).
 */
#include "kernel/virtio_pci_probe.h"

#include "kernel/pci.h"
#include "kernel/virtio_probe.h"
#include "lib/printf.h"
#include "virtio/errors.h"
#include "virtio/pci.h"

#define MAX_VIRTIO_PCI 16

static struct virtio_pci pci_devs[MAX_VIRTIO_PCI];
static unsigned n_pci_devs;

static uint8_t acc_read8(void *ctx, uint32_t off) { return pci_cfg_read8(ctx, off); }
static uint16_t acc_read16(void *ctx, uint32_t off) { return pci_cfg_read16(ctx, off); }
static uint32_t acc_read32(void *ctx, uint32_t off) { return pci_cfg_read32(ctx, off); }
static void acc_write8(void *ctx, uint32_t off, uint8_t v) { pci_cfg_write8(ctx, off, v); }
static void acc_write16(void *ctx, uint32_t off, uint16_t v) { pci_cfg_write16(ctx, off, v); }
static void acc_write32(void *ctx, uint32_t off, uint32_t v) { pci_cfg_write32(ctx, off, v); }

static bool is_virtio(const struct pci_func *f)
{
	return f->vendor == VIRTIO_PCI_VENDOR_ID && f->device >= VIRTIO_PCI_DEVICE_ID_FIRST &&
	       f->device <= VIRTIO_PCI_DEVICE_ID_LAST && f->header_type == PCI_HEADER_NORMAL;
}

static void probe_func(const struct pci_func *f)
{
	char where[64];
	const char *kind = f->device >= VIRTIO_PCI_DEVICE_ID_MODERN ? "modern" : "transitional";

	ksnprintf(where, sizeof(where), "virtio-pci %s %02x:%02x.%u irq %u", kind, f->bus,
		  f->dev, f->fn, (unsigned)f->irq);
	if (n_pci_devs == MAX_VIRTIO_PCI) {
		kprintf("%s: more than %u virtio-pci functions; ignored\n", where, MAX_VIRTIO_PCI);
		return;
	}

	struct virtio_pci_config_access acc = {
		.read8 = acc_read8, .read16 = acc_read16, .read32 = acc_read32,
		.write8 = acc_write8, .write16 = acc_write16, .write32 = acc_write32,
		.ctx = (void *)f, /* the accessors only read through it */
	};
	struct virtio_pci_bar bars[6];
	for (unsigned i = 0; i < 6; i++)
		bars[i] = (struct virtio_pci_bar){ f->bar[i].cpu, f->bar[i].size };

	struct virtio_pci *p = &pci_devs[n_pci_devs];
	int rc = virtio_pci_probe(p, &acc, bars);
	if (rc == VIRTIO_ENOTSUP) {
		kprintf("%s: legacy-only virtio-pci device not supported (%04x:%04x has no "
			"virtio capabilities; try disable-legacy=on or a transitional device)\n",
			where, f->vendor, f->device);
		return;
	}
	if (rc) {
		kprintf("%s: %04x:%04x: %s\n", where, f->vendor, f->device, virtio_strerror(rc));
		return;
	}
	if (!f->bars_ok) {
		kprintf("%s: not every BAR got an address; not used\n", where);
		return;
	}
	if (f->irq == 0) {
		kprintf("%s: no INTx route in the device tree's interrupt-map; not used\n", where);
		return;
	}
	n_pci_devs++;
	virtio_attach(&p->vdev, where, f->irq);
}

void virtio_pci_probe_all(void)
{
	if (pci_init() < 0)
		return; /* no PCI host bridge in the device tree */
	for (unsigned i = 0; i < pci_count(); i++) {
		const struct pci_func *f = pci_get(i);
		if (is_virtio(f))
			probe_func(f);
	}
}
