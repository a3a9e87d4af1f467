/*
 * virtio-blk (blk.h) against the simulated RAM disk, the request path:
 * read/write round trips, multi-buffer requests, argument checks that must
 * stop a request before it reaches the device, read-only disks, many
 * requests in flight completed from the interrupt path, a full ring,
 * batched submission, device-reported errors.  Queues, configuration,
 * FLUSH, GET_ID and the range commands are in test_blk_config.c.
 */
#include <string.h>

#include "harness/bringup.h"
#include "virtio/platform.h"

/* The device of `o` (NULL: the defaults), up with one queue of qsize. */
static struct tblk *up(uint64_t mask, uint16_t qsize, const struct sim_blk_opts *o)
{
	return tblk_with_opts(mask, qsize, o);
}

/* ---- reads and writes ------------------------------------------------ */

static void rw_roundtrip(int packed)
{
	struct tblk *t = up(layout_mask(packed), 32, NULL);
	CHECK_EQ(t->blk.queues[0]->vq.packed, packed);
	uint8_t *w = tbuf(64 * 512, 11), *r = tbuf(64 * 512, 12);
	static const uint32_t counts[] = { 1, 2, 3, 8, 17, 64 };
	uint64_t sector = 0;
	for (unsigned i = 0; i < 6; i++) {
		uint32_t n = counts[i];
		tmem_fill(w, n * 512, 100 + i);
		CHECK_OK(vblk_write(&t->blk, sector, w, n, 10 * MS));
		CHECK(memcmp(t->b->disk + sector * 512, w, n * 512) == 0);
		memset(r, 0, n * 512);
		CHECK_OK(vblk_read(&t->blk, sector, r, n, 10 * MS));
		CHECK(memcmp(r, w, n * 512) == 0);
		sector += n;
	}
	/* The last sectors of the disk. */
	uint64_t cap = t->blk.info.capacity;
	CHECK_EQ(cap, 2048);
	tmem_fill(w, 4 * 512, 7);
	CHECK_OK(vblk_write(&t->blk, cap - 4, w, 4, 10 * MS));
	CHECK_OK(vblk_read(&t->blk, cap - 4, r, 4, 10 * MS));
	CHECK(memcmp(r, w, 4 * 512) == 0);
	CHECK_EQ(t->b->errors, 0);
	/* Every descriptor came back. */
	CHECK_EQ(virtq_free_descs(&t->blk.queues[0]->vq), 32);
}

TEST(blk_rw_roundtrip_split)
{
	rw_roundtrip(0);
}

TEST(blk_rw_roundtrip_packed)
{
	rw_roundtrip(1);
}

static void multibuffer(int packed, bool indirect)
{
	uint64_t mask = layout_mask(packed);
	if (!indirect)
		mask &= NO(VIRTIO_F_INDIRECT_DESC);
	struct tblk *t = up(mask, 64, NULL);
	uint8_t *w = tbuf(16 * 1024, 21), *r = tbuf(16 * 1024, 22);
	for (unsigned nseg = 1; nseg <= VBLK_MAX_DATA_SG; nseg++) {
		uint32_t len = nseg * 1024;
		struct treq a, b;
		tmem_fill(w, len, nseg);
		treq_init(&a, VIRTIO_BLK_T_OUT, 100 + nseg, w, len, nseg);
		CHECK_OK(vblk_submit(&t->blk, 0, &a.req));
		CHECK_EQ(vblk_poll(&t->blk, 0), 1);
		CHECK_EQ(a.done_calls, 1);
		CHECK_OK(a.status);
		CHECK(memcmp(t->b->disk + (100 + nseg) * 512, w, len) == 0);
		memset(r, 0, len);
		treq_init(&b, VIRTIO_BLK_T_IN, 100 + nseg, r, len, nseg);
		CHECK_OK(vblk_submit(&t->blk, 0, &b.req));
		CHECK_EQ(vblk_poll(&t->blk, 0), 1);
		CHECK_EQ(b.done_calls, 1);
		CHECK_OK(b.status);
		CHECK(memcmp(r, w, len) == 0);
		CHECK_EQ(b.req.written, len + 1); /* data and status byte */
		CHECK_EQ(t->b->max_data_segs, nseg);
	}
	CHECK_EQ(t->sim->q[0].indirect_chains > 0, indirect);
}

