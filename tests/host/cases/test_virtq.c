/*
 * Virtqueue API (virtq.h) against the echo device, split and packed:
 * creation checks, round trips of 1..N-buffer chains, free-descriptor
 * accounting, indirect tables, out-of-order completion, reclaim, a broken
 * queue's latch, legacy rings, and a live queue left untouched.  The
 * chains the queue refuses are test_virtq_chains.c's, notification and
 * interrupt suppression test_virtq_notify.c's.
 */
#include "harness/chains.h"
#include "harness/pci_fixture.h"

TEST(virtq_create_rejects_bad_arguments)
{
	for (int packed = 0; packed < 2; packed++) {
		sim_reset_all();
		struct sim_dev *d = tvq_echo(64);
		struct virtio_mmio m;
		struct virtq vq;
		CHECK_OK(virtio_mmio_probe(&m, d->base));
		CHECK_OK(virtio_device_begin(&m.vdev, 0, tvq_mask_for(packed, true, true)));
		size_t len = virtq_mem_bytes(64, virtq_layout(&m.vdev), 4);
		uint8_t *mem = tmem_alloc(len + 4096, VIRTQ_MEM_ALIGN);
		CHECK_ERR(virtq_create(&vq, &m.vdev, 0, 0, mem, len, 4), VIRTIO_EINVAL);
		if (!packed)
			CHECK_ERR(virtq_create(&vq, &m.vdev, 0, 48, mem, len, 4), VIRTIO_EINVAL);
		CHECK_ERR(virtq_create(&vq, &m.vdev, 0, 128, mem, len + 4096, 4), VIRTIO_EINVAL);
		CHECK_ERR(virtq_create(&vq, &m.vdev, 1, 16, mem, len, 4), VIRTIO_ENOQUEUE);
		CHECK_ERR(virtq_create(&vq, &m.vdev, 0, 64, mem + 64, len, 4), VIRTIO_ENOMEM);
		CHECK_ERR(virtq_create(&vq, &m.vdev, 0, 64, mem, len - 1, 4), VIRTIO_ENOMEM);
		CHECK_ERR(virtq_create(&vq, &m.vdev, 0, 64, NULL, len, 4), VIRTIO_ENOMEM);
		CHECK(!d->q[0].ready);
		/* Memory given but rejected is untouched beyond the block. */
		CHECK_OK(virtq_create(&vq, &m.vdev, 0, 64, mem, len, 4));
		CHECK(d->q[0].ready);
		CHECK_EQ(d->q[0].num, 64);
		CHECK_EQ(d->q[0].packed, packed);
		CHECK_EQ(vq.packed, packed);
		CHECK_EQ(vq.size, 64);
	}
}

TEST(virtq_mem_bytes_sane)
{
	/* Grows with the size and the indirect tables; never tiny. */
	CHECK(virtq_mem_bytes(1, VIRTQ_LAYOUT_SPLIT, 0) >= 16 + 6 + 2 + 6 + 8);
	CHECK(virtq_mem_bytes(1, VIRTQ_LAYOUT_PACKED, 0) >= 16 + 4 + 4);
	CHECK(virtq_mem_bytes(256, VIRTQ_LAYOUT_SPLIT, 8) >=
	      virtq_mem_bytes(256, VIRTQ_LAYOUT_SPLIT, 0) + 256 * 8 * 16);
	CHECK(virtq_mem_bytes(256, VIRTQ_LAYOUT_PACKED, 8) >=
	      virtq_mem_bytes(256, VIRTQ_LAYOUT_PACKED, 0) + 256 * 8 * 16);
	CHECK(virtq_mem_bytes(32768, VIRTQ_LAYOUT_SPLIT, 0) > 32768u * 16);
	CHECK(virtq_mem_bytes(1000, VIRTQ_LAYOUT_PACKED, 0) >= 1000u * 16 + 8);
}

