/*
 * `blk bench DISK [OP] [SIZE] [QD] [TIME|COUNT] [QUEUES]`: checks the
 * arguments, runs the engine (blk_bench.c) and prints the result, ending
 * with one machine-readable line:
 *
 *   bench: op=randread size=4096 qd=32 queues=1 ops=123456 secs=2.000
 *          iops=61728 mbps=252.8 p50_us=12.3 p99_us=40.1 max_us=900.0 ...
 *
 * (one line; MB = 10^6 bytes; latency from the time CSR).
 */
#include "kernel/blk/blk_bench.h"
#include "kernel/blk/blkdev.h"
#include "kernel/shell/blk.h"
#include "lib/kstring.h"
#include "lib/parse.h"
#include "lib/printf.h"

#define DEFAULT_SIZE 4096u
#define DEFAULT_QD 32u
#define DEFAULT_SECS 2u

static bool get_op(const struct shell_arg *arg, struct blk_bench_params *p)
{
	static const struct { const char *name; bool write, random; } ops[] = {
		{ "read", false, false }, { "write", true, false },
		{ "randread", false, true }, { "randwrite", true, true },
	};

	for (unsigned i = 0; !arg->quoted && i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcmp(arg->s, ops[i].name) == 0) {
			p->write = ops[i].write;
			p->random = ops[i].random;
			return true;
		}
	}
	kprintf("blk bench: OP '%s' is not one of read, write, randread, randwrite\n", arg->s);
	return false;
}

