/*
 * VirtIO 1.3 wire format of the GPU device (§5.7): queues, feature bits,
 * the configuration layout, the control header, every 2D command and
 * response, the blob and context structures the spec gives, formats,
 * flags and the cursor commands.  All multi-byte fields are little-endian.
 * Each command is a chain: the device-readable request, then a
 * device-writable response, both starting with struct virtio_gpu_ctrl_hdr.
 * Only <stdint.h>/<stddef.h> and common.h (the byte-order types):
 * includable alone.
 */
#ifndef VIRTIO_WIRE_GPU_H
#define VIRTIO_WIRE_GPU_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

/* Queues (§5.7.2). */
#define VIRTIO_GPU_QUEUE_CONTROL 0u /* controlq: every command but the cursor's */
#define VIRTIO_GPU_QUEUE_CURSOR  1u /* cursorq: UPDATE_CURSOR, MOVE_CURSOR */

/* Feature bits (§5.7.3). */
#define VIRTIO_GPU_F_VIRGL         0 /* virgl 3D mode */
#define VIRTIO_GPU_F_EDID          1 /* GET_EDID */
#define VIRTIO_GPU_F_RESOURCE_UUID 2 /* RESOURCE_ASSIGN_UUID */
#define VIRTIO_GPU_F_RESOURCE_BLOB 3 /* blob resources */
#define VIRTIO_GPU_F_CONTEXT_INIT  4 /* context types and timelines (needs VIRGL) */

/* Configuration layout (§5.7.4). */
#define VIRTIO_GPU_EVENT_DISPLAY (1u << 0) /* events: the display configuration changed */
struct virtio_gpu_config {
	virtio_le32_t events_read;  /* pending VIRTIO_GPU_EVENT_*; never written by the driver */
	virtio_le32_t events_clear; /* write 1s to clear those bits of events_read */
	virtio_le32_t num_scanouts; /* scanouts supported, 1..16 */
	virtio_le32_t num_capsets;  /* capability sets supported */
};
_Static_assert(sizeof(struct virtio_gpu_config) == 16, "§5.7.4: 16-byte configuration");
_Static_assert(offsetof(struct virtio_gpu_config, events_read) == 0, "gpu_config.events_read at 0");
_Static_assert(offsetof(struct virtio_gpu_config, events_clear) == 4, "gpu_config.events_clear at 4");
_Static_assert(offsetof(struct virtio_gpu_config, num_scanouts) == 8, "gpu_config.num_scanouts at 8");
_Static_assert(offsetof(struct virtio_gpu_config, num_capsets) == 12, "gpu_config.num_capsets at 12");

/* Shared memory region ids (§5.7.5). */
enum virtio_gpu_shm_id {
	VIRTIO_GPU_SHM_ID_UNDEFINED = 0,
	VIRTIO_GPU_SHM_ID_HOST_VISIBLE = 1, /* the host visible memory region */
};

