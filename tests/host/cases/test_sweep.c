/*
 * Parameter sweeps: queue sizes x indirect on/off x EVENT_IDX on/off for
 * both layouts, with random chains, random kicks, random partial and
 * out-of-order completion; and 70,000 requests through rings of 4 and 8
 * entries, past the 16-bit index wrap (split) and through tens of
 * thousands of wrap-counter flips (packed).
 *
 * A model of the free-descriptor count is kept beside the library's and
 * compared after every add; ENOSPC must come exactly when the model says
 * the chain does not fit.
 */

#include "harness/chains.h"

#define SW_FEATURES                                                                \
	(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |     \
	 VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | VIRTIO_BIT(VIRTIO_F_RING_PACKED) |       \
	 VIRTIO_BIT(VIRTIO_F_NOTIFICATION_DATA))
#define SW_MAXN   8   /* buffers per chain */
#define SW_IND    8   /* indirect table entries */
#define SW_STRIDE 512 /* arena bytes per token */

struct sw_tok {
	struct tchain c;
	bool in_flight;
	unsigned need;
};

struct sw_stats {
	uint64_t done, enospc, max_inflight;
};

static unsigned sw_drain(struct tvq *t, struct sw_tok *tok, unsigned ntok, unsigned *model_free,
			 unsigned *inflight)
{
	void *p;
	uint32_t len;
	int rc;
	unsigned n = 0;
	while ((rc = virtq_get_used(&t->vq, &p, &len)) == 1) {
		struct sw_tok *x = p;
		CHECK_MSG(x >= tok && x < tok + ntok, "unknown token %p", p);
		CHECK_MSG(x->in_flight, "token %u returned twice", (unsigned)(x - tok));
		x->in_flight = false;
		CHECK_EQ(len, tchain_expect_len(&x->c));
		uint64_t bad = tchain_check(&x->c);
		CHECK_MSG(bad == 0, "token %u: byte %llu of the writable data is wrong",
			  (unsigned)(x - tok), (unsigned long long)(bad - 1));
		*model_free += x->need;
		(*inflight)--;
		n++;
	}
	CHECK_OK(rc);
	CHECK_EQ(virtq_free_descs(&t->vq), *model_free);
	return n;
}

static void sweep_one(bool packed, uint16_t size, bool indirect, bool event_idx, unsigned nreq,
		      bool reorder, struct sw_stats *st)
{
	sim_reset_all();
	uint64_t mask = ALL_FEATURES;
	if (!packed)
		mask &= NO(VIRTIO_F_RING_PACKED);
	if (!indirect)
		mask &= NO(VIRTIO_F_INDIRECT_DESC);
	if (!event_idx)
		mask &= NO(VIRTIO_F_EVENT_IDX);
	struct tvq t;
	tvq_up(&t, sim_echo_new(2, SW_FEATURES, size > 1024 ? size : 1024), mask, size,
	       indirect ? SW_IND : 0);
	struct sim_dev *d = t.sim;
	CHECK_EQ(d->q[0].packed, packed);
	CHECK_EQ(d->q[0].indirect, indirect);
	CHECK_EQ(d->q[0].event_idx, event_idx);
	d->mode = SIM_DEFERRED;
	d->reorder = reorder;

	unsigned ntok = size;
	struct sw_tok *tok = tmem_alloc((size_t)(ntok) * sizeof(*tok), 64);
	uint8_t *arena = tmem_alloc((size_t)ntok * SW_STRIDE, 64);
	unsigned *freetok = tmem_alloc((size_t)(ntok) * sizeof(unsigned), 64);
	unsigned nfreetok = ntok;
	for (unsigned i = 0; i < ntok; i++)
		freetok[i] = ntok - 1 - i;
	unsigned model_free = size, inflight = 0;
	uint64_t issued = 0, done = 0, step = 0;

	while (done < nreq) {
		CHECK_MSG(++step < 200ull * nreq + 100000, "no progress: %llu of %u done",
			  (unsigned long long)done, nreq);
		/* Phases: fill (many adds, few completions), balanced, drain;
		 * so that big rings get many chains in flight too. */
		unsigned phase = (unsigned)((step / (size > 64 ? 509 : 37)) % 3);
		unsigned action = unit_rand_below(20);
		if (phase == 0 && action >= 13 && unit_rand_below(8))
			action = unit_rand_below(13);
		if (phase == 2 && action < 9 && unit_rand_below(2))
			action = 13 + unit_rand_below(7);
		if (action < 9 && issued < nreq && nfreetok) {
			unsigned n, tries = 0;
			do {
				n = 1 + unit_rand_below(SW_MAXN);
			} while (n > size && ++tries < 100); /* never longer than the queue */
			if (tries >= 100)
				n = 1;
			unsigned nout = unit_rand_below(n + 1);
			uint32_t lens[SW_MAXN];
			for (unsigned i = 0; i < n; i++)
				lens[i] = 1 + unit_rand_below(unit_rand_below(8) ? 48 : 63);
			unsigned ti = freetok[nfreetok - 1];
			struct sw_tok *x = &tok[ti];
			tchain_make(&x->c, arena + (size_t)ti * SW_STRIDE, nout, n - nout, lens,
				    (uint32_t)issued);
			unsigned need = (indirect && n > VIRTQ_INDIRECT_THRESHOLD && n <= SW_IND) ? 1 : n;
			int rc = virtq_add(&t.vq, x->c.sg, nout, n - nout, x);
			if (need > model_free) {
				CHECK_MSG(rc == VIRTIO_ENOSPC,
					  "add of %u descriptors with %u free: got %s, want ENOSPC",
					  need, model_free, unit_errname(rc));
				st->enospc++;
			} else {
				CHECK_MSG(rc == VIRTIO_OK, "add of %u buffers (%u descs, %u free): %s", n,
					  need, model_free, unit_errname(rc));
				x->in_flight = true;
				x->need = need;
				model_free -= need;
				nfreetok--;
				issued++;
				inflight++;
				if (inflight > st->max_inflight)
					st->max_inflight = inflight;
			}
			CHECK_EQ(virtq_free_descs(&t.vq), model_free);
		} else if (action < 13) {
			virtq_kick(&t.vq);
		} else if (action < 17) {
			sim_consume(d, 0);
			sim_complete(d, 0, 1 + unit_rand_below(6));
		} else {
			unsigned before = inflight;
			done += sw_drain(&t, tok, ntok, &model_free, &inflight);
			/* give tokens back */
			if (inflight != before) {
				nfreetok = 0;
				for (unsigned i = 0; i < ntok; i++)
					if (!tok[i].in_flight)
						freetok[nfreetok++] = i;
			}
		}
		if (issued == nreq && inflight) {
			virtq_kick(&t.vq);
			sim_process(d);
		}
	}
	CHECK_EQ(inflight, 0);
	CHECK_EQ(virtq_free_descs(&t.vq), size);
	CHECK_EQ(d->q[0].npending, 0);
	CHECK_EQ(d->q[0].completions, nreq);
	st->done += done;
}

