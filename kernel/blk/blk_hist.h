/*
 * Latency histogram of the block benchmark (blk_bench.c): log-linear,
 * exact below 128 ticks, then 64 buckets per power of two (the top 7 bits
 * of the value: under 1.6 % bucket width), up to 2^64 - 1.
 *
 * Bucket of v: with s = max(0, floor(log2 v) - 6), (s << 6) + (v >> s).
 * Finding s is the cost.  This CPU has no count-leading-zeros (no Zbb),
 * and a completion records one latency each, so for the latencies a
 * request has (below BLK_HIST_WINDOW_TICKS, 419 ms at QEMU virt's 10 MHz
 * timebase: even a traced guest's at queue depth 128) s comes from a
 * table indexed by v >> 7, reached through a pointer next to the
 * counters: one load for the pointer, one for the byte.
 * blk_hist_bucket() is the same function for any value, without it.
 */
#ifndef KERNEL_BLK_HIST_H
#define KERNEL_BLK_HIST_H

#include <stdbool.h>
#include <stdint.h>

#define BLK_HIST_SUB_BITS 6                         /* 64 buckets per power of two */
#define BLK_HIST_EXACT (2u << BLK_HIST_SUB_BITS)    /* below this, one value a bucket */
/* the last is UINT64_MAX's: s = 57, (57 << 6) + 127 */
#define BLK_HIST_BUCKETS (((64u - BLK_HIST_SUB_BITS - 1u) << BLK_HIST_SUB_BITS) + BLK_HIST_EXACT)
#define BLK_HIST_WINDOW 32768u                      /* table entries */
#define BLK_HIST_WINDOW_TICKS ((uint64_t)BLK_HIST_WINDOW * BLK_HIST_EXACT) /* 2^22 */

struct blk_hist {
	/* s for v >> 7: 0 below BLK_HIST_EXACT, else floor(log2 v) - 6,
	 * which is the bit length of v >> 7 (one constant table for every
	 * histogram) */
	const uint8_t *shift;
	uint32_t count[BLK_HIST_BUCKETS];
};

/* Empties h and points it at the table. */
void blk_hist_init(struct blk_hist *h);

/* The bucket of any v. */
unsigned blk_hist_bucket(uint64_t v);

/* The bucket of v < BLK_HIST_WINDOW_TICKS, through the table (== blk_hist_bucket(v)). */
static inline uint64_t blk_hist_bucket_near(const struct blk_hist *h, uint64_t v)
{
	uint64_t s = h->shift[v / BLK_HIST_EXACT];
	return (s << BLK_HIST_SUB_BITS) + (v >> s); /* 64 bits: no zero-extension */
}

/* The middle of bucket b (its value, for the exact ones). */
uint64_t blk_hist_value(unsigned b);

/* Values counted. */
uint64_t blk_hist_total(const struct blk_hist *h);

/* The pct-th percentile of the `total` values counted: the middle of its
 * bucket, but never above `max` (the largest value counted). */
uint64_t blk_hist_percentile(const struct blk_hist *h, uint64_t total, unsigned pct,
			     uint64_t max);

#endif
