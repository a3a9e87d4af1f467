/*
 * Virtqueue front end: memory layout, creation, argument checks and the
 * dispatch to the split (virtq_split.c) or packed (virtq_packed.c) layout.
 * The device is never trusted; see the policy in virtq.h.
 */
#include "drain_pass.h"

struct virtq_ring_layout virtq_ring_layout(uint16_t size, enum virtq_layout layout)
{
	struct virtq_ring_layout l = { .desc = 0 };

	if (layout == VIRTQ_LAYOUT_PACKED) {
		/* §2.8.10.1: the descriptor ring, then the driver and the device
		 * event suppression structures, each 4-aligned. */
		l.driver = virtq_align(l.desc + VIRTQ_PACKED_RING_BYTES(size), VIRTQ_PACKED_EVENT_ALIGN);
		l.device = virtq_align(l.driver + sizeof(struct virtq_packed_event),
				       VIRTQ_PACKED_EVENT_ALIGN);
		l.bytes = l.device + sizeof(struct virtq_packed_event);
		return l;
	}
	/* §2.7: descriptors, the avail ring right after them, then the used
	 * ring at its own alignment of 4, or, for a legacy device, on the
	 * next Queue Align boundary (§2.7.2: the device computes it itself). */
	size_t used_align = layout == VIRTQ_LAYOUT_SPLIT_LEGACY ? VIRTQ_LEGACY_ALIGN : VIRTQ_USED_ALIGN;
	l.driver = virtq_align(l.desc + VIRTQ_DESC_TABLE_BYTES(size), VIRTQ_AVAIL_ALIGN);
	l.device = virtq_align(l.driver + VIRTQ_AVAIL_BYTES(size), used_align);
	l.bytes = l.device + VIRTQ_USED_BYTES(size);
	return l;
}

/*
 * Offsets inside the caller's block: ring | indirect tables | slots, and
 * the block's length.  Computed in 64 bits: the tables of a large queue
 * need more than a 32-bit size_t holds (32768 x 32768 x 16 = 16 GiB), and
 * a size that wrapped around would accept a block far too small.  Nothing
 * else can overflow: a ring and its slots stay under 4 MiB.
 */
static uint64_t indirect_off(uint16_t size, enum virtq_layout layout)
{
	return virtq_align(virtq_ring_layout(size, layout).bytes, VIRTQ_DESC_ALIGN);
}
static uint64_t slots_off(uint16_t size, enum virtq_layout layout, uint16_t indirect_max)
{
	uint64_t tables = (uint64_t)size * VIRTQ_INDIRECT_ENTRIES(size, indirect_max) *
			  sizeof(struct virtq_desc);
	return VIRTQ_ALIGN_UP(indirect_off(size, layout) + tables, _Alignof(struct virtq_slot));
}

size_t virtq_mem_bytes(uint16_t size, enum virtq_layout layout, uint16_t indirect_max)
{
	uint64_t bytes = slots_off(size, layout, indirect_max) +
			 (uint64_t)size * sizeof(struct virtq_slot);
	return bytes > SIZE_MAX ? 0 : (size_t)bytes; /* 0: no block can hold it */
}

size_t virtq_mem_bytes_max(uint16_t size, uint16_t indirect_max)
{
	static const enum virtq_layout all[] = { VIRTQ_LAYOUT_SPLIT, VIRTQ_LAYOUT_PACKED,
						 VIRTQ_LAYOUT_SPLIT_LEGACY };
	size_t most = 0;
	for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		size_t n = virtq_mem_bytes(size, all[i], indirect_max);
		if (n == 0)
			return 0;
		most = n > most ? n : most;
	}
	return most;
}

static bool valid_size(uint16_t size, bool packed)
{
	if (size == 0 || size > VIRTQ_MAX_SIZE)
		return false;
	return packed || (size & (size - 1)) == 0; /* split: power of two */
}

/*
 * Zero the queue's block, which is VIRTQ_MEM_ALIGN aligned, a word at a
 * time where the compiler lets a word alias the caller's bytes: a byte
 * loop costs a third of a million instructions for a queue of 256 with
 * indirect tables, most of a kernel's boot with eight disks.
 */
#if defined(__GNUC__)
typedef uint64_t __attribute__((__may_alias__)) virtq_zero_word;
#else
typedef unsigned char virtq_zero_word;
#endif

static void zero_block(uint8_t *base, size_t n)
{
	virtq_zero_word *w = (virtq_zero_word *)(void *)base;
	size_t words = n / sizeof(*w);
	for (size_t i = 0; i < words; i++)
		w[i] = 0;
	for (size_t i = words * sizeof(*w); i < n; i++)
		base[i] = 0;
}