/* Request and response types (§5.7.6.7). */
enum virtio_gpu_ctrl_type {
	/* 2D commands */
	VIRTIO_GPU_CMD_GET_DISPLAY_INFO = 0x0100,
	VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,       /* 0x0101 */
	VIRTIO_GPU_CMD_RESOURCE_UNREF,           /* 0x0102 */
	VIRTIO_GPU_CMD_SET_SCANOUT,              /* 0x0103 */
	VIRTIO_GPU_CMD_RESOURCE_FLUSH,           /* 0x0104 */
	VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,      /* 0x0105 */
	VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING,  /* 0x0106 */
	VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING,  /* 0x0107 */
	VIRTIO_GPU_CMD_GET_CAPSET_INFO,          /* 0x0108 */
	VIRTIO_GPU_CMD_GET_CAPSET,               /* 0x0109 */
	VIRTIO_GPU_CMD_GET_EDID,                 /* 0x010a */
	VIRTIO_GPU_CMD_RESOURCE_ASSIGN_UUID,     /* 0x010b */
	VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB,     /* 0x010c */
	VIRTIO_GPU_CMD_SET_SCANOUT_BLOB,         /* 0x010d */
	/* 3D commands */
	VIRTIO_GPU_CMD_CTX_CREATE = 0x0200,
	VIRTIO_GPU_CMD_CTX_DESTROY,              /* 0x0201 */
	VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE,      /* 0x0202 */
	VIRTIO_GPU_CMD_CTX_DETACH_RESOURCE,      /* 0x0203 */
	VIRTIO_GPU_CMD_RESOURCE_CREATE_3D,       /* 0x0204 */
	VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D,      /* 0x0205 */
	VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D,    /* 0x0206 */
	VIRTIO_GPU_CMD_SUBMIT_3D,                /* 0x0207 */
	VIRTIO_GPU_CMD_RESOURCE_MAP_BLOB,        /* 0x0208 */
	VIRTIO_GPU_CMD_RESOURCE_UNMAP_BLOB,      /* 0x0209 */
	/* cursor commands */
	VIRTIO_GPU_CMD_UPDATE_CURSOR = 0x0300,
	VIRTIO_GPU_CMD_MOVE_CURSOR,              /* 0x0301 */
	/* success responses */
	VIRTIO_GPU_RESP_OK_NODATA = 0x1100,
	VIRTIO_GPU_RESP_OK_DISPLAY_INFO,         /* 0x1101 */
	VIRTIO_GPU_RESP_OK_CAPSET_INFO,          /* 0x1102 */
	VIRTIO_GPU_RESP_OK_CAPSET,               /* 0x1103 */
	VIRTIO_GPU_RESP_OK_EDID,                 /* 0x1104 */
	VIRTIO_GPU_RESP_OK_RESOURCE_UUID,        /* 0x1105 */
	VIRTIO_GPU_RESP_OK_MAP_INFO,             /* 0x1106 */
	/* error responses */
	VIRTIO_GPU_RESP_ERR_UNSPEC = 0x1200,
	VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY,       /* 0x1201 */
	VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID,  /* 0x1202 */
	VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID, /* 0x1203 */
	VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID,  /* 0x1204 */
	VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,   /* 0x1205 */
};
_Static_assert(VIRTIO_GPU_CMD_SET_SCANOUT_BLOB == 0x010d, "§5.7.6.7: 2D commands");
_Static_assert(VIRTIO_GPU_CMD_RESOURCE_UNMAP_BLOB == 0x0209, "§5.7.6.7: 3D commands");
_Static_assert(VIRTIO_GPU_CMD_MOVE_CURSOR == 0x0301, "§5.7.6.7: cursor commands");
_Static_assert(VIRTIO_GPU_RESP_OK_MAP_INFO == 0x1106, "§5.7.6.7: success responses");
_Static_assert(VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER == 0x1205, "§5.7.6.7: error responses");

/* Header flags (§5.7.6.7). */
#define VIRTIO_GPU_FLAG_FENCE         (1u << 0) /* answer only when done; echo fence_id */
#define VIRTIO_GPU_FLAG_INFO_RING_IDX (1u << 1) /* ring_idx is valid (CONTEXT_INIT) */

/* The header of every request and response (§5.7.6.7). */
struct virtio_gpu_ctrl_hdr {
	virtio_le32_t type;     /* VIRTIO_GPU_CMD_* or VIRTIO_GPU_RESP_* */
	virtio_le32_t flags;    /* VIRTIO_GPU_FLAG_* */
	virtio_le64_t fence_id; /* with FLAG_FENCE, copied into the response */
	virtio_le32_t ctx_id;   /* rendering context (3D only) */
	uint8_t ring_idx;       /* context-specific ring 0..63 (FLAG_INFO_RING_IDX) */
	uint8_t padding[3];     /* reserved */
};
_Static_assert(sizeof(struct virtio_gpu_ctrl_hdr) == 24, "§5.7.6.7: 24-byte header");
_Static_assert(offsetof(struct virtio_gpu_ctrl_hdr, type) == 0, "ctrl_hdr.type at 0");
_Static_assert(offsetof(struct virtio_gpu_ctrl_hdr, flags) == 4, "ctrl_hdr.flags at 4");
_Static_assert(offsetof(struct virtio_gpu_ctrl_hdr, fence_id) == 8, "ctrl_hdr.fence_id at 8");
_Static_assert(offsetof(struct virtio_gpu_ctrl_hdr, ctx_id) == 16, "ctrl_hdr.ctx_id at 16");
_Static_assert(offsetof(struct virtio_gpu_ctrl_hdr, ring_idx) == 20, "ctrl_hdr.ring_idx at 20");
_Static_assert(offsetof(struct virtio_gpu_ctrl_hdr, padding) == 21, "ctrl_hdr.padding at 21");

