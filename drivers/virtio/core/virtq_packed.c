/*
 * The packed virtqueue (§2.8): one descriptor ring that both sides write,
 * ownership carried by the AVAIL/USED flag bits against each side's wrap
 * counter, and two event-suppression areas.
 *
 * Descriptors are consumed in ring order; buffer ids come from a free list
 * in the private slots (slot i is buffer id i).  The device returns one
 * used descriptor per chain, and the driver skips the chain's length,
 * which it recorded itself, never trusting the ring.
 */
#include "drain_pass.h"

/*
 * The wrap counters are kept as the flag bits they give (§2.8.1): with
 * the counter at 1 a descriptor made available has AVAIL set and USED
 * clear, a used one both set; at 0 the inverse.  A lap change flips both
 * bits (LAP_FLIP); bit 15 of a used lap's bits is the counter itself, as
 * an event offset carries it (§2.8.10).
 */
#define PACKED_BITS (VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_USED)
#define WRAP_AVAIL_BITS VIRTQ_DESC_F_AVAIL /* counter 1 */
#define WRAP_USED_BITS PACKED_BITS       /* counter 1 */
#define LAP_FLIP PACKED_BITS
_Static_assert(VIRTQ_DESC_F_USED == 0x8000, "the used lap's bit 15 is its wrap counter");

void virtq_packed_init(struct virtq *vq, uint8_t *ring, const struct virtq_ring_layout *l)
{
	vq->ring.packed.desc = (struct virtq_packed_desc *)(ring + l->desc);
	vq->ring.packed.driver = (struct virtq_packed_event *)(ring + l->driver);
	vq->ring.packed.device = (struct virtq_packed_event *)(ring + l->device);
	for (uint16_t i = 0; i < vq->size && vq->indirect_max; i++)
		vq->slots[i].table = virtq_indirect_table(vq, i);
	/* §2.8.1: both wrap counters start at 1. */
	vq->avail_wrap_bits = WRAP_AVAIL_BITS;
	vq->used_wrap_bits = WRAP_USED_BITS;
	/* The zeroed driver area means ENABLE; with EVENT_IDX ask precisely. */
	virtq_packed_set_cb(vq, true);
}

static inline void write_desc(struct virtq_packed_desc *d, const void *addr, uint32_t len,
			      uint16_t id)
{
	virtio_le64_store(&d->addr, virtio_virt_to_dma(addr));
	virtio_le32_store(&d->len, len);
	virtio_le16_store(&d->id, id);
}

/* The next ring position after `pos`; a wrap flips the lap's AVAIL/USED
 * bits in *flags (§2.8.1: each lap inverts the wrap counter). */
static inline unsigned step(unsigned pos, uint16_t size, uint16_t *flags)
{
	if (++pos == size) {
		pos = 0;
		*flags ^= LAP_FLIP;
	}
	return pos;
}

/* Where writing a direct chain left the ring. */
struct chain_end {
	uint16_t pos;        /* the position after the chain */
	uint16_t lap;        /* the AVAIL/USED bits of the lap there */
	uint16_t head_flags; /* held back: they expose the chain */
};

/*
 * The buffers of a direct chain in ring order from `head` in the lap whose
 * bits are `lap`, all with buffer id `id`, every flags store but the
 * head's.  `may_wrap` false: the chain ends before the ring does.
 */
static inline struct chain_end write_chain(struct virtq_packed_desc *ring, uint16_t size,
					   unsigned head, const struct virtq_sg *sg,
					   unsigned n_out, unsigned n, uint16_t id, uint16_t lap,
					   bool may_wrap)
{
	struct chain_end e = { .lap = lap };
	unsigned pos = head;
	VIRTQ_UNROLL
	for (unsigned i = 0; i < n; i++) {
		uint16_t f = e.lap;
		if (i >= n_out)
			f |= VIRTQ_DESC_F_WRITE;
		if (i + 1 < n)
			f |= VIRTQ_DESC_F_NEXT;
		struct virtq_packed_desc *d = &ring[pos];
		write_desc(d, sg[i].addr, sg[i].len, id);
		if (i == 0)
			e.head_flags = f;
		else
			virtio_le16_store(&d->flags, f);
		virtio_cache_clean(d, sizeof(*d));
		pos = may_wrap ? step(pos, size, &e.lap) : pos + 1;
	}
	e.pos = (uint16_t)pos;
	return e;
}

/* The same for a chain that reaches the end of the ring: once a lap, kept
 * out of line so that the common case is not compiled around it. */
