/*
 * The display registry and what every display shares (see display.h):
 * the mode choice, the framebuffer's life, clipped fills, coalesced
 * asynchronous flushes, and the built-in cursor image.
 */
#include "kernel/display/display.h"

#include "kernel/riscv.h"
#include "lib/printf.h"

static struct display *displays[DISPLAY_MAX];
static unsigned ndisplays;

int display_register(struct display *d)
{
	if (ndisplays == DISPLAY_MAX)
		return -1;
	ksnprintf(d->name, sizeof(d->name), "display%u", ndisplays);
	displays[ndisplays++] = d;
	return 0;
}

unsigned display_count(void)
{
	return ndisplays;
}

struct display *display_get(unsigned i)
{
	return i < ndisplays ? displays[i] : NULL;
}

void display_changed(struct display *d)
{
	d->changes++;
	uint32_t w, h;
	display_preferred(d, &w, &h);
	if (w != d->fb.width || h != d->fb.height)
		d->stale = true;
}

void display_preferred(const struct display *d, uint32_t *width, uint32_t *height)
{
	for (unsigned i = 0; i < d->noutputs; i++)
		if (d->outputs[i].enabled) {
			*width = d->outputs[i].mode.w;
			*height = d->outputs[i].mode.h;
			return;
		}
	*width = DISPLAY_FALLBACK_W;
	*height = DISPLAY_FALLBACK_H;
}

int display_ensure_fb(struct display *d)
{
	if (d->fb.width && !d->stale)
		return 0;
	uint32_t w, h;
	display_preferred(d, &w, &h);
	uint32_t lines = h <= DISPLAY_MAX_LINES / DISPLAY_SCREENS ? h * DISPLAY_SCREENS : h;
	d->stale = false;
	d->origin = 0;
	int rc = d->ops->set_mode(d, w, h, lines);
	if (rc) {
		d->fb.width = d->fb.height = 0; /* nothing to draw on */
		return rc;
	}
	d->generation++;
	d->cursor_shown = false; /* a new mode may come with a reset device */
	return 0;
}

void display_pan(struct display *d, uint32_t origin)
{
	uint32_t last = d->fb.lines - d->fb.height;
	d->origin = origin < last ? origin : last;
}

bool display_clip(const struct display_fb *fb, struct display_rect *r)
{
	if (r->x >= fb->width || r->y >= fb->lines || r->w == 0 || r->h == 0)
		return false;
	if (r->w > fb->width - r->x)
		r->w = fb->width - r->x;
	if (r->h > fb->lines - r->y)
		r->h = fb->lines - r->y;
	return true;
}

void display_fill(const struct display_fb *fb, struct display_rect r, uint32_t rgb)
{
	if (!display_clip(fb, &r))
		return;
	for (uint32_t y = r.y; y < r.y + r.h; y++) {
		uint32_t *row = display_row(fb, y);
		for (uint32_t x = r.x; x < r.x + r.w; x++)
			row[x] = rgb;
	}
}

static struct display_rect bounding(struct display_rect a, struct display_rect b)
{
	uint32_t x0 = a.x < b.x ? a.x : b.x, y0 = a.y < b.y ? a.y : b.y;
	uint32_t x1 = a.x + a.w > b.x + b.w ? a.x + a.w : b.x + b.w;
	uint32_t y1 = a.y + a.h > b.y + b.h ? a.y + a.h : b.y + b.h;
	return (struct display_rect){ x0, y0, x1 - x0, y1 - y0 };
}

/* Send r asynchronously; with interrupts masked. */
static void start_async(struct display *d, struct display_rect r)
{
	d->flush_busy = true;
	d->flushes++;
	int rc = d->ops->flush(d, &r, false);
	if (rc) {
		d->flush_busy = false;
		d->flush_errors++;
		d->last_flush_error = rc;
	}
}

int display_flush(struct display *d, struct display_rect r, bool wait)
{
	if (!display_clip(&d->fb, &r))
		return 0;
	if (wait) {
		d->flushes++;
		return d->ops->flush(d, &r, true);
	}
	/* The completion may run in the interrupt handler: the in-flight
	 * state changes only with interrupts masked. */
	unsigned long irq = intr_save();
	if (d->flush_busy) {
		d->pending = d->flush_pending ? bounding(d->pending, r) : r;
		d->flush_pending = true;
	} else {
		start_async(d, r);
	}
	intr_restore(irq);
	return 0;
}

void display_flush_done(struct display *d, int status)
{
	unsigned long irq = intr_save();
	d->flush_busy = false;
	if (status) {
		d->flush_errors++;
		d->last_flush_error = status;
	}
	if (d->flush_pending) {
		d->flush_pending = false;
		start_async(d, d->pending);
	}
	intr_restore(irq);
}

bool display_flush_busy(struct display *d)
{
	return d->flush_busy || d->flush_pending;
}

/* The built-in cursor: a white arrow with a black edge, tip at 0,0. */
static void draw_arrow(uint32_t *img)
{
	for (uint32_t y = 0; y < 64; y++)
		for (uint32_t x = 0; x < 64; x++) {
			bool inside = y < 20 && x <= y / 2 + y / 4;
			bool edge = inside && (x == 0 || x == y / 2 + y / 4 || y == 19);
			img[y * 64 + x] = !inside ? 0x00000000u : edge ? 0xff000000u : 0xffffffffu;
		}
}

int display_cursor(struct display *d, uint32_t x, uint32_t y)
{
	if (d->cursor_shown)
		return d->ops->cursor_move(d, x, y);
	static uint32_t arrow[64 * 64];
	draw_arrow(arrow);
	int rc = d->ops->cursor_set(d, arrow, 0, 0, x, y);
	d->cursor_shown = rc == 0;
	return rc;
}

const char *display_strerror(const struct display *d, int err)
{
	return d->ops->strerror ? d->ops->strerror(err) : "display error";
}
