/*
 * Device side of the rings: the split layout (§2.7) and the packed layout
 * (§2.8), indirect tables (§2.7.5.3, §2.8.7), event suppression
 * (§2.7.7/§2.7.10, §2.8.10) and notification data (§2.9), plus the fault
 * injection that makes the device break the rules on purpose.
 *
 * The device takes chains from the available ring into a pending list
 * (sim_consume), and completes them later (sim_complete), in order or not.
 * It checks what the driver wrote and reports every breach as a violation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"
#include "harness/unit.h"
#include "virtio/device.h"
#include "virtio/spec.h"

static bool need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

/* ---- enable / disable ------------------------------------------------ */

static void publish_event(struct sim_dev *d, struct sim_queue *q);

void sim_ring_disable(struct sim_dev *d, unsigned qi)
{
	struct sim_queue *q = &d->q[qi];
	for (unsigned i = 0; i < q->npending; i++)
		chain_free(q->pending[i]);
	q->npending = 0;
	free(q->owned);
	q->owned = NULL;
	q->pdesc = q->pdrv = q->pdev = NULL;
}

void sim_ring_enable(struct sim_dev *d, unsigned qi)
{
	struct sim_queue *q = &d->q[qi];
	bool packed = d->version != 1 && sim_has(d, VIRTIO_F_RING_PACKED);
	uint32_t n = q->num;

	if (d->version != 1 && !d->features_frozen)
		sim_violation("queue %u enabled before FEATURES_OK was accepted", qi);
	if (d->status & VIRTIO_STATUS_DRIVER_OK)
		sim_violation("queue %u enabled after DRIVER_OK", qi);
	if (n == 0 || n > q->max) {
		sim_violation("queue %u enabled with size %u (max %u)", qi, n, q->max);
		return;
	}
	if (!packed && (n & (n - 1))) {
		sim_violation("split queue %u size %u is not a power of two", qi, n);
		return;
	}
	uint64_t dsz = 16ull * n;
	uint64_t asz = packed ? 4 : 6 + 2ull * n;
	uint64_t usz = packed ? 4 : 6 + 8ull * n;
	if (q->desc % 16 || q->driver % (packed ? 4 : 2) || q->device % 4) {
		sim_violation("queue %u areas misaligned: desc 0x%llx driver 0x%llx device 0x%llx", qi,
			      (unsigned long long)q->desc, (unsigned long long)q->driver,
			      (unsigned long long)q->device);
		return;
	}
	q->pdesc = sim_dma_ptr(q->desc, dsz, "descriptor area");
	q->pdrv = sim_dma_ptr(q->driver, asz, "driver area");
	q->pdev = sim_dma_ptr(q->device, usz, "device area");
	if (!q->pdesc || !q->pdrv || !q->pdev)
		return;
	if (!(q->desc + dsz <= q->driver || q->driver + asz <= q->desc) ||
	    !(q->desc + dsz <= q->device || q->device + usz <= q->desc) ||
	    !(q->driver + asz <= q->device || q->device + usz <= q->driver))
		sim_violation("queue %u areas overlap", qi);
	/* §2.7 / §2.8: the driver zeroes the rings before handing them over. */
	if (packed) {
		for (uint32_t i = 0; i < n; i++)
			if (ld16(q->pdesc + 16 * i + 14)) {
				sim_violation("packed queue %u enabled with descriptor %u flags not zero", qi, i);
				break;
			}
	} else if (ld16(q->pdev + 2) || ld16(q->pdrv + 2) || ld16(q->pdev)) {
		sim_violation("split queue %u enabled with non-zero used/avail index", qi);
	}

	q->packed = packed;
	q->event_idx = sim_has(d, VIRTIO_F_EVENT_IDX);
	q->indirect = sim_has(d, VIRTIO_F_INDIRECT_DESC);
	q->last_avail = q->used_idx = 0;
	q->avail_off = q->used_off = 0;
	q->avail_wrap = q->used_wrap = true;
	q->used_abs = 0;
	q->kicked = false;
	q->halted = false;
	q->npending = 0;
	free(q->owned);
	q->owned = calloc(n, sizeof(bool));
	q->ready = true;
	publish_event(d, q);
}

