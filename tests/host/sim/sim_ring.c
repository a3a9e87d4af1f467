/*
 * Device side of the rings: the split layout (§2.7) and the packed layout
 * (§2.8), indirect tables (§2.7.5.3, §2.8.7), event suppression
 * (§2.7.7/§2.7.10, §2.8.10) and notification data (§2.9), plus the fault
 * injection that makes the device break the rules on purpose.
 *
 * The device takes chains from the available ring into a pending list
 * (sim_consume), and completes them later (sim_complete, sim_used.c), in
 * order or not.  It checks what the driver wrote and reports every breach
 * as a violation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"
#include "harness/unit.h"
#include "virtio/device.h"
#include "virtio/spec.h"

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

bool sim_pending_has_id(struct sim_queue *q, uint16_t id)
{
	for (unsigned i = 0; i < q->npending; i++)
		if (q->pending[i]->id == id)
			return true;
	return false;
}

void sim_push_pending(struct sim_queue *q, struct sim_chain *c)
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
		sim_push_pending(q, c);
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

void sim_packed_step(uint16_t *off, bool *wrap, uint16_t by, uint16_t n)
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
			sim_packed_step(&off, &wrap, 1, q->num);
			break;
		}
		if (!add_seg(c, ld64(e), ld32(e + 8), f & VIRTQ_DESC_F_WRITE, &seen_write))
			goto bad;
		sim_packed_step(&off, &wrap, 1, q->num);
		if (!(f & VIRTQ_DESC_F_NEXT))
			break;
	}
	if (sim_pending_has_id(q, c->id)) {
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
		sim_push_pending(q, c);
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
			sim_packed_step(&off, &wrap, 1, q->num);
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
