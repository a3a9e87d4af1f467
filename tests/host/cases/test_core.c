/*
 * The device core (driver.h) with a two-queue test driver over the echo
 * device, and with virtio-blk: interrupt dispatch (causes read once, the
 * config callback before the queues), spurious interrupts, abort with a
 * reset that completes and one that never does, re-initialisation into
 * the same memory, recovery only noted by the interrupt path, queue
 * sizing, and the per-queue statistics.  The drain (budget, polling,
 * busy-polling) is test_core_drain.c's.
 */
#include "harness/tcore.h"
/* ---- dispatch ---------------------------------------------------------- */

TEST(core_dispatch_config_before_queues_causes_read_once)
{
	struct tcore *t = tcore_up(ALL_FEATURES, 64, 64);
	t->sim->mode = SIM_DEFERRED;
	struct tchain c[5];
	for (unsigned i = 0; i < 5; i++)
		tcore_post(t, i < 2 ? 0 : 1, &c[i], i);
	tcore_kick_all(t);
	CHECK_EQ(sim_process(t->sim), 5);
	sim_raise_config(t->sim);
	CHECK_EQ(t->sim->int_status, VIRTIO_INT_VRING | VIRTIO_INT_CONFIG);

	CHECK_EQ(virtio_device_interrupt(t->d), 5);
	CHECK_EQ(tcore_acks, 1);                 /* read and acknowledged once */
	CHECK_EQ(t->sim->int_status, 0);
	t->log[t->nlog] = 0;
	CHECK_MSG(strcmp(t->log, "C00111") == 0, "order %s", t->log);
	for (unsigned i = 0; i < 5; i++)
		CHECK_EQ(tchain_check(&c[i]), 0);
	CHECK_EQ(t->d->events.interrupts, 1);
	CHECK_EQ(t->d->events.config_changes, 1);
	CHECK_EQ(t->d->events.spurious, 0);
	CHECK_EQ(virtio_device_pending(t->d), 0);

	/* A config change alone drains nothing. */
	t->nlog = 0;
	sim_raise_config(t->sim);
	CHECK_EQ(virtio_device_interrupt(t->d), 0);
	CHECK_EQ(t->nlog, 1);
	CHECK_EQ(t->log[0], 'C');
	CHECK_EQ(t->vq[0].stats.interrupts, 1);
}

TEST(core_spurious_interrupts_are_counted)
{
	struct tcore *t = tcore_up(ALL_FEATURES, 64, 64);
	/* No cause: a neighbour on a shared line. */
	for (unsigned i = 0; i < 3; i++)
		CHECK_EQ(virtio_device_interrupt(t->d), 0);
	CHECK_EQ(tcore_acks, 3);
	CHECK_EQ(t->d->events.interrupts, 3);
	CHECK_EQ(t->d->events.spurious, 3);
	CHECK_EQ(t->nlog, 0);
	CHECK_EQ(t->vq[0].stats.interrupts, 0);
	/* A used-buffer cause with nothing used: per-queue spurious. */
	t->sim->int_status = VIRTIO_INT_VRING;
	CHECK_EQ(virtio_device_interrupt(t->d), 0);
	CHECK_EQ(t->d->events.spurious, 3);
	for (unsigned q = 0; q < TCORE_NQ; q++) {
		CHECK_EQ(t->vq[q].stats.interrupts, 1);
		CHECK_EQ(t->vq[q].stats.spurious, 1);
	}
}

/* ---- abort ------------------------------------------------------------- */