static __attribute__((noinline)) struct chain_end write_chain_wrapping(
	struct virtq_packed_desc *ring, uint16_t size, unsigned head, const struct virtq_sg *sg,
	unsigned n_out, unsigned n, uint16_t id, uint16_t lap)
{
	return write_chain(ring, size, head, sg, n_out, n, id, lap, true);
}

/* Ring descriptor `head` (buffer id `id`) pointing at an indirect table
 * of `n` entries, which goes to memory first; returns the head's flags,
 * held back as write_chain() holds them. */
static inline uint16_t write_table_head(struct virtq_packed_desc *ring, unsigned head,
					const void *table, unsigned n, uint16_t id,
					uint16_t lap)
{
	virtio_cache_clean(table, n * sizeof(*ring));
	write_desc(&ring[head], table, (uint32_t)(n * sizeof(*ring)), id);
	return (uint16_t)(VIRTQ_DESC_F_INDIRECT | lap);
}

/* Expose the chain at `head`, `ndesc` descriptors, after which the ring
 * is at `pos` in the lap of bits `lap`. */
static inline void publish(struct virtq *vq, unsigned head, uint16_t head_flags, unsigned pos,
			   uint16_t lap, unsigned ndesc)
{
	struct virtq_packed_desc *ring = vq->ring.packed.desc;
	vq->avail_idx = (uint16_t)pos;
	vq->avail_wrap_bits = lap;
	vq->avail_seq += ndesc;

	/* Every other descriptor of the chain before the head's flags, the
	 * store that hands the chain to the device (§2.8.21.1). */
	virtio_wmb();
	virtio_le16_store(&ring[head].flags, head_flags);
	virtio_cache_clean(&ring[head], sizeof(*ring));
}

static VIRTQ_ALWAYS_INLINE int add_chain(struct virtq *vq, const struct virtq_sg *sg,
					  unsigned n_out, unsigned n, void *token)
{
	struct virtq_chain_sums sums;
	int need = virtq_chain_check(vq, sg, n_out, n, &sums);
	if (need < 0)
		return need;

	/* The chain is valid: book it, then write it. */
	unsigned id = vq->free_head;
	struct virtq_slot *s = virtq_book(vq, id, token, (unsigned)need, &sums);
	vq->free_head = s->next;

	struct virtq_packed_desc *ring = vq->ring.packed.desc;
	uint16_t size = vq->size;
	unsigned head = vq->avail_idx;
	uint16_t avail = vq->avail_wrap_bits; /* this lap's, flipped at a wrap */
	uint16_t head_flags;
	unsigned pos;

	if (need == 1 && n > 1) {
		/* §2.8.7: a table of packed descriptors, no NEXT.  Their buffer
		 * ids are reserved: left 0 as virtq_create() zeroed them (no
		 * store ever puts anything else there). */
		struct virtq_packed_desc *ind = s->table;
		VIRTQ_UNROLL
		for (unsigned i = 0; i < n; i++) {
			virtio_le64_store(&ind[i].addr, virtio_virt_to_dma(sg[i].addr));
			virtio_le32_store(&ind[i].len, sg[i].len);
			virtio_le16_store(&ind[i].flags, i >= n_out ? VIRTQ_DESC_F_WRITE : 0);
		}
		head_flags = write_table_head(ring, head, ind, n, (uint16_t)id, avail);
		pos = step(head, size, &avail);
	} else {
		/* A chain that ends before the ring does needs no wrap check
		 * per descriptor. */
		struct chain_end e =
			VIRTQ_FAST_PATHS && head + n < size
				? write_chain(ring, size, head, sg, n_out, n, (uint16_t)id, avail, false)
				: write_chain_wrapping(ring, size, head, sg, n_out, n, (uint16_t)id, avail);
		pos = e.pos;
		avail = e.lap;
		head_flags = e.head_flags;
	}
	publish(vq, head, head_flags, pos, avail, (unsigned)need);
	return VIRTIO_OK;
}

VIRTQ_LENGTH_VARIANTS(add_chain)

int virtq_packed_add(struct virtq *vq, const struct virtq_sg *sg, unsigned n_out,
		     unsigned n_in, void *token)
{
	VIRTQ_BY_LENGTH(add_chain, vq, sg, n_out, n_out + n_in, token)
}

int virtq_packed_add_table(struct virtq *vq, const struct virtq_desc *table, unsigned n,
			   uint32_t total, uint32_t writable, void *token)
{
	int rc = virtq_table_check(vq, table, n, total, writable);
	if (rc)
		return rc;
	/* One buffer id and one ring position: booked, then written. */
	unsigned id = vq->free_head;
	struct virtq_chain_sums sums = { .total = total, .writable = writable };
	struct virtq_slot *s = virtq_book(vq, id, token, 1, &sums);
	vq->free_head = s->next;
	unsigned head = vq->avail_idx;
	uint16_t lap = vq->avail_wrap_bits;
	uint16_t head_flags =
		write_table_head(vq->ring.packed.desc, head, table, n, (uint16_t)id, lap);
	unsigned pos = step(head, vq->size, &lap);
	publish(vq, head, head_flags, pos, lap, 1);
	return VIRTIO_OK;
}

