/*
 * Test harness for the device core (driver.h): a two-queue test driver
 * over the echo device whose done() and driver callbacks log what they
 * were told, with the transport's interrupt_ack counted.
 */
#ifndef HARNESS_TCORE_H
#define HARNESS_TCORE_H

#include "harness/chains.h"
#include "virtio/driver.h"

#define TCORE_NQ 2

struct tcore;

/* One queue as the test driver sees it: what done() was told. */
struct tcq {
	struct tcore *t;
	unsigned index;
	unsigned used, taken;  /* done() with status 0 / with an error */
	int last_status;
	void *last_token;
	uint32_t used_bytes;
	bool repost;           /* done() adds the chain again (a busy device) */
	bool repost_held;      /* ... and kicks with virtio_queue_kick() */
	unsigned stop_at;      /* with `stop`: done() calls it at this many used */
	void (*stop)(struct tcq *q);
};

struct tcore {
	struct sim_dev *sim;
	struct virtio_mmio mmio;
	struct virtio_device *d;
	struct virtq vq[TCORE_NQ];
	struct tcq cq[TCORE_NQ];
	char log[512];         /* 'C' config_changed, '0'/'1' done(), 'R' reinit */
	unsigned nlog;
	int reinit_rc;
	uint8_t status_at_reinit;
	bool queue0_ready_at_reinit;
};

/* The queues' done(): logs '0' / '1', counts, checks the used length,
 * and reposts when the queue says so. */
void tcore_done(void *ctx, void *token, uint32_t len, int status);
/* interrupt_ack calls since the last tcore_up(). */
extern unsigned tcore_acks;

/* A live device with TCORE_NQ queues of at most cap entries (qmax: the
 * device's limit), features `mask`. */
struct tcore *tcore_up(uint64_t mask, uint16_t qmax, uint16_t cap);
/* One chain on queue q: 16 readable bytes, 48 writable (echo: 16 used). */
void tcore_post(struct tcore *t, unsigned q, struct tchain *c, uint32_t seed);
void tcore_kick_all(struct tcore *t);
/* n chains on queue q (seeds 0..n-1), one kick. */
void tcore_post_n(struct tcore *t, unsigned q, struct tchain *c, unsigned n);

#endif
