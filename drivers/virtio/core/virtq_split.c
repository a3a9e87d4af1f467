/*
 * The split virtqueue (§2.7): descriptor table, avail ring written by the
 * driver, used ring written by the device.
 *
 * Descriptors are handed out from a free list kept in the private slots
 * (slot i shadows descriptor i), so the table is only ever written.  A
 * chain's slots keep their links while it is in flight, which is what lets
 * a completion give the whole chain back in O(1).
 */
#include "drain_pass.h"

#define SPLIT_USED_EVENT(vq) (&(vq)->ring.split.avail->ring[(vq)->size])

/* avail_event: the device's virtio16_t right after the used ring's entries. */
static inline virtio16_t *split_avail_event(const struct virtq *vq)
{
	void *after = &vq->ring.split.used->ring[vq->size];
	return after;
}

/* Every field in the device's order: the guest's own on a legacy device
 * (§2.7.3), little-endian otherwise. */
static inline uint16_t ld16(const struct virtq *vq, const virtio16_t *p)
{
	return virtio16_load(p, vq->legacy);
}
static inline void st16(const struct virtq *vq, virtio16_t *p, uint16_t v)
{
	virtio16_store(p, v, vq->legacy);
}

void virtq_split_init(struct virtq *vq, uint8_t *ring, const struct virtq_ring_layout *l)
{
	vq->ring.split.desc = (struct virtq_desc *)(ring + l->desc);
	vq->ring.split.avail = (struct virtq_avail *)(ring + l->driver);
	vq->ring.split.used = (struct virtq_used *)(ring + l->device);
	for (uint16_t i = 0; i < vq->size; i++)
		vq->slots[i].desc = &vq->ring.split.desc[i];
	/* An indirect chain always links entry i to i + 1: written here once,
	 * the adds write only address, length and flags (the driver never
	 * reads a table back, so nothing the device might write there
	 * matters to it). */
	for (uint16_t t = 0; t < vq->size && vq->indirect_max; t++) {
		struct virtq_desc *ind = virtq_indirect_table(vq, t);
		for (uint16_t e = 0; e < vq->indirect_max; e++)
			st16(vq, &ind[e].next, (uint16_t)(e + 1));
	}
	virtq_split_set_cb(vq, true);
}

static inline void write_desc(const struct virtq *vq, struct virtq_desc *d, const void *addr,
			      uint32_t len, uint16_t flags, uint16_t next)
{
	virtio64_store(&d->addr, virtio_virt_to_dma(addr), vq->legacy);
	virtio32_store(&d->len, len, vq->legacy);
	st16(vq, &d->flags, flags);
	st16(vq, &d->next, next);
}

/*
 * Slot `s`'s ring descriptor pointing at an indirect table of `n`
 * entries, which is written and goes to memory first.  A head that points
 * at the same table as the last time it was written whole (a driver's
 * tables are its request slots, and a completed chain's descriptor is the
 * next one handed out) keeps its address and flags: only the length is
 * written again, and the table is neither translated (virtio_virt_to_dma(),
 * whose checks passed for this very pointer) nor its address stored.
 * Nothing is read back from the ring: s->head_table is the driver's own
 * record, cleared by every other store to the descriptor (add_chain()).
 * A device that rewrote a descriptor misleads only its own reads.
 */
static inline void write_table_head(struct virtq *vq, struct virtq_slot *s,
				    const struct virtq_desc *table, unsigned n)
{
	struct virtq_desc *d = s->desc;
	virtio_cache_clean(table, n * sizeof(*table));
	virtio32_store(&d->len, (uint32_t)(n * sizeof(*table)), vq->legacy);
	if (s->head_table != table) {
		s->head_table = table;
		virtio64_store(&d->addr, virtio_virt_to_dma(table), vq->legacy);
		/* flags INDIRECT and next 0 are neighbours (§2.7.5) at a
		 * 4-aligned offset, each in the device's order with flags
		 * first: one 32-bit store of two constants */
		virtio32_t *flags_next = (virtio32_t *)(void *)&d->flags;
		if (VIRTIO_CPU_BIG_ENDIAN && vq->legacy) /* the guest's order, big-endian */
			virtio32_store(flags_next, (uint32_t)VIRTQ_DESC_F_INDIRECT << 16, true);
		else
			virtio32_store(flags_next, VIRTQ_DESC_F_INDIRECT, false);
	}
	virtio_cache_clean(d, sizeof(*d));
}

