/*
 * Virtqueues: one API over the split (§2.7) and packed (§2.8) layouts.
 *
 * A driver adds a scatter-gather chain (device-readable buffers first, then
 * device-writable ones) with an opaque token, kicks, and later pops used
 * chains back as (token, written length).  Which layout is in use follows
 * from the negotiated features; drivers never see it.
 *
 * Memory is the caller's: one block per queue, sized by virtq_mem_bytes()
 * (or VIRTQ_MEM_BYTES() at compile time), see "Memory" below.
 *
 * Hardening: the descriptor table is written, never read back; every used
 * entry is checked (id range, id in flight, length within what was posted,
 * index advance within the queue size, packed wrap bits).  A violation
 * latches the queue broken: every later call fails with VIRTIO_EBROKEN,
 * the device is set FAILED, and virtq_reclaim() hands back the tokens still
 * in flight so their owners can be failed.  Nothing outside the posted
 * buffers is ever written.
 *
 * Not thread-safe: one context at a time per queue (the caller masks its
 * interrupt around submissions if completions run in an interrupt handler;
 * see driver.h for what must be serialised per queue and per device).
 *
 * Statistics: with VIRTIO_STATS 1 (the default) each queue counts its
 * traffic in struct virtq_stats (virtq_get_stats()); VIRTIO_STATS 0
 * compiles every counter out of the request path.  The storage is there
 * either way, so code built with either setting shares struct virtq.
 */
#ifndef VIRTIO_VIRTQ_H
#define VIRTIO_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "wire/common.h"
#include "wire/ring.h"

/* One buffer of a chain. */
struct virtq_sg {
	void *addr;
	uint32_t len;
};

/* Per chain bookkeeping, private to the driver (never read from the ring).
 * 64 bytes on a 64-bit machine: a power of two, so that a used id becomes
 * its slot with one shift (40 would take four instructions on RV64). */
struct virtq_slot {
	void *token;
	struct virtq_slot *tail; /* split: the slot of the chain's last descriptor (a
				  * pointer: no index to scale when it is given back) */
	uint32_t writable; /* device-writable bytes posted: the used-length bound */
	uint16_t ndesc;    /* ring descriptors the chain occupies; 0: not a chain in flight */
	uint16_t next;     /* free list link (split: descriptor chain link) */
	union {                  /* set up once: */
		struct virtq_desc *desc; /* split: ring descriptor i, this slot's */
		void *table;             /* packed: indirect table i, buffer id i's */
	};
	/* split: the indirect table ring descriptor i points at, as the driver
	 * last wrote it whole; NULL when it holds anything else */
	const void *head_table;
	uint64_t pad[3]; /* to the power of two */
};

/* Chains longer than this go through an indirect table when the device
 * allows it (and the queue has tables): one ring slot per request. */
#ifndef VIRTQ_INDIRECT_THRESHOLD
#define VIRTQ_INDIRECT_THRESHOLD 2
#endif

#ifndef VIRTIO_STATS
#define VIRTIO_STATS 1
#endif

/* Per-queue statistics, since the queue was created (a re-initialisation
 * keeps them). */
struct virtq_stats {
	/* (The pairs counted together are not neighbours: the compiler would
	 * make one vector add of them, dearer than two adds.) */
	uint64_t chains_added;   /* virtq_add() that succeeded */
	uint64_t used_popped;    /* used chains virtq_get_used() returned */
	uint64_t bytes_posted;   /* buffer bytes of those chains, both directions */
	uint64_t bytes_used;     /* the used lengths the device reported for them */
	uint64_t notifies;       /* notifications sent (virtq_notify()) */
	uint64_t notifies_suppressed; /* kicks the device said it did not need */
	uint64_t interrupts;     /* drains of this queue by virtio_device_interrupt() */
	uint64_t spurious;       /* ... that found nothing used */
	uint64_t faults;         /* device rule violations latched */
};

/* Done callback of a queue driven by the device core (driver.h): once per
 * chain, with status 0 and the used length when the device used it, or a
 * negative VIRTIO_E* and len 0 when an abort took it back unused. */
typedef void virtq_done_fn(void *ctx, void *token, uint32_t len, int status);

/* How the device core drives a queue: set by virtio_queue_attach(), kept
 * across re-initialisation; all zero for a queue driven by hand. */
