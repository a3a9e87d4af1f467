/*
 * VirtIO 1.3 wire format of the virtqueues: the split ring (§2.7) and the
 * packed ring (§2.8), their flags, alignments and area sizes.  Split ring
 * fields are in the device's order (virtio16_t ..: guest-endian on a legacy
 * interface, §2.7.3), packed ring fields little-endian (a 1.x feature).
 * Only <stdint.h>/<stddef.h> and common.h (the byte-order types):
 * includable alone.
 */
#ifndef VIRTIO_WIRE_RING_H
#define VIRTIO_WIRE_RING_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

#define VIRTQ_MAX_SIZE 32768u /* largest Queue Size (§2.7; packed: §2.8) */

/* Descriptor flags, shared by split and packed rings (§2.7.5, §2.8.13). */
#define VIRTQ_DESC_F_NEXT     1u         /* the chain continues (split: at `next`) */
#define VIRTQ_DESC_F_WRITE    2u         /* device-writable (otherwise device-readable) */
#define VIRTQ_DESC_F_INDIRECT 4u         /* the buffer is a table of descriptors */
#define VIRTQ_DESC_F_AVAIL    (1u << 7)  /* packed: the driver's availability bit */
#define VIRTQ_DESC_F_USED     (1u << 15) /* packed: the device's used bit */

/* ---- split ring (§2.7) ---------------------------------------------- */

/* Descriptor table entry (§2.7.5), Descriptor Area. */
struct virtq_desc {
	virtio64_t addr;  /* guest-physical address of the buffer */
	virtio32_t len;   /* its length in bytes */
	virtio16_t flags; /* VIRTQ_DESC_F_NEXT/WRITE/INDIRECT */
	virtio16_t next;  /* the next descriptor when F_NEXT */
};
_Static_assert(sizeof(struct virtq_desc) == 16, "§2.7.5: 16-byte descriptor");
_Static_assert(offsetof(struct virtq_desc, addr) == 0, "virtq_desc.addr at 0");
_Static_assert(offsetof(struct virtq_desc, len) == 8, "virtq_desc.len at 8");
_Static_assert(offsetof(struct virtq_desc, flags) == 12, "virtq_desc.flags at 12");
_Static_assert(offsetof(struct virtq_desc, next) == 14, "virtq_desc.next at 14");

/* Available ring (§2.7.6), Driver Area, written by the driver. */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u /* avail.flags: no used-buffer notifications, please */
struct virtq_avail {
	virtio16_t flags;  /* VIRTQ_AVAIL_F_NO_INTERRUPT (0 with EVENT_IDX) */
	virtio16_t idx;    /* where the driver puts the next entry, free-running */
	virtio16_t ring[]; /* [Queue Size] chain heads, then used_event (EVENT_IDX) */
};
_Static_assert(offsetof(struct virtq_avail, flags) == 0, "virtq_avail.flags at 0");
_Static_assert(offsetof(struct virtq_avail, idx) == 2, "virtq_avail.idx at 2");
_Static_assert(offsetof(struct virtq_avail, ring) == 4, "virtq_avail.ring at 4");

/* Used ring (§2.7.8), Device Area, written by the device. */
#define VIRTQ_USED_F_NO_NOTIFY 1u /* used.flags: no available-buffer notifications, please */
struct virtq_used_elem {
	virtio32_t id;  /* head of the completed chain (32 bits for padding reasons) */
	virtio32_t len; /* bytes written into the device-writable part */
};
_Static_assert(sizeof(struct virtq_used_elem) == 8, "§2.7.8: 8-byte used element");
_Static_assert(offsetof(struct virtq_used_elem, id) == 0, "virtq_used_elem.id at 0");
_Static_assert(offsetof(struct virtq_used_elem, len) == 4, "virtq_used_elem.len at 4");
struct virtq_used {
	virtio16_t flags;              /* VIRTQ_USED_F_NO_NOTIFY (0 with EVENT_IDX) */
	virtio16_t idx;                /* where the device puts the next entry */
	struct virtq_used_elem ring[]; /* [Queue Size], then a virtio16_t avail_event (EVENT_IDX) */
};
_Static_assert(offsetof(struct virtq_used, flags) == 0, "virtq_used.flags at 0");
_Static_assert(offsetof(struct virtq_used, idx) == 2, "virtq_used.idx at 2");
_Static_assert(offsetof(struct virtq_used, ring) == 4, "virtq_used.ring at 4");

