/*
 * virtio-input (drivers/virtio/devices/input.c) against the simulated
 * input device (sim_input.c): configuration selectors, malformed answers,
 * the stocked event queue, grouping up to SYN_REPORT, validation of every
 * event, the status queue, and the device core's life around them: a
 * device that breaks the ring or needs a reset is recovered from the main
 * loop, and a reset that never completes keeps every buffer.
 */
#include <string.h>

#include "harness/bringup.h"
#include "virtio/input.h"

#define QSIZE 16
#define EV_REL 0x02
#define EV_LED 0x11
#define EV_SW 0x05

struct tin {
	struct sim_dev *sim;
	struct sim_input *s;
	struct virtio_mmio mmio;
	struct vinput in;
	/* what the deliver callback saw */
	struct vinput_event got[256];
	unsigned ngot, ngroups, last_group;
};

static void deliver(void *ctx, const struct vinput_event *ev, unsigned n)
{
	struct tin *t = ctx;
	CHECK(n >= 1 && n <= VINPUT_GROUP_MAX);
	for (unsigned i = 0; i < n && t->ngot < 256; i++)
		t->got[t->ngot++] = ev[i];
	t->ngroups++;
	t->last_group = n;
}

static void *queue_mem(struct tin *t, size_t n)
{
	return t->sim->version == 1 ? tmem_alloc_low(n, VIRTQ_MEM_ALIGN)
				    : tmem_alloc(n, VIRTQ_MEM_ALIGN);
}

/* Probe only: the sim is made (and may be adjusted) by the caller. */
static int tin_probe(struct tin *t, struct sim_dev *sim)
{
	memset(t, 0, sizeof(*t));
	t->sim = sim;
	t->s = sim_input_of(sim);
	CHECK_OK(virtio_mmio_probe(&t->mmio, sim->base));
	return vinput_probe(&t->in, &t->mmio.vdev, ALL_FEATURES);
}

static void tin_start(struct tin *t, uint16_t qsize)
{
	size_t n = vinput_queue_mem_bytes(qsize);
	CHECK_OK(vinput_attach_queue(&t->in, 0, qsize, queue_mem(t, n), n));
	CHECK_OK(vinput_attach_queue(&t->in, 1, qsize, queue_mem(t, n), n));
	CHECK_OK(vinput_start(&t->in, deliver, t));
}

static struct tin *tin_up(uint32_t version)
{
	static struct tin t;
	sim_reset_all();
	CHECK_OK(tin_probe(&t, sim_input_new(version,
					    VIRTIO_BIT(VIRTIO_F_VERSION_1) |
						    VIRTIO_BIT(VIRTIO_F_RING_PACKED) |
						    VIRTIO_BIT(VIRTIO_F_EVENT_IDX),
					    64)));
	/* As QEMU 7.2: no WRITE in a used packed descriptor, the length
	 * valid all the same (virtq.h). */
	t.sim->packed_used_no_write = true;
	tin_start(&t, QSIZE);
	return &t;
}

/* Send events and let the driver take them, as its interrupt handler does. */
static void send(struct tin *t, const struct sim_input_event *ev, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		CHECK_EQ(sim_input_send(t->sim, &ev[i], 1), 1);
		CHECK(vinput_interrupt(&t->in) >= 0);
	}
}

#define SYN { 0, 0, 0 }

