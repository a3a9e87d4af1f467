/*
 * Self-test suite "hist": the block benchmark's latency histogram
 * (kernel/blk/blk_hist.h).  `blk bench` reports p50 and p99 from it, so
 * the buckets must be what the header says: exact below 128, then 64 per
 * power of two, the table lookup a completion uses equal to the general
 * function, and a bucket's value inside the bucket.
 */
#include <stdint.h>

#include "kernel/blk/blk_hist.h"
#include "kernel/dma.h"
#include "kernel/selftest/suites.h"

/* The least value of bucket b, from the layout alone (not from
 * blk_hist_value()): b itself below 128, else top << s for
 * b = (s << 6) + top, top in [64, 128). */
static uint64_t bucket_low(unsigned b)
{
	if (b < BLK_HIST_EXACT)
		return b;
	unsigned s = b / 64 - 1;
	return (uint64_t)(b - 64 * s) << s;
}

/* Every bucket: its least value and the one before it fall on either side
 * of its lower edge, its value lies in it and maps back to it. */
static void case_buckets(struct selftest_ctx *t)
{
	const char *name = "hist: every bucket's edges and value map back to it";

	for (unsigned b = 0; b < BLK_HIST_BUCKETS; b++) {
		uint64_t lo = bucket_low(b);
		uint64_t hi = b + 1 < BLK_HIST_BUCKETS ? bucket_low(b + 1) - 1 : UINT64_MAX;
		uint64_t v = blk_hist_value(b);
		unsigned got_lo = blk_hist_bucket(lo), got_hi = blk_hist_bucket(hi);
		unsigned got_v = blk_hist_bucket(v);
		if (got_lo != b || got_hi != b || got_v != b || v < lo || v > hi) {
			selftest_fail(t, name,
				      "bucket %u [%llu, %llu] value %llu: buckets %u, %u, %u", b,
				      (unsigned long long)lo, (unsigned long long)hi,
				      (unsigned long long)v, got_lo, got_hi, got_v);
			return;
		}
		/* the promised resolution: under 1.6 % of the bucket's values */
		if (b >= BLK_HIST_EXACT && (hi - lo + 1) * 64 > lo) {
			selftest_fail(t, name, "bucket %u [%llu, %llu] is wider than 1/64", b,
				      (unsigned long long)lo, (unsigned long long)hi);
			return;
		}
	}
	selftest_pass(t, name, "%u buckets", BLK_HIST_BUCKETS);
}

/* The table lookup against the general function: every value below
 * 2^14, both ends of every table entry's range, and xorshift samples
 * spread over every bit length of the window. */
static void case_window(struct selftest_ctx *t)
{
	const char *name = "hist: the completion's table lookup equals blk_hist_bucket()";
	size_t mark = dma_mark();
	struct blk_hist *h = dma_alloc(sizeof(*h));
	uint64_t bad = UINT64_MAX, checked = 0, x = 0x9E3779B97F4A7C15ull;

	if (!h) {
		selftest_fail(t, name, "DMA pool exhausted");
		return;
	}
	blk_hist_init(h);
	for (uint64_t v = 0; v < (1u << 14) && bad == UINT64_MAX; v++, checked++)
		if (blk_hist_bucket_near(h, v) != blk_hist_bucket(v))
			bad = v;
	for (uint64_t i = 0; i < BLK_HIST_WINDOW && bad == UINT64_MAX; i++) {
		uint64_t ends[2] = { i * BLK_HIST_EXACT, i * BLK_HIST_EXACT + BLK_HIST_EXACT - 1 };
		for (unsigned k = 0; k < 2 && bad == UINT64_MAX; k++, checked++)
			if (blk_hist_bucket_near(h, ends[k]) != blk_hist_bucket(ends[k]))
				bad = ends[k];
	}
	for (unsigned n = 0; n < 20000 && bad == UINT64_MAX; n++, checked++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* bit lengths 0..22 about equally often */
		uint64_t v = ((x >> 40) >> (x % 24)) & (BLK_HIST_WINDOW_TICKS - 1);
		if (blk_hist_bucket_near(h, v) != blk_hist_bucket(v))
			bad = v;
	}
	if (bad != UINT64_MAX)
		selftest_fail(t, name, "latency %llu: table gives bucket %llu, want %u",
			      (unsigned long long)bad,
			      (unsigned long long)blk_hist_bucket_near(h, bad), blk_hist_bucket(bad));
	else
		selftest_pass(t, name, "%llu values below %llu", (unsigned long long)checked,
			      (unsigned long long)BLK_HIST_WINDOW_TICKS);
	dma_release(mark);
}

/* Percentiles of known contents: exact values below 128, a bucket's
 * middle above, never more than the largest value. */
static void case_percentiles(struct selftest_ctx *t)
{
	const char *name = "hist: percentiles of known contents";
	size_t mark = dma_mark();
	struct blk_hist *h = dma_alloc(sizeof(*h));
	char why[160] = "";

	if (!h) {
		selftest_fail(t, name, "DMA pool exhausted");
		return;
	}
	blk_hist_init(h);
	for (uint64_t v = 0; v < 100; v++)
		h->count[blk_hist_bucket(v)]++;
	uint64_t n = blk_hist_total(h), p50 = blk_hist_percentile(h, n, 50, 99);
	uint64_t p99 = blk_hist_percentile(h, n, 99, 99);
	if (n != 100 || p50 != 49 || p99 != 98)
		ksnprintf(why, sizeof(why), "0..99: total %llu p50 %llu p99 %llu, want 100 49 98",
			  (unsigned long long)n, (unsigned long long)p50, (unsigned long long)p99);
	/* 1000 and 5000 ticks, 99 and 1 of them: [1000, 1008) and [4992, 5056) */
	blk_hist_init(h);
	h->count[blk_hist_bucket(1000)] += 99;
	h->count[blk_hist_bucket(5000)] += 1;
	n = blk_hist_total(h);
	uint64_t p50b = blk_hist_percentile(h, n, 50, 5000);
	uint64_t p99b = blk_hist_percentile(h, n, 99, 5000);
	uint64_t p100 = blk_hist_percentile(h, n, 100, 5000);
	if (!why[0] && (p50b != 1004 || p99b != 1004 || p100 != 5000))
		ksnprintf(why, sizeof(why), "99 x 1000, 1 x 5000: p50 %llu p99 %llu p100 %llu, "
			  "want 1004 1004 5000 (the bucket's middle, capped at the max)",
			  (unsigned long long)p50b, (unsigned long long)p99b,
			  (unsigned long long)p100);
	selftest_check(t, !why[0], name, "%s", why);
	dma_release(mark);
}

void selftest_hist_suite(struct selftest_ctx *t)
{
	case_buckets(t);
	case_window(t);
	case_percentiles(t);
}