static void sweep(bool packed, const uint16_t *sizes, unsigned nsizes)
{
	struct sw_stats st = { 0 };
	for (unsigned s = 0; s < nsizes; s++)
		for (int ind = 0; ind < 2; ind++)
			for (int ei = 0; ei < 2; ei++) {
				unit_log("sweep %s size %u indirect %d event_idx %d\n",
					 packed ? "packed" : "split", sizes[s], ind, ei);
				sweep_one(packed, sizes[s], ind, ei, 300, true, &st);
			}
	unit_log("sweep: %llu requests, %llu ENOSPC, max in flight %llu\n",
		 (unsigned long long)st.done, (unsigned long long)st.enospc,
		 (unsigned long long)st.max_inflight);
	CHECK(st.enospc > 0);
}

TEST(sweep_split_sizes_indirect_event_idx)
{
	static const uint16_t sizes[] = { 1, 2, 4, 16, 256, 1024 };
	sweep(false, sizes, 6);
}

TEST(sweep_packed_sizes_indirect_event_idx)
{
	static const uint16_t sizes[] = { 1, 2, 3, 16, 256, 1000, 1024 };
	sweep(true, sizes, 7);
}

TEST(sweep_largest_queue_32768)
{
	/* The largest legal size, both layouts: indices and wrap counters at
	 * the top of their range. */
	struct sw_stats st = { 0 };
	sweep_one(false, 32768, true, true, 3000, true, &st);
	sweep_one(true, 32768, true, true, 3000, true, &st);
	sweep_one(true, 32767, false, false, 3000, true, &st);
}

TEST(sweep_in_order_completion)
{
	/* The same without reordering: the common case must work too. */
	struct sw_stats st = { 0 };
	sweep_one(false, 16, true, true, 500, false, &st);
	sweep_one(true, 16, true, true, 500, false, &st);
	sweep_one(true, 7, false, false, 500, false, &st);
}

static void wrap(bool packed, uint16_t size, bool indirect, bool event_idx)
{
	struct sw_stats st = { 0 };
	sweep_one(packed, size, indirect, event_idx, 70000, true, &st);
	CHECK_EQ(st.done, 70000);
}

TEST(wrap_70k_split_size4)
{
	wrap(false, 4, false, true);
}

TEST(wrap_70k_split_size8_indirect)
{
	wrap(false, 8, true, false);
}

TEST(wrap_70k_packed_size4)
{
	wrap(true, 4, false, true);
}

TEST(wrap_70k_packed_size8_indirect)
{
	wrap(true, 8, true, false);
}
