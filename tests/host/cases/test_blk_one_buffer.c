/*
 * The one-buffer read/write path of vblk_submit_nokick() (blk_internal.h's
 * vblk_rw_one_ok() and blk.c's submit_table()): a few merged compares
 * over limits derived at configuration time take such a request straight
 * to its slot table, and everything else goes through the full argument
 * check.  The merged compares must accept nothing the
 * full check refuses, and refuse nothing it accepts with another error;
 * a broken queue's refusal, left to the virtqueue on that path, must come
 * first and cost no slot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/bringup.h"

#define BIG (1u << 20) /* the largest disk below, in bytes */

static const uint32_t types[] = {
	VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT,
	VIRTIO_BLK_T_GET_ID, VIRTIO_BLK_T_FLUSH, 2, 77, UINT32_MAX,
};

/* A length near one of the limits that matter, or anything. */
static uint32_t pick_len(const struct vblk_info *in)
{
	uint32_t size_max = in->size_max ? in->size_max : 8192;
	switch (unit_rand_below(16)) {
	case 14: return VBLK_FAST_MAX_BYTES + (unit_rand_below(3) - 1u) * 512;
	case 15: return VBLK_FAST_MAX_BYTES + (unit_rand_below(3) - 1u) * in->blk_size;
	case 0: return unit_rand_below(3);                   /* 0, 1, 2 */
	case 1: return size_max;
	case 2: return size_max + 512;
	case 3: return size_max - 512;
	case 4: return in->blk_size + (unit_rand_below(3) - 1u) * 512;
	case 5: return UINT32_MAX - unit_rand_below(1024);
	case 6: return (uint32_t)unit_rand();
	case 7: return VIRTIO_BLK_ID_BYTES;
	case 8: return (unit_rand_below(BIG / 512) + 1) * 512;
	case 9: return (unit_rand_below(16) + 1) * 512;
	default: return (unit_rand_below(4) + 1) * in->blk_size; /* a few blocks */
	}
}

/* A sector near the ends of the disk (and where the merged check hands
 * over to the full one), or anything. */
static uint64_t pick_sector(uint64_t cap, uint32_t len)
{
	uint64_t sectors = len / 512;
	switch (unit_rand_below(12)) {
	case 10: return cap - VBLK_FAST_MAX_BYTES / 512 + unit_rand_below(3) - 1;
	case 11: return (cap - VBLK_FAST_MAX_BYTES / 512 - unit_rand_below(4)) & ~7ull;
	case 0: return cap - sectors;      /* ends at the capacity (or wraps) */
	case 1: return cap - sectors + 1;  /* one past */
	case 2: return cap;
	case 3: return UINT64_MAX - unit_rand_below(16);
	case 4: return (uint64_t)1 << (54 + unit_rand_below(10));
	case 5: return unit_rand();
	default: return unit_rand_below((uint32_t)cap) & ~7u;
	}
}

/*
 * Random one-buffer requests, each given to two devices built from `o`
 * that differ only in INDIRECT_DESC: with it, a request may take the
 * merged compares; without, every one goes through the full check.  Both
 * must give the same answer, complete the same way, and leave the same
 * disk and the same data read.
 */
static void same_verdicts(const struct sim_blk_opts *o, unsigned rounds)
{
	static struct tblk ta, tb;
	struct tblk *a = &ta, *b = &tb;
	struct sim_blk_opts def = { 0 };
	sim_reset_all();
	tblk_up(a, sim_blk_new(o ? o : &def), ALL_FEATURES, 16, 1);
	tblk_up(b, sim_blk_new(o ? o : &def), NO(VIRTIO_F_INDIRECT_DESC), 16, 1);
	CHECK(a->blk.queues[0]->tables);
	CHECK(!b->blk.queues[0]->tables);
	uint64_t cap = a->blk.info.capacity;
	CHECK(cap * 512 <= BIG);
	uint8_t *buf_a = tbuf(BIG, 1), *buf_b = tbuf(BIG, 1);
	unsigned accepted = 0, by_error[32] = { 0 };
	for (unsigned i = 0; i < rounds; i++) {
		uint32_t type = types[unit_rand_below(sizeof(types) / sizeof(types[0]))];
		uint32_t len = pick_len(&a->blk.info);
		uint64_t sector = pick_sector(cap, len);
		unsigned what = unit_rand_below(16); /* 0: no address, 1: no data, 2: no done */
		struct treq ra, rb;
		treq_init(&ra, type, sector, buf_a, 512, 1);
		treq_init(&rb, type, sector, buf_b, 512, 1);
		/* Buffers past BIG are never accepted: past every capacity here. */
		ra.sg[0] = (struct virtq_sg){ what == 0 ? NULL : buf_a, len };
		rb.sg[0] = (struct virtq_sg){ what == 0 ? NULL : buf_b, len };
		if (what == 1)
			ra.req.data = rb.req.data = NULL;
		if (what == 2)
			ra.req.done = rb.req.done = NULL;
		int rc = vblk_submit(&a->blk, 0, &ra.req);
		CHECK_ERR(vblk_submit(&b->blk, 0, &rb.req), rc);
		if (rc == VIRTIO_OK) {
			CHECK(len <= BIG);
			accepted++;
			CHECK_EQ(vblk_poll(&a->blk, 0), 1);
			CHECK_EQ(vblk_poll(&b->blk, 0), 1);
			CHECK_ERR(rb.status, ra.status);
			CHECK_EQ(ra.req.written, rb.req.written);
			if (type == VIRTIO_BLK_T_IN)
				CHECK(memcmp(buf_a, buf_b, len) == 0);
		} else {
			CHECK_EQ(ra.done_calls + rb.done_calls, 0);
			by_error[-rc < 32 ? -rc : 0]++;
		}
	}
	CHECK(memcmp(a->b->disk, b->b->disk, cap * 512) == 0);
	CHECK_EQ(a->b->errors, b->b->errors);
	/* The draw reached both sides of the limits. */
	if (getenv("VIRTIO_TEST_VERBOSE"))
		printf("accepted %u of %u; EINVAL %u ERANGE %u EALIGN %u EROFS %u\n", accepted,
		       rounds, by_error[-VIRTIO_EINVAL], by_error[-VIRTIO_ERANGE],
		       by_error[-VIRTIO_EALIGN], by_error[-VIRTIO_EROFS]);
	CHECK(accepted > rounds / 40);
	CHECK(by_error[-VIRTIO_EINVAL] > 0);
	CHECK(by_error[-VIRTIO_ERANGE] > 0);
	CHECK(a->blk.info.blk_size == 512 || by_error[-VIRTIO_EALIGN] > 0);
	CHECK(!a->blk.info.read_only || by_error[-VIRTIO_EROFS] > 0);
	CHECK_EQ(vblk_queue_free_slots(a->blk.queues[0]), 16);
	CHECK_EQ(vblk_queue_free_slots(b->blk.queues[0]), 16);
}