TEST(core_abort_good_reset_hands_back_each_chain_once)
{
	struct tcore *t = tcore_up(ALL_FEATURES, 64, 64);
	t->sim->fault = SIM_FAULT_WITHHOLD;
	struct tchain c[5];
	for (unsigned i = 0; i < 5; i++)
		tcore_post(t, i % 2, &c[i], i);
	tcore_kick_all(t);
	CHECK_EQ(t->sim->q[0].npending + t->sim->q[1].npending, 5);
	unsigned resets0 = t->sim->resets;
	CHECK_OK(virtio_device_abort(t->d, VIRTIO_ETIMEDOUT));
	CHECK_EQ(t->sim->resets, resets0 + 1);
	CHECK_EQ(t->sim->q[0].npending + t->sim->q[1].npending, 0);
	CHECK_EQ(t->cq[0].taken, 3);
	CHECK_EQ(t->cq[1].taken, 2);
	CHECK_ERR(t->cq[0].last_status, VIRTIO_ETIMEDOUT);
	for (unsigned i = 0; i < 5; i++)
		for (uint32_t k = 0; k < 48; k++)
			CHECK_EQ(((uint8_t *)c[i].sg[1].addr)[k], 0xee); /* never written */
	CHECK_EQ(t->d->state, VIRTIO_DEV_DOWN);
	CHECK(t->sim->status & VIRTIO_STATUS_FAILED);
	CHECK_EQ(virtio_device_pending(t->d), 0); /* down: recovery is the caller's call */
	CHECK_ERR(virtio_device_error(t->d), VIRTIO_EBROKEN);
	CHECK_ERR(virtq_add(&t->vq[0], c[0].sg, 1, 1, &c[0]), VIRTIO_EBROKEN);
	/* Exactly once: a second abort has nothing left to hand back. */
	CHECK_OK(virtio_device_abort(t->d, VIRTIO_ETIMEDOUT));
	CHECK_EQ(t->cq[0].taken + t->cq[1].taken, 5);
	CHECK_EQ(t->cq[0].used + t->cq[1].used, 0);
	t->sim->int_status = VIRTIO_INT_VRING;
	CHECK_ERR(virtio_device_interrupt(t->d), VIRTIO_EBROKEN);
	CHECK_ERR(virtio_device_poll(t->d), VIRTIO_EBROKEN);
}

TEST(core_abort_stuck_reset_keeps_the_buffers)
{
	/* The reset never completes: nothing is handed back, nothing reused. */
	struct tcore *t = tcore_up(ALL_FEATURES, 64, 64);
	t->sim->fault = SIM_FAULT_WITHHOLD;
	struct tchain c[3];
	tcore_post_n(t, 0, c, 3);
	t->sim->reset_stuck = true;
	uint64_t t0 = sim_clock_ns;
	CHECK_ERR(virtio_device_abort(t->d, VIRTIO_ETIMEDOUT), VIRTIO_EDEAD);
	CHECK(sim_clock_ns - t0 >= VIRTIO_RESET_TIMEOUT_NS); /* it did wait, bounded */
	CHECK_EQ(t->cq[0].taken, 0);
	CHECK_EQ(t->vq[0].in_flight, 3);
	CHECK_EQ(t->sim->q[0].npending, 3);
	CHECK_EQ(t->d->state, VIRTIO_DEV_DEAD);
	CHECK_ERR(virtio_device_error(t->d), VIRTIO_EDEAD);
	CHECK_EQ(virtio_device_pending(t->d), 0); /* not retried behind the caller's back */
	CHECK_ERR(virtq_add(&t->vq[0], c[0].sg, 1, 1, &c[0]), VIRTIO_EBROKEN);
	t->sim->int_status = VIRTIO_INT_VRING;
	CHECK_ERR(virtio_device_interrupt(t->d), VIRTIO_EDEAD);
	CHECK_ERR(virtio_device_recover(t->d), VIRTIO_EDEAD);
	CHECK_EQ(t->cq[0].taken, 0);
	/* The reset completes at last: each chain comes back once, with the
	 * abort's error, and the device lives again. */
	t->sim->reset_stuck = false;
	t->sim->fault = SIM_FAULT_NONE;
	CHECK_OK(virtio_device_recover(t->d));
	CHECK_EQ(t->cq[0].taken, 3);
	CHECK_ERR(t->cq[0].last_status, VIRTIO_ETIMEDOUT);
	CHECK_EQ(t->d->state, VIRTIO_DEV_LIVE);
}

