/*
 * The virtio layer as the rest of the kernel sees it, in kernel types
 * only (no library header): find and bring up every virtio device, and
 * describe each one found, bound or not, for the shell's `virtio list`
 * and the self-test.
 *
 * Everything else a device offers reaches the kernel through the registry
 * of its kind (block devices, entropy sources, input devices); only the
 * files of kernel/virtio/ include the VirtIO library.
 */
#ifndef KERNEL_VIRTIO_H
#define KERNEL_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct selftest_ctx;

/* Probes the mmio slots of the device tree, then PCI, and hands each
 * device to the driver for its type (drivers.c).  Called once at boot. */
void virtio_probe_all(void);

/* One device found by a transport probe. */
struct virtio_dev_info {
	const char *where;     /* transport and place, "virtio-mmio v2 @0x10008000 irq 8",
				* "virtio-pci modern 00:01.0 irq 33" */
	uint32_t device_id;    /* the virtio device ID; 0 when the transport could not tell */
	const char *type;      /* "block", "entropy", ...; NULL for an ID without a name here */
	const char *driver;    /* the kernel's driver for the type ("virtio-blk"); NULL: none */
	int status;            /* 0: bound to `driver`; else the KERR_* of the transport
				* probe or of the failed bring-up */
	bool negotiated;       /* features and state below are valid */
	const char *state;     /* "setup", "live", "reset due", "down", "dead" */
	uint64_t features;     /* negotiated */
	uint64_t offered;      /* offered by the device */
	bool packed;           /* the packed ring layout (else split) */
	uint64_t interrupts, spurious;     /* the device's interrupt calls, those with no cause */
	uint32_t config_changes, recoveries;
	unsigned queues;       /* attached queues: virtio_queue_describe() 0 .. queues-1 */
	size_t dma_bytes;      /* DMA pool memory its bring-up kept */
	int handlers;          /* interrupt handlers its bring-up left registered */
};

/* One attached queue and its traffic since it was created. */
struct virtio_queue_info {
	uint16_t index;        /* the device's queue number */
	uint16_t size;         /* entries */
	uint32_t in_flight;    /* chains posted, not yet used */
	bool broken;           /* latched broken by a device fault */
	bool has_stats;        /* false: the library was built with VIRTIO_STATS 0 */
	uint64_t chains_added, bytes_posted, used_popped, bytes_used;
	uint64_t notifies, notifies_suppressed;
	uint64_t interrupts, spurious, faults;
};

/* Devices found so far, in probe order (mmio slots, then PCI). */
unsigned virtio_dev_count(void);

/* Fill *out for device i; false past the end. */
bool virtio_dev_describe(unsigned i, struct virtio_dev_info *out);

/* Fill *out for attached queue q of a bound device i; false when there
 * is no such queue. */
bool virtio_queue_describe(unsigned i, unsigned q, struct virtio_queue_info *out);

/* The spec's name of a device-independent feature bit (ring layout,
 * notification, transport: "INDIRECT_DESC", "VERSION_1", ...); NULL for
 * any other bit. */
const char *virtio_feature_name(unsigned bit);

/* The "virtio" self-test suite: ring memory, features, every request
 * queue, interrupts, error messages, re-initialisation (report.c). */
void virtio_selftest_suite(struct selftest_ctx *t);

#endif
