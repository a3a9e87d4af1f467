/*
 * Chains the virtqueue must refuse or bound, split and packed: empty
 * buffers, totals past 4 GiB, counts that wrap, chains longer than the
 * queue, a rejected chain that must commit nothing the device could see,
 * and the used-length rule for every short chain shape (§2.7.8, §2.8.4).
 */
#include "harness/chains.h"
#include "harness/pci_fixture.h"

TEST(virtq_add_rejects_bad_chains)
{
	for (int packed = 0; packed < 2; packed++) {
		sim_reset_all();
		struct tvq t;
		tvq_up(&t, tvq_echo(64), tvq_mask_for(packed, false, true), 4, 0);
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
			tvq_up(&t, tvq_echo(64), tvq_mask_for(packed, indirect, true), size, indirect ? 8 : 0);
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
					tvq_pop_one(&t, &c, &c);
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
					tvq_up(&t, tvq_echo(64), tvq_mask_for(packed, indirect, true), 8,
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
	tvq_up(&t, tvq_echo(64), tvq_mask_for(true, false, true), size, 0);
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
			tvq_pop_one(&t, &c, &c);
			/* one more buffer: the next chain starts one further on */
			uint32_t one = 8;
			struct tchain s1;
			tchain_make(&s1, arena + 256, 0, 1, &one, round);
			CHECK_OK(virtq_add(&t.vq, s1.sg, 0, 1, &s1));
			virtq_kick(&t.vq);
			CHECK_EQ(sim_process(t.sim), 1);
			tvq_pop_one(&t, &s1, &s1);
		}
	CHECK_EQ(virtq_free_descs(&t.vq), size);
	CHECK(!virtq_is_broken(&t.vq));
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
			tvq_up(&t, tvq_echo(64), tvq_mask_for(packed, indirect, true), 8, indirect ? 8 : 0);
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
				tvq_pop_one(&t, &s1, &s1);
				struct tchain c;
				uint32_t lens[5] = { 10, 20, 30, 40, 50 };
				tchain_make(&c, buf, 2, 3, lens, (uint32_t)round);
				CHECK_OK(virtq_add(&t.vq, c.sg, 2, 3, &c));
				virtq_kick(&t.vq);
				CHECK_EQ(sim_process(t.sim), 1);
				tvq_pop_one(&t, &c, &c);
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
		tvq_up(&t, tvq_echo(64), tvq_mask_for(packed, true, true), 4, 16);
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
			tvq_add_kick_pop(&t, &c);
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
		tvq_up(&t, tvq_echo(64), tvq_mask_for(true, indirect, true), 16, indirect ? 8 : 0);
		t.sim->packed_used_no_write = true;
		uint8_t *arena = tmem_alloc(16 * 256, 64);
		for (unsigned n = 1; n <= 6; n++)
			for (unsigned n_out = 0; n_out <= n; n_out++) {
				struct tchain c;
				uint32_t lens[6] = { 40, 7, 100, 3, 64, 9 };
				tchain_make(&c, arena, n_out, n - n_out, lens, n * 8 + n_out);
				tvq_add_kick_pop(&t, &c); /* the echo length, WRITE or not */
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
		tvq_up(&t, tvq_echo(64), tvq_mask_for(true, false, true), 8, 0);
		t.sim->packed_used_no_write = write_never;
		uint8_t *arena = tmem_alloc(64, 64);
		struct tchain c;
		uint32_t lens[1] = { 8 };
		tchain_make(&c, arena, 1, 0, lens, 1);
		CHECK_EQ(tchain_len_over(&t, &c), 0);
	}
}
