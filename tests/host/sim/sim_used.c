/*
 * Device side of the rings, completing chains: the used ring (split,
 * §2.7.8) and used descriptors (packed, §2.8.9) written for what the back
 * end did, the used-buffer interrupt when the driver wants one (§2.7.10,
 * §2.8.10), and the faults that complete chains wrongly on purpose.  The
 * checks that the driver left a chain alone while the device owned it run
 * here, before the chain is handed back.  Taking chains is sim_ring.c's.
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
		sim_packed_step(&q->used_off, &q->used_wrap, ndesc, q->num);
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
		if (q->packed ? !sim_pending_has_id(q, (uint16_t)id) : !q->owned[id])
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
		sim_push_pending(q, c);
		return;
	case SIM_FAULT_ID_UNPOSTED:
		sim_push_pending(q, c);
		write_used(d, q, pick_unposted(q), 0, c->ndesc, UF_OK);
		return;
	case SIM_FAULT_ID_NOT_HEAD: {
		sim_push_pending(q, c);
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
		sim_push_pending(q, c);
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
