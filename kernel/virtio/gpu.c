/*
 * virtio-gpu as a kernel display: bring-up over the library's vgpu
 * driver, and the display operations (kernel/display/display.h) in its
 * commands.
 *
 * The framebuffer is resource 1, format B8G8R8X8 (a little-endian
 * 0x00RRGGBB word per pixel, the display's pixel), as tall as the
 * display's `lines` and shown from row `origin` by the scanout's
 * rectangle; backed by FB_CHUNKS runs of whole rows allocated with a
 * spacer page between each, so the device gets a scattered backing of
 * several entries.  The cursor is
 * resource 2, 64x64 B8G8R8A8.  Synchronous commands run with interrupts
 * masked (the interrupt handler polls the same queues); an asynchronous
 * flush is a TRANSFER_TO_HOST_2D (a SET_SCANOUT when the display panned)
 * and a RESOURCE_FLUSH whose completions, by interrupt, end in
 * display_flush_done().  What the interrupt handler must not do (a
 * recovery after DEVICE_NEEDS_RESET or a fault, the rest of a drain) is
 * deferred work (kernel/deferred.h); after a recovery the device has no
 * resources, so the display is marked stale and its next use remakes them.
 */
#include "kernel/errno.h"
#include "kernel/virtio/kerr.h"
#include "kernel/virtio/probe.h"

#include "kernel/deferred.h"
#include "kernel/display/display.h"
#include "kernel/display/edid.h"
#include "kernel/dma.h"
#include "kernel/irq/irq.h"
#include "kernel/riscv.h"
#include "kernel/timer.h"
#include "lib/kstring.h"
#include "lib/printf.h"
#include "virtio/errors.h"
#include "virtio/gpu.h"

#define MAX_GPUS        DISPLAY_MAX
#define CONTROLQ_SIZE   64
#define CURSORQ_SIZE    16
#define GPU_TIMEOUT_NS  2000000000ull /* QEMU answers at once; 2 s is silence */
#define FB_RESOURCE     1
#define CURSOR_RESOURCE 2
#define FB_CHUNKS       4

struct gpu {
	struct vgpu g;
	struct vgpu_queue queues[2];
	struct display display;
	uint32_t irq;
	bool handler;              /* gpu_irq() is registered on irq */
	char where[64];
	uint32_t scanout;          /* the output the framebuffer is on */
	uint32_t origin_shown;     /* the scanout rectangle's y */
	/* the framebuffer's memory, kept for a later mode that fits */
	uint8_t *chunk[FB_CHUNKS];
	size_t chunk_bytes;
	bool fb_made;              /* resource 1 exists on the device */
	uint32_t fb_recoveries;    /* device recoveries when it was made */
	uint32_t *cursor_img;
	bool cursor_made;
	uint32_t cursor_recoveries;
	bool edid_stale;
	struct deferred_work work; /* gpu_deferred() */
	/* the asynchronous flush in flight (the display allows one):
	 * transfer, pan when the origin moved, flush */
	struct vgpu_cmd async[3];
	unsigned async_left;
	int async_status;
};

static struct gpu gpus[MAX_GPUS];
static unsigned ngpus;

static uint32_t recoveries(const struct gpu *p)
{
	return p->g.vdev->events.recoveries;
}

/* The outputs as the last display info gave them; EDID lines when asked. */
static void copy_outputs(struct gpu *p, bool read_edid)
{
	struct display *d = &p->display;
	d->noutputs = p->g.num_scanouts;
	for (unsigned i = 0; i < d->noutputs; i++) {
		const struct vgpu_scanout *s = &p->g.scanouts[i];
		struct display_output *o = &d->outputs[i];
		o->enabled = s->enabled;
		o->mode = (struct display_rect){ s->r.x, s->r.y, s->r.width, s->r.height };
		if (!read_edid)
			continue;
		o->edid[0] = '\0';
		if (!p->g.edid || !s->enabled)
			continue;
		size_t mark = dma_mark();
		uint8_t *blob = dma_alloc(VGPU_EDID_MAX);
		int len = blob ? vgpu_get_edid(&p->g, i, blob, GPU_TIMEOUT_NS) : VIRTIO_ENOMEM;
		if (len >= 0)
			edid_summary(blob, (uint32_t)len, o->edid, sizeof(o->edid));
		else
			ksnprintf(o->edid, sizeof(o->edid), "GET_EDID: %s", virtio_strerror(len));
		dma_release(mark);
	}
}

