/*
 * The framebuffer console (fbcon.h).  Everything runs with interrupts
 * masked (a kprintf from an interrupt handler draws too), and a character
 * that arrives while one is being drawn (a driver printing from inside a
 * flush) is left to the other consoles rather than recursing.
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
	fbcon.cx = fbcon.cy = 0;
	fbcon.state = PLAIN;
	display_fill(fb, (struct display_rect){ 0, 0, fb->width, fb->height }, FBCON_BG);
	damage(0, 0, fb->width, fb->height);
}

static void erase(unsigned from_col, unsigned to_col, unsigned row)
{
	if (from_col >= to_col)
		return;
	uint32_t x = from_col * TEXT_CELL_W, y = row * TEXT_CELL_H;
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
	/* Scroll: every pixel row of the text area up one line. */
	uint32_t bytes = fbcon.cols * TEXT_CELL_W * 4;
	for (uint32_t y = 0; y + TEXT_CELL_H < fbcon.rows * TEXT_CELL_H; y++)
		memcpy(display_row(fb, y), display_row(fb, y + TEXT_CELL_H), bytes);
	damage(0, 0, fbcon.cols * TEXT_CELL_W, fbcon.rows * TEXT_CELL_H);
	erase(0, fbcon.cols, fbcon.cy);
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
	uint32_t x = fbcon.cx * TEXT_CELL_W, y = fbcon.cy * TEXT_CELL_H;
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
