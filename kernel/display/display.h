/*
 * Displays: something the kernel draws on and the host sees, whatever
 * drives it (a virtio-gpu today, kernel/virtio/gpu.c).  A display has
 * outputs with preferred modes, one framebuffer in the current mode, and
 * driver operations: make the framebuffer for a mode, show a damaged
 * rectangle, a cursor.
 *
 * Pixels are uint32_t 0x00RRGGBB, rows of `stride` bytes.  The framebuffer
 * is not one block: it is cut into chunks of whole rows that the driver
 * may place anywhere (they are apart on purpose), so code finds a row
 * with display_row() and never walks past its end.  It is also taller
 * than the display: `lines` rows of which the `height` from `origin` are
 * shown, so the console scrolls by moving the origin (display_pan())
 * rather than by copying the screen.
 *
 * Flushes are either waited for or asynchronous: an asynchronous one is
 * sent at once when none is in flight, otherwise its rectangle joins the
 * pending one and goes out when the current flush completes.  So drawing
 * never waits and at most one flush is in flight.
 */
#ifndef KERNEL_DISPLAY_DISPLAY_H
#define KERNEL_DISPLAY_DISPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DISPLAY_MAX         2
#define DISPLAY_MAX_OUTPUTS 16
#define DISPLAY_MAX_CHUNKS  8
/* §5.7.5: the mode to use when no output says what it prefers. */
#define DISPLAY_FALLBACK_W  1024
#define DISPLAY_FALLBACK_H  768
/* The framebuffer is this many screens tall (room to pan into), up to
 * DISPLAY_MAX_LINES rows. */
#define DISPLAY_SCREENS     2
#define DISPLAY_MAX_LINES   16384

#define RGB_BLACK   0x000000u
#define RGB_WHITE   0xffffffu
#define RGB_YELLOW  0xffff00u
#define RGB_CYAN    0x00ffffu
#define RGB_GREEN   0x00ff00u
#define RGB_MAGENTA 0xff00ffu
#define RGB_RED     0xff0000u
#define RGB_BLUE    0x0000ffu

struct display_rect {
	uint32_t x, y, w, h;
};

struct display_output {
	bool enabled;
	struct display_rect mode; /* preferred position and size */
	char edid[80];            /* one-line EDID summary; "" when none */
};

struct display_fb {
	uint32_t width, height; /* the mode shown; 0: no framebuffer yet */
	uint32_t lines;         /* rows in memory, >= height */
	uint32_t stride;        /* bytes per row */
	uint32_t rows_per_chunk;
	unsigned nchunks;
	uint8_t *chunk[DISPLAY_MAX_CHUNKS]; /* rows [i * rows_per_chunk, ...) */
};

struct display;

struct display_ops {
	/* Replace the framebuffer (d->fb) with one of width x lines rows,
	 * its first height rows shown in a width x height mode.  Thread
	 * context. */
	int (*set_mode)(struct display *d, uint32_t width, uint32_t height, uint32_t lines);
	/* Show r (framebuffer rows) and rows origin.. of the framebuffer
	 * when the origin moved.  wait: return once it is on the display.
	 * Otherwise start it and call display_flush_done() when it is (any
	 * context). */
	int (*flush)(struct display *d, const struct display_rect *r, bool wait);
	/* A cursor: a 64x64 image of 0xAARRGGBB pixels with its hotspot, at
	 * x, y; then cursor_move.  Thread context. */
	int (*cursor_set)(struct display *d, const uint32_t *image, uint32_t hot_x, uint32_t hot_y,
			  uint32_t x, uint32_t y);
	int (*cursor_move)(struct display *d, uint32_t x, uint32_t y);
	/* Bring outputs[] up to date (the EDID after a change); thread
	 * context; may be NULL. */
	void (*refresh)(struct display *d);
	/* More lines for `gpu info` (features, queues); may be NULL. */
	void (*info)(struct display *d);
	const char *(*strerror)(int err);
};

struct display {
	char name[16];             /* "display0", set by display_register() */
	const char *transport;
	const struct display_ops *ops;
	void *driver;
	unsigned noutputs;
	struct display_output outputs[DISPLAY_MAX_OUTPUTS];
	uint32_t changes;          /* display changes the driver reported */
	volatile bool stale;       /* mode changed or framebuffer lost: remake it */
	uint32_t generation;       /* bumped by each new framebuffer */
	struct display_fb fb;
	volatile uint32_t origin;  /* first framebuffer row shown (display_pan) */
	bool cursor_shown;
	/* asynchronous flushes (display.c) */
	bool flush_busy, flush_pending;
	struct display_rect pending;
	uint32_t flushes, flush_errors;
	int last_flush_error;
};

/* Adds a display (storage must stay valid) and names it; 0 or -1 when
 * DISPLAY_MAX are registered. */
int display_register(struct display *d);
unsigned display_count(void);
struct display *display_get(unsigned i);

/* The driver re-read the outputs after a display change (any context). */
void display_changed(struct display *d);

/* The mode to use: the first enabled output's preferred size, or the
 * fallback. */
void display_preferred(const struct display *d, uint32_t *width, uint32_t *height);

/* Make sure there is a framebuffer in the preferred mode, remaking it
 * after a change: 0 or the driver's error.  Thread context. */
int display_ensure_fb(struct display *d);

static inline uint32_t *display_row(const struct display_fb *fb, uint32_t y)
{
	return (uint32_t *)(void *)(fb->chunk[y / fb->rows_per_chunk] +
				    (size_t)(y % fb->rows_per_chunk) * fb->stride);
}

/* Show the framebuffer from row `origin` (clamped so a whole screen is
 * there) at the next flush. */
void display_pan(struct display *d, uint32_t origin);

/* r clipped to the framebuffer (all its lines); false when nothing is left. */
bool display_clip(const struct display_fb *fb, struct display_rect *r);
void display_fill(const struct display_fb *fb, struct display_rect r, uint32_t rgb);

/* Show r (clipped), waiting or not (see above).  0 or the driver's error
 * (an asynchronous error is counted in flush_errors instead). */
int display_flush(struct display *d, struct display_rect r, bool wait);
/* The driver's completion of an asynchronous flush. */
void display_flush_done(struct display *d, int status);
/* True while an asynchronous flush is in flight or pending. */
bool display_flush_busy(struct display *d);

/* The built-in 64x64 arrow at x, y, then moved. */
int display_cursor(struct display *d, uint32_t x, uint32_t y);

const char *display_strerror(const struct display *d, int err);

#endif