TEST(blk_multibuffer_split)
{
	multibuffer(0, true);
	sim_reset_all();
	multibuffer(0, false);
}

TEST(blk_multibuffer_packed)
{
	multibuffer(1, true);
	sim_reset_all();
	multibuffer(1, false);
}

static void blk_70k(int packed)
{
	struct tblk *t = up(layout_mask(packed), 4, NULL);
	t->sim->mode = SIM_DEFERRED;
	t->sim->relax_period = packed ? 3 : 1; /* completes during the polling loop */
	uint8_t *w = tbuf(512, 1), *r = tbuf(512, 2);
	for (unsigned i = 0; i < 70000; i++) {
		uint64_t s = i % 2048;
		if (i % 8 == 0) {
			tmem_fill(w, 512, i);
			CHECK_OK(vblk_write(&t->blk, s, w, 1, 10 * MS));
			CHECK_OK(vblk_read(&t->blk, s, r, 1, 10 * MS));
			CHECK(memcmp(w, r, 512) == 0);
			i++;
		} else {
			CHECK_OK(vblk_read(&t->blk, s, r, 1, 10 * MS));
		}
	}
	CHECK(t->sim->q[0].completions >= 70000);
	CHECK_EQ(virtq_free_descs(&t->blk.queues[0]->vq), 4);
}

TEST(blk_70k_sync_small_ring_split)
{
	blk_70k(0);
}

TEST(blk_70k_sync_small_ring_packed)
{
	blk_70k(1);
}

TEST(blk_two_devices_interleaved)
{
	/* No hidden global state: two devices side by side. */
	static struct tblk a, b;
	struct sim_blk_opts oa = { .sectors = 1024 }, ob = { .sectors = 4096 };
	tblk_up(&a, sim_blk_new(&oa), ALL_FEATURES, 8, 1);
	tblk_up(&b, sim_blk_new(&ob), NO(VIRTIO_F_RING_PACKED), 16, 1);
	CHECK(a.sim->base != b.sim->base);
	CHECK_EQ(a.blk.info.capacity, 1024);
	CHECK_EQ(b.blk.info.capacity, 4096);
	uint8_t *wa = tbuf(1024, 1), *wb = tbuf(1024, 2), *r = tbuf(1024, 3);
	for (unsigned i = 0; i < 200; i++) {
		CHECK_OK(vblk_write(&a.blk, i, wa, 2, 10 * MS));
		CHECK_OK(vblk_write(&b.blk, i, wb, 2, 10 * MS));
	}
	CHECK_OK(vblk_read(&a.blk, 199, r, 2, 10 * MS));
	CHECK(memcmp(r, wa, 1024) == 0);
	CHECK_OK(vblk_read(&b.blk, 199, r, 2, 10 * MS));
	CHECK(memcmp(r, wb, 1024) == 0);
	CHECK_EQ(a.b->writes, 200);
	CHECK_EQ(b.b->writes, 200);
}

/* ---- refused before the device --------------------------------------- */