/* ---- taking chains --------------------------------------------------- */

static bool pending_has_id(struct sim_queue *q, uint16_t id)
{
	for (unsigned i = 0; i < q->npending; i++)
		if (q->pending[i]->id == id)
			return true;
	return false;
}

static void push_pending(struct sim_queue *q, struct sim_chain *c)
{
	if (q->npending == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 16;
		q->pending = realloc(q->pending, q->cap * sizeof(*q->pending));
		if (!q->pending)
			abort();
	}
	q->pending[q->npending++] = c;
	if (q->npending > q->max_pending)
		q->max_pending = q->npending;
}

/* Walk an indirect table of split descriptors (chained by next). */
static bool walk_split_table(struct sim_queue *q, struct sim_chain *c, bool *seen_write)
{
	uint32_t tn = c->table_len / 16;
	uint32_t j = 0, count = 0;
	(void)q;
	for (;;) {
		if (j >= tn) {
			sim_violation("indirect table next %u out of range (%u entries)", j, tn);
			return false;
		}
		if (++count > tn) {
			sim_violation("indirect table loops");
			return false;
		}
		const uint8_t *e = c->table_copy + 16 * j;
		uint16_t f = ld16(e + 12);
		if (f & VIRTQ_DESC_F_INDIRECT) {
			sim_violation("INDIRECT inside an indirect table (§2.7.5.3.1)");
			return false;
		}
		if (!add_seg(c, ld64(e), ld32(e + 8), f & VIRTQ_DESC_F_WRITE, seen_write))
			return false;
		if (!(f & VIRTQ_DESC_F_NEXT))
			break;
		j = ld16(e + 14);
	}
	if (count != tn)
		unit_log("sim: note: indirect table of %u entries, chain uses %u\n", tn, count);
	return true;
}

static struct sim_chain *take_split_chain(struct sim_dev *d, struct sim_queue *q, uint16_t head)
{
	struct sim_chain *c = chain_new();
	bool seen_write = false;
	uint32_t i = head, count = 0;
	(void)d;

	c->id = head;
	for (;;) {
		if (i >= q->num) {
			sim_violation("descriptor index %u out of range (size %u)", i, q->num);
			goto bad;
		}
		if (q->owned[i]) {
			sim_violation("descriptor %u exposed again while still owned by the device", i);
			goto bad;
		}
		if (++count > q->num) {
			sim_violation("descriptor chain longer than the queue size (loop?)");
			goto bad;
		}
		uint8_t *e = q->pdesc + 16 * i;
		add_snap(c, e);
		q->owned[i] = true; /* released on completion or by chain_unown */
		uint16_t f = ld16(e + 12);
		c->ndesc++;
		if (f & VIRTQ_DESC_F_INDIRECT) {
			if (!q->indirect) {
				sim_violation("INDIRECT used without VIRTIO_F_INDIRECT_DESC");
				goto bad;
			}
			if (f & VIRTQ_DESC_F_NEXT) {
				sim_violation("INDIRECT together with NEXT (§2.7.5.3.1)");
				goto bad;
			}
			uint32_t len = ld32(e + 8);
			if (len == 0 || len % 16) {
				sim_violation("indirect table length %u not a multiple of 16", len);
				goto bad;
			}
			if (!copy_table(c, ld64(e), len))
				goto bad;
			c->indirect = true;
			if (!walk_split_table(q, c, &seen_write))
				goto bad;
			if (c->nseg + c->ndesc - 1 > q->num) {
				sim_violation("descriptor chain of %u, longer than the queue size %u "
					      "(§2.7.5.3.1)", c->nseg + c->ndesc - 1, q->num);
				goto bad;
			}
			break;
		}
		if (!add_seg(c, ld64(e), ld32(e + 8), f & VIRTQ_DESC_F_WRITE, &seen_write))
			goto bad;
		if (!(f & VIRTQ_DESC_F_NEXT))
			break;
		i = ld16(e + 14);
	}
	return c;
bad:
	for (uint32_t k = 0; k < c->nsnap; k++)
		q->owned[((uint8_t *)c->snap[k].where - q->pdesc) / 16] = false;
	chain_free(c);
	return NULL;
}