TEST(input_probe_reads_every_selector_after_features_ok)
{
	for (uint32_t version = 1; version <= 2; version++) {
		struct tin *t = tin_up(version);
		const struct vinput_info *i = &t->in.info;
		CHECK(strcmp(i->name, "sim input") == 0);
		CHECK(strcmp(i->serial, "SIM-0001") == 0);
		CHECK(i->has_ids);
		CHECK_EQ(i->bustype, 6);
		CHECK_EQ(i->vendor, 0x1af4);
		CHECK_EQ(i->product, 1);
		CHECK_EQ(i->version, 2);
		CHECK_EQ(i->props[0], 1);
		CHECK_EQ(i->ev_types, 1u << 1 | 1u << EV_REL | 1u << 3 | 1u << EV_LED);
		CHECK(vinput_has_code(i, VINPUT_EV_KEY, 30));
		CHECK(vinput_has_code(i, VINPUT_EV_KEY, 0x110));
		CHECK(!vinput_has_code(i, VINPUT_EV_KEY, 200));
		CHECK(!vinput_has_code(i, EV_SW, 0));
		CHECK_EQ(i->abs_axes, 3);
		CHECK_EQ(i->abs[0].min, 0);
		CHECK_EQ(i->abs[0].max, 1023);
		CHECK_EQ(i->abs[1].min, -100);
		CHECK_EQ(i->abs[1].res, 1);
		CHECK_EQ(i->bad_answers, 0);
		/* name, serial, ids, props, 32 event types, 2 axes: 2 writes each */
		CHECK_EQ(t->s->select_writes, 2 * (4 + 32 + 2));
		/* the packed ring where offered, with QEMU's used flags (tin_up) */
		CHECK_EQ(virtio_has_feature(&t->mmio.vdev, VIRTIO_F_RING_PACKED), version == 2);
		if (version == 2)
			CHECK(status_logged(t->sim, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
						       VIRTIO_STATUS_FEATURES_OK) >= 0);
	}
}

TEST(input_event_queue_is_kept_stocked)
{
	struct tin *t = tin_up(2);
	CHECK_EQ(t->in.eventq.vq.in_flight, QSIZE);
	/* The device took every buffer: one 8-byte writable descriptor each
	 * (the back end checks), no more available. */
	sim_consume(t->sim, 0);
	CHECK_EQ(t->sim->q[0].npending, QSIZE);
	/* Three rounds of the whole queue: each buffer comes back and goes
	 * out again. */
	struct sim_input_event key[2] = { { 1, 30, 1 }, SYN };
	for (unsigned i = 0; i < 3 * QSIZE / 2; i++)
		send(t, key, 2);
	CHECK_EQ(t->ngroups, 3 * QSIZE / 2);
	CHECK_EQ(t->in.eventq.vq.in_flight, QSIZE);
	sim_consume(t->sim, 0);
	CHECK_EQ(t->sim->q[0].npending, QSIZE);
	CHECK_EQ(sim_avail_pending(t->sim, 0), 0);
}

TEST(input_events_are_held_until_syn_report)
{
	struct tin *t = tin_up(2);
	struct sim_input_event ev[] = { { 1, 30, 1 } };
	send(t, ev, 1);
	CHECK_EQ(t->ngroups, 0); /* no SYN yet: nothing delivered */
	struct sim_input_event rest[] = { { 3, 0, 512 }, { 3, 1, -50 }, SYN };
	send(t, rest, 3);
	CHECK_EQ(t->ngroups, 1);
	CHECK_EQ(t->last_group, 3);
	CHECK_EQ(t->got[0].type, 1);
	CHECK_EQ(t->got[0].code, 30);
	CHECK_EQ(t->got[0].value, 1);
	CHECK_EQ(t->got[1].value, 512);
	CHECK_EQ(t->got[2].value, -50);
	/* An empty group (SYN alone) delivers nothing. */
	struct sim_input_event syn[] = { SYN, SYN };
	send(t, syn, 2);
	CHECK_EQ(t->ngroups, 1);
	CHECK_EQ(t->in.stats.events, 3);
	CHECK_EQ(t->in.stats.groups, 1);
}

TEST(input_events_without_syn_are_never_delivered)
{
	struct tin *t = tin_up(2);
	/* A device that never ends its group: nothing is delivered, the group
	 * is dropped once when it outgrows VINPUT_GROUP_MAX, the rest ignored. */
	struct sim_input_event key = { 1, 31, 1 };
	for (unsigned i = 0; i < 3 * VINPUT_GROUP_MAX; i++)
		send(t, &key, 1);
	CHECK_EQ(t->ngroups, 0);
	CHECK_EQ(t->in.stats.dropped_groups, 1);
	CHECK_EQ(t->in.eventq.vq.in_flight, QSIZE);
	/* Its SYN_REPORT ends the dropped group without delivering it... */
	struct sim_input_event syn = SYN;
	send(t, &syn, 1);
	CHECK_EQ(t->ngroups, 0);
	/* ...and the next group is whole again. */
	struct sim_input_event good[] = { { 1, 32, 0 }, SYN };
	send(t, good, 2);
	CHECK_EQ(t->ngroups, 1);
	CHECK_EQ(t->got[0].code, 32);
}

