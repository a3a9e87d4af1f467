/*
 * Block self-test, the cases with many requests in flight (blk_run.h):
 * BATCH_COUNT requests submitted before the first completes, completed
 * by interrupt, and one request that its done() keeps resubmitting
 * (blkdev.h, "Completion") until the driver refuses it past the end.
 */
#include <stdint.h>

#include "kernel/blk/blkdev.h"
#include "kernel/riscv.h"
#include "kernel/selftest/blk_run.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "lib/kstring.h"
#include "lib/printf.h"

/* The peak the in-flight case must reach: BATCH_MIN_PEAK, or all the
 * disk's queue holds when that is less (a 4-entry ring without indirect
 * descriptors holds one 3-descriptor request). */
static unsigned min_peak(const struct disk_run *r)
{
	unsigned depth = r->dev->queue_depth;
	return depth && depth < BATCH_MIN_PEAK ? depth : BATCH_MIN_PEAK;
}

/* " (the queue holds N requests at once)" when the disk says. */
static const char *depth_note(const struct disk_run *r, char *buf, size_t len)
{
	unsigned depth = r->dev->queue_depth;
	if (!depth)
		return "";
	ksnprintf(buf, len, "; the queue holds %u request%s at once", depth, depth == 1 ? "" : "s");
	return buf;
}

struct batch {
	volatile unsigned done;
	volatile unsigned done_in_irq;
};

static bool batch_done(struct blkdev_io *io)
{
	struct batch *b = io->ctx;

	b->done++;
	if (in_interrupt())
		b->done_in_irq++;
	return false;
}

/*
 * BATCH_COUNT single-sector requests to BATCH_FIRST.., all submitted before
 * waiting for any.  Submission runs with interrupts masked, so a device
 * that completes instantly (QEMU completes inside the notify) still has
 * every request outstanding from the driver's point of view until the
 * wait below opens the interrupt window.  A submit error while requests
 * are outstanding is taken as "queue full": wait for completions, retry.
 * Returns false (with why) on failure.
 */
static bool run_batch(struct disk_run *r, enum blkdev_op op, unsigned *peak,
		      char *why, size_t whylen)
{
	struct batch b = { 0 };
	uint64_t dl = deadline_in_ms(BATCH_TIMEOUT_MS);
	unsigned submitted = 0;
	unsigned long saved = intr_save();

	*peak = 0;
	while (submitted < BATCH_COUNT && !deadline_passed(dl)) {
		struct blkdev_io *io = &r->ios[submitted];
		*io = (struct blkdev_io){
			.op = op, .sector = r->batch_first + (uint64_t)submitted * r->per,
			.count = r->per, .buf = r->buf + (size_t)submitted * r->per * SECTOR,
			.done = batch_done, .ctx = &b,
		};
		int rc = blkdev_submit(r->dev, io);
		if (rc == 0) {
			submitted++;
			if (submitted - b.done > *peak)
				*peak = submitted - b.done;
			continue;
		}
		if (submitted == b.done) {
			/* nothing outstanding, so not a full queue: a real error */
			intr_restore(saved);
			ksnprintf(why, whylen, "submit of sector %lu failed with nothing in flight: %s (%d)",
				  (unsigned long)(r->batch_first + (uint64_t)submitted * r->per),
				  kstrerror(rc), rc);
			return false;
		}
		wait_for_interrupt_until(dl);
	}
	while (b.done < submitted && !deadline_passed(dl))
		wait_for_interrupt_until(dl);
	intr_restore(saved);

	if (b.done < submitted || submitted < BATCH_COUNT) {
		r->stuck = b.done < submitted;
		ksnprintf(why, whylen, "timed out after %u ms: %u submitted, %u completed",
			  BATCH_TIMEOUT_MS, submitted, b.done);
		return false;
	}
	for (unsigned i = 0; i < BATCH_COUNT; i++) {
		if (r->ios[i].status) {
			ksnprintf(why, whylen, "request for sector %lu failed: %s (%d)",
				  (unsigned long)(r->batch_first + (uint64_t)i * r->per),
				  kstrerror(r->ios[i].status),
				  r->ios[i].status);
			return false;
		}
	}
	if (b.done != BATCH_COUNT || b.done_in_irq != BATCH_COUNT) {
		ksnprintf(why, whylen, "%u done() calls, %u of them from interrupt context; want %u and %u",
			  b.done, b.done_in_irq, BATCH_COUNT, BATCH_COUNT);
		return false;
	}
	if (*peak < min_peak(r)) {
		ksnprintf(why, whylen, "at most %u requests were in flight at once; want >= %u",
			  *peak, min_peak(r));
		return false;
	}
	return true;
}