struct virtq_owner {
	virtq_done_fn *done;
	void *ctx;
	struct virtq *next;     /* the device's next attached queue */
	void *mem;              /* the caller's memory, as given: rebuilt in place */
	size_t mem_len;
	uint16_t indirect_max;  /* as asked for (the queue's own is 0 without INDIRECT_DESC) */
};

/*
 * The request path of a queue, chosen once: the layout's at creation, the
 * broken queue's (every call VIRTIO_EBROKEN) when it latches broken.  So
 * virtq_add() and virtq_get_used() are one indirect jump, virtq_add_table()
 * (inline: a driver's per-request path) one indirect call from the
 * caller, and the layouts need not look at vq->broken.
 * Private to the library: call the functions below.
 */
struct virtq_ops {
	int (*add)(struct virtq *vq, const struct virtq_sg *sg, unsigned n_out, unsigned n_in,
		   void *token);
	int (*get_used)(struct virtq *vq, void **token, uint32_t *len);
	int (*add_table)(struct virtq *vq, const struct virtq_desc *table, unsigned n,
			 uint32_t total, uint32_t writable, void *token);
	int (*drain)(struct virtq *vq, unsigned budget, bool rearm); /* drain_pass.h */
};

struct virtq {
	const struct virtq_ops *ops; /* the layout's request path; a broken queue's refuses */
	struct virtio_device *vdev;
	uint16_t index;
	uint16_t free_head;     /* split: free descriptor list; packed: free ids (here, away
				 * from the counters stored with it, which the compiler would
				 * merge into one store at a cost) */
	uint16_t size;
	bool packed;
	bool legacy;            /* split ring in the guest's byte order (§2.7.3) */
	bool event_idx;
	bool broken;
	bool event_on_pop;      /* EVENT_IDX with callbacks on: move the event index on each pop */
	bool cb_off;            /* callbacks off since the last virtq_disable_cb() */
	uint16_t indirect_max;  /* entries per indirect table; 0 = none */
	uint16_t avail_idx;     /* packed: next avail offset (split: avail_seq's low 16 bits) */
	uint16_t last_used;     /* split: next used index; packed: next used offset */
	uint16_t used_seen;     /* split: used.idx as last read; up to it the entries are
				 * known published (and ordered after that read) */
	uint16_t ring_mask;     /* split: size - 1, an index's ring entry */
	uint16_t table_max;     /* virtq_add_table()'s longest table: size, 0 without tables */
	/* Packed: the two wrap counters (§2.8.1) as the AVAIL/USED flag bits
	 * they stand for, so that a lap's bits are never recomputed. */
	uint16_t avail_wrap_bits; /* of a descriptor made available in the driver's lap */
	uint16_t used_wrap_bits;  /* of a descriptor the device used in its lap */
	/* Free ring descriptors and chains posted and not yet used, the two
	 * halves of one word (`counts`): an add or a pop moves both with one
	 * load, add and store (virtq_internal.h). */
	union {
		struct {
#if VIRTIO_CPU_BIG_ENDIAN
			uint16_t in_flight;
			uint16_t num_free;
#else
			uint16_t num_free;
			uint16_t in_flight;
#endif
		};
		uint32_t counts;
	};
	/* Made available since virtq_create(), never wrapping: split chains
	 * (the shadow avail.idx is the low 16 bits), packed descriptors; and
	 * the count at the last notify decision.  What lies between is what
	 * a kick must cover: 64 bits, so no run of adds without a decision
	 * can ever read as "nothing new". */
	uint64_t avail_seq;
	uint64_t kick_seq;
	union {
		struct {
			struct virtq_desc *desc;
			struct virtq_avail *avail;
			struct virtq_used *used;
		} split;
		struct {
			struct virtq_packed_desc *desc;
			struct virtq_packed_event *driver;
			struct virtq_packed_event *device;
		} packed;
	} ring;
	struct virtq_slot *slots;   /* [size] */
	uint8_t *indirect;          /* [size][indirect_max] 16-byte entries */
	struct virtq_owner owner;
	struct virtq_stats stats;   /* zero with VIRTIO_STATS 0 */
};