TEST(input_group_of_exactly_the_maximum_is_delivered)
{
	struct tin *t = tin_up(2);
	struct sim_input_event key = { 2, 0, 1 };
	for (unsigned i = 0; i < VINPUT_GROUP_MAX; i++)
		send(t, &key, 1);
	struct sim_input_event syn = SYN;
	send(t, &syn, 1);
	CHECK_EQ(t->ngroups, 1);
	CHECK_EQ(t->last_group, VINPUT_GROUP_MAX);
	CHECK_EQ(t->in.stats.dropped_groups, 0);
}

TEST(input_device_that_never_stops_is_bounded_per_poll)
{
	/* A device that refills every buffer the moment it is posted (inside
	 * the notification): one poll still returns, after the core's drain
	 * budget (VIRTIO_DRAIN_BUDGET chains), and a later one goes on. */
	struct tin *t = tin_up(2);
	struct sim_input_event key = { 1, 30, 1 };
	CHECK_EQ(sim_input_send(t->sim, &key, 1), 1);
	t->sim->mode = SIM_SYNC;
	CHECK_EQ(vinput_poll(&t->in), 0);
	/* The buffers the driver took, whatever became of their events
	 * (past VINPUT_GROUP_MAX they are discarded uncounted). */
	uint64_t first = t->in.eventq.vq.stats.used_popped;
	CHECK(first > QSIZE && first <= VIRTIO_DRAIN_BUDGET + 1);
	CHECK(vinput_pending(&t->in) & VIRTIO_PENDING_POLL); /* the rest is the caller's */
	CHECK_EQ(vinput_poll(&t->in), 0);
	CHECK(t->in.eventq.vq.stats.used_popped > first);
	CHECK_EQ(t->ngroups, 0); /* never a SYN_REPORT: never a delivery */
	CHECK_EQ(t->in.stats.dropped_groups, 1);
}

TEST(input_syn_dropped_discards_the_group)
{
	struct tin *t = tin_up(2);
	struct sim_input_event ev[] = {
		{ 3, 0, 10 }, { 0, VINPUT_SYN_DROPPED, 0 }, { 3, 1, 20 }, SYN, /* all lost */
		{ 3, 0, 30 }, SYN,                                             /* delivered */
	};
	send(t, ev, 6);
	CHECK_EQ(t->ngroups, 1);
	CHECK_EQ(t->last_group, 1);
	CHECK_EQ(t->got[0].value, 30);
	CHECK_EQ(t->in.stats.dropped_groups, 1);
}

TEST(input_every_event_is_validated)
{
	struct tin *t = tin_up(2);
	struct sim_input_event ev[] = {
		{ EV_SW, 0, 1 },     /* a type the device never announced */
		{ 1, 200, 1 },       /* a key it never announced */
		{ 1, 30, 7 },        /* a key value other than 0, 1, 2 */
		{ 1, 30, -1 },
		{ 3, 5, 1 },         /* an axis it never announced */
		{ 0, 2, 0 },         /* SYN_MT_REPORT: not used here */
		{ 3, 0, 5000 },      /* beyond the axis range: clamped */
		{ 3, 1, -1000 },
		{ 1, 30, 2 },        /* repeat */
		SYN,
	};
	send(t, ev, 10);
	CHECK_EQ(t->ngroups, 1);
	CHECK_EQ(t->last_group, 3);
	CHECK_EQ(t->got[0].value, 1023);
	CHECK_EQ(t->got[1].value, -100);
	CHECK_EQ(t->got[2].value, 2);
	CHECK_EQ(t->in.stats.unknown, 4);
	CHECK_EQ(t->in.stats.invalid, 2);
	CHECK_EQ(t->in.stats.clamped, 2);
}

TEST(input_event_of_the_wrong_length_is_ignored)
{
	struct tin *t = tin_up(2);
	t->s->event_len = 4;
	struct sim_input_event key[] = { { 1, 30, 1 }, { 1, 30, 0 } };
	send(t, key, 2);
	t->s->event_len = 0;
	struct sim_input_event syn = SYN;
	send(t, &syn, 1);
	CHECK_EQ(t->ngroups, 0);
	CHECK_EQ(t->in.stats.malformed, 2);
	CHECK_EQ(t->in.eventq.vq.in_flight, QSIZE); /* the buffers went back out */
}