/* After a display-change event, once the library re-read the display
 * info (interrupt context): the outputs, and the display told. */
static void on_display_changed(struct vgpu *g, void *ctx)
{
	struct gpu *p = ctx;
	(void)g;
	copy_outputs(p, false);
	p->edid_stale = true;
	display_changed(&p->display);
}

/* After a recovery the device has forgotten the framebuffer. */
static void note_recovery(struct gpu *p)
{
	if (p->fb_made && p->fb_recoveries != recoveries(p))
		p->display.stale = true;
}

/* What the interrupt left for the main loop: a recovery, or the rest of a
 * drain (interrupts masked, as every use of the queues). */
static void gpu_deferred(void *ctx)
{
	struct gpu *p = ctx;
	unsigned long irq = intr_save();
	unsigned pending = virtio_device_pending(p->g.vdev);
	int rc = VIRTIO_OK;
	if (pending & VIRTIO_PENDING_RECOVER)
		rc = virtio_device_recover(p->g.vdev);
	else if (pending & VIRTIO_PENDING_POLL)
		vgpu_poll(&p->g);
	note_recovery(p);
	if (virtio_device_pending(p->g.vdev) & VIRTIO_PENDING_POLL)
		deferred_mark(&p->work);
	intr_restore(irq);
	if (rc)
		kprintf("%s: recovery: %s\n", p->display.name, virtio_strerror(rc));
}

static void gpu_irq(void *ctx)
{
	struct gpu *p = ctx;
	bool was_live = p->g.vdev->state == VIRTIO_DEV_LIVE;
	int rc = vgpu_interrupt(&p->g);
	/* Say it once: a device that is down sees its neighbours' interrupts
	 * on a shared line. */
	if (rc < 0 && was_live)
		kprintf("%s: %s\n", p->display.name, virtio_strerror(rc));
	if (virtio_device_pending(p->g.vdev))
		deferred_mark(&p->work);
}

/* A device left down by a timeout or a fault gets one more chance. */
static int alive(struct gpu *p)
{
	int rc = p->g.vdev->state == VIRTIO_DEV_LIVE ? VIRTIO_OK : virtio_device_recover(p->g.vdev);
	note_recovery(p);
	return rc;
}

/* Resource 1 off the scanout and gone, when the device still has it. */
static int drop_fb(struct gpu *p)
{
	if (!p->fb_made || p->fb_recoveries != recoveries(p))
		return VIRTIO_OK;
	p->fb_made = false;
	int rc = vgpu_set_scanout(&p->g, p->scanout, 0, NULL, GPU_TIMEOUT_NS);
	if (rc == VIRTIO_OK)
		rc = vgpu_resource_detach_backing(&p->g, FB_RESOURCE, GPU_TIMEOUT_NS);
	if (rc == VIRTIO_OK)
		rc = vgpu_resource_unref(&p->g, FB_RESOURCE, GPU_TIMEOUT_NS);
	return rc;
}

/* FB_CHUNKS runs of `bytes`, a spacer page between each: never adjacent. */
static int alloc_chunks(struct gpu *p, size_t bytes)
{
	if (bytes <= p->chunk_bytes)
		return VIRTIO_OK; /* the last framebuffer's memory fits */
	for (unsigned i = 0; i < FB_CHUNKS; i++) {
		if (i && !dma_alloc(DMA_PAGE))
			return VIRTIO_ENOMEM;
		p->chunk[i] = dma_alloc(bytes);
		if (!p->chunk[i])
			return VIRTIO_ENOMEM;
	}
	p->chunk_bytes = bytes;
	return VIRTIO_OK;
}

