/*
 * The simulated virtio-gpu back end (sim_gpu.h): control commands on
 * queue 0, cursor commands on queue 1, the event registers in config
 * space.  Requests are decoded at their byte offsets in §5.7.6.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/devices/sim_gpu.h"
#include "sim/sim_internal.h"
#include "virtio/gpu.h"
#include "virtio/spec.h"

/* A rule of gpu.h's caller broken (sim_gpu.h, caller_rules_unchecked). */
#define caller_violation(g, ...) ((g)->caller_rules_unchecked ? (void)0 : sim_violation(__VA_ARGS__))

#define HDR 24u /* struct virtio_gpu_ctrl_hdr */

struct sim_gpu_resource *sim_gpu_res(struct sim_dev *d, uint32_t id)
{
	struct sim_gpu *g = sim_gpu_of(d);
	for (unsigned i = 0; i < SIM_GPU_MAX_RES; i++)
		if (g->res[i].used && g->res[i].id == id)
			return &g->res[i];
	return NULL;
}

static uint32_t req32(struct sim_chain *c, uint64_t off)
{
	uint8_t b[4] = { 0 };
	sim_chain_read(c, off, b, 4);
	return ld32(b);
}

static uint64_t req64(struct sim_chain *c, uint64_t off)
{
	return req32(c, off) | (uint64_t)req32(c, off + 4) << 32;
}

static struct sim_gpu_rect req_rect(struct sim_chain *c, uint64_t off)
{
	return (struct sim_gpu_rect){ req32(c, off), req32(c, off + 4), req32(c, off + 8),
				      req32(c, off + 12) };
}

/* The rectangle lies inside a width x height resource (no overflow). */
static bool rect_inside(struct sim_gpu_rect r, uint32_t width, uint32_t height)
{
	return r.x <= width && r.w <= width - r.x && r.y <= height && r.h <= height - r.y;
}

/* Bytes of the backing at `off`, gathered across its entries. */
static bool backing_read(struct sim_gpu_resource *res, uint64_t off, void *buf, uint32_t n)
{
	uint8_t *out = buf;
	for (unsigned i = 0; i < res->nentries && n; i++) {
		uint32_t len = res->entry[i].len;
		if (off >= len) {
			off -= len;
			continue;
		}
		uint32_t k = len - (uint32_t)off < n ? len - (uint32_t)off : n;
		memcpy(out, res->entry[i].p + off, k);
		out += k;
		n -= k;
		off = 0;
	}
	return n == 0;
}

static uint32_t backing_bytes(const struct sim_gpu_resource *res)
{
	uint32_t total = 0;
	for (unsigned i = 0; i < res->nentries; i++)
		total += res->entry[i].len;
	return total;
}

/* ---- commands: each returns the answer type ---------------------------- */

static uint32_t create_2d(struct sim_dev *d, struct sim_chain *c)
{
	struct sim_gpu *g = sim_gpu_of(d);
	uint32_t id = req32(c, HDR), format = req32(c, HDR + 4);
	uint32_t w = req32(c, HDR + 8), h = req32(c, HDR + 12);
	g->creates++;
	if (c->readable < HDR + 16)
		sim_violation("gpu: RESOURCE_CREATE_2D request of %llu bytes",
			      (unsigned long long)c->readable);
	if (id == 0 || sim_gpu_res(d, id))
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	if (format != VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM && format != VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM &&
	    format != VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM && format != VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM)
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	if (w == 0 || h == 0 || (uint64_t)w * h > SIM_GPU_MAX_PIXELS)
		return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
	for (unsigned i = 0; i < SIM_GPU_MAX_RES; i++) {
		struct sim_gpu_resource *r = &g->res[i];
		if (r->used)
			continue;
		memset(r, 0, sizeof(*r));
		*r = (struct sim_gpu_resource){ .used = true, .id = id, .format = format,
						.width = w, .height = h };
		return VIRTIO_GPU_RESP_OK_NODATA;
	}
	return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
}