TEST(input_malformed_config_answers_count_as_absent)
{
	static struct tin t;
	sim_reset_all();
	struct sim_dev *sim = sim_input_new(2, VIRTIO_BIT(VIRTIO_F_VERSION_1), 64);
	uint8_t junk[128];
	memset(junk, 'x', sizeof(junk));
	sim_input_set_answer(sim, 0x01, 0, junk, 200);          /* longer than the union */
	sim_input_set_answer(sim, 0x03, 0, junk, 6);            /* devids: 6 of 8 bytes */
	sim_input_set_answer(sim, 0x12, 0, junk, 12);           /* ABS_X: 12 of 20 bytes */
	uint8_t inverted[20] = { 10, 0, 0, 0, 5, 0, 0, 0 };     /* ABS_Y: min 10 > max 5 */
	sim_input_set_answer(sim, 0x12, 1, inverted, 20);
	sim_input_of(sim)->bad_echo_select = 0x02;               /* serial: not our selector */
	CHECK_OK(tin_probe(&t, sim));
	const struct vinput_info *i = &t.in.info;
	CHECK_EQ(i->name[0], 0);
	CHECK_EQ(i->serial[0], 0);
	CHECK(!i->has_ids);
	CHECK_EQ(i->abs_axes, 0);
	CHECK(!vinput_has_code(i, VINPUT_EV_ABS, 0)); /* axes without a range are removed */
	CHECK_EQ(i->bad_answers, 5);
	/* Events on the removed axes are ignored; keys still work. */
	tin_start(&t, QSIZE);
	struct sim_input_event ev[] = { { 3, 0, 1 }, { 3, 1, 1 }, { 1, 30, 1 }, SYN };
	send(&t, ev, 4);
	CHECK_EQ(t.ngroups, 1);
	CHECK_EQ(t.last_group, 1);
	CHECK_EQ(t.in.stats.unknown, 2);
}

TEST(input_strings_are_made_printable)
{
	static struct tin t;
	sim_reset_all();
	struct sim_dev *sim = sim_input_new(2, VIRTIO_BIT(VIRTIO_F_VERSION_1), 64);
	sim_input_set_answer(sim, 0x01, 0, "a\tb\x80" "c", 5);
	sim_input_set_answer(sim, 0x02, 0, "ab\0cd", 5);  /* stops at a NUL */
	uint8_t full[128];
	memset(full, 'n', sizeof(full));
	sim_input_set_answer(sim, 0x11, 0x04, NULL, 0); /* an empty answer: not announced */
	CHECK_OK(tin_probe(&t, sim));
	CHECK(strcmp(t.in.info.name, "a?b?c") == 0);
	CHECK(strcmp(t.in.info.serial, "ab") == 0);
	sim_reset_all();
	sim = sim_input_new(2, VIRTIO_BIT(VIRTIO_F_VERSION_1), 64);
	sim_input_set_answer(sim, 0x01, 0, full, 128);  /* the longest name there is */
	CHECK_OK(tin_probe(&t, sim));
	CHECK_EQ(strlen(t.in.info.name), 128);
}

TEST(input_axes_past_abs_cnt_are_dropped)
{
	static struct tin t;
	sim_reset_all();
	struct sim_dev *sim = sim_input_new(2, VIRTIO_BIT(VIRTIO_F_VERSION_1), 64);
	uint8_t abs[10] = { 1 };  /* ABS_X and axis 72 */
	abs[9] = 1;
	sim_input_set_answer(sim, 0x11, 0x03, abs, sizeof(abs));
	CHECK_OK(tin_probe(&t, sim));
	CHECK_EQ(t.in.info.abs_axes, 1);
	CHECK(!vinput_has_code(&t.in.info, VINPUT_EV_ABS, 72));
	CHECK_EQ(t.in.info.bad_answers, 1);
}

