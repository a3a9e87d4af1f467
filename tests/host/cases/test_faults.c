/*
 * A device that breaks the rules (virtq.h "Hardening"): every fault knob
 * of the simulator, through the public API, asserting the exact error the
 * caller sees, that the library set FAILED where it must, that every
 * request's done() runs exactly once, and that nothing outside the posted
 * buffers changed (guard bytes around every buffer and ring, checked after
 * each case; buffers the device never legitimately wrote are compared).
 */
#include <string.h>

#include "harness/chains.h"

static struct tblk *fup(int packed, uint64_t mask, uint16_t qsize)
{
	static struct tblk t;
	struct sim_blk_opts o = { 0 };
	tblk_up(&t, sim_blk_new(&o), layout_mask(packed) & mask, qsize, 1);
	CHECK_EQ(t.sim->q[0].packed, packed);
	/* Known disk contents. */
	for (unsigned i = 0; i < 2048 * 512; i++)
		t.b->disk[i] = (uint8_t)(i * 7 + 1);
	return &t;
}

static bool failed_logged(const struct sim_dev *d)
{
	for (unsigned i = 0; i < d->nstatus_log; i++)
		if (d->status_log[i] & VIRTIO_STATUS_FAILED)
			return true;
	return false;
}

static void check_disk_pattern(const struct tblk *t)
{
	for (unsigned i = 0; i < 2048 * 512; i++)
		if (t->b->disk[i] != (uint8_t)(i * 7 + 1))
			FAIL("disk byte %u changed", i);
}

/* A synchronous read meets `fault`: the caller sees `want`; the buffer is
 * untouched unless the device legitimately wrote it; the device is down
 * afterwards and comes back with virtio_device_recover(). */
static void sync_fault(int packed, uint64_t mask, enum sim_fault fault, unsigned after, int want,
		       bool device_writes_data)
{
	struct tblk *t = fup(packed, mask, 8);
	struct sim_dev *d = t->sim;
	uint8_t *buf = tbuf(1024, 5), *copy = tmem_alloc(1024, 64);
	/* Some good traffic first (also moves the rings off zero). */
	for (unsigned i = 0; i < after; i++)
		CHECK_OK(vblk_read(&t->blk, i, buf, 2, 10 * MS));
	tmem_fill(buf, 1024, 5);
	memcpy(copy, buf, 1024);
	d->fault = fault;
	uint64_t t0 = sim_clock_ns;
	CHECK_ERR(vblk_read(&t->blk, 100, buf, 2, 10 * MS), want);
	CHECK_EQ(d->fault, SIM_FAULT_NONE); /* it fired */
	if (want != VIRTIO_ETIMEDOUT)
		CHECK(sim_clock_ns - t0 < 10 * MS);
	if (!device_writes_data)
		CHECK(memcmp(buf, copy, 1024) == 0);
	check_disk_pattern(t);
	tmem_check();
	if (want == VIRTIO_EBROKEN)
		CHECK(failed_logged(d));
	/* Dead until re-initialised; nothing reaches the device. */
	unsigned req0 = t->b->requests, notif0 = d->notifies;
	CHECK_ERR(vblk_read(&t->blk, 0, buf, 1, 10 * MS), VIRTIO_EBROKEN);
	CHECK_ERR(vblk_write(&t->blk, 0, buf, 1, 10 * MS), VIRTIO_EBROKEN);
	CHECK_EQ(t->b->requests, req0);
	CHECK_EQ(d->notifies, notif0);
	check_disk_pattern(t);
	/* Recovery: reset and bring up again with the same memory. */
	CHECK_OK(virtio_device_recover(t->blk.vdev));
	CHECK_OK(vblk_read(&t->blk, 100, buf, 2, 10 * MS));
	CHECK(memcmp(buf, t->b->disk + 100 * 512, 1024) == 0);
}