TEST(blk_past_end_erange)
{
	struct tblk *t = up(ALL_FEATURES, 16, NULL);
	uint64_t cap = t->blk.info.capacity;
	uint8_t *b = tbuf(4 * 512, 3);
	uint8_t *disk0 = tmem_alloc(cap * 512, 64);
	memcpy(disk0, t->b->disk, cap * 512);
	unsigned notifies = t->sim->notifies;
	CHECK_ERR(vblk_read(&t->blk, cap, b, 1, 10 * MS), VIRTIO_ERANGE);
	CHECK_ERR(vblk_read(&t->blk, cap - 1, b, 2, 10 * MS), VIRTIO_ERANGE);
	CHECK_ERR(vblk_write(&t->blk, cap - 3, b, 4, 10 * MS), VIRTIO_ERANGE);
	CHECK_ERR(vblk_write(&t->blk, UINT64_MAX, b, 1, 10 * MS), VIRTIO_ERANGE);
	CHECK_ERR(vblk_write(&t->blk, UINT64_MAX - 1, b, 4, 10 * MS), VIRTIO_ERANGE);
	CHECK_ERR(vblk_read(&t->blk, (uint64_t)1 << 63, b, 4, 10 * MS), VIRTIO_ERANGE);
	struct treq r;
	treq_init(&r, VIRTIO_BLK_T_OUT, cap - 1, b, 1024, 2);
	CHECK_ERR(vblk_submit(&t->blk, 0, &r.req), VIRTIO_ERANGE);
	CHECK_EQ(r.done_calls, 0);
	/* Nothing reached the device, the disk is unchanged. */
	CHECK_EQ(t->sim->notifies, notifies);
	CHECK_EQ(t->b->requests, 0);
	CHECK_EQ(sim_avail_pending(t->sim, 0), 0);
	CHECK(memcmp(disk0, t->b->disk, cap * 512) == 0);
	/* The queue is intact. */
	CHECK_OK(vblk_read(&t->blk, cap - 4, b, 4, 10 * MS));
}

TEST(blk_bad_lengths_einval)
{
	struct tblk *t = up(ALL_FEATURES, 16, NULL);
	uint8_t *b = tbuf(4096, 3);
	unsigned notifies = t->sim->notifies;
	CHECK_ERR(vblk_read(&t->blk, 0, b, 0, 10 * MS), VIRTIO_EINVAL);
	CHECK_ERR(vblk_write(&t->blk, 0, b, 0, 10 * MS), VIRTIO_EINVAL);
	struct treq r;
	static const uint32_t bad[] = { 1, 100, 511, 513, 1000, 4095 };
	for (unsigned i = 0; i < 6; i++) {
		treq_init(&r, VIRTIO_BLK_T_IN, 0, b, bad[i], 1);
		CHECK_ERR(vblk_submit(&t->blk, 0, &r.req), VIRTIO_EINVAL);
		treq_init(&r, VIRTIO_BLK_T_OUT, 0, b, bad[i], 1);
		CHECK_ERR(vblk_submit(&t->blk, 0, &r.req), VIRTIO_EINVAL);
	}
	/* A zero-length buffer inside a request. */
	treq_init(&r, VIRTIO_BLK_T_IN, 0, b, 1024, 2);
	r.sg[1].len = 0;
	CHECK_ERR(vblk_submit(&t->blk, 0, &r.req), VIRTIO_EINVAL);
	/* No data at all for a read or a write. */
	treq_init(&r, VIRTIO_BLK_T_IN, 0, b, 0, 0);
	CHECK_ERR(vblk_submit(&t->blk, 0, &r.req), VIRTIO_EINVAL);
	treq_init(&r, VIRTIO_BLK_T_OUT, 0, b, 0, 0);
	CHECK_ERR(vblk_submit(&t->blk, 0, &r.req), VIRTIO_EINVAL);
	/* Too many buffers. */
	treq_init(&r, VIRTIO_BLK_T_IN, 0, b, 4096, 8);
	struct virtq_sg many[VBLK_MAX_DATA_SG + 1];
	for (unsigned i = 0; i <= VBLK_MAX_DATA_SG; i++)
		many[i] = (struct virtq_sg){ b, 512 };
	r.req.data = many;
	r.req.ndata = VBLK_MAX_DATA_SG + 1;
	CHECK_ERR(vblk_submit(&t->blk, 0, &r.req), VIRTIO_EINVAL);
	/* Unknown type, no completion callback, no such queue. */
	treq_init(&r, 77, 0, b, 512, 1);
	CHECK_ERR(vblk_submit(&t->blk, 0, &r.req), VIRTIO_EINVAL);
	treq_init(&r, VIRTIO_BLK_T_IN, 0, b, 512, 1);
	r.req.done = NULL;
	CHECK_ERR(vblk_submit(&t->blk, 0, &r.req), VIRTIO_EINVAL);
	treq_init(&r, VIRTIO_BLK_T_IN, 0, b, 512, 1);
	CHECK_ERR(vblk_submit(&t->blk, 1, &r.req), VIRTIO_EINVAL);
	CHECK_ERR(vblk_submit(&t->blk, VBLK_MAX_QUEUES, &r.req), VIRTIO_EINVAL);
	CHECK_EQ(r.done_calls, 0);
	CHECK_EQ(t->sim->notifies, notifies);
	CHECK_EQ(t->b->requests, 0);
	CHECK_EQ(virtq_free_descs(&t->blk.queues[0]->vq), 16);
}

