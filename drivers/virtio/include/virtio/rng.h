/*
 * virtio-rng, the entropy device (§5.4): one request queue, no features,
 * no configuration.  The driver posts device-writable buffers; the device
 * fills one or more bytes of each.
 *
 *   vrng_probe() -> vrng_queue_mem_bytes() / vrng_attach_queue() -> vrng_start()
 *   vrng_submit()     one buffer; done() from the device core's dispatch:
 *   vrng_interrupt()  the interrupt handler body, or vrng_poll()
 *   vrng_read()       fills a buffer, with a deadline: by interrupt after
 *                     vrng_use_interrupts(), else polling
 *
 * The device's life after vrng_start() is the device core's (driver.h)
 * on r->vdev: virtio_device_pending(), _abort(), _recover().  What must be
 * serialised is driver.h's: submissions and completions on one queue
 * never at the same time (vrng_read() takes the waiter's lock for that).
 */
#ifndef VIRTIO_RNG_H
#define VIRTIO_RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "driver.h"
#include "virtq.h"

/* One request: a buffer for the device to fill.  The caller's until
 * done() runs. */
struct vrng_req {
	void *buf;    /* DMA-reachable */
	uint32_t len; /* 1..INT32_MAX */
	/* The bytes written (1..len; 0 is legal, §5.4.6) or a negative
	 * VIRTIO_E* (an abort took it back: nothing was written).  Exactly
	 * once, from vrng_interrupt()/vrng_poll() or the core's abort and
	 * recovery; may submit again. */
	void (*done)(struct vrng_req *req, int status);
	void *ctx;
};

struct vrng {
	struct virtio_device *vdev;
	struct virtq vq;
	uint64_t bytes;   /* delivered so far */
	const struct virtio_waiter *waiter; /* NULL: vrng_read() polls */
	/* vrng_read()'s request, here rather than on its stack: a device
	 * whose reset never completes keeps it (VIRTIO_EDEAD). */
	struct vrng_req sync;
	int sync_status;
	volatile bool sync_done;
	bool sync_busy;   /* submitted, done() not yet called */
};

/* Negotiate (no device features) and check the queue exists. */
int vrng_probe(struct vrng *r, struct virtio_device *vdev, uint64_t mask);

/* Memory for the request queue of `size` entries, enough for any device
 * (the rules of virtq.h, "Memory"); the macro is the same as a constant. */
size_t vrng_queue_mem_bytes(uint16_t size);
#define VRNG_QUEUE_MEM_BYTES(size) VIRTQ_MEM_BYTES_MAX(size, 0)
int vrng_attach_queue(struct vrng *r, uint16_t size, void *mem, size_t mem_len);
int vrng_start(struct vrng *r);

/* Completions by interrupt: the embedder's handler calls vrng_interrupt()
 * and vrng_read() waits through `w` (which must outlive r).  NULL: back to
 * polling.  Any time the driver is not inside vrng_read(). */
void vrng_use_interrupts(struct vrng *r, const struct virtio_waiter *w);

/* Post one request and notify the device: 0 (done() follows), or an error
 * and done() is never called: VIRTIO_EINVAL (no buffer, length 0 or past
 * INT32_MAX, no done()), VIRTIO_ENOSPC, the device's error when it is not
 * live. */
int vrng_submit(struct vrng *r, struct vrng_req *req);

/* The interrupt handler body (virtio_device_interrupt()). */
static inline int vrng_interrupt(struct vrng *r)
{
	return virtio_device_interrupt(r->vdev);
}

/* Complete what the device has used (virtio_queue_drain()). */
int vrng_poll(struct vrng *r);

/*
 * Fill buf (DMA-reachable) with `len` random bytes, one device request at
 * a time, waiting for each by interrupt (vrng_use_interrupts()) or by
 * polling, all within `timeout_ns`.  `len` on success; VIRTIO_ETIMEDOUT
 * when the device stops answering and VIRTIO_EBROKEN when it broke the
 * protocol (e.g. claimed to write more than the buffer holds): the device
 * is then reset, so it owns no buffer (§3.3), and stays down until
 * virtio_device_recover(r->vdev).  VIRTIO_EDEAD when that reset never
 * completed: `buf` is still the device's, do not reuse it.  Polling never
 * reads the interrupt status: a polled device's interrupt must reach
 * nobody (a shared line would stay asserted).
 */
int vrng_read(struct vrng *r, void *buf, uint32_t len, uint64_t timeout_ns);

#endif
