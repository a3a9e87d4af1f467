/*
 * Notification and interrupt suppression, split and packed, with plain
 * flags and with EVENT_IDX (§2.7.7, §2.7.10, §2.8.10): what the driver
 * asks of the device, what it honours of the device's requests, and a
 * kick decision that survives 65536 adds without one.
 */
#include "harness/chains.h"
#include "harness/pci_fixture.h"

/* Notifications and interrupts with EVENT_IDX on or off. */
static void suppression(bool packed, bool event_idx)
{
	struct tvq t;
	tvq_up(&t, tvq_echo(64), tvq_mask_for(packed, true, event_idx), 32, 4);
	struct sim_dev *d = t.sim;
	struct sim_queue *q = &d->q[0];
	d->mode = SIM_DEFERRED; /* the device acts only in sim_process() */
	uint8_t *arena = tmem_alloc(32 * 64, 64);
	struct tchain c[32];
	uint32_t lens[2] = { 16, 16 };

	/* Eight chains, each followed by a kick, while the device sleeps:
	 * with EVENT_IDX only the first kick notifies (avail_event stays
	 * where the device last looked), without it every kick does. */
	for (unsigned i = 0; i < 8; i++) {
		tchain_make(&c[i], arena + 64 * i, 1, 1, lens, i);
		CHECK_OK(virtq_add(&t.vq, c[i].sg, 1, 1, &c[i]));
		virtq_kick(&t.vq);
	}
	CHECK_EQ(q->notifies, event_idx ? 1 : 8);
	/* One batch of completions: one interrupt either way. */
	CHECK_EQ(sim_process(d), 8);
	CHECK_EQ(q->interrupts, 1);
	for (unsigned i = 0; i < 8; i++)
		tvq_pop_one(&t, &c[i], &c[i]);
	CHECK(virtq_enable_cb(&t.vq));

	/* Interrupts off: completions raise none. */
	virtq_disable_cb(&t.vq);
	for (unsigned i = 0; i < 4; i++) {
		tchain_make(&c[i], arena + 64 * i, 1, 1, lens, 10 + i);
		CHECK_OK(virtq_add(&t.vq, c[i].sg, 1, 1, &c[i]));
	}
	virtq_kick(&t.vq);
	CHECK_EQ(q->notifies, event_idx ? 2 : 9);
	CHECK_EQ(sim_process(d), 4);
	CHECK_EQ(q->interrupts, 1);
	/* Re-arming reports the completions that slipped in meanwhile. */
	CHECK(!virtq_enable_cb(&t.vq));
	for (unsigned i = 0; i < 4; i++)
		tvq_pop_one(&t, &c[i], &c[i]);
	CHECK(virtq_enable_cb(&t.vq));

	/* Armed again: the next completion interrupts. */
	tchain_make(&c[0], arena, 1, 1, lens, 20);
	CHECK_OK(virtq_add(&t.vq, c[0].sg, 1, 1, &c[0]));
	virtq_kick(&t.vq);
	CHECK_EQ(q->notifies, event_idx ? 3 : 10);
	CHECK_EQ(sim_process(d), 1);
	CHECK_EQ(q->interrupts, 2);
	tvq_pop_one(&t, &c[0], &c[0]);

	/* Completions popped one at a time with the device completing one
	 * per step: an interrupt for each (EVENT_IDX re-arms per pop). */
	for (unsigned i = 0; i < 4; i++) {
		tchain_make(&c[i], arena + 64 * i, 1, 1, lens, 30 + i);
		CHECK_OK(virtq_add(&t.vq, c[i].sg, 1, 1, &c[i]));
	}
	virtq_kick(&t.vq);
	CHECK(sim_consume(d, 0) == 4);
	for (unsigned i = 0; i < 4; i++) {
		unsigned irq0 = q->interrupts;
		CHECK_EQ(sim_complete(d, 0, 1), 1);
		CHECK_EQ(q->interrupts, irq0 + 1);
		tvq_pop_one(&t, &c[i], &c[i]);
	}
	/* With EVENT_IDX, completions the driver has not caught up with
	 * raise no further interrupt: it already knows there is work. */
	if (event_idx) {
		for (unsigned i = 0; i < 3; i++) {
			tchain_make(&c[i], arena + 64 * i, 1, 1, lens, 40 + i);
			CHECK_OK(virtq_add(&t.vq, c[i].sg, 1, 1, &c[i]));
		}
		virtq_kick(&t.vq);
		CHECK(sim_consume(d, 0) == 3);
		unsigned irq0 = q->interrupts;
		CHECK_EQ(sim_complete(d, 0, 1), 1);
		CHECK_EQ(sim_complete(d, 0, 1), 1);
		CHECK_EQ(sim_complete(d, 0, 1), 1);
		CHECK_EQ(q->interrupts, irq0 + 1);
		for (unsigned i = 0; i < 3; i++)
			tvq_pop_one(&t, &c[i], &c[i]);
	}
	CHECK_EQ(virtq_free_descs(&t.vq), 32);
}