TEST(fault_used_id_out_of_range_split)
{
	sync_fault(0, ALL_FEATURES, SIM_FAULT_ID_RANGE, 3, VIRTIO_EBROKEN, false);
}
TEST(fault_used_id_out_of_range_packed)
{
	sync_fault(1, ALL_FEATURES, SIM_FAULT_ID_RANGE, 3, VIRTIO_EBROKEN, false);
}
TEST(fault_used_id_never_posted_split)
{
	sync_fault(0, ALL_FEATURES, SIM_FAULT_ID_UNPOSTED, 5, VIRTIO_EBROKEN, false);
}
TEST(fault_used_id_never_posted_packed)
{
	sync_fault(1, ALL_FEATURES, SIM_FAULT_ID_UNPOSTED, 5, VIRTIO_EBROKEN, false);
}
TEST(fault_used_id_not_a_chain_head_split)
{
	/* Direct descriptors: the id of the request's second descriptor. */
	sync_fault(0, NO(VIRTIO_F_INDIRECT_DESC), SIM_FAULT_ID_NOT_HEAD, 2, VIRTIO_EBROKEN, false);
}
TEST(fault_used_len_too_large_split)
{
	sync_fault(0, ALL_FEATURES, SIM_FAULT_LEN_OVER, 1, VIRTIO_EBROKEN, true);
}
TEST(fault_used_len_too_large_packed)
{
	sync_fault(1, ALL_FEATURES, SIM_FAULT_LEN_OVER, 1, VIRTIO_EBROKEN, true);
}
TEST(fault_used_len_too_large_direct_packed)
{
	sync_fault(1, NO(VIRTIO_F_INDIRECT_DESC), SIM_FAULT_LEN_OVER, 7, VIRTIO_EBROKEN, true);
}
TEST(fault_used_idx_jump_split)
{
	sync_fault(0, ALL_FEATURES, SIM_FAULT_IDX_JUMP, 2, VIRTIO_EBROKEN, true);
}
TEST(fault_packed_wrong_wrap_counter)
{
	sync_fault(1, ALL_FEATURES, SIM_FAULT_PACKED_WRAP, 0, VIRTIO_EBROKEN, true);
}
TEST(fault_packed_wrong_wrap_counter_after_wrap)
{
	/* Ring of 8, direct 3-descriptor requests: the fault lands after the
	 * driver's used wrap counter has flipped several times. */
	sync_fault(1, NO(VIRTIO_F_INDIRECT_DESC), SIM_FAULT_PACKED_WRAP, 13, VIRTIO_EBROKEN, true);
}
TEST(fault_packed_inconsistent_used_flags)
{
	/* AVAIL != USED at the driver's used position while a chain is in
	 * flight: the slot was rewritten by the driver in this lap, so only
	 * the device can have put this pattern there. */
	sync_fault(1, ALL_FEATURES, SIM_FAULT_PACKED_FLAGS, 4, VIRTIO_EBROKEN, true);
}
/* Completions withheld forever: the synchronous call gives up at its
 * deadline (simulated time), resets the device to take the buffers back. */
static void withheld(int packed)
{
	struct tblk *t = fup(packed, ALL_FEATURES, 8);
	struct sim_dev *d = t->sim;
	uint8_t *buf = tbuf(1024, 5), *copy = tmem_alloc(1024, 64);
	memcpy(copy, buf, 1024);
	d->fault = SIM_FAULT_WITHHOLD;
	uint64_t t0 = sim_clock_ns;
	CHECK_ERR(vblk_read(&t->blk, 100, buf, 2, 5 * MS), VIRTIO_ETIMEDOUT);
	uint64_t waited = sim_clock_ns - t0;
	CHECK_MSG(waited >= 5 * MS && waited <= 6 * MS, "waited %llu ns for a 5 ms deadline",
		  (unsigned long long)waited);
	CHECK_EQ(d->q[0].npending, 0); /* the device was reset: it let go */
	CHECK(d->resets >= 2);
	CHECK(memcmp(buf, copy, 1024) == 0);
	CHECK_ERR(vblk_read(&t->blk, 100, buf, 2, 5 * MS), VIRTIO_EBROKEN);
	d->fault = SIM_FAULT_NONE;
	CHECK_OK(virtio_device_recover(t->blk.vdev));
	CHECK_OK(vblk_read(&t->blk, 100, buf, 2, 5 * MS));
	CHECK(memcmp(buf, t->b->disk + 100 * 512, 1024) == 0);
	check_disk_pattern(t);
}