static int make_fb(struct gpu *p, uint32_t w, uint32_t h, uint32_t lines)
{
	struct display_fb *fb = &p->display.fb;
	uint32_t stride = w * 4, rows = (lines + FB_CHUNKS - 1) / FB_CHUNKS;
	int rc = alloc_chunks(p, (size_t)rows * stride);
	if (rc)
		return rc;
	struct virtq_sg backing[FB_CHUNKS];
	unsigned n = 0;
	for (uint32_t y = 0; y < lines; y += rows, n++) {
		uint32_t k = lines - y < rows ? lines - y : rows;
		memset(p->chunk[n], 0, (size_t)k * stride);
		backing[n] = (struct virtq_sg){ p->chunk[n], k * stride };
	}
	struct vgpu_rect all = { 0, 0, w, h };
	rc = vgpu_resource_create_2d(&p->g, FB_RESOURCE, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, w, lines,
				     GPU_TIMEOUT_NS);
	if (rc)
		return rc;
	p->fb_made = true;
	p->fb_recoveries = recoveries(p);
	rc = vgpu_resource_attach_backing(&p->g, FB_RESOURCE, backing, (uint16_t)n, GPU_TIMEOUT_NS);
	if (rc == VIRTIO_OK)
		rc = vgpu_set_scanout(&p->g, p->scanout, FB_RESOURCE, &all, GPU_TIMEOUT_NS);
	if (rc)
		return rc;
	p->origin_shown = 0;
	*fb = (struct display_fb){ .width = w, .height = h, .lines = lines, .stride = stride,
				   .rows_per_chunk = rows, .nchunks = n };
	for (unsigned i = 0; i < n; i++)
		fb->chunk[i] = p->chunk[i];
	return VIRTIO_OK;
}

static int gpu_set_mode(struct display *d, uint32_t w, uint32_t h, uint32_t lines)
{
	struct gpu *p = d->driver;
	if (w == 0 || h == 0 || lines < h || w > VGPU_MAX_DIMENSION || lines > VGPU_MAX_DIMENSION)
		return VIRTIO_EINVAL;
	unsigned long irq = intr_save();
	/* An asynchronous flush still in flight targets the old resource:
	 * let it finish first; a device that never answers is reset, which
	 * completes it. */
	uint64_t deadline = deadline_in_ms(GPU_TIMEOUT_NS / 1000000);
	while (display_flush_busy(d) && vgpu_poll(&p->g) >= 0)
		if (deadline_passed(deadline))
			(void)virtio_device_abort(p->g.vdev, VIRTIO_ETIMEDOUT);
	int rc = alive(p);
	p->scanout = 0;
	for (unsigned i = 0; i < d->noutputs; i++)
		if (d->outputs[i].enabled) {
			p->scanout = i;
			break;
		}
	if (rc == VIRTIO_OK)
		rc = drop_fb(p);
	if (rc == VIRTIO_OK)
		rc = make_fb(p, w, h, lines);
	intr_restore(irq);
	return rc;
}

/* The commands that show r and the display's origin: a transfer of r,
 * a SET_SCANOUT when the origin moved, a flush of r; their count. */
static unsigned flush_commands(struct gpu *p, const struct display_rect *r, struct vgpu_cmd *c)
{
	const struct display *d = &p->display;
	struct vgpu_rect vr = { r->x, r->y, r->w, r->h };
	unsigned n = 0;
	c[n++] = (struct vgpu_cmd){ .type = VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,
				    .resource_id = FB_RESOURCE, .rect = vr,
				    .offset = (uint64_t)vr.y * d->fb.stride + (uint64_t)vr.x * 4 };
	if (d->origin != p->origin_shown)
		c[n++] = (struct vgpu_cmd){ .type = VIRTIO_GPU_CMD_SET_SCANOUT,
					    .scanout_id = p->scanout, .resource_id = FB_RESOURCE,
					    .rect = { 0, d->origin, d->fb.width, d->fb.height } };
	c[n++] = (struct vgpu_cmd){ .type = VIRTIO_GPU_CMD_RESOURCE_FLUSH,
				    .resource_id = FB_RESOURCE, .rect = vr };
	return n;
}

/* A SET_SCANOUT that went through moved the scanout's rectangle. */
static void shown(struct gpu *p, const struct vgpu_cmd *c, int status)
{
	if (c->type == VIRTIO_GPU_CMD_SET_SCANOUT && status == VIRTIO_OK)
		p->origin_shown = c->rect.y;
}

static void async_done(struct vgpu_cmd *cmd, int status)
{
	struct gpu *p = cmd->ctx;
	shown(p, cmd, status);
	if (status && !p->async_status)
		p->async_status = status;
	if (--p->async_left == 0)
		display_flush_done(&p->display, p->async_status);
}

