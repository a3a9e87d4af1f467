/*
 * virtio-blk (blk.h) against the simulated RAM disk: read/write round
 * trips, multi-buffer requests, argument checks that must stop a request
 * before it reaches the device, read-only disks, many requests in flight
 * completed from the interrupt path, flush, GET_ID, multi-queue, capacity
 * changes, device-reported errors.
 */
#include <string.h>

#include "th.h"

static struct tblk *up(uint64_t mask, uint16_t qsize, const struct sim_blk_opts *o)
{
	static struct tblk t;
	struct sim_blk_opts def = { 0 };
	tblk_up(&t, sim_blk_new(o ? o : &def), mask, qsize, 1);
	return &t;
}

static uint64_t layout_mask(int packed)
{
	return packed ? ALL_FEATURES : NO(VIRTIO_F_RING_PACKED);
}

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

static void many_in_flight(int packed, bool reorder)
{
	const unsigned N = 100;
	struct tblk *t = up(layout_mask(packed), 128, NULL);
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
	/* The device takes them all and completes them; one interrupt. */
	CHECK_EQ(sim_process(d), N);
	CHECK(d->int_status & VIRTIO_INT_VRING);
	CHECK_EQ(vblk_interrupt(&t->blk), N);
	CHECK_EQ(d->int_status, 0);
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
	CHECK_EQ(virtq_free_descs(&t->blk.queues[0]->vq), 128);
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

TEST(blk_flush)
{
	struct tblk *t = up(ALL_FEATURES, 16, NULL);
	CHECK(t->blk.info.flush);
	uint8_t *b = tbuf(512, 1);
	CHECK_OK(vblk_write(&t->blk, 3, b, 1, 10 * MS));
	CHECK_EQ(t->b->writes_since_flush, 1);
	CHECK_OK(vblk_flush(&t->blk, 10 * MS));
	CHECK_EQ(t->b->flushes, 1);
	CHECK_EQ(t->b->writes_since_flush, 0);
	/* FLUSH with a sector or data is refused before the device. */
	struct treq r;
	treq_init(&r, VIRTIO_BLK_T_FLUSH, 0, b, 512, 1);
	CHECK_ERR(vblk_submit(&t->blk, 0, &r.req), VIRTIO_EINVAL);
	/* A stray sector number is not sent: the simulator checks it is 0. */
	treq_init(&r, VIRTIO_BLK_T_FLUSH, 1234, NULL, 0, 0);
	CHECK_OK(vblk_submit(&t->blk, 0, &r.req));
	CHECK_EQ(vblk_poll(&t->blk, 0), 1);
	CHECK_OK(r.status);
	CHECK_EQ(t->b->flushes, 2);
}

TEST(blk_flush_without_feature)
{
	struct tblk *t = up(NO(VIRTIO_BLK_F_FLUSH), 16, NULL);
	CHECK(!t->blk.info.flush);
	unsigned req0 = t->b->requests;
	CHECK_ERR(vblk_flush(&t->blk, 10 * MS), VIRTIO_EUNSUPP);
	CHECK_EQ(t->b->requests, req0);
	CHECK_EQ(t->b->flushes, 0);
}

TEST(blk_get_id)
{
	struct tblk *t = up(ALL_FEATURES, 16, NULL);
	uint8_t *id = tbuf(20, 0);
	struct treq r;
	treq_init(&r, VIRTIO_BLK_T_GET_ID, 0, id, 20, 1);
	CHECK_OK(vblk_submit(&t->blk, 0, &r.req));
	CHECK_EQ(vblk_poll(&t->blk, 0), 1);
	CHECK_EQ(r.done_calls, 1);
	CHECK_OK(r.status);
	CHECK(memcmp(id, "sim-blk-0123456789ab", 20) == 0);
	CHECK_EQ(t->b->get_ids, 1);
	/* Exactly 20 bytes (§5.2.6). */
	uint8_t *big = tbuf(512, 0);
	treq_init(&r, VIRTIO_BLK_T_GET_ID, 0, big, 512, 1);
	CHECK_ERR(vblk_submit(&t->blk, 0, &r.req), VIRTIO_EINVAL);
	treq_init(&r, VIRTIO_BLK_T_GET_ID, 0, big, 19, 1);
	CHECK_ERR(vblk_submit(&t->blk, 0, &r.req), VIRTIO_EINVAL);
}

TEST(blk_multiqueue)
{
	struct sim_blk_opts o = { .num_queues = 4 };
	struct sim_dev *d = sim_blk_new(&o);
	static struct tblk t;
	tblk_up(&t, d, ALL_FEATURES, 32, 4);
	CHECK(sim_has(d, VIRTIO_BLK_F_MQ));
	CHECK_EQ(t.blk.info.num_queues, 4);
	for (unsigned q = 0; q < 4; q++)
		CHECK(d->q[q].ready);
	d->mode = SIM_DEFERRED;
	uint8_t *buf = tbuf(4 * 8 * 512, 5);
	struct treq r[4][8];
	for (unsigned q = 0; q < 4; q++)
		for (unsigned i = 0; i < 8; i++) {
			unsigned k = q * 8 + i;
			tmem_fill(buf + k * 512, 512, k);
			treq_init(&r[q][i], VIRTIO_BLK_T_OUT, k, buf + k * 512, 512, 1);
			CHECK_OK(vblk_submit(&t.blk, (uint16_t)q, &r[q][i].req));
		}
	/* A fifth queue does not exist. */
	struct treq x;
	treq_init(&x, VIRTIO_BLK_T_IN, 0, buf, 512, 1);
	CHECK_ERR(vblk_submit(&t.blk, 4, &x.req), VIRTIO_EINVAL);
	CHECK_EQ(sim_process(d), 32);
	for (unsigned q = 0; q < 4; q++) {
		CHECK_EQ(d->q[q].chains, 8);
		CHECK(d->q[q].notifies >= 1);
	}
	CHECK_EQ(vblk_interrupt(&t.blk), 32);
	for (unsigned q = 0; q < 4; q++)
		for (unsigned i = 0; i < 8; i++) {
			CHECK_EQ(r[q][i].done_calls, 1);
			CHECK_OK(r[q][i].status);
			CHECK_EQ(r[q][i].req.queue, q);
		}
	CHECK(memcmp(t.b->disk, buf, 32 * 512) == 0);
	/* Polling one queue completes only that queue. */
	for (unsigned q = 0; q < 4; q++) {
		treq_init(&r[q][0], VIRTIO_BLK_T_IN, q, buf + q * 512, 512, 1);
		CHECK_OK(vblk_submit(&t.blk, (uint16_t)q, &r[q][0].req));
	}
	sim_process(d);
	CHECK_EQ(vblk_poll(&t.blk, 2), 1);
	CHECK_EQ(r[2][0].done_calls, 1);
	CHECK_EQ(r[1][0].done_calls, 0);
	CHECK_EQ(vblk_interrupt(&t.blk), 3);
}

TEST(blk_attach_checks)
{
	struct sim_blk_opts o = { .num_queues = 2 };
	struct sim_dev *d = sim_blk_new(&o);
	static struct tblk t;
	CHECK_OK(tblk_probe(&t, d, ALL_FEATURES));
	CHECK_EQ(t.blk.info.num_queues, 2);
	size_t len = vblk_queue_mem_bytes(16);
	uint8_t *mem = tmem_alloc(len, VIRTQ_MEM_ALIGN);
	/* Queue beyond num_queues, memory too small. */
	CHECK_ERR(vblk_attach_queue(&t.blk, 2, &t.q[2], 16, mem, len), VIRTIO_EINVAL);
	CHECK_ERR(vblk_attach_queue(&t.blk, 0, &t.q[0], 16, mem, len - 1), VIRTIO_ENOMEM);
	/* Starting without a queue. */
	CHECK_ERR(vblk_start(&t.blk), VIRTIO_EINVAL);
	CHECK_OK(vblk_attach_queue(&t.blk, 0, &t.q[0], 16, mem, len));
	CHECK_ERR(vblk_attach_queue(&t.blk, 0, &t.q[0], 16, mem, len), VIRTIO_EINVAL);
	/* A size the device does not allow. */
	uint8_t *mem2 = tmem_alloc(vblk_queue_mem_bytes(2048), VIRTQ_MEM_ALIGN);
	CHECK(vblk_attach_queue(&t.blk, 1, &t.q[1], 2048, mem2, vblk_queue_mem_bytes(2048)) != 0);
	CHECK(!d->q[1].ready);
	CHECK_OK(vblk_start(&t.blk));
	/* Submitting before start is refused (checked on a fresh device). */
	uint8_t *b = tbuf(512, 1);
	CHECK_OK(vblk_read(&t.blk, 0, b, 1, 10 * MS));
}

TEST(blk_submit_before_start_refused)
{
	struct sim_blk_opts o = { 0 };
	struct sim_dev *d = sim_blk_new(&o);
	static struct tblk t;
	CHECK_OK(tblk_probe(&t, d, ALL_FEATURES));
	size_t len = vblk_queue_mem_bytes(16);
	uint8_t *mem = tmem_alloc(len, VIRTQ_MEM_ALIGN);
	CHECK_OK(vblk_attach_queue(&t.blk, 0, &t.q[0], 16, mem, len));
	uint8_t *b = tbuf(512, 1);
	struct treq r;
	treq_init(&r, VIRTIO_BLK_T_IN, 0, b, 512, 1);
	/* §3.1.1: no notification before DRIVER_OK (the simulator checks). */
	CHECK(vblk_submit(&t.blk, 0, &r.req) != VIRTIO_OK);
	CHECK_EQ(d->notifies, 0);
}

TEST(blk_capacity_change_interrupt)
{
	struct tblk *t = up(ALL_FEATURES, 16, NULL);
	uint8_t *b = tbuf(512, 1);
	sim_blk_resize(t->sim, 1000, true);
	CHECK(t->sim->int_status & VIRTIO_INT_CONFIG);
	CHECK(vblk_interrupt(&t->blk) >= 0);
	CHECK_EQ(t->blk.info.capacity, 1000);
	CHECK_EQ(t->blk.config_changes, 1);
	CHECK_ERR(vblk_read(&t->blk, 1000, b, 1, 10 * MS), VIRTIO_ERANGE);
	CHECK_OK(vblk_read(&t->blk, 999, b, 1, 10 * MS));
	sim_blk_resize(t->sim, 2048, true);
	CHECK(vblk_interrupt(&t->blk) >= 0);
	CHECK_EQ(t->blk.info.capacity, 2048);
	CHECK_OK(vblk_read(&t->blk, 2047, b, 1, 10 * MS));
}

TEST(blk_capacity_shrunk_silently_eio)
{
	/* Without the config interrupt the driver still believes the old
	 * capacity; the device answers IOERR. */
	struct tblk *t = up(ALL_FEATURES, 16, NULL);
	uint8_t *b = tbuf(512, 1);
	sim_blk_resize(t->sim, 100, false);
	CHECK_ERR(vblk_read(&t->blk, 500, b, 1, 10 * MS), VIRTIO_EIO);
	CHECK_OK(vblk_read(&t->blk, 50, b, 1, 10 * MS));
}

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

TEST(blk_seg_max_size_max)
{
	struct sim_blk_opts o = { .seg_max = 3, .size_max = 2048 };
	struct tblk *t = up(ALL_FEATURES, 16, &o);
	CHECK_EQ(t->blk.info.seg_max, 3);
	CHECK_EQ(t->blk.info.size_max, 2048);
	uint8_t *b = tbuf(8192, 1);
	struct treq r;
	treq_init(&r, VIRTIO_BLK_T_IN, 0, b, 2048, 4);
	CHECK_ERR(vblk_submit(&t->blk, 0, &r.req), VIRTIO_EINVAL);
	treq_init(&r, VIRTIO_BLK_T_IN, 0, b, 4096, 1);
	CHECK_ERR(vblk_submit(&t->blk, 0, &r.req), VIRTIO_EINVAL);
	CHECK_EQ(t->b->requests, 0);
	/* Within both limits: accepted (the simulator checks them too). */
	treq_init(&r, VIRTIO_BLK_T_IN, 0, b, 6144, 3);
	CHECK_OK(vblk_submit(&t->blk, 0, &r.req));
	CHECK_EQ(vblk_poll(&t->blk, 0), 1);
	CHECK_OK(r.status);
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

/* ---- GET_ID, range commands, cache mode, alignment, topology ---------- */

TEST(blk_get_id_sync)
{
	struct tblk *t = up(ALL_FEATURES, 16, NULL);
	char *id = (char *)tbuf(VIRTIO_BLK_ID_BYTES + 1, 0);
	CHECK_OK(vblk_get_id(&t->blk, id, 10 * MS));
	CHECK(strcmp(id, "sim-blk-0123456789ab") == 0);
	/* A shorter serial is NUL-padded by the device. */
	memset(t->b->id, 0, 20);
	memcpy(t->b->id, "short", 5);
	CHECK_OK(vblk_get_id(&t->blk, id, 10 * MS));
	CHECK(strcmp(id, "short") == 0);
	CHECK_EQ(t->b->get_ids, 2);
}

static void check_range(const struct tblk *t, uint64_t from, uint64_t n, uint8_t inside)
{
	for (uint64_t i = 0; i < 2048 * 512; i++) {
		uint64_t s = i / 512;
		uint8_t want = s >= from && s < from + n ? inside : (uint8_t)(i * 5 + 3);
		if (t->b->disk[i] != want)
			FAIL("disk byte %llu (sector %llu) is 0x%02x, want 0x%02x",
			     (unsigned long long)i, (unsigned long long)s, t->b->disk[i], want);
	}
}

static void fill_disk(struct tblk *t)
{
	for (uint64_t i = 0; i < 2048 * 512; i++)
		t->b->disk[i] = (uint8_t)(i * 5 + 3);
}

TEST(blk_write_zeroes_split_by_limits)
{
	struct sim_blk_opts o = { .max_wz_sectors = 64, .max_wz_seg = 1, .wz_may_unmap = 1 };
	struct tblk *t = up(ALL_FEATURES, 16, &o);
	CHECK(sim_has(t->sim, VIRTIO_BLK_F_WRITE_ZEROES));
	CHECK_EQ(t->blk.info.write_zeroes.max_sectors, 64);
	CHECK(t->blk.info.write_zeroes_may_unmap);
	fill_disk(t);
	CHECK_OK(vblk_range(&t->blk, VIRTIO_BLK_T_WRITE_ZEROES, 10, 300, 0, 10 * MS));
	check_range(t, 10, 300, 0);
	CHECK_EQ(t->b->write_zeroes, 5); /* 64 x 4 + 44 */
	CHECK_EQ(t->b->range_sectors, 300);
	CHECK_OK(vblk_range(&t->blk, VIRTIO_BLK_T_WRITE_ZEROES, 400, 10, VIRTIO_BLK_WZ_F_UNMAP,
			    10 * MS));
	CHECK_EQ(t->b->unmaps, 1);
	/* Past the end, nothing at all, unknown flags. */
	unsigned reqs = t->b->requests;
	CHECK_ERR(vblk_range(&t->blk, VIRTIO_BLK_T_WRITE_ZEROES, 2040, 9, 0, 10 * MS),
		  VIRTIO_ERANGE);
	CHECK_ERR(vblk_range(&t->blk, VIRTIO_BLK_T_WRITE_ZEROES, 0, 0, 0, 10 * MS), VIRTIO_EINVAL);
	CHECK_ERR(vblk_range(&t->blk, VIRTIO_BLK_T_WRITE_ZEROES, 0, 8, 2, 10 * MS), VIRTIO_EINVAL);
	CHECK_EQ(t->b->requests, reqs);
}

TEST(blk_discard_respects_alignment_and_limits)
{
	struct sim_blk_opts o = { .max_discard_sectors = 64, .max_discard_seg = 1,
				  .discard_align = 16 };
	struct tblk *t = up(ALL_FEATURES, 16, &o);
	CHECK(sim_has(t->sim, VIRTIO_BLK_F_DISCARD));
	CHECK_EQ(t->blk.info.discard.alignment, 16);
	fill_disk(t);
	CHECK_OK(vblk_range(&t->blk, VIRTIO_BLK_T_DISCARD, 5, 200, 0, 10 * MS));
	check_range(t, 5, 200, 0xd1);
	CHECK_EQ(t->b->range_sectors, 200);
	CHECK(t->b->discards >= 4);
	/* Pieces after the first start on the alignment. */
	for (uint64_t s = 5, left = 200; left;) {
		uint32_t c = vblk_range_chunk(&t->blk, VIRTIO_BLK_T_DISCARD, s, left);
		CHECK(c > 0 && c <= 64);
		if (c < left)
			CHECK_EQ((s + c) % 16, 0);
		s += c;
		left -= c;
	}
	/* unmap is a write-zeroes flag only (§5.2.6.2). */
	unsigned reqs = t->b->requests;
	CHECK_ERR(vblk_range(&t->blk, VIRTIO_BLK_T_DISCARD, 0, 8, VIRTIO_BLK_WZ_F_UNMAP, 10 * MS),
		  VIRTIO_EINVAL);
	CHECK_EQ(t->b->requests, reqs);
}

TEST(blk_secure_erase)
{
	struct sim_blk_opts o = { .extra = VIRTIO_BIT(VIRTIO_BLK_F_SECURE_ERASE),
				  .max_se_sectors = 100, .max_se_seg = 1, .se_align = 4 };
	struct tblk *t = up(ALL_FEATURES, 16, &o);
	CHECK(sim_has(t->sim, VIRTIO_BLK_F_SECURE_ERASE));
	fill_disk(t);
	CHECK_OK(vblk_range(&t->blk, VIRTIO_BLK_T_SECURE_ERASE, 1000, 333, 0, 10 * MS));
	check_range(t, 1000, 333, 0);
	CHECK(t->b->secure_erases >= 4);
}

TEST(blk_range_commands_unsupported_or_ro)
{
	struct sim_blk_opts o = { .remove = VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) |
					   VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES) };
	struct tblk *t = up(ALL_FEATURES, 16, &o);
	CHECK_ERR(vblk_range(&t->blk, VIRTIO_BLK_T_DISCARD, 0, 8, 0, 10 * MS), VIRTIO_EUNSUPP);
	CHECK_ERR(vblk_range(&t->blk, VIRTIO_BLK_T_WRITE_ZEROES, 0, 8, 0, 10 * MS), VIRTIO_EUNSUPP);
	CHECK_ERR(vblk_range(&t->blk, VIRTIO_BLK_T_SECURE_ERASE, 0, 8, 0, 10 * MS), VIRTIO_EUNSUPP);
	struct treq r;
	treq_init(&r, VIRTIO_BLK_T_DISCARD, 0, NULL, 0, 0);
	r.req.nsectors = 8;
	CHECK_ERR(vblk_submit(&t->blk, 0, &r.req), VIRTIO_EUNSUPP);
	CHECK_EQ(t->b->requests, 0);

	sim_reset_all();
	struct sim_blk_opts ro = { .ro = true };
	t = up(ALL_FEATURES, 16, &ro);
	CHECK_ERR(vblk_range(&t->blk, VIRTIO_BLK_T_WRITE_ZEROES, 0, 8, 0, 10 * MS), VIRTIO_EROFS);
	CHECK_ERR(vblk_range(&t->blk, VIRTIO_BLK_T_DISCARD, 0, 8, 0, 10 * MS), VIRTIO_EROFS);
	CHECK_EQ(t->b->requests, 0);
}

