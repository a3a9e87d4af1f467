/*
 * virtio-gpu driver, 2D (§5.7), over the virtqueue API.
 *
 * A control command is a request (device-readable: header and body, and
 * for ATTACH_BACKING the memory entries as a second buffer) followed by an
 * answer buffer (device-writable).  Both live in a per-queue DMA slab
 * indexed by a slot the command holds while in flight, so the caller's
 * struct vgpu_cmd never has to be DMA-reachable.  A cursor command is the
 * request alone: QEMU consumes it without writing an answer.
 *
 * Display-change events (§5.7.4.2) are handled here: on a config-change
 * interrupt, events_read is read, the DISPLAY bit cleared through
 * events_clear, and the display info re-read with the driver's own
 * command.  At most one such re-read is in flight; events that arrive
 * meanwhile ask for exactly one more, so an event storm costs two
 * commands and the last answer is newer than the last event.
 * Synchronous wrappers are in gpu_sync.c.
 */
#include "gpu_wire.h"
#include "virtio/errors.h"
#include "virtio/gpu.h"
#include "virtio/platform.h"

#define DRIVER_FEATURES VIRTIO_BIT(VIRTIO_GPU_F_EDID)
#define HDR_BYTES ((uint32_t)sizeof(struct virtio_gpu_ctrl_hdr))

static void read_config(struct vgpu *g)
{
	uint32_t n = virtio_config_read32(g->vdev, VIRTIO_GPU_CFG_NUM_SCANOUTS);
	/* §5.7.4: 1 to 16.  Out of range is the device's mistake; take the
	 * nearest value rather than index past scanouts[]. */
	g->num_scanouts = n == 0 ? 1 : n > VIRTIO_GPU_MAX_SCANOUTS ? VIRTIO_GPU_MAX_SCANOUTS : n;
	g->num_capsets = virtio_config_read32(g->vdev, VIRTIO_GPU_CFG_NUM_CAPSETS);
	g->edid = virtio_has_feature(g->vdev, VIRTIO_GPU_F_EDID);
}

int vgpu_probe(struct vgpu *g, struct virtio_device *vdev, uint64_t mask)
{
	if (vdev->device_id != VIRTIO_ID_GPU)
		return VIRTIO_ENODEV;
	*g = (struct vgpu){ .vdev = vdev, .mask = mask, .next_fence = 1 };
	int rc = virtio_device_begin(vdev, DRIVER_FEATURES, mask);
	if (rc)
		return rc;
	read_config(g);
	if (virtio_queue_max(vdev, VGPU_CONTROLQ) == 0) {
		virtio_device_fail(vdev);
		return VIRTIO_ENOQUEUE;
	}
	return VIRTIO_OK;
}

/* A control command takes two or three descriptors: half the ring size
 * of slots is all that can be in flight. */
static uint16_t slot_count(uint16_t size)
{
	return size >= 2 ? size / 2 : 1;
}

/* Layout of a queue's block: virtq memory | slot slab | free stack. */
static size_t virtq_part(uint16_t size)
{
	size_t split = virtq_mem_bytes(size, false, 0);
	size_t packed = virtq_mem_bytes(size, true, 0);
	size_t larger = split > packed ? split : packed;
	return (larger + 63) & ~(size_t)63;
}

size_t vgpu_queue_mem_bytes(uint16_t size)
{
	return virtq_part(size) + (size_t)slot_count(size) * sizeof(struct vgpu_slot_dma) +
	       (size_t)slot_count(size) * sizeof(uint16_t);
}

static int setup_queue(struct vgpu *g, uint16_t qi, struct vgpu_queue *q)
{
	int rc = virtq_create(&q->vq, g->vdev, qi, q->size, q->mem, virtq_part(q->size), 0);
	if (rc)
		return rc;
	uint8_t *p = (uint8_t *)q->mem + virtq_part(q->size);
	q->dma = (struct vgpu_slot_dma *)p;
	q->free = (uint16_t *)(p + (size_t)q->nslots * sizeof(struct vgpu_slot_dma));
	for (uint16_t i = 0; i < q->nslots; i++)
		q->free[i] = (uint16_t)(q->nslots - 1 - i);
	q->nfree = q->nslots;
	return VIRTIO_OK;
}

