/*
 * VirtIO 1.3 wire format, common to every device and transport: device
 * status bits (§2.1), the reserved feature bits (§6), device IDs (§5), and
 * the byte-order helpers for fields the device reads or writes.
 *
 * A wire header transcribes the specification and nothing else: the spec's
 * names, only <stdint.h>/<stddef.h>, no library API.  An embedder may take
 * any of include/virtio/wire/ alone.
 */
#ifndef VIRTIO_WIRE_COMMON_H
#define VIRTIO_WIRE_COMMON_H

#include <stdint.h>

/* Device status field (§2.1): each step ORs a bit in; only a reset clears. */
#define VIRTIO_STATUS_ACKNOWLEDGE        1u   /* the guest found the device */
#define VIRTIO_STATUS_DRIVER             2u   /* the guest knows how to drive it */
#define VIRTIO_STATUS_DRIVER_OK          4u   /* the driver is set up: the device is live */
#define VIRTIO_STATUS_FEATURES_OK        8u   /* feature negotiation is complete */
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64u  /* the device hit an error it cannot recover */
#define VIRTIO_STATUS_FAILED             128u /* the driver gave up on the device */

/*
 * Feature bits (§2.2): 0-23 and 50-127 belong to the device type, 24-41 to
 * the queue and negotiation mechanisms (below, §6), 42-49 and 128 up are
 * reserved.
 */
#define VIRTIO_F_INDIRECT_DESC     28 /* descriptors may point at descriptor tables (§2.7.5.3) */
#define VIRTIO_F_EVENT_IDX         29 /* used_event / avail_event suppression (§2.7.7, §2.7.10) */
#define VIRTIO_F_VERSION_1         32 /* compliance with 1.x: not a legacy device */
#define VIRTIO_F_ACCESS_PLATFORM   33 /* device DMA goes through the platform's IOMMU/translation */
#define VIRTIO_F_RING_PACKED       34 /* the packed ring layout (§2.8) */
#define VIRTIO_F_IN_ORDER          35 /* buffers are used in the order they were made available */
#define VIRTIO_F_ORDER_PLATFORM    36 /* memory accesses ordered as the platform orders them */
#define VIRTIO_F_SR_IOV            37 /* the device supports single-root I/O virtualisation */
#define VIRTIO_F_NOTIFICATION_DATA 38 /* notifications carry the next available position (§2.9) */
#define VIRTIO_F_NOTIF_CONFIG_DATA 39 /* notifications carry a device-supplied queue identifier */
#define VIRTIO_F_RING_RESET        40 /* individual queues can be reset (§2.6.1) */
#define VIRTIO_F_ADMIN_VQ          41 /* the device has administration virtqueues */
/* Legacy only (§6.3). */
#define VIRTIO_F_NOTIFY_ON_EMPTY   24 /* notify when the avail ring runs empty */
#define VIRTIO_F_ANY_LAYOUT        27 /* message framing independent of descriptor boundaries */

/* A feature bit as a mask of the 64-bit feature word. */
#define VIRTIO_BIT(b) (1ull << (b))

/* Device IDs (§5); 0 is reserved (an empty transport slot). */
#define VIRTIO_ID_NET           1u  /* network card (§5.1) */
#define VIRTIO_ID_BLOCK         2u  /* block device (§5.2) */
#define VIRTIO_ID_CONSOLE       3u  /* console (§5.3) */
#define VIRTIO_ID_RNG           4u  /* entropy source (§5.4) */
#define VIRTIO_ID_BALLOON       5u  /* memory balloon, traditional (§5.5) */
#define VIRTIO_ID_SCSI          8u  /* SCSI host (§5.6) */
#define VIRTIO_ID_9P            9u  /* 9P transport */
#define VIRTIO_ID_GPU           16u /* GPU (§5.7) */
#define VIRTIO_ID_INPUT         18u /* input device (§5.8) */
#define VIRTIO_ID_VSOCK         19u /* socket device */
#define VIRTIO_ID_CRYPTO        20u /* crypto device */
#define VIRTIO_ID_IOMMU         23u /* IOMMU */
#define VIRTIO_ID_MEM           24u /* memory device */
#define VIRTIO_ID_SOUND         25u /* sound device */
#define VIRTIO_ID_FS            26u /* file system device */
#define VIRTIO_ID_PMEM          27u /* persistent memory */
#define VIRTIO_ID_RPMB          28u /* replay protected memory block */
#define VIRTIO_ID_SCMI          32u /* SCMI device */
#define VIRTIO_ID_I2C_ADAPTER   34u /* I2C adapter */
#define VIRTIO_ID_GPIO          41u /* GPIO device */

/*
 * Byte order.  Fields in shared memory and configuration space are
 * little-endian (§1.4); a legacy interface uses the guest's native order
 * instead (§2.7.3).  Loads and stores are volatile: the device changes this
 * memory behind the compiler's back.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define VIRTIO_LE16(x) __builtin_bswap16(x)
#define VIRTIO_LE32(x) __builtin_bswap32(x)
#define VIRTIO_LE64(x) __builtin_bswap64(x)
#else
#define VIRTIO_LE16(x) ((uint16_t)(x))
#define VIRTIO_LE32(x) ((uint32_t)(x))
#define VIRTIO_LE64(x) ((uint64_t)(x))
#endif

static inline uint16_t virtio_le16_load(const void *p)
{
	return VIRTIO_LE16(*(const volatile uint16_t *)p);
}
static inline uint32_t virtio_le32_load(const void *p)
{
	return VIRTIO_LE32(*(const volatile uint32_t *)p);
}
static inline uint64_t virtio_le64_load(const void *p)
{
	return VIRTIO_LE64(*(const volatile uint64_t *)p);
}
static inline void virtio_le16_store(void *p, uint16_t v)
{
	*(volatile uint16_t *)p = VIRTIO_LE16(v);
}
static inline void virtio_le32_store(void *p, uint32_t v)
{
	*(volatile uint32_t *)p = VIRTIO_LE32(v);
}
static inline void virtio_le64_store(void *p, uint64_t v)
{
	*(volatile uint64_t *)p = VIRTIO_LE64(v);
}

/* Guest-endian: the legacy interface's order, the CPU's own. */
static inline uint16_t virtio_guest16_load(const void *p)
{
	return *(const volatile uint16_t *)p;
}
static inline uint32_t virtio_guest32_load(const void *p)
{
	return *(const volatile uint32_t *)p;
}
static inline uint64_t virtio_guest64_load(const void *p)
{
	return *(const volatile uint64_t *)p;
}
static inline void virtio_guest16_store(void *p, uint16_t v)
{
	*(volatile uint16_t *)p = v;
}
static inline void virtio_guest32_store(void *p, uint32_t v)
{
	*(volatile uint32_t *)p = v;
}
static inline void virtio_guest64_store(void *p, uint64_t v)
{
	*(volatile uint64_t *)p = v;
}

#endif