/* The chain in this head's own indirect table, entries linked in order,
 * and the ring descriptor that points at it. */
static inline void write_indirect(struct virtq *vq, uint16_t head, struct virtq_slot *s,
				  const struct virtq_sg *sg, unsigned n_out, unsigned n)
{
	struct virtq_desc *ind = virtq_indirect_table(vq, head);
	VIRTQ_UNROLL
	for (unsigned i = 0; i < n; i++) {
		uint16_t f = i >= n_out ? VIRTQ_DESC_F_WRITE : 0;
		if (i + 1 < n)
			f |= VIRTQ_DESC_F_NEXT;
		virtio64_store(&ind[i].addr, virtio_virt_to_dma(sg[i].addr), vq->legacy);
		virtio32_store(&ind[i].len, sg[i].len, vq->legacy);
		st16(vq, &ind[i].flags, f); /* next: i + 1 since virtq_split_init() */
	}
	write_table_head(vq, s, ind, n);
}

/* Put chain `head` in the avail ring and expose it. */
static inline void publish(struct virtq *vq, unsigned head)
{
	uint64_t seq = vq->avail_seq;
	struct virtq_avail *avail = vq->ring.split.avail;
	virtio16_t *entry = &avail->ring[seq & vq->ring_mask];
	st16(vq, entry, (uint16_t)head);
	virtio_cache_clean(entry, sizeof(*entry));
	vq->avail_seq = ++seq;
	/* Descriptors and the ring entry before the index that exposes them
	 * (§2.7.13.3.1). */
	virtio_wmb();
	virtq_ring_st16(&avail->idx, (uint16_t)seq, vq->legacy);
	virtio_cache_clean(&avail->idx, sizeof(avail->idx));
}

static VIRTQ_ALWAYS_INLINE int add_chain(struct virtq *vq, const struct virtq_sg *sg,
					  unsigned n_out, unsigned n, void *token)
{
	struct virtq_chain_sums sums;
	int need = virtq_chain_check(vq, sg, n_out, n, &sums);
	if (need < 0)
		return need;

	/* The chain is valid: book it first (private memory, nothing the
	 * device sees), then write what it reads. */
	struct virtq_slot *slots = vq->slots;
	unsigned head = vq->free_head;
	struct virtq_slot *s = virtq_book(vq, head, token, (unsigned)need, &sums);

	unsigned next = head;
	if (need == 1 && n > 1) {
		write_indirect(vq, (uint16_t)head, s, sg, n_out, n);
		next = s->next;
		s->tail = s;
	} else {
		/* Along the free list: each descriptor links to the next free
		 * one, so the chain's links are the list's own. */
		unsigned last = head;
		VIRTQ_UNROLL
		for (unsigned i = 0; i < n; i++) {
			uint16_t f = i >= n_out ? VIRTQ_DESC_F_WRITE : 0;
			if (i + 1 < n)
				f |= VIRTQ_DESC_F_NEXT;
			last = next;
			next = slots[last].next;
			struct virtq_desc *d = slots[last].desc;
			slots[last].head_table = NULL; /* write_table_head() */
			write_desc(vq, d, sg[i].addr, sg[i].len, f, (uint16_t)next);
			virtio_cache_clean(d, sizeof(*d));
		}
		s->tail = &slots[last];
	}
	vq->free_head = (uint16_t)next;
	publish(vq, head);
	return VIRTIO_OK;
}

VIRTQ_LENGTH_VARIANTS(add_chain)

int virtq_split_add(struct virtq *vq, const struct virtq_sg *sg, unsigned n_out,
		    unsigned n_in, void *token)
{
	VIRTQ_BY_LENGTH(add_chain, vq, sg, n_out, n_out + n_in, token)
}

int virtq_split_add_table(struct virtq *vq, const struct virtq_desc *table, unsigned n,
			  uint32_t total, uint32_t writable, void *token)
{
	int rc = virtq_table_check(vq, table, n, total, writable);
	if (rc)
		return rc;
	/* One descriptor from the free list, booked before it is written: the
	 * chain is that descriptor alone. */
	unsigned head = vq->free_head;
	struct virtq_chain_sums sums = { .total = total, .writable = writable };
	struct virtq_slot *s = virtq_book(vq, head, token, 1, &sums);
	vq->free_head = s->next;
	s->tail = s;
	write_table_head(vq, s, table, n);
	publish(vq, head);
	return VIRTIO_OK;
}

