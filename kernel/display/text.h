/*
 * Text on a framebuffer: the console font (font.h) scaled by TEXT_SCALE,
 * one character per cell of TEXT_CELL_W x TEXT_CELL_H pixels with the
 * glyph at the cell's top left and a one-font-pixel gap right and below.
 * tests/qemu/gpu.py renders its reference screens with the same numbers.
 */
#ifndef KERNEL_DISPLAY_TEXT_H
#define KERNEL_DISPLAY_TEXT_H

#include <stdint.h>

#include "kernel/display/display.h"
#include "kernel/display/font.h"

#define TEXT_SCALE  2
#define TEXT_CELL_W ((FONT_W + 1) * TEXT_SCALE)
#define TEXT_CELL_H ((FONT_H + 1) * TEXT_SCALE)

/* The whole cell of c (ink fg, the rest bg) with its top left at x, y;
 * what falls outside the framebuffer is not drawn. */
void text_draw_char(const struct display_fb *fb, uint32_t x, uint32_t y, char c, uint32_t fg,
		    uint32_t bg);

/* A string on one line from x, y; the width drawn. */
uint32_t text_draw(const struct display_fb *fb, uint32_t x, uint32_t y, const char *s,
		   uint32_t fg, uint32_t bg);

#endif