static uint32_t attach(struct sim_dev *d, struct sim_chain *c)
{
	struct sim_gpu *g = sim_gpu_of(d);
	uint32_t id = req32(c, HDR), n = req32(c, HDR + 4);
	g->attaches++;
	if (n > g->max_entries)
		g->max_entries = n;
	if (c->readable != HDR + 8 + 16ull * n) {
		sim_violation("gpu: ATTACH_BACKING of %u entries in %llu readable bytes", n,
			      (unsigned long long)c->readable);
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	}
	struct sim_gpu_resource *r = sim_gpu_res(d, id);
	if (!r)
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	if (r->attached) {
		caller_violation(g, "gpu: ATTACH_BACKING to resource %u that has a backing", id);
		return VIRTIO_GPU_RESP_ERR_UNSPEC;
	}
	if (n == 0 || n > SIM_GPU_MAX_ENTRIES)
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t addr = req64(c, HDR + 8 + 16 * i);
		uint32_t len = req32(c, HDR + 8 + 16 * i + 8);
		uint8_t *p = sim_dma_ptr(addr, len, "gpu backing entry");
		if (!p || len == 0)
			return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
		r->entry[i].p = p;
		r->entry[i].len = len;
	}
	r->nentries = n;
	if (backing_bytes(r) < r->width * r->height * 4u)
		caller_violation(g, "gpu: resource %u of %ux%u attached %u bytes of backing", id, r->width,
			      r->height, backing_bytes(r));
	r->attached = true;
	return VIRTIO_GPU_RESP_OK_NODATA;
}

static uint32_t detach(struct sim_dev *d, struct sim_chain *c)
{
	struct sim_gpu_resource *r = sim_gpu_res(d, req32(c, HDR));
	sim_gpu_of(d)->detaches++;
	if (!r || !r->attached)
		return VIRTIO_GPU_RESP_ERR_UNSPEC;
	r->attached = false;
	r->nentries = 0;
	return VIRTIO_GPU_RESP_OK_NODATA;
}

static uint32_t unref(struct sim_dev *d, struct sim_chain *c)
{
	struct sim_gpu *g = sim_gpu_of(d);
	uint32_t id = req32(c, HDR);
	struct sim_gpu_resource *r = sim_gpu_res(d, id);
	g->unrefs++;
	if (!r)
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	for (unsigned s = 0; s < 16; s++)
		if (g->scanout[s].resource_id == id)
			g->scanout[s].resource_id = 0; /* as QEMU: the scanout goes dark */
	r->used = false;
	return VIRTIO_GPU_RESP_OK_NODATA;
}

static uint32_t set_scanout(struct sim_dev *d, struct sim_chain *c)
{
	struct sim_gpu *g = sim_gpu_of(d);
	struct sim_gpu_rect rect = req_rect(c, HDR);
	uint32_t s = req32(c, HDR + 16), id = req32(c, HDR + 20);
	g->set_scanouts++;
	if (s >= ld32(d->config + offsetof(struct virtio_gpu_config, num_scanouts)) || s >= 16)
		return VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID;
	if (id == 0) {
		g->scanout[s].resource_id = 0;
		return VIRTIO_GPU_RESP_OK_NODATA;
	}
	struct sim_gpu_resource *r = sim_gpu_res(d, id);
	if (!r)
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	if (!rect_inside(rect, r->width, r->height) || rect.w == 0 || rect.h == 0)
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	g->scanout[s].resource_id = id;
	g->scanout[s].r = rect;
	return VIRTIO_GPU_RESP_OK_NODATA;
}

static uint32_t transfer(struct sim_dev *d, struct sim_chain *c)
{
	struct sim_gpu_rect rect = req_rect(c, HDR);
	uint64_t offset = req64(c, HDR + 16);
	struct sim_gpu_resource *r = sim_gpu_res(d, req32(c, HDR + 24));
	sim_gpu_of(d)->transfers++;
	if (!r || !r->attached)
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	if (!rect_inside(rect, r->width, r->height))
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	/* QEMU's 2D copy: row h of the rectangle starts at offset + h * stride. */
	uint32_t stride = r->width * 4;
	for (uint32_t h = 0; h < rect.h; h++) {
		uint32_t *dst = &r->pixels[(rect.y + h) * r->width + rect.x];
		if (!backing_read(r, offset + (uint64_t)h * stride, dst, rect.w * 4)) {
			caller_violation(sim_gpu_of(d), "gpu: TRANSFER_TO_HOST_2D row %u reads past the backing", h);
			return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
		}
	}
	return VIRTIO_GPU_RESP_OK_NODATA;
}

static uint32_t flush(struct sim_dev *d, struct sim_chain *c)
{
	struct sim_gpu *g = sim_gpu_of(d);
	struct sim_gpu_rect rect = req_rect(c, HDR);
	uint32_t id = req32(c, HDR + 16);
	struct sim_gpu_resource *r = sim_gpu_res(d, id);
	g->flushes++;
	if (!r)
		return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
	if (!rect_inside(rect, r->width, r->height))
		return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
	g->last_flush = rect;
	g->last_flush_res = id;
	return VIRTIO_GPU_RESP_OK_NODATA;
}

/* ---- answers ----------------------------------------------------------- */

static void put32(uint8_t *p, uint32_t v)
{
	st32(p, v);
}

/* The answer for one control command into `ans` (at most 1056 bytes);
 * its length. */