TEST(input_config_that_never_settles_fails_the_probe)
{
	static struct tin t;
	sim_reset_all();
	struct sim_dev *sim = sim_input_new(2, VIRTIO_BIT(VIRTIO_F_VERSION_1), 64);
	sim->gen_churn = UINT32_MAX;
	CHECK_ERR(tin_probe(&t, sim), VIRTIO_ETIMEDOUT);
	CHECK(sim->status & VIRTIO_STATUS_FAILED);
}

TEST(input_status_queue_carries_leds)
{
	struct tin *t = tin_up(2);
	struct sim_input *s = t->s;
	CHECK_OK(vinput_send_status(&t->in, EV_LED, 1, 1));
	sim_process_queue(t->sim, 1);
	CHECK_EQ(s->nstatus, 1);
	CHECK_EQ(s->status[0].type, EV_LED);
	CHECK_EQ(s->status[0].code, 1);
	CHECK_EQ(s->status[0].value, 1);
	CHECK_OK(vinput_interrupt(&t->in));
	CHECK_EQ(t->in.stats.status_done, 1);
	/* Only what the device announced. */
	CHECK_ERR(vinput_send_status(&t->in, EV_LED, 5, 1), VIRTIO_EUNSUPP);
	CHECK_ERR(vinput_send_status(&t->in, EV_SW, 0, 1), VIRTIO_EUNSUPP);
	/* Every buffer with the device: ENOSPC until it gives some back. */
	for (unsigned i = 0; i < QSIZE; i++)
		CHECK_OK(vinput_send_status(&t->in, EV_LED, 0, (int32_t)(i & 1)));
	CHECK_ERR(vinput_send_status(&t->in, EV_LED, 0, 1), VIRTIO_ENOSPC);
	/* A device that reports the bytes it read from a status buffer (QEMU
	 * does): that length means nothing and is no fault. */
	t->sim->fault = SIM_FAULT_LEN_OVER;
	t->sim->fault_after = QSIZE - 1; /* the last of them */
	sim_process_queue(t->sim, 1);
	t->sim->fault = SIM_FAULT_NONE;
	CHECK_OK(vinput_send_status(&t->in, EV_LED, 2, 1)); /* reclaims on the way */
	CHECK_EQ(t->in.stats.status_done, 1 + QSIZE);
	CHECK_OK(virtio_device_error(t->in.vdev));
}

/* The main loop's part, as the kernel's deferred work does it. */
static void recover(struct tin *t)
{
	CHECK(vinput_pending(&t->in) & VIRTIO_PENDING_RECOVER);
	CHECK_OK(vinput_recover(&t->in));
	CHECK_EQ(vinput_pending(&t->in), 0);
	CHECK_OK(virtio_device_error(t->in.vdev));
}

/* Events flow again: every buffer back with the device, a key delivered. */
static void check_events_flow(struct tin *t)
{
	CHECK_EQ(t->in.eventq.vq.in_flight, QSIZE);
	sim_consume(t->sim, 0);
	CHECK_EQ(t->sim->q[0].npending, QSIZE); /* posted and notified */
	unsigned before = t->ngroups;
	struct sim_input_event key[] = { { 1, 48, 1 }, SYN };
	send(t, key, 2);
	CHECK_EQ(t->ngroups, before + 1);
	CHECK_EQ(t->got[t->ngot - 1].code, 48);
}

TEST(input_ring_fault_is_recovered_from_the_main_loop)
{
	struct tin *t = tin_up(2);
	t->sim->fault = SIM_FAULT_ID_RANGE;
	struct sim_input_event key = { 1, 30, 1 };
	CHECK_EQ(sim_input_send(t->sim, &key, 1), 1);
	uint32_t resets = t->sim->resets;
	CHECK_ERR(vinput_interrupt(&t->in), VIRTIO_EBROKEN);
	/* Only noted: the interrupt never resets. */
	CHECK_EQ(t->sim->resets, resets);
	CHECK_ERR(vinput_poll(&t->in), VIRTIO_EBROKEN);
	CHECK_ERR(vinput_send_status(&t->in, EV_LED, 1, 1), VIRTIO_EBROKEN);
	CHECK_ERR(vinput_start(&t->in, deliver, t), VIRTIO_EINVAL);
	t->sim->fault = SIM_FAULT_NONE;
	recover(t);
	CHECK(t->sim->resets > resets);
	CHECK_EQ(t->in.vdev->events.recoveries, 1);
	check_events_flow(t);
	sim_take_violations(); /* the simulator notes the reset while chains were pending */
}