/* Pin a command struct: its size, and each field after the 24-byte header. */
#define VIRTIO_GPU_SIZE(s, n) _Static_assert(sizeof(struct s) == (n), "§5.7.6: " #s " size")
#define VIRTIO_GPU_AT(s, f, o) _Static_assert(offsetof(struct s, f) == (o), #s "." #f " offset")

/* A rectangle; 0,0 is the top left, x grows right, y down (§5.7.6.8). */
struct virtio_gpu_rect {
	virtio_le32_t x;
	virtio_le32_t y;
	virtio_le32_t width;
	virtio_le32_t height;
};
VIRTIO_GPU_SIZE(virtio_gpu_rect, 16);
VIRTIO_GPU_AT(virtio_gpu_rect, x, 0);
VIRTIO_GPU_AT(virtio_gpu_rect, y, 4);
VIRTIO_GPU_AT(virtio_gpu_rect, width, 8);
VIRTIO_GPU_AT(virtio_gpu_rect, height, 12);

/* ---- 2D commands on the controlq (§5.7.6.8) ------------------------- */

/* GET_DISPLAY_INFO: bare header; answer OK_DISPLAY_INFO with this. */
#define VIRTIO_GPU_MAX_SCANOUTS 16
struct virtio_gpu_display_one {
	struct virtio_gpu_rect r; /* preferred position and size */
	virtio_le32_t enabled;    /* the user enabled this display */
	virtio_le32_t flags;      /* reserved */
};
VIRTIO_GPU_SIZE(virtio_gpu_display_one, 24);
VIRTIO_GPU_AT(virtio_gpu_display_one, enabled, 16);
VIRTIO_GPU_AT(virtio_gpu_display_one, flags, 20);
struct virtio_gpu_resp_display_info {
	struct virtio_gpu_ctrl_hdr hdr;                                /* OK_DISPLAY_INFO */
	struct virtio_gpu_display_one pmodes[VIRTIO_GPU_MAX_SCANOUTS]; /* one per scanout */
};
VIRTIO_GPU_SIZE(virtio_gpu_resp_display_info, 408);
VIRTIO_GPU_AT(virtio_gpu_resp_display_info, pmodes, 24);

/* GET_EDID (F_EDID): answer OK_EDID. */
struct virtio_gpu_get_edid {
	struct virtio_gpu_ctrl_hdr hdr; /* CMD_GET_EDID */
	virtio_le32_t scanout;          /* which scanout */
	virtio_le32_t padding;
};
VIRTIO_GPU_SIZE(virtio_gpu_get_edid, 32);
VIRTIO_GPU_AT(virtio_gpu_get_edid, scanout, 24);
VIRTIO_GPU_AT(virtio_gpu_get_edid, padding, 28);
struct virtio_gpu_resp_edid {
	struct virtio_gpu_ctrl_hdr hdr; /* OK_EDID */
	virtio_le32_t size;             /* bytes of edid used */
	virtio_le32_t padding;
	uint8_t edid[1024];             /* the VESA EDID blob */
};
VIRTIO_GPU_SIZE(virtio_gpu_resp_edid, 1056);
VIRTIO_GPU_AT(virtio_gpu_resp_edid, size, 24);
VIRTIO_GPU_AT(virtio_gpu_resp_edid, padding, 28);
VIRTIO_GPU_AT(virtio_gpu_resp_edid, edid, 32);