const struct virtq_ops virtq_split_ops = { virtq_split_add, virtq_split_get_used,
					   virtq_split_add_table, virtq_split_drain };

bool virtq_split_kick_prepare(struct virtq *vq)
{
	uint64_t seq = vq->avail_seq;
	uint64_t unkicked = seq - vq->kick_seq;
	bool need;

	vq->kick_seq = seq;
	/* The avail.idx store before reading what the device asked for:
	 * store->load, the one ordering a write barrier does not give. */
	virtio_mb();
	if (vq->event_idx) {
		virtio16_t *ev = split_avail_event(vq);
		virtio_cache_invalidate(ev, sizeof(*ev));
		uint64_t event = ld16(vq, ev);
		/* virtq_need_event(event, new, old) with new and old the low
		 * 16 bits of seq and kick_seq, compared in the top 16 bits of
		 * 64: the shift does the 16-bit wrap, no zero-extension. */
		need = (unkicked >= VIRTQ_UNKICKED_MAX) |
		       ((seq - event - 1) << 48 < unkicked << 48);
	} else {
		virtio_cache_invalidate(&vq->ring.split.used->flags, 2);
		need = !(ld16(vq, &vq->ring.split.used->flags) &
			 VIRTQ_USED_F_NO_NOTIFY);
	}
	VIRTQ_STAT(vq, notifies_suppressed, !need);
	return need;
}

static uint16_t used_idx(const struct virtq *vq, struct virtq_used *used)
{
	virtio16_t *p = &used->idx;
	virtio_cache_invalidate(p, sizeof(*p));
	return ld16(vq, p);
}

bool virtq_split_has_used(struct virtq *vq)
{
	return used_idx(vq, vq->ring.split.used) != vq->last_used;
}

/* Callbacks on with EVENT_IDX: interrupt again when the next entry is
 * published. */
static inline void used_event_move(struct virtq *vq)
{
	virtio16_t *ev = SPLIT_USED_EVENT(vq);
	/* (Read back through a volatile access: else the compiler shares
	 * the new value with the pop's own store and zero-extends it there
	 * too, for the device's volatile store here.) */
	st16(vq, ev, *(const volatile uint16_t *)&vq->last_used);
	virtio_cache_clean(ev, sizeof(*ev));
	/* used_event before the next used.idx load: store->load, which only
	 * a full barrier orders.  Reordered, the load may find nothing new
	 * while the device, still reading the old used_event, decides against
	 * the interrupt: a caller that drains and then waits sleeps through a
	 * completion (§2.7.10). */
	virtio_mb();
}

/* A used entry that passed its checks: the used index it was at, the
 * chain's slot and head id. */
struct used {
	unsigned last_used;
	struct virtq_slot *s;
	virtq_used_id id;
};

/* Hand back the used chain, `written` bytes.  `drain`: the drain pass's
 * pop, which counts per pass and, callbacks off throughout the pass
 * (drain_pass.h), has no event index to move. */
static VIRTQ_ALWAYS_INLINE virtq_pop_t pop(struct virtq *vq, struct used u,
						uint32_t written, bool drain)
{
	struct virtq_slot *s = u.s;
	void *tok = s->token;
	unsigned ndesc = s->ndesc;
	s->ndesc = 0;
	/* Give the chain back: its links are still intact in the slots. */
	s->tail->next = vq->free_head;
	vq->free_head = (uint16_t)u.id;
	virtq_counts_used(vq, ndesc);
	vq->last_used = (uint16_t)(u.last_used + 1);
	if (!drain) {
		virtq_count_used(vq, 1, written);
		if (vq->event_on_pop)
			used_event_move(vq);
	}
	return virtq_pop(tok, written);
}

/*
 * §2.7.8: len counts the bytes written.  A chain with nothing writable
 * gives the device nothing to write, yet QEMU's virtio-input status queue
 * reports the bytes it read there.  Such a length cannot make us read
 * anything: take it as 0 (the packed ring's len is ignored the same way,
 * §2.8.4), not as a fault.  A legacy device's lengths are historically
 * wrong (§2.7.8.1: some count the readable bytes too): one past what was
 * posted is clamped to it.  Both are "more than posted", so the common
 * case costs one compare and the rest is this pop (take_used()).
 */