static void roundtrip(bool packed, bool indirect, bool event_idx, uint16_t size)
{
	struct tvq t;
	tvq_up(&t, tvq_echo(1024), tvq_mask_for(packed, indirect, event_idx), size, indirect ? 16 : 0);
	struct sim_dev *d = t.sim;
	CHECK_EQ(d->q[0].packed, packed);
	CHECK_EQ(d->q[0].indirect, indirect);
	CHECK_EQ(d->q[0].event_idx, event_idx);
	uint8_t *arena = tmem_alloc(16 * 256, 64);
	/* No chain is longer than the queue, indirect or not (§2.7.5.3.1). */
	unsigned maxn = size < TCHAIN_MAX ? size : TCHAIN_MAX;
	for (unsigned n = 1; n <= maxn; n++) {
		for (unsigned n_out = 0; n_out <= n; n_out++) {
			uint32_t lens[TCHAIN_MAX];
			for (unsigned i = 0; i < n; i++)
				lens[i] = 1 + (uint32_t)((n * 37 + i * 11 + n_out) % 200);
			struct tchain c;
			tchain_make(&c, arena, n_out, n - n_out, lens, n * 100 + n_out);
			void *token = (void *)(uintptr_t)(0x1000 + n * 64 + n_out);
			unsigned chains0 = d->q[0].chains, ind0 = d->q[0].indirect_chains;
			CHECK_OK(virtq_add(&t.vq, c.sg, c.n_out, c.n_in, token));
			bool ind = indirect && n > VIRTQ_INDIRECT_THRESHOLD;
			CHECK_EQ(virtq_free_descs(&t.vq), size - (ind ? 1 : n));
			virtq_kick(&t.vq); /* synchronous device: used on return */
			CHECK_EQ(d->q[0].chains, chains0 + 1);
			CHECK_EQ(d->q[0].indirect_chains, ind0 + ind);
			CHECK(virtq_has_used(&t.vq));
			tvq_pop_one(&t, token, &c);
			CHECK_EQ(virtq_free_descs(&t.vq), size);
			CHECK(!virtq_has_used(&t.vq));
			void *tok;
			uint32_t len;
			CHECK_EQ(virtq_get_used(&t.vq, &tok, &len), 0);
		}
	}
}

TEST(virtq_roundtrip_split)
{
	roundtrip(false, false, false, 16);
	sim_reset_all();
	roundtrip(false, true, true, 16);
	sim_reset_all();
	roundtrip(false, true, false, 4);
}

TEST(virtq_roundtrip_packed)
{
	roundtrip(true, false, false, 16);
	sim_reset_all();
	roundtrip(true, true, true, 16);
	sim_reset_all();
	roundtrip(true, false, true, 5);
}

static void fill_to_full(bool packed, bool indirect)
{
	const uint16_t size = 8;
	struct tvq t;
	tvq_up(&t, tvq_echo(64), tvq_mask_for(packed, indirect, true), size, indirect ? 8 : 0);
	t.sim->mode = SIM_DEFERRED;
	uint8_t *arena = tmem_alloc(64 * 64, 64);
	struct tchain c[64];
	uint32_t lens[4] = { 8, 8, 8, 8 };
	unsigned added = 0;
	/* 3-buffer chains: 1 slot each with indirect, else 3. */
	for (;;) {
		tchain_make(&c[added], arena + 64 * added, 1, 2, lens, added);
		int rc = virtq_add(&t.vq, c[added].sg, 1, 2, &c[added]);
		if (rc == VIRTIO_ENOSPC)
			break;
		CHECK_OK(rc);
		added++;
		CHECK(added <= size);
	}
	CHECK_EQ(added, indirect ? size : size / 3);
	CHECK_EQ(virtq_free_descs(&t.vq), indirect ? 0 : size % 3);
	/* A single buffer still fits when 2 descriptors are left over. */
	if (!indirect) {
		uint32_t one = 8;
		struct tchain s;
		tchain_make(&s, arena + 64 * 60, 0, 1, &one, 99);
		CHECK_OK(virtq_add(&t.vq, s.sg, 0, 1, &s));
		CHECK_OK(virtq_add(&t.vq, s.sg, 0, 1, &s));
		CHECK_ERR(virtq_add(&t.vq, s.sg, 0, 1, &s), VIRTIO_ENOSPC);
		added += 2;
	}
	virtq_kick(&t.vq);
	CHECK_EQ(sim_process(t.sim), added);
	unsigned got = 0;
	void *tok;
	uint32_t len;
	while (virtq_get_used(&t.vq, &tok, &len) == 1)
		got++;
	CHECK_EQ(got, added);
	CHECK_EQ(virtq_free_descs(&t.vq), size);
	for (unsigned i = 0; i + (indirect ? 0 : 0) < (indirect ? size : size / 3); i++)
		CHECK_EQ(tchain_check(&c[i]), 0);
}

TEST(virtq_full_ring_enospc_split)
{
	fill_to_full(false, false);
	sim_reset_all();
	fill_to_full(false, true);
}