/* Pixel formats (§5.7.6.8), named by byte order in memory. */
enum virtio_gpu_formats {
	VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM = 1,
	VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM = 2,
	VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM = 3,
	VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM = 4,
	VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM = 67,
	VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM = 68,
	VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM = 121,
	VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM = 134,
};

/* RESOURCE_CREATE_2D: answer OK_NODATA. */
struct virtio_gpu_resource_create_2d {
	struct virtio_gpu_ctrl_hdr hdr; /* CMD_RESOURCE_CREATE_2D */
	virtio_le32_t resource_id;      /* chosen by the driver, not 0 */
	virtio_le32_t format;           /* enum virtio_gpu_formats */
	virtio_le32_t width;            /* pixels */
	virtio_le32_t height;           /* pixels */
};
VIRTIO_GPU_SIZE(virtio_gpu_resource_create_2d, 40);
VIRTIO_GPU_AT(virtio_gpu_resource_create_2d, resource_id, 24);
VIRTIO_GPU_AT(virtio_gpu_resource_create_2d, format, 28);
VIRTIO_GPU_AT(virtio_gpu_resource_create_2d, width, 32);
VIRTIO_GPU_AT(virtio_gpu_resource_create_2d, height, 36);

/* RESOURCE_UNREF: answer OK_NODATA. */
struct virtio_gpu_resource_unref {
	struct virtio_gpu_ctrl_hdr hdr; /* CMD_RESOURCE_UNREF */
	virtio_le32_t resource_id;      /* the resource to destroy */
	virtio_le32_t padding;
};
VIRTIO_GPU_SIZE(virtio_gpu_resource_unref, 32);
VIRTIO_GPU_AT(virtio_gpu_resource_unref, resource_id, 24);
VIRTIO_GPU_AT(virtio_gpu_resource_unref, padding, 28);

/* SET_SCANOUT: answer OK_NODATA; resource_id 0 disables the scanout. */
struct virtio_gpu_set_scanout {
	struct virtio_gpu_ctrl_hdr hdr; /* CMD_SET_SCANOUT */
	struct virtio_gpu_rect r;       /* the part of the resource shown */
	virtio_le32_t scanout_id;       /* which scanout */
	virtio_le32_t resource_id;      /* what it shows; 0 = off */
};
VIRTIO_GPU_SIZE(virtio_gpu_set_scanout, 48);
VIRTIO_GPU_AT(virtio_gpu_set_scanout, r, 24);
VIRTIO_GPU_AT(virtio_gpu_set_scanout, scanout_id, 40);
VIRTIO_GPU_AT(virtio_gpu_set_scanout, resource_id, 44);

/* RESOURCE_FLUSH: answer OK_NODATA; flushes every scanout showing it. */
struct virtio_gpu_resource_flush {
	struct virtio_gpu_ctrl_hdr hdr; /* CMD_RESOURCE_FLUSH */
	struct virtio_gpu_rect r;       /* the region to flush */
	virtio_le32_t resource_id;      /* the resource */
	virtio_le32_t padding;
};
VIRTIO_GPU_SIZE(virtio_gpu_resource_flush, 48);
VIRTIO_GPU_AT(virtio_gpu_resource_flush, r, 24);
VIRTIO_GPU_AT(virtio_gpu_resource_flush, resource_id, 40);
VIRTIO_GPU_AT(virtio_gpu_resource_flush, padding, 44);

/* TRANSFER_TO_HOST_2D: guest backing -> host resource; answer OK_NODATA. */
struct virtio_gpu_transfer_to_host_2d {
	struct virtio_gpu_ctrl_hdr hdr; /* CMD_TRANSFER_TO_HOST_2D */
	struct virtio_gpu_rect r;       /* the box to transfer */
	virtio_le64_t offset;           /* byte offset in the backing of r's first pixel */
	virtio_le32_t resource_id;      /* the resource */
	virtio_le32_t padding;
};
VIRTIO_GPU_SIZE(virtio_gpu_transfer_to_host_2d, 56);
VIRTIO_GPU_AT(virtio_gpu_transfer_to_host_2d, r, 24);
VIRTIO_GPU_AT(virtio_gpu_transfer_to_host_2d, offset, 40);
VIRTIO_GPU_AT(virtio_gpu_transfer_to_host_2d, resource_id, 48);
VIRTIO_GPU_AT(virtio_gpu_transfer_to_host_2d, padding, 52);