/*
 * Memory.  A queue lives in one block of caller memory: its ring (what the
 * device reads and writes), its indirect tables (device-read), then the
 * driver's private slots, in that order.  The block must be
 *   - physically contiguous and DMA-reachable: the device is given
 *     addresses inside it through virtio_virt_to_dma();
 *   - VIRTQ_MEM_ALIGN-aligned (a legacy device takes the ring as one
 *     page-aligned block; the same rule for every layout keeps it simple);
 *   - at least virtq_mem_bytes() long for the queue's layout.
 * What it holds beforehand does not matter: virtq_create() zeroes the
 * whole block and cleans the ring out of the CPU cache before the device
 * sees it.  The block belongs to the queue until the device is reset.
 */
#define VIRTQ_MEM_ALIGN 4096u

/* Ring layouts.  Which one a queue gets follows from the device:
 * virtq_layout() once the features are negotiated. */
enum virtq_layout {
	VIRTQ_LAYOUT_SPLIT = 0,        /* split ring, compact (§2.7 alignments): a 1.x device */
	VIRTQ_LAYOUT_PACKED = 1,       /* packed ring (§2.8): RING_PACKED negotiated */
	VIRTQ_LAYOUT_SPLIT_LEGACY = 2, /* split ring, used ring on a Queue Align boundary
					* (§2.7.2): a legacy device */
};
/* The Queue Align of the legacy layout: fixed by legacy PCI, and what the
 * library writes to a legacy MMIO device's QueueAlign. */
#define VIRTQ_LEGACY_ALIGN 4096u

static inline enum virtq_layout virtq_layout(const struct virtio_device *d)
{
	if (virtio_has_feature(d, VIRTIO_F_RING_PACKED))
		return VIRTQ_LAYOUT_PACKED;
	return d->legacy ? VIRTQ_LAYOUT_SPLIT_LEGACY : VIRTQ_LAYOUT_SPLIT;
}

/* Where the three areas of a ring of `size` entries sit, in bytes from its
 * start (§2.6: the device is told each address). */
struct virtq_ring_layout {
	size_t desc;   /* Descriptor Area: descriptor table / packed ring */
	size_t driver; /* Driver Area: avail ring / driver event suppression */
	size_t device; /* Device Area: used ring / device event suppression */
	size_t bytes;  /* the whole ring */
};
struct virtq_ring_layout virtq_ring_layout(uint16_t size, enum virtq_layout layout);

/* Entries per indirect table of a queue of `size`: what was asked for, at
 * most the queue size (§2.7.5.3.1, §2.8.17: no chain is longer than the
 * queue, so a longer table could never be used). */
#define VIRTQ_INDIRECT_ENTRIES(size, indirect_max) \
	((indirect_max) < (size) ? (indirect_max) : (size))

/* Bytes of caller memory one queue of `size` entries needs in `layout`,
 * with `indirect_max` entries per indirect table (0: none; clamped as
 * VIRTQ_INDIRECT_ENTRIES() says).  0 when it is more than a size_t holds
 * (32768 entries with 32768-entry tables are 16 GiB): no block can hold
 * such a queue. */
size_t virtq_mem_bytes(uint16_t size, enum virtq_layout layout, uint16_t indirect_max);

/* The most any layout needs: for sizing before the device is probed
 * (0 as above). */
size_t virtq_mem_bytes_max(uint16_t size, uint16_t indirect_max);

/*
 * The same sizes as constant expressions, for static arrays:
 *     static uint8_t mem[VIRTQ_MEM_BYTES_MAX(16, 4)]
 *             __attribute__((aligned(VIRTQ_MEM_ALIGN)));
 * They repeat the arithmetic of virtq_ring_layout() and virtq_mem_bytes()
 * (tests/host/cases/test_layout.c checks that they agree everywhere),
 * in 64 bits, and give 0 for an impossible size as the functions do.
 */
#define VIRTQ_ALIGN_UP(x, a) (((x) + (a) - 1) / (a) * (a))
#define VIRTQ_RING_BYTES(size, layout)                                             \
	((layout) == VIRTQ_LAYOUT_PACKED                                           \
		 ? VIRTQ_PACKED_RING_BYTES(size) + 2 * sizeof(struct virtq_packed_event) \
		 : VIRTQ_ALIGN_UP(VIRTQ_DESC_TABLE_BYTES(size) + VIRTQ_AVAIL_BYTES(size), \
				  (layout) == VIRTQ_LAYOUT_SPLIT_LEGACY ? VIRTQ_LEGACY_ALIGN \
									 : VIRTQ_USED_ALIGN) + \
			   VIRTQ_USED_BYTES(size))