TEST(virtq_full_ring_enospc_packed)
{
	fill_to_full(true, false);
	sim_reset_all();
	fill_to_full(true, true);
}

static void reordered(bool packed, bool indirect)
{
	const uint16_t size = 64;
	struct tvq t;
	tvq_up(&t, tvq_echo(64), tvq_mask_for(packed, indirect, true), size, indirect ? 8 : 0);
	struct sim_dev *d = t.sim;
	d->mode = SIM_DEFERRED;
	d->reorder = true;
	uint8_t *arena = tmem_alloc(64 * 256, 64);
	struct tchain c[64];
	bool seen[64];
	for (unsigned round = 0; round < 20; round++) {
		unsigned n = 0, used_descs = 0;
		for (;;) {
			unsigned k = 1 + (round + n) % 4, nout = (n + round) % (k + 1);
			uint32_t lens[4] = { 8 + n, 16, 24, 32 };
			unsigned need = (indirect && k > VIRTQ_INDIRECT_THRESHOLD) ? 1 : k;
			if (used_descs + need > size)
				break;
			tchain_make(&c[n], arena + 256 * n, nout, k - nout, lens, round * 64 + n);
			CHECK_OK(virtq_add(&t.vq, c[n].sg, nout, k - nout, &c[n]));
			used_descs += need;
			n++;
		}
		virtq_kick(&t.vq);
		memset(seen, 0, sizeof(seen));
		/* complete in random order, in random batch sizes */
		sim_consume(d, 0);
		unsigned got = 0, spins = 0;
		while (got < n) {
			CHECK_MSG(++spins < 10000, "no progress: %u of %u completed", got, n);
			sim_complete(d, 0, 1 + unit_rand_below(5));
			void *tok;
			uint32_t len;
			int rc;
			while ((rc = virtq_get_used(&t.vq, &tok, &len)) == 1) {
				struct tchain *x = tok;
				CHECK(x >= c && x < c + n);
				CHECK(!seen[x - c]);
				seen[x - c] = true;
				CHECK_EQ(len, tchain_expect_len(x));
				CHECK_EQ(tchain_check(x), 0);
				got++;
			}
			CHECK_OK(rc);
		}
		CHECK_EQ(virtq_free_descs(&t.vq), size);
	}
}

TEST(virtq_out_of_order_split)
{
	reordered(false, false);
	sim_reset_all();
	reordered(false, true);
}

TEST(virtq_out_of_order_packed)
{
	reordered(true, false);
	sim_reset_all();
	reordered(true, true);
}

static void reclaim(bool packed)
{
	struct tvq t;
	tvq_up(&t, tvq_echo(64), tvq_mask_for(packed, true, true), 8, 4);
	struct sim_dev *d = t.sim;
	d->fault = SIM_FAULT_WITHHOLD;
	uint8_t *arena = tmem_alloc(8 * 64, 64);
	struct tchain c[3];
	uint32_t lens[3] = { 16, 16, 16 };
	for (unsigned i = 0; i < 3; i++) {
		tchain_make(&c[i], arena + 64 * i, 1, 1 + i % 2, lens, i);
		CHECK_OK(virtq_add(&t.vq, c[i].sg, 1, 1 + i % 2, &c[i]));
	}
	virtq_kick(&t.vq);
	CHECK_EQ(d->q[0].npending, 3);
	void *tok;
	uint32_t len;
	CHECK_EQ(virtq_get_used(&t.vq, &tok, &len), 0);
	/* §3.3: only after a reset do the buffers come back. */
	CHECK_OK(virtio_device_reset(&t.mmio.vdev));
	bool seen[3] = { false, false, false };
	for (unsigned i = 0; i < 3; i++) {
		CHECK_EQ(virtq_reclaim(&t.vq, &tok), 1);
		struct tchain *x = tok;
		CHECK(x >= c && x < c + 3);
		CHECK(!seen[x - c]);
		seen[x - c] = true;
	}
	CHECK_EQ(virtq_reclaim(&t.vq, &tok), 0);
}

TEST(virtq_reclaim_after_reset_split)
{
	reclaim(false);
}

TEST(virtq_reclaim_after_reset_packed)
{
	reclaim(true);
}