TEST(core_abort_stuck_reset_blk_requests_fail_and_stay)
{
	/* Before the device core, vblk_abort() ignored the reset's result and
	 * completed these requests (their buffers still the device's). */
	struct tblk *t = tblk_default(ALL_FEATURES, 8);
	struct sim_dev *d = t->sim;
	d->mode = SIM_DEFERRED;
	struct treq r[2];
	uint8_t *buf = tbuf(1024, 3);
	for (unsigned i = 0; i < 2; i++) {
		treq_init(&r[i], VIRTIO_BLK_T_IN, i, buf + 512 * i, 512, 1);
		CHECK_OK(vblk_submit(&t->blk, 0, &r[i].req));
	}
	CHECK_EQ(sim_consume(d, 0), 2); /* the device holds both */
	d->reset_stuck = true;
	CHECK_ERR(virtio_device_abort(t->blk.vdev, VIRTIO_ETIMEDOUT), VIRTIO_EDEAD);
	CHECK_EQ(r[0].done_calls, 0);
	CHECK_EQ(r[1].done_calls, 0);
	CHECK_EQ(vblk_queue_free_slots(t->blk.queues[0]), 6); /* their slots are not reused */
	struct treq x;
	treq_init(&x, VIRTIO_BLK_T_IN, 5, tbuf(512, 4), 512, 1);
	CHECK_ERR(vblk_submit(&t->blk, 0, &x.req), VIRTIO_EDEAD);
	CHECK_ERR(vblk_read(&t->blk, 5, x.buf, 1, 5 * MS), VIRTIO_EDEAD);
	CHECK_ERR(vblk_poll(&t->blk, 0), VIRTIO_EDEAD);
	d->reset_stuck = false;
	CHECK_OK(virtio_device_recover(t->blk.vdev));
	for (unsigned i = 0; i < 2; i++) {
		CHECK_EQ(r[i].done_calls, 1);
		CHECK_ERR(r[i].status, VIRTIO_ETIMEDOUT);
	}
	CHECK_EQ(vblk_queue_free_slots(t->blk.queues[0]), 8);
	d->mode = SIM_SYNC;
	CHECK_OK(vblk_read(&t->blk, 5, x.buf, 1, 5 * MS));
	CHECK(memcmp(x.buf, t->b->disk + 5 * 512, 512) == 0);
}

/* ---- recovery ---------------------------------------------------------- */

TEST(core_needs_reset_is_only_noted_by_the_interrupt)
{
	struct tcore *t = tcore_up(ALL_FEATURES, 64, 64);
	t->sim->mode = SIM_DEFERRED;
	struct tchain c[2];
	tcore_post(t, 0, &c[0], 1);
	tcore_post(t, 1, &c[1], 2);
	tcore_kick_all(t);
	sim_consume(t->sim, 0);
	sim_consume(t->sim, 1);
	sim_set_needs_reset(t->sim);
	unsigned resets0 = t->sim->resets, writes0 = t->sim->nstatus_log;
	CHECK_ERR(virtio_device_interrupt(t->d), VIRTIO_ERESET);
	/* Noted, nothing else: no reset, no status write, no callback. */
	CHECK_EQ(t->sim->resets, resets0);
	CHECK_EQ(t->sim->nstatus_log, writes0);
	CHECK_EQ(t->nlog, 0);
	CHECK_EQ(t->d->state, VIRTIO_DEV_RESET_DUE);
	CHECK_EQ(virtio_device_pending(t->d), VIRTIO_PENDING_RECOVER);
	CHECK_ERR(virtio_device_error(t->d), VIRTIO_EBROKEN);
	CHECK_EQ(t->d->events.config_changes, 1);
	/* More interrupts meanwhile change nothing. */
	sim_raise_config(t->sim);
	CHECK_ERR(virtio_device_interrupt(t->d), VIRTIO_EBROKEN);
	CHECK_EQ(t->sim->resets, resets0);
	/* The main loop: reset, hand back, re-initialise. */
	CHECK_OK(virtio_device_recover(t->d));
	t->log[t->nlog] = 0;
	CHECK_MSG(strcmp(t->log, "01R") == 0, "recovery order %s", t->log);
	CHECK_ERR(t->cq[0].last_status, VIRTIO_ERESET);
	CHECK_EQ(t->d->state, VIRTIO_DEV_LIVE);
	CHECK_EQ(t->d->events.recoveries, 1);
	CHECK(!(t->sim->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET));
}

