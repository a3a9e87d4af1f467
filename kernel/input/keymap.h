/*
 * The US keyboard layout: what a Linux key code types.
 */
#ifndef KERNEL_INPUT_KEYMAP_H
#define KERNEL_INPUT_KEYMAP_H

#include <stdbool.h>

/* The character key `code` types with shift held or not; caps lock
 * inverts shift for letters only.  0 for a key that types no character
 * (modifiers, function keys, unknown codes).  Enter types '\r',
 * Backspace DEL (0x7f), as a terminal sends them. */
char keymap_us_char(unsigned code, bool shift, bool caps);

/* The terminal sequence of an editing key (the arrows, Home, End,
 * Delete), or NULL. */
const char *keymap_us_sequence(unsigned code);

#endif
