/*
 * Wire formats of VirtIO 1.3 shared by every transport and device: status
 * bits, reserved feature bits, and the split and packed ring layouts.
 * Names follow the specification.  Fields in shared memory are
 * little-endian: touch them only through the virtio_le* helpers below.
 */
#ifndef VIRTIO_SPEC_H
#define VIRTIO_SPEC_H

#include <stdint.h>

/* Device status (§2.1); each step ORs a bit in, only a reset clears. */
#define VIRTIO_STATUS_ACKNOWLEDGE        1u
#define VIRTIO_STATUS_DRIVER             2u
#define VIRTIO_STATUS_DRIVER_OK          4u
#define VIRTIO_STATUS_FEATURES_OK        8u
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED             128u

/* Reserved feature bits (§6). */
#define VIRTIO_F_INDIRECT_DESC     28
#define VIRTIO_F_EVENT_IDX         29
#define VIRTIO_F_VERSION_1         32
#define VIRTIO_F_ACCESS_PLATFORM   33
#define VIRTIO_F_RING_PACKED       34
#define VIRTIO_F_IN_ORDER          35
#define VIRTIO_F_ORDER_PLATFORM    36
#define VIRTIO_F_NOTIFICATION_DATA 38
#define VIRTIO_F_RING_RESET        40
#define VIRTIO_BIT(b) (1ull << (b))

/* Device IDs (§5). */
#define VIRTIO_ID_NET     1u
#define VIRTIO_ID_BLOCK   2u
#define VIRTIO_ID_CONSOLE 3u
#define VIRTIO_ID_RNG     4u
#define VIRTIO_ID_GPU     16u
#define VIRTIO_ID_INPUT   18u

/* Descriptor flags, shared by split and packed rings (§2.7.5, §2.8). */
#define VIRTQ_DESC_F_NEXT     1u
#define VIRTQ_DESC_F_WRITE    2u
#define VIRTQ_DESC_F_INDIRECT 4u
#define VIRTQ_DESC_F_AVAIL    (1u << 7)  /* packed only */
#define VIRTQ_DESC_F_USED     (1u << 15) /* packed only */

/* Split ring (§2.7).  The avail and used rings have N entries. */
struct virtq_desc {
	uint64_t addr;  /* le64: buffer's DMA address */
	uint32_t len;   /* le32 */
	uint16_t flags; /* le16: VIRTQ_DESC_F_* */
	uint16_t next;  /* le16: next descriptor when F_NEXT */
};
_Static_assert(sizeof(struct virtq_desc) == 16, "§2.7.5: 16-byte descriptor");

#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u
struct virtq_avail {
	uint16_t flags;  /* le16 */
	uint16_t idx;    /* le16: where the driver puts the next entry */
	uint16_t ring[]; /* le16 [N], then le16 used_event (EVENT_IDX) */
};

#define VIRTQ_USED_F_NO_NOTIFY 1u
struct virtq_used_elem {
	uint32_t id;  /* le32: head of the completed chain */
	uint32_t len; /* le32: bytes written into the writable part */
};
_Static_assert(sizeof(struct virtq_used_elem) == 8, "§2.7.8: 8-byte used element");
struct virtq_used {
	uint16_t flags; /* le16 */
	uint16_t idx;   /* le16 */
	struct virtq_used_elem ring[]; /* [N], then le16 avail_event */
};

/* Packed ring (§2.8). */
struct virtq_packed_desc {
	uint64_t addr;  /* le64 */
	uint32_t len;   /* le32 */
	uint16_t id;    /* le16: buffer id */
	uint16_t flags; /* le16 */
};
_Static_assert(sizeof(struct virtq_packed_desc) == 16, "§2.8.13: 16-byte descriptor");

#define VIRTQ_EVENT_F_ENABLE  0u
#define VIRTQ_EVENT_F_DISABLE 1u
#define VIRTQ_EVENT_F_DESC    2u
struct virtq_packed_event {
	uint16_t off_wrap; /* le16: descriptor offset | wrap counter << 15 */
	uint16_t flags;    /* le16: VIRTQ_EVENT_F_* */
};
_Static_assert(sizeof(struct virtq_packed_event) == 4, "§2.8.10: 4-byte event structure");

#define VIRTQ_MAX_SIZE 32768u

/*
 * Little-endian access to shared memory.  On a little-endian CPU these are
 * plain volatile accesses; elsewhere they swap.  volatile: the device
 * changes this memory behind the compiler's back.
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

#endif