TEST(input_status_queue_fault_is_recovered)
{
	/* Found by the interrupt... */
	struct tin *t = tin_up(2);
	for (unsigned i = 0; i < QSIZE - 1; i++)
		CHECK_OK(vinput_send_status(&t->in, EV_LED, 0, 1));
	t->sim->fault = SIM_FAULT_ID_UNPOSTED;
	sim_process_queue(t->sim, 1);
	CHECK_ERR(vinput_interrupt(&t->in), VIRTIO_EBROKEN);
	CHECK_ERR(vinput_send_status(&t->in, EV_LED, 0, 1), VIRTIO_EBROKEN);
	t->sim->fault = SIM_FAULT_NONE;
	recover(t);
	CHECK_EQ(t->in.statusq.nfree, QSIZE); /* the status buffers are ours again */
	CHECK_OK(vinput_send_status(&t->in, EV_LED, 0, 1));
	sim_take_violations();

	/* ...or by a send that needs a buffer back. */
	t = tin_up(2);
	for (unsigned i = 0; i < QSIZE; i++)
		CHECK_OK(vinput_send_status(&t->in, EV_LED, 0, 1));
	t->sim->fault = SIM_FAULT_ID_RANGE;
	sim_process_queue(t->sim, 1);
	CHECK_ERR(vinput_send_status(&t->in, EV_LED, 0, 1), VIRTIO_EBROKEN);
	t->sim->fault = SIM_FAULT_NONE;
	recover(t);
	CHECK_EQ(t->in.statusq.nfree, QSIZE);
	check_events_flow(t);
	sim_take_violations();
}

TEST(input_needs_reset_mid_events_is_recovered)
{
	struct tin *t = tin_up(2);
	/* Half a group, then the device needs a reset. */
	struct sim_input_event half[] = { { 1, 30, 1 }, { 3, 0, 7 } };
	send(t, half, 2);
	CHECK_EQ(t->ngroups, 0);
	sim_set_needs_reset(t->sim);
	CHECK_ERR(vinput_interrupt(&t->in), VIRTIO_ERESET);
	CHECK_ERR(vinput_poll(&t->in), VIRTIO_EBROKEN); /* nothing taken until recovered */
	recover(t);
	CHECK(!(t->sim->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET));
	/* The configuration read at probe is kept. */
	CHECK(strcmp(t->in.info.name, "sim input") == 0);
	CHECK_EQ(t->in.info.abs_axes, 3);
	/* The cut group is lost, never delivered half; the next is whole. */
	CHECK_EQ(t->in.stats.dropped_groups, 1);
	struct sim_input_event syn = SYN;
	send(t, &syn, 1);
	CHECK_EQ(t->ngroups, 0);
	check_events_flow(t);
	CHECK_EQ(t->last_group, 1);
	sim_take_violations();
}

TEST(input_abort_with_a_stuck_reset_keeps_the_buffers)
{
	struct tin *t = tin_up(2);
	for (unsigned i = 0; i < 3; i++)
		CHECK_OK(vinput_send_status(&t->in, EV_LED, 0, 1));
	sim_consume(t->sim, 0);
	sim_consume(t->sim, 1);
	t->sim->reset_stuck = true;
	/* Before the device core this reset's result was ignored and every
	 * buffer reclaimed while the device might still write into it. */
	CHECK_ERR(vinput_abort(&t->in), VIRTIO_EDEAD);
	CHECK_EQ(t->in.eventq.vq.in_flight, QSIZE);
	CHECK_EQ(t->in.statusq.vq.in_flight, 3);
	CHECK_EQ(t->in.statusq.nfree, QSIZE - 3); /* not reused */
	CHECK_ERR(vinput_send_status(&t->in, EV_LED, 0, 1), VIRTIO_EDEAD);
	CHECK_ERR(vinput_poll(&t->in), VIRTIO_EDEAD);
	CHECK_EQ(vinput_pending(&t->in), 0); /* not retried behind the caller's back */
	CHECK_ERR(vinput_recover(&t->in), VIRTIO_EDEAD);
	CHECK_EQ(t->in.statusq.nfree, QSIZE - 3);
	/* The reset completes at last: every buffer is ours again, once, and
	 * the event queue is stocked anew. */
	t->sim->reset_stuck = false;
	CHECK_OK(vinput_recover(&t->in));
	CHECK_EQ(t->in.statusq.nfree, QSIZE);
	CHECK_EQ(t->in.stats.status_done, 0);
	check_events_flow(t);
	sim_take_violations();
}