static unsigned take_split(struct sim_dev *d, struct sim_queue *q)
{
	uint8_t *avail = q->pdrv;
	unsigned n = 0;

	if (q->event_idx && ld16(avail) != 0) {
		sim_violation("avail.flags = 0x%x with EVENT_IDX negotiated (must be 0, §2.7.10)",
			      ld16(avail));
	}
	uint16_t idx = ld16(avail + 2);
	uint16_t ahead = (uint16_t)(idx - q->last_avail);
	if (ahead > q->num) {
		sim_violation("avail.idx %u is %u ahead of the device (%u), more than the size %u",
			      idx, ahead, q->last_avail, q->num);
		q->halted = true;
		return 0;
	}
	FENCE(); /* avail.idx before the entries it covers */
	while (q->last_avail != idx) {
		uint16_t head = ld16(avail + 4 + 2 * (q->last_avail % q->num));
		struct sim_chain *c = take_split_chain(d, q, head);
		if (!c) {
			q->halted = true;
			return n;
		}
		c->seq = q->chains++;
		if (c->indirect)
			q->indirect_chains++;
		push_pending(q, c);
		q->last_avail++;
		n++;
	}
	return n;
}

/* Is the packed descriptor at `off` available in lap `wrap`? */
static bool packed_avail(struct sim_queue *q, uint16_t off, bool wrap)
{
	uint16_t f = ld16(q->pdesc + 16 * off + 14);
	bool a = f & VIRTQ_DESC_F_AVAIL, u = f & VIRTQ_DESC_F_USED;
	return a == wrap && u != wrap;
}

static void step(uint16_t *off, bool *wrap, uint16_t by, uint16_t n)
{
	uint32_t x = (uint32_t)*off + by;
	while (x >= n) {
		x -= n;
		*wrap = !*wrap;
	}
	*off = (uint16_t)x;
}

static struct sim_chain *take_packed_chain(struct sim_dev *d, struct sim_queue *q)
{
	struct sim_chain *c = chain_new();
	bool seen_write = false;
	uint16_t off = q->avail_off;
	bool wrap = q->avail_wrap;
	(void)d;

