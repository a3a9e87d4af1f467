/*
 * Self-test suite "input", over the kernel's input registry: for each
 * device, that its configuration was read, that its event queue is fully
 * stocked, and for a device with LEDs that an LED update comes back from
 * the device (the status queue works both ways).  Runs when there is a
 * device (suites.c).
 */
#include "kernel/errno.h"
#include "kernel/input/input.h"
#include "kernel/selftest/suites.h"
#include "kernel/timer.h"
#include "lib/printf.h"

#define STATUS_WAIT_MS 1000

/* Sends one LED update and waits until the device has taken it: NULL, or
 * why not. */
static const char *led_round_trip(struct input_dev *d, unsigned led, bool on)
{
	struct input_stats s;
	d->ops->stats(d, &s);
	uint64_t want = s.status_done + 1;
	int rc = d->ops->set_led(d, led, on);
	if (rc)
		return kstrerror(rc);
	uint64_t deadline = deadline_in_ms(STATUS_WAIT_MS);
	for (;;) {
		d->ops->stats(d, &s);
		if (s.status_done >= want)
			return NULL;
		if (deadline_passed(deadline))
			return "the device never took the update";
		wait_for_interrupt_until(deadline_in_ms(10));
	}
}

static void check_device(struct selftest_ctx *t, struct input_dev *d)
{
	char name[64];
	const uint32_t pointing = 1u << EV_KEY | 1u << EV_REL | 1u << EV_ABS;

	ksnprintf(name, sizeof(name), "%s: name and event types read", d->label);
	selftest_check(t, d->name[0] && (d->ev_types & pointing), name,
		       "name \"%s\", event types 0x%x", d->name, (unsigned)d->ev_types);

	struct input_stats s;
	d->ops->stats(d, &s);
	ksnprintf(name, sizeof(name), "%s: event queue stocked", d->label);
	selftest_check(t, s.buffers_total > 0 && s.buffers_posted == s.buffers_total, name,
		       "%u of %u buffers with the device", (unsigned)s.buffers_posted,
		       (unsigned)s.buffers_total);

	if ((d->ev_types >> EV_ABS) & 1u) {
		bool ranges = d->abs_axes != 0;
		for (unsigned a = 0; a < ABS_AXES; a++)
			if ((d->abs_axes >> a) & 1u)
				ranges &= d->abs[a].min < d->abs[a].max;
		ksnprintf(name, sizeof(name), "%s: every absolute axis has a range", d->label);
		selftest_check(t, ranges, name, "axes 0x%lx", (unsigned long)d->abs_axes);
	}
	if ((d->ev_types >> EV_LED) & 1u) {
		const char *why = led_round_trip(d, LED_CAPSL, true);
		if (!why)
			why = led_round_trip(d, LED_CAPSL, false);
		ksnprintf(name, sizeof(name), "%s: caps lock LED on and off through the status queue",
			  d->label);
		selftest_check(t, !why, name, "%s", why);
	}
}

void selftest_input_suite(struct selftest_ctx *t)
{
	for (unsigned i = 0; i < input_count(); i++)
		check_device(t, input_get(i));
}