/* A request of one data buffer (every read and write of the block layer)
 * takes its own inlined path in vblk_submit_nokick(): it must refuse
 * exactly what the general path refuses.  Each bad buffer goes alone and
 * then second after a good one; both give the same error, and nothing
 * reaches the device. */
TEST(blk_one_buffer_path_refuses_like_the_rest)
{
	struct sim_blk_opts o = { .size_max = 8192, .blk_size = 4096 };
	struct tblk *t = up(ALL_FEATURES, 16, &o);
	uint64_t cap = t->blk.info.capacity;
	uint8_t *b = tbuf(16384, 5);
	static const struct {
		uint32_t type;
		uint64_t sector;
		bool null_addr;
		uint32_t len;
		int err;
	} bad[] = {
		{ VIRTIO_BLK_T_IN, 0, true, 4096, VIRTIO_EINVAL },      /* no address */
		{ VIRTIO_BLK_T_OUT, 0, false, 0, VIRTIO_EINVAL },       /* empty */
		{ VIRTIO_BLK_T_IN, 0, false, 12288, VIRTIO_EINVAL },    /* past size_max */
		{ VIRTIO_BLK_T_OUT, 0, false, 700, VIRTIO_EINVAL },     /* not whole sectors */
		{ VIRTIO_BLK_T_IN, 4, false, 4096, VIRTIO_EALIGN },     /* start off a block */
		{ VIRTIO_BLK_T_IN, 0, false, 2048, VIRTIO_EALIGN },     /* end off a block */
		{ VIRTIO_BLK_T_OUT, 2048, false, 4096, VIRTIO_ERANGE }, /* past the end */
	};
	CHECK_EQ(cap, 2048);
	unsigned notifies = t->sim->notifies;
	struct treq r;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct virtq_sg one = { bad[i].null_addr ? NULL : b + 8192, bad[i].len };
		for (unsigned n = 1; n <= 2; n++) {
			treq_init(&r, bad[i].type, bad[i].sector, b, 4096, 1);
			r.sg[n - 1] = one;
			r.req.ndata = (uint16_t)n;
			CHECK_ERR(vblk_submit(&t->blk, 0, &r.req), bad[i].err);
		}
	}
	/* No data pointer at all behind a count of one. */
	treq_init(&r, VIRTIO_BLK_T_IN, 0, b, 4096, 1);
	r.req.data = NULL;
	CHECK_ERR(vblk_submit(&t->blk, 0, &r.req), VIRTIO_EINVAL);
	CHECK_EQ(r.done_calls, 0);
	CHECK_EQ(t->sim->notifies, notifies);
	CHECK_EQ(t->b->requests, 0);
	CHECK_EQ(virtq_free_descs(&t->blk.queues[0]->vq), 16);
	/* Both paths still work, up to the last block. */
	treq_init(&r, VIRTIO_BLK_T_OUT, cap - 8, b, 4096, 1);
	CHECK_OK(vblk_submit(&t->blk, 0, &r.req));
	CHECK_EQ(vblk_poll(&t->blk, 0), 1);
	CHECK_OK(r.status);
	treq_init(&r, VIRTIO_BLK_T_IN, cap - 16, b, 8192, 2);
	CHECK_OK(vblk_submit(&t->blk, 0, &r.req));
	CHECK_EQ(vblk_poll(&t->blk, 0), 1);
	CHECK_OK(r.status);
	CHECK_EQ(t->b->errors, 0);
}

