/*
 * US layout (see keymap.h).  The main block of the keyboard is one row of
 * the tables per key code, in the codes' own order; the keypad (as with
 * num lock on) and the editing keys are listed apart.
 */
#include <stddef.h>

#include "kernel/input/keymap.h"

#include "kernel/input/codes.h"

/* Index = key code, KEY_ESC (1) .. KEY_SPACE (57); '\0' types nothing. */
static const char plain[] = "\0\x1b"
			    "1234567890-=\x7f\t"
			    "qwertyuiop[]\r\0"
			    "asdfghjkl;'`\0\\"
			    "zxcvbnm,./\0*\0 ";
static const char shifted[] = "\0\x1b"
			      "!@#$%^&*()_+\x7f\t"
			      "QWERTYUIOP{}\r\0"
			      "ASDFGHJKL:\"~\0|"
			      "ZXCVBNM<>?\0*\0 ";
_Static_assert(sizeof(plain) == KEY_SPACE + 2 && sizeof(shifted) == KEY_SPACE + 2,
	       "one entry per key code up to KEY_SPACE");

/* Keypad, KEY_KP7 (71) .. KEY_KPDOT (83). */
static const char keypad[] = "789-456+1230.";
_Static_assert(sizeof(keypad) == KEY_KPDOT - KEY_KP7 + 2, "one entry per keypad code");

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char keymap_us_char(unsigned code, bool shift, bool caps)
{
	if (code <= KEY_SPACE) {
		if (caps && is_letter(plain[code]))
			shift = !shift;
		return shift ? shifted[code] : plain[code];
	}
	if (code >= KEY_KP7 && code <= KEY_KPDOT)
		return keypad[code - KEY_KP7];
	switch (code) {
	case KEY_KPENTER: return '\r';
	case KEY_KPSLASH: return '/';
	default: return 0;
	}
}

const char *keymap_us_sequence(unsigned code)
{
	switch (code) {
	case KEY_UP: return "\x1b[A";
	case KEY_DOWN: return "\x1b[B";
	case KEY_RIGHT: return "\x1b[C";
	case KEY_LEFT: return "\x1b[D";
	case KEY_HOME: return "\x1b[H";
	case KEY_END: return "\x1b[F";
	case KEY_DELETE: return "\x1b[3~";
	default: return NULL;
	}
}
