/*
 * virtio-gpu in 2D mode (§5.7): host resources with guest backing,
 * scanouts, transfers and flushes of damaged rectangles on the control
 * queue, a cursor on the cursor queue, and display-change events.
 *
 * Bring-up, in this order:
 *   vgpu_probe()            negotiate (EDID when offered), read the config
 *   vgpu_queue_mem_bytes() / vgpu_attach_queue()   controlq (0), cursorq (1)
 *   vgpu_start()            DRIVER_OK
 * then vgpu_get_display_info() (gpu_sync.c) or vgpu_submit() with a callback.
 *
 * A command (struct vgpu_cmd) is plain memory that belongs to the caller
 * until done() runs: its request and answer travel in a driver slot inside
 * the queue memory.  What must be DMA-reachable is the backing handed to
 * ATTACH_BACKING; the device reads it at every TRANSFER_TO_HOST_2D, so the
 * caller cleans its cache over what it drew (virtio_cache_clean) first.
 *
 * Every answer is checked before done() sees it: its type (an error answer
 * is VIRTIO_EIO, with cmd->resp_type saying which), its length, and for a
 * fenced command the echoed fence.  Cursor commands are answered by the
 * device consuming them (QEMU writes no answer on cursorq).
 */
#ifndef VIRTIO_GPU_H
#define VIRTIO_GPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "virtq.h"

/* Feature bits (§5.7.3). */
#define VIRTIO_GPU_F_VIRGL         0
#define VIRTIO_GPU_F_EDID          1
#define VIRTIO_GPU_F_RESOURCE_UUID 2
#define VIRTIO_GPU_F_RESOURCE_BLOB 3
#define VIRTIO_GPU_F_CONTEXT_INIT  4

/* Configuration (§5.7.4): le32 fields. */
#define VIRTIO_GPU_CFG_EVENTS_READ  0x00 /* read only: the driver never writes it */
#define VIRTIO_GPU_CFG_EVENTS_CLEAR 0x04 /* write 1s to clear events_read bits */
#define VIRTIO_GPU_CFG_NUM_SCANOUTS 0x08
#define VIRTIO_GPU_CFG_NUM_CAPSETS  0x0c
#define VIRTIO_GPU_EVENT_DISPLAY    1u

/* Command and answer types (§5.7.6.7). */
#define VIRTIO_GPU_CMD_GET_DISPLAY_INFO        0x0100u
#define VIRTIO_GPU_CMD_RESOURCE_CREATE_2D      0x0101u
#define VIRTIO_GPU_CMD_RESOURCE_UNREF          0x0102u
#define VIRTIO_GPU_CMD_SET_SCANOUT             0x0103u
#define VIRTIO_GPU_CMD_RESOURCE_FLUSH          0x0104u
#define VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D     0x0105u
#define VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING 0x0106u
#define VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING 0x0107u
#define VIRTIO_GPU_CMD_GET_EDID                0x010au
#define VIRTIO_GPU_CMD_UPDATE_CURSOR           0x0300u
#define VIRTIO_GPU_CMD_MOVE_CURSOR             0x0301u
#define VIRTIO_GPU_RESP_OK_NODATA              0x1100u
#define VIRTIO_GPU_RESP_OK_DISPLAY_INFO        0x1101u
#define VIRTIO_GPU_RESP_OK_EDID                0x1104u
#define VIRTIO_GPU_RESP_ERR_UNSPEC             0x1200u
#define VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY      0x1201u
#define VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID 0x1202u
#define VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID 0x1203u
#define VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID 0x1204u
#define VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER  0x1205u
#define VIRTIO_GPU_FLAG_FENCE                  1u

/* Pixel formats (§5.7.6.8), named by byte order in memory. */
#define VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM 1u
#define VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM 2u
#define VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM 3u
#define VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM 4u
#define VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM 67u
#define VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM 68u
#define VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM 121u
#define VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM 134u

#define VIRTIO_GPU_MAX_SCANOUTS 16u
#define VIRTIO_GPU_EDID_MAX     1024u
#define VIRTIO_GPU_CURSOR_SIZE  64u  /* a cursor resource is 64x64 */

#define VGPU_CONTROLQ 0u
#define VGPU_CURSORQ  1u

/* Most memory entries one ATTACH_BACKING carries. */
#ifndef VGPU_MAX_BACKING
#define VGPU_MAX_BACKING 16u
#endif
/* Largest width or height believed from GET_DISPLAY_INFO. */
#ifndef VGPU_MAX_DIMENSION
#define VGPU_MAX_DIMENSION 16384u
#endif

