/*
 * Block benchmark engine (see blk_bench.h).
 *
 * Everything a run needs lives in one DMA-pool block (the state below,
 * with its histogram), the slots and the data buffers, taken under a
 * mark.  If the device stops answering, the run is abandoned and that
 * memory is leaked on purpose: a late completion then only touches memory
 * nobody else will ever be handed.
 *
 * The hot path is bench_done(): one rdtime, a histogram increment (a
 * table lookup, blk_hist.h), the next offset (xorshift and a
 * multiply-high, no division), and true: the driver submits the slot
 * again itself, inside its completion pass, with no call, interrupt mask
 * or notification of its own (blkdev.h, "Completion").  Nothing in it
 * prints, and it calls nothing (no frame).  `make bench-instr` counts it
 * (the "bench" layer).
 *
 * Batching is the driver's: everything the callbacks of one completion
 * pass resubmit goes to the device with one notification (blkdev.h), and
 * when the device completes inside that notification (aio=io_uring) the
 * pass goes on polling, so a chain of completions runs without another
 * trap.  Completions that see the progress tick (check_at) park their
 * slot instead, which ends the chain once a second so the main loop can
 * print and watch the deadline; the main loop resubmits parked slots with
 * BLKDEV_F_MORE on all but each queue's last.
 *
 * Several queues share one interrupt; the driver's pass takes a bounded
 * budget from each queue in turn and leaves the rest to the main loop
 * (deferred work), so no queue starves another: round robin without
 * parking.
 */
#include "kernel/blk/blk_bench.h"

#include "kernel/blk/blk_hist.h"
#include "kernel/blk/blkdev.h"
#include "kernel/dma.h"
#include "kernel/riscv.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "lib/printf.h"

#define MAX_QUEUES 64

#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))

struct slot {
	struct blkdev_io io; /* first: the callback gets &slot->io */
	uint64_t start;      /* time CSR at submission */
	struct slot *next;   /* parked list */
};

struct bench {
	/* Every completion's, up to the histogram's table pointer and the
	 * start of its counters: all within a load's immediate of the base. */
	uint64_t check_at;   /* from this time on, completions take the general
			      * path; 0 once the run stops (halt()) */
	uint64_t left;       /* requests the run may still submit */
	uint64_t last, max;  /* the last completion's time; the longest latency */
	uint64_t rng;        /* xorshift64 state */
	uint64_t npos;       /* random: request-sized positions on the disk */
	uint64_t step;       /* sectors per request */
	uint64_t cursor;     /* sequential: the next sector */
	uint64_t last_start; /* sequential: the last sector a request may start at */
	struct blk_hist hist; /* every latency */
	/* The main loop's and the general path's. */
	struct blkdev *dev;
	uint64_t end;        /* no new requests after this time */
	uint64_t allowed;    /* left at the start */
	uint64_t failed;     /* requests that completed with an error */
	uint32_t inflight;   /* requests the driver owns */
	bool random, stop;
	struct slot *parked; /* completed at a progress tick: the main loop resubmits */
	int err;             /* first failure */
	uint64_t err_sector;
};

const char *blk_bench_op_name(const struct blk_bench_params *p)
{
	if (p->write)
		return p->random ? "randwrite" : "write";
	return p->random ? "randread" : "read";
}

static inline uint64_t random_sector(struct bench *b)
{
	uint64_t x = b->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	b->rng = x;
	/* uniform in [0, npos) without a division */
	return (uint64_t)(((unsigned __int128)x * b->npos) >> 64) * b->step;
}

static inline uint64_t sequential_sector(struct bench *b)
{
	uint64_t s = b->cursor, n = s + b->step;
	b->cursor = n > b->last_start ? 0 : n;
	return s;
}

static uint64_t next_sector(struct bench *b)
{
	return b->random ? random_sector(b) : sequential_sector(b);
}

/* No more requests: every completion from now on takes the general path
 * (the fast one tests check_at only). */
static void halt(struct bench *b)
{
	b->stop = true;
	b->check_at = 0;
}

/*
 * A completion, in general: a failed request or resubmission, the
 * progress tick, the end of the run, a latency beyond the histogram's
 * table.  Only the last goes on as usual (true: the driver resubmits);
 * the others end a chain.  Out of line, so the common path stays short.
 */
__attribute__((noinline)) static bool bench_done_general(struct slot *s, uint64_t now)
{
	struct bench *b = s->io.ctx;

	if (s->io.status != 0) {
		b->failed++;
		if (!b->err) {
			b->err = s->io.status;
			b->err_sector = s->io.sector;
		}
		halt(b);
	} else {
		uint64_t lat = now - s->start;
		b->hist.count[blk_hist_bucket(lat)]++;
		if (lat > b->max)
			b->max = lat;
	}
	b->last = now;
	if (now < b->check_at && b->left) {
		b->left--;
		s->io.sector = next_sector(b);
		s->start = now;
		return true;
	}
	if (b->stop || now >= b->end || b->left == 0) {
		halt(b);
	} else {
		/* a progress tick: let the main loop run, it resubmits */
		s->next = b->parked;
		b->parked = s;
	}
	b->inflight--;
	return false;
}

