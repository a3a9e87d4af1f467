/*
 * Scatter-gather chains for the echo device: readable buffers filled with
 * a pattern, writable ones pre-set to 0xee, and the check of what the echo
 * device must have written (sim_blk.c: readable stream copied into the
 * writable stream, or sim_echo_pattern() when nothing is readable).
 */
#ifndef HARNESS_CHAINS_H
#define HARNESS_CHAINS_H

#include <string.h>

#include "harness/bringup.h"

#define TCHAIN_MAX 16

struct tchain {
	struct virtq_sg sg[TCHAIN_MAX];
	unsigned n_out, n_in;
	uint64_t rlen, wlen;
};

/* Lay out a chain in `arena` (at least the sum of lens bytes). */
static inline void tchain_make(struct tchain *c, uint8_t *arena, unsigned n_out, unsigned n_in,
			       const uint32_t *lens, uint32_t seed)
{
	uint8_t *p = arena;
	c->n_out = n_out;
	c->n_in = n_in;
	c->rlen = c->wlen = 0;
	for (unsigned i = 0; i < n_out + n_in; i++) {
		c->sg[i] = (struct virtq_sg){ p, lens[i] };
		if (i < n_out) {
			tmem_fill(p, lens[i], seed * 31 + i);
			c->rlen += lens[i];
		} else {
			memset(p, 0xee, lens[i]);
			c->wlen += lens[i];
		}
		p += lens[i];
	}
}

static inline uint32_t tchain_expect_len(const struct tchain *c)
{
	if (c->rlen == 0)
		return (uint32_t)c->wlen;
	return (uint32_t)(c->rlen < c->wlen ? c->rlen : c->wlen);
}

/* Byte i of the readable stream. */
static inline uint8_t tchain_rbyte(const struct tchain *c, uint64_t i)
{
	for (unsigned k = 0; k < c->n_out; k++) {
		if (i < c->sg[k].len)
			return ((uint8_t *)c->sg[k].addr)[i];
		i -= c->sg[k].len;
	}
	return 0;
}

/* 0 if the writable buffers hold exactly what the echo device writes
 * (and 0xee past it), else the index of the first wrong byte + 1. */
static inline uint64_t tchain_check(const struct tchain *c)
{
	uint32_t n = tchain_expect_len(c);
	uint64_t i = 0;
	for (unsigned k = c->n_out; k < c->n_out + c->n_in; k++) {
		const uint8_t *p = c->sg[k].addr;
		for (uint32_t j = 0; j < c->sg[k].len; j++, i++) {
			uint8_t want = i >= n ? 0xee
				       : c->rlen ? tchain_rbyte(c, i) : sim_echo_pattern(i);
			if (p[j] != want)
				return i + 1;
		}
	}
	return 0;
}

/* Post `c` on the queue with the device reporting one byte more than it
 * may (SIM_FAULT_LEN_OVER), pop it, and return the length the driver
 * took; the queue must not have latched broken. */
static inline uint32_t tchain_len_over(struct tvq *t, struct tchain *c)
{
	t->sim->fault = SIM_FAULT_LEN_OVER;
	CHECK_OK(virtq_add(&t->vq, c->sg, c->n_out, c->n_in, c));
	virtq_kick(&t->vq);
	void *tok = NULL;
	uint32_t len = 0xdeadbeef;
	CHECK_EQ(virtq_get_used(&t->vq, &tok, &len), 1);
	CHECK(tok == c);
	CHECK(!virtq_is_broken(&t->vq));
	return len;
}

#define TVQ_ECHO_FEATURES                                                              \
	(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |     \
	 VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | VIRTIO_BIT(VIRTIO_F_RING_PACKED))

/* The feature mask for one ring layout and feature choice. */
static inline uint64_t tvq_mask_for(bool packed, bool indirect, bool event_idx)
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

/* The echo device, offering TVQ_ECHO_FEATURES and queues of up to qmax. */
static inline struct sim_dev *tvq_echo(uint16_t qmax)
{
	return sim_echo_new(2, TVQ_ECHO_FEATURES, qmax);
}

/* Pop exactly one completion and check it against the chain. */
static inline void tvq_pop_one(struct tvq *t, void *want_token, const struct tchain *c)
{
	void *tok = NULL;
	uint32_t len = 0xdeadbeef;
	CHECK_EQ(virtq_get_used(&t->vq, &tok, &len), 1);
	CHECK(tok == want_token);
	CHECK_EQ(len, tchain_expect_len(c));
	CHECK_EQ(tchain_check(c), 0);
}

/* Post a chain, kick the synchronous device, pop it and check it. */
static inline void tvq_add_kick_pop(struct tvq *t, struct tchain *c)
{
	CHECK_OK(virtq_add(&t->vq, c->sg, c->n_out, c->n_in, c));
	virtq_kick(&t->vq);
	tvq_pop_one(t, c, c);
}

#endif
