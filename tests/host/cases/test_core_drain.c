/*
 * The device core's drain (core/dispatch.c): the budget that bounds one
 * interrupt, one notification for what done() resubmits, polling with
 * interrupts off, and busy-polling for late completions.
 */
#include "harness/tcore.h"

/* ---- the drain budget --------------------------------------------------- */

TEST(core_drain_budget_bounds_the_interrupt)
{
	/* two descriptors a chain: room for more than a budget */
	struct tcore *t = tcore_up(ALL_FEATURES, 512, 512);
	t->sim->mode = SIM_DEFERRED;
	enum { N = VIRTIO_DRAIN_BUDGET + 36 };
	static struct tchain c[N];
	tcore_post_n(t, 0, c, N);
	CHECK_EQ(sim_process(t->sim), N);
	CHECK_EQ(virtio_device_interrupt(t->d), VIRTIO_DRAIN_BUDGET);
	CHECK_EQ(virtio_device_pending(t->d), VIRTIO_PENDING_POLL);
	CHECK(virtq_has_used(&t->vq[0]));
	/* The main loop picks up the rest. */
	CHECK_EQ(virtio_device_poll(t->d), 36);
	CHECK_EQ(virtio_device_pending(t->d), 0);
	CHECK_EQ(t->cq[0].used, N);

	/* A device that answers at once while done() keeps posting would
	 * hold an unbounded drain forever: the budget ends it. */
	t->sim->mode = SIM_SYNC;
	t->cq[0].repost = true;
	tcore_post(t, 0, &c[0], 0);
	virtq_kick(&t->vq[0]);
	CHECK_EQ(virtio_device_interrupt(t->d), VIRTIO_DRAIN_BUDGET);
	CHECK_EQ(virtio_device_pending(t->d), VIRTIO_PENDING_POLL);
	CHECK_EQ(virtio_queue_drain(&t->vq[0], 5), 5);
	t->cq[0].repost = false;
	CHECK_EQ(virtio_queue_drain(&t->vq[0], 5), 1);
	CHECK_EQ(virtio_device_poll(t->d), 0);
	CHECK_EQ(virtio_device_pending(t->d), 0);
}

/* ---- a done() that stops the drain ------------------------------------- */

static void break_queue(struct tcq *q)
{
	virtq_mark_broken(&q->t->vq[q->index]);
}
/* (through the other queue: the device needs a reset, this queue is
 * still sound) */
static void give_up(struct tcq *q)
{
	virtio_queue_fault(&q->t->vq[1 - q->index], "test: done() gives up");
}

/* done() latches its queue broken, or gives up on the device, in the
 * middle of a drain with more used chains waiting: not one more chain is
 * handed over, and the drain reports the error. */
static void drain_stopped_by_done(int packed, void (*stop)(struct tcq *), bool broken)
{
	struct tcore *t = tcore_up(layout_mask(packed), 64, 64);
	t->sim->mode = SIM_DEFERRED;
	static struct tchain c[8];
	tcore_post_n(t, 0, c, 8);
	CHECK_EQ(sim_process(t->sim), 8);
	t->cq[0].stop_at = 3;
	t->cq[0].stop = stop;
	CHECK_ERR(virtio_device_interrupt(t->d), VIRTIO_EBROKEN);
	CHECK_EQ(t->cq[0].used, 3);
	CHECK_EQ(virtq_is_broken(&t->vq[0]), broken);
	if (!broken)
		CHECK(virtq_has_used(&t->vq[0])); /* the other five still there */
	CHECK(virtio_device_pending(t->d) & VIRTIO_PENDING_RECOVER);
}

TEST(core_drain_stops_when_done_breaks_the_queue)
{
	drain_stopped_by_done(0, break_queue, true);
	drain_stopped_by_done(1, break_queue, true);
}

TEST(core_drain_stops_when_done_gives_up_on_the_device)
{
	drain_stopped_by_done(0, give_up, false);
	drain_stopped_by_done(1, give_up, false);
}