static int gpu_flush(struct display *d, const struct display_rect *r, bool wait)
{
	struct gpu *p = d->driver;
	struct vgpu_cmd sync[3];
	unsigned long irq = intr_save();
	int rc = VIRTIO_OK;
	if (wait) {
		/* Each fenced: done when it returns. */
		unsigned n = flush_commands(p, r, sync);
		for (unsigned i = 0; i < n && rc == VIRTIO_OK; i++) {
			sync[i].fence = true;
			rc = vgpu_run(&p->g, &sync[i], GPU_TIMEOUT_NS);
			shown(p, &sync[i], rc);
		}
		intr_restore(irq);
		return rc;
	}
	/* In order on the one queue, which QEMU runs in order.  What cannot
	 * be queued is reported by the completion of what was. */
	unsigned n = flush_commands(p, r, p->async);
	p->async_left = 0;
	p->async_status = VIRTIO_OK;
	for (unsigned i = 0; i < n; i++) {
		p->async[i].done = async_done;
		p->async[i].ctx = p;
		int qrc = vgpu_submit(&p->g, &p->async[i]);
		if (qrc == VIRTIO_OK) {
			p->async_left++;
			continue;
		}
		if (i == 0)
			rc = qrc; /* nothing went out: no completion will come */
		else
			p->async_status = qrc;
		break;
	}
	intr_restore(irq);
	return rc;
}

static int fill_cursor(struct gpu *p, const uint32_t *image)
{
	if (!p->cursor_img) {
		p->cursor_img = dma_alloc(VIRTIO_GPU_CURSOR_SIZE * VIRTIO_GPU_CURSOR_SIZE * 4);
		if (!p->cursor_img)
			return VIRTIO_ENOMEM;
	}
	int rc = VIRTIO_OK;
	if (!p->cursor_made || p->cursor_recoveries != recoveries(p)) {
		struct virtq_sg sg = { p->cursor_img, VIRTIO_GPU_CURSOR_SIZE * VIRTIO_GPU_CURSOR_SIZE * 4 };
		rc = vgpu_resource_create_2d(&p->g, CURSOR_RESOURCE, VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM,
					     VIRTIO_GPU_CURSOR_SIZE, VIRTIO_GPU_CURSOR_SIZE,
					     GPU_TIMEOUT_NS);
		if (rc == VIRTIO_OK)
			rc = vgpu_resource_attach_backing(&p->g, CURSOR_RESOURCE, &sg, 1, GPU_TIMEOUT_NS);
		if (rc)
			return rc;
		p->cursor_made = true;
		p->cursor_recoveries = recoveries(p);
	}
	memcpy(p->cursor_img, image, VIRTIO_GPU_CURSOR_SIZE * VIRTIO_GPU_CURSOR_SIZE * 4);
	/* §5.7.6.9: the image must be in the resource before UPDATE_CURSOR:
	 * a fenced transfer is answered only once it is. */
	struct vgpu_cmd c = { .type = VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,
			      .resource_id = CURSOR_RESOURCE, .fence = true,
			      .rect = { 0, 0, VIRTIO_GPU_CURSOR_SIZE, VIRTIO_GPU_CURSOR_SIZE } };
	return vgpu_run(&p->g, &c, GPU_TIMEOUT_NS);
}

static int gpu_cursor_set(struct display *d, const uint32_t *image, uint32_t hot_x,
			  uint32_t hot_y, uint32_t x, uint32_t y)
{
	struct gpu *p = d->driver;
	unsigned long irq = intr_save();
	int rc = alive(p);
	if (rc == VIRTIO_OK)
		rc = fill_cursor(p, image);
	if (rc == VIRTIO_OK)
		rc = vgpu_update_cursor(&p->g, p->scanout, x, y, CURSOR_RESOURCE, hot_x, hot_y,
					GPU_TIMEOUT_NS);
	intr_restore(irq);
	return rc;
}

static int gpu_cursor_move(struct display *d, uint32_t x, uint32_t y)
{
	struct gpu *p = d->driver;
	unsigned long irq = intr_save();
	int rc = vgpu_move_cursor(&p->g, p->scanout, x, y, GPU_TIMEOUT_NS);
	intr_restore(irq);
	return rc;
}

static void gpu_refresh(struct display *d)
{
	struct gpu *p = d->driver;
	if (!p->edid_stale || p->g.vdev->state != VIRTIO_DEV_LIVE)
		return;
	unsigned long irq = intr_save();
	p->edid_stale = false;
	copy_outputs(p, true);
	intr_restore(irq);
}