static uint32_t control(struct sim_dev *d, struct sim_chain *c, uint8_t *ans)
{
	struct sim_gpu *g = sim_gpu_of(d);
	uint32_t type = req32(c, 0), flags = req32(c, 4);
	uint32_t resp = VIRTIO_GPU_RESP_ERR_UNSPEC, len = HDR;

	g->last_type = type;
	if (c->readable < HDR || c->writable < HDR) {
		sim_violation("gpu: control command with %llu readable, %llu writable bytes",
			      (unsigned long long)c->readable, (unsigned long long)c->writable);
		return 0;
	}
	if (req32(c, 16) != 0)
		sim_violation("gpu: ctx_id %u in a 2D command", req32(c, 16));
	switch (type) {
	case VIRTIO_GPU_CMD_GET_DISPLAY_INFO:
		g->display_infos++;
		if (c->writable < 408)
			sim_violation("gpu: GET_DISPLAY_INFO with a %llu-byte answer buffer",
				      (unsigned long long)c->writable);
		resp = VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
		for (unsigned s = 0; s < 16; s++) {
			uint8_t *p = ans + HDR + 24 * s;
			put32(p, g->mode[s].r.x);
			put32(p + 4, g->mode[s].r.y);
			put32(p + 8, g->mode[s].r.w);
			put32(p + 12, g->mode[s].r.h);
			put32(p + 16, g->mode[s].enabled);
		}
		len = 408;
		if (g->truncate_info_next) {
			g->truncate_info_next--;
			len = 200;
		}
		break;
	case VIRTIO_GPU_CMD_GET_EDID: {
		uint32_t s = req32(c, HDR);
		g->edids++;
		if (!sim_has(d, VIRTIO_GPU_F_EDID))
			sim_violation("gpu: GET_EDID without the EDID feature");
		if (s >= ld32(d->config + offsetof(struct virtio_gpu_config, num_scanouts))) {
			resp = VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID;
			break;
		}
		resp = VIRTIO_GPU_RESP_OK_EDID;
		put32(ans + HDR, g->edid_len);
		if (g->edid_lie_next) {
			g->edid_lie_next--;
			put32(ans + HDR, g->edid_len + 1); /* one byte more than sent */
		}
		memcpy(ans + HDR + 8, g->edid, g->edid_len);
		len = HDR + 8 + g->edid_len;
		break;
	}
	case VIRTIO_GPU_CMD_RESOURCE_CREATE_2D: resp = create_2d(d, c); break;
	case VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING: resp = attach(d, c); break;
	case VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING: resp = detach(d, c); break;
	case VIRTIO_GPU_CMD_RESOURCE_UNREF: resp = unref(d, c); break;
	case VIRTIO_GPU_CMD_SET_SCANOUT: resp = set_scanout(d, c); break;
	case VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D: resp = transfer(d, c); break;
	case VIRTIO_GPU_CMD_RESOURCE_FLUSH: resp = flush(d, c); break;
	default:
		sim_violation("gpu: command type 0x%x on the control queue", type);
		break;
	}
	if (resp >= VIRTIO_GPU_RESP_ERR_UNSPEC)
		len = HDR;
	/* Knobs, in the order a case may stack them. */
	if (g->error_next) {
		g->error_next--;
		resp = g->error_type;
		len = HDR;
	} else if (g->wrong_ok_next) {
		g->wrong_ok_next--;
		resp = resp == VIRTIO_GPU_RESP_OK_NODATA ? VIRTIO_GPU_RESP_OK_DISPLAY_INFO
							 : VIRTIO_GPU_RESP_OK_NODATA;
	}
	if (resp >= VIRTIO_GPU_RESP_ERR_UNSPEC)
		g->errors++;
	put32(ans, resp);
	if (flags & VIRTIO_GPU_FLAG_FENCE) {
		uint64_t fence = req64(c, 8);
		g->last_fence = fence;
		g->fenced++;
		uint32_t aflags = VIRTIO_GPU_FLAG_FENCE;
		if (g->bad_fence_next) {
			g->bad_fence_next--;
			fence++;
		}
		if (g->no_fence_flag_next) {
			g->no_fence_flag_next--;
			aflags = 0;
		}
		put32(ans + 4, aflags);
		put32(ans + 8, (uint32_t)fence);
		put32(ans + 12, (uint32_t)(fence >> 32));
	}
	if (g->short_next) {
		g->short_next--;
		len = 16;
	}
	return len;
}