int vgpu_attach_queue(struct vgpu *g, uint16_t qi, struct vgpu_queue *q, uint16_t size,
		      void *mem, size_t mem_len)
{
	if (qi > VGPU_CURSORQ || g->queues[qi] || g->started)
		return VIRTIO_EINVAL;
	if (mem_len < vgpu_queue_mem_bytes(size))
		return VIRTIO_ENOMEM;
	*q = (struct vgpu_queue){ .size = size, .nslots = slot_count(size), .mem = mem };
	int rc = setup_queue(g, qi, q);
	if (rc == VIRTIO_OK)
		g->queues[qi] = q;
	return rc;
}

int vgpu_start(struct vgpu *g)
{
	if (!g->queues[VGPU_CONTROLQ] || g->started)
		return VIRTIO_EINVAL;
	virtio_device_ready(g->vdev);
	g->started = true;
	return VIRTIO_OK;
}

/* ---- requests -------------------------------------------------------- */

static bool is_cursor(uint32_t type)
{
	return type == VIRTIO_GPU_CMD_UPDATE_CURSOR || type == VIRTIO_GPU_CMD_MOVE_CURSOR;
}

/* Non-empty, and its far edge representable. */
static bool rect_ok(const struct vgpu_rect *r)
{
	return r->width && r->height && r->x <= UINT32_MAX - r->width &&
	       r->y <= UINT32_MAX - r->height;
}

static bool format_ok(uint32_t f)
{
	switch (f) {
	case VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM:
	case VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM:
	case VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM:
	case VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM:
	case VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM:
	case VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM:
	case VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM:
	case VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM:
		return true;
	default:
		return false;
	}
}

static bool backing_ok(const struct vgpu_cmd *c)
{
	if (!c->backing || c->nbacking == 0 || c->nbacking > VGPU_MAX_BACKING)
		return false;
	for (uint16_t i = 0; i < c->nbacking; i++)
		if (!c->backing[i].addr || c->backing[i].len == 0)
			return false;
	return true;
}

/* Everything the device could refuse, refused here first. */
static int validate(const struct vgpu *g, const struct vgpu_cmd *c)
{
	bool scanout_ok = c->scanout_id < g->num_scanouts;

	if (!c->done)
		return VIRTIO_EINVAL;
	switch (c->type) {
	case VIRTIO_GPU_CMD_GET_DISPLAY_INFO:
		return VIRTIO_OK;
	case VIRTIO_GPU_CMD_GET_EDID:
		if (!g->edid)
			return VIRTIO_EUNSUPP;
		return c->edid && scanout_ok ? VIRTIO_OK : VIRTIO_EINVAL;
	case VIRTIO_GPU_CMD_RESOURCE_CREATE_2D:
		return c->resource_id && format_ok(c->format) && c->width && c->height
			       ? VIRTIO_OK : VIRTIO_EINVAL;
	case VIRTIO_GPU_CMD_RESOURCE_UNREF:
	case VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING:
		return c->resource_id ? VIRTIO_OK : VIRTIO_EINVAL;
	case VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING:
		return c->resource_id && backing_ok(c) ? VIRTIO_OK : VIRTIO_EINVAL;
	case VIRTIO_GPU_CMD_SET_SCANOUT:
		/* Resource 0 disables the scanout; the rectangle is then unused. */
		return scanout_ok && (c->resource_id == 0 || rect_ok(&c->rect)) ? VIRTIO_OK
										 : VIRTIO_EINVAL;
	case VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D:
	case VIRTIO_GPU_CMD_RESOURCE_FLUSH:
		return c->resource_id && rect_ok(&c->rect) ? VIRTIO_OK : VIRTIO_EINVAL;
	case VIRTIO_GPU_CMD_UPDATE_CURSOR:
	case VIRTIO_GPU_CMD_MOVE_CURSOR:
		/* No answer on cursorq, so nothing could carry a fence back. */
		return scanout_ok && !c->fence ? VIRTIO_OK : VIRTIO_EINVAL;
	default:
		return VIRTIO_EINVAL;
	}
}