TEST(fault_withheld_sync_split)
{
	withheld(0);
}

TEST(fault_withheld_sync_packed)
{
	withheld(1);
}

TEST(fault_withheld_virtq_reclaim)
{
	/* At the ring level: nothing comes back, reset, reclaim every token. */
	for (int packed = 0; packed < 2; packed++) {
		sim_reset_all();
		struct tvq t;
		tvq_up(&t, sim_echo_new(2, VIRTIO_BIT(VIRTIO_F_VERSION_1) |
						   VIRTIO_BIT(VIRTIO_F_RING_PACKED),
					1024),
		       layout_mask(packed), 16, 0);
		t.sim->fault = SIM_FAULT_WITHHOLD;
		uint8_t *arena = tmem_alloc(16 * 64, 64);
		struct tchain c[5];
		uint32_t lens[2] = { 32, 32 };
		for (unsigned i = 0; i < 5; i++) {
			tchain_make(&c[i], arena + 64 * i, 1, 1, lens, i);
			CHECK_OK(virtq_add(&t.vq, c[i].sg, 1, 1, &c[i]));
			virtq_kick(&t.vq);
		}
		void *tok;
		uint32_t len;
		for (unsigned spin = 0; spin < 1000; spin++)
			CHECK_EQ(virtq_get_used(&t.vq, &tok, &len), 0);
		CHECK_OK(virtio_device_reset(&t.mmio.vdev));
		unsigned n = 0;
		while (virtq_reclaim(&t.vq, &tok) == 1) {
			CHECK((struct tchain *)tok >= c && (struct tchain *)tok < c + 5);
			n++;
		}
		CHECK_EQ(n, 5);
		for (unsigned i = 0; i < 5; i++)
			for (unsigned k = 0; k < 32; k++)
				CHECK_EQ(((uint8_t *)c[i].sg[1].addr)[k], 0xee);
	}
}

/* Several requests in flight; the device completes the first, then says
 * the same id again.  The first completes OK once, the rest fail once. */
static void repeated_id(int packed)
{
	struct tblk *t = fup(packed, ALL_FEATURES, 16);
	struct sim_dev *d = t->sim;
	d->mode = SIM_DEFERRED;
	uint8_t *buf = tbuf(4 * 1024, 9);
	struct treq r[4];
	for (unsigned i = 0; i < 4; i++) {
		treq_init(&r[i], VIRTIO_BLK_T_IN, 10 * i, buf + i * 1024, 1024, 1);
		CHECK_OK(vblk_submit(&t->blk, 0, &r[i].req));
	}
	d->fault = SIM_FAULT_ID_REPEAT;
	sim_process(d);
	int rc = vblk_interrupt(&t->blk);
	CHECK_ERR(rc, VIRTIO_EBROKEN);
	CHECK(failed_logged(d));
	CHECK_EQ(r[0].done_calls, 1);
	CHECK_OK(r[0].status);
	CHECK(memcmp(buf, t->b->disk, 1024) == 0);
	/* The rest stay the device's until the main loop's reset. */
	CHECK_EQ(virtio_device_pending(t->blk.vdev), VIRTIO_PENDING_RECOVER);
	for (unsigned i = 1; i < 4; i++)
		CHECK_EQ(r[i].done_calls, 0);
	CHECK_OK(virtio_device_abort(t->blk.vdev, VIRTIO_EBROKEN));
	for (unsigned i = 1; i < 4; i++) {
		CHECK_EQ(r[i].done_calls, 1);
		CHECK_ERR(r[i].status, VIRTIO_EBROKEN);
	}
	/* Nothing more is delivered later. */
	CHECK(vblk_interrupt(&t->blk) <= 0);
	CHECK(vblk_poll(&t->blk, 0) <= 0);
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(r[i].done_calls, 1);
	check_disk_pattern(t);
}

