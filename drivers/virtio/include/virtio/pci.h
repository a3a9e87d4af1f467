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
 * MSI-X with virtio_pci_use_msix() after enabling MSI-X in the function
 * (a vector for configuration changes and one for the queues).
 */
#ifndef VIRTIO_PCI_H
#define VIRTIO_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "device.h"
#include "wire/common.h"
#include "wire/pci.h"

/* The part of the common configuration the library always uses: the
 * fields before queue_notif_config_data (which queue set-up also reads when
 * NOTIF_CONFIG_DATA is negotiated, and refuses a structure without it). */
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
	uint16_t msix_vectors;    /* its table size (entries) */
	uint32_t notify_off_multiplier;
	/* Per queue: the doorbell and the value a notification carries (its
	 * index, or queue_notif_config_data), valid from queue_enable until a
	 * reset. */
	uintptr_t notify_addr[VIRTIO_PCI_MAX_QUEUES];
	uint16_t notify_data[VIRTIO_PCI_MAX_QUEUES];
	uint32_t notify_valid;    /* bit q: notify_addr[q] is set */
	/* MSI-X (virtio_pci_use_msix): NO_VECTOR when INTx is in use. */
	uint16_t msix_config_vector;
	uint16_t msix_queue_vector;
	bool msix_config_fired;   /* virtio_pci_config_vector_fired(), not yet acknowledged */
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
 * capability and programmed the table: configuration changes go to
 * `config_vector` (NO_VECTOR: none wanted) and every queue enabled
 * afterwards to `queue_vector`, both entries of the function's table
 * (msix_vectors entries; §4.1.5.1.2: VIRTIO_EINVAL past it).  Call it
 * any time before the first queue is set up, e.g. right after
 * virtio_pci_probe(): the reset that starts a bring-up unmaps every event,
 * so the configuration vector is mapped when the driver sets FEATURES_OK
 * (or at once when that is already done, read back: VIRTIO_ENOTSUP and
 * INTx again on a refusal) and both again at each queue set-up (a
 * refused mapping fails virtq_create() with VIRTIO_ENOTSUP).  A
 * re-initialisation (virtio_device_recover) keeps them.  VIRTIO_ENOTSUP
 * without an MSI-X capability.
 *
 * interrupt_ack() then never reads the ISR (§4.1.4.5).  With one vector
 * for both it reports both causes.  With a queue vector of its own, that
 * vector's interrupts are used buffers only and read no register; the
 * configuration vector's handler calls virtio_pci_config_vector_fired()
 * and then the device's interrupt function (virtio_device_interrupt(),
 * vblk_interrupt(), ...), which then handles a configuration change only.
 */
int virtio_pci_use_msix(struct virtio_pci *p, uint16_t config_vector, uint16_t queue_vector);
void virtio_pci_config_vector_fired(struct virtio_pci *p);

#endif