/* A queue its driver latched broken outside any drain, used chains
 * waiting: the next interrupt hands none over and reports the queue. */
TEST(core_drain_of_a_queue_latched_broken)
{
	for (int packed = 0; packed < 2; packed++) {
		struct tcore *t = tcore_up(layout_mask(packed), 64, 64);
		t->sim->mode = SIM_DEFERRED;
		static struct tchain c[4];
		tcore_post_n(t, 0, c, 4);
		CHECK_EQ(sim_process(t->sim), 4);
		virtq_mark_broken(&t->vq[0]);
		CHECK_ERR(virtio_device_interrupt(t->d), VIRTIO_EBROKEN);
		CHECK_EQ(t->cq[0].used, 0);
		CHECK(virtio_device_pending(t->d) & VIRTIO_PENDING_RECOVER);
	}
}

/* ---- polling inside the drain ------------------------------------------ */

/* What done() resubmits with virtio_queue_kick() reaches the device with
 * one notification per pass, once the ring is empty, and the ring is
 * re-armed after it: the device's next completion interrupts. */
TEST(core_drain_notifies_resubmissions_once_per_pass)
{
	for (int packed = 0; packed < 2; packed++) {
		struct tcore *t = tcore_up(layout_mask(packed), 64, 64);
		t->sim->mode = SIM_DEFERRED;
		static struct tchain c[8];
		tcore_post_n(t, 0, c, 8);
		CHECK_EQ(sim_process(t->sim), 8);
		unsigned notifies = t->sim->q[0].notifies;
		t->cq[0].repost_held = true;
		CHECK_EQ(virtio_device_interrupt(t->d), 8);
		CHECK_EQ(t->sim->q[0].notifies, notifies + 1);
		CHECK_EQ(virtio_device_pending(t->d), 0);
		/* Outside a drain the same call notifies at once. */
		t->cq[0].repost_held = false;
		unsigned interrupts = t->sim->q[0].interrupts;
		CHECK_EQ(sim_process(t->sim), 8);
		CHECK(t->sim->q[0].interrupts > interrupts);
		CHECK_EQ(virtio_device_interrupt(t->d), 8);
		tcore_post(t, 0, &c[0], 0);
		virtio_queue_kick(&t->vq[0]);
		CHECK_EQ(t->sim->q[0].notifies, notifies + 2);
	}
}

/* A device that completes inside the notification keeps the drain going
 * (NAPI-like polling) up to the budget, and while it polls the device is
 * asked not to interrupt: no interrupt for anything the drain takes. */
TEST(core_drain_polls_with_interrupts_off)
{
	static const uint64_t masks[] = {
		NO(VIRTIO_F_RING_PACKED), ALL_FEATURES,
		NO(VIRTIO_F_RING_PACKED) & NO(VIRTIO_F_EVENT_IDX), NO(VIRTIO_F_EVENT_IDX),
	};
	for (unsigned m = 0; m < sizeof(masks) / sizeof(masks[0]); m++) {
		struct tcore *t = tcore_up(masks[m], 64, 64);
		t->sim->mode = SIM_DEFERRED;
		struct tchain c;
		tcore_post_n(t, 0, &c, 1);
		CHECK_EQ(sim_process(t->sim), 1);
		t->sim->mode = SIM_SYNC;
		t->cq[0].repost_held = true;
		unsigned interrupts = t->sim->q[0].interrupts;
		unsigned notifies = t->sim->q[0].notifies;
		CHECK_EQ(virtio_queue_drain(&t->vq[0], 10), 10);
		/* one notification per resubmission, each answered at once,
		 * the last one's answer left for the poll the budget asks for */
		CHECK_EQ(t->sim->q[0].notifies, notifies + 10);
		CHECK_EQ(t->sim->q[0].interrupts, interrupts);
		CHECK_EQ(virtio_device_pending(t->d), VIRTIO_PENDING_POLL);
		t->cq[0].repost_held = false;
		CHECK_EQ(virtio_device_poll(t->d), 1);
		CHECK_EQ(virtio_device_pending(t->d), 0);
		CHECK_EQ(t->cq[0].used, 11);
		/* re-armed: the next completion interrupts again */
		tcore_post_n(t, 0, &c, 1);
		CHECK_EQ(t->sim->q[0].interrupts, interrupts + 1);
	}
}