TEST(blk_each_buffer_multiple_of_512)
{
	/* blk.h: "data buffers, each a multiple of 512".  Two buffers of 300
	 * and 724 bytes sum to 1024 but break that rule. */
	struct tblk *t = up(ALL_FEATURES, 16, NULL);
	uint8_t *b = tbuf(1024, 3);
	struct treq r;
	treq_init(&r, VIRTIO_BLK_T_IN, 0, b, 1024, 2);
	r.sg[0].len = 300;
	r.sg[1] = (struct virtq_sg){ b + 300, 724 };
	CHECK_ERR(vblk_submit(&t->blk, 0, &r.req), VIRTIO_EINVAL);
	CHECK_EQ(t->b->requests, 0);
}

TEST(blk_read_only_erofs)
{
	struct sim_blk_opts o = { .ro = true };
	struct tblk *t = up(ALL_FEATURES, 16, &o);
	CHECK(t->blk.info.read_only);
	CHECK(sim_has(t->sim, VIRTIO_BLK_F_RO));
	uint8_t *b = tbuf(4096, 9);
	memset(t->b->disk, 0x42, 8 * 512);
	unsigned notifies = t->sim->notifies;
	CHECK_ERR(vblk_write(&t->blk, 0, b, 8, 10 * MS), VIRTIO_EROFS);
	struct treq r;
	treq_init(&r, VIRTIO_BLK_T_OUT, 0, b, 1024, 2);
	CHECK_ERR(vblk_submit(&t->blk, 0, &r.req), VIRTIO_EROFS);
	CHECK_EQ(r.done_calls, 0);
	CHECK_EQ(t->sim->notifies, notifies);
	CHECK_EQ(t->b->requests, 0);
	CHECK_EQ(sim_avail_pending(t->sim, 0), 0);
	for (unsigned i = 0; i < 8 * 512; i++)
		CHECK_EQ(t->b->disk[i], 0x42);
	/* Reads work. */
	CHECK_OK(vblk_read(&t->blk, 0, b, 8, 10 * MS));
	for (unsigned i = 0; i < 8 * 512; i++)
		CHECK_EQ(b[i], 0x42);
}

TEST(blk_ro_device_rejects_write_eio)
{
	/* The device is read-only but the driver masked RO away: the device
	 * answers IOERR and changes nothing (§5.2.6.2). */
	struct sim_blk_opts o = { .ro = true };
	struct tblk *t = up(NO(VIRTIO_BLK_F_RO), 16, &o);
	CHECK(!t->blk.info.read_only);
	uint8_t *b = tbuf(512, 9);
	CHECK_ERR(vblk_write(&t->blk, 5, b, 1, 10 * MS), VIRTIO_EIO);
	for (unsigned i = 0; i < 512; i++)
		CHECK_EQ(t->b->disk[5 * 512 + i], 0);
	CHECK_OK(vblk_read(&t->blk, 5, b, 1, 10 * MS));
}

/* ---- in flight: the interrupt path, a full ring, batching ------------ */

