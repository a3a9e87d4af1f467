/*
 * Self-test suite "irq": the interrupt core's sharing rules (irq.c) on a
 * line that really fires, the first disk's: a read completes by its
 * interrupt.  Two more registrations of one handler with two contexts join
 * the driver's; both run on every interrupt; one leaves by its (handler,
 * ctx) pair, and the other, and the driver's, keep running.
 */
#include "kernel/blk/blkdev.h"
#include "kernel/dma.h"
#include "kernel/irq/irq.h"
#include "kernel/selftest/suites.h"
#include "lib/printf.h"

#define CASE_NAME "irq: a shared line keeps its other handlers when one is unregistered"

/* Static: a handler left registered by a bug still points at live memory. */
static volatile unsigned calls_a, calls_b, calls_never;

static void count_call(void *ctx)
{
	(*(volatile unsigned *)ctx)++;
}

static bool timed_out; /* then the device may still own the buffer */

/* One block at sector 0: an interrupt on the disk's line.  NULL, or why
 * the read failed. */
static const char *one_read(struct blkdev *dev, void *buf)
{
	int rc = blkdev_read(dev, 0, dev->block_size / BLKDEV_SECTOR, buf);
	timed_out = timed_out || rc == KERR_ETIMEDOUT;
	return rc ? kstrerror(rc) : NULL;
}

/* The whole sequence; returns what went wrong, or NULL. */
static const char *share_and_leave(struct blkdev *dev, void *buf, char *why, size_t n)
{
	uint32_t irq = dev->irq;
	const char *err;

	calls_a = calls_b = calls_never = 0;
	if (irq_register(irq, count_call, (void *)&calls_a) != 0 ||
	    irq_register(irq, count_call, (void *)&calls_b) != 0)
		return "irq_register refused a second or third handler";
	if ((err = one_read(dev, buf)))
		return err;
	if (calls_a == 0 || calls_a != calls_b) {
		ksnprintf(why, n, "with both registered: a ran %u times, b %u", calls_a, calls_b);
		return why;
	}
	/* the same handler with a context never registered is not a match */
	if (irq_unregister(irq, count_call, (void *)&calls_never) != IRQ_EINVAL)
		return "unregistering a pair never registered did not fail";
	if (irq_unregister(irq, count_call, (void *)&calls_a) != 0)
		return "unregistering (handler, &a) failed";
	unsigned a = calls_a, b = calls_b;
	if ((err = one_read(dev, buf)))
		return err; /* the driver's handler went too */
	if (calls_a != a || calls_b == b) {
		ksnprintf(why, n, "after a left: a ran %u more times, b %u more", calls_a - a,
			  calls_b - b);
		return why;
	}
	if (irq_unregister(irq, count_call, (void *)&calls_b) != 0)
		return "unregistering (handler, &b) failed";
	if (irq_unregister(irq, count_call, (void *)&calls_b) != IRQ_EINVAL)
		return "unregistering (handler, &b) twice did not fail";
	return NULL;
}

void selftest_irq_suite(struct selftest_ctx *t)
{
	struct blkdev *dev = blkdev_get(0);
	char why[80];

	if (!dev || !dev->irq) {
		selftest_note(t, "no disk with an interrupt: no line to share");
		return;
	}
	size_t mark = dma_mark();
	void *buf = dma_alloc(dev->block_size);
	if (!buf) {
		selftest_fail(t, CASE_NAME, "DMA pool exhausted");
		return;
	}
	const char *err = share_and_leave(dev, buf, why, sizeof(why));
	/* whatever failed: no test handler stays behind */
	irq_unregister(dev->irq, count_call, (void *)&calls_a);
	irq_unregister(dev->irq, count_call, (void *)&calls_b);
	if (err)
		selftest_fail(t, CASE_NAME, "%s: %s", dev->name, err);
	else
		selftest_pass(t, CASE_NAME, "%s, irq %u", dev->name, (unsigned)dev->irq);
	if (!timed_out)
		dma_release(mark);
}