/* Busy-polling: a device that completes a few microseconds after each
 * notification is polled through, without one interrupt, up to the
 * budget; once nothing is in flight, or more than the limit, the rings
 * are re-armed at once, and a quiet window (nothing completes) re-arms
 * them when it ends. */
TEST(core_busy_poll_takes_late_completions_without_interrupts)
{
	for (int packed = 0; packed < 2; packed++) {
		struct tcore *t = tcore_up(layout_mask(packed), 64, 64);
		virtio_device_set_busy_poll(t->d, 20000, 4);
		t->sim->mode = SIM_DEFERRED;
		t->sim->relax_period = 3; /* the device answers 3 us after the kick */
		struct tchain c;
		tcore_post_n(t, 0, &c, 1);
		CHECK_EQ(sim_process(t->sim), 1);
		t->cq[0].repost_held = true;
		unsigned interrupts = t->sim->interrupts;
		CHECK_EQ(virtio_device_interrupt(t->d), 2 * VIRTIO_DRAIN_BUDGET);
		CHECK_EQ(t->sim->interrupts, interrupts);
		CHECK_EQ(virtio_device_pending(t->d), VIRTIO_PENDING_POLL);
		/* The last resubmission completes; nothing follows it. */
		t->cq[0].repost_held = false;
		uint64_t t0 = sim_clock_ns;
		CHECK_EQ(virtio_device_poll(t->d), 1);
		CHECK_EQ(virtio_device_pending(t->d), 0);
		CHECK(sim_clock_ns - t0 < 20000); /* nothing in flight: no window */
		CHECK_EQ(t->cq[0].used, 2 * VIRTIO_DRAIN_BUDGET + 1);
		/* re-armed: the next completion interrupts */
		tcore_post_n(t, 0, &c, 1);
		t0 = sim_clock_ns;
		t->sim->relax_period = 0; /* the device goes quiet */
		CHECK_EQ(virtio_device_poll(t->d), 0);
		CHECK(sim_clock_ns - t0 >= 20000); /* watched for the whole window */
		CHECK_EQ(sim_process(t->sim), 1);
		CHECK_EQ(t->sim->interrupts, interrupts + 1);
		CHECK_EQ(virtio_device_interrupt(t->d), 1);
		/* More in flight than the limit: interrupts carry them. */
		static struct tchain five[5];
		tcore_post_n(t, 0, five, 5);
		t0 = sim_clock_ns;
		CHECK_EQ(virtio_device_poll(t->d), 0);
		CHECK(sim_clock_ns - t0 < 20000);
		CHECK_EQ(sim_process(t->sim), 5);
		CHECK_EQ(t->sim->interrupts, interrupts + 2);
		CHECK_EQ(virtio_device_interrupt(t->d), 5);
	}
}

/* Everything in flight completed and taken, nothing resubmitted. */
static void drain_all_of(struct tcore *t)
{
	t->cq[0].repost_held = false;
	t->sim->complete_limit = 0;
	for (int i = 0; i < 100 && (virtq_in_flight(&t->vq[0]) || virtq_in_flight(&t->vq[1]) ||
				    virtio_device_pending(t->d)); i++) {
		sim_process(t->sim);
		(void)virtio_device_poll(t->d);
	}
	CHECK_EQ(virtq_in_flight(&t->vq[0]) + virtq_in_flight(&t->vq[1]), 0);
}

/* Posts n chains on queue 0, the device takes them and completes one;
 * done() then resubmits; one drain of queue 0 (budget 4): how long it
 * took and how many notifications it made. */