const struct virtq_ops virtq_packed_ops = { virtq_packed_add, virtq_packed_get_used,
					    virtq_packed_add_table, virtq_packed_drain };

static inline bool need_kick(struct virtq *vq)
{
	struct virtq_packed_event *dev = vq->ring.packed.device;
	uint64_t added = virtq_unkicked(vq);
	bool need;

	vq->kick_seq = vq->avail_seq;
	/* The exposing flags store before reading the device's wishes. */
	virtio_mb();
	virtio_cache_invalidate(dev, sizeof(*dev));
	/* One 32-bit load of the whole structure (4-aligned, §2.8.10.1): the
	 * flags and the offset the device wrote together, never the flags of
	 * one update with the offset of another. */
	const virtio_le32_t *whole = (const void *)dev;
	uint32_t ev = virtio_le32_load(whole);
	uint16_t off_wrap = (uint16_t)ev;
	uint16_t flags = (uint16_t)(ev >> 16) & 3u;
	if (flags == VIRTQ_EVENT_F_DISABLE)
		return false;
	if (flags != VIRTQ_EVENT_F_DESC || !vq->event_idx)
		return true; /* ENABLE, or a mode we did not negotiate: be safe */
	if (added >= vq->size)
		return true; /* a lap or more since the last decision: every offset passed */

	uint16_t event = off_wrap & 0x7fffu;
	uint16_t new_off = vq->avail_idx;
	uint16_t old_off = (uint16_t)(new_off - added);
	/* §2.8.10: an event offset from the previous lap counts as negative. */
	if ((bool)(off_wrap >> 15) != ((vq->avail_wrap_bits & VIRTQ_DESC_F_AVAIL) != 0))
		event = (uint16_t)(event - vq->size);
	need = virtq_need_event(event, new_off, old_off);
	return need;
}

bool virtq_packed_kick_prepare(struct virtq *vq)
{
	bool need = need_kick(vq);
	VIRTQ_STAT(vq, notifies_suppressed, !need);
	return need;
}

/*
 * What the flags at the driver's used position mean when they are not a
 * plain "used in this lap, with chains in flight": 0 nothing used yet,
 * -1 flags the device can never legally have written there.
 */
static int used_state_slow(const struct virtq *vq, uint16_t bits)
{
	bool avail = bits & VIRTQ_DESC_F_AVAIL;
	bool used = bits & VIRTQ_DESC_F_USED;
	bool wrap = vq->used_wrap_bits != 0;

	if (avail != used) {
		/* Not used yet, so it must still be as the driver posted it in
		 * this lap (AVAIL = the lap's counter) whenever chains are in
		 * flight: position last_used is then always one posted in this
		 * lap.  With nothing in flight it may be an older lap's leftover. */
		return vq->in_flight && avail != wrap ? -1 : 0;
	}
	if (used == wrap)
		return vq->in_flight ? 1 : -1; /* used, but nothing was posted */
	/* Marked used with the other lap's counter.  Harmless leftover when
	 * nothing was posted here; a wrong wrap bit when something was. */
	return vq->in_flight ? -1 : 0;
}

static uint16_t flags_at_used(struct virtq *vq)
{
	struct virtq_packed_desc *d = &vq->ring.packed.desc[vq->last_used];
	virtio_cache_invalidate(d, sizeof(*d));
	return virtio_le16_load(&d->flags);
}

bool virtq_packed_has_used(struct virtq *vq)
{
	uint16_t bits = flags_at_used(vq) & PACKED_BITS;
	/* a fault counts as "something to look at": get_used reports it */
	return used_state_slow(vq, bits) != 0;
}

static inline struct virtq_pass pass_of(const struct virtq *vq)
{
	return (struct virtq_pass){ vq->slots, vq->ring.packed.desc, 0 };
}

/* `drain`: the drain pass's pop, which may find the queue latched broken
 * by a done() (virtq_get_used() never gets here broken: the ops). */