static void store_rect(struct virtio_gpu_rect *w, const struct vgpu_rect *r)
{
	virtio_le32_store(&w->x, r->x);
	virtio_le32_store(&w->y, r->y);
	virtio_le32_store(&w->width, r->width);
	virtio_le32_store(&w->height, r->height);
}

/* The answer a successful command gets, and its least length. */
static uint32_t answer_type(uint32_t type)
{
	switch (type) {
	case VIRTIO_GPU_CMD_GET_DISPLAY_INFO: return VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
	case VIRTIO_GPU_CMD_GET_EDID: return VIRTIO_GPU_RESP_OK_EDID;
	default: return VIRTIO_GPU_RESP_OK_NODATA;
	}
}

static uint32_t answer_bytes(uint32_t type)
{
	switch (type) {
	case VIRTIO_GPU_CMD_GET_DISPLAY_INFO:
		return sizeof(struct virtio_gpu_resp_display_info);
	case VIRTIO_GPU_CMD_GET_EDID:
		return sizeof(struct virtio_gpu_resp_edid);
	default:
		return is_cursor(type) ? 0 : HDR_BYTES;
	}
}

/* Lay the request out in the slot; its length. */
static uint32_t build_request(struct vgpu_slot_dma *dma, const struct vgpu_cmd *c)
{
	uint8_t *bytes = (uint8_t *)&dma->req;
	for (size_t i = 0; i < sizeof(dma->req); i++)
		bytes[i] = 0;
	virtio_le32_store(&dma->req.hdr.type, c->type);
	virtio_le32_store(&dma->req.hdr.flags, c->fence ? VIRTIO_GPU_FLAG_FENCE : 0);
	virtio_le64_store(&dma->req.hdr.fence_id, c->fence ? c->fence_id : 0);

	switch (c->type) {
	case VIRTIO_GPU_CMD_GET_EDID:
		virtio_le32_store(&dma->req.get_edid.scanout, c->scanout_id);
		return sizeof(dma->req.get_edid);
	case VIRTIO_GPU_CMD_RESOURCE_CREATE_2D: {
		struct virtio_gpu_resource_create_2d *r = &dma->req.create_2d;
		virtio_le32_store(&r->resource_id, c->resource_id);
		virtio_le32_store(&r->format, c->format);
		virtio_le32_store(&r->width, c->width);
		virtio_le32_store(&r->height, c->height);
		return sizeof(*r);
	}
	case VIRTIO_GPU_CMD_RESOURCE_UNREF:
	case VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING:
		virtio_le32_store(&dma->req.resource.resource_id, c->resource_id);
		return sizeof(dma->req.resource);
	case VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING:
		virtio_le32_store(&dma->req.attach.resource_id, c->resource_id);
		virtio_le32_store(&dma->req.attach.nr_entries, c->nbacking);
		for (uint16_t i = 0; i < c->nbacking; i++) {
			struct virtio_gpu_mem_entry *e = &dma->entries[i];
			virtio_le64_store(&e->addr, virtio_virt_to_dma(c->backing[i].addr));
			virtio_le32_store(&e->length, c->backing[i].len);
			virtio_le32_store(&e->padding, 0);
		}
		return sizeof(dma->req.attach);
	case VIRTIO_GPU_CMD_SET_SCANOUT: {
		struct virtio_gpu_set_scanout *r = &dma->req.set_scanout;
		if (c->resource_id)
			store_rect(&r->r, &c->rect);
		virtio_le32_store(&r->scanout_id, c->scanout_id);
		virtio_le32_store(&r->resource_id, c->resource_id);
		return sizeof(*r);
	}
	case VIRTIO_GPU_CMD_RESOURCE_FLUSH:
		store_rect(&dma->req.flush.r, &c->rect);
		virtio_le32_store(&dma->req.flush.resource_id, c->resource_id);
		return sizeof(dma->req.flush);
	case VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D: {
		struct virtio_gpu_transfer_to_host_2d *r = &dma->req.transfer;
		store_rect(&r->r, &c->rect);
		virtio_le64_store(&r->offset, c->offset);
		virtio_le32_store(&r->resource_id, c->resource_id);
		return sizeof(*r);
	}
	case VIRTIO_GPU_CMD_UPDATE_CURSOR:
	case VIRTIO_GPU_CMD_MOVE_CURSOR: {
		/* MOVE_CURSOR uses only the position (§5.7.6.10). */
		struct virtio_gpu_update_cursor *r = &dma->req.cursor;
		virtio_le32_store(&r->pos.scanout_id, c->scanout_id);
		virtio_le32_store(&r->pos.x, c->x);
		virtio_le32_store(&r->pos.y, c->y);
		if (c->type == VIRTIO_GPU_CMD_UPDATE_CURSOR) {
			virtio_le32_store(&r->resource_id, c->resource_id);
			virtio_le32_store(&r->hot_x, c->hot_x);
			virtio_le32_store(&r->hot_y, c->hot_y);
		}
		return sizeof(*r);
	}
	default: /* GET_DISPLAY_INFO: the bare header */
		return HDR_BYTES;
	}
}

