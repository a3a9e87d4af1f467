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

/*
 * The layouts count where the totals are at hand: a chain committed with
 * `bytes` in all; a used chain popped by virtq_get_used() with `written`
 * bytes, or a drain pass's `n` chains with `written` in all, counted once
 * at the pass's end (a done() that reads the statistics during a pass
 * does not see the pass's own chains yet).  chains_added is not counted:
 * every chain added is popped, in flight or reclaimed, so the field
 * holds only the reclaimed ones and virtq_get_stats() adds the rest.
 */
static inline void virtq_count_added(struct virtq *vq, uint64_t bytes)
{
	VIRTQ_STAT(vq, bytes_posted, bytes);
	(void)vq;
	(void)bytes;
}
static inline void virtq_count_used(struct virtq *vq, uint64_t n, uint64_t written)
{
	VIRTQ_STAT(vq, used_popped, n);
	VIRTQ_STAT(vq, bytes_used, written);
	(void)vq;
	(void)n;
	(void)written;
}

/*
 * struct virtq's counts: num_free in one half, in_flight in the other.
 * Neither half ever carries into the other: num_free never drops below 0
 * (the adds check it) nor in_flight below 0 (a pop takes a chain in
 * flight), and both stay at most the queue size, below 2^16.
 */
#define VIRTQ_FREE_UNIT (VIRTIO_CPU_BIG_ENDIAN ? 1u << 16 : 1u)
#define VIRTQ_CHAIN_UNIT (VIRTIO_CPU_BIG_ENDIAN ? 1u : 1u << 16)
/* A chain of `ndesc` ring descriptors posted (need) or used. */
static inline void virtq_counts_posted(struct virtq *vq, unsigned ndesc)
{
	vq->counts += VIRTQ_CHAIN_UNIT - ndesc * VIRTQ_FREE_UNIT;
}
static inline void virtq_counts_used(struct virtq *vq, unsigned ndesc)
{
	vq->counts += ndesc * VIRTQ_FREE_UNIT - VIRTQ_CHAIN_UNIT;
}