static VIRTQ_ALWAYS_INLINE virtq_pop_t take_used(struct virtq *vq, const struct virtq_pass *pass,
						 bool drain)
{
	if (drain && VIRTQ_UNLIKELY(vq->broken))
		return virtq_pop(NULL, VIRTIO_EBROKEN);
	unsigned last_used = vq->last_used;
	struct virtq_packed_desc *d = (struct virtq_packed_desc *)pass->ring + last_used;
	virtio_cache_invalidate(d, sizeof(*d));
	uint16_t flags = virtio_le16_load(&d->flags);
	uint16_t bits = flags & PACKED_BITS;

	/* Used in this lap: the common case.  (With nothing in flight the id
	 * check below catches it: no slot is in flight.) */
	if (bits != vq->used_wrap_bits) {
		int state = used_state_slow(vq, bits);
		if (state == 0)
			return virtq_pop(NULL, VIRTQ_POP_EMPTY);
		if (state < 0)
			return virtq_pop_fault("used descriptor with inconsistent wrap bits");
	}

	/* The flags before the id and length they publish. */
	virtio_rmb();
	uint16_t id = virtio_le16_load(&d->id);
	uint32_t written = virtio_le32_load(&d->len);
	struct virtq_slot *slots = pass->slots;
	unsigned size = vq->size;

	if (!virtq_used_id_ok(slots, id < size, id))
		return virtq_pop_id_fault(id);
	struct virtq_slot *s = &slots[id];
	/*
	 * §2.8.4: len counts the bytes written and is "reserved" without
	 * WRITE.  QEMU 7.2 never sets WRITE in a used descriptor, yet its len
	 * is right; reading 0 there would lose every completion's data.  So:
	 * nothing writable posted, 0 whatever the device says (as the split
	 * ring does); WRITE set, len is the device's word and more than was
	 * posted is a fault; WRITE clear, len is taken but never beyond what
	 * was posted (a reserved field cannot break a rule, and the bound
	 * keeps every reader inside the buffers).  All but the fault are
	 * "more than posted", so the common case costs one compare.
	 */
	uint32_t writable = s->writable;
	if (VIRTQ_UNLIKELY(written > writable)) {
		if (writable != 0 && (flags & VIRTQ_DESC_F_WRITE))
			return virtq_pop_fault("used length exceeds the writable buffers");
		written = writable;
	}

	void *tok = s->token;
	unsigned ndesc = s->ndesc;
	s->ndesc = 0;
	s->next = vq->free_head;
	vq->free_head = id;
	virtq_counts_used(vq, ndesc);
	/* Past the chain (its length as recorded, never the ring's word);
	 * no modulo, the ring size need not be a power of two. */
	uint16_t lap = vq->used_wrap_bits;
	last_used += ndesc;
	if (last_used >= size) {
		last_used -= size;
		lap ^= LAP_FLIP;
	}
	vq->last_used = (uint16_t)last_used;
	vq->used_wrap_bits = lap;

	/* (The drain pass counts per pass, and keeps callbacks off
	 * throughout: drain_pass.h.) */
	if (!drain)
		virtq_count_used(vq, 1, written);
	if (!drain && vq->event_on_pop) {
		struct virtq_packed_event *drv = vq->ring.packed.driver;
		virtio_le16_store(&drv->off_wrap, (uint16_t)(last_used | (lap & 0x8000u)));
		virtio_cache_clean(drv, sizeof(*drv));
		/* The event offset before the next load of the used flags:
		 * store->load needs the full barrier, or a completion can slip
		 * between them unseen and without an interrupt (§2.8.10). */
		virtio_mb();
	}
	return virtq_pop(tok, written);
}

static VIRTQ_ALWAYS_INLINE virtq_pop_t take_used_drain(struct virtq *vq,
						       const struct virtq_pass *pass)
{
	return take_used(vq, pass, true);
}

int virtq_packed_drain(struct virtq *vq, unsigned budget, bool rearm)
{
	return virtq_drain_pass(vq, budget, rearm, pass_of(vq), take_used_drain,
				virtq_packed_kick_prepare);
}

int virtq_packed_get_used(struct virtq *vq, void **token, uint32_t *len)
{
	struct virtq_pass pass = pass_of(vq);
	return virtq_pop_out(vq, take_used(vq, &pass, false), token, len);
}

void virtq_packed_set_cb(struct virtq *vq, bool enable)
{
	struct virtq_packed_event *drv = vq->ring.packed.driver;
	uint16_t mode = VIRTQ_EVENT_F_DISABLE;

	if (enable && vq->event_idx) {
		virtio_le16_store(&drv->off_wrap,
				  (uint16_t)(vq->last_used | (vq->used_wrap_bits & 0x8000u)));
		/* The event offset before the mode that makes it count. */
		virtio_wmb();
		mode = VIRTQ_EVENT_F_DESC;
	} else if (enable) {
		mode = VIRTQ_EVENT_F_ENABLE;
	}
	virtio_le16_store(&drv->flags, mode);
	virtio_cache_clean(drv, sizeof(*drv));
}
