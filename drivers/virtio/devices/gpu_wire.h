/*
 * virtio-gpu wire formats (§5.7.6), 2D and cursor commands only: the
 * structs the driver lays out in its DMA slots.  Every field is
 * little-endian (touch it through virtio_le*_store/load); sizes are
 * pinned by _Static_assert.  Private to gpu.c until the shared wire
 * headers land; the constants callers need are in virtio/gpu.h.
 */
#ifndef VIRTIO_GPU_WIRE_H
#define VIRTIO_GPU_WIRE_H

#include <stdint.h>

#include "virtio/gpu.h"

/* §5.7.6.7: the header of every request and every response. */
struct virtio_gpu_ctrl_hdr {
	uint32_t type;     /* le32: VIRTIO_GPU_CMD_* or VIRTIO_GPU_RESP_* */
	uint32_t flags;    /* le32: VIRTIO_GPU_FLAG_* */
	uint64_t fence_id; /* le64: echoed in a fenced answer */
	uint32_t ctx_id;   /* le32: 3D only, 0 here */
	uint8_t ring_idx;  /* CONTEXT_INIT only, 0 here */
	uint8_t padding[3];
};
_Static_assert(sizeof(struct virtio_gpu_ctrl_hdr) == 24, "§5.7.6.7: 24-byte header");

struct virtio_gpu_rect {
	uint32_t x, y, width, height; /* le32 each */
};
_Static_assert(sizeof(struct virtio_gpu_rect) == 16, "§5.7.6.8: 16-byte rect");

/* GET_DISPLAY_INFO answer: one entry per possible scanout. */
struct virtio_gpu_display_one {
	struct virtio_gpu_rect r; /* preferred position and size */
	uint32_t enabled;         /* le32 */
	uint32_t flags;           /* le32 */
};
struct virtio_gpu_resp_display_info {
	struct virtio_gpu_ctrl_hdr hdr;
	struct virtio_gpu_display_one pmodes[VIRTIO_GPU_MAX_SCANOUTS];
};
_Static_assert(sizeof(struct virtio_gpu_resp_display_info) == 408, "§5.7.6.8: 408 bytes");

struct virtio_gpu_get_edid {
	struct virtio_gpu_ctrl_hdr hdr;
	uint32_t scanout; /* le32 */
	uint32_t padding;
};
struct virtio_gpu_resp_edid {
	struct virtio_gpu_ctrl_hdr hdr;
	uint32_t size;    /* le32: bytes of edid[] in use */
	uint32_t padding;
	uint8_t edid[VIRTIO_GPU_EDID_MAX];
};
_Static_assert(sizeof(struct virtio_gpu_resp_edid) == 1056, "§5.7.6.8: 1056 bytes");

struct virtio_gpu_resource_create_2d {
	struct virtio_gpu_ctrl_hdr hdr;
	uint32_t resource_id, format, width, height; /* le32 each */
};
_Static_assert(sizeof(struct virtio_gpu_resource_create_2d) == 40, "§5.7.6.8");

/* UNREF and DETACH_BACKING carry only the resource. */
struct virtio_gpu_resource_only {
	struct virtio_gpu_ctrl_hdr hdr;
	uint32_t resource_id; /* le32 */
	uint32_t padding;
};
_Static_assert(sizeof(struct virtio_gpu_resource_only) == 32, "§5.7.6.8");

struct virtio_gpu_set_scanout {
	struct virtio_gpu_ctrl_hdr hdr;
	struct virtio_gpu_rect r;
	uint32_t scanout_id, resource_id; /* le32 each */
};
_Static_assert(sizeof(struct virtio_gpu_set_scanout) == 48, "§5.7.6.8");

struct virtio_gpu_resource_flush {
	struct virtio_gpu_ctrl_hdr hdr;
	struct virtio_gpu_rect r;
	uint32_t resource_id; /* le32 */
	uint32_t padding;
};
_Static_assert(sizeof(struct virtio_gpu_resource_flush) == 48, "§5.7.6.8");

struct virtio_gpu_transfer_to_host_2d {
	struct virtio_gpu_ctrl_hdr hdr;
	struct virtio_gpu_rect r;
	uint64_t offset;      /* le64: byte offset in the backing of r's first pixel */
	uint32_t resource_id; /* le32 */
	uint32_t padding;
};
_Static_assert(sizeof(struct virtio_gpu_transfer_to_host_2d) == 56, "§5.7.6.8");

/* ATTACH_BACKING: this header, then nr_entries memory entries. */
struct virtio_gpu_resource_attach_backing {
	struct virtio_gpu_ctrl_hdr hdr;
	uint32_t resource_id, nr_entries; /* le32 each */
};
_Static_assert(sizeof(struct virtio_gpu_resource_attach_backing) == 32, "§5.7.6.8");
struct virtio_gpu_mem_entry {
	uint64_t addr;   /* le64: DMA address */
	uint32_t length; /* le32 */
	uint32_t padding;
};
_Static_assert(sizeof(struct virtio_gpu_mem_entry) == 16, "§5.7.6.8");

/* §5.7.6.10: both cursor commands. */
struct virtio_gpu_cursor_pos {
	uint32_t scanout_id, x, y, padding; /* le32 each */
};
struct virtio_gpu_update_cursor {
	struct virtio_gpu_ctrl_hdr hdr;
	struct virtio_gpu_cursor_pos pos;
	uint32_t resource_id, hot_x, hot_y, padding; /* le32 each */
};
_Static_assert(sizeof(struct virtio_gpu_update_cursor) == 56, "§5.7.6.10");

/* One command's DMA area in a queue's slab (gpu.c): request, the memory
 * entries of ATTACH_BACKING, answer. */
struct vgpu_slot_dma {
	union {
		struct virtio_gpu_ctrl_hdr hdr;
		struct virtio_gpu_get_edid get_edid;
		struct virtio_gpu_resource_create_2d create_2d;
		struct virtio_gpu_resource_only resource;
		struct virtio_gpu_resource_attach_backing attach;
		struct virtio_gpu_set_scanout set_scanout;
		struct virtio_gpu_resource_flush flush;
		struct virtio_gpu_transfer_to_host_2d transfer;
		struct virtio_gpu_update_cursor cursor;
	} req;
	struct virtio_gpu_mem_entry entries[VGPU_MAX_BACKING];
	union {
		struct virtio_gpu_ctrl_hdr hdr;
		struct virtio_gpu_resp_display_info display_info;
		struct virtio_gpu_resp_edid edid;
	} resp;
};

#endif