static void many_in_flight(int packed, bool reorder)
{
	const unsigned N = VIRTIO_DRAIN_BUDGET + 36; /* more than one interrupt takes */
	struct tblk *t = up(layout_mask(packed), 256, NULL);
	struct sim_dev *d = t->sim;
	d->mode = SIM_DEFERRED;
	d->reorder = reorder;
	struct treq *r = tmem_alloc((size_t)(N) * sizeof(*r), 64);
	uint8_t *buf = tbuf(N * 1024, 31);
	/* Half writes of known data, half reads of other sectors. */
	for (unsigned i = 0; i < 2048 * 512; i++)
		t->b->disk[i] = (uint8_t)(i * 13 + 5);
	for (unsigned i = 0; i < N; i++) {
		bool wr = i % 2;
		treq_init(&r[i], wr ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, 1000 + 2 * i,
			  buf + i * 1024, 1024, 1 + i % 2);
		if (wr)
			tmem_fill(buf + i * 1024, 1024, i);
		CHECK_OK(vblk_submit(&t->blk, 0, &r[i].req));
	}
	for (unsigned i = 0; i < N; i++)
		CHECK_EQ(r[i].done_calls, 0);
	CHECK_EQ(d->q[0].chains, 0);
	/* The device takes them all and completes them; one interrupt
	 * completes a budget's worth, a poll from the main loop the rest. */
	CHECK_EQ(sim_process(d), N);
	CHECK(d->int_status & VIRTIO_INT_VRING);
	CHECK_EQ(vblk_interrupt(&t->blk), VIRTIO_DRAIN_BUDGET);
	CHECK_EQ(d->int_status, 0);
	CHECK_EQ(virtio_device_pending(t->blk.vdev), VIRTIO_PENDING_POLL);
	CHECK_EQ(virtio_device_poll(t->blk.vdev), N - VIRTIO_DRAIN_BUDGET);
	CHECK_EQ(virtio_device_pending(t->blk.vdev), 0);
	for (unsigned i = 0; i < N; i++) {
		CHECK_EQ(r[i].done_calls, 1);
		CHECK_OK(r[i].status);
		uint8_t *disk = t->b->disk + (1000 + 2 * i) * 512;
		if (i % 2) {
			uint8_t want[1024];
			tmem_fill(want, 1024, i);
			CHECK(memcmp(disk, want, 1024) == 0);
		} else {
			CHECK(memcmp(disk, buf + i * 1024, 1024) == 0);
		}
	}
	CHECK_EQ(vblk_interrupt(&t->blk), 0);
	CHECK_EQ(virtq_free_descs(&t->blk.queues[0]->vq), 256); /* every one back */
}

TEST(blk_many_in_flight_interrupt_split)
{
	many_in_flight(0, false);
	sim_reset_all();
	many_in_flight(0, true);
}

TEST(blk_many_in_flight_interrupt_packed)
{
	many_in_flight(1, false);
	sim_reset_all();
	many_in_flight(1, true);
}

TEST(blk_enospc_then_recovers)
{
	for (int packed = 0; packed < 2; packed++) {
		sim_reset_all();
		struct tblk *t = up(layout_mask(packed), 4, NULL);
		t->sim->mode = SIM_DEFERRED;
		uint8_t *buf = tbuf(16 * 512, 1);
		struct treq r[16];
		unsigned n = 0;
		int rc;
		for (;;) {
			treq_init(&r[n], VIRTIO_BLK_T_IN, n, buf + n * 512, 512, 1);
			rc = vblk_submit(&t->blk, 0, &r[n].req);
			if (rc != VIRTIO_OK)
				break;
			n++;
			CHECK(n < 16);
		}
		CHECK_ERR(rc, VIRTIO_ENOSPC);
		CHECK_EQ(r[n].done_calls, 0);
		/* Indirect tables: one ring slot per request. */
		CHECK_EQ(n, 4);
		sim_process(t->sim);
		CHECK_EQ(vblk_poll(&t->blk, 0), (int)n);
		CHECK_OK(vblk_submit(&t->blk, 0, &r[n].req));
		sim_process(t->sim);
		CHECK_EQ(vblk_poll(&t->blk, 0), 1);
		for (unsigned i = 0; i <= n; i++) {
			CHECK_EQ(r[i].done_calls, 1);
			CHECK_OK(r[i].status);
		}
	}
}

TEST(blk_batched_submit_one_notify)
{
	for (int packed = 0; packed < 2; packed++) {
		sim_reset_all();
		struct tblk *t = up(layout_mask(packed), 32, NULL);
		struct sim_dev *d = t->sim;
		d->mode = SIM_DEFERRED;
		uint8_t *buf = tbuf(16 * 512, 1);
		struct treq r[16];
		unsigned n0 = d->q[0].notifies;
		for (unsigned i = 0; i < 16; i++) {
			treq_init(&r[i], VIRTIO_BLK_T_IN, i, buf + i * 512, 512, 1);
			CHECK_OK(vblk_submit_nokick(&t->blk, 0, &r[i].req));
		}
		CHECK_EQ(d->q[0].notifies, n0);
		vblk_kick(&t->blk, 0);
		CHECK_EQ(d->q[0].notifies, n0 + 1);
		CHECK_EQ(sim_process(d), 16);
		CHECK_EQ(vblk_interrupt(&t->blk), 16);
		for (unsigned i = 0; i < 16; i++)
			CHECK_OK(r[i].status);
	}
}