TEST(blk_one_buffer_same_verdicts_default)
{
	unit_srand(11);
	same_verdicts(NULL, 4000);
}

TEST(blk_one_buffer_same_verdicts_limits)
{
	unit_srand(12);
	struct sim_blk_opts o = { .size_max = 8192, .blk_size = 4096 };
	same_verdicts(&o, 4000);
	unit_srand(13);
	o = (struct sim_blk_opts){ .size_max = 4608, .blk_size = 1024, .sectors = 2000 };
	same_verdicts(&o, 4000);
	/* No size_max, and a disk not much longer than the merged check's
	 * longest request. */
	unit_srand(16);
	o = (struct sim_blk_opts){ .sectors = VBLK_FAST_MAX_BYTES / 512 + 40 };
	same_verdicts(&o, 4000);
}

/* A disk shorter than the merged check's longest request: no sector is
 * below its bound (it takes nothing), the full check takes what fits. */
TEST(blk_one_buffer_disk_shorter_than_the_merged_limit)
{
	unit_srand(17);
	struct sim_blk_opts o = { .sectors = VBLK_FAST_MAX_BYTES / 512 - 8 };
	same_verdicts(&o, 3000);
	struct tblk *t = tblk_with_opts(ALL_FEATURES, 16, &o);
	CHECK_EQ(t->blk.rw.sector_end, 0);
	uint8_t *b = tbuf(4096, 5);
	CHECK_OK(vblk_read(&t->blk, o.sectors - 8, b, 8, 10 * MS));
	CHECK_ERR(vblk_read(&t->blk, o.sectors - 7, b, 8, 10 * MS), VIRTIO_ERANGE);
}

/* A size_max below a sector: the merged check's bound of lengths is less
 * than a sector, and like the full check it takes no read or write. */
TEST(blk_one_buffer_size_max_below_a_sector)
{
	struct sim_blk_opts o = { .size_max = 256 };
	struct tblk *t = tblk_with_opts(ALL_FEATURES, 16, &o);
	CHECK(t->blk.queues[0]->tables);
	CHECK(t->blk.rw.type_end > 0);
	uint8_t *b = tbuf(4096, 6);
	for (uint32_t len = 0; len <= 1024; len += 128) {
		struct treq r;
		treq_init(&r, len % 256 ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, 8, b, 512, 1);
		r.sg[0].len = len;
		CHECK_ERR(vblk_submit(&t->blk, 0, &r.req), VIRTIO_EINVAL);
		CHECK_EQ(r.done_calls, 0);
	}
	CHECK_EQ(vblk_queue_free_slots(t->blk.queues[0]), 16);
}

TEST(blk_one_buffer_same_verdicts_read_only_and_legacy)
{
	unit_srand(14);
	struct sim_blk_opts o = { .ro = true, .blk_size = 2048 };
	same_verdicts(&o, 3000);
	unit_srand(15);
	o = (struct sim_blk_opts){ .version = 1, .size_max = 65536 };
	same_verdicts(&o, 3000);
}

/* The capacity the check compares with is the one a configuration change
 * just brought, not the one at probe. */
