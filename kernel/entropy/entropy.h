/*
 * The kernel's entropy sources, whatever device is behind them.  A driver
 * fills a struct entropy_source and registers it (named rng0, rng1, ...
 * in order); the shell's `rng` and the self-test read through this API
 * only.
 */
#ifndef KERNEL_ENTROPY_H
#define KERNEL_ENTROPY_H

#include <stdint.h>

#define ENTROPY_MAX_SOURCES 4
/* How long a reader should give a source that answers at once (QEMU's
 * does): past this it is silent. */
#define ENTROPY_WAIT_MS 2000

struct entropy_source;

struct entropy_source_ops {
	/* Fill buf (DMA-reachable) with len random bytes by `deadline`
	 * (timer.h).  len, or a KERR_* code (kernel/errno.h); after
	 * KERR_EDEAD the device may still write into buf: never reuse it. */
	int (*read)(struct entropy_source *src, void *buf, uint32_t len, uint64_t deadline);
};

struct entropy_source {
	/* Filled by the driver. */
	const char *transport;  /* where the device is, "virtio-mmio v2 @0x10007000 irq 7" */
	const struct entropy_source_ops *ops;
	void *driver;
	/* Set by entropy_register(). */
	char name[8];           /* "rng0" */
};

/* 0, or KERR_EINVAL (no read op) / KERR_EFULL. */
int entropy_register(struct entropy_source *src);
unsigned entropy_count(void);
struct entropy_source *entropy_get(unsigned i); /* NULL past the end */

/* src->ops->read(); KERR_EINVAL for a length of 0. */
int entropy_read(struct entropy_source *src, void *buf, uint32_t len, uint64_t deadline);

#endif
