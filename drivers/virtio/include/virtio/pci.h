/*
 * The modern virtio-pci transport (§4.1) behind the ops of device.h.
 *
 * The library does not enumerate PCI or assign BARs: the embedder finds the
 * function, maps its memory BARs, and hands in
 *   - a config-space accessor for this one function (offsets 0..0xfff from
 *     the function's config space; the library only ever READS through it),
 *   - the six BARs as the CPU sees them (size 0 = not mapped; I/O BARs are
 *     never used).
 * virtio_pci_probe() then checks the IDs, walks the capability list and
 * leaves p->vdev ready for virtio_device_begin(), virtq_create(), vblk_*().
 *
 * Only the modern interface is implemented: a legacy-only device (no virtio
 * capabilities, QEMU `disable-modern=on`) is VIRTIO_ENOTSUP.  A transitional
 * device is driven through its modern capabilities.
 *
 * Interrupts are INTx (read the ISR byte) unless the embedder opts into
 * MSI-X with virtio_pci_use_msix() after enabling MSI-X in the function.
 */
#ifndef VIRTIO_PCI_H
#define VIRTIO_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "device.h"
#include "wire/common.h"
#include "wire/pci.h"

/* The part of the common configuration the library uses: the fields before
 * queue_notif_config_data. */
#define VIRTIO_PCI_COMMON_MIN_LEN VIRTIO_PCI_COMMON_Q_NDATA
#define VIRTIO_PCI_NO_VECTOR VIRTIO_MSI_NO_VECTOR

/* Queues whose notify address the library keeps (higher: no such queue). */
#ifndef VIRTIO_PCI_MAX_QUEUES
#define VIRTIO_PCI_MAX_QUEUES 16
#endif

/* How the library reads this function's config space.  Offsets are
 * naturally aligned.  The library never writes config space (§4.1.4): the
 * write hooks are optional (NULL is fine) and reserved for PCI_CFG access. */
struct virtio_pci_config_access {
	uint8_t (*read8)(void *ctx, uint32_t off);
	uint16_t (*read16)(void *ctx, uint32_t off);
	uint32_t (*read32)(void *ctx, uint32_t off);
	void (*write8)(void *ctx, uint32_t off, uint8_t v);
	void (*write16)(void *ctx, uint32_t off, uint16_t v);
	void (*write32)(void *ctx, uint32_t off, uint32_t v);
	void *ctx;
};

/* A memory BAR as the CPU sees it; size 0 = not mapped. */
struct virtio_pci_bar {
	uintptr_t base;
	uint64_t size;
};

/* One virtio structure found through a capability. */
struct virtio_pci_region {
	uintptr_t addr;  /* CPU address of the structure */
	uint32_t len;    /* cap.length, already checked against the BAR */
	uint8_t bar;     /* which BAR */
	uint8_t cap;     /* config-space offset of the capability; 0 = absent */
};

struct virtio_pci {
	struct virtio_device vdev; /* first: the ops recover the container */
	struct virtio_pci_config_access cfg;
	uint16_t pci_device_id;
	bool transitional;        /* device ID 0x1000..0x103f */
	struct virtio_pci_region common, notify, isr, device;
	uint8_t pci_cfg_cap;      /* VIRTIO_PCI_CAP_PCI_CFG offset (0: absent); unused */
	uint8_t msix_cap;         /* MSI-X capability offset (0: absent) */
	uint32_t notify_off_multiplier;
	/* Per queue: the doorbell, valid from queue_enable until a reset. */
	uintptr_t notify_addr[VIRTIO_PCI_MAX_QUEUES];
	uint32_t notify_valid;    /* bit q: notify_addr[q] is set */
	/* MSI-X (virtio_pci_use_msix): NO_VECTOR when INTx is in use. */
	uint16_t msix_config_vector;
	uint16_t msix_queue_vector;
};

/*
 * Check the function and find its virtio structures.  Reads config space
 * only; touches no BAR.  0 with p->vdev ready for virtio_device_begin();
 * VIRTIO_EINVAL (NULL argument or accessor), VIRTIO_ENODEV (not a virtio
 * vendor/device ID, or a virtio ID of 0), VIRTIO_ENOTSUP (no virtio
 * capability at all: a legacy-only device), VIRTIO_EBROKEN (a malformed
 * capability list, or no usable common / notify / ISR structure inside a
 * mapped BAR).  `bars` is copied from; `cfg` is copied (its ctx must stay
 * valid).
 */
int virtio_pci_probe(struct virtio_pci *p, const struct virtio_pci_config_access *cfg,
		     const struct virtio_pci_bar bars[6]);

/*
 * Opt into MSI-X, after the embedder has enabled MSI-X in the function's
 * capability and programmed the table.  Every queue enabled afterwards is
 * mapped to `queue_vector` (read back: a refused mapping fails
 * virtq_create() with VIRTIO_ENOTSUP), and the configuration change event
 * to `config_vector` right away.  interrupt_ack() then never reads the ISR
 * (§4.1.4.5) and reports both causes: the caller's handler looks at the
 * rings and the configuration.  Call it before virtq_create(), e.g. right
 * after virtio_device_begin().  A reset unmaps every event (§4.1.5.1.2):
 * each queue set-up maps both vectors again, so a re-initialisation
 * (virtio_device_recover) keeps them.  0, or VIRTIO_ENOTSUP when the
 * device refuses the configuration vector (INTx stays in use).
 */
int virtio_pci_use_msix(struct virtio_pci *p, uint16_t config_vector, uint16_t queue_vector);

#endif
