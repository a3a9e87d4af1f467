/*
 * Synchronous virtio-gpu commands for callers without an interrupt path
 * (bring-up, a test pattern): submit and poll both queues, with a
 * deadline.  A device that misses it is reset (the only safe way to take
 * its buffers back, §3.3), which also completes the command; a device that
 * needs a reset is noticed here too.
 */
#include "virtio/errors.h"
#include "virtio/gpu.h"
#include "virtio/platform.h"

struct sync_wait {
	volatile bool done;
	int status;
};

static void sync_done(struct vgpu_cmd *cmd, int status)
{
	struct sync_wait *w = cmd->ctx;
	w->status = status;
	w->done = true;
}

int vgpu_run(struct vgpu *g, struct vgpu_cmd *cmd, uint64_t timeout_ns)
{
	struct virtio_device *d = g->vdev;
	struct sync_wait w = { false, 0 };
	cmd->done = sync_done;
	cmd->ctx = &w;
	int rc = vgpu_submit(g, cmd);
	if (rc)
		return rc;
	uint64_t deadline = virtio_time_ns() + timeout_ns;
	for (unsigned spins = 1; !w.done; spins++) {
		rc = vgpu_poll(g);
		if (w.done)
			break;
		if (rc < 0) {
			/* A fault noted by the poll: reset to take the command
			 * back (nothing to do if it is back already). */
			if (d->state == VIRTIO_DEV_RESET_DUE)
				(void)virtio_device_abort(d, d->abort_err);
			break;
		}
		/* Polling never sees the config interrupt: look at the status
		 * now and then for DEVICE_NEEDS_RESET (§2.1.2). */
		if (spins % 64 == 0 && virtio_device_needs_reset(d)) {
			if (virtio_device_abort(d, VIRTIO_ERESET) == VIRTIO_OK) /* completes cmd */
				(void)virtio_device_recover(d);
			break;
		}
		if (virtio_time_ns() > deadline) {
			/* The device still owns the buffers: take them back the
			 * only safe way, a reset (§3.3); this completes cmd. */
			(void)virtio_device_abort(d, VIRTIO_ETIMEDOUT);
			break;
		}
		virtio_relax();
	}
	/* Not done: the device kept the command (its reset never completed);
	 * w is on this stack, but nothing will complete cmd now. */
	return w.done ? w.status : VIRTIO_EDEAD;
}

int vgpu_get_display_info(struct vgpu *g, uint64_t timeout_ns)
{
	struct vgpu_cmd c = { .type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO };
	return vgpu_run(g, &c, timeout_ns);
}

int vgpu_get_edid(struct vgpu *g, uint32_t scanout, uint8_t *edid, uint64_t timeout_ns)
{
	struct vgpu_cmd c = { .type = VIRTIO_GPU_CMD_GET_EDID, .scanout_id = scanout, .edid = edid };
	int rc = vgpu_run(g, &c, timeout_ns);
	return rc ? rc : (int)c.edid_len;
}

int vgpu_resource_create_2d(struct vgpu *g, uint32_t resource_id, uint32_t format,
			    uint32_t width, uint32_t height, uint64_t timeout_ns)
{
	struct vgpu_cmd c = { .type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, .resource_id = resource_id,
			      .format = format, .width = width, .height = height };
	return vgpu_run(g, &c, timeout_ns);
}

int vgpu_resource_attach_backing(struct vgpu *g, uint32_t resource_id,
				 const struct virtq_sg *backing, uint16_t n, uint64_t timeout_ns)
{
	struct vgpu_cmd c = { .type = VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING,
			      .resource_id = resource_id, .backing = backing, .nbacking = n };
	return vgpu_run(g, &c, timeout_ns);
}

int vgpu_resource_detach_backing(struct vgpu *g, uint32_t resource_id, uint64_t timeout_ns)
{
	struct vgpu_cmd c = { .type = VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING,
			      .resource_id = resource_id };
	return vgpu_run(g, &c, timeout_ns);
}

int vgpu_resource_unref(struct vgpu *g, uint32_t resource_id, uint64_t timeout_ns)
{
	struct vgpu_cmd c = { .type = VIRTIO_GPU_CMD_RESOURCE_UNREF, .resource_id = resource_id };
	return vgpu_run(g, &c, timeout_ns);
}

int vgpu_set_scanout(struct vgpu *g, uint32_t scanout, uint32_t resource_id,
		     const struct vgpu_rect *r, uint64_t timeout_ns)
{
	struct vgpu_cmd c = { .type = VIRTIO_GPU_CMD_SET_SCANOUT, .scanout_id = scanout,
			      .resource_id = resource_id };
	if (r)
		c.rect = *r;
	return vgpu_run(g, &c, timeout_ns);
}

int vgpu_flush_rect(struct vgpu *g, uint32_t resource_id, const struct vgpu_rect *r,
		    uint32_t stride, uint64_t timeout_ns)
{
	struct vgpu_cmd c = { .type = VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D, .resource_id = resource_id,
			      .rect = *r, .fence = true,
			      .offset = (uint64_t)r->y * stride + (uint64_t)r->x * 4u };
	int rc = vgpu_run(g, &c, timeout_ns);
	if (rc)
		return rc;
	c = (struct vgpu_cmd){ .type = VIRTIO_GPU_CMD_RESOURCE_FLUSH, .resource_id = resource_id,
			       .rect = *r, .fence = true };
	return vgpu_run(g, &c, timeout_ns);
}

int vgpu_update_cursor(struct vgpu *g, uint32_t scanout, uint32_t x, uint32_t y,
		       uint32_t resource_id, uint32_t hot_x, uint32_t hot_y, uint64_t timeout_ns)
{
	struct vgpu_cmd c = { .type = VIRTIO_GPU_CMD_UPDATE_CURSOR, .scanout_id = scanout, .x = x,
			      .y = y, .resource_id = resource_id, .hot_x = hot_x, .hot_y = hot_y };
	return vgpu_run(g, &c, timeout_ns);
}

int vgpu_move_cursor(struct vgpu *g, uint32_t scanout, uint32_t x, uint32_t y,
		     uint64_t timeout_ns)
{
	struct vgpu_cmd c = { .type = VIRTIO_GPU_CMD_MOVE_CURSOR, .scanout_id = scanout, .x = x,
			      .y = y };
	return vgpu_run(g, &c, timeout_ns);
}