static inline size_t virtq_align(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* Made available since the last notify decision (split: chains, packed:
 * descriptors); 0xffff or more and no 16-bit event index can place the
 * window: the kick always notifies. */
#define VIRTQ_UNKICKED_MAX 0xffffu
static inline uint64_t virtq_unkicked(const struct virtq *vq)
{
	return vq->avail_seq - vq->kick_seq;
}

/* Whether the device is working on chains of vq besides those made
 * available since the last notify decision: counted in virtq_unkicked()'s
 * units, chains (split) or ring descriptors (packed). */
static inline bool virtq_device_holds_others(const struct virtq *vq)
{
	uint32_t outstanding = vq->packed ? (uint32_t)(vq->size - vq->num_free) : vq->in_flight;
	return outstanding > virtq_unkicked(vq);
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
 * A used ring's 32-bit id as the index it is checked as and used as.  RV64
 * keeps a 32-bit value sign-extended in its register: taken as signed it
 * is that register (an id of 2^31 or more becomes a negative index that
 * fails the unsigned range check all the same), taken as unsigned it
 * costs two instructions of zero-extension.  Elsewhere (x86-64, AArch64)
 * the zero-extended value is the free one.
 */
#if defined(__riscv) && __riscv_xlen == 64
typedef int64_t virtq_used_id;
#define VIRTQ_USED_ID(raw) ((int64_t)(int32_t)(raw))
#else
typedef uint64_t virtq_used_id;
#define VIRTQ_USED_ID(raw) ((uint64_t)(raw))
#endif

/*
 * A 16-bit ring index the device reads, stored in its order (§2.7.3) as
 * one store the compiler can neither tear nor drop: a relaxed atomic
 * store, the volatile accessor's guarantee without the zero-extension
 * GCC puts before a volatile halfword store (two instructions on RV64).
 * Ordering is still the caller's barrier.
 */
static inline void virtq_ring_st16(virtio16_t *p, uint16_t v, bool legacy)
{
#if defined(__GNUC__)
	__atomic_store_n((VIRTIO_FORCE uint16_t *)p, legacy ? v : VIRTIO_LE16(v),
			 __ATOMIC_RELAXED);
#else
	virtio16_store(p, v, legacy);
#endif
}

/* A branch only a rule-breaking (or legacy) device takes. */
#if defined(__GNUC__)
#define VIRTQ_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define VIRTQ_UNLIKELY(x) (x)
#endif

/*
 * A layout's add is one body inlined for each chain length up to 3 with
 * `n` a constant, where its loops unroll, and once for every other length
 * (VIRTQ_BY_LENGTH).  Short chains are most requests: a block request is
 * 3 buffers, an entropy or console buffer 1.  A build for size (-Os) gets
 * the body once, loops rolled, and no other fast path (VIRTQ_FAST_PATHS).
 */
#if defined(__GNUC__) && !defined(__OPTIMIZE_SIZE__)
#define VIRTQ_FAST_PATHS 1
#define VIRTQ_ALWAYS_INLINE inline __attribute__((always_inline))
#define VIRTQ_UNROLL _Pragma("GCC unroll 3")
/* Each length its own function, so each saves only the registers its
 * own body needs (one function for all of them saves what the longest
 * needs, on every call) and the dispatch below is a tail call. */
#define VIRTQ_LENGTH_VARIANT(body, suffix, len)                                          \
	static __attribute__((noinline)) int body##suffix(struct virtq *vq,              \
							   const struct virtq_sg *sg,    \
							   unsigned n_out, unsigned n,   \
							   void *token)                  \
	{                                                                                \
		(void)n;                                                                 \
		return body(vq, sg, n_out, len, token);                                  \
	}
#define VIRTQ_LENGTH_VARIANTS(body)        \
	VIRTQ_LENGTH_VARIANT(body, _1, 1)  \
	VIRTQ_LENGTH_VARIANT(body, _2, 2)  \
	VIRTQ_LENGTH_VARIANT(body, _3, 3)  \
	VIRTQ_LENGTH_VARIANT(body, _n, n)
#define VIRTQ_BY_LENGTH(body, vq, sg, n_out, n, token)         \
	switch (n) {                                           \
	case 1: return body##_1(vq, sg, n_out, 1, token);      \
	case 2: return body##_2(vq, sg, n_out, 2, token);      \
	case 3: return body##_3(vq, sg, n_out, 3, token);      \
	default: return body##_n(vq, sg, n_out, n, token);     \
	}
#else
#define VIRTQ_FAST_PATHS 0
#define VIRTQ_ALWAYS_INLINE inline
#define VIRTQ_UNROLL
#define VIRTQ_LENGTH_VARIANTS(body)
#define VIRTQ_BY_LENGTH(body, vq, sg, n_out, n, token) return body(vq, sg, n_out, n, token);
#endif

/*
 * The layouts' add checks every argument here, before its first store (a
 * broken queue never gets there, struct virtq_ops): it must never write a
 * descriptor of a chain it may still refuse (a packed descriptor's flags
 * mark it available on their own, §2.8.21).  `n` is n_out + n_in as the
 * caller added them in 32 bits.  VIRTIO_EINVAL for an empty chain (or
 * n_out + n_in past 32 bits), one longer than the queue (it can never
 * fit, §2.7.5.3.1, §2.8.17), an empty buffer or more than 4 GiB in all.
 * Returns the ring descriptors needed (1 when the chain goes through an
 * indirect table) with *sums set, or a negative error.
 */
static inline int virtq_chain_check(const struct virtq *vq, const struct virtq_sg *sg,
				    unsigned n_out, unsigned n, struct virtq_chain_sums *sums)
{
	if (n == 0 || n < n_out || !sg)
		return VIRTIO_EINVAL;
	unsigned need = virtq_chain_descs(vq, n);
	if (need > vq->num_free) /* more than the ring holds: never fits */
		return need > vq->size ? VIRTIO_EINVAL : VIRTIO_ENOSPC;
	/*
	 * One pass, branch-free: each buffer adds len - 1 taken as 32 bits,
	 * which is 0xffffffff for an empty one (§2.7.4.1, §2.8.5: a
	 * descriptor of length 0 is not a buffer), and the count adds the
	 * ones back.  So the sums are the real ones plus 2^32 for every empty
	 * buffer (no wrap: at most 32768 terms below 2^32), and one compare
	 * refuses both an empty buffer and a total past 4 GiB.
	 */
	uint64_t total = n, writable = n - n_out;
	VIRTQ_UNROLL
	for (unsigned i = 0; i < n; i++) {
		uint32_t t = sg[i].len - 1;
		total += t;
		if (i >= n_out)
			writable += t;
	}
	if (total > 0xffffffffull)
		return VIRTIO_EINVAL;
	sums->total = (uint32_t)total;
	sums->writable = (uint32_t)writable;
	return (int)need;
}

/*
 * virtq_add_table()'s arguments, checked before the layout's first store
 * as virtq_chain_check() checks a chain's: a table no longer than the
 * queue (§2.7.5.3.1, §2.8.17: the device may refuse a longer one), not
 * empty, a used-length bound within its bytes, and a queue that has
 * indirect tables (VIRTIO_F_INDIRECT_DESC negotiated, §2.7.5.3: without
 * it no INDIRECT descriptor may be posted).  The length's three rules are
 * one compare: vq->table_max is the queue size with tables, 0 without,
 * and n - 1 wraps for an empty table.  0 or a negative error.
 */
static inline int virtq_table_check(const struct virtq *vq, const struct virtq_desc *table,
				    unsigned n, uint32_t total, uint32_t writable)
{
	if (!table || n - 1 >= vq->table_max || writable > total)
		return VIRTIO_EINVAL;
	return vq->num_free == 0 ? VIRTIO_ENOSPC : 0;
}

/*
 * Book a valid chain in slot `id` (the chain's head descriptor, split; its
 * buffer id, packed) before anything of it is written: private memory the
 * device never sees, and the values die here instead of staying live
 * across the descriptor stores.  A nonzero ndesc is what marks the slot a
 * chain in flight.
 */
static inline struct virtq_slot *virtq_book(struct virtq *vq, unsigned id, void *token,
					    unsigned need, const struct virtq_chain_sums *sums)
{
	struct virtq_slot *s = &vq->slots[id];
	/* (The queue's counters first: after a store to the slot the
	 * compiler would read them again.) */
	virtq_counts_posted(vq, need);
	virtq_count_added(vq, sums->total);
	s->token = token;
	s->writable = sums->writable;
	s->ndesc = (uint16_t)need;
	return s;
}

/*
 * One used chain as a layout's pop gives it (virtq_drain_pass() and
 * virtq_get_used() inline it): a token and a len, len 0..2^32-1 a chain
 * with that many bytes written; VIRTQ_POP_EMPTY nothing used;
 * VIRTQ_POP_FAULT a device that broke a rule, the token then the reason,
 * or VIRTQ_POP_ID_FAULT a used id virtq_used_id_ok() refused; any other
 * negative value a VIRTIO_E*.  The faults are latched by the caller
 * (virtq_pop_rc()), off the pop's path: a pop that calls nothing keeps
 * its values in registers that need no saving.
 */
#define VIRTQ_POP_EMPTY INT64_MIN
#define VIRTQ_POP_FAULT (INT64_MIN + 1)
#define VIRTQ_POP_ID_FAULT (INT64_MIN + 2) /* the token is the id, as uintptr_t */
typedef struct {
	void *token;
	int64_t len;
} virtq_pop_t;
static inline virtq_pop_t virtq_pop(void *token, int64_t len)
{
	return (virtq_pop_t){ token, len };
}

static inline virtq_pop_t virtq_pop_fault(const char *why)
{
	return virtq_pop((void *)(uintptr_t)why, VIRTQ_POP_FAULT);
}
/* A used id virtq_used_id_ok() refused (which message: the caller's
 * business, off the pop's path). */
static inline virtq_pop_t virtq_pop_id_fault(uint32_t id)
{
	return virtq_pop((void *)(uintptr_t)id, VIRTQ_POP_ID_FAULT);
}

/*
 * What a pop reads of the queue's own layout, which never changes while
 * it is attached (a rebuild lays it out again in the same memory, the
 * same way): a drain pass reads it once, not after every done().
 */
struct virtq_pass {
	struct virtq_slot *slots;
	void *ring;    /* split: the used ring; packed: the descriptor ring */
	unsigned mask; /* split: size - 1 */
};

/* The device broke a rule: latch, fail the device, report. */
int virtq_fault(struct virtq *vq, const char *why);

/* A pop that is neither a chain nor VIRTQ_POP_EMPTY, as virtq_get_used()
 * returns it: a negative VIRTIO_E* (a fault latched here). */
int virtq_pop_rc(struct virtq *vq, virtq_pop_t p);

/* virtq_get_used()'s result from a pop. */
static inline int virtq_pop_out(struct virtq *vq, virtq_pop_t p, void **token, uint32_t *len)
{
	if (VIRTQ_UNLIKELY(p.len < 0))
		return p.len == VIRTQ_POP_EMPTY ? 0 : virtq_pop_rc(vq, p);
	*token = p.token;
	*len = (uint32_t)p.len;
	return 1;
}

/* The layouts' request paths (struct virtq_ops, virtq.h). */
extern const struct virtq_ops virtq_split_ops, virtq_packed_ops;

/* Point the queue at its ring, laid out as virtq_ring_layout() says. */
void virtq_split_init(struct virtq *vq, uint8_t *ring, const struct virtq_ring_layout *l);
int virtq_split_add(struct virtq *vq, const struct virtq_sg *sg, unsigned n_out,
		    unsigned n_in, void *token);
int virtq_split_add_table(struct virtq *vq, const struct virtq_desc *table, unsigned n,
			  uint32_t total, uint32_t writable, void *token);
bool virtq_split_kick_prepare(struct virtq *vq);
int virtq_split_get_used(struct virtq *vq, void **token, uint32_t *len);
int virtq_split_drain(struct virtq *vq, unsigned budget, bool rearm);
bool virtq_split_has_used(struct virtq *vq);
void virtq_split_set_cb(struct virtq *vq, bool enable);

void virtq_packed_init(struct virtq *vq, uint8_t *ring, const struct virtq_ring_layout *l);
int virtq_packed_add(struct virtq *vq, const struct virtq_sg *sg, unsigned n_out,
		     unsigned n_in, void *token);
int virtq_packed_add_table(struct virtq *vq, const struct virtq_desc *table, unsigned n,
			   uint32_t total, uint32_t writable, void *token);
bool virtq_packed_kick_prepare(struct virtq *vq);
int virtq_packed_get_used(struct virtq *vq, void **token, uint32_t *len);
int virtq_packed_drain(struct virtq *vq, unsigned budget, bool rearm);
bool virtq_packed_has_used(struct virtq *vq);
void virtq_packed_set_cb(struct virtq *vq, bool enable);

/*
 * A used id the device may return: `in_range` (the caller's compare with
 * the queue size, in the form its registers make cheapest) and a chain in
 * flight (never one already used, never a non-head, whose ndesc is 0).
 * Otherwise the caller returns virtq_pop_id_fault().
 */
static inline bool virtq_used_id_ok(const struct virtq_slot *slots, bool in_range,
				    virtq_used_id id)
{
	return in_range && slots[id].ndesc != 0;
}


/* Indirect table of the chain whose slot is `slot`. */
static inline void *virtq_indirect_table(struct virtq *vq, uint16_t slot)
{
	return vq->indirect + (size_t)slot * vq->indirect_max * sizeof(struct virtq_desc);
}

#endif