static VIRTQ_ALWAYS_INLINE virtq_pop_t pop_len_over(struct virtq *vq, struct used u, bool drain)
{
	if (u.s->writable != 0 && !vq->legacy)
		return virtq_pop_fault("used length exceeds the writable buffers");
	return pop(vq, u, u.s->writable, drain);
}
static __attribute__((noinline, cold)) virtq_pop_t pop_len_over_cold(struct virtq *vq,
								     struct virtq_slot *s,
								     virtq_used_id id)
{
	return pop_len_over(vq, (struct used){ vq->last_used, s, id }, true);
}

static inline struct virtq_pass pass_of(const struct virtq *vq)
{
	return (struct virtq_pass){ vq->slots, vq->ring.split.used, vq->ring_mask };
}

/* `drain`: the drain pass's pop (see pop()), with the rare pop out of line
 * (nothing of it is then loaded ahead on the common path); else
 * virtq_get_used()'s, inline: a leaf that a call would make save
 * registers. */
static VIRTQ_ALWAYS_INLINE virtq_pop_t take_used(struct virtq *vq, const struct virtq_pass *pass,
						 bool drain)
{
	struct used u = { .last_used = vq->last_used };
	struct virtq_used *used = pass->ring;

	/* used.idx is read when the entries it published last time are all
	 * taken: a batch of completions costs one read, one check and one
	 * barrier, not one per entry. */
	if (u.last_used == vq->used_seen) {
		/* (virtq_mark_broken() sends the next pop here: a done()
		 * in the drain may have latched the queue.) */
		if (VIRTQ_UNLIKELY(vq->broken))
			return virtq_pop(NULL, VIRTIO_EBROKEN);
		unsigned idx = used_idx(vq, used);
		unsigned ready = (uint16_t)(idx - u.last_used);
		if (ready == 0)
			return virtq_pop(NULL, VIRTQ_POP_EMPTY);
		/* More completions than chains in flight: the index ran
		 * away (covers "advance > queue size" too, since in_flight
		 * <= size).  Every index read is checked so; the entries
		 * below it are taken one by one, each checked on its own. */
		if (ready > vq->in_flight)
			return virtq_pop_fault("used index advanced past what is in flight");
		vq->used_seen = (uint16_t)idx;
		/* used.idx before the entries it covers and the data they
		 * describe. */
		virtio_rmb();
	}

	unsigned mask = pass->mask;
	struct virtq_used_elem *e = &used->ring[u.last_used & mask];
	struct virtq_slot *slots = pass->slots;
	virtio_cache_invalidate(e, sizeof(*e));
	u.id = VIRTQ_USED_ID(virtio32_load(&e->id, vq->legacy));
	uint32_t written = virtio32_load(&e->len, vq->legacy);

	/* (at most the ring mask: split sizes are powers of two) */
	if (!virtq_used_id_ok(slots, (uint64_t)u.id <= mask, u.id))
		return virtq_pop_id_fault((uint32_t)u.id);
	u.s = &slots[u.id];
	if (VIRTQ_UNLIKELY(written > u.s->writable))
		return drain ? pop_len_over_cold(vq, u.s, u.id) : pop_len_over(vq, u, false);
	return pop(vq, u, written, drain);
}

/* The drain's pop. */
static VIRTQ_ALWAYS_INLINE virtq_pop_t take_used_drain(struct virtq *vq,
						       const struct virtq_pass *pass)
{
	return take_used(vq, pass, true);
}

int virtq_split_drain(struct virtq *vq, unsigned budget, bool rearm)
{
	return virtq_drain_pass(vq, budget, rearm, pass_of(vq), take_used_drain,
				virtq_split_kick_prepare);
}

int virtq_split_get_used(struct virtq *vq, void **token, uint32_t *len)
{
	struct virtq_pass pass = pass_of(vq);
	return virtq_pop_out(vq, take_used(vq, &pass, false), token, len);
}

void virtq_split_set_cb(struct virtq *vq, bool enable)
{
	if (vq->event_idx) {
		/* §2.7.10: with EVENT_IDX the flags stay 0; used_event steers.
		 * Disabled: point it at an entry already published, which is
		 * not reached again for 2^16 completions. */
		uint16_t ev = enable ? vq->last_used : (uint16_t)(vq->last_used - 1);
		st16(vq, SPLIT_USED_EVENT(vq), ev);
		virtio_cache_clean(SPLIT_USED_EVENT(vq), 2);
		return;
	}
	st16(vq, &vq->ring.split.avail->flags, enable ? 0 : VIRTQ_AVAIL_F_NO_INTERRUPT);
	virtio_cache_clean(&vq->ring.split.avail->flags, 2);
}