int virtq_create(struct virtq *vq, struct virtio_device *vdev, uint16_t index,
		 uint16_t size, void *mem, size_t mem_len, uint16_t indirect_max)
{
	enum virtq_layout layout = virtq_layout(vdev);
	bool packed = layout == VIRTQ_LAYOUT_PACKED;
	uint8_t *base = mem;

	if (!valid_size(size, packed))
		return VIRTIO_EINVAL;
	/* A live queue's ring may be this very memory: refuse before
	 * anything is zeroed (and, legacy, before QueueNumMax, §4.2.4). */
	if (vdev->ops->queue_live && vdev->ops->queue_live(vdev, index))
		return VIRTIO_EINVAL;
	if (size > virtio_queue_max(vdev, index))
		return virtio_queue_max(vdev, index) ? VIRTIO_EINVAL : VIRTIO_ENOQUEUE;
	/* §2.7.5.3.1, §2.8.17: no chain, indirect or not, is longer than
	 * the queue: longer tables could never be used. */
	indirect_max = VIRTQ_INDIRECT_ENTRIES(size, indirect_max);
	size_t need = virtq_mem_bytes(size, layout, indirect_max);
	if (!mem || ((uintptr_t)mem & (VIRTQ_MEM_ALIGN - 1)) || need == 0 || mem_len < need)
		return VIRTIO_ENOMEM;
	if (!virtio_has_feature(vdev, VIRTIO_F_INDIRECT_DESC))
		indirect_max = 0;

	need = virtq_mem_bytes(size, layout, indirect_max);
	zero_block(base, need);

	*vq = (struct virtq){
		.ops = packed ? &virtq_packed_ops : &virtq_split_ops,
		.vdev = vdev,
		.index = index,
		.size = size,
		.packed = packed,
		.legacy = vdev->legacy,
		.event_idx = virtio_has_feature(vdev, VIRTIO_F_EVENT_IDX),
		.event_on_pop = virtio_has_feature(vdev, VIRTIO_F_EVENT_IDX),
		.indirect_max = indirect_max,
		.ring_mask = (uint16_t)(size - 1),
		.table_max = indirect_max ? size : 0,
		.num_free = size,
		.slots = (struct virtq_slot *)(base + (size_t)slots_off(size, layout, indirect_max)),
		.indirect = base + (size_t)indirect_off(size, layout),
	};
	/* Free lists: split links descriptors, packed links buffer ids. */
	for (uint16_t i = 0; i < size; i++)
		vq->slots[i].next = (uint16_t)(i + 1);

	struct virtq_ring_layout ring = virtq_ring_layout(size, layout);
	if (packed)
		virtq_packed_init(vq, base, &ring);
	else
		virtq_split_init(vq, base, &ring);
	struct virtio_queue_addrs a = {
		.desc = virtio_virt_to_dma(base + ring.desc),
		.driver = virtio_virt_to_dma(base + ring.driver),
		.device = virtio_virt_to_dma(base + ring.device),
	};
	/* The zeroed ring must reach memory before the device looks at it. */
	virtio_cache_clean(base, ring.bytes);
	virtio_wmb_io();
	return vdev->ops->queue_enable(vdev, index, size, &a);
}

int virtq_add(struct virtq *vq, const struct virtq_sg *sg, unsigned n_out,
	      unsigned n_in, void *token)
{
	/* A tail call: the layout checks the arguments (virtq_chain_check). */
	return vq->ops->add(vq, sg, n_out, n_in, token);
}

bool virtq_kick_prepare(struct virtq *vq)
{
	if (vq->broken || virtq_unkicked(vq) == 0)
		return false;
	/* (A tail call: the layouts count notifies_suppressed.) */
	return vq->packed ? virtq_packed_kick_prepare(vq) : virtq_split_kick_prepare(vq);
}

void virtq_notify(struct virtq *vq)
{
	uint32_t value = vq->index;

	if (virtio_has_feature(vq->vdev, VIRTIO_F_NOTIFICATION_DATA)) {
		/* §2.9: where the driver will write next, so the device need
		 * not read the ring to find out. */
		if (vq->packed)
			value |= (uint32_t)vq->avail_idx << 16 |
				 (uint32_t)((vq->avail_wrap_bits & VIRTQ_DESC_F_AVAIL) != 0) << 31;
		else
			value |= (uint32_t)(uint16_t)vq->avail_seq << 16;
	}
	/* (Counted first: the transport's notify is then a tail call, with
	 * no frame kept across it.) */
	VIRTQ_STAT(vq, notifies, 1);
	struct virtio_device *d = vq->vdev;
	/* Ring stores (index or flags) before the doorbell store. */
	virtio_wmb_io();
	d->ops->notify(d, vq->index, value);
}

