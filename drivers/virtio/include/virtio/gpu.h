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
 * The device's life after that is the device core's (driver.h) on g->vdev:
 * virtio_device_pending(), virtio_device_abort(), virtio_device_recover()
 * (after which the device has no resources: make them again).
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
#include "driver.h"
#include "virtq.h"
#include "wire/gpu.h"

/* The EDID blob's room in the answer (struct virtio_gpu_resp_edid). */
#define VGPU_EDID_MAX 1024u
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
 *   GET_EDID             scanout_id, edid (VGPU_EDID_MAX bytes)
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
	 * abort or recovery that took it back) and may submit new commands. */
	vgpu_done_fn done;
	void *ctx;
	/* Set by the driver. */
	uint32_t resp_type; /* the device's answer type, 0 when none was read */
	uint32_t edid_len;  /* GET_EDID: bytes of the blob copied to edid */
	uint64_t fence_id;  /* when fenced */
	uint16_t queue, slot;
};

/* Driver-private DMA area of one command in flight (gpu.c). */
struct vgpu_slot_dma;

struct vgpu;
struct vgpu_queue {
	struct virtq vq;
	struct vgpu *gpu;
	struct vgpu_slot_dma *dma; /* [nslots] */
	uint16_t *free;            /* [nslots]: stack of free slot numbers */
	uint16_t nfree, nslots;
};

/* The synchronous command in flight (gpu_sync.c): kept here, not on the
 * caller's stack, because a device whose reset never completes keeps it. */
struct vgpu_sync {
	struct vgpu_cmd cmd;
	int status;
	volatile bool done;
	bool busy; /* submitted, done() not yet called */
};

struct vgpu {
	struct virtio_device *vdev;
	struct vgpu_queue *queues[2]; /* controlq, cursorq; NULL: not attached */
	bool edid;                  /* VIRTIO_GPU_F_EDID negotiated */
	uint32_t num_scanouts;      /* from the config, clamped to 1..16 */
	uint32_t num_capsets;
	struct vgpu_scanout scanouts[VIRTIO_GPU_MAX_SCANOUTS];
	uint32_t display_info_gen;  /* bumped each time scanouts[] is re-read */
	uint64_t next_fence;        /* fence id of the next fenced command */
	uint64_t last_fence;        /* highest fence id completed */
	/* Display-change events (§5.7.4.2): the driver's own re-read. */
	uint32_t display_events;    /* VIRTIO_GPU_EVENT_DISPLAY seen and cleared */
	bool refresh_busy, refresh_again;
	struct vgpu_cmd refresh;
	/* Called (from vgpu_poll/vgpu_interrupt) once a re-read after an
	 * event has updated scanouts[]; may be NULL. */
	void (*display_changed)(struct vgpu *g, void *ctx);
	void *display_changed_ctx;
	struct vgpu_sync sync;
};

/* Negotiate and read the configuration; `mask` as in virtio_device_begin(). */
int vgpu_probe(struct vgpu *g, struct virtio_device *vdev, uint64_t mask);

/* Memory queue `qi` of `size` entries needs, for any ring layout (the
 * rules of virtq.h, "Memory"). */
size_t vgpu_queue_mem_bytes(uint16_t size);

/* Set up VIRTIO_GPU_QUEUE_CONTROL or VIRTIO_GPU_QUEUE_CURSOR in caller
 * memory.  The control queue is required; without a cursor queue cursor
 * commands fail. */
int vgpu_attach_queue(struct vgpu *g, uint16_t qi, struct vgpu_queue *q, uint16_t size,
		      void *mem, size_t mem_len);

/* DRIVER_OK: the device is live. */
int vgpu_start(struct vgpu *g);

/*
 * Queue a command and notify the device.  0 when queued (done() follows
 * exactly once), or an error and done() is never called: VIRTIO_EINVAL
 * (unknown type, a field out of range, no callback, not started),
 * VIRTIO_EUNSUPP (GET_EDID without the feature), VIRTIO_ENOQUEUE (cursor
 * command without a cursor queue), VIRTIO_ENOSPC (queue full),
 * VIRTIO_EBROKEN or VIRTIO_EDEAD (the device is not live).
 */
int vgpu_submit(struct vgpu *g, struct vgpu_cmd *cmd);

/* Complete what the device has used on both queues (virtio_device_poll());
 * number completed or a negative error. */
int vgpu_poll(struct vgpu *g);

/*
 * Interrupt handler body (virtio_device_interrupt()): on a config change
 * events_read is read, what is set cleared through events_clear, and the
 * display info re-read (asynchronously: display_changed() runs when it is
 * in); then both queues are completed.  Number completed or an error.
 */
int vgpu_interrupt(struct vgpu *g);

/* The config-change part of vgpu_interrupt(), for a polling caller. */
void vgpu_handle_events(struct vgpu *g);

/* Name of a VIRTIO_GPU_RESP_* type ("ERR_INVALID_RESOURCE_ID", ...). */
const char *vgpu_resp_name(uint32_t type);

/*
 * Synchronous commands (gpu_sync.c): submit and poll with a deadline.  A
 * device that misses it, or breaks a rule, is reset (VIRTIO_ETIMEDOUT or
 * VIRTIO_EBROKEN; virtio_device_recover() before reuse); one that needs a
 * reset is recovered at once (VIRTIO_ERESET).  The answer's fields land
 * where the asynchronous form puts them.  One at a time (VIRTIO_ENOSPC
 * from a done() that calls one); if the reset never completes the device
 * keeps the command (VIRTIO_EDEAD, and so does every later one).
 */
int vgpu_run(struct vgpu *g, struct vgpu_cmd *cmd, uint64_t timeout_ns);
int vgpu_get_display_info(struct vgpu *g, uint64_t timeout_ns);
/* The EDID blob of a scanout into edid[VGPU_EDID_MAX]: its length, or a
 * negative VIRTIO_E* (VIRTIO_EUNSUPP without the EDID feature). */
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
