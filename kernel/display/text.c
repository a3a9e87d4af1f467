/*
 * Glyphs onto a framebuffer (text.h): each font pixel becomes a
 * TEXT_SCALE x TEXT_SCALE square, row by row through display_row() so a
 * cell may straddle two chunks of the framebuffer.
 */
#include "kernel/display/text.h"

void text_draw_char(const struct display_fb *fb, uint32_t x, uint32_t y, char c, uint32_t fg,
		    uint32_t bg)
{
	const char *const *glyph = font_glyph(c);
	for (uint32_t py = 0; py < TEXT_CELL_H && y + py < fb->lines; py++) {
		uint32_t *row = display_row(fb, y + py);
		uint32_t gy = py / TEXT_SCALE;
		const char *bits = gy < FONT_H ? glyph[gy] : "";
		for (uint32_t px = 0; px < TEXT_CELL_W && x + px < fb->width; px++) {
			uint32_t gx = px / TEXT_SCALE;
			bool ink = gy < FONT_H && gx < FONT_W && bits[gx] == '#';
			row[x + px] = ink ? fg : bg;
		}
	}
}

uint32_t text_draw(const struct display_fb *fb, uint32_t x, uint32_t y, const char *s,
		   uint32_t fg, uint32_t bg)
{
	uint32_t start = x;
	for (; *s && x < fb->width; s++, x += TEXT_CELL_W)
		text_draw_char(fb, x, y, *s, fg, bg);
	return x - start;
}
