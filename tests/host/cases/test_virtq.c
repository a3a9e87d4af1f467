/*
 * Virtqueue API (virtq.h) against the echo device, split and packed:
 * creation checks, round trips of 1..N-buffer chains, free-descriptor
 * accounting, indirect tables, notification and interrupt suppression
 * (plain flags and EVENT_IDX), out-of-order completion, reclaim.
 */
#include "harness/chains.h"
#include "harness/pci_fixture.h"

#define ECHO_FEATURES                                                              \
	(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |     \
	 VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | VIRTIO_BIT(VIRTIO_F_RING_PACKED))

static uint64_t mask_for(bool packed, bool indirect, bool event_idx)
{
	uint64_t m = ALL_FEATURES;
	if (!packed)
		m &= NO(VIRTIO_F_RING_PACKED);
	if (!indirect)
		m &= NO(VIRTIO_F_INDIRECT_DESC);
	if (!event_idx)
		m &= NO(VIRTIO_F_EVENT_IDX);
	return m;
}

static struct sim_dev *echo(uint16_t qmax)
{
	return sim_echo_new(2, ECHO_FEATURES, qmax);
}

/* Pop exactly one completion and check it against the chain. */
static void pop_one(struct tvq *t, void *want_token, const struct tchain *c)
{
	void *tok = NULL;
	uint32_t len = 0xdeadbeef;
	CHECK_EQ(virtq_get_used(&t->vq, &tok, &len), 1);
	CHECK(tok == want_token);
	CHECK_EQ(len, tchain_expect_len(c));
	CHECK_EQ(tchain_check(c), 0);
}

/* Post a chain, kick the synchronous device, pop it and check it. */
static void add_kick_pop(struct tvq *t, struct tchain *c)
{
	CHECK_OK(virtq_add(&t->vq, c->sg, c->n_out, c->n_in, c));
	virtq_kick(&t->vq);
	pop_one(t, c, c);
}