#define VIRTQ_MEM_BYTES_U64(size, layout, indirect_max)                            \
	(VIRTQ_ALIGN_UP(VIRTQ_ALIGN_UP((unsigned long long)VIRTQ_RING_BYTES(size, layout), \
				       VIRTQ_DESC_ALIGN) +                         \
				(unsigned long long)(size) *                       \
					VIRTQ_INDIRECT_ENTRIES(size, indirect_max) * \
					sizeof(struct virtq_desc),                 \
			_Alignof(struct virtq_slot)) +                             \
	 (unsigned long long)(size) * sizeof(struct virtq_slot))
#define VIRTQ_MEM_BYTES(size, layout, indirect_max)                                \
	(VIRTQ_MEM_BYTES_U64(size, layout, indirect_max) > SIZE_MAX                \
		 ? (size_t)0                                                       \
		 : (size_t)VIRTQ_MEM_BYTES_U64(size, layout, indirect_max))
/* The legacy split ring is the largest: the compact one plus padding, and
 * a packed ring is smaller than either. */
#define VIRTQ_MEM_BYTES_MAX(size, indirect_max) \
	VIRTQ_MEM_BYTES(size, VIRTQ_LAYOUT_SPLIT_LEGACY, indirect_max)

/*
 * Lay out a queue in `mem` (see "Memory" above; zeroed here) and enable it
 * on the device, in the layout virtq_layout() gives.  `size` must not
 * exceed virtio_queue_max() and must be a power of two for split rings.
 * `indirect_max` 0 disables indirect tables for this queue; more than
 * `size` is taken as `size`.  VIRTIO_ENOMEM when `mem` is NULL,
 * misaligned, or shorter than virtq_mem_bytes() (or that is 0);
 * VIRTIO_EINVAL when the queue is live on the device already.  On any
 * refusal `mem` is untouched and no queue is programmed.
 */
int virtq_create(struct virtq *vq, struct virtio_device *vdev, uint16_t index,
		 uint16_t size, void *mem, size_t mem_len, uint16_t indirect_max);

/*
 * Expose one chain: sg[0..n_out) device-readable, then sg[n_out..n_out+n_in)
 * device-writable.  Nothing is notified until virtq_kick().
 * VIRTIO_ENOSPC when there is no room (retry after completions),
 * VIRTIO_EINVAL for an empty or oversized chain, VIRTIO_EBROKEN when
 * latched broken.
 */
int virtq_add(struct virtq *vq, const struct virtq_sg *sg, unsigned n_out,
	      unsigned n_in, void *token);

/*
 * A chain the caller lays out once in an indirect table of its own
 * (§2.7.5.3, §2.8.7), for a request whose shape repeats: only the entries
 * that change are rewritten per request.  The table is `n` descriptors of
 * VIRTQ_TABLE_ENTRY_BYTES, 16-aligned, in DMA-reachable memory; from
 * virtq_add_table() until the chain's token comes back it is the
 * device's to read, and the caller must not change it.
 *
 * virtq_table_set() writes entry `i` of an `n`-entry table in this
 * queue's layout and byte order: buffer at DMA address `dma`, `len`
 * bytes, device-writable or not; split entries link to i + 1 (§2.7.5.3.1:
 * readable entries before writable ones), packed ones carry buffer id 0
 * (reserved, §2.8.7).
 *
 * virtq_add_table() exposes the table as one ring descriptor with
 * VIRTQ_DESC_F_INDIRECT.  `total` is the bytes of all its buffers and
 * `writable` those of the device-writable ones: the bound of the used
 * length, as virtq_add() records it.  Only on a queue with indirect
 * tables (virtq_has_indirect()).  VIRTIO_EINVAL for no table, an empty
 * one or one longer than the queue, writable > total or a queue without
 * indirect tables; VIRTIO_ENOSPC when the ring is full; VIRTIO_EBROKEN
 * when latched broken.
 */
