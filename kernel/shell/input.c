/*
 * `input list` and `input watch [SECONDS]`, over the kernel's input
 * registry (kernel/input/).  Watching grabs the devices: their events go to
 * a ring here (filled in interrupt context, emptied by the command) instead
 * of the keyboard, so keys pressed while watching type nothing.
 */
#include "kernel/input/input.h"
#include "kernel/riscv.h"
#include "kernel/shell/shell_priv.h"
#include "kernel/timer.h"
#include "lib/parse.h"

#define WATCH_DEFAULT_S 10
#define WATCH_MAX_S 3600
#define WATCH_RING 256 /* power of two */

static void list_one(struct input_dev *d)
{
	kprintf("%s: %s\n", d->label, d->name[0] ? d->name : "(no name)");
	kprintf("  serial   %s\n", d->serial[0] ? d->serial : "(none)");
	if (d->has_ids)
		kprintf("  ids      bus 0x%04x vendor 0x%04x product 0x%04x version 0x%04x\n",
			d->bustype, d->vendor, d->product, d->version);
	else
		kprintf("  ids      (none)\n");
	kprintf("  events  ");
	for (unsigned t = 0; t <= EV_MAX; t++) {
		if (!((d->ev_types >> t) & 1u))
			continue;
		const char *name = input_type_name(t);
		if (name)
			kprintf(" %s", name);
		else
			kprintf(" type%u", t);
	}
	kprintf("%s\n", d->ev_types ? "" : " (none)");
	for (unsigned a = 0; a < ABS_AXES; a++)
		if ((d->abs_axes >> a) & 1u)
			kprintf("  abs %-4u %d..%d\n", a, (int)d->abs[a].min, (int)d->abs[a].max);
	struct input_stats s;
	d->ops->stats(d, &s);
	kprintf("  queue    %u/%u buffers posted; %lu events in %lu groups, %lu ignored, "
		"%lu groups dropped\n",
		(unsigned)s.buffers_posted, (unsigned)s.buffers_total, (unsigned long)s.events,
		(unsigned long)s.groups, (unsigned long)s.ignored, (unsigned long)s.dropped_groups);
	if ((d->ev_types >> EV_LED) & 1u)
		kprintf("  leds     %lu updates sent, %lu taken by the device\n",
			(unsigned long)s.status_sent, (unsigned long)s.status_done);
	kprintf("  via      %s\n", d->transport);
}

/* ---- watch ------------------------------------------------------------ */

static struct input_event ring[WATCH_RING];
static volatile uint32_t ring_head, ring_tail; /* head: the grab handler, tail: the command */
static volatile uint32_t ring_lost;

static void watch_handler(void *ctx, struct input_dev *dev, const struct input_event *ev,
			  unsigned n)
{
	(void)ctx;
	(void)dev;
	for (unsigned i = 0; i < n; i++) {
		uint32_t h = ring_head;
		if (h - ring_tail == WATCH_RING) {
			ring_lost++;
			continue;
		}
		ring[h % WATCH_RING] = ev[i];
		/* the event before the index that publishes it */
		__asm__ __volatile__("" ::: "memory");
		ring_head = h + 1;
	}
}

static void print_event(const struct input_event *e)
{
	switch (e->type) {
	case EV_KEY:
		kprintf("key %u %s\n", e->code,
			e->value == KEY_UP_VALUE     ? "up"
			: e->value == KEY_DOWN_VALUE ? "down"
						     : "repeat");
		break;
	case EV_REL:
		kprintf("rel %u %d\n", e->code, (int)e->value);
		break;
	case EV_ABS:
		kprintf("abs %u %d\n", e->code, (int)e->value);
		break;
	default:
		kprintf("%s %u %d\n", input_type_name(e->type) ? input_type_name(e->type) : "ev",
			e->code, (int)e->value);
		break;
	}
}

static void watch(uint64_t seconds)
{
	uint64_t deadline = deadline_in_ms((uint32_t)(seconds * 1000));
	unsigned long count = 0;

	ring_head = ring_tail = ring_lost = 0;
	kprintf("input watch: %lu s, %u device%s (keys type nothing meanwhile)\n",
		(unsigned long)seconds, input_count(), input_count() == 1 ? "" : "s");
	input_grab(watch_handler, NULL);
	while (!deadline_passed(deadline)) {
		uint32_t t = ring_tail;
		if (t != ring_head) {
			struct input_event e = ring[t % WATCH_RING];
			__asm__ __volatile__("" ::: "memory");
			ring_tail = t + 1;
			print_event(&e);
			count++;
			continue;
		}
		unsigned long saved = intr_save();
		if (ring_tail == ring_head)
			wait_for_interrupt_until(deadline);
		intr_restore(saved);
	}
	input_ungrab();
	kprintf("input watch: %lu events", count);
	if (ring_lost)
		kprintf(", %lu lost (printing fell behind)", (unsigned long)ring_lost);
	kprintf("\n");
}

static void input_list(int argc, const struct shell_arg *argv)
{
	(void)argc;
	(void)argv;
	if (input_count() == 0)
		kprintf("no input devices (add -device virtio-keyboard-device, "
			"virtio-tablet-device, virtio-mouse-device or a -pci one)\n");
	for (unsigned i = 0; i < input_count(); i++)
		list_one(input_get(i));
}

static void input_watch(int argc, const struct shell_arg *argv)
{
	uint64_t seconds = WATCH_DEFAULT_S;

	if (argc == 2 && !parse_u64(argv[1].s, &seconds)) {
		kprintf("input watch: SECONDS '%s' is not a number\n", argv[1].s);
		return;
	}
	if (seconds == 0 || seconds > WATCH_MAX_S) {
		kprintf("input watch: SECONDS must be 1..%u\n", WATCH_MAX_S);
		return;
	}
	if (input_count() == 0) {
		kprintf("input watch: no input devices\n");
		return;
	}
	watch(seconds);
}

const struct shell_command shell_input_commands[] = {
	{ "list", "", "every input device: name, serial, ids, event types", input_list, NULL },
	{ "watch", "[SECONDS]", "print each input event for SECONDS (default 10)", input_watch,
	  NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};