	for (;;) {
		if (c->ndesc >= q->num) {
			sim_violation("packed chain longer than the queue size");
			goto bad;
		}
		if (c->ndesc > 0 && !packed_avail(q, off, wrap)) {
			sim_violation("packed chain continues (NEXT) into a descriptor that is not available");
			goto bad;
		}
		uint8_t *e = q->pdesc + 16 * off;
		uint16_t f = ld16(e + 14);
		c->ndesc++;
		c->id = ld16(e + 12);
		if (f & VIRTQ_DESC_F_INDIRECT) {
			if (!q->indirect) {
				sim_violation("INDIRECT used without VIRTIO_F_INDIRECT_DESC");
				goto bad;
			}
			if (c->ndesc != 1 || (f & VIRTQ_DESC_F_NEXT)) {
				sim_violation("packed INDIRECT descriptor inside a NEXT chain (§2.8.7)");
				goto bad;
			}
			uint32_t len = ld32(e + 8);
			if (len == 0 || len % 16) {
				sim_violation("indirect table length %u not a multiple of 16", len);
				goto bad;
			}
			if (len / 16 > q->num) {
				sim_violation("indirect descriptor list of %u, longer than the queue "
					      "size %u (§2.8.17)", len / 16, q->num);
				goto bad;
			}
			if (!copy_table(c, ld64(e), len))
				goto bad;
			c->indirect = true;
			for (uint32_t j = 0; j < len / 16; j++) {
				const uint8_t *t = c->table_copy + 16 * j;
				uint16_t tf = ld16(t + 14);
				if (tf & (VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT))
					unit_log("sim: note: packed indirect entry with flags 0x%x\n", tf);
				if (tf & VIRTQ_DESC_F_INDIRECT) {
					sim_violation("INDIRECT inside a packed indirect table");
					goto bad;
				}
				if (!add_seg(c, ld64(t), ld32(t + 8), tf & VIRTQ_DESC_F_WRITE, &seen_write))
					goto bad;
			}
			step(&off, &wrap, 1, q->num);
			break;
		}
		if (!add_seg(c, ld64(e), ld32(e + 8), f & VIRTQ_DESC_F_WRITE, &seen_write))
			goto bad;
		step(&off, &wrap, 1, q->num);
		if (!(f & VIRTQ_DESC_F_NEXT))
			break;
	}
	if (pending_has_id(q, c->id)) {
		sim_violation("packed buffer id %u exposed again while still in flight", c->id);
		goto bad;
	}
	q->avail_off = off;
	q->avail_wrap = wrap;
	return c;
bad:
	chain_free(c);
	return NULL;
}

static unsigned take_packed(struct sim_dev *d, struct sim_queue *q)
{
	unsigned n = 0;
	while (packed_avail(q, q->avail_off, q->avail_wrap)) {
		FENCE(); /* flags before the rest of the descriptor */
		struct sim_chain *c = take_packed_chain(d, q);
		if (!c) {
			q->halted = true;
			return n;
		}
		c->seq = q->chains++;
		if (c->indirect)
			q->indirect_chains++;
		push_pending(q, c);
		n++;
	}
	return n;
}

/* Walk the available packed chains without taking them. */
static unsigned peek_packed(struct sim_queue *q, uint16_t *off_out, bool *wrap_out)
{
	uint16_t off = q->avail_off;
	bool wrap = q->avail_wrap;
	unsigned n = 0, guard = 0;
	while (packed_avail(q, off, wrap) && guard++ < 2u * q->num) {
		for (;;) {
			uint16_t f = ld16(q->pdesc + 16 * off + 14);
			step(&off, &wrap, 1, q->num);
			if (!(f & VIRTQ_DESC_F_NEXT) || guard++ > 2u * q->num)
				break;
		}
		n++;
	}
	if (off_out)
		*off_out = off;
	if (wrap_out)
		*wrap_out = wrap;
	return n;
}

unsigned sim_avail_pending(struct sim_dev *d, unsigned qi)
{
	struct sim_queue *q = &d->q[qi];
	if (!q->ready)
		return 0;
	if (q->packed)
		return peek_packed(q, NULL, NULL);
	return (uint16_t)(ld16(q->pdrv + 2) - q->last_avail);
}

void sim_ring_check_notify_data(struct sim_dev *d, unsigned qi, uint32_t v)
{
	struct sim_queue *q = &d->q[qi];
	if (q->packed) {
		uint16_t off;
		bool wrap;
		peek_packed(q, &off, &wrap);
		if (((v >> 16) & 0x7fff) != off || (bool)(v >> 31) != wrap)
			sim_violation("notification data 0x%08x: driver is at offset %u wrap %u", v, off,
				      wrap);
	} else {
		uint16_t idx = ld16(q->pdrv + 2);
		if ((v >> 16) != idx)
			sim_violation("notification data 0x%08x: avail.idx is %u", v, idx);
	}
	(void)d;
}

