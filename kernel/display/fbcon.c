/*
 * The framebuffer console (fbcon.h).  Everything runs with interrupts
 * masked (a kprintf from an interrupt handler draws too), and a character
 * that arrives while one is being drawn (a driver printing from inside a
 * flush) is left to the other consoles rather than recursing.
 *
 * Text line 0 of the screen is framebuffer line `top`: scrolling moves
 * `top` down and pans the display there, so a new line costs one blank
 * line and a small transfer, not a copy of the screen.  Only when the
 * framebuffer's end is reached are the screen's lines copied back to its
 * start, once every (lines - height) / TEXT_CELL_H scrolls.
 */
#include "kernel/display/fbcon.h"

#include "kernel/display/text.h"
#include "kernel/riscv.h"
#include "lib/kstring.h"
#include "lib/printf.h"

#define ESC 0x1b

static struct {
	struct printf_console con;
	struct display *d;
	uint32_t generation; /* of the framebuffer the grid was laid on */
	unsigned cols, rows, cx, cy;
	unsigned top; /* framebuffer text line shown as the screen's line 0 */
	enum { PLAIN, GOT_ESC, IN_CSI } state;
	bool damaged;
	struct display_rect damage;
	bool busy;
} fbcon;

static void damage(uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	struct display_rect r = { x, y, w, h };
	if (!fbcon.damaged) {
		fbcon.damage = r;
		fbcon.damaged = true;
		return;
	}
	struct display_rect *a = &fbcon.damage;
	uint32_t x1 = a->x + a->w > x + w ? a->x + a->w : x + w;
	uint32_t y1 = a->y + a->h > y + h ? a->y + a->h : y + h;
	a->x = a->x < x ? a->x : x;
	a->y = a->y < y ? a->y : y;
	a->w = x1 - a->x;
	a->h = y1 - a->y;
}

/* The grid over the current framebuffer, cleared, cursor home. */
static void layout(void)
{
	const struct display_fb *fb = &fbcon.d->fb;
	fbcon.generation = fbcon.d->generation;
	fbcon.cols = fb->width / TEXT_CELL_W;
	fbcon.rows = fb->height / TEXT_CELL_H;
	fbcon.cx = fbcon.cy = fbcon.top = 0;
	fbcon.state = PLAIN;
	display_fill(fb, (struct display_rect){ 0, 0, fb->width, fb->lines }, FBCON_BG);
	display_pan(fbcon.d, 0);
	damage(0, 0, fb->width, fb->height);
}

/* The framebuffer row where the screen's text line `row` starts. */
static uint32_t row_y(unsigned row)
{
	return (fbcon.top + row) * TEXT_CELL_H;
}

static void erase(unsigned from_col, unsigned to_col, unsigned row)
{
	if (from_col >= to_col)
		return;
	uint32_t x = from_col * TEXT_CELL_W, y = row_y(row);
	uint32_t w = (to_col - from_col) * TEXT_CELL_W;
	display_fill(&fbcon.d->fb, (struct display_rect){ x, y, w, TEXT_CELL_H }, FBCON_BG);
	damage(x, y, w, TEXT_CELL_H);
}

static void newline(void)
{
	const struct display_fb *fb = &fbcon.d->fb;
	fbcon.cx = 0;
	if (fbcon.cy + 1 < fbcon.rows) {
		fbcon.cy++;
		return;
	}
	if (row_y(1) + fb->height <= fb->lines) {
		fbcon.top++; /* the screen one line further down */
	} else {
		/* The end of the framebuffer: the screen's lines 1.. back to
		 * its start (below the screen: no overlap). */
		uint32_t from = row_y(1), bytes = fbcon.cols * TEXT_CELL_W * 4;
		for (uint32_t y = 0; y + TEXT_CELL_H < fbcon.rows * TEXT_CELL_H; y++)
			memmove(display_row(fb, y), display_row(fb, from + y), bytes);
		fbcon.top = 0;
		damage(0, 0, fbcon.cols * TEXT_CELL_W, fbcon.rows * TEXT_CELL_H);
	}
	display_pan(fbcon.d, row_y(0));
	/* The line that came into view, and what is below the text grid,
	 * blank (an earlier lap may have left text there). */
	uint32_t y0 = row_y(fbcon.rows - 1), y1 = row_y(0) + fb->height;
	display_fill(fb, (struct display_rect){ 0, y0, fb->width, y1 - y0 }, FBCON_BG);
	damage(0, y0, fb->width, y1 - y0);
}