TEST(blk_one_buffer_follows_a_resize)
{
	struct sim_blk_opts o = { .sectors = 4096 };
	struct tblk *t = tblk_with_opts(ALL_FEATURES, 16, &o);
	uint8_t *b = tbuf(4096, 3);
	CHECK_EQ(t->blk.info.capacity, 4096);
	CHECK_OK(vblk_read(&t->blk, 4088, b, 8, 10 * MS));
	sim_blk_resize(t->sim, 1024, true);
	CHECK(vblk_interrupt(&t->blk) >= 0);
	CHECK_EQ(t->blk.info.capacity, 1024);
	CHECK_ERR(vblk_read(&t->blk, 1020, b, 8, 10 * MS), VIRTIO_ERANGE);
	CHECK_OK(vblk_read(&t->blk, 1016, b, 8, 10 * MS));
	sim_blk_resize(t->sim, 3000, true);
	CHECK(vblk_interrupt(&t->blk) >= 0);
	CHECK_OK(vblk_read(&t->blk, 2992, b, 8, 10 * MS));
	CHECK_ERR(vblk_read(&t->blk, 2996, b, 8, 10 * MS), VIRTIO_ERANGE);
}

/* Requests of every kind refused on a broken queue, with `nfree` slots
 * left: VIRTIO_EBROKEN before any argument or space check, nothing
 * exposed, no slot lost. */
static void refused_broken(struct tblk *t, uint8_t *b, uint16_t nfree)
{
	struct vblk_queue *q = t->blk.queues[0];
	unsigned notifies = t->sim->notifies, pending = sim_avail_pending(t->sim, 0);
	static const struct {
		uint32_t type;
		uint64_t sector;
		uint32_t len;
		unsigned nseg;
	} reqs[] = {
		{ VIRTIO_BLK_T_IN, 0, 4096, 1 },     /* valid: the merged path's */
		{ VIRTIO_BLK_T_OUT, 8, 512, 1 },     /* valid */
		{ VIRTIO_BLK_T_IN, 0, 700, 1 },      /* bad length */
		{ VIRTIO_BLK_T_IN, 2048, 512, 1 },   /* past the end */
		{ VIRTIO_BLK_T_IN, 0, 4096, 2 },     /* two buffers */
		{ VIRTIO_BLK_T_GET_ID, 0, 20, 1 },
		{ 77, 0, 512, 1 },
	};
	for (unsigned i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		struct treq r;
		treq_init(&r, reqs[i].type, reqs[i].sector, b, reqs[i].len, reqs[i].nseg);
		CHECK_ERR(vblk_submit(&t->blk, 0, &r.req), VIRTIO_EBROKEN);
		CHECK_EQ(r.done_calls, 0);
		CHECK_EQ(vblk_queue_free_slots(q), nfree);
	}
	CHECK_EQ(t->sim->notifies, notifies);
	CHECK_EQ(sim_avail_pending(t->sim, 0), pending);
}

TEST(blk_broken_queue_refuses_first_and_keeps_its_slots)
{
	for (unsigned inflight = 15; inflight <= 16; inflight++) {
		struct tblk *t = tblk_default(ALL_FEATURES, 16);
		struct vblk_queue *q = t->blk.queues[0];
		t->sim->mode = SIM_DEFERRED;
		uint8_t *b = tbuf(4096, 4);
		struct treq r[16];
		for (unsigned i = 0; i < inflight; i++) {
			treq_init(&r[i], VIRTIO_BLK_T_IN, i * 8, b, 4096, 1);
			CHECK_OK(vblk_submit(&t->blk, 0, &r[i].req));
		}
		/* The queue alone: the device stays live, so its check does
		 * not answer first. */
		virtq_mark_broken(&q->vq);
		CHECK(virtq_is_broken(&q->vq));
		CHECK_EQ(t->blk.vdev->state, VIRTIO_DEV_LIVE);
		/* A full queue too: broken, not full, is the answer. */
		refused_broken(t, b, (uint16_t)(16 - inflight));
		/* The chains in flight come back through the reset. */
		CHECK_OK(virtio_device_abort(t->blk.vdev, VIRTIO_ERESET));
		CHECK_OK(virtio_device_recover(t->blk.vdev));
		for (unsigned i = 0; i < inflight; i++) {
			CHECK_EQ(r[i].done_calls, 1);
			CHECK(r[i].status < 0);
			CHECK_EQ(r[i].req.written, 0);
		}
		/* Every slot is back: the whole queue takes requests again. */
		t->sim->mode = SIM_SYNC;
		CHECK_EQ(vblk_queue_free_slots(q), 16);
		for (unsigned i = 0; i < 16; i++) {
			treq_init(&r[i], VIRTIO_BLK_T_IN, i * 8, b, 4096, 1);
			CHECK_OK(vblk_submit_nokick(&t->blk, 0, &r[i].req));
		}
		struct treq extra;
		treq_init(&extra, VIRTIO_BLK_T_IN, 0, b, 4096, 1);
		CHECK_ERR(vblk_submit(&t->blk, 0, &extra.req), VIRTIO_ENOSPC);
		vblk_kick(&t->blk, 0);
		CHECK_EQ(vblk_poll(&t->blk, 0), 16);
	}
}