TEST(core_fault_is_only_noted_by_the_interrupt)
{
	struct tcore *t = tcore_up(ALL_FEATURES, 64, 64);
	t->sim->mode = SIM_DEFERRED;
	struct tchain c;
	tcore_post(t, 1, &c, 1);
	tcore_kick_all(t);
	t->sim->fault = SIM_FAULT_ID_RANGE;
	sim_process(t->sim);
	unsigned resets0 = t->sim->resets;
	CHECK_ERR(virtio_device_interrupt(t->d), VIRTIO_EBROKEN);
	CHECK_EQ(t->sim->resets, resets0);
	CHECK_EQ(t->cq[1].taken, 0);
	CHECK_EQ(t->vq[1].stats.faults, 1);
	CHECK_EQ(virtio_device_pending(t->d), VIRTIO_PENDING_RECOVER);
	CHECK_OK(virtio_device_recover(t->d));
	CHECK_EQ(t->cq[1].taken, 1);
	CHECK_ERR(t->cq[1].last_status, VIRTIO_EBROKEN);
	/* Working again. */
	t->sim->mode = SIM_SYNC;
	tcore_post(t, 1, &c, 2);
	tcore_kick_all(t);
	CHECK_EQ(virtio_device_interrupt(t->d), 1);
	CHECK_EQ(tchain_check(&c), 0);
}

TEST(core_reinit_rebuilds_the_same_queues_in_the_same_memory)
{
	for (int packed = 0; packed < 2; packed++) {
		struct tcore *t = tcore_up(layout_mask(packed), 64, 64);
		struct sim_queue before[TCORE_NQ];
		struct tchain c;
		for (unsigned q = 0; q < TCORE_NQ; q++) {
			before[q] = t->sim->q[q];
			tcore_post(t, q, &c, q);
			virtq_kick(&t->vq[q]);
		}
		CHECK_EQ(virtio_device_interrupt(t->d), 2);
		uint64_t features = t->d->features;
		struct virtq_stats st0 = t->vq[0].stats;
		CHECK_OK(virtio_device_abort(t->d, VIRTIO_ERESET));
		CHECK_OK(virtio_device_recover(t->d));
		CHECK_EQ(t->d->features, features);
		CHECK_EQ(t->vq[0].packed, packed);
		for (unsigned q = 0; q < TCORE_NQ; q++) {
			CHECK_EQ(t->sim->q[q].desc, before[q].desc);
			CHECK_EQ(t->sim->q[q].driver, before[q].driver);
			CHECK_EQ(t->sim->q[q].device, before[q].device);
			CHECK_EQ(t->sim->q[q].num, before[q].num);
			CHECK_EQ(virtq_free_descs(&t->vq[q]), t->vq[q].size);
			CHECK(t->vq[q].owner.done == tcore_done);
		}
		/* reinit() ran after the queues, before DRIVER_OK. */
		CHECK(t->queue0_ready_at_reinit);
		CHECK(!(t->status_at_reinit & VIRTIO_STATUS_DRIVER_OK));
		CHECK(t->sim->status & VIRTIO_STATUS_DRIVER_OK);
		CHECK_EQ(t->vq[0].stats.chains_added, st0.chains_added); /* kept */
		for (unsigned q = 0; q < TCORE_NQ; q++) {
			tcore_post(t, q, &c, 7);
			virtq_kick(&t->vq[q]);
			CHECK_EQ(virtio_device_interrupt(t->d), 1);
			CHECK_EQ(tchain_check(&c), 0);
		}
	}
}

