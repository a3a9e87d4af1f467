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

/*
 * virtq_add() tail-calls a layout with its arguments unchanged; the layout
 * checks them all here, before its first store: it must never write a
 * descriptor of a chain it may still refuse (a packed descriptor's flags
 * mark it available on their own, §2.8.21).  VIRTIO_EINVAL for an empty
 * chain, one that can never fit, an empty buffer or more than 4 GiB in
 * all (§2.7.4.1, §2.8.5).  Returns the ring descriptors needed (1 when the
 * chain goes through an indirect table) with *sums set, or a negative
 * error.
 */
static inline int virtq_chain_check(const struct virtq *vq, const struct virtq_sg *sg,
				    unsigned n_out, unsigned n, struct virtq_chain_sums *sums)
{
	if (vq->broken)
		return VIRTIO_EBROKEN;
	if (n == 0 || n < n_out || !sg)
		return VIRTIO_EINVAL;
	unsigned need = virtq_chain_descs(vq, n);
	if (need > vq->num_free) /* more than the ring holds: never fits */
		return need > vq->size ? VIRTIO_EINVAL : VIRTIO_ENOSPC;
	uint64_t total = 0, writable = 0;
	for (unsigned i = 0; i < n; i++) {
		if (sg[i].len == 0)
			return VIRTIO_EINVAL;
		total += sg[i].len;
		if (i >= n_out)
			writable += sg[i].len;
	}
	if (total > 0xffffffffull)
		return VIRTIO_EINVAL;
	sums->total = (uint32_t)total;
	sums->writable = (uint32_t)writable;
	return (int)need;
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

/* The slot a used entry names, once the id is checked: in range and a
 * chain in flight (never one already used, never a non-head).  NULL after
 * latching the queue broken. */
static inline struct virtq_slot *virtq_used_slot(struct virtq *vq, uint32_t id)
{
	if (id >= vq->size) {
		(void)virtq_fault(vq, "used id out of range");
		return NULL;
	}
	struct virtq_slot *s = &vq->slots[id];
	if (!s->in_flight) {
		(void)virtq_fault(vq, "used id is not a chain in flight");
		return NULL;
	}
	return s;
}

/* Indirect table of the chain whose slot is `slot`. */
static inline void *virtq_indirect_table(struct virtq *vq, uint16_t slot)
{
	return vq->indirect + (size_t)slot * vq->indirect_max * sizeof(struct virtq_desc);
}

#endif