static void put(char c)
{
	if (fbcon.state == GOT_ESC) {
		fbcon.state = c == '[' ? IN_CSI : PLAIN;
		return;
	}
	if (fbcon.state == IN_CSI) {
		if ((c >= '0' && c <= '9') || c == ';')
			return;
		fbcon.state = PLAIN;
		if (c == 'K')
			erase(fbcon.cx, fbcon.cols, fbcon.cy);
		return;
	}
	switch (c) {
	case '\n':
		newline();
		return;
	case '\r':
		fbcon.cx = 0;
		return;
	case '\b':
		if (fbcon.cx)
			fbcon.cx--;
		return;
	case '\t':
		fbcon.cx = (fbcon.cx + 8) & ~7u;
		if (fbcon.cx > fbcon.cols)
			fbcon.cx = fbcon.cols;
		return;
	case ESC:
		fbcon.state = GOT_ESC;
		return;
	default:
		if ((unsigned char)c < 0x20)
			return; /* BEL and other controls */
		break;
	}
	if (fbcon.cx >= fbcon.cols)
		newline();
	uint32_t x = fbcon.cx * TEXT_CELL_W, y = row_y(fbcon.cy);
	text_draw_char(&fbcon.d->fb, x, y, c, FBCON_FG, FBCON_BG);
	damage(x, y, TEXT_CELL_W, TEXT_CELL_H);
	fbcon.cx++;
}

/* The framebuffer is there and is the one the grid was laid on (a mode
 * change since lays the grid again). */
static bool ready(void)
{
	struct display *d = fbcon.d;
	if (!d || d->fb.width < TEXT_CELL_W || d->fb.height < TEXT_CELL_H)
		return false;
	if (fbcon.generation != d->generation)
		layout();
	return true;
}

static void fbcon_putc(struct printf_console *con, char c)
{
	(void)con;
	unsigned long irq = intr_save();
	if (!fbcon.busy && ready()) {
		fbcon.busy = true;
		put(c);
		fbcon.busy = false;
	}
	intr_restore(irq);
}

static void fbcon_flush(struct printf_console *con)
{
	(void)con;
	unsigned long irq = intr_save();
	if (!fbcon.busy && fbcon.d && fbcon.damaged) {
		fbcon.busy = true;
		fbcon.damaged = false;
		display_flush(fbcon.d, fbcon.damage, false);
		fbcon.busy = false;
	}
	intr_restore(irq);
}

int fbcon_enable(struct display *d)
{
	int rc = display_ensure_fb(d);
	if (rc)
		return rc;
	unsigned long irq = intr_save();
	fbcon.d = d;
	fbcon.damaged = false;
	layout();
	fbcon.con.putc = fbcon_putc;
	fbcon.con.flush = fbcon_flush;
	printf_console_add(&fbcon.con); /* nothing when already there */
	intr_restore(irq);
	fbcon_flush(&fbcon.con);
	return 0;
}

void fbcon_disable(void)
{
	unsigned long irq = intr_save();
	if (fbcon.d)
		printf_console_remove(&fbcon.con);
	fbcon.d = NULL;
	intr_restore(irq);
}

struct display *fbcon_display(void)
{
	return fbcon.d;
}

void fbcon_geometry(unsigned *cols, unsigned *rows, unsigned *cx, unsigned *cy)
{
	*cols = fbcon.cols;
	*rows = fbcon.rows;
	*cx = fbcon.cx;
	*cy = fbcon.cy;
}
