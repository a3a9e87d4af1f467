/*
 * The keyboard as a console: key presses of any input device become
 * characters on the console input queue (kernel/conin.h), next to the
 * UART's.  Shift and Ctrl are tracked across devices; caps lock toggles on
 * its press and lights LED_CAPSL on every device with LEDs.  A held key
 * repeats (value 2) as on a terminal.
 */
#include <stddef.h>

#include "kernel/conin.h"
#include "kernel/input/input.h"
#include "kernel/input/keymap.h"

static struct {
	bool shift_l, shift_r, ctrl_l, ctrl_r, caps;
} kbd;

static void key(unsigned code, int32_t value)
{
	bool down = value != KEY_UP_VALUE;

	switch (code) {
	case KEY_LEFTSHIFT: kbd.shift_l = down; return;
	case KEY_RIGHTSHIFT: kbd.shift_r = down; return;
	case KEY_LEFTCTRL: kbd.ctrl_l = down; return;
	case KEY_RIGHTCTRL: kbd.ctrl_r = down; return;
	case KEY_CAPSLOCK:
		if (value == KEY_DOWN_VALUE) {
			kbd.caps = !kbd.caps;
			input_set_led_all(LED_CAPSL, kbd.caps);
		}
		return;
	}
	if (!down)
		return;
	const char *seq = keymap_us_sequence(code);
	if (seq) {
		conin_puts(seq);
		return;
	}
	char c = keymap_us_char(code, kbd.shift_l || kbd.shift_r, kbd.caps);
	if (c && (kbd.ctrl_l || kbd.ctrl_r) && c >= '@' && c <= 0x7e)
		c &= 0x1f; /* Ctrl-C, Ctrl-U, ... */
	if (c)
		conin_put(c);
}

static void on_group(void *ctx, struct input_dev *dev, const struct input_event *ev, unsigned n)
{
	(void)ctx;
	(void)dev;
	for (unsigned i = 0; i < n; i++)
		if (ev[i].type == EV_KEY)
			key(ev[i].code, ev[i].value);
}

void input_keyboard_attach(void)
{
	(void)input_add_handler(on_group, NULL);
}
