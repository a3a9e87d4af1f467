/*
 * Block benchmark engine (the shell's `blk bench`): keeps `qd` requests in
 * flight on one disk and measures throughput and per-request latency.
 *
 * Interrupt-driven: the completion callback (IRQ context) records the
 * request's latency and has the driver resubmit the slot at once (it
 * returns true: blkdev.h, "Completion"); the driver notifies the device
 * once for everything resubmitted in one completion pass.  The caller's
 * thread only fills the queue, sleeps in wfi, prints a progress line
 * every second and watches for a device that stops answering.
 *
 * Latency is read from the time CSR and kept in a log-linear histogram
 * (blk_hist.h: 64 buckets per power of two, under 1.6 % bucket width).
 */
#ifndef KERNEL_BLK_BENCH_H
#define KERNEL_BLK_BENCH_H

#include <stdbool.h>
#include <stdint.h>

struct blkdev;

#define BLK_BENCH_MAX_QD     256u
#define BLK_BENCH_MAX_SIZE   (1u << 20)
#define BLK_BENCH_MAX_SECS   600u /* also the cap of a COUNT run */
#define BLK_BENCH_STALL_MS   5000u /* no completion this long: the device is stuck */

struct blk_bench_params {
	bool write;        /* else read */
	bool random;       /* else sequential (wrapping at the end of the disk) */
	uint32_t size;     /* bytes per request: a multiple of 512 and of the block size */
	uint32_t qd;       /* requests in flight, 1..BLK_BENCH_MAX_QD */
	uint64_t count;    /* requests to complete; 0 = run for `secs` */
	uint32_t secs;     /* seconds when count == 0 */
	uint16_t queues;   /* request queues to spread the slots over (slot i -> i % queues) */
	bool progress;     /* print a progress line every second */
};

struct blk_bench_result {
	uint64_t ops;       /* requests completed successfully */
	uint64_t ticks;     /* time CSR ticks from the first submit to the last completion */
	uint64_t freq;      /* time CSR frequency (Hz) */
	uint32_t qd;        /* in flight actually reached (the queues may hold fewer) */
	uint64_t p50, p99, max; /* latency in ticks */
	uint64_t interrupts;    /* external interrupts taken during the run */
	uint64_t notifies;      /* device notifications during the run (0: the driver
				 * does not count them) */
	bool capped;        /* a COUNT run stopped at BLK_BENCH_MAX_SECS */
};

/*
 * Runs the benchmark; the parameters must already be valid for the disk
 * (the shell checks them).  Returns 0 with *res filled, or -1 after
 * printing one line that says what went wrong (a failed request, not
 * enough DMA memory, a device that stopped answering: then the buffers
 * stay allocated, because the device may still write into them).
 */
int blk_bench_run(struct blkdev *dev, const struct blk_bench_params *p,
		  struct blk_bench_result *res);

/* "randread" / "read" / "randwrite" / "write" */
const char *blk_bench_op_name(const struct blk_bench_params *p);

#endif
