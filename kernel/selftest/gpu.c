/*
 * Self-test suite "gpu": the first display, through the display
 * interface only.  What the host sees is checked by tests/qemu/gpu.py
 * (screendumps); here the kernel checks its own side: the outputs it was
 * told about, a framebuffer in the preferred mode on several separate
 * chunks, the test card and the font in framebuffer memory, flushes
 * waited for and asynchronous ones that coalesce and complete by
 * interrupt, the cursor, the console's drawing, and a framebuffer remade
 * (the old resource's backing detached and the resource released).
 */
#include "kernel/display/display.h"
#include "kernel/display/fbcon.h"
#include "kernel/display/testcard.h"
#include "kernel/display/text.h"
#include "kernel/riscv.h"
#include "kernel/selftest/selftest.h"
#include "kernel/selftest/suites.h"
#include "kernel/timer.h"
#include "lib/printf.h"

static void case_outputs(struct selftest_ctx *t, struct display *d)
{
	char name[64];
	ksnprintf(name, sizeof(name), "%s: an enabled output with a mode", d->name);
	for (unsigned i = 0; i < d->noutputs; i++)
		if (d->outputs[i].enabled) {
			selftest_pass(t, name, "output %u %ux%u of %u%s%s", i,
				      (unsigned)d->outputs[i].mode.w, (unsigned)d->outputs[i].mode.h,
				      d->noutputs, d->outputs[i].edid[0] ? "; " : "",
				      d->outputs[i].edid);
			return;
		}
	selftest_fail(t, name, "none of %u outputs is enabled", d->noutputs);
}

static bool case_framebuffer(struct selftest_ctx *t, struct display *d)
{
	char name[64];
	ksnprintf(name, sizeof(name), "%s: framebuffer in the preferred mode, scattered", d->name);
	int rc = display_ensure_fb(d);
	if (rc) {
		selftest_fail(t, name, "%s", display_strerror(d, rc));
		return false;
	}
	const struct display_fb *fb = &d->fb;
	uint32_t w, h;
	display_preferred(d, &w, &h);
	bool apart = fb->nchunks >= 2;
	for (unsigned i = 0; i + 1 < fb->nchunks; i++)
		apart &= fb->chunk[i] + (size_t)fb->rows_per_chunk * fb->stride != fb->chunk[i + 1];
	return selftest_check(t, fb->width == w && fb->height == h && fb->lines > h && apart, name,
			      "%ux%u of %u lines (preferred %ux%u) in %u chunks%s",
			      (unsigned)fb->width, (unsigned)fb->height, (unsigned)fb->lines,
			      (unsigned)w, (unsigned)h, fb->nchunks, apart ? "" : ", adjacent");
}

static void case_testcard(struct selftest_ctx *t, struct display *d)
{
	const struct display_fb *fb = &d->fb;
	char name[64];
	ksnprintf(name, sizeof(name), "%s: test card drawn and flushed", d->name);
	display_pan(d, 0);
	testcard_draw(fb, "selftest");
	/* Each bar's centre, at heights in different chunks. */
	for (unsigned i = 0; i < TESTCARD_BARS; i++) {
		uint32_t x = (testcard_bar_x(fb->width, i) + testcard_bar_x(fb->width, i + 1)) / 2;
		for (uint32_t y = 1; y < fb->height * 3 / 4; y += fb->height / 5) {
			uint32_t got = display_row(fb, y)[x];
			if (got != testcard_colours[i]) {
				selftest_fail(t, name, "bar %u at %u,%u is 0x%06x, want 0x%06x", i, x, y,
					      got, testcard_colours[i]);
				return;
			}
		}
	}
	int rc = display_flush(d, (struct display_rect){ 0, 0, fb->width, fb->height }, true);
	selftest_check(t, rc == 0, name, "flush: %s", display_strerror(d, rc));
}

/* Cell (col, row) of the framebuffer shows c in fg on bg: the font's
 * pixels, scaled. */
static bool cell_shows(const struct display_fb *fb, uint32_t x0, uint32_t y0, char c,
		       uint32_t fg, uint32_t bg, char *why, size_t n)
{
	const char *const *glyph = font_glyph(c);
	for (uint32_t py = 0; py < TEXT_CELL_H; py++)
		for (uint32_t px = 0; px < TEXT_CELL_W; px++) {
			uint32_t gx = px / TEXT_SCALE, gy = py / TEXT_SCALE;
			bool ink = gx < FONT_W && gy < FONT_H && glyph[gy][gx] == '#';
			uint32_t got = display_row(fb, y0 + py)[x0 + px];
			if (got != (ink ? fg : bg)) {
				ksnprintf(why, n, "'%c' pixel %u,%u is 0x%06x", c, px, py, got);
				return false;
			}
		}
	return true;
}