static void cursor(struct sim_dev *d, struct sim_chain *c)
{
	struct sim_gpu *g = sim_gpu_of(d);
	uint32_t type = req32(c, 0);
	if (c->readable < 56)
		sim_violation("gpu: cursor command of %llu bytes", (unsigned long long)c->readable);
	if (req32(c, 4) & VIRTIO_GPU_FLAG_FENCE)
		sim_violation("gpu: fenced cursor command (cursorq has no answer to carry it)");
	g->cursor.scanout = req32(c, HDR);
	g->cursor.x = req32(c, HDR + 4);
	g->cursor.y = req32(c, HDR + 8);
	if (type == VIRTIO_GPU_CMD_UPDATE_CURSOR) {
		g->cursor_updates++;
		g->cursor.resource_id = req32(c, HDR + 16);
		g->cursor.hot_x = req32(c, HDR + 20);
		g->cursor.hot_y = req32(c, HDR + 24);
		struct sim_gpu_resource *r = sim_gpu_res(d, g->cursor.resource_id);
		if (g->cursor.resource_id && (!r || r->width != 64 || r->height != 64))
			caller_violation(g, "gpu: UPDATE_CURSOR with resource %u: not a 64x64 resource",
				      g->cursor.resource_id);
	} else if (type == VIRTIO_GPU_CMD_MOVE_CURSOR) {
		g->cursor_moves++;
	} else {
		sim_violation("gpu: command type 0x%x on the cursor queue", type);
	}
}

static uint32_t gpu_backend(struct sim_dev *d, unsigned q, struct sim_chain *c)
{
	if (q == 1) {
		cursor(d, c);
		return 0; /* as QEMU: consumed, nothing written */
	}
	uint8_t ans[1056];
	memset(ans, 0, sizeof(ans));
	uint32_t len = control(d, c, ans);
	if (len > c->writable)
		len = (uint32_t)c->writable;
	return (uint32_t)sim_chain_write(c, 0, ans, len);
}

static bool gpu_config_write(struct sim_dev *d, uint32_t off, unsigned width, uint32_t v)
{
	if (off != offsetof(struct virtio_gpu_config, events_clear) || width != 4)
		return false; /* events_read and the rest are read-only */
	/* write-1-to-clear (§5.7.4.1) */
	st32(d->config + offsetof(struct virtio_gpu_config, events_read),
	     ld32(d->config + offsetof(struct virtio_gpu_config, events_read)) & ~v);
	sim_gpu_of(d)->events_cleared++;
	return true;
}

/* A reset drops every resource and scanout, as QEMU's does. */
static void gpu_reset(struct sim_dev *d)
{
	struct sim_gpu *g = sim_gpu_of(d);
	for (unsigned i = 0; i < SIM_GPU_MAX_RES; i++)
		g->res[i].used = false;
	memset(g->scanout, 0, sizeof(g->scanout));
	st32(d->config + offsetof(struct virtio_gpu_config, events_read), 0);
}

void sim_gpu_display_event(struct sim_dev *d, unsigned s, uint32_t w, uint32_t h)
{
	struct sim_gpu *g = sim_gpu_of(d);
	g->mode[s].r.w = w;
	g->mode[s].r.h = h;
	g->mode[s].enabled = w && h;
	st32(d->config + offsetof(struct virtio_gpu_config, events_read),
	     ld32(d->config + offsetof(struct virtio_gpu_config, events_read)) | VIRTIO_GPU_EVENT_DISPLAY);
	sim_raise_config(d);
}

struct sim_dev *sim_gpu_new(const struct sim_gpu_opts *o)
{
	uint64_t f = o->features ? o->features
				 : VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_GPU_F_EDID) |
					   VIRTIO_BIT(VIRTIO_F_EVENT_IDX) |
					   VIRTIO_BIT(VIRTIO_F_RING_PACKED);
	struct sim_dev *d = sim_dev_new(o->version ? o->version : 2, VIRTIO_ID_GPU, f & ~o->remove);
	struct sim_gpu *g = calloc(1, sizeof(*g));
	if (!g)
		abort();
	d->ctx = g;
	d->backend = gpu_backend;
	d->config_write = gpu_config_write;
	d->on_reset = gpu_reset;
	sim_set_queue_max(d, 0, o->qmax ? o->qmax : 64);
	sim_set_queue_max(d, 1, o->qmax ? o->qmax : 64);
	d->config_len = 16;
	put32(d->config + offsetof(struct virtio_gpu_config, num_scanouts), o->num_scanouts ? o->num_scanouts : 1);
	g->mode[0].enabled = true;
	g->mode[0].r = (struct sim_gpu_rect){ 0, 0, o->width ? o->width : 64,
					      o->height ? o->height : 48 };
	/* A recognisable blob: the 8-byte EDID header, then a counter. */
	static const uint8_t head[8] = { 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00 };
	memcpy(g->edid, head, 8);
	for (unsigned i = 8; i < 128; i++)
		g->edid[i] = (uint8_t)i;
	g->edid_len = 128;
	return d;
}