int vgpu_submit(struct vgpu *g, struct vgpu_cmd *c)
{
	uint16_t qi = is_cursor(c->type) ? VGPU_CURSORQ : VGPU_CONTROLQ;
	struct vgpu_queue *q = g->queues[qi];

	if (!g->started)
		return VIRTIO_EINVAL;
	if (g->dead || (q && virtq_is_broken(&q->vq)))
		return VIRTIO_EBROKEN;
	int rc = validate(g, c);
	if (rc)
		return rc;
	if (!q)
		return VIRTIO_ENOQUEUE;
	if (q->nfree == 0)
		return VIRTIO_ENOSPC;

	uint16_t slot = q->free[q->nfree - 1];
	struct vgpu_slot_dma *dma = &q->dma[slot];
	c->fence_id = c->fence ? g->next_fence : 0;
	c->resp_type = 0;
	c->edid_len = 0;
	struct virtq_sg sg[3];
	unsigned n_out = 0;
	sg[n_out++] = (struct virtq_sg){ &dma->req, build_request(dma, c) };
	if (c->type == VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING)
		sg[n_out++] = (struct virtq_sg){ dma->entries,
						 c->nbacking * (uint32_t)sizeof(dma->entries[0]) };
	uint32_t answer = answer_bytes(c->type);
	/* Type 0 is no answer: what an unwritten header reads as. */
	virtio_le32_store(&dma->resp.hdr.type, 0);
	if (answer)
		sg[n_out] = (struct virtq_sg){ &dma->resp, answer };
	/* The request out to memory, and no dirty line of ours left to land
	 * over the answer later. */
	virtio_cache_clean(dma, sizeof(*dma));

	rc = virtq_add(&q->vq, sg, n_out, answer ? 1 : 0, c);
	if (rc)
		return rc;
	q->nfree--;
	if (c->fence)
		g->next_fence++;
	c->queue = qi;
	c->slot = slot;
	virtq_kick(&q->vq);
	return VIRTIO_OK;
}

/* ---- answers --------------------------------------------------------- */

static void parse_display_info(struct vgpu *g, const struct virtio_gpu_resp_display_info *r)
{
	for (uint32_t i = 0; i < VIRTIO_GPU_MAX_SCANOUTS; i++) {
		struct vgpu_scanout *s = &g->scanouts[i];
		*s = (struct vgpu_scanout){ 0 };
		if (i >= g->num_scanouts)
			continue; /* beyond num_scanouts the entries mean nothing */
		const struct virtio_gpu_display_one *p = &r->pmodes[i];
		s->r = (struct vgpu_rect){ virtio_le32_load(&p->r.x), virtio_le32_load(&p->r.y),
					   virtio_le32_load(&p->r.width),
					   virtio_le32_load(&p->r.height) };
		s->flags = virtio_le32_load(&p->flags);
		/* An enabled scanout of no size, or of a size no memory could
		 * hold, is no display to draw on. */
		s->enabled = virtio_le32_load(&p->enabled) != 0 && s->r.width && s->r.height &&
			     s->r.width <= VGPU_MAX_DIMENSION && s->r.height <= VGPU_MAX_DIMENSION;
	}
	g->display_info_gen++;
}

