/*
 * The test card `gpu test` draws and tests/qemu/gpu.py checks in a QMP
 * screendump: eight vertical bars of equal width over the top three
 * quarters, from the left white, yellow, cyan, green, magenta, red, blue,
 * black (each channel 0xff or 0x00), and one line of text in the bottom
 * quarter (white on black, one cell in from the left, centred vertically).
 */
#ifndef KERNEL_DISPLAY_TESTCARD_H
#define KERNEL_DISPLAY_TESTCARD_H

#include <stdint.h>

#include "kernel/display/display.h"

#define TESTCARD_BARS 8
extern const uint32_t testcard_colours[TESTCARD_BARS];

/* Bar i spans x in [i * width / 8, (i + 1) * width / 8). */
static inline uint32_t testcard_bar_x(uint32_t width, unsigned i)
{
	return (uint32_t)((uint64_t)width * i / TESTCARD_BARS);
}

/* The whole framebuffer: bars, black bottom quarter, the text line. */
void testcard_draw(const struct display_fb *fb, const char *text);

/* Where the text line starts (pixels), for checks. */
void testcard_text_origin(const struct display_fb *fb, uint32_t *x, uint32_t *y);

#endif
