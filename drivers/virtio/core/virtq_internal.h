/*
 * What virtq.c shares with the two layout files, virtq_split.c and
 * virtq_packed.c.  Not a public header.
 */
#ifndef VIRTIO_VIRTQ_INTERNAL_H
#define VIRTIO_VIRTQ_INTERNAL_H

#include "virtio/platform.h"
#include "virtio/errors.h"
#include "virtio/virtq.h"

/* One statistics counter (virtq.h); nothing at all with VIRTIO_STATS 0. */
#if VIRTIO_STATS
#define VIRTQ_STAT(vq, counter, n) ((vq)->stats.counter += (n))
#else
#define VIRTQ_STAT(vq, counter, n) ((void)0)
#endif

/* The layouts count where the totals are at hand: a chain committed with
 * `bytes` in all, a used chain popped with `written` bytes. */
static inline void virtq_count_added(struct virtq *vq, uint64_t bytes)
{
	VIRTQ_STAT(vq, chains_added, 1);
	VIRTQ_STAT(vq, bytes_posted, bytes);
	(void)vq;
	(void)bytes;
}
static inline void virtq_count_used(struct virtq *vq, uint32_t written)
{
	VIRTQ_STAT(vq, used_popped, 1);
	VIRTQ_STAT(vq, bytes_used, written);
	(void)vq;
	(void)written;
}

static inline size_t virtq_align(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/*
 * What was added since the last notification decision (vq->unkicked)
 * saturates here instead of wrapping: 65536 adds without a decision (a
 * polling device, a caller that never kicks) would otherwise read as
 * "nothing new" and the next kick would be lost.  Saturated, a window no
 * 16-bit event index can place, the kick always notifies.
 */
#define VIRTQ_UNKICKED_MAX 0xffffu
static inline void virtq_count_unkicked(struct virtq *vq, unsigned n)
{
	uint32_t u = (uint32_t)vq->unkicked + n;
	vq->unkicked = (uint16_t)(u > VIRTQ_UNKICKED_MAX ? VIRTQ_UNKICKED_MAX : u);
}

/* §2.7.10: should the other side be told, given it asked to hear about
 * index `event`, now that the index moved from `old` to `new`?  Wrap-safe
 * in 16 bits. */
static inline bool virtq_need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

/* What virtq_chain_check() found out about a chain, for the layout. */
struct virtq_chain_sums {
	uint32_t total;    /* bytes in all buffers */
	uint32_t writable; /* bytes in the device-writable ones: the used-length bound */
};

/* Adds the lengths of the buffers [p, end) to *sum; false at an empty one
 * (§2.7.4.1, §2.8.5: a descriptor of length 0 is not a buffer). */
static inline bool virtq_sum_lens(const struct virtq_sg *p, const struct virtq_sg *end,
				  uint64_t *sum)
{
	uint64_t s = 0;
	for (; p != end; p++) {
		if (p->len == 0)
			return false;
		s += p->len;
	}
	*sum = s;
	return true;
}

/*
 * virtq_add() tail-calls a layout with its arguments unchanged; the layout
 * checks them all here, before its first store: it must never write a
 * descriptor of a chain it may still refuse (a packed descriptor's flags
 * mark it available on their own, §2.8.21).  VIRTIO_EINVAL for an empty
 * chain, one longer than the queue (it can never fit, §2.7.5.3.1,
 * §2.8.17), an empty buffer or more than 4 GiB in all.  Returns the ring
 * descriptors needed (1 when the chain goes through an indirect table)
 * with *sums set, or a negative error.
 */
static inline int virtq_chain_check(const struct virtq *vq, const struct virtq_sg *sg,
				    unsigned n_out, unsigned n_in, struct virtq_chain_sums *sums)
{
	if (vq->broken)
		return VIRTIO_EBROKEN;
	/* In 64 bits n_out + n_in cannot wrap, and an empty chain's n - 1
	 * wraps to the top: one compare refuses both and the overlong. */
	uint64_t n = (uint64_t)n_out + n_in;
	if (n - 1 >= vq->size || !sg)
		return VIRTIO_EINVAL;
	unsigned need = virtq_chain_descs(vq, (unsigned)n);
	if (need > vq->num_free)
		return VIRTIO_ENOSPC;
	uint64_t out, in;
	if (!virtq_sum_lens(sg, sg + n_out, &out) || !virtq_sum_lens(sg + n_out, sg + n, &in) ||
	    out + in > 0xffffffffull)
		return VIRTIO_EINVAL;
	sums->total = (uint32_t)(out + in);
	sums->writable = (uint32_t)in;
	return (int)need;
}

/*
 * Book a valid chain in slot `id` (the chain's head descriptor, split; its
 * buffer id, packed) before anything of it is written: private memory the
 * device never sees, and the values die here instead of staying live
 * across the descriptor stores.
 */
static inline struct virtq_slot *virtq_book(struct virtq *vq, unsigned id, void *token,
					    unsigned need, const struct virtq_chain_sums *sums)
{
	struct virtq_slot *s = &vq->slots[id];
	s->token = token;
	s->writable = sums->writable;
	s->ndesc = (uint16_t)need;
	s->in_flight = true;
	vq->num_free = (uint16_t)(vq->num_free - need);
	vq->in_flight++;
	virtq_count_added(vq, sums->total);
	return s;
}

/* Point the queue at its ring, laid out as virtq_ring_layout() says. */
void virtq_split_init(struct virtq *vq, uint8_t *ring, const struct virtq_ring_layout *l);
int virtq_split_add(struct virtq *vq, const struct virtq_sg *sg, unsigned n_out,
		    unsigned n_in, void *token);
bool virtq_split_kick_prepare(struct virtq *vq);
int virtq_split_get_used(struct virtq *vq, void **token, uint32_t *len);
bool virtq_split_has_used(struct virtq *vq);
void virtq_split_set_cb(struct virtq *vq, bool enable);

void virtq_packed_init(struct virtq *vq, uint8_t *ring, const struct virtq_ring_layout *l);
int virtq_packed_add(struct virtq *vq, const struct virtq_sg *sg, unsigned n_out,
		     unsigned n_in, void *token);
bool virtq_packed_kick_prepare(struct virtq *vq);
int virtq_packed_get_used(struct virtq *vq, void **token, uint32_t *len);
bool virtq_packed_has_used(struct virtq *vq);
void virtq_packed_set_cb(struct virtq *vq, bool enable);

/* The device broke a rule: latch, fail the device, report. */
int virtq_fault(struct virtq *vq, const char *why);

/* The slot a used entry names, if the id is one the device may return: in
 * range and a chain in flight (never one already used, never a non-head).
 * NULL otherwise: the caller returns virtq_used_id_fault(). */
static inline struct virtq_slot *virtq_used_slot(struct virtq_slot *slots, uint16_t size,
						 uint32_t id)
{
	if (id >= size || !slots[id].in_flight)
		return NULL;
	return &slots[id];
}
/* Latch the queue broken for a used id virtq_used_slot() refused. */
int virtq_used_id_fault(struct virtq *vq, uint32_t id);

/* Indirect table of the chain whose slot is `slot`. */
static inline void *virtq_indirect_table(struct virtq *vq, uint16_t slot)
{
	return vq->indirect + (size_t)slot * vq->indirect_max * sizeof(struct virtq_desc);
}

#endif