/* What the device asks of the driver's notifications (§2.7.10, §2.8.10). */
static void publish_event(struct sim_dev *d, struct sim_queue *q)
{
	if (q->packed) {
		uint16_t flags = d->suppress_notify ? VIRTQ_EVENT_F_DISABLE
				 : q->event_idx      ? VIRTQ_EVENT_F_DESC
						     : VIRTQ_EVENT_F_ENABLE;
		st16(q->pdev, (uint16_t)(q->avail_off | (uint16_t)q->avail_wrap << 15));
		FENCE();
		st16(q->pdev + 2, flags);
	} else if (q->event_idx) {
		/* avail_event sits after the used ring's N entries. */
		st16(q->pdev + 4 + 8u * q->num,
		     d->suppress_notify ? (uint16_t)(q->last_avail - 1) : q->last_avail);
	} else {
		st16(q->pdev, d->suppress_notify ? VIRTQ_USED_F_NO_NOTIFY : 0);
	}
}

unsigned sim_consume(struct sim_dev *d, unsigned qi)
{
	struct sim_queue *q = &d->q[qi];
	unsigned n = 0;

	if (!q->ready || q->halted || !(q->kicked || d->poll_ring))
		return 0;
	q->kicked = false;
	for (;;) {
		n += q->packed ? take_packed(d, q) : take_split(d, q);
		if (q->halted)
			break;
		publish_event(d, q);
		FENCE(); /* re-check after re-arming, like a real device */
		if (sim_avail_pending(d, qi) == 0)
			break;
	}
	return n;
}

/* ---- completing chains ----------------------------------------------- */

static void check_snap(struct sim_queue *q, struct sim_chain *c)
{
	/* Split descriptors are written only by the driver; packed slots are
	 * overwritten by used descriptors, so only their tables are checked. */
	if (!q->packed)
		for (uint32_t k = 0; k < c->nsnap; k++)
			if (memcmp(c->snap[k].where, c->snap[k].bytes, 16)) {
				sim_violation("descriptor %u rewritten while the device owned it",
					      (unsigned)(((uint8_t *)c->snap[k].where - q->pdesc) / 16));
				break;
			}
	if (c->table && memcmp(c->table, c->table_copy, c->table_len))
		sim_violation("indirect table rewritten while the device owned it");
}

static void unown(struct sim_queue *q, struct sim_chain *c)
{
	if (q->packed || !q->owned)
		return;
	for (uint32_t k = 0; k < c->nsnap; k++)
		q->owned[((uint8_t *)c->snap[k].where - q->pdesc) / 16] = false;
}

enum used_flags_mode { UF_OK, UF_WRONG_WRAP, UF_INCONSISTENT };

static void write_used(struct sim_dev *d, struct sim_queue *q, uint32_t id, uint32_t len,
		       uint16_t ndesc, enum used_flags_mode mode)
{
	if (q->packed) {
		uint8_t *e = q->pdesc + 16 * q->used_off;
		st16(e + 12, (uint16_t)id);
		st32(e + 8, len);
		bool w = q->used_wrap;
		uint16_t f;
		if (mode == UF_WRONG_WRAP)
			w = !w;
		f = w ? (VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_USED) : 0;
		if (mode == UF_INCONSISTENT) /* USED in this lap, AVAIL not */
			f = q->used_wrap ? VIRTQ_DESC_F_USED : VIRTQ_DESC_F_AVAIL;
		if (len && !d->packed_used_no_write)
			f |= VIRTQ_DESC_F_WRITE;
		FENCE(); /* id and len before the flags that publish them */
		st16(e + 14, f);
		step(&q->used_off, &q->used_wrap, ndesc, q->num);
		q->used_abs += ndesc;
	} else {
		uint8_t *used = q->pdev;
		if (ld16(used + 2) != q->used_idx)
			sim_violation("used.idx is %u, the device wrote %u: the driver wrote the used ring",
				      ld16(used + 2), q->used_idx);
		uint8_t *e = used + 4 + 8u * (q->used_idx % q->num);
		st32(e, id);
		st32(e + 4, len);
		FENCE(); /* the entry before the index that publishes it */
		q->used_idx++;
		st16(used + 2, q->used_idx);
	}
}

