/*
 * Input device registry and event routing (see input.h).  Drivers report
 * from interrupt handlers and grabs change from the thread with
 * interrupts masked, on one hart: the tables need no other lock.
 */
#include "kernel/input/input.h"

#include "kernel/errno.h"
#include "kernel/riscv.h"
#include "lib/printf.h"

struct handler {
	input_handler_fn fn;
	void *ctx;
};

static struct input_dev *devs[INPUT_MAX_DEVICES];
static unsigned n_devs;
static struct handler handlers[INPUT_MAX_HANDLERS];
static unsigned n_handlers;
static struct handler grabber;

int input_register(struct input_dev *dev)
{
	if (n_devs == INPUT_MAX_DEVICES)
		return KERR_EFULL;
	dev->index = n_devs;
	ksnprintf(dev->label, sizeof(dev->label), "input%u", n_devs);
	devs[n_devs++] = dev;
	dev->registered = true;
	return 0;
}

unsigned input_count(void)
{
	return n_devs;
}

struct input_dev *input_get(unsigned i)
{
	return i < n_devs ? devs[i] : NULL;
}

void input_report(struct input_dev *dev, const struct input_event *ev, unsigned n)
{
	if (!dev->registered || n == 0)
		return; /* a group that raced the registration */
	if (grabber.fn) {
		grabber.fn(grabber.ctx, dev, ev, n);
		return;
	}
	for (unsigned i = 0; i < n_handlers; i++)
		handlers[i].fn(handlers[i].ctx, dev, ev, n);
}

int input_add_handler(input_handler_fn fn, void *ctx)
{
	if (n_handlers == INPUT_MAX_HANDLERS || !fn)
		return KERR_EFULL;
	unsigned long saved = intr_save();
	handlers[n_handlers++] = (struct handler){ fn, ctx };
	intr_restore(saved);
	return 0;
}

void input_grab(input_handler_fn fn, void *ctx)
{
	unsigned long saved = intr_save();
	grabber = (struct handler){ fn, ctx };
	intr_restore(saved);
}

void input_ungrab(void)
{
	input_grab(NULL, NULL);
}

void input_set_led_all(unsigned led, bool on)
{
	for (unsigned i = 0; i < n_devs; i++)
		if (((devs[i]->ev_types >> EV_LED) & 1u) && devs[i]->ops->set_led)
			(void)devs[i]->ops->set_led(devs[i], led, on);
}

const char *input_type_name(unsigned type)
{
	static const char *const names[] = {
		[EV_SYN] = "syn", [EV_KEY] = "key", [EV_REL] = "rel", [EV_ABS] = "abs",
		[EV_MSC] = "msc", [EV_SW] = "sw",   [EV_LED] = "led", [EV_SND] = "snd",
		[EV_REP] = "rep", [EV_FF] = "ff",
	};
	return type < sizeof(names) / sizeof(names[0]) ? names[type] : NULL;
}