static void drain_one_of(struct tcore *t, struct tchain *c, unsigned n, uint64_t *ns,
			 unsigned *notified)
{
	tcore_post_n(t, 0, c, n);
	t->sim->complete_limit = 1;
	CHECK_EQ(sim_process_queue(t->sim, 0), 1);
	t->cq[0].repost_held = true;
	unsigned notifies = t->sim->q[0].notifies;
	uint64_t t0 = sim_clock_ns;
	CHECK_EQ(virtio_queue_drain(&t->vq[0], 4), 1);
	*ns = sim_clock_ns - t0;
	*notified = t->sim->q[0].notifies - notifies;
	drain_all_of(t);
}

/* Busy-polling also batches resubmissions: a device that completes its
 * chains one by one behind the notification (one every 2 us here) gets
 * what done() resubmitted in one notification once the stream ends, not
 * one per trickle; a device that holds nothing else, or only a few
 * (VIRTIO_KICK_COALESCE_MIN), is notified at once; a device that goes
 * quiet while holding chains is notified after one gap of
 * VIRTIO_KICK_COALESCE_NS, or at once when another queue has used chains
 * waiting; without busy-polling nothing waits. */
TEST(core_busy_poll_batches_resubmissions_while_completions_stream)
{
	enum { N = VIRTIO_KICK_COALESCE_MIN + 8, FEW = VIRTIO_KICK_COALESCE_MIN };
	static struct tchain c[N];
	uint64_t ns;
	unsigned notified;

	for (int packed = 0; packed < 2; packed++) {
		struct tcore *t = tcore_up(layout_mask(packed), 128, 128);
		virtio_device_set_busy_poll(t->d, 50000, 128);
		t->sim->mode = SIM_DEFERRED;
		t->sim->complete_limit = 1;
		t->sim->relax_period = 2;
		tcore_post_n(t, 0, c, N);
		CHECK_EQ(sim_process(t->sim), 1);
		t->cq[0].repost_held = true;
		unsigned notifies = t->sim->q[0].notifies;
		/* the first N come back one by one, each resubmitted: one
		 * notification for all N */
		CHECK_EQ(virtio_queue_drain(&t->vq[0], N), N);
		CHECK_EQ(t->sim->q[0].notifies, notifies + 1);
		drain_all_of(t);
		CHECK_EQ(t->cq[0].used, 2 * N);
		CHECK_EQ(virtq_in_flight(&t->vq[0]), 0);

		/* The device quiet from here on. */
		t->sim->relax_period = 0;
		/* It holds nothing else (it completes inside the
		 * notification), or only a few: notified at once. */
		drain_one_of(t, c, 1, &ns, &notified);
		CHECK(ns < VIRTIO_KICK_COALESCE_NS && notified == 1);
		drain_one_of(t, c, FEW, &ns, &notified);
		CHECK(ns < VIRTIO_KICK_COALESCE_NS && notified == 1);
		/* More, and quiet: one gap, then the notification. */
		drain_one_of(t, c, N, &ns, &notified);
		CHECK(ns >= VIRTIO_KICK_COALESCE_NS && ns < 2 * VIRTIO_KICK_COALESCE_NS);
		CHECK_EQ(notified, 1);

		/* Another queue has used chains: its turn comes first, so the
		 * wait ends at once. */
		static struct tchain other;
		tcore_post_n(t, 1, &other, 1);
		CHECK_EQ(sim_process_queue(t->sim, 1), 1);
		drain_one_of(t, c, N, &ns, &notified);
		CHECK(ns < VIRTIO_KICK_COALESCE_NS && notified == 1);
		CHECK_EQ(t->cq[1].used, 1);

		/* Not busy-polling: nothing waits. */
		virtio_device_set_busy_poll(t->d, 0, 0);
		drain_one_of(t, c, N, &ns, &notified);
		CHECK(ns < VIRTIO_KICK_COALESCE_NS && notified == 1);
	}
}