static int take_edid(struct vgpu_cmd *c, const struct virtio_gpu_resp_edid *r, uint32_t len)
{
	uint32_t size = virtio_le32_load(&r->size);
	if (len < sizeof(*r) - VIRTIO_GPU_EDID_MAX || size > VIRTIO_GPU_EDID_MAX ||
	    size > len - (sizeof(*r) - VIRTIO_GPU_EDID_MAX))
		return VIRTIO_EIO; /* more blob claimed than written */
	for (uint32_t i = 0; i < size; i++)
		c->edid[i] = r->edid[i];
	c->edid_len = size;
	return VIRTIO_OK;
}

/* The status of a completed command, from what the device wrote. */
static int check_answer(struct vgpu *g, struct vgpu_cmd *c, const struct vgpu_slot_dma *dma,
			uint32_t len)
{
	if (c->queue == VGPU_CURSORQ)
		return VIRTIO_OK; /* consumed is all a cursor command gets */
	/* What the device wrote, before it is read. */
	virtio_cache_invalidate(&dma->resp, len);
	if (len < HDR_BYTES)
		return VIRTIO_ENOSTATUS;
	const struct virtio_gpu_ctrl_hdr *hdr = &dma->resp.hdr;
	c->resp_type = virtio_le32_load(&hdr->type);
	if (c->resp_type != answer_type(c->type))
		return VIRTIO_EIO; /* an ERR_* answer, or the wrong kind of success */
	if (c->fence) {
		/* §5.7.6.7: a fenced answer carries the flag and our fence id. */
		if (!(virtio_le32_load(&hdr->flags) & VIRTIO_GPU_FLAG_FENCE) ||
		    virtio_le64_load(&hdr->fence_id) != c->fence_id)
			return VIRTIO_EIO;
		if (c->fence_id > g->last_fence)
			g->last_fence = c->fence_id;
	}
	if (c->type == VIRTIO_GPU_CMD_GET_DISPLAY_INFO) {
		if (len < sizeof(dma->resp.display_info))
			return VIRTIO_EIO;
		parse_display_info(g, &dma->resp.display_info);
	} else if (c->type == VIRTIO_GPU_CMD_GET_EDID) {
		return take_edid(c, &dma->resp.edid, len);
	}
	return VIRTIO_OK;
}

static void finish(struct vgpu_queue *q, struct vgpu_cmd *c, int err)
{
	q->free[q->nfree++] = c->slot;
	c->done(c, err);
}

void vgpu_abort(struct vgpu *g, int err)
{
	/* Even if the reset times out the device is FAILED and nothing is
	 * reused; the commands must still be completed for their owners. */
	(void)virtio_device_reset(g->vdev);
	g->dead = true;
	for (uint16_t qi = 0; qi <= VGPU_CURSORQ; qi++) {
		struct vgpu_queue *q = g->queues[qi];
		void *token;
		if (!q)
			continue;
		virtq_mark_broken(&q->vq);
		while (virtq_reclaim(&q->vq, &token) == 1)
			finish(q, token, err);
	}
}

static int poll_queue(struct vgpu *g, struct vgpu_queue *q)
{
	int done = 0;
	void *token;
	uint32_t len;

	for (;;) {
		int rc;
		while ((rc = virtq_get_used(&q->vq, &token, &len)) == 1) {
			struct vgpu_cmd *c = token;
			finish(q, c, check_answer(g, c, &q->dma[c->slot], len));
			done++;
		}
		if (rc < 0) {
			vgpu_abort(g, VIRTIO_EBROKEN);
			return rc;
		}
		/* Re-arm, and drain again if something slipped in meanwhile. */
		if (virtq_enable_cb(&q->vq))
			return done;
	}
}

static void start_refresh(struct vgpu *g);

static void refresh_done(struct vgpu_cmd *c, int status)
{
	struct vgpu *g = c->ctx;
	g->refresh_busy = false;
	if (g->refresh_again) {
		/* An event came after this re-read was sent: its answer may
		 * already be stale. */
		start_refresh(g);
		return;
	}
	if (status == VIRTIO_OK && g->display_changed)
		g->display_changed(g, g->display_changed_ctx);
}