struct vgpu_rect {
	uint32_t x, y, width, height;
};

/* One scanout as the last GET_DISPLAY_INFO answer described it. */
struct vgpu_scanout {
	struct vgpu_rect r; /* preferred position and size */
	bool enabled;       /* enabled by the device and of a believable size */
	uint32_t flags;
};

struct vgpu_cmd;
typedef void (*vgpu_done_fn)(struct vgpu_cmd *cmd, int status);

/*
 * One command.  The caller sets type and the fields that type uses:
 *   GET_DISPLAY_INFO     (nothing; the answer updates vgpu.scanouts)
 *   GET_EDID             scanout_id, edid (VIRTIO_GPU_EDID_MAX bytes)
 *   RESOURCE_CREATE_2D   resource_id (not 0), format, width, height
 *   RESOURCE_UNREF, RESOURCE_DETACH_BACKING   resource_id
 *   RESOURCE_ATTACH_BACKING  resource_id, backing[nbacking] in order
 *   SET_SCANOUT          scanout_id, resource_id (0 disables), rect
 *   TRANSFER_TO_HOST_2D  resource_id, rect, offset (of rect's first pixel
 *                        in the backing: y * stride + x * 4)
 *   RESOURCE_FLUSH       resource_id, rect
 *   UPDATE_CURSOR        scanout_id, x, y, resource_id (0 hides), hot_x, hot_y
 *   MOVE_CURSOR          scanout_id, x, y
 * and `fence` where completion must mean "done" (not allowed on cursorq).
 */
struct vgpu_cmd {
	uint32_t type;
	uint32_t resource_id;
	uint32_t scanout_id;
	uint32_t format;
	uint32_t width, height;
	struct vgpu_rect rect;
	uint64_t offset;
	const struct virtq_sg *backing; /* DMA-reachable, each piece non-empty */
	uint16_t nbacking;
	uint32_t x, y, hot_x, hot_y;
	uint8_t *edid;
	bool fence;
	/* 0 or VIRTIO_E*; runs inside vgpu_poll()/vgpu_interrupt() (or the
	 * abort that failed it) and may submit new commands. */
	vgpu_done_fn done;
	void *ctx;
	/* Set by the driver. */
	uint32_t resp_type; /* the device's answer type, 0 when none was read */
	uint32_t edid_len;  /* GET_EDID: bytes of the blob copied to edid */
	uint64_t fence_id;  /* when fenced */
	uint16_t queue, slot;
};

/* Driver-private DMA area of one command in flight (devices/gpu_wire.h). */
struct vgpu_slot_dma;

struct vgpu_queue {
	struct virtq vq;
	struct vgpu_slot_dma *dma; /* [nslots] */
	uint16_t *free;            /* [nslots]: stack of free slot numbers */
	uint16_t nfree, nslots;
	uint16_t size;
	void *mem;                 /* the caller's block, kept for re-initialisation */
};

struct vgpu {
	struct virtio_device *vdev;
	struct vgpu_queue *queues[2]; /* controlq, cursorq; NULL: not attached */
	uint64_t mask;
	bool started;
	bool dead;                  /* reset after a fault; vgpu_reinit() revives */
	bool edid;                  /* VIRTIO_GPU_F_EDID negotiated */
	uint32_t num_scanouts;      /* from the config, clamped to 1..16 */
	uint32_t num_capsets;
	struct vgpu_scanout scanouts[VIRTIO_GPU_MAX_SCANOUTS];
	uint32_t display_info_gen;  /* bumped each time scanouts[] is re-read */
	uint64_t next_fence;        /* fence id of the next fenced command */
	uint64_t last_fence;        /* highest fence id completed */
	/* Display-change events (§5.7.4.2): the driver's own re-read. */
	uint32_t config_changes;    /* config-change interrupts seen */
	uint32_t display_events;    /* VIRTIO_GPU_EVENT_DISPLAY seen and cleared */
	uint32_t resets;            /* re-initialisations */
	bool refresh_busy, refresh_again;
	struct vgpu_cmd refresh;
	/* Called (from vgpu_poll/vgpu_interrupt) once a re-read after an
	 * event has updated scanouts[]; may be NULL. */
	void (*display_changed)(struct vgpu *g, void *ctx);
	void *display_changed_ctx;
};

/* Negotiate and read the configuration; `mask` as in virtio_device_begin(). */
int vgpu_probe(struct vgpu *g, struct virtio_device *vdev, uint64_t mask);

