/*
 * The console font (font.c): printable ASCII as 5x9 pixel glyphs, each
 * row a string of '.' and '#'.  The text renderer (text.c) scales it.
 */
#ifndef KERNEL_DISPLAY_FONT_H
#define KERNEL_DISPLAY_FONT_H

#define FONT_W 5
#define FONT_H 9
#define FONT_FIRST 0x20
#define FONT_LAST  0x7e

/* The FONT_H rows of c's glyph; a box for anything not in the table. */
const char *const *font_glyph(char c);

#endif