TEST(input_abort_then_recover)
{
	struct tin *t = tin_up(1);
	CHECK_OK(vinput_abort(&t->in));
	CHECK_EQ(t->in.eventq.vq.in_flight, 0); /* every buffer taken back */
	CHECK_ERR(vinput_poll(&t->in), VIRTIO_EBROKEN);
	CHECK_EQ(vinput_pending(&t->in), 0); /* down: recovery is the caller's call */
	CHECK_OK(vinput_recover(&t->in));
	check_events_flow(t);
	sim_take_violations();
}

TEST(input_probe_and_setup_errors)
{
	static struct tin t;
	sim_reset_all();
	struct sim_blk_opts o = { 0 };
	CHECK_ERR(tin_probe(&t, sim_blk_new(&o)), VIRTIO_ENODEV);

	sim_reset_all();
	struct sim_dev *sim = sim_input_new(2, VIRTIO_BIT(VIRTIO_F_VERSION_1), 64);
	sim_set_queue_max(sim, 0, 0);
	CHECK_ERR(tin_probe(&t, sim), VIRTIO_ENOQUEUE);
	CHECK(sim->status & VIRTIO_STATUS_FAILED);

	sim_reset_all();
	sim = sim_input_new(2, VIRTIO_BIT(VIRTIO_F_VERSION_1), 64);
	sim->refuse_features_ok = true;
	CHECK_ERR(tin_probe(&t, sim), VIRTIO_EFEATURES);

	/* No status queue: events work, LEDs say so. */
	sim_reset_all();
	sim = sim_input_new(2, VIRTIO_BIT(VIRTIO_F_VERSION_1), 64);
	CHECK_OK(tin_probe(&t, sim));
	size_t n = vinput_queue_mem_bytes(8);
	void *mem = queue_mem(&t, n);
	CHECK_ERR(vinput_start(&t.in, deliver, &t), VIRTIO_EINVAL); /* no event queue yet */
	CHECK_ERR(vinput_attach_queue(&t.in, 2, 8, mem, n), VIRTIO_EINVAL);
	CHECK_ERR(vinput_attach_queue(&t.in, 0, 8, mem, n - 1), VIRTIO_ENOMEM);
	CHECK_ERR(vinput_attach_queue(&t.in, 0, 6, mem, n), VIRTIO_EINVAL); /* split: power of 2 */
	CHECK_ERR(vinput_send_status(&t.in, EV_LED, 1, 1), VIRTIO_EBROKEN); /* not started */
	CHECK_OK(vinput_attach_queue(&t.in, 0, 8, mem, n));
	CHECK_ERR(vinput_start(&t.in, NULL, &t), VIRTIO_EINVAL);
	CHECK_OK(vinput_start(&t.in, deliver, &t));
	CHECK_ERR(vinput_attach_queue(&t.in, 1, 8, mem, n), VIRTIO_EINVAL); /* started */
	CHECK_ERR(vinput_send_status(&t.in, EV_LED, 1, 1), VIRTIO_ENOQUEUE);
	struct sim_input_event ev[] = { { 1, 30, 1 }, SYN };
	send(&t, ev, 2);
	CHECK_EQ(t.ngroups, 1);
}

TEST(input_shared_interrupt_that_is_not_ours)
{
	struct tin *t = tin_up(2);
	CHECK_EQ(vinput_interrupt(&t->in), 0);
	/* A configuration change is counted (the configuration was read at
	 * probe; nothing else changes with it). */
	sim_raise_config(t->sim);
	CHECK_EQ(vinput_interrupt(&t->in), 0);
	CHECK_EQ(t->in.stats.config_changes, 1);
}
