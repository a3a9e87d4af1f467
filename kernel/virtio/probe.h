/*
 * Inside the virtio glue (kernel/virtio/ only): the table of drivers, the
 * record of every device found, and what a driver's attach() may use.
 *
 * A transport probe (probe.c for mmio, pci_probe.c for PCI) hands each
 * device to virtio_attach(), which looks its ID up in virtio_drivers[]
 * (drivers.c) and calls that row's attach().  An attach() brings the
 * device up and plugs it into the kernel registry of its kind, or fails
 * and leaves nothing behind: no interrupt handler, no DMA memory the
 * device does not still own (virtio_bringup_undo()).
 */
#ifndef KERNEL_VIRTIO_PROBE_H
#define KERNEL_VIRTIO_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio/device.h"

/*
 * One row per device type the kernel drives.  attach(vdev, where, irq):
 * `vdev` is static storage and stays valid forever; `where` is the
 * transport line ("virtio-mmio v2 @0x10008000 irq 8"), to copy; `irq` the
 * interrupt it raises (irq.h numbering; a polled driver ignores it).
 * Returns 0 or a KERR_* code (kernel/errno.h), printing nothing on
 * failure: virtio_attach() prints "WHERE: NAME: reason".
 */
struct virtio_driver_entry {
	uint32_t device_id; /* VIRTIO_ID_* */
	const char *name;   /* "virtio-blk": messages and `virtio list` */
	int (*attach)(struct virtio_device *vdev, const char *where, uint32_t irq);
};

/* drivers.c; ended by a row whose name is NULL. */
extern const struct virtio_driver_entry virtio_drivers[];

/* Each glue's attach (one file per device type). */
int virtio_blk_attach(struct virtio_device *vdev, const char *where, uint32_t irq);   /* disk.c */
int virtio_rng_attach(struct virtio_device *vdev, const char *where, uint32_t irq);   /* entropy.c */
int virtio_input_attach(struct virtio_device *vdev, const char *where, uint32_t irq); /* input.c */
int virtio_console_attach(struct virtio_device *vdev, const char *where, uint32_t irq); /* console.c */
int virtio_gpu_attach(struct virtio_device *vdev, const char *where, uint32_t irq);   /* gpu.c */
int virtio_net_attach(struct virtio_device *vdev, const char *where, uint32_t irq);   /* net.c */

/* Every device a transport found, bound or not (probe.c). */
#define VIRTIO_MAX_FOUND 32
struct virtio_found {
	struct virtio_device *vdev;  /* NULL when the transport probe failed */
	char where[64];
	char location[16];           /* "0x10008000" (mmio base) or "00:01.0" (PCI) */
	uint32_t device_id;          /* 0: unknown */
	uint32_t irq;
	const struct virtio_driver_entry *driver; /* NULL: no row for the type */
	int status;                  /* 0 bound, else KERR_* */
	size_t dma_bytes;            /* pool memory the attach kept (measured around it) */
	int handlers;                /* handlers it added on irq (measured around it) */
};
unsigned virtio_found_count(void);
const struct virtio_found *virtio_found_get(unsigned i);

/*
 * Bring up a device a transport probe found: the driver of its type, or
 * a line saying there is none.  `location` names the place for the
 * virtio-fail= boot argument.  0 or the KERR_* (already printed).
 */
int virtio_attach(struct virtio_device *vdev, const char *where, const char *location,
		  uint32_t irq);

/* A device a transport found but could not set up (no vdev): recorded
 * for `virtio list` with its ID when known (0 otherwise) and the reason. */
void virtio_found_unusable(const char *where, const char *location, uint32_t device_id,
			   uint32_t irq, int kerr);

/*
 * The end of a failed bring-up: take `handler` (with `ctx`) off `irq`
 * when it was registered (NULL: it was not), reset the device and check
 * that the reset completed (§2.4.2), set FAILED, and only then give the
 * DMA memory allocated since `mark` back to the pool (dma_release).  If
 * the reset never completes the device may still use its rings: the
 * memory stays allocated, never reused, and a line says so.
 */
void virtio_bringup_undo(struct virtio_device *vdev, const char *where, size_t mark,
			 uint32_t irq, void (*handler)(void *ctx), void *ctx);

/*
 * Fault injection for the tests: true when the boot arguments hold the
 * word "virtio-fail=LOCATION" for this device.  A driver's attach() asks
 * at its last step (registering with the kernel registry), after every
 * resource is taken, and fails there, so that the whole of its undo path
 * runs (tests/qemu/matrix.py, config "bringup-failures").
 */
bool virtio_fail_injected(const struct virtio_device *vdev);

#endif