/* RESOURCE_ATTACH_BACKING: followed by nr_entries memory entries (which
 * need not be contiguous); answer OK_NODATA. */
struct virtio_gpu_resource_attach_backing {
	struct virtio_gpu_ctrl_hdr hdr; /* CMD_RESOURCE_ATTACH_BACKING */
	virtio_le32_t resource_id;      /* the resource */
	virtio_le32_t nr_entries;       /* struct virtio_gpu_mem_entry that follow */
};
VIRTIO_GPU_SIZE(virtio_gpu_resource_attach_backing, 32);
VIRTIO_GPU_AT(virtio_gpu_resource_attach_backing, resource_id, 24);
VIRTIO_GPU_AT(virtio_gpu_resource_attach_backing, nr_entries, 28);
struct virtio_gpu_mem_entry {
	virtio_le64_t addr;   /* guest-physical address of a piece of backing */
	virtio_le32_t length; /* its length in bytes */
	virtio_le32_t padding;
};
VIRTIO_GPU_SIZE(virtio_gpu_mem_entry, 16);
VIRTIO_GPU_AT(virtio_gpu_mem_entry, addr, 0);
VIRTIO_GPU_AT(virtio_gpu_mem_entry, length, 8);
VIRTIO_GPU_AT(virtio_gpu_mem_entry, padding, 12);

/* RESOURCE_DETACH_BACKING: answer OK_NODATA. */
struct virtio_gpu_resource_detach_backing {
	struct virtio_gpu_ctrl_hdr hdr; /* CMD_RESOURCE_DETACH_BACKING */
	virtio_le32_t resource_id;      /* the resource */
	virtio_le32_t padding;
};
VIRTIO_GPU_SIZE(virtio_gpu_resource_detach_backing, 32);
VIRTIO_GPU_AT(virtio_gpu_resource_detach_backing, resource_id, 24);
VIRTIO_GPU_AT(virtio_gpu_resource_detach_backing, padding, 28);

/* GET_CAPSET_INFO: answer OK_CAPSET_INFO. */
struct virtio_gpu_get_capset_info {
	struct virtio_gpu_ctrl_hdr hdr; /* CMD_GET_CAPSET_INFO */
	virtio_le32_t capset_index;     /* < num_capsets */
	virtio_le32_t padding;
};
VIRTIO_GPU_SIZE(virtio_gpu_get_capset_info, 32);
VIRTIO_GPU_AT(virtio_gpu_get_capset_info, capset_index, 24);
VIRTIO_GPU_AT(virtio_gpu_get_capset_info, padding, 28);
#define VIRTIO_GPU_CAPSET_VIRGL        1 /* virgl, first edition */
#define VIRTIO_GPU_CAPSET_VIRGL2       2 /* virgl after the capset fix */
#define VIRTIO_GPU_CAPSET_GFXSTREAM    3 /* gfxstream GLES and Vulkan streams */
#define VIRTIO_GPU_CAPSET_VENUS        4 /* Mesa's Vulkan protocol */
#define VIRTIO_GPU_CAPSET_CROSS_DOMAIN 5 /* Wayland proxying */
struct virtio_gpu_resp_capset_info {
	struct virtio_gpu_ctrl_hdr hdr; /* OK_CAPSET_INFO */
	virtio_le32_t capset_id;        /* VIRTIO_GPU_CAPSET_* */
	virtio_le32_t capset_max_version;
	virtio_le32_t capset_max_size;  /* bytes */
	virtio_le32_t padding;
};
VIRTIO_GPU_SIZE(virtio_gpu_resp_capset_info, 40);
VIRTIO_GPU_AT(virtio_gpu_resp_capset_info, capset_id, 24);
VIRTIO_GPU_AT(virtio_gpu_resp_capset_info, capset_max_version, 28);
VIRTIO_GPU_AT(virtio_gpu_resp_capset_info, capset_max_size, 32);
VIRTIO_GPU_AT(virtio_gpu_resp_capset_info, padding, 36);

