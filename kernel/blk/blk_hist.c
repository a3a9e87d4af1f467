/*
 * Latency histogram (see blk_hist.h): everything but the table lookup a
 * completion inlines.
 */
#include "kernel/blk/blk_hist.h"

_Static_assert(BLK_HIST_BUCKETS == 3776, "the bucket of UINT64_MAX is 3775");

/* The bit length of i, constant: nothing to fill before a run (and
 * nothing a run's instruction count would include the first time). */
#define BITS(k) [1u << (k) ... (2u << (k)) - 1] = (k) + 1
static const uint8_t shift_table[BLK_HIST_WINDOW] = {
	BITS(0), BITS(1), BITS(2), BITS(3), BITS(4), BITS(5), BITS(6), BITS(7),
	BITS(8), BITS(9), BITS(10), BITS(11), BITS(12), BITS(13), BITS(14),
};
_Static_assert(BLK_HIST_WINDOW == 2u << 14, "shift_table's rows end at bit length 15");

void blk_hist_init(struct blk_hist *h)
{
	h->shift = shift_table;
	for (unsigned b = 0; b < BLK_HIST_BUCKETS; b++)
		h->count[b] = 0;
}

unsigned blk_hist_bucket(uint64_t v)
{
	unsigned s = 0;

	/* s as in blk_hist.h, without the table: v >> s keeps 7 bits */
	if (v >> 32 >= BLK_HIST_EXACT)
		s = 32;
	if (v >> (s + 16) >= BLK_HIST_EXACT)
		s += 16;
	if (v >> (s + 8) >= BLK_HIST_EXACT)
		s += 8;
	while (v >> s >= BLK_HIST_EXACT)
		s++;
	return (s << BLK_HIST_SUB_BITS) + (unsigned)(v >> s);
}

uint64_t blk_hist_value(unsigned b)
{
	if (b < BLK_HIST_EXACT)
		return b;
	/* b = (s << 6) + top with top in [64, 128): v in [top << s, (top + 1) << s) */
	unsigned s = (b >> BLK_HIST_SUB_BITS) - 1;
	uint64_t top = b - (s << BLK_HIST_SUB_BITS);
	return (top << s) + ((1ull << s) >> 1);
}

uint64_t blk_hist_total(const struct blk_hist *h)
{
	uint64_t n = 0;
	for (unsigned b = 0; b < BLK_HIST_BUCKETS; b++)
		n += h->count[b];
	return n;
}

uint64_t blk_hist_percentile(const struct blk_hist *h, uint64_t total, unsigned pct,
			     uint64_t max)
{
	uint64_t rank = (total * pct + 99) / 100, seen = 0;

	if (rank == 0)
		rank = 1;
	for (unsigned b = 0; b < BLK_HIST_BUCKETS; b++) {
		seen += h->count[b];
		if (seen >= rank) {
			uint64_t v = blk_hist_value(b);
			return v > max ? max : v;
		}
	}
	return max;
}
