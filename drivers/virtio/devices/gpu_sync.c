/*
 * Synchronous virtio-gpu commands for callers without an interrupt path
 * (bring-up, a test pattern): submit and poll both queues, with a
 * deadline (virtio_device_wait(): a device that misses it, or breaks a
 * rule, is reset, the only safe way to take its buffers back, §3.3; one
 * that needs a reset is recovered).
 */
#include "virtio/errors.h"
#include "virtio/gpu.h"
#include "virtio/platform.h"

static void sync_done(struct vgpu_cmd *cmd, int status)
{
	struct vgpu_sync *s = cmd->ctx;
	s->status = status;
	s->done = true;
	s->busy = false;
}

static int poll(void *ctx)
{
	return vgpu_poll(ctx);
}

int vgpu_run(struct vgpu *g, struct vgpu_cmd *cmd, uint64_t timeout_ns)
{
	struct vgpu_sync *s = &g->sync;
	if (s->busy) { /* the device kept the last one, or a done() calls us */
		int err = virtio_device_error(g->vdev);
		return err ? err : VIRTIO_ENOSPC;
	}
	s->cmd = *cmd;
	s->cmd.done = sync_done;
	s->cmd.ctx = s;
	s->done = false;
	int rc = vgpu_submit(g, &s->cmd);
	if (rc)
		return rc;
	s->busy = true;
	virtio_device_wait(g->vdev, &s->done, poll, g, timeout_ns);
	if (!s->done)
		return VIRTIO_EDEAD; /* the device kept it: its reset never completed */
	cmd->resp_type = s->cmd.resp_type;
	cmd->edid_len = s->cmd.edid_len;
	cmd->fence_id = s->cmd.fence_id;
	return s->status;
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