TEST(blk_set_writeback)
{
	struct sim_blk_opts o = { .writeback = 1 };
	struct tblk *t = up(ALL_FEATURES, 16, &o);
	CHECK(t->blk.info.config_wce);
	CHECK(t->blk.info.writeback);
	CHECK_OK(vblk_set_writeback(&t->blk, false));
	CHECK_EQ(t->sim->config[VIRTIO_BLK_CFG_WRITEBACK], 0);
	CHECK(!t->blk.info.writeback);
	CHECK_OK(vblk_set_writeback(&t->blk, true));
	CHECK_EQ(t->sim->config[VIRTIO_BLK_CFG_WRITEBACK], 1);

	sim_reset_all();
	t = up(NO(VIRTIO_BLK_F_CONFIG_WCE), 16, &o);
	CHECK(!t->blk.info.config_wce);
	CHECK(t->blk.info.writeback); /* FLUSH without CONFIG_WCE: writeback (§5.2.5.1) */
	CHECK_ERR(vblk_set_writeback(&t->blk, false), VIRTIO_EUNSUPP);
	CHECK_EQ(t->sim->config[VIRTIO_BLK_CFG_WRITEBACK], 1);
}

TEST(blk_logical_block_alignment)
{
	struct sim_blk_opts o = { .blk_size = 4096 };
	struct tblk *t = up(ALL_FEATURES, 16, &o);
	CHECK_EQ(t->blk.info.blk_size, 4096);
	uint8_t *b = tbuf(8192, 1);
	CHECK_ERR(vblk_read(&t->blk, 1, b, 8, 10 * MS), VIRTIO_EALIGN);
	CHECK_ERR(vblk_read(&t->blk, 0, b, 1, 10 * MS), VIRTIO_EALIGN);
	CHECK_ERR(vblk_write(&t->blk, 8, b, 12, 10 * MS), VIRTIO_EALIGN);
	CHECK_EQ(t->b->requests, 0);
	CHECK_OK(vblk_write(&t->blk, 8, b, 16, 10 * MS));
	CHECK_OK(vblk_read(&t->blk, 16, b, 8, 10 * MS));
	CHECK_OK(vblk_range(&t->blk, VIRTIO_BLK_T_WRITE_ZEROES, 64, 64, 0, 10 * MS));
	CHECK_EQ(t->b->errors, 0);
}