TEST(blk_completion_racing_interrupt_ack)
{
	/* A completion lands while the handler runs (at its InterruptACK
	 * write): it must be delivered by this call, or leave the interrupt
	 * pending for the next one; never be stranded. */
	for (int packed = 0; packed < 2; packed++) {
		sim_reset_all();
		struct tblk *t = up(layout_mask(packed), 32, NULL);
		struct sim_dev *d = t->sim;
		d->mode = SIM_DEFERRED;
		uint8_t *buf = tbuf(8 * 512, 1);
		struct treq r[8];
		for (unsigned i = 0; i < 8; i++) {
			treq_init(&r[i], VIRTIO_BLK_T_IN, i, buf + i * 512, 512, 1);
			CHECK_OK(vblk_submit(&t->blk, 0, &r[i].req));
		}
		unsigned done = 0;
		sim_consume(d, 0);
		sim_complete(d, 0, 1);
		for (unsigned round = 0; round < 20 && done < 8; round++) {
			d->complete_on_ack = 1;
			int n = vblk_interrupt(&t->blk);
			CHECK(n >= 0);
			done += (unsigned)n;
			unsigned popped = 0;
			for (unsigned i = 0; i < 8; i++)
				popped += r[i].done_calls;
			CHECK_EQ(popped, done);
			/* Anything used but not delivered keeps the interrupt up. */
			if (d->q[0].completions > done)
				CHECK_MSG(d->int_status & VIRTIO_INT_VRING,
					  "%llu completed, %u delivered, no interrupt pending",
					  (unsigned long long)d->q[0].completions, done);
			if (!(d->int_status & VIRTIO_INT_VRING))
				sim_complete(d, 0, 1);
		}
		CHECK_EQ(done, 8);
		for (unsigned i = 0; i < 8; i++) {
			CHECK_EQ(r[i].done_calls, 1);
			CHECK_OK(r[i].status);
		}
	}
}

/* ---- errors the device reports --------------------------------------- */

TEST(blk_device_errors)
{
	struct tblk *t = up(ALL_FEATURES, 16, NULL);
	uint8_t *b = tbuf(1024, 1);
	memset(b, 0x77, 1024);
	t->b->ioerr_next = 1;
	CHECK_ERR(vblk_read(&t->blk, 0, b, 2, 10 * MS), VIRTIO_EIO);
	t->b->unsupp_next = 1;
	CHECK_ERR(vblk_read(&t->blk, 0, b, 2, 10 * MS), VIRTIO_EUNSUPP);
	t->b->ioerr_next = 1;
	CHECK_ERR(vblk_write(&t->blk, 0, b, 2, 10 * MS), VIRTIO_EIO);
	CHECK_EQ(t->b->disk[0], 0);
	/* The queue is fine afterwards. */
	CHECK_OK(vblk_write(&t->blk, 0, b, 2, 10 * MS));
	CHECK_EQ(t->b->disk[0], 0x77);
}

/* ---- one-buffer requests through the slot's pre-built table ---------- */

/* Reads and writes of one buffer, alternating so that each slot's data
 * entry flips between device-readable and device-writable as slots are
 * reused (three laps of a queue of 8): with INDIRECT_DESC each takes one
 * ring descriptor pointing at its slot's table, without it three. */