TEST(virtq_suppression_split_event_idx)
{
	suppression(false, true);
}

TEST(virtq_suppression_split_flags)
{
	suppression(false, false);
}

TEST(virtq_suppression_packed_event_idx)
{
	suppression(true, true);
}

TEST(virtq_suppression_packed_flags)
{
	suppression(true, false);
}

/* The device asks for no notifications (NO_NOTIFY / DISABLE / a far
 * avail_event): the driver must not ring; a polling device still works. */
static void device_suppresses(bool packed, bool event_idx)
{
	struct tvq t;
	tvq_up(&t, tvq_echo(64), tvq_mask_for(packed, true, event_idx), 32, 4);
	struct sim_dev *d = t.sim;
	d->mode = SIM_DEFERRED;
	d->poll_ring = true;
	d->suppress_notify = true;
	sim_process(d); /* publish the wish */
	uint8_t *arena = tmem_alloc(16 * 64, 64);
	struct tchain c[16];
	uint32_t lens[2] = { 16, 16 };
	for (unsigned round = 0; round < 5; round++) {
		for (unsigned i = 0; i < 10; i++) {
			tchain_make(&c[i], arena + 64 * i, 1, 1, lens, round * 10 + i);
			CHECK_OK(virtq_add(&t.vq, c[i].sg, 1, 1, &c[i]));
			virtq_kick(&t.vq);
		}
		CHECK_EQ(sim_process(d), 10);
		for (unsigned i = 0; i < 10; i++)
			tvq_pop_one(&t, &c[i], &c[i]);
	}
	CHECK_EQ(d->q[0].notifies, 0);
}

TEST(virtq_device_suppresses_notify_split)
{
	device_suppresses(false, false);
	sim_reset_all();
	device_suppresses(false, true);
}

TEST(virtq_device_suppresses_notify_packed)
{
	device_suppresses(true, false);
	sim_reset_all();
	device_suppresses(true, true);
}

/* 65536 chains added with no notification decision in between (a device
 * that polls, a caller that never kicks), then one the device does not
 * see by itself: the kick must notify.  A 16-bit count of what was added
 * since the last decision wraps to 0 there, and 0 reads as "nothing new". */
static void kick_after_65536_adds(bool packed, bool event_idx)
{
	sim_reset_all();
	struct tvq t;
	tvq_up(&t, tvq_echo(1024), tvq_mask_for(packed, false, event_idx), 1024, 0);
	struct sim_dev *d = t.sim;
	d->mode = SIM_DEFERRED;
	d->poll_ring = true;
	uint8_t *arena = tmem_alloc(1024 * 8, 64);
	struct virtq_sg sg[1024];
	for (unsigned i = 0; i < 1024; i++)
		sg[i] = (struct virtq_sg){ arena + 8 * i, 8 };
	unsigned added = 0;
	while (added < 65535) {
		unsigned batch = 65535 - added < 1000 ? 65535 - added : 1000;
		for (unsigned i = 0; i < batch; i++)
			CHECK_OK(virtq_add(&t.vq, &sg[i], 0, 1, &sg[i]));
		CHECK_EQ(sim_process(d), batch); /* taken without a notification */
		void *tok;
		uint32_t len;
		for (unsigned i = 0; i < batch; i++)
			CHECK_EQ(virtq_get_used(&t.vq, &tok, &len), 1);
		added += batch;
	}
	CHECK_EQ(d->q[0].notifies, 0);
	d->poll_ring = false; /* from here on it waits for a notification */
	CHECK_OK(virtq_add(&t.vq, &sg[0], 0, 1, &sg[0])); /* the 65536th */
	virtq_kick(&t.vq);
	CHECK_MSG(d->q[0].notifies == 1, "no notification after 65536 adds (packed %d, event_idx %d)",
		  packed, event_idx);
	CHECK_EQ(sim_process(d), 1);
	void *tok;
	uint32_t len;
	CHECK_EQ(virtq_get_used(&t.vq, &tok, &len), 1);
	CHECK(tok == &sg[0]);
}

TEST(virtq_kick_after_65536_adds_split)
{
	kick_after_65536_adds(false, false);
	kick_after_65536_adds(false, true);
}

TEST(virtq_kick_after_65536_adds_packed)
{
	kick_after_65536_adds(true, false);
	kick_after_65536_adds(true, true);
}