TEST(blk_topology)
{
	struct sim_blk_opts o = { .blk_size = 512, .phys_exp = 3, .align_off = 1, .min_io = 8,
				  .opt_io = 256 };
	struct tblk *t = up(ALL_FEATURES, 16, &o);
	CHECK(t->blk.info.topology);
	CHECK_EQ(t->blk.info.physical_block_exp, 3);
	CHECK_EQ(t->blk.info.alignment_offset, 1);
	CHECK_EQ(t->blk.info.min_io_size, 8);
	CHECK_EQ(t->blk.info.opt_io_size, 256);
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

TEST(blk_packed_odd_queue_size)
{
	/* Packed rings take any size; split rings only powers of two. */
	struct tblk *t = up(ALL_FEATURES, 1000, NULL);
	CHECK(t->blk.queues[0]->vq.packed);
	CHECK_EQ(t->sim->q[0].num, 1000);
	uint8_t *buf = tbuf(4096, 1);
	for (unsigned i = 0; i < 3000; i++)
		CHECK_OK(vblk_read(&t->blk, i % 2000, buf, 1 + i % 8, 10 * MS));

	sim_reset_all();
	struct sim_blk_opts o = { 0 };
	struct sim_dev *d = sim_blk_new(&o);
	static struct tblk s;
	CHECK_OK(tblk_probe(&s, d, NO(VIRTIO_F_RING_PACKED)));
	size_t len = vblk_queue_mem_bytes(1000);
	uint8_t *mem = tmem_alloc(len, VIRTQ_MEM_ALIGN);
	CHECK_ERR(vblk_attach_queue(&s.blk, 0, &s.q[0], 1000, mem, len), VIRTIO_EINVAL);
	CHECK(!d->q[0].ready);
}

TEST(blk_queue_absent)
{
	struct sim_blk_opts o = { 0 };
	struct sim_dev *d = sim_blk_new(&o);
	sim_set_queue_max(d, 0, 0);
	static struct tblk t;
	CHECK_OK(tblk_probe(&t, d, ALL_FEATURES));
	size_t len = vblk_queue_mem_bytes(16);
	uint8_t *mem = tmem_alloc(len, VIRTQ_MEM_ALIGN);
	CHECK_ERR(vblk_attach_queue(&t.blk, 0, &t.q[0], 16, mem, len), VIRTIO_ENOQUEUE);
	CHECK(!d->q[0].ready);
	CHECK_ERR(vblk_start(&t.blk), VIRTIO_EINVAL);
}