TEST(core_reinit_failures_leave_the_device_down)
{
	struct tcore *t = tcore_up(ALL_FEATURES, 64, 64);
	/* The driver's reinit() refuses. */
	t->reinit_rc = VIRTIO_ETIMEDOUT;
	CHECK_OK(virtio_device_abort(t->d, VIRTIO_ERESET));
	CHECK_ERR(virtio_device_recover(t->d), VIRTIO_ETIMEDOUT);
	CHECK_EQ(t->d->state, VIRTIO_DEV_DOWN);
	CHECK(t->vq[0].broken);
	CHECK(t->sim->status & VIRTIO_STATUS_FAILED);
	/* The device now offers other features: not the device we sized for. */
	t->reinit_rc = 0;
	t->sim->features &= ~VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
	CHECK_ERR(virtio_device_recover(t->d), VIRTIO_EFEATURES);
	CHECK_EQ(t->d->state, VIRTIO_DEV_DOWN);
	t->sim->features |= VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
	CHECK_OK(virtio_device_recover(t->d));
	CHECK_OK(virtio_device_recover(t->d)); /* live: nothing to do */
	CHECK_EQ(t->d->events.recoveries, 1);
}

/* ---- attach and sizing -------------------------------------------------- */

TEST(core_queue_size_split_power_of_two_packed_any)
{
	for (int packed = 0; packed < 2; packed++) {
		sim_reset_all();
		struct virtio_mmio m;
		struct sim_dev *d = sim_echo_new(2, TVQ_ECHO_FEATURES, 100);
		CHECK_OK(virtio_mmio_probe(&m, d->base));
		CHECK_OK(virtio_device_begin(&m.vdev, 0, layout_mask(packed)));
		CHECK_EQ(virtio_has_feature(&m.vdev, VIRTIO_F_RING_PACKED), packed);
		CHECK_EQ(virtio_queue_size(&m.vdev, 0, 256), packed ? 100 : 64);
		CHECK_EQ(virtio_queue_size(&m.vdev, 0, 100), packed ? 100 : 64);
		CHECK_EQ(virtio_queue_size(&m.vdev, 0, 50), packed ? 50 : 32);
		CHECK_EQ(virtio_queue_size(&m.vdev, 0, 64), 64);
		CHECK_EQ(virtio_queue_size(&m.vdev, 0, 1), 1);
		CHECK_EQ(virtio_queue_size(&m.vdev, 0, 0), 0);
		CHECK_EQ(virtio_queue_size(&m.vdev, 3, 256), 0); /* no such queue */
		sim_set_queue_max(d, 0, 65535);
		CHECK_EQ(virtio_queue_size(&m.vdev, 0, 65535), 32768); /* §2.6's limit */
	}
}

TEST(core_queue_attach_checks)
{
	struct tcore *t = tcore_up(ALL_FEATURES, 64, 64);
	struct virtq extra;
	size_t len = virtq_mem_bytes_max(8, 0);
	struct virtio_queue_setup s = { .index = 1, .size = 8, .mem = tmem_alloc(len, VIRTQ_MEM_ALIGN),
					.mem_len = len, .done = tcore_done, .ctx = &t->cq[1] };
	/* After DRIVER_OK: too late. */
	CHECK_ERR(virtio_queue_attach(t->d, &extra, &s), VIRTIO_EINVAL);
	CHECK_OK(virtio_device_begin(t->d, 0, ALL_FEATURES));
	CHECK(t->d->queues == NULL); /* a new bring-up forgets the old queues */
	s.done = NULL;
	CHECK_ERR(virtio_queue_attach(t->d, &extra, &s), VIRTIO_EINVAL);
	s.done = tcore_done;
	CHECK_OK(virtio_queue_attach(t->d, &extra, &s));
	CHECK_ERR(virtio_queue_attach(t->d, &extra, &s), VIRTIO_EINVAL); /* twice */
	CHECK_ERR(virtio_queue_attach(t->d, &t->vq[0], &s), VIRTIO_EINVAL); /* index taken */
	s.index = 7;
	CHECK_ERR(virtio_queue_attach(t->d, &t->vq[0], &s), VIRTIO_ENOQUEUE);
	CHECK(t->d->queues == &extra && extra.owner.next == NULL);
}

/* ---- statistics --------------------------------------------------------- */