static void start_refresh(struct vgpu *g)
{
	if (g->refresh_busy) {
		g->refresh_again = true;
		return;
	}
	g->refresh = (struct vgpu_cmd){ .type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO,
					.done = refresh_done, .ctx = g };
	/* A full queue (or a dead device) leaves it for the next poll. */
	g->refresh_busy = vgpu_submit(g, &g->refresh) == VIRTIO_OK;
	g->refresh_again = !g->refresh_busy;
}

int vgpu_poll(struct vgpu *g)
{
	int total = 0;

	if (g->dead)
		return VIRTIO_EBROKEN;
	for (uint16_t qi = 0; qi <= VGPU_CURSORQ; qi++) {
		if (!g->queues[qi])
			continue;
		int rc = poll_queue(g, g->queues[qi]);
		if (rc < 0)
			return rc;
		total += rc;
	}
	if (g->refresh_again && !g->refresh_busy)
		start_refresh(g);
	return total;
}

void vgpu_handle_events(struct vgpu *g)
{
	if (!g->started || g->dead)
		return;
	uint32_t events = virtio_config_read32(g->vdev, VIRTIO_GPU_CFG_EVENTS_READ);
	if (!(events & VIRTIO_GPU_EVENT_DISPLAY))
		return;
	/* Clear first, then re-read: an event after the clear raises a new
	 * interrupt, one before it is covered by the answer (§5.7.4.1: the
	 * driver never writes events_read). */
	virtio_config_write32(g->vdev, VIRTIO_GPU_CFG_EVENTS_CLEAR, VIRTIO_GPU_EVENT_DISPLAY);
	g->display_events++;
	start_refresh(g);
}

int vgpu_reinit(struct vgpu *g)
{
	int rc = virtio_device_begin(g->vdev, DRIVER_FEATURES, g->mask);
	if (rc == VIRTIO_OK)
		read_config(g);
	for (uint16_t qi = 0; rc == VIRTIO_OK && qi <= VGPU_CURSORQ; qi++)
		if (g->queues[qi])
			rc = setup_queue(g, qi, g->queues[qi]);
	if (rc) {
		virtio_device_fail(g->vdev);
		return rc;
	}
	virtio_device_ready(g->vdev);
	g->dead = false;
	g->refresh_busy = g->refresh_again = false;
	g->resets++;
	return VIRTIO_OK;
}

int vgpu_interrupt(struct vgpu *g)
{
	uint32_t causes = virtio_interrupt_ack(g->vdev);

	/* Not ours (a shared INTx line): nothing to do.  Nothing is lost:
	 * every drain ends by re-arming and re-checking the ring. */
	if (causes == 0)
		return 0;
	if (causes & VIRTIO_INT_CONFIG) {
		g->config_changes++;
		if (virtio_device_needs_reset(g->vdev)) {
			/* §2.1.2: commands in flight are indeterminate. */
			vgpu_abort(g, VIRTIO_ERESET);
			return vgpu_reinit(g);
		}
		vgpu_handle_events(g);
	}
	return vgpu_poll(g);
}

const char *vgpu_resp_name(uint32_t type)
{
	switch (type) {
	case 0: return "no answer";
	case VIRTIO_GPU_RESP_OK_NODATA: return "OK_NODATA";
	case VIRTIO_GPU_RESP_OK_DISPLAY_INFO: return "OK_DISPLAY_INFO";
	case VIRTIO_GPU_RESP_OK_EDID: return "OK_EDID";
	case VIRTIO_GPU_RESP_ERR_UNSPEC: return "ERR_UNSPEC";
	case VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY: return "ERR_OUT_OF_MEMORY";
	case VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID: return "ERR_INVALID_SCANOUT_ID";
	case VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID: return "ERR_INVALID_RESOURCE_ID";
	case VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID: return "ERR_INVALID_CONTEXT_ID";
	case VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER: return "ERR_INVALID_PARAMETER";
	default: return "unknown answer type";
	}
}