/*
 * The completion callback, in IRQ context (see the comment at the top):
 * the latency recorded, the next offset, and true, which has the driver
 * submit the slot again from its completion pass (blkdev.h,
 * "Completion").  blkdev_submit()'s checks passed for this slot at the
 * fill, and every offset the generators make is on the disk by
 * construction.  One compare per condition that leaves the common path:
 * stop and the run's end are folded into check_at.
 */
static inline __attribute__((always_inline)) bool bench_done(struct blkdev_io *io,
							     bool random)
{
	struct slot *s = (struct slot *)io;
	struct bench *b = io->ctx;
	uint64_t now = rdtime();
	uint64_t lat = now - s->start;

	if (__builtin_expect(io->status != 0 || now >= b->check_at || b->left == 0 ||
			     lat >= BLK_HIST_WINDOW_TICKS, 0))
		return bench_done_general(s, now);
	b->hist.count[blk_hist_bucket_near(&b->hist, lat)]++;
	if (lat > b->max)
		b->max = lat;
	b->last = now;
	b->left--;
	io->sector = random ? random_sector(b) : sequential_sector(b);
	s->start = now;
	return true;
}

/* One callback per kind of run: the generator's test is made at setup. */
static bool bench_done_random(struct blkdev_io *io)
{
	return bench_done(io, true);
}

static bool bench_done_sequential(struct blkdev_io *io)
{
	return bench_done(io, false);
}

/*
 * Submits the slots of `list` (linked by ->next); each queue's last one
 * goes without MORE, so every queue is notified once.  Interrupts must be
 * masked.  Returns the number submitted; a submit error ends that queue's
 * share (the driver has then notified what was queued) and is left in
 * *first_rc.
 */
static unsigned submit_list(struct bench *b, struct slot *list, int *first_rc)
{
	uint16_t left[MAX_QUEUES] = { 0 };
	bool failed[MAX_QUEUES] = { false };
	uint64_t allowed = b->left, k = 0;
	unsigned n = 0;

	/* only the first `allowed` slots go: count those per queue */
	for (struct slot *s = list; s && k < allowed; s = s->next, k++)
		left[s->io.queue]++;
	for (struct slot *s = list; s && allowed; s = s->next, allowed--) {
		unsigned q = s->io.queue;
		if (failed[q])
			continue;
		/* the last of this queue notifies the device */
		bool more = --left[q] != 0;
		s->io.flags = more ? BLKDEV_F_MORE : 0;
		s->io.sector = next_sector(b);
		s->start = rdtime();
		b->left--;
		b->inflight++;
		int rc = blkdev_submit(b->dev, &s->io);
		if (rc) {
			b->left++;
			b->inflight--;
			failed[q] = true;
			if (!*first_rc)
				*first_rc = rc;
			continue;
		}
		n++;
	}
	return n;
}

/* Requests completed successfully so far, from what the completions
 * count anyway (the common path counts no ops): each request submitted,
 * which spent one of `allowed`, is in flight, failed, or done.  With
 * interrupts masked, between completions. */
static uint64_t completed(const struct bench *b)
{
	return (b->allowed - b->left) - b->inflight - b->failed;
}

static uint64_t muldiv(uint64_t a, uint64_t b, uint64_t c)
{
	return c ? (a / c) * b + (a % c) * b / c : 0;
}

static void print_progress(struct bench *b, uint64_t t0, uint64_t now, uint64_t *prev_ops,
			   uint64_t *prev_t, uint64_t freq)
{
	uint64_t ops = completed(b);
	uint64_t dt = now - *prev_t;
	uint64_t ms = muldiv(now - t0, 1000, freq);

	kprintf("  %lu.%lu s: %lu ops, %lu IOPS in the last second\n", (unsigned long)(ms / 1000),
		(unsigned long)(ms % 1000 / 100), (unsigned long)ops,
		(unsigned long)muldiv(ops - *prev_ops, freq, dt));
	*prev_ops = ops;
	*prev_t = now;
}

/* Sets up the run state; NULL when the DMA pool is too small. */
static struct bench *setup(struct blkdev *dev, const struct blk_bench_params *p,
			   struct slot **slots_out)
{
	struct bench *b = dma_alloc(sizeof(*b));
	struct slot *slots = dma_alloc(p->qd * sizeof(*slots));
	uint8_t *bufs = dma_alloc((size_t)p->qd * p->size);

	if (!b || !slots || !bufs)
		return NULL;
	blk_hist_init(&b->hist);
	b->random = p->random;
	b->step = p->size / BLKDEV_SECTOR;
	b->npos = dev->sectors / b->step;
	b->last_start = dev->sectors - b->step;
	b->rng = 0x9E3779B97F4A7C15ull ^ rdtime();
	if (!b->rng)
		b->rng = 1;
	b->left = b->allowed = p->count ? p->count : UINT64_MAX;
	b->dev = dev;

