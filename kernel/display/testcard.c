/* The test card (testcard.h). */
#include "kernel/display/testcard.h"

#include "kernel/display/text.h"

const uint32_t testcard_colours[TESTCARD_BARS] = {
	RGB_WHITE, RGB_YELLOW, RGB_CYAN, RGB_GREEN, RGB_MAGENTA, RGB_RED, RGB_BLUE, RGB_BLACK,
};

void testcard_text_origin(const struct display_fb *fb, uint32_t *x, uint32_t *y)
{
	uint32_t top = fb->height * 3 / 4, band = fb->height - top;
	*x = TEXT_CELL_W;
	*y = top + (band > TEXT_CELL_H ? (band - TEXT_CELL_H) / 2 : 0);
}

void testcard_draw(const struct display_fb *fb, const char *text)
{
	uint32_t bars_h = fb->height * 3 / 4;
	for (unsigned i = 0; i < TESTCARD_BARS; i++) {
		uint32_t x0 = testcard_bar_x(fb->width, i), x1 = testcard_bar_x(fb->width, i + 1);
		display_fill(fb, (struct display_rect){ x0, 0, x1 - x0, bars_h }, testcard_colours[i]);
	}
	display_fill(fb, (struct display_rect){ 0, bars_h, fb->width, fb->height - bars_h },
		     RGB_BLACK);
	uint32_t x, y;
	testcard_text_origin(fb, &x, &y);
	text_draw(fb, x, y, text, RGB_WHITE, RGB_BLACK);
}
