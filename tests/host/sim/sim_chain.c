/*
 * Chains taken by the simulated device: their buffers, the snapshots used
 * to catch a driver rewriting exposed descriptors, and byte-stream access
 * to the readable and writable parts for the back ends.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"

struct sim_chain *chain_new(void)
{
	struct sim_chain *c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	return c;
}

void chain_free(struct sim_chain *c)
{
	if (!c)
		return;
	free(c->seg);
	free(c->snap);
	free(c->table_copy);
	free(c);
}

bool add_seg(struct sim_chain *c, uint64_t addr, uint32_t len, bool write, bool *seen_write)
{
	if (!write && *seen_write) {
		sim_violation("device-readable descriptor after a device-writable one (§2.7.4.2)");
		return false;
	}
	*seen_write |= write;
	if (len && !sim_dma_ptr(addr, len, write ? "writable buffer" : "readable buffer"))
		return false;
	if (c->nseg % 16 == 0) {
		c->seg = realloc(c->seg, (c->nseg + 16) * sizeof(*c->seg));
		if (!c->seg)
			abort();
	}
	c->seg[c->nseg++] = (struct sim_seg){ addr, len, write };
	if (write)
		c->writable += len;
	else
		c->readable += len;
	if (c->readable + c->writable > 0xffffffffull) {
		sim_violation("chain longer than 4 GiB (§2.7.5.1)");
		return false;
	}
	return true;
}

void add_snap(struct sim_chain *c, void *where)
{
	if (c->nsnap % 16 == 0) {
		c->snap = realloc(c->snap, (c->nsnap + 16) * sizeof(*c->snap));
		if (!c->snap)
			abort();
	}
	c->snap[c->nsnap].where = where;
	memcpy(c->snap[c->nsnap].bytes, where, 16);
	c->nsnap++;
}

bool copy_table(struct sim_chain *c, uint64_t addr, uint32_t len)
{
	void *t = sim_dma_ptr(addr, len, "indirect table");
	if (!t)
		return false;
	c->table = t;
	c->table_len = len;
	c->table_copy = malloc(len);
	if (!c->table_copy)
		abort();
	memcpy(c->table_copy, t, len);
	return true;
}

/* Copy up to n bytes between buf and the chain, starting at byte off of
 * one of its streams: out of the readable stream into buf, or (to_chain)
 * out of buf into the writable stream, which is then the only direction
 * buf is used in.  Returns the number of bytes copied. */
static uint64_t chain_copy(struct sim_chain *c, bool to_chain, uint64_t off, uint8_t *buf,
			   uint64_t n)
{
	uint64_t pos = 0, done = 0;
	for (uint32_t i = 0; i < c->nseg && done < n; i++) {
		struct sim_seg *s = &c->seg[i];
		if (s->write != to_chain)
			continue;
		if (off < pos + s->len) {
			uint64_t from = off > pos ? off - pos : 0;
			uint64_t k = s->len - from;
			if (k > n - done)
				k = n - done;
			uint8_t *seg = (uint8_t *)(uintptr_t)s->addr + from;
			if (to_chain)
				memcpy(seg, buf + done, k);
			else
				memcpy(buf + done, seg, k);
			done += k;
			off += k;
		}
		pos += s->len;
	}
	return done;
}

uint64_t sim_chain_read(struct sim_chain *c, uint64_t off, void *buf, uint64_t n)
{
	return chain_copy(c, false, off, buf, n);
}

uint64_t sim_chain_write(struct sim_chain *c, uint64_t off, const void *buf, uint64_t n)
{
	return chain_copy(c, true, off, (uint8_t *)(uintptr_t)buf, n);
}