static void one_buffer_table(int version, int packed, bool indirect)
{
	sim_reset_all();
	struct sim_blk_opts o = { .version = (uint32_t)version };
	uint64_t mask = layout_mask(packed);
	if (!indirect)
		mask &= NO(VIRTIO_F_INDIRECT_DESC);
	struct tblk *t = up(mask, 8, &o);
	struct vblk_queue *q = t->blk.queues[0];
	CHECK_EQ(virtq_is_packed(&q->vq), packed);
	CHECK_EQ(q->tables, indirect);
	struct sim_dev *d = t->sim;
	d->mode = SIM_DEFERRED;
	for (unsigned i = 0; i < 2048 * 512; i++)
		t->b->disk[i] = (uint8_t)(i * 7 + 3);
	uint8_t *buf = tbuf(4 * 1024, 41);
	for (unsigned round = 0; round < 12; round++) {
		struct treq r[2];
		for (unsigned k = 0; k < 2; k++) {
			bool wr = (round + k) % 2;
			uint8_t *b = buf + k * 2048;
			uint32_t len = 512u << ((round + k) % 3 == 0);
			if (wr)
				tmem_fill(b, len, round * 2 + k);
			else
				memset(b, 0, len);
			treq_init(&r[k], wr ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN,
				  40 * round + 8 * k, b, len, 1);
			CHECK_OK(vblk_submit(&t->blk, 0, &r[k].req));
			if (indirect) {
				/* entry 1 of the slot's table is this buffer */
				const struct virtq_desc *e = &r[k].req.dma->rw[wr].table[1];
				CHECK_EQ(virtio64_load(&e->addr, version == 1), virtio_virt_to_dma(b));
				CHECK_EQ(virtio32_load(&e->len, version == 1), len);
				/* Its flags copied from the queue's template:
				 * what virtq_table_set() writes. */
				uint16_t f = wr ? 0 : VIRTQ_DESC_F_WRITE;
				if (packed) {
					const struct virtq_packed_desc *p = (const void *)e;
					CHECK_EQ(virtio_le16_load(&p->flags), f);
					CHECK_EQ(virtio_le16_load(&p->id), 0);
				} else {
					CHECK_EQ(virtio16_load(&e->flags, version == 1),
						 f | VIRTQ_DESC_F_NEXT);
					CHECK_EQ(virtio16_load(&e->next, version == 1), 2);
				}
			}
		}
		CHECK_EQ(virtq_free_descs(&q->vq), indirect ? 6 : 2);
		unsigned ind = d->q[0].indirect_chains;
		CHECK_EQ(sim_process(d), 2);
		CHECK_EQ(d->q[0].indirect_chains, ind + (indirect ? 2 : 0));
		CHECK_EQ(vblk_poll(&t->blk, 0), 2);
		for (unsigned k = 0; k < 2; k++) {
			CHECK_EQ(r[k].done_calls, 1);
			CHECK_OK(r[k].status);
			CHECK(memcmp(t->b->disk + (40 * round + 8 * k) * 512, buf + k * 2048,
				     r[k].len) == 0);
			if (version != 1)
				CHECK_EQ(r[k].req.written,
					 ((round + k) % 2 ? 0 : r[k].len) + 1);
		}
	}
	/* GET_ID, the other one-buffer request, and a two-buffer read on the
	 * general path beside it. */
	d->mode = SIM_SYNC;
	char *id = tmem_alloc(VIRTIO_BLK_ID_BYTES + 1, 8);
	CHECK_OK(vblk_get_id(&t->blk, id, 10 * MS));
	struct treq two;
	treq_init(&two, VIRTIO_BLK_T_IN, 0, buf, 2048, 2);
	CHECK_OK(vblk_submit(&t->blk, 0, &two.req));
	CHECK_EQ(vblk_poll(&t->blk, 0), 1);
	CHECK_OK(two.status);
	CHECK(memcmp(buf, t->b->disk, 2048) == 0);
	CHECK_EQ(virtq_free_descs(&q->vq), 8);
	CHECK_EQ(t->b->errors, 0);
	CHECK(!virtq_is_broken(&q->vq));
}

TEST(blk_one_buffer_table_modern)
{
	for (int packed = 0; packed < 2; packed++)
		for (int indirect = 0; indirect < 2; indirect++)
			one_buffer_table(2, packed, indirect);
}

TEST(blk_one_buffer_table_legacy)
{
	one_buffer_table(1, 0, true);
	one_buffer_table(1, 0, false);
}