static uint32_t run_backend(struct sim_dev *d, unsigned qi, struct sim_chain *c)
{
	uint32_t len = d->backend ? d->backend(d, qi, c) : 0;
	if (len > c->writable)
		FAIL("sim back end reported %u bytes written into %llu writable", len,
		     (unsigned long long)c->writable);
	return len;
}

/* The used length of a normal completion whose back end wrote `len`. */
static uint32_t reported_len(const struct sim_dev *d, const struct sim_chain *c, uint32_t len)
{
	switch (d->used_len) {
	case SIM_LEN_ZERO: return 0;
	case SIM_LEN_SHORT: return len ? len - 1 : 0;
	case SIM_LEN_TOTAL: return (uint32_t)(c->readable + c->writable);
	default: return len;
	}
}

static uint32_t pick_unposted(struct sim_queue *q)
{
	for (uint32_t id = 0; id < q->num; id++) {
		if (q->packed ? !pending_has_id(q, (uint16_t)id) : !q->owned[id])
			return id;
	}
	FAIL("sim: ID_UNPOSTED fault needs a free id, but the ring is full");
}

void sim_complete_one(struct sim_dev *d, unsigned qi, unsigned idx)
{
	struct sim_queue *q = &d->q[qi];
	struct sim_chain *c = q->pending[idx];
	enum sim_fault fault = d->fault;
	bool fire = false;
	uint32_t len;

	memmove(&q->pending[idx], &q->pending[idx + 1],
		(q->npending - idx - 1) * sizeof(*q->pending));
	q->npending--;
	check_snap(q, c);

	if (fault != SIM_FAULT_NONE && fault != SIM_FAULT_WITHHOLD) {
		if (d->fault_after)
			d->fault_after--;
		else
			fire = true;
	}
	if (!fire) {
		len = reported_len(d, c, run_backend(d, qi, c));
		unown(q, c);
		write_used(d, q, c->id, len, c->ndesc, UF_OK);
		q->completions++;
		chain_free(c);
		return;
	}

	unit_log("sim: fault %d fires on queue %u (chain id %u)\n", fault, qi, c->id);
	d->fault = SIM_FAULT_NONE; /* one shot; the queue then stays silent */
	q->halted = true;
	switch (fault) {
	case SIM_FAULT_ID_RANGE:
		write_used(d, q, q->num, 0, c->ndesc, UF_OK);
		push_pending(q, c);
		return;
	case SIM_FAULT_ID_UNPOSTED:
		push_pending(q, c);
		write_used(d, q, pick_unposted(q), 0, c->ndesc, UF_OK);
		return;
	case SIM_FAULT_ID_NOT_HEAD: {
		push_pending(q, c);
		if (q->packed)
			FAIL("sim: ID_NOT_HEAD is a split-ring fault");
		for (unsigned i = 0; i < q->npending; i++) {
			struct sim_chain *p = q->pending[i];
			if (p->nsnap >= 2) {
				uint32_t id = (uint32_t)(((uint8_t *)p->snap[1].where - q->pdesc) / 16);
				write_used(d, q, id, 0, 1, UF_OK);
				return;
			}
		}
		FAIL("sim: ID_NOT_HEAD needs a direct chain of 2+ descriptors in flight");
	}
	case SIM_FAULT_ID_REPEAT:
		len = run_backend(d, qi, c);
		unown(q, c);
		write_used(d, q, c->id, len, c->ndesc, UF_OK);
		write_used(d, q, c->id, len, c->ndesc, UF_OK);
		chain_free(c);
		return;
	case SIM_FAULT_LEN_OVER:
		run_backend(d, qi, c);
		unown(q, c);
		write_used(d, q, c->id, (uint32_t)c->writable + 1, c->ndesc, UF_OK);
		chain_free(c);
		return;
	case SIM_FAULT_IDX_JUMP:
		if (q->packed)
			FAIL("sim: IDX_JUMP is a split-ring fault");
		len = run_backend(d, qi, c);
		unown(q, c);
		write_used(d, q, c->id, len, c->ndesc, UF_OK);
		q->used_idx = (uint16_t)(q->used_idx + q->num);
		st16(q->pdev + 2, q->used_idx);
		chain_free(c);
		return;
	case SIM_FAULT_PACKED_WRAP:
	case SIM_FAULT_PACKED_FLAGS:
		if (!q->packed)
			FAIL("sim: PACKED_* faults need a packed ring");
		len = run_backend(d, qi, c);
		write_used(d, q, c->id, len, c->ndesc,
			   fault == SIM_FAULT_PACKED_WRAP ? UF_WRONG_WRAP : UF_INCONSISTENT);
		chain_free(c);
		return;
	case SIM_FAULT_NEEDS_RESET:
		push_pending(q, c);
		sim_set_needs_reset(d);
		return;
	default:
		FAIL("sim: unknown fault %d", fault);
	}
}