/* GET_CAPSET: answer OK_CAPSET with the capset data. */
struct virtio_gpu_get_capset {
	struct virtio_gpu_ctrl_hdr hdr; /* CMD_GET_CAPSET */
	virtio_le32_t capset_id;        /* VIRTIO_GPU_CAPSET_* */
	virtio_le32_t capset_version;
};
VIRTIO_GPU_SIZE(virtio_gpu_get_capset, 32);
VIRTIO_GPU_AT(virtio_gpu_get_capset, capset_id, 24);
VIRTIO_GPU_AT(virtio_gpu_get_capset, capset_version, 28);
struct virtio_gpu_resp_capset {
	struct virtio_gpu_ctrl_hdr hdr; /* OK_CAPSET */
	uint8_t capset_data[];          /* up to capset_max_size bytes */
};
VIRTIO_GPU_AT(virtio_gpu_resp_capset, capset_data, 24);

/* RESOURCE_ASSIGN_UUID (F_RESOURCE_UUID): answer OK_RESOURCE_UUID. */
struct virtio_gpu_resource_assign_uuid {
	struct virtio_gpu_ctrl_hdr hdr; /* CMD_RESOURCE_ASSIGN_UUID */
	virtio_le32_t resource_id;      /* the resource to export */
	virtio_le32_t padding;
};
VIRTIO_GPU_SIZE(virtio_gpu_resource_assign_uuid, 32);
VIRTIO_GPU_AT(virtio_gpu_resource_assign_uuid, resource_id, 24);
VIRTIO_GPU_AT(virtio_gpu_resource_assign_uuid, padding, 28);
struct virtio_gpu_resp_resource_uuid {
	struct virtio_gpu_ctrl_hdr hdr; /* OK_RESOURCE_UUID */
	uint8_t uuid[16];               /* the exported object */
};
VIRTIO_GPU_SIZE(virtio_gpu_resp_resource_uuid, 40);
VIRTIO_GPU_AT(virtio_gpu_resp_resource_uuid, uuid, 24);

/* RESOURCE_CREATE_BLOB (F_RESOURCE_BLOB): followed by nr_entries memory
 * entries; answer OK_NODATA. */
#define VIRTIO_GPU_BLOB_MEM_GUEST        0x0001u /* guest memory only */
#define VIRTIO_GPU_BLOB_MEM_HOST3D       0x0002u /* host memory only (VIRGL) */
#define VIRTIO_GPU_BLOB_MEM_HOST3D_GUEST 0x0003u /* both (VIRGL) */
#define VIRTIO_GPU_BLOB_FLAG_USE_MAPPABLE     0x0001u /* will be mapped */
#define VIRTIO_GPU_BLOB_FLAG_USE_SHAREABLE    0x0002u /* shared between driver instances */
#define VIRTIO_GPU_BLOB_FLAG_USE_CROSS_DEVICE 0x0004u /* shared with other devices */
struct virtio_gpu_resource_create_blob {
	struct virtio_gpu_ctrl_hdr hdr; /* CMD_RESOURCE_CREATE_BLOB */
	virtio_le32_t resource_id;      /* chosen by the driver */
	virtio_le32_t blob_mem;         /* VIRTIO_GPU_BLOB_MEM_*, not 0 */
	virtio_le32_t blob_flags;       /* VIRTIO_GPU_BLOB_FLAG_* */
	virtio_le32_t nr_entries;       /* struct virtio_gpu_mem_entry that follow */
	virtio_le64_t blob_id;          /* context-local object (HOST3D*) */
	virtio_le64_t size;             /* bytes */
};
VIRTIO_GPU_SIZE(virtio_gpu_resource_create_blob, 56);
VIRTIO_GPU_AT(virtio_gpu_resource_create_blob, resource_id, 24);
VIRTIO_GPU_AT(virtio_gpu_resource_create_blob, blob_mem, 28);
VIRTIO_GPU_AT(virtio_gpu_resource_create_blob, blob_flags, 32);
VIRTIO_GPU_AT(virtio_gpu_resource_create_blob, nr_entries, 36);
VIRTIO_GPU_AT(virtio_gpu_resource_create_blob, blob_id, 40);
VIRTIO_GPU_AT(virtio_gpu_resource_create_blob, size, 48);

