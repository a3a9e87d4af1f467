/*
 * The split virtqueue (§2.7): descriptor table, avail ring written by the
 * driver, used ring written by the device.
 *
 * Descriptors are handed out from a free list kept in the private slots
 * (slot i shadows descriptor i), so the table is only ever written.  A
 * chain's slots keep their links while it is in flight, which is what lets
 * a completion give the whole chain back in O(1).
 */
#include "virtq_internal.h"

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
	virtq_split_set_cb(vq, true);
}

static void write_desc(const struct virtq *vq, struct virtq_desc *d, const void *addr,
		       uint32_t len, uint16_t flags, uint16_t next)
{
	virtio64_store(&d->addr, virtio_virt_to_dma(addr), vq->legacy);
	virtio32_store(&d->len, len, vq->legacy);
	st16(vq, &d->flags, flags);
	st16(vq, &d->next, next);
}

int virtq_split_add(struct virtq *vq, const struct virtq_sg *sg, unsigned n_out,
		    unsigned n_in, void *token)
{
	unsigned n = n_out + n_in;
	struct virtq_chain_sums sums;
	int need = virtq_chain_check(vq, sg, n_out, n, &sums);
	if (need < 0)
		return need;

	struct virtq_desc *table = vq->ring.split.desc;
	struct virtq_slot *slots = vq->slots;
	uint16_t head = vq->free_head;
	uint16_t last = head;

	if (need == 1 && n > 1) {
		/* One ring descriptor pointing at this head's own table. */
		struct virtq_desc *ind = virtq_indirect_table(vq, head);
		for (unsigned i = 0; i < n; i++) {
			uint16_t f = i + 1 < n ? VIRTQ_DESC_F_NEXT : 0;
			if (i >= n_out)
				f |= VIRTQ_DESC_F_WRITE;
			write_desc(vq, &ind[i], sg[i].addr, sg[i].len, f, (uint16_t)(i + 1));
		}
		virtio_cache_clean(ind, n * sizeof(*ind));
		write_desc(vq, &table[head], ind, (uint32_t)(n * sizeof(*ind)),
			   VIRTQ_DESC_F_INDIRECT, 0);
		virtio_cache_clean(&table[head], sizeof(*table));
	} else {
		uint16_t idx = head;
		for (unsigned i = 0; i < n; i++) {
			uint16_t f = i + 1 < n ? VIRTQ_DESC_F_NEXT : 0;
			if (i >= n_out)
				f |= VIRTQ_DESC_F_WRITE;
			write_desc(vq, &table[idx], sg[i].addr, sg[i].len, f, slots[idx].next);
			virtio_cache_clean(&table[idx], sizeof(*table));
			last = idx;
			idx = slots[idx].next;
		}
	}

	vq->free_head = slots[last].next;
	slots[head].token = token;
	slots[head].writable = sums.writable;
	slots[head].ndesc = (uint16_t)need;
	slots[head].last = last;
	slots[head].in_flight = true;
	vq->num_free = (uint16_t)(vq->num_free - need);
	vq->in_flight++;
	virtq_count_added(vq, sums.total);

	struct virtq_avail *avail = vq->ring.split.avail;
	virtio16_t *entry = &avail->ring[vq->avail_idx & (vq->size - 1)];
	st16(vq, entry, head);
	virtio_cache_clean(entry, sizeof(*entry));
	/* Descriptors and the ring entry before the index that exposes them
	 * (§2.7.13.3.1). */
	virtio_wmb();
	vq->avail_idx++;
	virtq_count_unkicked(vq, 1);
	st16(vq, &avail->idx, vq->avail_idx);
	virtio_cache_clean(&avail->idx, sizeof(avail->idx));
	return VIRTIO_OK;
}

bool virtq_split_kick_prepare(struct virtq *vq)
{
	uint16_t new_idx = vq->avail_idx;
	uint16_t old_idx = (uint16_t)(new_idx - vq->unkicked);
	bool need;

	/* The avail.idx store before reading what the device asked for:
	 * store->load, the one ordering a write barrier does not give. */
	virtio_mb();
	if (vq->event_idx) {
		virtio16_t *ev = split_avail_event(vq);
		virtio_cache_invalidate(ev, sizeof(*ev));
		need = vq->unkicked == VIRTQ_UNKICKED_MAX ||
		       virtq_need_event(ld16(vq, ev), new_idx, old_idx);
	} else {
		virtio_cache_invalidate(&vq->ring.split.used->flags, 2);
		need = !(ld16(vq, &vq->ring.split.used->flags) &
			 VIRTQ_USED_F_NO_NOTIFY);
	}
	vq->unkicked = 0;
	return need;
}

static uint16_t used_idx(struct virtq *vq)
{
	virtio16_t *p = &vq->ring.split.used->idx;
	virtio_cache_invalidate(p, sizeof(*p));
	return ld16(vq, p);
}

bool virtq_split_has_used(struct virtq *vq)
{
	return used_idx(vq) != vq->last_used;
}

int virtq_split_get_used(struct virtq *vq, void **token, uint32_t *len)
{
	uint16_t idx = used_idx(vq);
	uint16_t ready = (uint16_t)(idx - vq->last_used);

	if (ready == 0)
		return 0;
	/* More completions than chains in flight: the index ran away
	 * (covers "advance > queue size" too, since in_flight <= size). */
	if (ready > vq->in_flight)
		return virtq_fault(vq, "used index advanced past what is in flight");

	/* used.idx before the entry it covers and the data it describes. */
	virtio_rmb();
	struct virtq_used_elem *e = &vq->ring.split.used->ring[vq->last_used & (vq->size - 1)];
	virtio_cache_invalidate(e, sizeof(*e));
	uint32_t id = virtio32_load(&e->id, vq->legacy);
	uint32_t written = virtio32_load(&e->len, vq->legacy);

	struct virtq_slot *s = virtq_used_slot(vq, id);
	if (!s)
		return VIRTIO_EBROKEN;
	/* §2.7.8: len counts the bytes written.  A chain with nothing
	 * writable gives the device nothing to write, yet QEMU's virtio-input
	 * status queue reports the bytes it read there.  Such a length cannot
	 * make us read anything: take it as 0 (the packed ring's len is
	 * ignored the same way, §2.8.4), not as a fault.  A legacy device's
	 * lengths are historically wrong (§2.7.8.1: some count the readable
	 * bytes too): one past what was posted is clamped to it. */
	if (s->writable == 0)
		written = 0;
	else if (written > s->writable && vq->vdev->legacy)
		written = s->writable;
	else if (written > s->writable)
		return virtq_fault(vq, "used length exceeds the writable buffers");

	*token = s->token;
	*len = written;
	virtq_count_used(vq, written);
	s->in_flight = false;
	vq->in_flight--;
	/* Give the chain back: its links are still intact in the slots. */
	vq->slots[s->last].next = vq->free_head;
	vq->free_head = (uint16_t)id;
	vq->num_free = (uint16_t)(vq->num_free + s->ndesc);
	vq->last_used++;

	if (vq->event_on_pop) {
		/* Interrupt again when the next entry is published. */
		st16(vq, SPLIT_USED_EVENT(vq), vq->last_used);
		virtio_cache_clean(SPLIT_USED_EVENT(vq), 2);
		/* used_event before the next used.idx load: store->load, which
		 * only a full barrier orders.  Reordered, the load may find
		 * nothing new while the device, still reading the old
		 * used_event, decides against the interrupt: a caller that
		 * drains and then waits sleeps through a completion (§2.7.10). */
		virtio_mb();
	}
	return 1;
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
