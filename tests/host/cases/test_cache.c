/*
 * Cache maintenance order, for platforms without coherent DMA
 * (platform_default.h): virtio_cache_clean() on memory the device will
 * read, before the doorbell; virtio_cache_invalidate() on memory the
 * device wrote, after the device wrote it and before the CPU reads it.
 * The recorder logs every call with the device's notification and
 * completion counts at that moment, and every barrier, in one sequence.
 */
#include <string.h>

#include "harness/bringup.h"

struct cache_ev {
	enum sim_cache_op op;
	uintptr_t p;
	size_t n;
	unsigned notifies;
	uint64_t completions;
	bool is_barrier;        /* a virtio_*mb*() instead: */
	enum sim_barrier barrier;
};

static struct cache_ev evs[4096];
static unsigned nevs;
static struct sim_dev *rec_dev;

static void recorder(enum sim_cache_op op, const void *p, size_t n)
{
	if (nevs < sizeof(evs) / sizeof(evs[0]))
		evs[nevs++] = (struct cache_ev){ op, (uintptr_t)p, n, rec_dev->notifies,
						 rec_dev->q[0].completions, false, SIM_MB };
}

static void barrier_recorder(enum sim_barrier b)
{
	if (nevs < sizeof(evs) / sizeof(evs[0]))
		evs[nevs++] = (struct cache_ev){ .is_barrier = true, .barrier = b };
}

static void record(struct sim_dev *d)
{
	rec_dev = d;
	nevs = 0;
	sim_cache_hook = recorder;
	sim_barrier_hook = barrier_recorder;
}

/* The first `op` covering [p, p+n) at or after event `from`; nevs if none. */
static unsigned find(unsigned from, enum sim_cache_op op, const void *p, size_t n)
{
	uintptr_t a = (uintptr_t)p;
	for (unsigned i = from; i < nevs; i++)
		if (!evs[i].is_barrier && evs[i].op == op && evs[i].p <= a && a + n <= evs[i].p + evs[i].n)
			return i;
	return nevs;
}

/* Is there an `op` covering [p, p+n) with the notification count `notif`
 * (or any when -1) and completions at least `min_comp`? */
static bool seen(enum sim_cache_op op, const void *p, size_t n, int notif, uint64_t min_comp)
{
	uintptr_t a = (uintptr_t)p;
	for (unsigned i = 0; i < nevs; i++) {
		struct cache_ev *e = &evs[i];
		if (!e->is_barrier && e->op == op && e->p <= a && a + n <= e->p + e->n &&
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
		/* (A read of one buffer: its slot's pre-built read header.) */
		const struct virtio_blk_req_hdr *h =
			q->tables ? &q->dma[s].rw[VIRTIO_BLK_T_IN].hdr : &q->dma[s].hdr;
		hdr |= seen(SIM_CACHE_CLEAN, h, sizeof(*h), (int)n0, 0);
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

/*
 * EVENT_IDX, callbacks on: each pop stores the event index (split
 * used_event, packed driver off_wrap), and the next pop loads the used
 * index (split used.idx, packed the flags at the next position).  Store
 * then load: only a full barrier orders them (RVWMO and Arm reorder a
 * later load before an earlier store).  Without it the load can see "no
 * more" while the device, not yet seeing the new event index, sends no
 * interrupt: a caller that drains and then sleeps waits forever.  Seen
 * as store (clean) -> virtio_mb() -> load (invalidate).
 */
static void event_store_then_load(bool packed)
{
	sim_reset_all();
	struct tvq t;
	tvq_up(&t, sim_echo_new(2, VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX) |
					   VIRTIO_BIT(VIRTIO_F_RING_PACKED),
				64),
	       layout_mask(packed), 8, 0);
	struct virtq *vq = &t.vq;
	CHECK(virtq_has_event_idx(vq));
	uint8_t *buf = tmem_alloc(64, 64);
	struct virtq_sg sg = { buf, 64 };
	CHECK_OK(virtq_add(vq, &sg, 0, 1, buf));
	virtq_kick(vq); /* the synchronous device completes it at once */
	record(t.sim);
	void *tok;
	uint32_t len;
	CHECK_EQ(virtq_get_used(vq, &tok, &len), 1);
	CHECK_EQ(virtq_get_used(vq, &tok, &len), 0);
	sim_cache_hook = NULL;
	sim_barrier_hook = NULL;

	const void *event = packed ? (const void *)&vq->ring.packed.driver->off_wrap
				   : (const void *)&vq->ring.split.avail->ring[vq->size];
	const void *next = packed ? (const void *)&vq->ring.packed.desc[vq->last_used]
				  : (const void *)&vq->ring.split.used->idx;
	unsigned store = find(0, SIM_CACHE_CLEAN, event, 2);
	CHECK_MSG(store < nevs, "the pop did not store (clean) the event index");
	unsigned load = find(store + 1, SIM_CACHE_INVALIDATE, next, 2);
	CHECK_MSG(load < nevs, "no load (invalidate) of the used index after the event store");
	bool mb = false;
	for (unsigned i = store + 1; i < load; i++)
		mb |= evs[i].is_barrier && evs[i].barrier == SIM_MB;
	CHECK_MSG(mb, "event index store (event %u) and the next used-index load (event %u) "
		      "with no virtio_mb() between them", store, load);
}

TEST(barrier_event_index_store_before_used_load_split)
{
	event_store_then_load(false);
}

TEST(barrier_event_index_store_before_used_load_packed)
{
	event_store_then_load(true);
}