TEST(fault_used_id_repeated_split)
{
	repeated_id(0);
}

TEST(fault_used_id_repeated_packed)
{
	repeated_id(1);
}

/* Async requests in flight meet a fault: vblk_poll returns VIRTIO_EBROKEN
 * and only notes it; the recovery's reset runs every done() once with
 * VIRTIO_EBROKEN. */
static void async_fault(int packed, uint64_t mask, enum sim_fault fault)
{
	struct tblk *t = fup(packed, mask, 16);
	struct sim_dev *d = t->sim;
	d->mode = SIM_DEFERRED;
	uint8_t *buf = tbuf(3 * 1024, 9), *copy = tmem_alloc(3 * 1024, 64);
	memcpy(copy, buf, 3 * 1024);
	struct treq r[3];
	for (unsigned i = 0; i < 3; i++) {
		treq_init(&r[i], i == 1 ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, 10 * i,
			  buf + i * 1024, 1024, 2);
		CHECK_OK(vblk_submit(&t->blk, 0, &r[i].req));
	}
	d->fault = fault;
	sim_process(d);
	CHECK_ERR(vblk_poll(&t->blk, 0), VIRTIO_EBROKEN);
	CHECK(failed_logged(d));
	/* Noted only: the requests complete with the reset. */
	for (unsigned i = 0; i < 3; i++)
		CHECK_EQ(r[i].done_calls, 0);
	CHECK_OK(virtio_device_recover(t->blk.vdev));
	for (unsigned i = 0; i < 3; i++) {
		CHECK_EQ(r[i].done_calls, 1);
		CHECK_ERR(r[i].status, VIRTIO_EBROKEN);
	}
	/* Faults that complete nothing leave every buffer as it was. */
	if (fault == SIM_FAULT_ID_RANGE || fault == SIM_FAULT_ID_UNPOSTED ||
	    fault == SIM_FAULT_ID_NOT_HEAD)
		CHECK(memcmp(buf, copy, 3 * 1024) == 0);
	check_disk_pattern(t);
	CHECK_EQ(vblk_poll(&t->blk, 0), 0); /* live again, nothing in flight */
	for (unsigned i = 0; i < 3; i++)
		CHECK_EQ(r[i].done_calls, 1);
}

TEST(fault_async_id_range_fails_all)
{
	async_fault(0, ALL_FEATURES, SIM_FAULT_ID_RANGE);
	sim_reset_all();
	async_fault(1, ALL_FEATURES, SIM_FAULT_ID_RANGE);
}

TEST(fault_async_unposted_fails_all)
{
	async_fault(0, NO(VIRTIO_F_INDIRECT_DESC), SIM_FAULT_ID_UNPOSTED);
	sim_reset_all();
	async_fault(1, NO(VIRTIO_F_INDIRECT_DESC), SIM_FAULT_ID_UNPOSTED);
}

TEST(fault_async_not_head_fails_all)
{
	async_fault(0, NO(VIRTIO_F_INDIRECT_DESC), SIM_FAULT_ID_NOT_HEAD);
}

TEST(fault_async_idx_jump_fails_all)
{
	async_fault(0, ALL_FEATURES, SIM_FAULT_IDX_JUMP);
}

TEST(fault_async_packed_wrap_fails_all)
{
	async_fault(1, ALL_FEATURES, SIM_FAULT_PACKED_WRAP);
}