static void case_text(struct selftest_ctx *t, struct display *d)
{
	const struct display_fb *fb = &d->fb;
	static const char sample[] = "Ag|~0";
	char name[64], why[64] = "";
	ksnprintf(name, sizeof(name), "%s: text cells are the font's glyphs", d->name);
	/* Straddling the first chunk boundary: a cell may be in two chunks. */
	uint32_t y = fb->rows_per_chunk - TEXT_CELL_H / 2;
	text_draw(fb, TEXT_CELL_W, y, sample, RGB_YELLOW, RGB_BLUE);
	bool ok = true;
	for (unsigned i = 0; ok && sample[i]; i++)
		ok = cell_shows(fb, (i + 1) * TEXT_CELL_W, y, sample[i], RGB_YELLOW, RGB_BLUE, why,
				sizeof(why));
	selftest_check(t, ok, name, "%s", why);
}

/* A burst of small asynchronous flushes while the completion interrupt is
 * held off (QEMU answers inside the notification): the first goes out,
 * the rest merge into one that follows it, and all complete by interrupt
 * once interrupts are on again. */
static void case_async_flush(struct selftest_ctx *t, struct display *d)
{
	char name[64];
	ksnprintf(name, sizeof(name), "%s: asynchronous flushes coalesce and complete", d->name);
	uint32_t sent = d->flushes, errors = d->flush_errors;
	const unsigned asked = 64;
	unsigned long saved = intr_save();
	for (unsigned i = 0; i < asked; i++)
		display_flush(d, (struct display_rect){ i * 8, i * 4, 8, 4 }, false);
	intr_restore(saved);
	uint64_t deadline = deadline_in_ms(2000);
	saved = intr_save();
	while (display_flush_busy(d) && !deadline_passed(deadline))
		wait_for_interrupt_until(deadline);
	intr_restore(saved);
	uint32_t went = d->flushes - sent;
	selftest_check(t, !display_flush_busy(d) && d->flush_errors == errors && went == 2, name,
		       "%u flushes for %u asked, %s, %u errors (last %s)", went, asked,
		       display_flush_busy(d) ? "still busy after 2 s" : "idle",
		       d->flush_errors - errors, display_strerror(d, d->last_flush_error));
}

static void case_cursor(struct selftest_ctx *t, struct display *d)
{
	char name[64];
	ksnprintf(name, sizeof(name), "%s: cursor image set, then moved", d->name);
	int rc = display_cursor(d, 10, 10);
	bool set = rc == 0 && d->cursor_shown;
	if (set)
		rc = display_cursor(d, d->fb.width / 2, d->fb.height / 2);
	selftest_check(t, set && rc == 0, name, "%s: %s", set ? "move" : "set",
		       display_strerror(d, rc));
}

static void case_console(struct selftest_ctx *t, struct display *d)
{
	char name[64], why[64] = "";
	ksnprintf(name, sizeof(name), "%s: the console draws what is printed", d->name);
	int rc = fbcon_enable(d);
	if (rc) {
		selftest_fail(t, name, "%s", display_strerror(d, rc));
		return;
	}
	/* Home after enabling: "[NOTE] console: " takes cells 0..15. */
	selftest_note(t, "console: Zq");
	unsigned cols, rows, cx, cy;
	fbcon_geometry(&cols, &rows, &cx, &cy);
	bool ok = cell_shows(&d->fb, 16 * TEXT_CELL_W, 0, 'Z', FBCON_FG, FBCON_BG, why, sizeof(why)) &&
		  cell_shows(&d->fb, 17 * TEXT_CELL_W, 0, 'q', FBCON_FG, FBCON_BG, why, sizeof(why));
	fbcon_disable();
	selftest_check(t, ok && cx == 0 && cy == 1, name, "%s (next cell %u,%u)",
		       why[0] ? why : "the glyphs are right", cx, cy);
}

static void case_remake(struct selftest_ctx *t, struct display *d)
{
	char name[64];
	ksnprintf(name, sizeof(name), "%s: framebuffer remade after a change", d->name);
	uint32_t gen = d->generation;
	d->stale = true; /* as a display-change event with a new mode would */
	int rc = display_ensure_fb(d);
	selftest_check(t, rc == 0 && d->generation == gen + 1 && d->fb.width, name, "%s",
		       rc ? display_strerror(d, rc) : "no new framebuffer");
}

void selftest_gpu_suite(struct selftest_ctx *t)
{
	struct display *d = display_get(0);
	case_outputs(t, d);
	if (!case_framebuffer(t, d))
		return;
	case_testcard(t, d);
	case_text(t, d);
	case_async_flush(t, d);
	case_cursor(t, d);
	case_console(t, d);
	case_remake(t, d);
}
