/*
 * libFuzzer target: virtio-input (input.c) over virtio-mmio against the
 * simulator's input device (sim_input.c), the input bytes being the
 * device's behaviour (fuzz_sim.h: its offer, malformed configuration
 * answers, the events it sends and their used lengths, its ring steps)
 * and the caller's polls, status events, aborts and recoveries.  Checked
 * besides the simulator's rules: every group delivered holds 1 to
 * VINPUT_GROUP_MAX events, each of a type and code the device announced
 * (never a SYN_REPORT or SYN_DROPPED), a key value 0, 1 or 2, an absolute
 * value inside its axis's range.
 */
#include <string.h>

#include "fuzz_sim.h"
#include "virtio/errors.h"
#include "virtio/input.h"
#include "virtio/mmio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define EV_REL 0x02u
#define EV_LED 0x11u
#define NSEND 4u

static struct {
	struct sim_dev *d;
	struct virtio_mmio mmio;
	struct vinput in;
	unsigned groups;
} s;

static void deliver(void *ctx, const struct vinput_event *ev, unsigned n)
{
	(void)ctx;
	const struct vinput_info *i = &s.in.info;
	if (n < 1 || n > VINPUT_GROUP_MAX)
		fuzz_fail("a group of %u events delivered", n);
	for (unsigned k = 0; k < n; k++) {
		const struct vinput_event *e = &ev[k];
		if (e->type == VINPUT_EV_SYN &&
		    (e->code == VINPUT_SYN_REPORT || e->code == VINPUT_SYN_DROPPED))
			fuzz_fail("SYN code %u delivered inside a group", e->code);
		if (e->type != VINPUT_EV_SYN && !vinput_has_code(i, e->type, e->code))
			fuzz_fail("event %#x/%#x delivered, never announced", e->type, e->code);
		if (e->type == VINPUT_EV_KEY && (e->value < 0 || e->value > 2))
			fuzz_fail("key value %d delivered", (int)e->value);
		if (e->type == VINPUT_EV_ABS && e->code < VINPUT_ABS_AXES &&
		    (i->abs_axes >> e->code & 1) &&
		    (e->value < i->abs[e->code].min || e->value > i->abs[e->code].max))
			fuzz_fail("absolute value %d of axis %u outside [%d, %d]", (int)e->value,
				  e->code, (int)i->abs[e->code].min, (int)i->abs[e->code].max);
	}
	s.groups++;
}

/* An event, mostly of the kinds the device announces by default. */
static struct sim_input_event event(void)
{
	static const uint16_t types[] = { VINPUT_EV_SYN, VINPUT_EV_SYN, VINPUT_EV_KEY, EV_REL,
					  VINPUT_EV_ABS, EV_LED, 0x05, 0x1f };
	static const int32_t values[] = { 0, 1, 2, 3, -1, 1023, 1024, -101 };
	struct sim_input_event e;
	uint8_t c = fuzz_u8();
	e.type = c & 0x80 ? fuzz_u16() : types[c % 8];
	e.code = e.type == VINPUT_EV_SYN && !(c & 0x40) ? (fuzz_u8() & 1 ? VINPUT_SYN_REPORT
									 : VINPUT_SYN_DROPPED)
							: (c & 0x20 ? fuzz_u16() : fuzz_u8() % 4);
	uint8_t v = fuzz_u8();
	e.value = v & 0x80 ? (int32_t)fuzz_u32() : values[v % 8];
	return e;
}

static const char *driver_step(void)
{
	struct sim_input *si = sim_input_of(s.d);
	switch (fuzz_u8() % 5) {
	case 0:
	case 1: {
		struct sim_input_event ev[NSEND];
		unsigned n = fuzz_u8() % NSEND + 1;
		for (unsigned k = 0; k < n; k++)
			ev[k] = event();
		if (fuzz_one_in(8))
			si->event_len = fuzz_u8() % 12; /* 0: the true 8 */
		if (fuzz_queue_live(s.d, 0))
			(void)sim_input_send(s.d, ev, n);
		return "events sent";
	}
	case 2:
		(void)vinput_interrupt(&s.in);
		return "vinput_interrupt";
	case 3:
		(void)vinput_poll(&s.in);
		return "vinput_poll";
	default: {
		struct sim_input_event e = event();
		(void)vinput_send_status(&s.in, e.type, e.code, e.value);
		return "vinput_send_status";
	}
	}
}

static int input_abort(int err)
{
	(void)err;
	return vinput_abort(&s.in);
}

static int input_recover(void)
{
	return vinput_recover(&s.in);
}

/* Configuration answers a device gets wrong: of any size, for any
 * selector the driver asks, or not echoing the selector. */
static void malformed_answers(void)
{
	static const uint8_t selects[] = { 0x01, 0x02, 0x03, 0x10, 0x11, 0x12, 0x11, 0x11 };
	for (unsigned n = fuzz_u8() % 4; n > 0; n--) {
		uint8_t data[128], sel = selects[fuzz_u8() % 8], sub = fuzz_u8();
		fuzz_bytes(data, sizeof(data));
		sim_input_set_answer(s.d, sel, sel == 0x11 ? sub % 4 : sub, data, fuzz_u8());
	}
	if (fuzz_one_in(8))
		sim_input_of(s.d)->bad_echo_select = selects[fuzz_u8() % 8];
}

static int attach(uint16_t qi, uint16_t size, void *mem, size_t len)
{
	return vinput_attach_queue(&s.in, qi, size, mem, len);
}

static void run(void)
{
	memset(&s, 0, sizeof(s));
	uint32_t version = fuzz_version();
	s.d = sim_input_new(version, fuzz_ring_offer(), (uint16_t)(fuzz_u8() % 65));
	malformed_answers();
	fuzz_device_knobs(s.d);
	if (!fuzz_mmio_probe(&s.mmio, s.d))
		return;
	int rc = vinput_probe(&s.in, &s.mmio.vdev, fuzz_mask());
	fuzz_check("vinput_probe");
	if (rc != VIRTIO_OK)
		return;
	if (!fuzz_attach_queues(2, vinput_queue_mem_bytes, attach)) /* statusq maybe not */
		return;
	rc = vinput_start(&s.in, deliver, NULL);
	fuzz_check("vinput_start");
	if (rc != VIRTIO_OK)
		return;
	(void)fuzz_steps(s.d, &(struct fuzz_driver){ .vdev = s.in.vdev, .abort = input_abort,
						      .recover = input_recover, .step = driver_step });
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_run_input(data, size, run);
	return 0;
}