TEST(fault_virtq_level_latches_broken)
{
	/* At the ring level the fault latches the queue and sets FAILED;
	 * the token stays with the caller until reclaim after a reset. */
	static const enum sim_fault faults[] = { SIM_FAULT_ID_RANGE, SIM_FAULT_ID_UNPOSTED,
						 SIM_FAULT_LEN_OVER, SIM_FAULT_IDX_JUMP,
						 SIM_FAULT_PACKED_WRAP };
	for (int packed = 0; packed < 2; packed++)
		for (unsigned f = 0; f < 5; f++) {
			if ((faults[f] == SIM_FAULT_IDX_JUMP && packed) ||
			    (faults[f] == SIM_FAULT_PACKED_WRAP && !packed))
				continue;
			sim_reset_all();
			struct tvq t;
			tvq_up(&t, sim_echo_new(2, VIRTIO_BIT(VIRTIO_F_VERSION_1) |
							   VIRTIO_BIT(VIRTIO_F_RING_PACKED),
						64),
			       layout_mask(packed), 8, 0);
			uint8_t *arena = tmem_alloc(256, 64);
			struct tchain c;
			uint32_t lens[2] = { 16, 16 };
			tchain_make(&c, arena, 1, 1, lens, 1);
			t.sim->fault = faults[f];
			CHECK_OK(virtq_add(&t.vq, c.sg, 1, 1, &c));
			virtq_kick(&t.vq);
			void *tok = NULL;
			uint32_t len = 0;
			CHECK_ERR(virtq_get_used(&t.vq, &tok, &len), VIRTIO_EBROKEN);
			CHECK(virtq_is_broken(&t.vq));
			CHECK(t.sim->status & VIRTIO_STATUS_FAILED);
			CHECK_ERR(virtq_get_used(&t.vq, &tok, &len), VIRTIO_EBROKEN);
			CHECK_ERR(virtq_add(&t.vq, c.sg, 1, 1, &c), VIRTIO_EBROKEN);
			CHECK(!virtq_has_used(&t.vq));
			CHECK_OK(virtio_device_reset(&t.mmio.vdev));
			/* The chain was never handed back: reclaim returns it. */
			CHECK_EQ(virtq_reclaim(&t.vq, &tok), 1);
			CHECK(tok == &c);
			CHECK_EQ(virtq_reclaim(&t.vq, &tok), 0);
		}
}

