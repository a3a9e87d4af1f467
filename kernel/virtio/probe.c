/*
 * Probing virtio devices (mmio slots from the device tree here, PCI
 * functions in pci_probe.c), the record of each one found, and the
 * dispatch to the driver of its type (drivers.c).
 *
 * The dispatch measures what each attach() leaves behind (DMA pool
 * memory, interrupt handlers): a failed bring-up must leave neither,
 * which the self-test checks (kernel/selftest/virtio.c) from these
 * measurements rather than from what the driver says about itself.
 */
#include "kernel/virtio/probe.h"

#include "kernel/boottime.h"
#include "kernel/dma.h"
#include "kernel/dt/devtree.h"
#include "kernel/errno.h"
#include "kernel/irq/irq.h"
#include "kernel/virtio/kerr.h"
#include "kernel/virtio/pci_probe.h"
#include "kernel/virtio/virtio.h"
#include "lib/printf.h"
#include "virtio/errors.h"
#include "virtio/mmio.h"

static struct virtio_found found[VIRTIO_MAX_FOUND];
static unsigned n_found;

unsigned virtio_found_count(void)
{
	return n_found;
}

const struct virtio_found *virtio_found_get(unsigned i)
{
	return i < n_found ? &found[i] : NULL;
}

/* A new record, or NULL (said once per device) when the table is full. */
static struct virtio_found *record(const char *where, const char *location, uint32_t device_id,
				   uint32_t irq)
{
	if (n_found == VIRTIO_MAX_FOUND) {
		kprintf("%s: more than %u virtio devices; ignored\n", where, VIRTIO_MAX_FOUND);
		return NULL;
	}
	struct virtio_found *f = &found[n_found++];
	*f = (struct virtio_found){ .device_id = device_id, .irq = irq };
	ksnprintf(f->where, sizeof(f->where), "%s", where);
	ksnprintf(f->location, sizeof(f->location), "%s", location);
	return f;
}

void virtio_found_unusable(const char *where, const char *location, uint32_t device_id,
			   uint32_t irq, int kerr)
{
	struct virtio_found *f = record(where, location, device_id, irq);
	if (f)
		f->status = kerr;
}

static const struct virtio_driver_entry *driver_for(uint32_t device_id)
{
	for (const struct virtio_driver_entry *d = virtio_drivers; d->name; d++)
		if (d->device_id == device_id)
			return d;
	return NULL;
}

int virtio_attach(struct virtio_device *vdev, const char *where, const char *location,
		  uint32_t irq)
{
	struct virtio_found *f = record(where, location, vdev->device_id, irq);
	if (!f)
		return KERR_EFULL;
	f->vdev = vdev;
	f->driver = driver_for(vdev->device_id);
	if (!f->driver) {
		kprintf("%s: virtio device type %u: no driver in this kernel\n", where,
			(unsigned)vdev->device_id);
		return KERR_ENOTSUP;
	}
	size_t mark = dma_mark();
	unsigned handlers = irq_handler_count(irq);
	f->status = f->driver->attach(vdev, f->where, irq);
	f->dma_bytes = dma_mark() - mark;
	f->handlers = (int)irq_handler_count(irq) - (int)handlers;
	boottime_mark(f->where); /* a boot phase of its own (boottime.h) */
	if (f->status)
		kprintf("%s: %s: %s\n", where, f->driver->name, kstrerror(f->status));
	return f->status;
}

void virtio_bringup_undo(struct virtio_device *vdev, const char *where, size_t mark,
			 uint32_t irq, void (*handler)(void *ctx), void *ctx)
{
	if (handler)
		irq_unregister(irq, handler, ctx); /* first: nothing runs on the device from here */
	int rc = virtio_device_reset(vdev);
	virtio_device_fail(vdev); /* §2.1.2: the driver gave up on it */
	if (rc == VIRTIO_OK) {
		dma_release(mark); /* status read 0: the device owns nothing (§3.3) */
		return;
	}
	kprintf("%s: the reset did not complete; its %lu KiB of DMA memory stay with the device\n",
		where, (unsigned long)((dma_mark() - mark) / 1024));
}

bool virtio_fail_injected(const struct virtio_device *vdev)
{
	for (unsigned i = 0; i < n_found; i++) {
		char word[32];
		if (found[i].vdev != vdev)
			continue;
		ksnprintf(word, sizeof(word), "virtio-fail=%s", found[i].location);
		if (!dt_bootargs_has(word))
			return false;
		kprintf("%s: %s: failing the bring-up at its last step\n", found[i].where, word);
		return true;
	}
	return false;
}

/* One per slot: the device structs must outlive the probe. */
static struct virtio_mmio mmio_devs[DT_MAX_VIRTIO_MMIO];

void virtio_probe_all(void)
{
	const struct dt_info *dt = dt_info();
	for (unsigned i = 0; i < dt->n_virtio_mmio && i < DT_MAX_VIRTIO_MMIO; i++) {
		uint64_t base = dt->virtio_mmio[i].base;
		uint32_t irq = dt->virtio_mmio[i].irq;
		struct virtio_mmio *m = &mmio_devs[i];
		char where[64], location[16];
		int rc = virtio_mmio_probe(m, (uintptr_t)base);
		if (rc == VIRTIO_ENODEV)
			continue; /* an empty slot: QEMU virt always has eight */
		ksnprintf(where, sizeof(where), "%s @0x%lx irq %u",
			  rc ? "virtio-mmio" : m->vdev.transport_name, (unsigned long)base,
			  (unsigned)irq);
		ksnprintf(location, sizeof(location), "0x%lx", (unsigned long)base);
		if (rc) {
			int kerr = kerr_from_virtio(rc);
			kprintf("%s: %s\n", where, kstrerror(kerr));
			virtio_found_unusable(where, location, 0, irq, kerr);
			continue;
		}
		virtio_attach(&m->vdev, where, location, irq);
	}
	virtio_pci_probe_all();
}
