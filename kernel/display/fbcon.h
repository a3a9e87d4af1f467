/*
 * The framebuffer console: everything the kernel prints (kprintf, the
 * shell's echo) also drawn as text on a display, in a grid of
 * TEXT_CELL_W x TEXT_CELL_H cells from the top left of the framebuffer,
 * scrolling up one line when the last is full.  It is a printf console
 * (lib/printf.h): characters are drawn as they arrive and the damaged
 * rectangle is flushed asynchronously at the end of each kprintf, so
 * printing never waits for the device.
 *
 * It understands what the shell sends: '\n' (to the start of the next
 * line), '\r', '\b', '\t' (to the next multiple of 8), BEL (ignored) and
 * the one escape sequence the line editor uses, ESC [ K (erase to the end
 * of the line); other escape sequences are swallowed.  A line that fills
 * the width wraps when the next character comes.  Bytes outside the font
 * show as a box.  tests/qemu/gpu.py replays the same rules to render the
 * reference screen it compares with.
 */
#ifndef KERNEL_DISPLAY_FBCON_H
#define KERNEL_DISPLAY_FBCON_H

#include <stdbool.h>

#include "kernel/display/display.h"

#define FBCON_FG 0xd8d8d8u
#define FBCON_BG 0x000000u

/* Make sure d has a framebuffer, clear it and start drawing there (thread
 * context): 0 or the display's error. */
int fbcon_enable(struct display *d);
void fbcon_disable(void);
/* The display it draws on, or NULL when off. */
struct display *fbcon_display(void);

/* The grid, and where the next character goes. */
void fbcon_geometry(unsigned *cols, unsigned *rows, unsigned *cx, unsigned *cy);

#endif
