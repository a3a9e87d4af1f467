/*
 * VirtIO 1.3 wire format, common to every device and transport: device
 * status bits (§2.1), the reserved feature bits (§6), device IDs (§5), and
 * the byte-order types and helpers for fields the device reads or writes.
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
 * Byte order (§1.4, §2.5.3, §2.7.3).  Every multi-byte field the device
 * shares has one of two types, and is read and written only through the
 * helpers below:
 *   virtio_le16_t .. virtio_le64_t  little-endian, always: the packed ring,
 *                 and the structures of 1.x-only devices and features;
 *   virtio16_t .. virtio64_t        the device's order: little-endian on a
 *                 1.x device, the guest's own on a legacy one (the split
 *                 ring, legacy-capable config spaces and request headers);
 *                 the helpers take the device's `legacy` flag.
 * Under sparse (`__CHECKER__`) the types are __bitwise: a plain integer
 * assigned to one, or one of the two kinds mixed with the other, is
 * reported (scripts/cross_build.sh runs it over the library).  For the
 * compiler they are plain integers, so on a little-endian CPU every helper
 * is one access.  Loads and stores are volatile: the device changes this
 * memory behind the compiler's back.
 */
#ifdef __CHECKER__
#define VIRTIO_BITWISE __attribute__((bitwise))
#define VIRTIO_FORCE __attribute__((force))
#else
#define VIRTIO_BITWISE
#define VIRTIO_FORCE
#endif
typedef uint16_t VIRTIO_BITWISE virtio_le16_t;
typedef uint32_t VIRTIO_BITWISE virtio_le32_t;
typedef uint64_t VIRTIO_BITWISE virtio_le64_t;
typedef uint16_t VIRTIO_BITWISE virtio16_t;
typedef uint32_t VIRTIO_BITWISE virtio32_t;
typedef uint64_t VIRTIO_BITWISE virtio64_t;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define VIRTIO_CPU_BIG_ENDIAN 1
#define VIRTIO_LE16(x) __builtin_bswap16(x)
#define VIRTIO_LE32(x) __builtin_bswap32(x)
#define VIRTIO_LE64(x) __builtin_bswap64(x)
#else
#define VIRTIO_CPU_BIG_ENDIAN 0
#define VIRTIO_LE16(x) ((uint16_t)(x))
#define VIRTIO_LE32(x) ((uint32_t)(x))
#define VIRTIO_LE64(x) ((uint64_t)(x))
#endif

static inline uint16_t virtio_le16_load(const virtio_le16_t *p)
{
	return VIRTIO_LE16((VIRTIO_FORCE uint16_t)*(const volatile virtio_le16_t *)p);
}
static inline uint32_t virtio_le32_load(const virtio_le32_t *p)
{
	return VIRTIO_LE32((VIRTIO_FORCE uint32_t)*(const volatile virtio_le32_t *)p);
}
static inline uint64_t virtio_le64_load(const virtio_le64_t *p)
{
	return VIRTIO_LE64((VIRTIO_FORCE uint64_t)*(const volatile virtio_le64_t *)p);
}
static inline void virtio_le16_store(virtio_le16_t *p, uint16_t v)
{
	*(volatile virtio_le16_t *)p = (VIRTIO_FORCE virtio_le16_t)VIRTIO_LE16(v);
}
static inline void virtio_le32_store(virtio_le32_t *p, uint32_t v)
{
	*(volatile virtio_le32_t *)p = (VIRTIO_FORCE virtio_le32_t)VIRTIO_LE32(v);
}
static inline void virtio_le64_store(virtio_le64_t *p, uint64_t v)
{
	*(volatile virtio_le64_t *)p = (VIRTIO_FORCE virtio_le64_t)VIRTIO_LE64(v);
}

/* The device's order: `legacy` (a pre-1.0 interface) means the guest's. */
static inline uint16_t virtio16_load(const virtio16_t *p, int legacy)
{
	uint16_t raw = (VIRTIO_FORCE uint16_t)*(const volatile virtio16_t *)p;
	return legacy ? raw : VIRTIO_LE16(raw);
}
static inline uint32_t virtio32_load(const virtio32_t *p, int legacy)
{
	uint32_t raw = (VIRTIO_FORCE uint32_t)*(const volatile virtio32_t *)p;
	return legacy ? raw : VIRTIO_LE32(raw);
}
static inline uint64_t virtio64_load(const virtio64_t *p, int legacy)
{
	uint64_t raw = (VIRTIO_FORCE uint64_t)*(const volatile virtio64_t *)p;
	return legacy ? raw : VIRTIO_LE64(raw);
}
static inline void virtio16_store(virtio16_t *p, uint16_t v, int legacy)
{
	*(volatile virtio16_t *)p = (VIRTIO_FORCE virtio16_t)(legacy ? v : VIRTIO_LE16(v));
}
static inline void virtio32_store(virtio32_t *p, uint32_t v, int legacy)
{
	*(volatile virtio32_t *)p = (VIRTIO_FORCE virtio32_t)(legacy ? v : VIRTIO_LE32(v));
}
static inline void virtio64_store(virtio64_t *p, uint64_t v, int legacy)
{
	*(volatile virtio64_t *)p = (VIRTIO_FORCE virtio64_t)(legacy ? v : VIRTIO_LE64(v));
}

#endif