/* Minimum alignment of each part (§2.7, table; §2.7.1 requires it). */
#define VIRTQ_DESC_ALIGN  16u
#define VIRTQ_AVAIL_ALIGN 2u
#define VIRTQ_USED_ALIGN  4u

/* Size of each part for a queue of n entries (§2.7, table): 16n, 6 + 2n
 * and 6 + 8n, the 6 being flags, idx and the trailing event field. */
#define VIRTQ_DESC_TABLE_BYTES(n) ((size_t)(n) * sizeof(struct virtq_desc))
#define VIRTQ_AVAIL_BYTES(n)                                                  \
	(offsetof(struct virtq_avail, ring) + (size_t)(n) * sizeof(uint16_t) + \
	 sizeof(uint16_t))
#define VIRTQ_USED_BYTES(n)                                                   \
	(offsetof(struct virtq_used, ring) +                                  \
	 (size_t)(n) * sizeof(struct virtq_used_elem) + sizeof(uint16_t))

/* ---- packed ring (§2.8) --------------------------------------------- */

/* Packed descriptor (§2.8.13), Descriptor Area, written by both sides. */
struct virtq_packed_desc {
	virtio_le64_t addr;  /* guest-physical address of the buffer */
	virtio_le32_t len;   /* its length (used: bytes written) */
	virtio_le16_t id;    /* buffer id, returned with the used descriptor */
	virtio_le16_t flags; /* VIRTQ_DESC_F_* including AVAIL/USED */
};
_Static_assert(sizeof(struct virtq_packed_desc) == 16, "§2.8.13: 16-byte descriptor");
_Static_assert(offsetof(struct virtq_packed_desc, addr) == 0, "virtq_packed_desc.addr at 0");
_Static_assert(offsetof(struct virtq_packed_desc, len) == 8, "virtq_packed_desc.len at 8");
_Static_assert(offsetof(struct virtq_packed_desc, id) == 12, "virtq_packed_desc.id at 12");
_Static_assert(offsetof(struct virtq_packed_desc, flags) == 14, "virtq_packed_desc.flags at 14");

/* Event suppression structure (§2.8.10, §2.8.14): the Driver Area (the
 * driver writes it) and the Device Area (the device writes it) are one each. */
#define VIRTQ_EVENT_F_ENABLE  0u /* flags: notify on every event */
#define VIRTQ_EVENT_F_DISABLE 1u /* flags: never notify */
#define VIRTQ_EVENT_F_DESC    2u /* flags: notify at off_wrap (EVENT_IDX) */
struct virtq_packed_event {
	virtio_le16_t off_wrap; /* descriptor offset, wrap counter in bit 15 */
	virtio_le16_t flags;    /* VIRTQ_EVENT_F_* */
};
_Static_assert(sizeof(struct virtq_packed_event) == 4, "§2.8.14: 4-byte event structure");
_Static_assert(offsetof(struct virtq_packed_event, off_wrap) == 0, "virtq_packed_event.off_wrap at 0");
_Static_assert(offsetof(struct virtq_packed_event, flags) == 2, "virtq_packed_event.flags at 2");

/* Alignment and size of each part (§2.8.10.1): the ring 16n at 16, each
 * event suppression structure 4 at 4. */
#define VIRTQ_PACKED_DESC_ALIGN  16u
#define VIRTQ_PACKED_EVENT_ALIGN 4u
#define VIRTQ_PACKED_RING_BYTES(n) ((size_t)(n) * sizeof(struct virtq_packed_desc))

#endif