int virtq_get_used(struct virtq *vq, void **token, uint32_t *len)
{
	return vq->ops->get_used(vq, token, len);
}

bool virtq_has_used(struct virtq *vq)
{
	if (vq->broken)
		return false;
	return vq->packed ? virtq_packed_has_used(vq) : virtq_split_has_used(vq);
}

bool virtq_enable_cb(struct virtq *vq)
{
	vq->event_on_pop = vq->event_idx;
	vq->cb_off = false;
	if (vq->packed)
		virtq_packed_set_cb(vq, true);
	else
		virtq_split_set_cb(vq, true);
	/* The arming store before the re-check of the used ring: otherwise a
	 * completion published in between raises no interrupt and is seen by
	 * nobody (§2.7.10). */
	virtio_mb();
	return !virtq_has_used(vq);
}

void virtq_disable_cb(struct virtq *vq)
{
	/* Already off: the ring says so still.  (With EVENT_IDX the index
	 * left behind is reached again only after 2^16 completions: at worst
	 * one interrupt that finds the ring drained.) */
	if (vq->cb_off)
		return;
	vq->cb_off = true;
	vq->event_on_pop = false;
	if (vq->packed)
		virtq_packed_set_cb(vq, false);
	else
		virtq_split_set_cb(vq, false);
}

/* The request path of a queue latched broken. */
static int broken_add(struct virtq *vq, const struct virtq_sg *sg, unsigned n_out,
		      unsigned n_in, void *token)
{
	(void)vq, (void)sg, (void)n_out, (void)n_in, (void)token;
	return VIRTIO_EBROKEN;
}
static int broken_get_used(struct virtq *vq, void **token, uint32_t *len)
{
	(void)vq, (void)token, (void)len;
	return VIRTIO_EBROKEN;
}
static int broken_add_table(struct virtq *vq, const struct virtq_desc *table, unsigned n,
			    uint32_t total, uint32_t writable, void *token)
{
	(void)vq, (void)table, (void)n, (void)total, (void)writable, (void)token;
	return VIRTIO_EBROKEN;
}
static virtq_pop_t broken_take(struct virtq *vq, const struct virtq_pass *pass)
{
	(void)vq, (void)pass;
	return virtq_pop(NULL, VIRTIO_EBROKEN);
}
static int broken_drain(struct virtq *vq, unsigned budget, bool rearm)
{
	return virtq_drain_pass(vq, budget, rearm, (struct virtq_pass){ 0 }, broken_take,
				virtq_kick_prepare);
}
static const struct virtq_ops broken_ops = { broken_add, broken_get_used, broken_add_table,
					     broken_drain };

void virtq_mark_broken(struct virtq *vq)
{
	if (!vq->broken) {
		vq->broken = true;
		vq->ops = &broken_ops;
		/* A split pop looks at vq->broken only where it would read
		 * used.idx: make the next one read it (a drain that is
		 * running keeps its layout's pop). */
		vq->used_seen = vq->last_used;
		virtio_device_fail(vq->vdev);
	}
}

int virtq_fault(struct virtq *vq, const char *why)
{
	VIRTIO_LOG("virtq %d: device fault: %s\n", (int)vq->index, why);
	(void)why;
	VIRTQ_STAT(vq, faults, 1);
	virtq_mark_broken(vq);
	return VIRTIO_EBROKEN;
}

int virtq_pop_rc(struct virtq *vq, virtq_pop_t p)
{
	int64_t len = p.len;
	if (len == VIRTQ_POP_FAULT)
		return virtq_fault(vq, p.token);
	if (len == VIRTQ_POP_ID_FAULT)
		return virtq_fault(vq, (uintptr_t)p.token >= vq->size
					       ? "used id out of range"
					       : "used id is not a chain in flight");
	return (int)len;
}

int virtq_reclaim(struct virtq *vq, void **token)
{
	for (uint16_t i = 0; i < vq->size && vq->in_flight; i++) {
		if (vq->slots[i].ndesc) {
			vq->slots[i].ndesc = 0;
			vq->in_flight--;
			VIRTQ_STAT(vq, chains_added, 1); /* added, never popped */
			*token = vq->slots[i].token;
			return 1;
		}
	}
	return 0;
}

int virtq_get_stats(const struct virtq *vq, struct virtq_stats *out)
{
	*out = vq->stats;
	/* (virtq_count_added(): the field holds the reclaimed chains.) */
	if (VIRTIO_STATS)
		out->chains_added += out->used_popped + vq->in_flight;
	return VIRTIO_STATS ? VIRTIO_OK : VIRTIO_ENOTSUP;
}