	for (unsigned i = 0; i < p->qd; i++) {
		slots[i].io = (struct blkdev_io){
			.op = p->write ? BLKDEV_WRITE : BLKDEV_READ,
			.count = b->step,
			.buf = bufs + (size_t)i * p->size,
			.done = p->random ? bench_done_random : bench_done_sequential,
			.ctx = b,
			.queue = (uint16_t)(i % p->queues),
		};
		slots[i].next = i + 1 < p->qd ? &slots[i + 1] : NULL;
		/* something other than zeros for the writes to carry */
		for (uint32_t k = 0; p->write && k < p->size; k += BLKDEV_SECTOR)
			bufs[(size_t)i * p->size + k] = (uint8_t)(i + k / BLKDEV_SECTOR + 1);
	}
	*slots_out = slots;
	return b;
}

int blk_bench_run(struct blkdev *dev, const struct blk_bench_params *p,
		  struct blk_bench_result *res)
{
	uint64_t freq = timer_frequency();
	size_t mark = dma_mark();
	struct slot *slots;
	struct bench *b = setup(dev, p, &slots);

	if (!b) {
		dma_release(mark);
		kprintf("blk bench: not enough DMA memory for %u buffers of %u bytes (see 'mem')\n",
			p->qd, p->size);
		return -1;
	}
	uint64_t stall = muldiv(BLK_BENCH_STALL_MS, freq, 1000);
	uint64_t secs = p->count ? BLK_BENCH_MAX_SECS : p->secs;
	uint64_t irq0 = trap_count_external();
	uint64_t notifies0 = dev->ops->notifies ? dev->ops->notifies(dev) : 0;
	int rc = 0;

	unsigned long saved = intr_save();
	uint64_t t0 = rdtime();
	uint64_t next_progress = p->progress ? t0 + freq : UINT64_MAX;
	b->end = t0 + secs * freq;
	b->check_at = next_progress < b->end ? next_progress : b->end;
	b->last = t0;
	unsigned filled = submit_list(b, slots, &rc);
	if (filled == 0) {
		intr_restore(saved);
		kprintf("blk bench: %s refused the first request: %s\n", dev->name,
			kstrerror(rc));
		dma_release(mark);
		return -1;
	}
	if (filled < p->qd && (!p->count || filled < p->count))
		kprintf("blk bench: %s took only %u of %u requests at once (%s); running at qd=%u\n",
			dev->name, filled, p->qd, kstrerror(rc), filled);

	uint64_t prev_ops = 0, prev_t = t0;
	bool stuck = false;
	for (;;) {
		if (READ_ONCE(b->parked)) {
			struct slot *list = b->parked;
			int ignored = 0;
			b->parked = NULL;
			if (!b->stop && rdtime() < b->end)
				submit_list(b, list, &ignored);
		}
		if (READ_ONCE(b->inflight) == 0)
			break;
		uint64_t now = rdtime();
		if (now - READ_ONCE(b->last) >= stall) {
			stuck = true;
			break;
		}
		if (now >= next_progress) {
			next_progress += freq;
			if (next_progress <= now)
				next_progress = now + freq;
			if (!b->stop) /* else check_at stays 0: halt() */
				b->check_at = next_progress < b->end ? next_progress : b->end;
			/* printed with interrupts masked: a completion chain in
			 * IRQ context could otherwise hold the line back for a
			 * whole second (the device idles ~0.3 ms meanwhile) */
			print_progress(b, t0, now, &prev_ops, &prev_t, freq);
			continue;
		}
		uint64_t wake = READ_ONCE(b->last) + stall;
		wait_for_interrupt_until(next_progress < wake ? next_progress : wake);
	}
	if (stuck) {
		halt(b);
		intr_restore(saved);
		kprintf("blk bench: %s stopped answering: %u requests still in flight after %u ms "
			"without a completion; their buffers stay allocated\n",
			dev->name, READ_ONCE(b->inflight), BLK_BENCH_STALL_MS);
		return -1; /* no dma_release: the device may still write there */
	}
	intr_restore(saved);

	uint64_t ops = completed(b), counted = blk_hist_total(&b->hist);
	if (b->err) {
		kprintf("blk bench: %s request at sector %lu failed: %s (%lu ops completed before)\n",
			dev->name, (unsigned long)b->err_sector, kstrerror(b->err),
			(unsigned long)ops);
		dma_release(mark);
		return -1;
	}
	*res = (struct blk_bench_result){
		.ops = ops,
		.ticks = b->last - t0,
		.freq = freq,
		.qd = filled,
		.p50 = blk_hist_percentile(&b->hist, counted, 50, b->max),
		.p99 = blk_hist_percentile(&b->hist, counted, 99, b->max),
		.max = b->max,
		.interrupts = trap_count_external() - irq0,
		.notifies = dev->ops->notifies ? dev->ops->notifies(dev) - notifies0 : 0,
		.capped = p->count && ops < p->count,
	};
	dma_release(mark);
	return 0;
}