/* Raise a used-buffer interrupt if the driver wants one (§2.7.10, §2.8.10). */
static void maybe_interrupt(struct sim_dev *d, struct sim_queue *q, uint16_t old_idx,
			    uint64_t old_abs)
{
	bool need;
	FENCE(); /* used ring stores before reading the driver's wishes */
	if (q->packed) {
		uint16_t flags = ld16(q->pdrv + 2) & 3;
		uint16_t ow = ld16(q->pdrv);
		if (flags == VIRTQ_EVENT_F_DISABLE) {
			need = false;
		} else if (flags == VIRTQ_EVENT_F_DESC) {
			if (!q->event_idx)
				sim_violation("driver event flags DESC without EVENT_IDX");
			uint16_t off = ow & 0x7fff;
			bool w = ow >> 15;
			need = false;
			if (off >= q->num) {
				sim_violation("driver event offset %u >= size %u", off, q->num);
			} else {
				/* Was the position (off, w) used in [old_abs, used_abs)?
				 * Lap k (from 0) has wrap counter 1 - (k & 1). */
				uint64_t lap0 = old_abs / q->num;
				for (uint64_t lap = lap0 ? lap0 - 1 : 0; lap <= lap0 + 2; lap++) {
					uint64_t p = lap * q->num + off;
					bool pw = !(lap & 1);
					if (pw == w && p >= old_abs && p < q->used_abs)
						need = true;
				}
			}
		} else if (flags == VIRTQ_EVENT_F_ENABLE) {
			need = true;
		} else {
			sim_violation("driver event flags value 3 is reserved");
			need = true;
		}
	} else if (q->event_idx) {
		uint16_t ev = ld16(q->pdrv + 4 + 2u * q->num);
		need = need_event(ev, q->used_idx, old_idx);
	} else {
		need = !(ld16(q->pdrv) & VIRTQ_AVAIL_F_NO_INTERRUPT);
	}
	if (need) {
		d->int_status |= VIRTIO_INT_VRING;
		d->interrupts++;
		q->interrupts++;
	}
}

unsigned sim_complete(struct sim_dev *d, unsigned qi, unsigned max)
{
	struct sim_queue *q = &d->q[qi];
	uint16_t old_idx = q->used_idx;
	uint64_t old_abs = q->used_abs;
	unsigned n = 0;

	if (!q->ready)
		return 0;
	while (q->npending && (max == 0 || n < max) && !q->halted &&
	       d->fault != SIM_FAULT_WITHHOLD && (!d->can_complete || d->can_complete(d, qi))) {
		unsigned idx = 0;
		if (d->reorder && !sim_has(d, VIRTIO_F_IN_ORDER))
			idx = unit_rand_below(q->npending);
		sim_complete_one(d, qi, idx);
		n++;
	}
	if (q->used_idx != old_idx || q->used_abs != old_abs)
		maybe_interrupt(d, q, old_idx, old_abs);
	return n;
}