/* SET_SCANOUT_BLOB (F_RESOURCE_BLOB): answer OK_NODATA. */
struct virtio_gpu_set_scanout_blob {
	struct virtio_gpu_ctrl_hdr hdr; /* CMD_SET_SCANOUT_BLOB */
	struct virtio_gpu_rect r;       /* the part of the blob shown */
	virtio_le32_t scanout_id;       /* which scanout */
	virtio_le32_t resource_id;      /* the blob resource */
	virtio_le32_t width;            /* of the blob image */
	virtio_le32_t height;
	virtio_le32_t format;           /* enum virtio_gpu_formats */
	virtio_le32_t padding;
	virtio_le32_t strides[4];       /* bytes per line, per plane */
	virtio_le32_t offsets[4];       /* start of each plane */
};
VIRTIO_GPU_SIZE(virtio_gpu_set_scanout_blob, 96);
VIRTIO_GPU_AT(virtio_gpu_set_scanout_blob, r, 24);
VIRTIO_GPU_AT(virtio_gpu_set_scanout_blob, scanout_id, 40);
VIRTIO_GPU_AT(virtio_gpu_set_scanout_blob, resource_id, 44);
VIRTIO_GPU_AT(virtio_gpu_set_scanout_blob, width, 48);
VIRTIO_GPU_AT(virtio_gpu_set_scanout_blob, height, 52);
VIRTIO_GPU_AT(virtio_gpu_set_scanout_blob, format, 56);
VIRTIO_GPU_AT(virtio_gpu_set_scanout_blob, padding, 60);
VIRTIO_GPU_AT(virtio_gpu_set_scanout_blob, strides, 64);
VIRTIO_GPU_AT(virtio_gpu_set_scanout_blob, offsets, 80);

/* ---- 3D commands the spec gives a layout for (§5.7.6.9), VIRGL ------- */

/* CTX_CREATE: answer OK_NODATA; the context is hdr.ctx_id. */
#define VIRTIO_GPU_CONTEXT_INIT_CAPSET_ID_MASK 0x000000ffu /* context_init: capset id */
struct virtio_gpu_ctx_create {
	struct virtio_gpu_ctrl_hdr hdr; /* CMD_CTX_CREATE */
	virtio_le32_t nlen;             /* bytes of debug_name used */
	virtio_le32_t context_init;     /* capset id in the low 8 bits (CONTEXT_INIT) */
	char debug_name[64];            /* for debugging */
};
VIRTIO_GPU_SIZE(virtio_gpu_ctx_create, 96);
VIRTIO_GPU_AT(virtio_gpu_ctx_create, nlen, 24);
VIRTIO_GPU_AT(virtio_gpu_ctx_create, context_init, 28);
VIRTIO_GPU_AT(virtio_gpu_ctx_create, debug_name, 32);