static void gpu_info(struct display *d)
{
	struct gpu *p = d->driver;
	const struct vgpu *g = &p->g;
	kprintf("  features       0x%016llx%s\n", (unsigned long long)g->vdev->features,
		g->edid ? " EDID" : "");
	for (unsigned qi = 0; qi < 2; qi++)
		if (g->queues[qi])
			kprintf("  %-14s %u entries, %s ring, %u commands at most in flight%s\n",
				qi == VIRTIO_GPU_QUEUE_CONTROL ? "controlq" : "cursorq",
				(unsigned)g->queues[qi]->vq.size,
				g->queues[qi]->vq.packed ? "packed" : "split",
				(unsigned)g->queues[qi]->nslots,
				g->queues[qi]->vq.broken ? ", BROKEN" : "");
	kprintf("  events         %u display events (events_clear), %u config changes, "
		"%u re-initialisations, %llu interrupts\n",
		(unsigned)g->display_events, (unsigned)g->vdev->events.config_changes,
		(unsigned)g->vdev->events.recoveries, (unsigned long long)irq_count(p->irq));
	kprintf("  fences         %llu issued, %llu completed\n",
		(unsigned long long)(g->next_fence - 1), (unsigned long long)g->last_fence);
}

static const struct display_ops gpu_display_ops = {
	.set_mode = gpu_set_mode,
	.flush = gpu_flush,
	.cursor_set = gpu_cursor_set,
	.cursor_move = gpu_cursor_move,
	.refresh = gpu_refresh,
	.info = gpu_info,
	.strerror = virtio_strerror,
};

static int bring_up(struct gpu *p, struct virtio_device *vdev)
{
	int rc = vgpu_probe(&p->g, vdev, ~0ull);
	for (uint16_t qi = 0; rc == VIRTIO_OK && qi < 2; qi++) {
		uint16_t size = virtio_queue_size(vdev, qi, qi == VIRTIO_GPU_QUEUE_CONTROL ? CONTROLQ_SIZE
										     : CURSORQ_SIZE);
		if (size == 0 && qi == VIRTIO_GPU_QUEUE_CURSOR)
			break; /* no cursor queue: no cursor */
		size_t bytes = vgpu_queue_mem_bytes(size);
		void *mem = dma_alloc(bytes);
		rc = mem ? vgpu_attach_queue(&p->g, qi, &p->queues[qi], size, mem, bytes)
			 : VIRTIO_ENOMEM;
	}
	if (rc)
		return rc;
	p->g.display_changed = on_display_changed;
	p->g.display_changed_ctx = p;
	if (irq_register(p->irq, gpu_irq, p) != 0)
		return VIRTIO_EINVAL;
	p->handler = true;
	rc = vgpu_start(&p->g);
	if (rc)
		return rc;
	unsigned long irq = intr_save();
	rc = vgpu_get_display_info(&p->g, GPU_TIMEOUT_NS);
	if (rc == VIRTIO_OK)
		copy_outputs(p, true);
	intr_restore(irq);
	return rc;
}

int virtio_gpu_attach(struct virtio_device *vdev, const char *where, uint32_t irq)
{
	if (ngpus == MAX_GPUS)
		return KERR_EFULL;
	/* The slot is taken only by a device that came up: a failed one left
	 * nothing pointing at it (no handler, no registry entry). */
	struct gpu *p = &gpus[ngpus];
	size_t mark = dma_mark();
	*p = (struct gpu){ .irq = irq };
	p->work = (struct deferred_work){ .fn = gpu_deferred, .ctx = p };
	int rc = kerr_from_virtio(bring_up(p, vdev));
	if (rc == KERR_OK) {
		ksnprintf(p->where, sizeof(p->where), "%s", where);
		p->display.transport = p->where;
		p->display.ops = &gpu_display_ops;
		p->display.driver = p;
		rc = virtio_fail_injected(vdev) ? KERR_EFULL
		     : display_register(&p->display) ? KERR_EFULL : KERR_OK;
	}
	if (rc) {
		virtio_bringup_undo(vdev, where, mark, irq, p->handler ? gpu_irq : NULL, p);
		deferred_cancel(&p->work); /* a mark from the handler before it went */
		return rc;
	}
	ngpus++;
	uint32_t w, h;
	display_preferred(&p->display, &w, &h);
	kprintf("%s: virtio-gpu, %u scanout%s, mode %ux%u, %s\n", p->display.name,
		(unsigned)p->g.num_scanouts, p->g.num_scanouts == 1 ? "" : "s", (unsigned)w,
		(unsigned)h, where);
	return KERR_OK;
}