#define VIRTQ_TABLE_ENTRY_BYTES 16u
static inline void virtq_table_set(const struct virtq *vq, struct virtq_desc *table,
				   unsigned i, unsigned n, uint64_t dma, uint32_t len,
				   bool writable)
{
	struct virtq_desc *d = &table[i];
	uint16_t f = writable ? VIRTQ_DESC_F_WRITE : 0;
	if (vq->packed) {
		/* the same 16 bytes, id and flags where §2.8.13 puts them */
		struct virtq_packed_desc *p = (struct virtq_packed_desc *)(void *)d;
		virtio_le64_store(&p->addr, dma);
		virtio_le32_store(&p->len, len);
		virtio_le16_store(&p->id, 0);
		virtio_le16_store(&p->flags, f);
		return;
	}
	bool more = i + 1 < n;
	virtio64_store(&d->addr, dma, vq->legacy);
	virtio32_store(&d->len, len, vq->legacy);
	virtio16_store(&d->flags, (uint16_t)(f | (more ? VIRTQ_DESC_F_NEXT : 0)), vq->legacy);
	virtio16_store(&d->next, (uint16_t)(more ? i + 1 : 0), vq->legacy);
}
static inline int virtq_add_table(struct virtq *vq, const struct virtq_desc *table,
				  unsigned n, uint32_t total, uint32_t writable, void *token)
{
	/* The layout checks the arguments (virtq_table_check). */
	return vq->ops->add_table(vq, table, n, total, writable, token);
}

/* Does the device want a notification for what was added since the last
 * kick (§2.7.10, §2.8.10)?  Then virtq_notify(). */
bool virtq_kick_prepare(struct virtq *vq);
void virtq_notify(struct virtq *vq);
static inline void virtq_kick(struct virtq *vq)
{
	if (virtq_kick_prepare(vq))
		virtq_notify(vq);
}

/*
 * Pop one used chain.  1: *token and *len (bytes written by the device)
 * are set; 0: nothing used; VIRTIO_EBROKEN: the device broke the rules
 * (the queue is now latched broken).
 */
int virtq_get_used(struct virtq *vq, void **token, uint32_t *len);

/* Used-buffer notifications.  virtq_enable_cb() returns false when used
 * entries arrived meanwhile (the re-arm race): process them, then retry. */
bool virtq_enable_cb(struct virtq *vq);
void virtq_disable_cb(struct virtq *vq);

/* Has the device used anything not yet popped? */
bool virtq_has_used(struct virtq *vq);

/* Latch the queue broken and set the device FAILED. */
void virtq_mark_broken(struct virtq *vq);

/*
 * Take back the chains still in flight after the device was reset (or the
 * queue broke), one token per call: 1 with *token set, 0 when none is left.
 * Only legal once the device no longer owns them (§3.3): after a reset.
 */
int virtq_reclaim(struct virtq *vq, void **token);

/* Copy the queue's statistics out: VIRTIO_OK, or VIRTIO_ENOTSUP (and all
 * zero) when the library was built with VIRTIO_STATS 0. */
int virtq_get_stats(const struct virtq *vq, struct virtq_stats *out);

/* State of a queue, for callers (read these, not the struct's fields). */
static inline uint16_t virtq_free_descs(const struct virtq *vq)
{
	return vq->num_free;
}
static inline bool virtq_is_broken(const struct virtq *vq)
{
	return vq->broken;
}
/* The negotiated ring layout: packed (§2.8) or split (§2.7). */
static inline bool virtq_is_packed(const struct virtq *vq)
{
	return vq->packed;
}
/* Indirect tables in use: INDIRECT_DESC negotiated and tables given. */
static inline bool virtq_has_indirect(const struct virtq *vq)
{
	return vq->indirect_max != 0;
}
/* EVENT_IDX negotiated: notifications steered by event indices (§2.7.10). */
static inline bool virtq_has_event_idx(const struct virtq *vq)
{
	return vq->event_idx;
}
/* Ring descriptors a chain of `n` buffers takes on this queue: one through
 * an indirect table (chains longer than VIRTQ_INDIRECT_THRESHOLD that fit
 * one), else n. */
static inline unsigned virtq_chain_descs(const struct virtq *vq, unsigned n)
{
	return n > VIRTQ_INDIRECT_THRESHOLD && n <= vq->indirect_max ? 1 : n;
}
/* Chains posted and not yet used (or reclaimed). */
static inline uint32_t virtq_in_flight(const struct virtq *vq)
{
	return vq->in_flight;
}

#endif
