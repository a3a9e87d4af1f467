/*
 * A simulated virtio-pci function (§4.1) for the host tests: a PCI config
 * space with a capability list, and a memory BAR holding the common,
 * ISR, device and notify structures.
 *
 * It does no virtio work of its own: each access to the structures is
 * checked for the PCI rules (field widths, read-only fields, queue_size
 * and queue_enable rules, doorbell width and address) and then replayed as
 * the equivalent register access on a simulated virtio-mmio device
 * (sim_mmio.c, modern version 2), whose status machine, feature checks,
 * ring engine and back ends (sim_blk.c) do the rest.  So a sim_pci wraps a
 * sim_dev created the usual way (sim_blk_new, sim_echo_new, ...).
 *
 * The BARs live at fake addresses served through sim_mmio_hook.  The
 * library must never write config space: every write is a violation.
 */
#ifndef SIM_PCI_H
#define SIM_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim_device.h"
#include "virtio/pci.h"

#define SIM_PCI_BASE      ((uintptr_t)0x40000000u) /* never dereferenced */
#define SIM_PCI_FUNC_SPAN 0x01000000u /* address space per function */
#define SIM_PCI_BAR_SPAN  0x00100000u /* per BAR, inside that */

/* Where the device keeps its structures inside the structures' BAR. */
#define SIM_PCI_COMMON_OFF 0x0000u
#define SIM_PCI_ISR_OFF    0x1000u
#define SIM_PCI_DEVICE_OFF 0x2000u
#define SIM_PCI_NOTIFY_OFF 0x3000u
#define SIM_PCI_STRUCT_SPAN 0x1000u
#define SIM_PCI_COMMON_LEN 0x40u

struct sim_pci_opts {
	uint16_t vendor_id;    /* 0: 0x1af4 */
	uint16_t device_id;    /* 0: 0x1040 + the device's virtio ID */
	uint16_t subsys_id;    /* 0: the device's virtio ID */
	uint8_t bar;           /* BAR with the structures; 0 means 4 */
	uint64_t bar_size;     /* 0: 0x4000 */
	uint32_t notify_mult;  /* notify_off_multiplier; 0 means 4 ... */
	bool notify_mult_zero; /* ... unless this: a real 0 */
	uint16_t num_queues;   /* 0: the device's queue count */
	uint16_t msix_vectors; /* MSI-X table size; 0: no MSI-X */
	bool bare;             /* no capabilities: the case adds them */
	bool legacy_only;      /* only non-virtio capabilities (QEMU disable-modern=on) */
};

struct sim_pci {
	struct sim_dev *dev;
	uint8_t cfg[256];
	uint8_t last_cap;      /* 0: the list is empty */
	uint16_t cap_free;     /* next free config offset for a capability */
	struct virtio_pci_bar bars[6];
	struct virtio_pci_config_access acc;
	uint8_t bar;
	uint64_t bar_size;
	uint32_t notify_mult;
	uint16_t num_queues;
	uint16_t notify_off[SIM_MAX_QUEUES]; /* queue_notify_off per queue (default q) */
	uint16_t msix_vectors;
	uint16_t notif_data[SIM_MAX_QUEUES]; /* queue_notif_config_data (default 0x4000 + q) */
	bool msix_accept_any;  /* map vectors past the table too (only the driver's check stops it) */
	bool msix_refuse;      /* refuse every mapping: reads back NO_VECTOR */

	/* state */
	uint32_t dfselect, gfselect;
	uint16_t queue_sel;
	uint16_t qsize[SIM_MAX_QUEUES]; /* written queue_size, 0 = the max */
	uint16_t qvector[SIM_MAX_QUEUES];
	uint16_t config_vector;

	/* records */
	unsigned cfg_reads, cfg_writes, bar_accesses, isr_reads;
	unsigned notifies[SIM_MAX_QUEUES];
	unsigned notify_width;  /* of the last doorbell store */
	uint32_t notify_at;     /* offset in the notify structure of the last store */
};

/* Wrap `d` (a modern sim_dev) as a PCI function; default capability list:
 * power management (to skip), MSI-X if asked, common, notify, ISR, device
 * (when d has config space) and PCI_CFG. */
struct sim_pci *sim_pci_new(struct sim_dev *d, const struct sim_pci_opts *o);

/* Append a virtio capability (cap_len 16, 20 for NOTIFY with the
 * multiplier) and return its config offset, for the case to damage. */
unsigned sim_pci_add_cap(struct sim_pci *p, uint8_t cfg_type, uint8_t bar, uint32_t offset,
			 uint32_t length);
/* Append any capability of `len` bytes (zeroed past the header). */
unsigned sim_pci_add_raw_cap(struct sim_pci *p, uint8_t id, unsigned len);

/* The caps of the default layout, for cases that rebuild part of it. */
void sim_pci_add_default_caps(struct sim_pci *p);

static inline void sim_pci_put32(struct sim_pci *p, unsigned off, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p->cfg[off + i] = (uint8_t)(v >> (8 * i));
}

#endif
