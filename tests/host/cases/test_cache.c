/*
 * Cache maintenance order, for platforms without coherent DMA
 * (platform_default.h): virtio_cache_clean() on memory the device will
 * read, before the doorbell; virtio_cache_invalidate() on memory the
 * device wrote, after the device wrote it and before the CPU reads it.
 * The recorder logs every call with the device's notification and
 * completion counts at that moment.
 */
#include <string.h>

#include "harness/bringup.h"

struct cache_ev {
	enum sim_cache_op op;
	uintptr_t p;
	size_t n;
	unsigned notifies;
	uint64_t completions;
};

static struct cache_ev evs[4096];
static unsigned nevs;
static struct sim_dev *rec_dev;

static void recorder(enum sim_cache_op op, const void *p, size_t n)
{
	if (nevs < sizeof(evs) / sizeof(evs[0]))
		evs[nevs++] = (struct cache_ev){ op, (uintptr_t)p, n, rec_dev->notifies,
						 rec_dev->q[0].completions };
}

static void record(struct sim_dev *d)
{
	rec_dev = d;
	nevs = 0;
	sim_cache_hook = recorder;
}

/* Is there an `op` covering [p, p+n) with the notification count `notif`
 * (or any when -1) and completions at least `min_comp`? */
static bool seen(enum sim_cache_op op, const void *p, size_t n, int notif, uint64_t min_comp)
{
	uintptr_t a = (uintptr_t)p;
	for (unsigned i = 0; i < nevs; i++) {
		struct cache_ev *e = &evs[i];
		if (e->op == op && e->p <= a && a + n <= e->p + e->n &&
		    (notif < 0 || e->notifies == (unsigned)notif) && e->completions >= min_comp)
			return true;
	}
	return false;
}

static void ring_order(int packed)
{
	static struct tblk t;
	struct sim_blk_opts o = { 0 };
	tblk_up(&t, sim_blk_new(&o), packed ? ALL_FEATURES : NO(VIRTIO_F_RING_PACKED), 16, 1);
	struct sim_dev *d = t.sim;
	struct virtq *vq = &t.blk.queues[0]->vq;
	uint8_t *buf = tbuf(1024, 1);
	CHECK_OK(vblk_read(&t.blk, 0, buf, 2, 10 * MS)); /* warm up: slot state settles */

	unsigned n0 = d->notifies;
	uint64_t c0 = d->q[0].completions;
	record(d);
	CHECK_OK(vblk_read(&t.blk, 4, buf, 2, 10 * MS));
	CHECK_EQ(d->notifies, n0 + 1);
	struct vblk_queue *q = t.blk.queues[0];
	/* The request header the device reads: cleaned before the doorbell. */
	bool hdr = false, status = false;
	for (unsigned s = 0; s < q->vq.size; s++) {
		hdr |= seen(SIM_CACHE_CLEAN, &q->dma[s].hdr, sizeof(q->dma[s].hdr), (int)n0, 0);
		status |= seen(SIM_CACHE_INVALIDATE, &q->dma[s].status, 1, -1, c0 + 1);
	}
	CHECK_MSG(hdr, "request header not cleaned before the notification");
	CHECK_MSG(status, "status byte not invalidated after the completion");
	if (!packed) {
		CHECK_MSG(seen(SIM_CACHE_CLEAN, &vq->ring.split.avail->idx, 2, (int)n0, 0),
			  "avail.idx not cleaned before the notification");
		CHECK_MSG(seen(SIM_CACHE_INVALIDATE, &vq->ring.split.used->idx, 2, -1, c0 + 1),
			  "used.idx not invalidated after the completion");
		uint16_t slot = (uint16_t)((vq->last_used - 1) & (vq->size - 1));
		CHECK_MSG(seen(SIM_CACHE_INVALIDATE, &vq->ring.split.used->ring[slot], 8, -1, c0 + 1),
			  "used element not invalidated after the completion");
	} else {
		uint16_t at = (uint16_t)((vq->last_used + vq->size - 1) % vq->size);
		CHECK_MSG(seen(SIM_CACHE_CLEAN, &vq->ring.packed.desc[at], 16, (int)n0, 0),
			  "descriptor not cleaned before the notification");
		CHECK_MSG(seen(SIM_CACHE_INVALIDATE, &vq->ring.packed.desc[at], 16, -1, c0 + 1),
			  "used descriptor not invalidated after the completion");
	}
}

TEST(cache_ring_order_split)
{
	ring_order(0);
}

TEST(cache_ring_order_packed)
{
	ring_order(1);
}

TEST(cache_data_buffers_sync_helpers)
{
	/* vblk_read/vblk_write hand the caller's buffer to the device: on a
	 * non-coherent platform it must be cleaned before the device reads it
	 * and invalidated after the device wrote it. */
	struct tblk *t = tblk_default(ALL_FEATURES, 16);
	struct sim_dev *d = t->sim;
	uint8_t *buf = tbuf(2048, 3);
	unsigned n0 = d->notifies;
	uint64_t c0 = d->q[0].completions;
	record(d);
	CHECK_OK(vblk_write(&t->blk, 8, buf, 4, 10 * MS));
	CHECK_MSG(seen(SIM_CACHE_CLEAN, buf, 2048, (int)n0, 0),
		  "vblk_write: data not cleaned before the notification");
	record(d);
	CHECK_OK(vblk_read(&t->blk, 8, buf, 4, 10 * MS));
	CHECK_MSG(seen(SIM_CACHE_INVALIDATE, buf, 2048, -1, c0 + 2),
		  "vblk_read: data not invalidated after the completion");
}
