/*
 * virtio-blk (blk.h) against the simulated RAM disk, what the device
 * offers beyond plain reads and writes: queue set-up (multi-queue, sizes,
 * absent queues), its configuration (capacity changes, segment limits,
 * cache mode, logical block size, topology), FLUSH, GET_ID and the range
 * commands (WRITE_ZEROES, DISCARD, SECURE_ERASE).  The request path is in
 * test_blk.c.
 */
#include <string.h>

#include "harness/bringup.h"

/* The device of `o` (NULL: the defaults), up with one queue of qsize. */
static struct tblk *up(uint64_t mask, uint16_t qsize, const struct sim_blk_opts *o)
{
	return tblk_with_opts(mask, qsize, o);
}

/* ---- queues ---------------------------------------------------------- */

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
	size_t len = vblk_queue_mem_bytes_for(&t.blk, 16);
	uint8_t *mem = tmem_alloc(len, VIRTQ_MEM_ALIGN);
	/* Queue beyond num_queues, memory too small (for this device's layout). */
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

/* ---- configuration: capacity, limits, cache mode, blocks, topology --- */

TEST(blk_capacity_change_interrupt)
{
	struct tblk *t = up(ALL_FEATURES, 16, NULL);
	uint8_t *b = tbuf(512, 1);
	sim_blk_resize(t->sim, 1000, true);
	CHECK(t->sim->int_status & VIRTIO_INT_CONFIG);
	CHECK(vblk_interrupt(&t->blk) >= 0);
	CHECK_EQ(t->blk.info.capacity, 1000);
	CHECK_EQ(t->blk.vdev->events.config_changes, 1);
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

TEST(blk_set_writeback_flushes_before_going_writethrough)
{
	/* Writes completed into the volatile cache become durable only with
	 * a FLUSH; afterwards a writethrough cache never sends one. */
	struct sim_blk_opts o = { .writeback = 1 };
	struct tblk *t = up(ALL_FEATURES, 16, &o);
	uint8_t *buf = tbuf(1536, 2);
	CHECK_OK(vblk_write(&t->blk, 10, buf, 3, 10 * MS));
	CHECK_EQ(t->b->writes_since_flush, 1);
	CHECK_OK(vblk_set_writeback(&t->blk, false));
	CHECK_EQ(t->b->flushes, 1);
	CHECK_EQ(t->b->wce_writes, 1);
	CHECK_EQ(t->b->unflushed_at_wce, 0); /* the FLUSH came first */
	CHECK(!t->blk.info.writeback);
	/* Already writethrough, or going writeback: nothing to flush. */
	CHECK_OK(vblk_set_writeback(&t->blk, false));
	CHECK_OK(vblk_set_writeback(&t->blk, true));
	CHECK_EQ(t->b->flushes, 1);
	/* A FLUSH that fails leaves the cache writeback. */
	CHECK_OK(vblk_write(&t->blk, 10, buf, 1, 10 * MS));
	t->b->ioerr_next = 1;
	CHECK_ERR(vblk_set_writeback(&t->blk, false), VIRTIO_EIO);
	CHECK_EQ(t->sim->config[VIRTIO_BLK_CFG_WRITEBACK], 1);
	CHECK(t->blk.info.writeback);
	CHECK_EQ(t->b->wce_writes, 3);
}

TEST(blk_set_writeback_refused_on_a_device_that_is_down)
{
	/* A re-initialisation the device refuses (no FEATURES_OK): config
	 * space is off limits (§3.1.1 step 4), so the cache mode is neither
	 * written nor read back, and the caller hears why. */
	struct sim_blk_opts o = { .writeback = 1 };
	struct tblk *t = up(ALL_FEATURES, 16, &o);
	t->sim->refuse_features_ok = true;
	sim_set_needs_reset(t->sim);
	CHECK_ERR(vblk_interrupt(&t->blk), VIRTIO_ERESET);
	CHECK_ERR(virtio_device_recover(t->blk.vdev), VIRTIO_EFEATURES);
	unsigned reads = t->sim->config_reads;
	CHECK_ERR(vblk_set_writeback(&t->blk, false), VIRTIO_EBROKEN);
	CHECK_EQ(t->sim->config_reads, reads);
	CHECK_EQ(t->sim->config[VIRTIO_BLK_CFG_WRITEBACK], 1);
	CHECK(t->blk.info.writeback);
	/* Back up: allowed again. */
	t->sim->refuse_features_ok = false;
	CHECK_OK(virtio_device_recover(t->blk.vdev));
	CHECK_OK(vblk_set_writeback(&t->blk, false));
	CHECK_EQ(t->sim->config[VIRTIO_BLK_CFG_WRITEBACK], 0);
}

TEST(blk_set_writeback_refused_on_a_dead_device)
{
	/* A reset that never completes: the device is nobody's to configure. */
	struct sim_blk_opts o = { .writeback = 1 };
	struct tblk *t = up(ALL_FEATURES, 16, &o);
	t->sim->reset_stuck = true;
	CHECK_ERR(virtio_device_abort(t->blk.vdev, VIRTIO_ETIMEDOUT), VIRTIO_EDEAD);
	unsigned reads = t->sim->config_reads;
	CHECK_ERR(vblk_set_writeback(&t->blk, false), VIRTIO_EDEAD);
	CHECK_EQ(t->sim->config_reads, reads);
	CHECK_EQ(t->sim->config[VIRTIO_BLK_CFG_WRITEBACK], 1);
}

TEST(blk_queue_capacity_follows_the_ring)
{
	/* Header, data, status: 3 descriptors without an indirect table. */
	struct tblk *t = up(ALL_FEATURES & NO(VIRTIO_F_INDIRECT_DESC), 4, NULL);
	CHECK_EQ(vblk_queue_capacity(&t->blk, 0, 1), 1);
	CHECK_EQ(vblk_queue_capacity(&t->blk, 0, 2), 1);
	CHECK_EQ(vblk_queue_capacity(&t->blk, 0, 3), 0); /* 5 descriptors never fit */
	CHECK_EQ(vblk_queue_capacity(&t->blk, 1, 1), 0); /* not attached */
	/* And the ring really holds that many, no more. */
	struct treq r[2];
	for (unsigned i = 0; i < 2; i++)
		treq_init(&r[i], VIRTIO_BLK_T_IN, i, tbuf(512, i), 512, 1);
	t->sim->mode = SIM_DEFERRED;
	CHECK_OK(vblk_submit(&t->blk, 0, &r[0].req));
	CHECK_ERR(vblk_submit(&t->blk, 0, &r[1].req), VIRTIO_ENOSPC);

	sim_reset_all();
	t = up(ALL_FEATURES, 4, NULL); /* one ring slot each through an indirect table */
	CHECK_EQ(vblk_queue_capacity(&t->blk, 0, 1), 4);
	CHECK_EQ(vblk_queue_capacity(&t->blk, 0, 2), 4);
	/* A chain is never longer than the queue, indirect or not (§2.7.5.3.1). */
	CHECK_EQ(vblk_queue_capacity(&t->blk, 0, 3), 0);
	CHECK_EQ(vblk_queue_capacity(&t->blk, 0, VBLK_MAX_DATA_SG + 1), 0);
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

/* ---- FLUSH and GET_ID ------------------------------------------------ */

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

/* ---- range commands -------------------------------------------------- */

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