/* RESOURCE_MAP_BLOB: into the host visible region; answer OK_MAP_INFO. */
struct virtio_gpu_resource_map_blob {
	struct virtio_gpu_ctrl_hdr hdr; /* CMD_RESOURCE_MAP_BLOB */
	virtio_le32_t resource_id;      /* a host-only blob, not mapped yet */
	virtio_le32_t padding;
	virtio_le64_t offset;           /* where in the host visible region */
};
VIRTIO_GPU_SIZE(virtio_gpu_resource_map_blob, 40);
VIRTIO_GPU_AT(virtio_gpu_resource_map_blob, resource_id, 24);
VIRTIO_GPU_AT(virtio_gpu_resource_map_blob, padding, 28);
VIRTIO_GPU_AT(virtio_gpu_resource_map_blob, offset, 32);
#define VIRTIO_GPU_MAP_CACHE_MASK     0x0fu /* map_info: caching of the mapping */
#define VIRTIO_GPU_MAP_CACHE_NONE     0x00u
#define VIRTIO_GPU_MAP_CACHE_CACHED   0x01u
#define VIRTIO_GPU_MAP_CACHE_UNCACHED 0x02u
#define VIRTIO_GPU_MAP_CACHE_WC       0x03u /* write-combined */
struct virtio_gpu_resp_map_info {
	struct virtio_gpu_ctrl_hdr hdr; /* OK_MAP_INFO */
	uint32_t map_info;              /* VIRTIO_GPU_MAP_CACHE_* (the listing says u32) */
	uint32_t padding;               /* reserved */
};
VIRTIO_GPU_SIZE(virtio_gpu_resp_map_info, 32);
VIRTIO_GPU_AT(virtio_gpu_resp_map_info, map_info, 24);
VIRTIO_GPU_AT(virtio_gpu_resp_map_info, padding, 28);

/* RESOURCE_UNMAP_BLOB: answer OK_NODATA. */
struct virtio_gpu_resource_unmap_blob {
	struct virtio_gpu_ctrl_hdr hdr; /* CMD_RESOURCE_UNMAP_BLOB */
	virtio_le32_t resource_id;      /* the mapped blob */
	virtio_le32_t padding;
};
VIRTIO_GPU_SIZE(virtio_gpu_resource_unmap_blob, 32);
VIRTIO_GPU_AT(virtio_gpu_resource_unmap_blob, resource_id, 24);
VIRTIO_GPU_AT(virtio_gpu_resource_unmap_blob, padding, 28);

/* ---- cursorq (§5.7.6.10) -------------------------------------------- */

/* The cursor image is a 64x64 resource, filled (and fenced) beforehand. */
#define VIRTIO_GPU_CURSOR_SIZE 64
struct virtio_gpu_cursor_pos {
	virtio_le32_t scanout_id; /* which scanout */
	virtio_le32_t x;
	virtio_le32_t y;
	virtio_le32_t padding;
};
VIRTIO_GPU_SIZE(virtio_gpu_cursor_pos, 16);
VIRTIO_GPU_AT(virtio_gpu_cursor_pos, scanout_id, 0);
VIRTIO_GPU_AT(virtio_gpu_cursor_pos, x, 4);
VIRTIO_GPU_AT(virtio_gpu_cursor_pos, y, 8);
VIRTIO_GPU_AT(virtio_gpu_cursor_pos, padding, 12);
/* UPDATE_CURSOR (shape and position) and MOVE_CURSOR (position only; the
 * rest ignored) share it; answer OK_NODATA. */
struct virtio_gpu_update_cursor {
	struct virtio_gpu_ctrl_hdr hdr;   /* CMD_UPDATE_CURSOR or CMD_MOVE_CURSOR */
	struct virtio_gpu_cursor_pos pos; /* where */
	virtio_le32_t resource_id;        /* the image (UPDATE only) */
	virtio_le32_t hot_x;              /* hot spot in the image */
	virtio_le32_t hot_y;
	virtio_le32_t padding;
};
VIRTIO_GPU_SIZE(virtio_gpu_update_cursor, 56);
VIRTIO_GPU_AT(virtio_gpu_update_cursor, pos, 24);
VIRTIO_GPU_AT(virtio_gpu_update_cursor, resource_id, 40);
VIRTIO_GPU_AT(virtio_gpu_update_cursor, hot_x, 44);
VIRTIO_GPU_AT(virtio_gpu_update_cursor, hot_y, 48);
VIRTIO_GPU_AT(virtio_gpu_update_cursor, padding, 52);

#undef VIRTIO_GPU_SIZE
#undef VIRTIO_GPU_AT

#endif
