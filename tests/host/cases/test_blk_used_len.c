/*
 * The used length of a virtio-blk request (drivers/virtio/devices/blk.c,
 * the README's hardening section): a modern device must report every
 * device-writable byte of the request written, the status byte (the last
 * one) included (§2.7.8.3: nothing past len may be trusted), or the
 * request fails and the queue is handled as broken; a legacy device's
 * lengths are ignored (§5.2.6.3: they historically count the header, or
 * the whole chain), and one past the writable bytes is clamped, not a
 * fault.
 */
#include <string.h>

#include "harness/bringup.h"

/* Modern device, one queue of 16, the layout `packed` selects. */
static struct tblk *modern(int packed)
{
	return tblk_default(layout_mask(packed), 16);
}

static struct tblk *legacy(void)
{
	struct sim_blk_opts o = { .version = 1 };
	return tblk_with_opts(ALL_FEATURES, 16, &o);
}

/* A short length fails the request, latches the queue and notes the reset;
 * a recovery brings the disk back. */
static void short_length_is_a_fault(int packed, enum sim_used_len mode, uint32_t type)
{
	struct tblk *t = modern(packed);
	uint8_t *buf = tbuf(1024, 5);
	memcpy(t->b->disk + 8 * 512, buf, 1024);
	t->sim->used_len = mode;
	int rc = type == VIRTIO_BLK_T_IN ? vblk_read(&t->blk, 8, buf, 2, 10 * MS)
					 : vblk_write(&t->blk, 8, buf, 2, 10 * MS);
	CHECK_ERR(rc, VIRTIO_EBROKEN);
	CHECK(virtq_is_broken(&t->q[0].vq));
	CHECK_EQ(t->q[0].vq.stats.faults, 1);
	/* FAILED, then the reset of the synchronous helpers (§2.1.2). */
	CHECK(t->sim->status_log[t->sim->nstatus_log - 2] & VIRTIO_STATUS_FAILED);
	CHECK_EQ(t->sim->status_log[t->sim->nstatus_log - 1], 0);
	CHECK_EQ(t->blk.vdev->state, VIRTIO_DEV_DOWN);
	CHECK_ERR(vblk_read(&t->blk, 8, buf, 2, 10 * MS), VIRTIO_EBROKEN);
	t->sim->used_len = SIM_LEN_WRITTEN;
	CHECK_OK(virtio_device_recover(t->blk.vdev));
	CHECK_OK(vblk_read(&t->blk, 8, buf, 2, 10 * MS));
	CHECK(memcmp(buf, t->b->disk + 8 * 512, 1024) == 0);
}

TEST(blk_used_len_zero_is_a_fault_split)
{
	short_length_is_a_fault(0, SIM_LEN_ZERO, VIRTIO_BLK_T_IN);
}

TEST(blk_used_len_zero_is_a_fault_packed)
{
	short_length_is_a_fault(1, SIM_LEN_ZERO, VIRTIO_BLK_T_IN);
}

TEST(blk_used_len_without_status_is_a_fault_read)
{
	/* The data but not the status byte: the status is not trusted. */
	short_length_is_a_fault(0, SIM_LEN_SHORT, VIRTIO_BLK_T_IN);
}

TEST(blk_used_len_without_status_is_a_fault_write)
{
	short_length_is_a_fault(1, SIM_LEN_SHORT, VIRTIO_BLK_T_OUT);
}

TEST(blk_used_len_short_async_fails_that_request_and_notes_recovery)
{
	/* Interrupt path: the short one fails at once, the others in flight
	 * come back when the recovery resets the device. */
	struct tblk *t = modern(0);
	struct sim_dev *d = t->sim;
	d->mode = SIM_DEFERRED;
	struct treq r[3];
	for (unsigned i = 0; i < 3; i++) {
		treq_init(&r[i], VIRTIO_BLK_T_IN, i, tbuf(512, i), 512, 1);
		CHECK_OK(vblk_submit(&t->blk, 0, &r[i].req));
	}
	CHECK_EQ(sim_consume(d, 0), 3);
	d->used_len = SIM_LEN_ZERO;
	sim_complete(d, 0, 1);
	CHECK_ERR(vblk_interrupt(&t->blk), VIRTIO_EBROKEN);
	CHECK_EQ(r[0].done_calls, 1);
	CHECK_ERR(r[0].status, VIRTIO_EBROKEN);
	CHECK_EQ(r[1].done_calls + r[2].done_calls, 0);
	CHECK_EQ(virtio_device_pending(t->blk.vdev), VIRTIO_PENDING_RECOVER);
	d->used_len = SIM_LEN_WRITTEN;
	CHECK_OK(virtio_device_recover(t->blk.vdev));
	for (unsigned i = 1; i < 3; i++) {
		CHECK_EQ(r[i].done_calls, 1);
		CHECK_ERR(r[i].status, VIRTIO_EBROKEN);
	}
}

TEST(blk_used_len_exact_is_taken_and_reported)
{
	struct tblk *t = modern(1);
	uint8_t *buf = tbuf(2048, 6);
	struct treq r;
	treq_init(&r, VIRTIO_BLK_T_IN, 0, buf, 2048, 2);
	CHECK_OK(vblk_submit(&t->blk, 0, &r.req));
	CHECK_EQ(r.done_calls, 0);
	CHECK(vblk_poll(&t->blk, 0) == 1);
	CHECK_OK(r.status);
	CHECK_EQ(r.req.written, 2048 + 1);
}

TEST(blk_used_len_legacy_counting_the_header_is_clamped)
{
	/* Before: the queue faulted on a length past the writable bytes, so
	 * such a legacy device could never be used. */
	struct tblk *t = legacy();
	t->sim->used_len = SIM_LEN_TOTAL;
	tblk_roundtrip(&t->blk, t->b->disk, 20, 2, 7);
	CHECK_EQ(t->blk.sync.req.written, 1024 + 1); /* clamped to what was posted */
	CHECK(!virtq_is_broken(&t->q[0].vq));
	CHECK_EQ(t->q[0].vq.stats.faults, 0);
}

TEST(blk_used_len_legacy_short_is_ignored)
{
	/* §5.2.6.3: a transitional driver SHOULD ignore the used length. */
	struct tblk *t = legacy();
	t->sim->used_len = SIM_LEN_ZERO;
	tblk_roundtrip(&t->blk, t->b->disk, 3, 1, 9);
	/* The status byte still counts: one never written is still caught. */
	t->b->no_status = true;
	CHECK_ERR(vblk_read(&t->blk, 3, tbuf(512, 10), 1, 10 * MS), VIRTIO_ENOSTATUS);
}

TEST(blk_used_len_modern_past_the_writable_bytes_is_still_a_fault)
{
	struct tblk *t = modern(0);
	t->sim->used_len = SIM_LEN_TOTAL;
	uint8_t *buf = tbuf(512, 11);
	CHECK_ERR(vblk_read(&t->blk, 1, buf, 1, 10 * MS), VIRTIO_EBROKEN);
	CHECK(virtq_is_broken(&t->q[0].vq));
}
