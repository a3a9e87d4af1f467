/*
 * Probing virtio-pci functions (see virtio_pci_probe.h).
 *
 * The library reads config space through an accessor whose ctx is the
 * struct pci_func of kernel/pci/pci.c (static storage, like the struct
 * virtio_pci objects here: both must outlive the probe).  Interrupts are
 * INTx on the PLIC line the device tree's interrupt-map gives; several
 * functions may share one line (plic.c calls every handler).
 */
#include "kernel/virtio/pci_probe.h"

#include "kernel/errno.h"
#include "kernel/irq/irq.h"
#include "kernel/mmio.h"
#include "kernel/pci/pci.h"
#include "kernel/virtio/kerr.h"
#include "kernel/virtio/probe.h"
#include "lib/printf.h"
#include "virtio/errors.h"
#include "virtio/pci.h"

#define MAX_VIRTIO_PCI 16

/* MSI-X capability (PCI Local Bus 3.0 §6.8.2) and table entries. */
#define MSIX_CTRL          2       /* message control, 16 bits */
#define MSIX_CTRL_ENABLE   0x8000u
#define MSIX_CTRL_MASKALL  0x4000u
#define MSIX_CTRL_SIZE     0x07ffu /* table size - 1 */
#define MSIX_TABLE         4       /* offset | BIR (bits 2:0) */
#define MSIX_ENTRY_BYTES   16
#define MSIX_ENTRY_ADDR_LO 0
#define MSIX_ENTRY_ADDR_HI 4
#define MSIX_ENTRY_DATA    8
#define MSIX_ENTRY_CTRL    12      /* bit 0: masked */

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

/* The virtio device ID of a function (§4.1.2.1): in the PCI device ID of
 * a modern one, in the subsystem ID of a transitional one. */
static uint32_t virtio_id(const struct pci_func *f)
{
	if (f->device >= VIRTIO_PCI_DEVICE_ID_MODERN)
		return f->device - VIRTIO_PCI_DEVICE_ID_MODERN;
	return pci_cfg_read16(f, VIRTIO_PCI_CFG_SUBSYS_ID);
}

/*
 * Points MSI-X vector 0 of f at a fresh MSI and enables MSI-X; then the
 * library maps the configuration and queue events to that vector.  The
 * interrupt number for irq_register(), or 0 when INTx has to do (no MSI
 * controller, no capability, a table outside the BARs, a refusal).
 */
static uint32_t setup_msix(const struct pci_func *f, struct virtio_pci *p, const char *where)
{
	uint8_t cap = p->msix_cap;
	if (!cap || !irq_has_msi())
		return 0;
	uint32_t table = pci_cfg_read32(f, cap + MSIX_TABLE);
	unsigned bir = table & 7u;
	uint64_t off = table & ~7u;
	if (bir > 5 || !f->bar[bir].cpu || f->bar[bir].io ||
	    off + MSIX_ENTRY_BYTES > f->bar[bir].size) {
		kprintf("%s: MSI-X table outside its BAR; using INTx\n", where);
		return 0;
	}
	uint32_t irq, data;
	uint64_t addr;
	if (irq_msi_alloc(&irq, &addr, &data) != 0) {
		kprintf("%s: no free MSI; using INTx\n", where);
		return 0;
	}
	uintptr_t entry = f->bar[bir].cpu + (uintptr_t)off; /* vector 0 */
	uint16_t ctrl = pci_cfg_read16(f, cap + MSIX_CTRL) & ~MSIX_CTRL_SIZE;
	/* Program the entry with the whole function masked, then unmask. */
	pci_cfg_write16(f, cap + MSIX_CTRL, ctrl | MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL);
	mmio_write32(entry + MSIX_ENTRY_ADDR_LO, (uint32_t)addr);
	mmio_write32(entry + MSIX_ENTRY_ADDR_HI, (uint32_t)(addr >> 32));
	mmio_write32(entry + MSIX_ENTRY_DATA, data);
	mmio_write32(entry + MSIX_ENTRY_CTRL, 0);
	pci_cfg_write16(f, cap + MSIX_CTRL, (ctrl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_MASKALL);
	if (virtio_pci_use_msix(p, 0, 0) != VIRTIO_OK) {
		kprintf("%s: the device refused MSI-X vector 0; using INTx\n", where);
		mmio_write32(entry + MSIX_ENTRY_CTRL, 1);
		pci_cfg_write16(f, cap + MSIX_CTRL, ctrl & ~(MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL));
		return 0; /* the identity stays allocated, unused */
	}
	kprintf("%s: msix vector 0 -> eiid %u\n", where, (unsigned)data);
	return irq;
}

static void probe_func(const struct pci_func *f)
{
	char where[64], location[16];
	const char *kind = f->device >= VIRTIO_PCI_DEVICE_ID_MODERN ? "modern" : "transitional";

	ksnprintf(where, sizeof(where), "virtio-pci %s %02x:%02x.%u irq %u", kind, f->bus,
		  f->dev, f->fn, (unsigned)f->irq);
	ksnprintf(location, sizeof(location), "%02x:%02x.%u", f->bus, f->dev, f->fn);
	if (n_pci_devs == MAX_VIRTIO_PCI) {
		kprintf("%s: more than %u virtio-pci functions; ignored\n", where, MAX_VIRTIO_PCI);
		virtio_found_unusable(where, location, virtio_id(f), f->irq, KERR_EFULL);
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
	int rc = kerr_from_virtio(virtio_pci_probe(p, &acc, bars));
	if (rc == KERR_ENOTSUP) {
		kprintf("%s: legacy-only virtio-pci device not supported (%04x:%04x has no "
			"virtio capabilities; try disable-legacy=on or a transitional device)\n",
			where, f->vendor, f->device);
	} else if (rc) {
		kprintf("%s: %04x:%04x: %s\n", where, f->vendor, f->device, kstrerror(rc));
	} else if (!f->bars_ok) {
		kprintf("%s: not every BAR got an address; not used\n", where);
		rc = KERR_ENOMEM;
	}
	if (rc) {
		virtio_found_unusable(where, location, virtio_id(f), f->irq, rc);
		return;
	}
	uint32_t irq = setup_msix(f, p, where);
	if (irq)
		ksnprintf(where, sizeof(where), "virtio-pci %s %02x:%02x.%u msix eiid %u", kind,
			  f->bus, f->dev, f->fn, (unsigned)(irq - IRQ_MSI_BASE));
	else if (f->irq == 0) {
		kprintf("%s: no INTx route in the device tree's interrupt-map; not used\n", where);
		virtio_found_unusable(where, location, virtio_id(f), 0, KERR_ENODEV);
		return;
	} else
		irq = f->irq;
	n_pci_devs++;
	virtio_attach(&p->vdev, where, location, irq);
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