TEST(virtq_create_rejects_bad_arguments)
{
	for (int packed = 0; packed < 2; packed++) {
		sim_reset_all();
		struct sim_dev *d = echo(64);
		struct virtio_mmio m;
		struct virtq vq;
		CHECK_OK(virtio_mmio_probe(&m, d->base));
		CHECK_OK(virtio_device_begin(&m.vdev, 0, mask_for(packed, true, true)));
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
	tvq_up(&t, echo(1024), mask_for(packed, indirect, event_idx), size, indirect ? 16 : 0);
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
			pop_one(&t, token, &c);
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
	tvq_up(&t, echo(64), mask_for(packed, indirect, true), size, indirect ? 8 : 0);
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

TEST(virtq_add_rejects_bad_chains)
{
	for (int packed = 0; packed < 2; packed++) {
		sim_reset_all();
		struct tvq t;
		tvq_up(&t, echo(64), mask_for(packed, false, true), 4, 0);
		uint8_t *buf = tmem_alloc(256, 64);
		struct virtq_sg sg[8];
		for (int i = 0; i < 8; i++)
			sg[i] = (struct virtq_sg){ buf + 32 * i, 32 };
		CHECK_ERR(virtq_add(&t.vq, sg, 0, 0, buf), VIRTIO_EINVAL);
		/* longer than the ring, no indirect: can never fit */
		CHECK_ERR(virtq_add(&t.vq, sg, 3, 2, buf), VIRTIO_EINVAL);
		struct virtq_sg z[2] = { { buf, 16 }, { buf + 16, 0 } };
		CHECK_ERR(virtq_add(&t.vq, z, 1, 1, buf), VIRTIO_EINVAL);
		CHECK_EQ(virtq_free_descs(&t.vq), 4);
		CHECK_EQ(sim_avail_pending(t.sim, 0), 0);
		/* the queue is still fine */
		CHECK_OK(virtq_add(&t.vq, sg, 2, 2, buf));
		virtq_kick(&t.vq);
		void *tok;
		uint32_t len;
		CHECK_EQ(virtq_get_used(&t.vq, &tok, &len), 1);
		CHECK(tok == buf);
		CHECK_EQ(len, 64);
	}
}

/* Nothing of a refused chain is exposed or booked, and the queue still
 * works: the ring and the free count are as before. */
static void check_refused(struct tvq *t, const struct virtq_sg *sg, unsigned n_out,
			  unsigned n_in, uint16_t size)
{
	CHECK_ERR(virtq_add(&t->vq, sg, n_out, n_in, t), VIRTIO_EINVAL);
	CHECK_EQ(virtq_free_descs(&t->vq), size);
	CHECK_EQ(virtq_in_flight(&t->vq), 0);
	CHECK_EQ(sim_process(t->sim), 0);
	CHECK_EQ(sim_avail_pending(t->sim, 0), 0);
}

TEST(virtq_short_chains_refused_like_long_ones)
{
	/* Chains of 1-3 buffers take their own compiled path (the adds are
	 * specialised by length): every refusal of the general one holds
	 * there too.  A buffer count whose 32-bit sum wraps to a short
	 * length, an empty buffer anywhere, a total of 4 GiB, both layouts,
	 * direct and indirect; a polling device sees nothing; then good
	 * chains of every short shape go through. */
	for (int packed = 0; packed < 2; packed++)
		for (int indirect = 0; indirect < 2; indirect++) {
			sim_reset_all();
			struct tvq t;
			const uint16_t size = 8;
			tvq_up(&t, echo(64), mask_for(packed, indirect, true), size, indirect ? 8 : 0);
			t.sim->mode = SIM_DEFERRED;
			t.sim->poll_ring = true;
			uint8_t *buf = tmem_alloc(256, 64);
			struct virtq_sg sg[4];
			for (int i = 0; i < 4; i++)
				sg[i] = (struct virtq_sg){ buf + 64 * i, 64 };
			check_refused(&t, sg, UINT32_MAX, 2, size);     /* sum 1 */
			check_refused(&t, sg, UINT32_MAX - 1, 4, size); /* sum 2 */
			check_refused(&t, sg, UINT32_MAX, 4, size);     /* sum 3 */
			check_refused(&t, sg, 3, UINT32_MAX, size);     /* sum 2 */
			for (unsigned n = 1; n <= 3; n++)
				for (unsigned n_out = 0; n_out <= n; n_out++) {
					for (unsigned z = 0; z < n; z++) {
						sg[z].len = 0;
						check_refused(&t, sg, n_out, n - n_out, size);
						sg[z].len = 64;
					}
					if (n < 2)
						continue;
					/* 2^32 bytes in all, and one more */
					sg[0].len = UINT32_MAX;
					check_refused(&t, sg, n_out, n - n_out, size);
					sg[1].len = UINT32_MAX;
					check_refused(&t, sg, n_out, n - n_out, size);
					sg[0].len = sg[1].len = 64;
				}
			for (unsigned n = 1; n <= 3; n++)
				for (unsigned n_out = 0; n_out <= n; n_out++) {
					struct tchain c;
					uint32_t lens[3] = { 5, 17, 3 };
					tchain_make(&c, buf, n_out, n - n_out, lens, n * 4 + n_out);
					CHECK_OK(virtq_add(&t.vq, c.sg, c.n_out, c.n_in, &c));
					virtq_kick(&t.vq);
					CHECK_EQ(sim_process(t.sim), 1);
					pop_one(&t, &c, &c);
				}
			CHECK_EQ(virtq_free_descs(&t.vq), size);
		}
}

TEST(virtq_used_length_bound_for_every_short_shape)
{
	/* The used-length bound each add books is the device-writable bytes
	 * alone, wherever the first writable buffer is: a device reporting
	 * one byte more than that breaks a 1.x queue (both layouts, WRITE
	 * set), and a chain with nothing writable takes 0. */
	for (int packed = 0; packed < 2; packed++)
		for (int indirect = 0; indirect < 2; indirect++)
			for (unsigned n = 1; n <= 4; n++)
				for (unsigned n_out = 0; n_out <= n; n_out++) {
					sim_reset_all();
					struct tvq t;
					tvq_up(&t, echo(64), mask_for(packed, indirect, true), 8,
					       indirect ? 8 : 0);
					uint8_t *arena = tmem_alloc(256, 64);
					struct tchain c;
					uint32_t lens[4] = { 11, 6, 29, 2 };
					tchain_make(&c, arena, n_out, n - n_out, lens, n * 5 + n_out);
					if (n_out == n) {
						CHECK_EQ(tchain_len_over(&t, &c), 0);
						continue;
					}
					t.sim->fault = SIM_FAULT_LEN_OVER;
					CHECK_OK(virtq_add(&t.vq, c.sg, c.n_out, c.n_in, &c));
					virtq_kick(&t.vq);
					void *tok;
					uint32_t len;
					CHECK_ERR(virtq_get_used(&t.vq, &tok, &len), VIRTIO_EBROKEN);
					CHECK(virtq_is_broken(&t.vq));
				}
}

TEST(virtq_packed_chain_at_every_ring_position)
{
	/* A packed chain is written one way when it ends before the ring
	 * does and another when it reaches or crosses the end (the lap's
	 * bits flip there): every length 1-5 from every start position of a
	 * ring of 7 (not a power of two), over three laps, with the device
	 * polling the ring so that a descriptor exposed early is seen. */
	sim_reset_all();
	struct tvq t;
	const uint16_t size = 7;
	tvq_up(&t, echo(64), mask_for(true, false, true), size, 0);
	t.sim->mode = SIM_DEFERRED;
	t.sim->poll_ring = true;
	uint8_t *arena = tmem_alloc(512, 64);
	for (unsigned round = 0; round < 3 * size; round++)
		for (unsigned n = 1; n <= 5; n++) {
			struct tchain c;
			uint32_t lens[5] = { 9, 4, 33, 1, 20 };
			unsigned n_out = (round + n) % (n + 1);
			tchain_make(&c, arena, n_out, n - n_out, lens, round * 8 + n);
			CHECK_OK(virtq_add(&t.vq, c.sg, c.n_out, c.n_in, &c));
			virtq_kick(&t.vq);
			CHECK_EQ(sim_process(t.sim), 1);
			pop_one(&t, &c, &c);
			/* one more buffer: the next chain starts one further on */
			uint32_t one = 8;
			struct tchain s1;
			tchain_make(&s1, arena + 256, 0, 1, &one, round);
			CHECK_OK(virtq_add(&t.vq, s1.sg, 0, 1, &s1));
			virtq_kick(&t.vq);
			CHECK_EQ(sim_process(t.sim), 1);
			pop_one(&t, &s1, &s1);
		}
	CHECK_EQ(virtq_free_descs(&t.vq), size);
	CHECK(!virtq_is_broken(&t.vq));
}

/* Notifications and interrupts with EVENT_IDX on or off. */
static void suppression(bool packed, bool event_idx)
{
	struct tvq t;
	tvq_up(&t, echo(64), mask_for(packed, true, event_idx), 32, 4);
	struct sim_dev *d = t.sim;
	struct sim_queue *q = &d->q[0];
	d->mode = SIM_DEFERRED; /* the device acts only in sim_process() */
	uint8_t *arena = tmem_alloc(32 * 64, 64);
	struct tchain c[32];
	uint32_t lens[2] = { 16, 16 };

	/* Eight chains, each followed by a kick, while the device sleeps:
	 * with EVENT_IDX only the first kick notifies (avail_event stays
	 * where the device last looked), without it every kick does. */
	for (unsigned i = 0; i < 8; i++) {
		tchain_make(&c[i], arena + 64 * i, 1, 1, lens, i);
		CHECK_OK(virtq_add(&t.vq, c[i].sg, 1, 1, &c[i]));
		virtq_kick(&t.vq);
	}
	CHECK_EQ(q->notifies, event_idx ? 1 : 8);
	/* One batch of completions: one interrupt either way. */
	CHECK_EQ(sim_process(d), 8);
	CHECK_EQ(q->interrupts, 1);
	for (unsigned i = 0; i < 8; i++)
		pop_one(&t, &c[i], &c[i]);
	CHECK(virtq_enable_cb(&t.vq));

	/* Interrupts off: completions raise none. */
	virtq_disable_cb(&t.vq);
	for (unsigned i = 0; i < 4; i++) {
		tchain_make(&c[i], arena + 64 * i, 1, 1, lens, 10 + i);
		CHECK_OK(virtq_add(&t.vq, c[i].sg, 1, 1, &c[i]));
	}
	virtq_kick(&t.vq);
	CHECK_EQ(q->notifies, event_idx ? 2 : 9);
	CHECK_EQ(sim_process(d), 4);
	CHECK_EQ(q->interrupts, 1);
	/* Re-arming reports the completions that slipped in meanwhile. */
	CHECK(!virtq_enable_cb(&t.vq));
	for (unsigned i = 0; i < 4; i++)
		pop_one(&t, &c[i], &c[i]);
	CHECK(virtq_enable_cb(&t.vq));

	/* Armed again: the next completion interrupts. */
	tchain_make(&c[0], arena, 1, 1, lens, 20);
	CHECK_OK(virtq_add(&t.vq, c[0].sg, 1, 1, &c[0]));
	virtq_kick(&t.vq);
	CHECK_EQ(q->notifies, event_idx ? 3 : 10);
	CHECK_EQ(sim_process(d), 1);
	CHECK_EQ(q->interrupts, 2);
	pop_one(&t, &c[0], &c[0]);

	/* Completions popped one at a time with the device completing one
	 * per step: an interrupt for each (EVENT_IDX re-arms per pop). */
	for (unsigned i = 0; i < 4; i++) {
		tchain_make(&c[i], arena + 64 * i, 1, 1, lens, 30 + i);
		CHECK_OK(virtq_add(&t.vq, c[i].sg, 1, 1, &c[i]));
	}
	virtq_kick(&t.vq);
	CHECK(sim_consume(d, 0) == 4);
	for (unsigned i = 0; i < 4; i++) {
		unsigned irq0 = q->interrupts;
		CHECK_EQ(sim_complete(d, 0, 1), 1);
		CHECK_EQ(q->interrupts, irq0 + 1);
		pop_one(&t, &c[i], &c[i]);
	}
	/* With EVENT_IDX, completions the driver has not caught up with
	 * raise no further interrupt: it already knows there is work. */
	if (event_idx) {
		for (unsigned i = 0; i < 3; i++) {
			tchain_make(&c[i], arena + 64 * i, 1, 1, lens, 40 + i);
			CHECK_OK(virtq_add(&t.vq, c[i].sg, 1, 1, &c[i]));
		}
		virtq_kick(&t.vq);
		CHECK(sim_consume(d, 0) == 3);
		unsigned irq0 = q->interrupts;
		CHECK_EQ(sim_complete(d, 0, 1), 1);
		CHECK_EQ(sim_complete(d, 0, 1), 1);
		CHECK_EQ(sim_complete(d, 0, 1), 1);
		CHECK_EQ(q->interrupts, irq0 + 1);
		for (unsigned i = 0; i < 3; i++)
			pop_one(&t, &c[i], &c[i]);
	}
	CHECK_EQ(virtq_free_descs(&t.vq), 32);
}

TEST(virtq_suppression_split_event_idx)
{
	suppression(false, true);
}
TEST(virtq_suppression_split_flags)
{
	suppression(false, false);
}
TEST(virtq_suppression_packed_event_idx)
{
	suppression(true, true);
}
TEST(virtq_suppression_packed_flags)
{
	suppression(true, false);
}

/* The device asks for no notifications (NO_NOTIFY / DISABLE / a far
 * avail_event): the driver must not ring; a polling device still works. */
static void device_suppresses(bool packed, bool event_idx)
{
	struct tvq t;
	tvq_up(&t, echo(64), mask_for(packed, true, event_idx), 32, 4);
	struct sim_dev *d = t.sim;
	d->mode = SIM_DEFERRED;
	d->poll_ring = true;
	d->suppress_notify = true;
	sim_process(d); /* publish the wish */
	uint8_t *arena = tmem_alloc(16 * 64, 64);
	struct tchain c[16];
	uint32_t lens[2] = { 16, 16 };
	for (unsigned round = 0; round < 5; round++) {
		for (unsigned i = 0; i < 10; i++) {
			tchain_make(&c[i], arena + 64 * i, 1, 1, lens, round * 10 + i);
			CHECK_OK(virtq_add(&t.vq, c[i].sg, 1, 1, &c[i]));
			virtq_kick(&t.vq);
		}
		CHECK_EQ(sim_process(d), 10);
		for (unsigned i = 0; i < 10; i++)
			pop_one(&t, &c[i], &c[i]);
	}
	CHECK_EQ(d->q[0].notifies, 0);
}

TEST(virtq_device_suppresses_notify_split)
{
	device_suppresses(false, false);
	sim_reset_all();
	device_suppresses(false, true);
}

TEST(virtq_device_suppresses_notify_packed)
{
	device_suppresses(true, false);
	sim_reset_all();
	device_suppresses(true, true);
}

static void reordered(bool packed, bool indirect)
{
	const uint16_t size = 64;
	struct tvq t;
	tvq_up(&t, echo(64), mask_for(packed, indirect, true), size, indirect ? 8 : 0);
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
	tvq_up(&t, echo(64), mask_for(packed, true, true), 8, 4);
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
		tvq_up(&t, echo(64), mask_for(packed, true, true), 8, 4);
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
		add_kick_pop(&t, &c);
	}
}

TEST(virtq_rejected_chain_commits_nothing)
{
	/* A bad buffer late in the chain (zero length, or a total past
	 * 4 GiB) is refused with nothing exposed or leaked, direct and
	 * indirect, both layouts; the next good chains work.  The first is
	 * one buffer: it takes only the refused chain's head position, so
	 * the positions after it must not look available to the polling
	 * device (§2.8.21: nothing of a chain is marked before it is valid;
	 * a long chain right away would overwrite them and hide it). */
	for (int packed = 0; packed < 2; packed++)
		for (int indirect = 0; indirect < 2; indirect++) {
			sim_reset_all();
			struct tvq t;
			tvq_up(&t, echo(64), mask_for(packed, indirect, true), 8, indirect ? 8 : 0);
			t.sim->mode = SIM_DEFERRED;
			t.sim->poll_ring = true; /* looks even without a kick */
			uint8_t *buf = tmem_alloc(512, 64);
			struct virtq_sg sg[5];
			for (int i = 0; i < 5; i++)
				sg[i] = (struct virtq_sg){ buf + 64 * i, 64 };
			for (int round = 0; round < 6; round++) {
				sg[4].len = 0;
				CHECK_ERR(virtq_add(&t.vq, sg, 2, 3, buf), VIRTIO_EINVAL);
				sg[4].len = 64;
				struct virtq_sg big[3] = { { buf, 0xffffffffu }, { buf, 0xffffffffu },
							   { buf, 2 } };
				CHECK_ERR(virtq_add(&t.vq, big, 1, 2, buf), VIRTIO_EINVAL);
				CHECK_EQ(virtq_free_descs(&t.vq), 8);
				CHECK_EQ(sim_process(t.sim), 0);
				CHECK_EQ(sim_avail_pending(t.sim, 0), 0);
				CHECK(!virtq_kick_prepare(&t.vq));
				/* a short one, then a long one */
				struct tchain s1;
				uint32_t one[1] = { 24 };
				tchain_make(&s1, buf + 320, 0, 1, one, (uint32_t)round);
				CHECK_OK(virtq_add(&t.vq, s1.sg, 0, 1, &s1));
				virtq_kick(&t.vq);
				CHECK_EQ(sim_process(t.sim), 1);
				pop_one(&t, &s1, &s1);
				struct tchain c;
				uint32_t lens[5] = { 10, 20, 30, 40, 50 };
				tchain_make(&c, buf, 2, 3, lens, (uint32_t)round);
				CHECK_OK(virtq_add(&t.vq, c.sg, 2, 3, &c));
				virtq_kick(&t.vq);
				CHECK_EQ(sim_process(t.sim), 1);
				pop_one(&t, &c, &c);
				CHECK_EQ(virtq_free_descs(&t.vq), 8);
			}
		}
}

TEST(virtq_chain_never_longer_than_the_queue)
{
	/* §2.7.5.3.1, §2.8.17: indirect or not, a chain has at most Queue
	 * Size descriptors.  Tables asked longer than the queue are clamped
	 * to it, in the queue and in the memory it needs; a longer chain is
	 * refused and never reaches the device. */
	for (int packed = 0; packed < 2; packed++) {
		sim_reset_all();
		struct tvq t;
		tvq_up(&t, echo(64), mask_for(packed, true, true), 4, 16);
		enum virtq_layout lay = virtq_layout(&t.mmio.vdev);
		CHECK_EQ(t.vq.indirect_max, 4);
		CHECK_EQ(virtq_mem_bytes(4, lay, 16), virtq_mem_bytes(4, lay, 4));
		CHECK_EQ(VIRTQ_MEM_BYTES(4, lay, 16), virtq_mem_bytes(4, lay, 4));
		CHECK_EQ(virtq_mem_bytes_max(4, 16), virtq_mem_bytes_max(4, 4));
		uint8_t *arena = tmem_alloc(16 * 64, 64);
		for (unsigned n = 1; n <= 8; n++) {
			struct tchain c;
			uint32_t lens[8] = { 8, 8, 8, 8, 8, 8, 8, 8 };
			tchain_make(&c, arena, 1, n - 1, lens, n);
			if (n > 4) {
				CHECK_ERR(virtq_add(&t.vq, c.sg, 1, n - 1, &c), VIRTIO_EINVAL);
				continue;
			}
			add_kick_pop(&t, &c);
		}
		CHECK_EQ(virtq_free_descs(&t.vq), 4);
	}
}

TEST(virtq_packed_used_length_without_write_flag)
{
	/* QEMU 7.2 never sets WRITE in a used packed descriptor, yet its len
	 * is the bytes written.  Policy (README, hardening): a chain that
	 * posted writable buffers takes the length, clamped to what it
	 * posted when WRITE is clear (the field is not normative then, so it
	 * cannot be a fault) and held to it when WRITE is set; a chain with
	 * nothing writable gets 0 whatever the device says. */
	for (int indirect = 0; indirect < 2; indirect++) {
		sim_reset_all();
		struct tvq t;
		tvq_up(&t, echo(64), mask_for(true, indirect, true), 16, indirect ? 8 : 0);
		t.sim->packed_used_no_write = true;
		uint8_t *arena = tmem_alloc(16 * 256, 64);
		for (unsigned n = 1; n <= 6; n++)
			for (unsigned n_out = 0; n_out <= n; n_out++) {
				struct tchain c;
				uint32_t lens[6] = { 40, 7, 100, 3, 64, 9 };
				tchain_make(&c, arena, n_out, n - n_out, lens, n * 8 + n_out);
				add_kick_pop(&t, &c); /* the echo length, WRITE or not */
			}
		/* Longer than posted, WRITE clear: clamped (25 reported, 24 posted). */
		struct tchain c;
		uint32_t lens[2] = { 16, 24 };
		tchain_make(&c, arena, 1, 1, lens, 1);
		CHECK_EQ(tchain_len_over(&t, &c), 24);
	}
	/* Nothing writable, a length reported with WRITE set or clear: 0. */
	for (int write_never = 0; write_never < 2; write_never++) {
		sim_reset_all();
		struct tvq t;
		tvq_up(&t, echo(64), mask_for(true, false, true), 8, 0);
		t.sim->packed_used_no_write = write_never;
		uint8_t *arena = tmem_alloc(64, 64);
		struct tchain c;
		uint32_t lens[1] = { 8 };
		tchain_make(&c, arena, 1, 0, lens, 1);
		CHECK_EQ(tchain_len_over(&t, &c), 0);
	}
}

/* 65536 chains added with no notification decision in between (a device
 * that polls, a caller that never kicks), then one the device does not
 * see by itself: the kick must notify.  A 16-bit count of what was added
 * since the last decision wraps to 0 there, and 0 reads as "nothing new". */
static void kick_after_65536_adds(bool packed, bool event_idx)
{
	sim_reset_all();
	struct tvq t;
	tvq_up(&t, echo(1024), mask_for(packed, false, event_idx), 1024, 0);
	struct sim_dev *d = t.sim;
	d->mode = SIM_DEFERRED;
	d->poll_ring = true;
	uint8_t *arena = tmem_alloc(1024 * 8, 64);
	struct virtq_sg sg[1024];
	for (unsigned i = 0; i < 1024; i++)
		sg[i] = (struct virtq_sg){ arena + 8 * i, 8 };
	unsigned added = 0;
	while (added < 65535) {
		unsigned batch = 65535 - added < 1000 ? 65535 - added : 1000;
		for (unsigned i = 0; i < batch; i++)
			CHECK_OK(virtq_add(&t.vq, &sg[i], 0, 1, &sg[i]));
		CHECK_EQ(sim_process(d), batch); /* taken without a notification */
		void *tok;
		uint32_t len;
		for (unsigned i = 0; i < batch; i++)
			CHECK_EQ(virtq_get_used(&t.vq, &tok, &len), 1);
		added += batch;
	}
	CHECK_EQ(d->q[0].notifies, 0);
	d->poll_ring = false; /* from here on it waits for a notification */
	CHECK_OK(virtq_add(&t.vq, &sg[0], 0, 1, &sg[0])); /* the 65536th */
	virtq_kick(&t.vq);
	CHECK_MSG(d->q[0].notifies == 1, "no notification after 65536 adds (packed %d, event_idx %d)",
		  packed, event_idx);
	CHECK_EQ(sim_process(d), 1);
	void *tok;
	uint32_t len;
	CHECK_EQ(virtq_get_used(&t.vq, &tok, &len), 1);
	CHECK(tok == &sg[0]);
}

TEST(virtq_kick_after_65536_adds_split)
{
	kick_after_65536_adds(false, false);
	kick_after_65536_adds(false, true);
}

TEST(virtq_kick_after_65536_adds_packed)
{
	kick_after_65536_adds(true, false);
	kick_after_65536_adds(true, true);
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
		struct sim_dev *d = sim_echo_new(version, ECHO_FEATURES, 64);
		static struct virtio_mmio m;
		CHECK_OK(virtio_mmio_probe(&m, d->base));
		CHECK_OK(virtio_device_begin(&m.vdev, 0, ALL_FEATURES));
		live_queue_untouched(&m.vdev, version == 1);
	}
	sim_reset_all();
	struct sim_pci *p = sim_pci_new(sim_echo_new(2, ECHO_FEATURES, 64), NULL);
	static struct virtio_pci vp;
	CHECK_OK(probe(p, &vp));
	CHECK_OK(virtio_device_begin(&vp.vdev, 0, ALL_FEATURES));
	live_queue_untouched(&vp.vdev, false);
}
