/*
 * virtio-gpu driver, 2D (§5.7), over the device core (driver.h).
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
#include "virtio/errors.h"
#include "virtio/gpu.h"
#include "virtio/platform.h"

#define DRIVER_FEATURES VIRTIO_BIT(VIRTIO_GPU_F_EDID)
#define HDR_BYTES ((uint32_t)sizeof(struct virtio_gpu_ctrl_hdr))
#define QUEUE_PART_ALIGN 64u

/* One command's DMA area: request, the memory entries of ATTACH_BACKING,
 * answer. */
struct vgpu_slot_dma {
	union {
		struct virtio_gpu_ctrl_hdr hdr;
		struct virtio_gpu_get_edid get_edid;
		struct virtio_gpu_resource_create_2d create_2d;
		struct virtio_gpu_resource_unref unref;
		struct virtio_gpu_resource_detach_backing detach;
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
_Static_assert(sizeof(((struct virtio_gpu_resp_edid *)0)->edid) == VGPU_EDID_MAX,
	       "VGPU_EDID_MAX is the answer's blob");

static uint32_t config_read(struct vgpu *g, size_t off)
{
	return virtio_config_read32(g->vdev, (uint32_t)off);
}

static int read_config(struct vgpu *g)
{
	uint32_t n = config_read(g, offsetof(struct virtio_gpu_config, num_scanouts));
	/* §5.7.4: 1 to 16.  Out of range is the device's mistake; take the
	 * nearest value rather than index past scanouts[]. */
	g->num_scanouts = n == 0 ? 1 : n > VIRTIO_GPU_MAX_SCANOUTS ? VIRTIO_GPU_MAX_SCANOUTS : n;
	g->num_capsets = config_read(g, offsetof(struct virtio_gpu_config, num_capsets));
	g->edid = virtio_has_feature(g->vdev, VIRTIO_GPU_F_EDID);
	return VIRTIO_OK;
}

/* Re-initialisation by the core: the device has forgotten every resource
 * and any re-read in flight was taken back. */
static int reinit(void *ctx)
{
	struct vgpu *g = ctx;
	g->refresh_busy = g->refresh_again = false;
	return read_config(g);
}

static void config_changed(void *ctx)
{
	vgpu_handle_events(ctx);
}

static const struct virtio_driver_ops vgpu_ops = {
	.config_changed = config_changed,
	.reinit = reinit,
};

int vgpu_probe(struct vgpu *g, struct virtio_device *vdev, uint64_t mask)
{
	if (vdev->device_id != VIRTIO_ID_GPU)
		return VIRTIO_ENODEV;
	*g = (struct vgpu){ .vdev = vdev, .next_fence = 1 };
	int rc = virtio_device_begin(vdev, DRIVER_FEATURES, mask);
	if (rc)
		return rc;
	virtio_device_set_driver(vdev, &vgpu_ops, g);
	read_config(g);
	if (virtio_queue_max(vdev, VIRTIO_GPU_QUEUE_CONTROL) == 0) {
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
static size_t queue_bytes(uint16_t size, size_t virtq_bytes)
{
	return VIRTQ_ALIGN_UP(virtq_bytes, QUEUE_PART_ALIGN) +
	       (size_t)slot_count(size) * (sizeof(struct vgpu_slot_dma) + sizeof(uint16_t));
}

size_t vgpu_queue_mem_bytes(uint16_t size)
{
	return queue_bytes(size, virtq_mem_bytes_max(size, 0));
}

static void command_done(void *ctx, void *token, uint32_t len, int status);

int vgpu_attach_queue(struct vgpu *g, uint16_t qi, struct vgpu_queue *q, uint16_t size,
		      void *mem, size_t mem_len)
{
	if (qi > VIRTIO_GPU_QUEUE_CURSOR || g->queues[qi])
		return VIRTIO_EINVAL;
	size_t vq_bytes = virtq_mem_bytes(size, virtq_layout(g->vdev), 0);
	if (mem_len < queue_bytes(size, vq_bytes))
		return VIRTIO_ENOMEM;
	*q = (struct vgpu_queue){ .gpu = g, .nslots = slot_count(size) };
	int rc = virtio_queue_attach(g->vdev, &q->vq, &(struct virtio_queue_setup){
		.index = qi, .size = size, .mem = mem, .mem_len = vq_bytes,
		.done = command_done, .ctx = q,
	});
	if (rc)
		return rc;
	uint8_t *p = (uint8_t *)mem + VIRTQ_ALIGN_UP(vq_bytes, QUEUE_PART_ALIGN);
	q->dma = (struct vgpu_slot_dma *)(void *)p;
	q->free = (uint16_t *)(void *)(p + (size_t)q->nslots * sizeof(struct vgpu_slot_dma));
	for (uint16_t i = 0; i < q->nslots; i++)
		q->free[i] = (uint16_t)(q->nslots - 1 - i);
	q->nfree = q->nslots;
	g->queues[qi] = q;
	return VIRTIO_OK;
}

int vgpu_start(struct vgpu *g)
{
	if (!g->queues[VIRTIO_GPU_QUEUE_CONTROL] || g->vdev->state != VIRTIO_DEV_SETUP)
		return VIRTIO_EINVAL;
	virtio_device_ready(g->vdev);
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

/* The answer a successful command gets. */
static uint32_t answer_type(uint32_t type)
{
	switch (type) {
	case VIRTIO_GPU_CMD_GET_DISPLAY_INFO: return VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
	case VIRTIO_GPU_CMD_GET_EDID: return VIRTIO_GPU_RESP_OK_EDID;
	default: return VIRTIO_GPU_RESP_OK_NODATA;
	}
}

/* The answer buffer a command posts (0: none, a cursor command). */
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
		virtio_le32_store(&dma->req.unref.resource_id, c->resource_id);
		return sizeof(dma->req.unref);
	case VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING:
		virtio_le32_store(&dma->req.detach.resource_id, c->resource_id);
		return sizeof(dma->req.detach);
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
	uint16_t qi = is_cursor(c->type) ? VIRTIO_GPU_QUEUE_CURSOR : VIRTIO_GPU_QUEUE_CONTROL;
	struct vgpu_queue *q = g->queues[qi];

	int rc = virtio_device_error(g->vdev);
	if (rc)
		return rc;
	if (q && virtq_is_broken(&q->vq))
		return VIRTIO_EBROKEN;
	rc = validate(g, c);
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
	uint32_t head = (uint32_t)offsetof(struct virtio_gpu_resp_edid, edid);
	uint32_t size = virtio_le32_load(&r->size);
	if (len < head || size > VGPU_EDID_MAX || size > len - head)
		return VIRTIO_EIO; /* more blob claimed than written */
	for (uint32_t i = 0; i < size; i++)
		c->edid[i] = r->edid[i];
	c->edid_len = size;
	return VIRTIO_OK;
}

/* The status of a command the device used, from what it wrote. */
static int check_answer(struct vgpu *g, struct vgpu_cmd *c, const struct vgpu_slot_dma *dma,
			uint32_t len)
{
	if (c->queue == VIRTIO_GPU_QUEUE_CURSOR)
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

/* The queue's done(): a command the device used (status 0) or one an
 * abort or a recovery took back (status < 0). */
static void command_done(void *ctx, void *token, uint32_t len, int status)
{
	struct vgpu_queue *q = ctx;
	struct vgpu_cmd *c = token;
	if (status == VIRTIO_OK)
		status = check_answer(q->gpu, c, &q->dma[c->slot], len);
	q->free[q->nfree++] = c->slot;
	c->done(c, status);
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
	/* A full queue (or a device that is not live) leaves it for the
	 * next poll. */
	g->refresh_busy = vgpu_submit(g, &g->refresh) == VIRTIO_OK;
	g->refresh_again = !g->refresh_busy;
}

/* After completions: a re-read that could not be sent goes now. */
static int retry_refresh(struct vgpu *g, int rc)
{
	if (g->refresh_again && !g->refresh_busy && g->vdev->state == VIRTIO_DEV_LIVE)
		start_refresh(g);
	return rc;
}

int vgpu_poll(struct vgpu *g)
{
	return retry_refresh(g, virtio_device_poll(g->vdev));
}

int vgpu_interrupt(struct vgpu *g)
{
	return retry_refresh(g, virtio_device_interrupt(g->vdev));
}

void vgpu_handle_events(struct vgpu *g)
{
	if (g->vdev->state != VIRTIO_DEV_LIVE)
		return;
	uint32_t events = config_read(g, offsetof(struct virtio_gpu_config, events_read));
	if (!(events & VIRTIO_GPU_EVENT_DISPLAY))
		return;
	/* Clear first, then re-read: an event after the clear raises a new
	 * interrupt, one before it is covered by the answer (§5.7.4.1: the
	 * driver never writes events_read). */
	virtio_config_write32(g->vdev, (uint32_t)offsetof(struct virtio_gpu_config, events_clear),
			      VIRTIO_GPU_EVENT_DISPLAY);
	g->display_events++;
	start_refresh(g);
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
