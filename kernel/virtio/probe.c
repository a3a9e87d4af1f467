/*
 * Probing virtio devices (mmio slots from the device tree here, PCI
 * functions in pci_probe.c) and handing each to the glue of its type.
 */
#include "kernel/virtio/probe.h"
#include "kernel/virtio/entropy.h"
#include "kernel/virtio/disk.h"
#include "kernel/virtio/input.h"

#include "kernel/dt/devtree.h"
#include "kernel/virtio/pci_probe.h"
#include "lib/printf.h"
#include "virtio/errors.h"
#include "virtio/mmio.h"

int virtio_attach(struct virtio_device *vdev, const char *where, uint32_t irq)
{
	if (vdev->device_id == VIRTIO_ID_RNG)
		return virtio_rng_attach(vdev, where); /* polled: no interrupt */
	if (vdev->device_id == VIRTIO_ID_INPUT)
		return virtio_input_attach(vdev, where, irq);
	if (vdev->device_id == VIRTIO_ID_BLOCK)
		return virtio_blk_attach(vdev, where, irq);
	kprintf("%s: virtio device type %u: no driver in this kernel\n", where,
		(unsigned)vdev->device_id);
	return VIRTIO_ENOTSUP;
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
		char where[64];
		int rc = virtio_mmio_probe(m, (uintptr_t)base);
		if (rc == VIRTIO_ENODEV)
			continue; /* an empty slot: QEMU virt always has eight */
		ksnprintf(where, sizeof(where), "%s @0x%lx irq %u",
			  rc ? "virtio-mmio" : m->vdev.transport_name, (unsigned long)base,
			  (unsigned)irq);
		if (rc) {
			kprintf("%s: %s\n", where, virtio_strerror(rc));
			continue;
		}
		virtio_attach(&m->vdev, where, irq);
	}
	virtio_pci_probe_all();
}