TEST(virtq_mark_broken_latches)
{
	for (int packed = 0; packed < 2; packed++) {
		sim_reset_all();
		struct tvq t;
		tvq_up(&t, tvq_echo(64), tvq_mask_for(packed, true, true), 8, 4);
		uint8_t *buf = tmem_alloc(64, 64);
		struct virtq_sg sg = { buf, 64 };
		virtq_mark_broken(&t.vq);
		CHECK(virtq_is_broken(&t.vq));
		CHECK(t.sim->status & VIRTIO_STATUS_FAILED);
		CHECK_ERR(virtq_add(&t.vq, &sg, 0, 1, buf), VIRTIO_EBROKEN);
		void *tok;
		uint32_t len;
		CHECK_ERR(virtq_get_used(&t.vq, &tok, &len), VIRTIO_EBROKEN);
		CHECK(!virtq_kick_prepare(&t.vq));
		CHECK_EQ(t.sim->notifies, 0);
	}
}

TEST(virtq_legacy_echo)
{
	struct tvq t;
	tvq_up(&t, sim_echo_new(1, VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
					     VIRTIO_BIT(VIRTIO_F_EVENT_IDX), 256),
	       ALL_FEATURES, 256, 8);
	CHECK(t.mmio.vdev.legacy);
	CHECK(!t.vq.packed);
	uint8_t *arena = tmem_alloc(4096, 64);
	for (unsigned i = 0; i < 1000; i++) {
		struct tchain c;
		uint32_t lens[5] = { 1 + i % 50, 7, 100, 3, 64 };
		unsigned n = 1 + i % 5, nout = i % (n + 1);
		tchain_make(&c, arena, nout, n - nout, lens, i);
		tvq_add_kick_pop(&t, &c);
	}
}

/* A queue already live on the device: virtq_create() is refused and
 * touches nothing, neither the new block nor the ring the device is
 * using (called again with the same memory), on every transport. */
static void live_queue_untouched(struct virtio_device *d, bool low)
{
	size_t len = virtq_mem_bytes(16, virtq_layout(d), 4);
	uint8_t *mem = low ? tmem_alloc_low(len, VIRTQ_MEM_ALIGN) : tmem_alloc(len, VIRTQ_MEM_ALIGN);
	uint8_t *mem2 = low ? tmem_alloc_low(len, VIRTQ_MEM_ALIGN) : tmem_alloc(len, VIRTQ_MEM_ALIGN);
	uint8_t *copy = tmem_alloc(len, 64);
	struct virtq vq, vq2;
	CHECK_OK(virtq_create(&vq, d, 0, 16, mem, len, 4));
	virtio_device_ready(d);
	uint8_t *buf = tmem_alloc(64, 64);
	struct virtq_sg sg = { buf, 64 };
	CHECK_OK(virtq_add(&vq, &sg, 0, 1, buf)); /* in flight, not kicked */
	tmem_fill(mem2, len, 7);
	memcpy(copy, mem2, len);
	CHECK_ERR(virtq_create(&vq2, d, 0, 16, mem2, len, 4), VIRTIO_EINVAL);
	CHECK_MSG(memcmp(copy, mem2, len) == 0, "the refused call wrote the new block");
	memcpy(copy, mem, len);
	CHECK_ERR(virtq_create(&vq2, d, 0, 16, mem, len, 4), VIRTIO_EINVAL);
	CHECK_MSG(memcmp(copy, mem, len) == 0, "the refused call wrote the live ring");
	/* and the live queue still works */
	virtq_kick(&vq);
	void *tok;
	uint32_t got;
	CHECK_EQ(virtq_get_used(&vq, &tok, &got), 1);
	CHECK(tok == buf);
}

TEST(virtq_create_on_a_live_queue_touches_nothing)
{
	for (uint32_t version = 1; version <= 2; version++) {
		sim_reset_all();
		struct sim_dev *d = sim_echo_new(version, TVQ_ECHO_FEATURES, 64);
		static struct virtio_mmio m;
		CHECK_OK(virtio_mmio_probe(&m, d->base));
		CHECK_OK(virtio_device_begin(&m.vdev, 0, ALL_FEATURES));
		live_queue_untouched(&m.vdev, version == 1);
	}
	sim_reset_all();
	struct sim_pci *p = sim_pci_new(sim_echo_new(2, TVQ_ECHO_FEATURES, 64), NULL);
	static struct virtio_pci vp;
	CHECK_OK(probe(p, &vp));
	CHECK_OK(virtio_device_begin(&vp.vdev, 0, ALL_FEATURES));
	live_queue_untouched(&vp.vdev, false);
}
