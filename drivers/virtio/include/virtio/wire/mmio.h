/*
 * VirtIO 1.3 wire format of the virtio-mmio transport (§4.2): the register
 * offsets of version 2 (§4.2.2) and of the legacy version 1 (§4.2.4).
 * Control registers are 32 bits wide, little-endian, accessed aligned;
 * the device configuration from VIRTIO_MMIO_CONFIG takes its fields'
 * natural widths.  Only <stdint.h>: includable alone.
 */
#ifndef VIRTIO_WIRE_MMIO_H
#define VIRTIO_WIRE_MMIO_H

#include <stdint.h>

/* Register offsets (§4.2.2); R = read-only, W = write-only for the driver. */
#define VIRTIO_MMIO_MAGIC_VALUE         0x000 /* R: 0x74726976, "virt" */
#define VIRTIO_MMIO_VERSION             0x004 /* R: 2; 1 for a legacy device */
#define VIRTIO_MMIO_DEVICE_ID           0x008 /* R: VIRTIO_ID_*; 0 = empty slot */
#define VIRTIO_MMIO_VENDOR_ID           0x00c /* R */
#define VIRTIO_MMIO_DEVICE_FEATURES     0x010 /* R: the 32 bits chosen by ..._SEL */
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014 /* W: word of DeviceFeatures */
#define VIRTIO_MMIO_DRIVER_FEATURES     0x020 /* W: the 32 bits chosen by ..._SEL */
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024 /* W: word of DriverFeatures */
#define VIRTIO_MMIO_QUEUE_SEL           0x030 /* W: queue the Queue* registers refer to */
#define VIRTIO_MMIO_QUEUE_NUM_MAX       0x034 /* R: QueueSizeMax; 0 = no such queue */
#define VIRTIO_MMIO_QUEUE_NUM           0x038 /* W: QueueSize */
#define VIRTIO_MMIO_QUEUE_READY         0x044 /* RW: 1 = the device may use the queue */
#define VIRTIO_MMIO_QUEUE_NOTIFY        0x050 /* W: available-buffer notification (§2.9) */
#define VIRTIO_MMIO_INTERRUPT_STATUS    0x060 /* R: VIRTIO_MMIO_INT_* */
#define VIRTIO_MMIO_INTERRUPT_ACK       0x064 /* W: the VIRTIO_MMIO_INT_* handled */
#define VIRTIO_MMIO_STATUS              0x070 /* RW: device status (§2.1); 0 resets */
#define VIRTIO_MMIO_QUEUE_DESC_LOW      0x080 /* W: Descriptor Area, low 32 bits */
#define VIRTIO_MMIO_QUEUE_DESC_HIGH     0x084 /* W: Descriptor Area, high 32 bits */
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW    0x090 /* W: Driver Area, low */
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH   0x094 /* W: Driver Area, high */
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW    0x0a0 /* W: Device Area, low */
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH   0x0a4 /* W: Device Area, high */
#define VIRTIO_MMIO_SHM_SEL             0x0ac /* W: shared memory region id */
#define VIRTIO_MMIO_SHM_LEN_LOW         0x0b0 /* R: its length, low; ~0 = no such region */
#define VIRTIO_MMIO_SHM_LEN_HIGH        0x0b4 /* R: its length, high */
#define VIRTIO_MMIO_SHM_BASE_LOW        0x0b8 /* R: its guest-physical address, low */
#define VIRTIO_MMIO_SHM_BASE_HIGH       0x0bc /* R: its guest-physical address, high */
#define VIRTIO_MMIO_QUEUE_RESET         0x0c0 /* RW: 1 resets the queue (RING_RESET) */
#define VIRTIO_MMIO_CONFIG_GENERATION   0x0fc /* R: changes when the configuration does */
#define VIRTIO_MMIO_CONFIG              0x100 /* RW: device-specific configuration */

/* Legacy registers (§4.2.4), version 1 only.  Offsets 0x010-0x024 are the
 * same registers under the names HostFeatures(Sel)/GuestFeatures(Sel). */
#define VIRTIO_MMIO_GUEST_PAGE_SIZE     0x028 /* W: page size QueuePFN counts in */
#define VIRTIO_MMIO_QUEUE_ALIGN         0x03c /* W: Used Ring alignment (Queue Align, §2.7.2) */
#define VIRTIO_MMIO_QUEUE_PFN           0x040 /* RW: page number of the ring; 0 = unused */

#define VIRTIO_MMIO_MAGIC 0x74726976u /* MagicValue: "virt" read as little-endian */

/* InterruptStatus / InterruptACK bits (§4.2.2). */
#define VIRTIO_MMIO_INT_VRING  1u /* Used Buffer Notification */
#define VIRTIO_MMIO_INT_CONFIG 2u /* Configuration Change Notification */

#endif