static void needs_reset(int packed)
{
	struct tblk *t = fup(packed, ALL_FEATURES, 16);
	struct sim_dev *d = t->sim;
	d->mode = SIM_DEFERRED;
	uint8_t *buf = tbuf(4 * 1024, 9), *copy = tmem_alloc(4 * 1024, 64);
	memcpy(copy, buf, 4 * 1024);
	struct treq r[4];
	for (unsigned i = 0; i < 4; i++) {
		treq_init(&r[i], i % 2 ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, 10 * i,
			  buf + i * 1024, 1024, 1);
		CHECK_OK(vblk_submit(&t->blk, 0, &r[i].req));
	}
	d->fault = SIM_FAULT_NEEDS_RESET;
	sim_process(d);
	CHECK(d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	CHECK(d->int_status & VIRTIO_INT_CONFIG);
	unsigned resets0 = d->resets;
	/* The interrupt only notes it: no reset, nothing completed. */
	CHECK_ERR(vblk_interrupt(&t->blk), VIRTIO_ERESET);
	CHECK_EQ(d->resets, resets0);
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(r[i].done_calls, 0);
	CHECK_OK(virtio_device_recover(t->blk.vdev));
	/* §2.1.2: the in-flight requests are failed upward with ERESET. */
	for (unsigned i = 0; i < 4; i++) {
		CHECK_EQ(r[i].done_calls, 1);
		CHECK_ERR(r[i].status, VIRTIO_ERESET);
	}
	CHECK_EQ(t->blk.vdev->events.config_changes, 1);
	CHECK(d->resets > resets0);
	CHECK(memcmp(buf, copy, 4 * 1024) == 0);
	check_disk_pattern(t);
	CHECK(!(d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET));
	d->mode = SIM_SYNC;
	CHECK_OK(vblk_read(&t->blk, 7, buf, 2, 10 * MS));
	CHECK(memcmp(buf, t->b->disk + 7 * 512, 1024) == 0);
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(r[i].done_calls, 1);
}

TEST(fault_needs_reset_mid_io_split)
{
	needs_reset(0);
}

TEST(fault_needs_reset_mid_io_packed)
{
	needs_reset(1);
}

static void no_status(int packed)
{
	struct tblk *t = fup(packed, ALL_FEATURES, 8);
	uint8_t *buf = tbuf(1024, 1);
	t->b->no_status = true;
	CHECK_ERR(vblk_read(&t->blk, 3, buf, 2, 10 * MS), VIRTIO_ENOSTATUS);
	CHECK_ERR(vblk_write(&t->blk, 3, buf, 2, 10 * MS), VIRTIO_ENOSTATUS);
	CHECK_ERR(vblk_flush(&t->blk, 10 * MS), VIRTIO_ENOSTATUS);
	struct treq r;
	treq_init(&r, VIRTIO_BLK_T_IN, 0, buf, 512, 1);
	CHECK_OK(vblk_submit(&t->blk, 0, &r.req));
	CHECK_EQ(vblk_poll(&t->blk, 0), 1);
	CHECK_EQ(r.done_calls, 1);
	CHECK_ERR(r.status, VIRTIO_ENOSTATUS);
	/* Not a protocol fault: the queue keeps working. */
	t->b->no_status = false;
	CHECK_OK(vblk_read(&t->blk, 3, buf, 2, 10 * MS));
}

TEST(fault_status_never_written_split)
{
	no_status(0);
}

TEST(fault_status_never_written_packed)
{
	no_status(1);
}

TEST(fault_reordered_completions_are_legal)
{
	for (int packed = 0; packed < 2; packed++) {
		sim_reset_all();
		struct tblk *t = fup(packed, NO(VIRTIO_F_INDIRECT_DESC), 128);
		struct sim_dev *d = t->sim;
		d->mode = SIM_DEFERRED;
		d->reorder = true;
		uint8_t *buf = tbuf(20 * 1536, 2);
		struct treq r[20];
		for (unsigned round = 0; round < 10; round++) {
			for (unsigned i = 0; i < 20; i++) {
				treq_init(&r[i], VIRTIO_BLK_T_IN, 50 * i + round, buf + i * 1536,
					  512 * (1 + i % 3), 1 + i % 3);
				CHECK_OK(vblk_submit(&t->blk, 0, &r[i].req));
			}
			unsigned got = 0, spins = 0;
			while (got < 20) {
				CHECK_MSG(++spins < 10000, "no progress: %u of 20 completed", got);
				sim_consume(d, 0);
				sim_complete(d, 0, 1 + unit_rand_below(4));
				int n = vblk_interrupt(&t->blk);
				CHECK(n >= 0);
				got += (unsigned)n;
			}
			for (unsigned i = 0; i < 20; i++) {
				CHECK_EQ(r[i].done_calls, 1);
				CHECK_OK(r[i].status);
				CHECK(memcmp(buf + i * 1536, t->b->disk + (50 * i + round) * 512,
					     512 * (1 + i % 3)) == 0);
			}
		}
	}
}

TEST(fault_withheld_and_reset_stuck)
{
	/* The device ignores the request and then the reset that would take
	 * it back: the caller still gets an answer in bounded time, and the
	 * buffer stays the device's (VIRTIO_EDEAD) until a reset completes. */
	struct tblk *t = fup(0, ALL_FEATURES, 8);
	struct sim_dev *d = t->sim;
	uint8_t *buf = tbuf(512, 1);
	d->fault = SIM_FAULT_WITHHOLD;
	d->reset_stuck = true;
	uint64_t t0 = sim_clock_ns;
	CHECK_ERR(vblk_read(&t->blk, 1, buf, 1, 5 * MS), VIRTIO_EDEAD);
	uint64_t waited = sim_clock_ns - t0;
	CHECK_MSG(waited <= 5 * MS + VIRTIO_RESET_TIMEOUT_NS + 10 * MS, "waited %llu ns",
		  (unsigned long long)waited);
	CHECK_EQ(d->q[0].npending, 1); /* the device still holds it */
	CHECK_EQ(t->blk.queues[0]->vq.in_flight, 1);
	CHECK_ERR(vblk_read(&t->blk, 1, buf, 1, 5 * MS), VIRTIO_EDEAD);
	/* Still stuck: recovery fails, and says so; nothing is handed back. */
	CHECK_ERR(virtio_device_recover(t->blk.vdev), VIRTIO_EDEAD);
	CHECK_EQ(t->blk.queues[0]->vq.in_flight, 1);
	CHECK(t->blk.sync.busy);
	d->reset_stuck = false;
	d->fault = SIM_FAULT_NONE;
	/* The reset completes: the held request comes back, once. */
	CHECK_OK(virtio_device_recover(t->blk.vdev));
	CHECK(!t->blk.sync.busy);
	CHECK_ERR(t->blk.sync.status, VIRTIO_ETIMEDOUT);
	CHECK_OK(vblk_read(&t->blk, 1, buf, 1, 5 * MS));
}

TEST(fault_needs_reset_idle_device)
{
	/* NEEDS_RESET with nothing in flight: recovered, nothing completed. */
	struct tblk *t = fup(1, ALL_FEATURES, 8);
	struct sim_dev *d = t->sim;
	sim_set_needs_reset(d);
	CHECK_ERR(vblk_interrupt(&t->blk), VIRTIO_ERESET);
	CHECK_OK(virtio_device_recover(t->blk.vdev));
	CHECK(!(d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET));
	uint8_t *buf = tbuf(512, 1);
	CHECK_OK(vblk_read(&t->blk, 1, buf, 1, 5 * MS));
}

TEST(fault_needs_reset_then_features_refused)
{
	/* The device asks for a reset, then refuses the features on the
	 * way back: the requests fail once with ERESET, the device stays
	 * dead, and every later call says so. */
	struct tblk *t = fup(0, ALL_FEATURES, 8);
	struct sim_dev *d = t->sim;
	d->mode = SIM_DEFERRED;
	uint8_t *buf = tbuf(1024, 1);
	struct treq r[2];
	for (unsigned i = 0; i < 2; i++) {
		treq_init(&r[i], VIRTIO_BLK_T_IN, i, buf + 512 * i, 512, 1);
		CHECK_OK(vblk_submit(&t->blk, 0, &r[i].req));
	}
	d->refuse_features_ok = true;
	d->fault = SIM_FAULT_NEEDS_RESET;
	sim_process(d);
	CHECK_ERR(vblk_interrupt(&t->blk), VIRTIO_ERESET);
	CHECK_ERR(virtio_device_recover(t->blk.vdev), VIRTIO_EFEATURES);
	for (unsigned i = 0; i < 2; i++) {
		CHECK_EQ(r[i].done_calls, 1);
		CHECK_ERR(r[i].status, VIRTIO_ERESET);
	}
	CHECK_EQ(t->blk.vdev->state, VIRTIO_DEV_DOWN);
	CHECK(d->status & VIRTIO_STATUS_FAILED);
	CHECK_ERR(vblk_read(&t->blk, 1, buf, 1, 5 * MS), VIRTIO_EBROKEN);
	CHECK_ERR(virtio_device_recover(t->blk.vdev), VIRTIO_EFEATURES);
	d->refuse_features_ok = false;
	CHECK_OK(virtio_device_recover(t->blk.vdev));
	d->mode = SIM_SYNC;
	CHECK_OK(vblk_read(&t->blk, 1, buf, 1, 5 * MS));
}

TEST(fault_split_length_of_a_readonly_chain_is_ignored)
{
	/* A chain with nothing device-writable: a used length above 0 (QEMU's
	 * virtio-input status queue reports the bytes it read) cannot make the
	 * driver read anything, so it is taken as 0, not as a fault.  A chain
	 * with a writable part is still held to its length (above). */
	sim_reset_all();
	struct tvq t;
	tvq_up(&t, sim_echo_new(2, VIRTIO_BIT(VIRTIO_F_VERSION_1), 64), layout_mask(0), 8, 0);
	uint8_t *arena = tmem_alloc(64, 64);
	struct tchain c;
	uint32_t lens[1] = { 8 };
	tchain_make(&c, arena, 1, 0, lens, 1);
	CHECK_EQ(tchain_len_over(&t, &c), 0);
}