/* A size: bytes, or with a k / m suffix (binary: 4k = 4096). */
static bool get_size(const struct shell_arg *arg, struct blkdev *dev, uint32_t *out)
{
	char digits[24];
	size_t n = strlen(arg->s);
	uint64_t v, mult = 1;

	if (n && (arg->s[n - 1] == 'k' || arg->s[n - 1] == 'K')) {
		mult = 1024;
		n--;
	} else if (n && (arg->s[n - 1] == 'm' || arg->s[n - 1] == 'M')) {
		mult = 1024 * 1024;
		n--;
	}
	if (arg->quoted || n == 0 || n >= sizeof(digits)) {
		kprintf("blk bench: SIZE '%s' is not a size (want bytes, or k/m: 512, 4k, 128k, 1m)\n",
			arg->s);
		return false;
	}
	memcpy(digits, arg->s, n);
	digits[n] = '\0';
	if (!parse_u64(digits, &v)) {
		kprintf("blk bench: SIZE '%s' is not a size (want bytes, or k/m: 512, 4k, 128k, 1m)\n",
			arg->s);
		return false;
	}
	if (v > BLK_BENCH_MAX_SIZE / mult || v * mult > BLK_BENCH_MAX_SIZE) {
		kprintf("blk bench: SIZE %s is more than 1 MiB\n", arg->s);
		return false;
	}
	v *= mult;
	if (v == 0 || v % BLKDEV_SECTOR) {
		kprintf("blk bench: SIZE %s is not a positive multiple of 512 bytes\n", arg->s);
		return false;
	}
	if (v % dev->block_size) {
		kprintf("blk bench: SIZE %s is not a multiple of %s's block size (%u bytes)\n",
			arg->s, dev->name, dev->block_size);
		return false;
	}
	if (v / BLKDEV_SECTOR > dev->sectors) {
		kprintf("blk bench: SIZE %s is larger than %s (%lu sectors)\n", arg->s, dev->name,
			(unsigned long)dev->sectors);
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

/* "2s": seconds; otherwise a request count. */
static bool get_length(const struct shell_arg *arg, struct blk_bench_params *p)
{
	size_t n = strlen(arg->s);
	uint64_t v;

	if (!arg->quoted && n > 1 && n < 16 && arg->s[n - 1] == 's') {
		char digits[16];
		memcpy(digits, arg->s, n - 1);
		digits[n - 1] = '\0';
		if (!parse_u64(digits, &v) || v == 0 || v > BLK_BENCH_MAX_SECS) {
			kprintf("blk bench: TIME '%s' is not 1s..%us\n", arg->s, BLK_BENCH_MAX_SECS);
			return false;
		}
		p->secs = (uint32_t)v;
		p->count = 0;
		return true;
	}
	if (arg->quoted || !parse_u64(arg->s, &v)) {
		kprintf("blk bench: '%s' is neither a TIME like 2s nor a request COUNT\n", arg->s);
		return false;
	}
	if (v == 0) {
		kprintf("blk bench: COUNT must be at least 1\n");
		return false;
	}
	p->count = v;
	return true;
}

static bool get_range(const char *what, const struct shell_arg *arg, uint64_t lo, uint64_t hi,
		      const char *why, uint64_t *out)
{
	if (!blk_get_number("bench", what, arg, out))
		return false;
	if (*out < lo || *out > hi) {
		kprintf("blk bench: %s %lu is out of range %lu..%lu%s\n", what, (unsigned long)*out,
			(unsigned long)lo, (unsigned long)hi, why);
		return false;
	}
	return true;
}

/* "12.3": ticks as microseconds with one decimal */
static void fmt_us(char *buf, size_t len, uint64_t ticks, uint64_t freq)
{
	uint64_t tenths = (ticks / freq) * 10000000u + (ticks % freq) * 10000000u / freq;
	ksnprintf(buf, len, "%lu.%lu", (unsigned long)(tenths / 10), (unsigned long)(tenths % 10));
}

static uint64_t muldiv(uint64_t a, uint64_t b, uint64_t c)
{
	return c ? (a / c) * b + (a % c) * b / c : 0;
}

static void print_result(struct blkdev *dev, const struct blk_bench_params *p,
			 const struct blk_bench_result *r)
{
	char p50[24], p99[24], mx[24];
	uint64_t ms = muldiv(r->ticks, 1000, r->freq);
	uint64_t iops = muldiv(r->ops, r->freq, r->ticks);
	uint64_t bps = muldiv(r->ops * p->size, r->freq, r->ticks);
	uint64_t mbps10 = bps / 100000;
	uint64_t plain = r->notifies ? r->notifies : r->ops; /* uncounted: one each */
	uint64_t batch100 = plain ? r->ops * 100 / plain : 0;

	fmt_us(p50, sizeof(p50), r->p50, r->freq);
	fmt_us(p99, sizeof(p99), r->p99, r->freq);
	fmt_us(mx, sizeof(mx), r->max, r->freq);
	if (r->capped)
		kprintf("blk bench: stopped at the %u s limit before COUNT was reached\n",
			BLK_BENCH_MAX_SECS);
	kprintf("%s %u B qd %u x %u queue%s on %s: %lu ops in %lu.%03lu s = %lu IOPS, "
		"%lu.%lu MB/s; latency p50 %s us, p99 %s us, max %s us\n",
		blk_bench_op_name(p), p->size, r->qd, p->queues, p->queues == 1 ? "" : "s",
		dev->name, (unsigned long)r->ops, (unsigned long)(ms / 1000),
		(unsigned long)(ms % 1000), (unsigned long)iops, (unsigned long)(mbps10 / 10),
		(unsigned long)(mbps10 % 10), p50, p99, mx);
	kprintf("bench: op=%s size=%u qd=%u queues=%u ops=%lu secs=%lu.%03lu iops=%lu "
		"mbps=%lu.%lu p50_us=%s p99_us=%s max_us=%s irqs=%lu reqs_per_kick=%lu.%02lu\n",
		blk_bench_op_name(p), p->size, r->qd, p->queues, (unsigned long)r->ops,
		(unsigned long)(ms / 1000), (unsigned long)(ms % 1000), (unsigned long)iops,
		(unsigned long)(mbps10 / 10), (unsigned long)(mbps10 % 10), p50, p99, mx,
		(unsigned long)r->interrupts, (unsigned long)(batch100 / 100),
		(unsigned long)(batch100 % 100));
}

void shell_blk_bench(int argc, const struct shell_arg *argv)
{
	struct blk_bench_params p = {
		.random = true, .size = DEFAULT_SIZE, .qd = DEFAULT_QD, .secs = DEFAULT_SECS,
		.queues = 1, .progress = true,
	};
	struct blk_bench_result r;
	struct blkdev *dev;
	uint64_t v;

	if (!(dev = blk_find_disk("bench", &argv[1])))
		return;
	if (argc > 2 && !get_op(&argv[2], &p))
		return;
	if (argc > 3 && !get_size(&argv[3], dev, &p.size))
		return;
	if (p.size / BLKDEV_SECTOR > dev->sectors) {
		kprintf("blk bench: %s (%lu sectors) is smaller than one %u-byte request\n",
			dev->name, (unsigned long)dev->sectors, p.size);
		return;
	}
	if (p.size % dev->block_size) {
		kprintf("blk bench: SIZE %u is not a multiple of %s's block size (%u bytes)\n",
			p.size, dev->name, dev->block_size);
		return;
	}
	if (argc > 4) {
		if (!get_range("QD", &argv[4], 1, BLK_BENCH_MAX_QD, "", &v))
			return;
		p.qd = (uint32_t)v;
	}
	if (argc > 5 && !get_length(&argv[5], &p))
		return;
	if (argc > 6) {
		char why[48];
		uint64_t max = dev->queues < 64 ? dev->queues : 64;
		ksnprintf(why, sizeof(why), " (%s has %u request queue%s)", dev->name, dev->queues,
			  dev->queues == 1 ? "" : "s");
		if (!get_range("QUEUES", &argv[6], 1, max, why, &v))
			return;
		p.queues = (uint16_t)v;
	}
	if (p.write && dev->read_only) {
		kprintf("blk bench: %s is read-only (a %s benchmark writes to it)\n", dev->name,
			blk_bench_op_name(&p));
		return;
	}
	if (blk_bench_run(dev, &p, &r) == 0)
		print_result(dev, &p, &r);
}