/* Memory queue `qi` of `size` entries needs (VIRTQ_MEM_ALIGN-aligned). */
size_t vgpu_queue_mem_bytes(uint16_t size);

/* Set up VGPU_CONTROLQ or VGPU_CURSORQ in caller memory.  The control
 * queue is required; without a cursor queue cursor commands fail. */
int vgpu_attach_queue(struct vgpu *g, uint16_t qi, struct vgpu_queue *q, uint16_t size,
		      void *mem, size_t mem_len);

/* DRIVER_OK: the device is live. */
int vgpu_start(struct vgpu *g);

/*
 * Queue a command and notify the device.  0 when queued (done() follows
 * exactly once), or an error and done() is never called: VIRTIO_EINVAL
 * (unknown type, a field out of range, no callback), VIRTIO_EUNSUPP
 * (GET_EDID without the feature), VIRTIO_ENOQUEUE (cursor command without a
 * cursor queue), VIRTIO_ENOSPC (queue full), VIRTIO_EBROKEN.
 */
int vgpu_submit(struct vgpu *g, struct vgpu_cmd *cmd);

/* Complete what the device has used on both queues; number completed or
 * VIRTIO_EBROKEN (in-flight commands were then failed). */
int vgpu_poll(struct vgpu *g);

/*
 * Interrupt handler body: read and ack the cause; on a config change look
 * at events_read, clear what is set through events_clear and re-read the
 * display info (asynchronously: display_changed() runs when it is in);
 * complete both queues.  Number completed or an error.
 */
int vgpu_interrupt(struct vgpu *g);

/* The config-change part of vgpu_interrupt(), for a polling caller. */
void vgpu_handle_events(struct vgpu *g);

/* Reset the device (so it owns no buffer, §3.3), then fail every command
 * in flight with `err`.  Host resources are gone after it. */
void vgpu_abort(struct vgpu *g, int err);

/* Bring the device back after vgpu_abort(): same features, queues and
 * memory; no resources exist on the device afterwards. */
int vgpu_reinit(struct vgpu *g);

/* Name of a VIRTIO_GPU_RESP_* type ("ERR_INVALID_RESOURCE_ID", ...). */
const char *vgpu_resp_name(uint32_t type);

/*
 * Synchronous commands (gpu_sync.c): submit and poll with a deadline.  A
 * device that misses it is reset (VIRTIO_ETIMEDOUT; vgpu_reinit() before
 * reuse).  The answer's fields land where the asynchronous form puts them.
 */
int vgpu_run(struct vgpu *g, struct vgpu_cmd *cmd, uint64_t timeout_ns);
int vgpu_get_display_info(struct vgpu *g, uint64_t timeout_ns);
/* The EDID blob of a scanout into edid[VIRTIO_GPU_EDID_MAX]: its length,
 * or a negative VIRTIO_E* (VIRTIO_EUNSUPP without the EDID feature). */
int vgpu_get_edid(struct vgpu *g, uint32_t scanout, uint8_t *edid, uint64_t timeout_ns);
int vgpu_resource_create_2d(struct vgpu *g, uint32_t resource_id, uint32_t format,
			    uint32_t width, uint32_t height, uint64_t timeout_ns);
int vgpu_resource_attach_backing(struct vgpu *g, uint32_t resource_id,
				 const struct virtq_sg *backing, uint16_t n, uint64_t timeout_ns);
int vgpu_resource_detach_backing(struct vgpu *g, uint32_t resource_id, uint64_t timeout_ns);
int vgpu_resource_unref(struct vgpu *g, uint32_t resource_id, uint64_t timeout_ns);
int vgpu_set_scanout(struct vgpu *g, uint32_t scanout, uint32_t resource_id,
		     const struct vgpu_rect *r, uint64_t timeout_ns);
/* TRANSFER_TO_HOST_2D then RESOURCE_FLUSH of `r`, both fenced: when it
 * returns 0 the rectangle is on the display.  `stride` is the backing's
 * bytes per row (4-byte pixels). */
int vgpu_flush_rect(struct vgpu *g, uint32_t resource_id, const struct vgpu_rect *r,
		    uint32_t stride, uint64_t timeout_ns);
int vgpu_update_cursor(struct vgpu *g, uint32_t scanout, uint32_t x, uint32_t y,
		       uint32_t resource_id, uint32_t hot_x, uint32_t hot_y, uint64_t timeout_ns);
int vgpu_move_cursor(struct vgpu *g, uint32_t scanout, uint32_t x, uint32_t y,
		     uint64_t timeout_ns);

#endif
