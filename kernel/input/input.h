/*
 * The kernel's input devices: keyboards, mice, tablets, whatever their
 * bus.  A driver fills a struct input_dev and registers it, then reports
 * each complete group of events (the events before one SYN_REPORT) with
 * input_report(), from its interrupt handler.  Consumers are handlers
 * that see every group: the keyboard (keyboard.c) types into the console;
 * `input watch` grabs the devices so that only it sees the events while it
 * runs.  Event codes are Linux's (codes.h).
 */
#ifndef KERNEL_INPUT_H
#define KERNEL_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/input/codes.h"

#define INPUT_MAX_DEVICES  8
#define INPUT_MAX_HANDLERS 4
#define INPUT_NAME_MAX     128

struct input_event {
	uint16_t type;
	uint16_t code;
	int32_t value;
};

struct input_absrange {
	int32_t min, max;
};

/* What a driver counts, for `input list` and the self-test. */
struct input_stats {
	uint32_t buffers_posted, buffers_total; /* receive buffers with the device */
	uint64_t events, groups;                /* delivered */
	uint64_t ignored;                       /* unknown codes, bad values, malformed */
	uint64_t dropped_groups;                /* incomplete groups thrown away */
	uint64_t status_sent, status_done;      /* LED updates sent, taken by the device */
};

struct input_dev;

struct input_dev_ops {
	/* Switch one LED (LED_*); may be called from a handler (interrupt
	 * context).  0 or a KERR_* code (kernel/errno.h). */
	int (*set_led)(struct input_dev *dev, unsigned led, bool on);
	void (*stats)(struct input_dev *dev, struct input_stats *out);
};

struct input_dev {
	/* Filled by the driver. */
	char name[INPUT_NAME_MAX + 1];
	char serial[INPUT_NAME_MAX + 1];
	bool has_ids;
	uint16_t bustype, vendor, product, version;
	uint32_t ev_types; /* bit t: reports events of type t (EV_*) */
	uint64_t abs_axes; /* bit a: abs[a] is the range of axis a */
	struct input_absrange abs[ABS_AXES];
	const char *transport;
	const struct input_dev_ops *ops;
	void *driver;
	/* Set by input_register(). */
	unsigned index;
	char label[12]; /* "input0" */
	bool registered;
};

/* 0, or KERR_EFULL when INPUT_MAX_DEVICES are registered already. */
int input_register(struct input_dev *dev);
unsigned input_count(void);
struct input_dev *input_get(unsigned i);

/* A complete group of n events from dev: to the grabber if there is one,
 * else to every handler.  Interrupt context. */
void input_report(struct input_dev *dev, const struct input_event *ev, unsigned n);

typedef void (*input_handler_fn)(void *ctx, struct input_dev *dev, const struct input_event *ev,
				 unsigned n);
/* A consumer of every group (runs in interrupt context: be brief).
 * 0, or KERR_EFULL when the table is full. */
int input_add_handler(input_handler_fn fn, void *ctx);
/* While grabbed, only fn sees the events; input_ungrab() ends it. */
void input_grab(input_handler_fn fn, void *ctx);
void input_ungrab(void);

/* Switch an LED on every device that has LEDs (a caps-lock key does). */
void input_set_led_all(unsigned led, bool on);

/* "key", "rel", "abs", ... ; NULL for a type without a name here. */
const char *input_type_name(unsigned type);

/* The keyboard: key events of every device become characters on the
 * console input (US layout), caps lock lights its LED.  Call once. */
void input_keyboard_attach(void);

#endif