TEST(core_stats_count_known_traffic)
{
	struct tcore *t = tcore_up(NO(VIRTIO_F_EVENT_IDX), 64, 64);
	struct virtq *vq = &t->vq[0];
	t->sim->mode = SIM_DEFERRED;
	struct tchain c[6];
	/* Four chains, one kick: one notification.  The device then polls
	 * the ring and asks not to be notified: the next kick is saved. */
	tcore_post_n(t, 0, c, 4);
	t->sim->poll_ring = true;
	t->sim->suppress_notify = true;
	CHECK_EQ(sim_process(t->sim), 4);
	tcore_post(t, 0, &c[4], 4);
	virtq_kick(vq);
	CHECK_EQ(sim_process(t->sim), 1);
	CHECK_EQ(virtio_device_interrupt(t->d), 5);
	/* A used-buffer cause with nothing used. */
	t->sim->int_status = VIRTIO_INT_VRING;
	CHECK_EQ(virtio_device_interrupt(t->d), 0);
	/* Notifications wanted again, and then a fault. */
	t->sim->suppress_notify = false;
	sim_process(t->sim);
	t->sim->fault = SIM_FAULT_LEN_OVER;
	tcore_post(t, 0, &c[5], 5);
	virtq_kick(vq);
	sim_process(t->sim);
	CHECK_ERR(virtio_device_interrupt(t->d), VIRTIO_EBROKEN);

	struct virtq_stats s;
	CHECK_OK(virtq_get_stats(vq, &s));
	CHECK_EQ(s.chains_added, 6);
	CHECK_EQ(s.bytes_posted, 6 * 64);
	CHECK_EQ(s.used_popped, 5);
	CHECK_EQ(s.bytes_used, 5 * 16);
	CHECK_EQ(s.notifies, 2);
	CHECK_EQ(s.notifies_suppressed, 1);
	CHECK_EQ(s.interrupts, 3);
	CHECK_EQ(s.spurious, 1);
	CHECK_EQ(s.faults, 1);
	CHECK_EQ(t->sim->q[0].notifies, 2);
	/* The other queue saw only the interrupts. */
	CHECK_OK(virtq_get_stats(&t->vq[1], &s));
	CHECK_EQ(s.chains_added, 0);
	CHECK_EQ(s.interrupts, 2); /* the fault on queue 0 stopped the third */
	CHECK_EQ(s.spurious, 2);
	CHECK_EQ(t->cq[0].used_bytes, 5 * 16);
}

/* ---- the synchronous helpers over the core ------------------------------ */

TEST(core_sync_read_recovers_a_needs_reset_seen_while_polling)
{
	/* No interrupt path: the sync helper reads the status now and then,
	 * takes the request back with ERESET and re-initialises at once. */
	struct tblk *t = tblk_default(ALL_FEATURES, 8);
	struct sim_dev *d = t->sim;
	uint8_t *buf = tbuf(512, 6);
	d->fault = SIM_FAULT_WITHHOLD;
	d->needs_reset_after_relax = d->relax_count + 10;
	CHECK_ERR(vblk_read(&t->blk, 3, buf, 1, 50 * MS), VIRTIO_ERESET);
	CHECK_EQ(t->blk.vdev->state, VIRTIO_DEV_LIVE);
	CHECK_EQ(t->blk.vdev->events.recoveries, 1);
	CHECK(!t->blk.sync.busy);
	d->fault = SIM_FAULT_NONE;
	CHECK_OK(vblk_read(&t->blk, 3, buf, 1, 50 * MS));
	CHECK(memcmp(buf, t->b->disk + 3 * 512, 512) == 0);
}

TEST(core_abort_never_reports_success_to_done)
{
	struct tcore *t = tcore_up(ALL_FEATURES, 64, 64);
	t->sim->fault = SIM_FAULT_WITHHOLD;
	struct tchain c;
	tcore_post(t, 0, &c, 1);
	virtq_kick(&t->vq[0]);
	CHECK_OK(virtio_device_abort(t->d, 0)); /* a caller's slip */
	CHECK_EQ(t->cq[0].taken, 1);
	CHECK_ERR(t->cq[0].last_status, VIRTIO_ERESET);
}