void blkst_case_in_flight(struct disk_run *r)
{
	uint64_t first = r->batch_first, last = first + (uint64_t)BATCH_COUNT * r->per - 1;
	uint32_t sectors = BATCH_COUNT * r->per;
	const char *name = blkst_case_name(r, "%u writes in flight (sectors %lu..%lu)", BATCH_COUNT,
				     (unsigned long)first, (unsigned long)last);
	char why[128], note[48];
	unsigned peak;

	if (blkst_skip_if_stuck(r, name))
		return;
	blkst_fill_pattern(r->buf, first, sectors);
	if (!run_batch(r, BLKDEV_WRITE, &peak, why, sizeof(why))) {
		selftest_fail(r->t, name, "%s", why);
		selftest_note(r->t, "%s: no in-flight read case without the writes", r->dev->name);
		return;
	}
	selftest_pass(r->t, name, "peak %u in flight, %u completions by interrupt%s", peak, BATCH_COUNT,
		      depth_note(r, note, sizeof(note)));

	name = blkst_case_name(r, "%u reads in flight (sectors %lu..%lu)", BATCH_COUNT,
			 (unsigned long)first, (unsigned long)last);
	memset(r->buf, 0, (size_t)sectors * SECTOR);
	if (!run_batch(r, BLKDEV_READ, &peak, why, sizeof(why)) ||
	    !blkst_check_pattern(r->buf, first, sectors, why, sizeof(why))) {
		selftest_fail(r->t, name, "%s", why);
		return;
	}
	selftest_pass(r->t, name, "peak %u in flight, %u completions by interrupt%s", peak, BATCH_COUNT,
		      depth_note(r, note, sizeof(note)));
}

/* One read request that its done() asks for again (blkdev.h,
 * "Completion") block after block, then once past the end of the disk. */
struct again {
	struct blkdev_io io;
	struct disk_run *r;
	unsigned reads, want;    /* completed reads; how many to make */
	volatile unsigned refusals; /* failed completions seen */
	volatile bool finished;  /* a done() returned false */
	int refused_status;
	bool bad_data;
	bool irq_completed;      /* every call in IRQ context, completed set */
	char why[96];
};

static bool again_done(struct blkdev_io *io)
{
	struct again *a = io->ctx;

	if (!in_interrupt() || !io->completed)
		a->irq_completed = false;
	if (io->status != 0) {
		a->refusals++;
		a->refused_status = io->status;
		/* asked for again after a failure: the driver must not (a
		 * second refusal here says it did; false ends it either way) */
		if (a->refusals == 1)
			return true;
		a->finished = true;
		return false;
	}
	if (!a->bad_data && !blkst_check_pattern(io->buf, io->sector, io->count, a->why, sizeof(a->why)))
		a->bad_data = true;
	memset(io->buf, 0, (size_t)io->count * SECTOR);
	if (++a->reads < a->want) {
		io->sector += io->count;
		return true;
	}
	if (a->reads == a->want) {
		io->sector = a->r->c; /* past the end: the driver refuses it */
		return true;
	}
	a->finished = true;
	return false;
}

void blkst_case_resubmit(struct disk_run *r)
{
	uint64_t first = r->batch_first, last = first + (uint64_t)BATCH_COUNT * r->per - 1;
	const char *name = blkst_case_name(r, "one request resubmitted by its done() over sectors "
				     "%lu..%lu, then past the end", (unsigned long)first,
				     (unsigned long)last);
	struct again a = { .r = r, .want = BATCH_COUNT, .irq_completed = true };
	uint64_t dl = deadline_in_ms(BATCH_TIMEOUT_MS);

	if (blkst_skip_if_stuck(r, name))
		return;
	a.io = (struct blkdev_io){ .op = BLKDEV_READ, .sector = first, .count = r->per,
				   .buf = r->buf, .done = again_done, .ctx = &a };
	unsigned long saved = intr_save();
	int rc = blkdev_submit(r->dev, &a.io);
	/* done: the refusal (its done() said true, which must be ignored),
	 * or a done() that said false */
	while (rc == 0 && a.refusals == 0 && !a.finished && !deadline_passed(dl))
		wait_for_interrupt_until(dl);
	intr_restore(saved);
	if (rc) {
		blkst_fail_rc(r, name, "submit", rc);
		return;
	}
	if (a.refusals == 0 && !a.finished) {
		r->stuck = true;
		selftest_fail(r->t, name, "timed out after %u ms, %u of %u reads completed",
			      BATCH_TIMEOUT_MS, a.reads, a.want);
		return;
	}
	if (a.reads != a.want || a.refusals != 1 || a.bad_data || !a.io.completed ||
	    !a.irq_completed)
		selftest_fail(r->t, name, "%u reads (want %u), %u refusals (want 1), completed %d, "
			      "every done() in IRQ context and completed %d%s%s", a.reads, a.want,
			      a.refusals, a.io.completed, a.irq_completed,
			      a.bad_data ? "; data: " : "",
			      a.bad_data ? a.why : "");
	else
		selftest_pass(r->t, name, "%u reads, then refused: %s", a.reads,
			      kstrerror(a.refused_status));
}
