/*
 * The shell's `gpu` commands, over the display interface
 * (kernel/display/): info about every display; and on the first one the
 * test card, the cursor, and the framebuffer console.  Each mistake is one
 * line naming the command, e.g. "gpu cursor: X 5000 is not below 1280".
 */
#include "kernel/display/display.h"
#include "kernel/display/fbcon.h"
#include "kernel/display/testcard.h"
#include "kernel/shell/shell_priv.h"
#include "lib/kstring.h"
#include "lib/parse.h"
#include "lib/printf.h"

/* The display the commands draw on; NULL (and the line why) if none. */
static struct display *first_display(const char *cmd)
{
	struct display *d = display_get(0);
	if (!d)
		kprintf("gpu %s: no display (add -device virtio-gpu-device or virtio-gpu-pci)\n", cmd);
	return d;
}

/* The framebuffer in the preferred mode; false after the line why. */
static bool ready(const char *cmd, struct display *d)
{
	int rc = display_ensure_fb(d);
	if (rc)
		kprintf("gpu %s: %s: no framebuffer: %s\n", cmd, d->name, display_strerror(d, rc));
	return rc == 0;
}

static void print_display(struct display *d)
{
	if (d->ops->refresh)
		d->ops->refresh(d);
	kprintf("%s: %s\n", d->name, d->transport);
	for (unsigned i = 0; i < d->noutputs; i++) {
		const struct display_output *o = &d->outputs[i];
		if (!o->enabled) {
			kprintf("  output %-7u disabled\n", i);
			continue;
		}
		kprintf("  output %-7u enabled, %ux%u at %u,%u%s%s\n", i, (unsigned)o->mode.w,
			(unsigned)o->mode.h, (unsigned)o->mode.x, (unsigned)o->mode.y,
			o->edid[0] ? "; " : "", o->edid);
	}
	uint32_t w, h;
	bool any = false;
	for (unsigned i = 0; i < d->noutputs; i++)
		any |= d->outputs[i].enabled;
	display_preferred(d, &w, &h);
	kprintf("  mode           %ux%u%s\n", (unsigned)w, (unsigned)h,
		any ? "" : " (no enabled output: the fallback)");
	const struct display_fb *fb = &d->fb;
	if (fb->width)
		kprintf("  framebuffer    %ux%u shown from row %u, stride %u, in %u chunks of %u "
			"rows%s\n", (unsigned)fb->width, (unsigned)fb->lines, (unsigned)d->origin,
			(unsigned)fb->stride, fb->nchunks, (unsigned)fb->rows_per_chunk,
			d->stale ? " (stale: remade at the next use)" : "");
	for (unsigned i = 0; i < fb->nchunks; i++)
		kprintf("%s0x%lx%s", i ? ", " : "  chunks at     ", (unsigned long)(uintptr_t)fb->chunk[i],
			i + 1 == fb->nchunks ? "\n" : "");
	if (!fb->width)
		kprintf("  framebuffer    none yet (made by gpu test or gpu console on)\n");
	kprintf("  console        %s\n", fbcon_display() == d ? "on" : "off");
	kprintf("  activity       %u display changes, %u flushes (%u failed)\n",
		(unsigned)d->changes, (unsigned)d->flushes, (unsigned)d->flush_errors);
	if (d->ops->info)
		d->ops->info(d);
}

static void gpu_info(int argc, const struct shell_arg *argv)
{
	(void)argc;
	(void)argv;
	if (display_count() == 0) {
		kprintf("gpu info: no display (add -device virtio-gpu-device or virtio-gpu-pci)\n");
		return;
	}
	for (unsigned i = 0; i < display_count(); i++)
		print_display(display_get(i));
}

static void gpu_test(int argc, const struct shell_arg *argv)
{
	(void)argc;
	(void)argv;
	struct display *d = first_display("test");
	if (!d)
		return;
	if (fbcon_display() == d) {
		fbcon_disable();
		kprintf("gpu test: console off (the test card takes the display)\n");
	}
	if (!ready("test", d))
		return;
	char text[64];
	ksnprintf(text, sizeof(text), "vdisk gpu test %ux%u %s", (unsigned)d->fb.width,
		  (unsigned)d->fb.height, d->name);
	display_pan(d, 0); /* the card is drawn at the top of the framebuffer */
	testcard_draw(&d->fb, text);
	int rc = display_flush(d, (struct display_rect){ 0, 0, d->fb.width, d->fb.height }, true);
	if (rc)
		kprintf("gpu test: %s: flush: %s\n", d->name, display_strerror(d, rc));
	else
		kprintf("gpu test: %s %ux%u: eight bars and a line of text, flushed\n", d->name,
			(unsigned)d->fb.width, (unsigned)d->fb.height);
}

static bool coordinate(const char *what, const struct shell_arg *arg, uint32_t limit,
		       uint32_t *out)
{
	uint64_t v;
	if (arg->quoted || !parse_u64(arg->s, &v)) {
		kprintf("gpu cursor: %s '%s' is not a number\n", what, arg->s);
		return false;
	}
	if (v >= limit) {
		kprintf("gpu cursor: %s %s is not below %u\n", what, arg->s, (unsigned)limit);
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

static void gpu_cursor(int argc, const struct shell_arg *argv)
{
	(void)argc;
	struct display *d = first_display("cursor");
	uint32_t x, y;
	if (!d || !ready("cursor", d))
		return;
	if (!coordinate("X", &argv[1], d->fb.width, &x) ||
	    !coordinate("Y", &argv[2], d->fb.height, &y))
		return;
	bool moved = d->cursor_shown;
	int rc = display_cursor(d, x, y);
	if (rc)
		kprintf("gpu cursor: %s: %s\n", d->name, display_strerror(d, rc));
	else
		kprintf("gpu cursor: %s at %u,%u (%s)\n", d->name, (unsigned)x, (unsigned)y,
			moved ? "MOVE_CURSOR" : "UPDATE_CURSOR");
}

static void gpu_console(int argc, const struct shell_arg *argv)
{
	(void)argc;
	bool on = strcmp(argv[1].s, "on") == 0;
	if (!on && strcmp(argv[1].s, "off") != 0) {
		kprintf("gpu console: '%s' is neither on nor off\n", argv[1].s);
		return;
	}
	if (!on) {
		fbcon_disable();
		kprintf("gpu console: off\n");
		return;
	}
	struct display *d = first_display("console");
	if (!d)
		return;
	int rc = fbcon_enable(d);
	if (rc) {
		kprintf("gpu console: %s: %s\n", d->name, display_strerror(d, rc));
		return;
	}
	unsigned cols, rows, cx, cy;
	fbcon_geometry(&cols, &rows, &cx, &cy);
	kprintf("gpu console: on %s, %ux%u, %u columns x %u rows\n", d->name,
		(unsigned)d->fb.width, (unsigned)d->fb.height, cols, rows);
}

const struct shell_command shell_gpu_commands[] = {
	{ "info", "", "show every display: outputs, modes, EDID, framebuffer", gpu_info, NULL },
	{ "test", "", "eight colour bars and a line of text on display0", gpu_test, NULL },
	{ "cursor", "X Y", "show the cursor at X,Y on display0 (then move it)", gpu_cursor, NULL },
	{ "console", "on|off", "draw the console on display0 too, or stop", gpu_console, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};
