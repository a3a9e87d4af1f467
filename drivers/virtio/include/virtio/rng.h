/*
 * virtio-rng, the entropy device (§5.4): one request queue, no features,
 * no configuration.  The driver posts device-writable buffers; the device
 * fills one or more bytes of each.
 *
 *   vrng_probe() -> vrng_queue_mem_bytes() / vrng_attach_queue() -> vrng_start()
 *   vrng_read()  fills a buffer by polling, with a deadline
 */
#ifndef VIRTIO_RNG_H
#define VIRTIO_RNG_H

#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "driver.h"
#include "virtq.h"

struct vrng {
	struct virtio_device *vdev;
	struct virtq vq;
	uint64_t bytes;   /* delivered so far */
	/* The one request in flight, as its done() saw it. */
	uint32_t got;
	int status;
	bool answered;
};

/* Negotiate (no device features) and check the queue exists. */
int vrng_probe(struct vrng *r, struct virtio_device *vdev, uint64_t mask);

/* Memory for the request queue of `size` entries, enough for any device
 * (the rules of virtq.h, "Memory"); the macro is the same as a constant. */
size_t vrng_queue_mem_bytes(uint16_t size);
#define VRNG_QUEUE_MEM_BYTES(size) VIRTQ_MEM_BYTES_MAX(size, 0)
int vrng_attach_queue(struct vrng *r, uint16_t size, void *mem, size_t mem_len);
int vrng_start(struct vrng *r);

/*
 * Fill buf (DMA-reachable) with `len` random bytes, one device request at
 * a time, polling.  `len` on success; VIRTIO_ETIMEDOUT when the device
 * stops answering and VIRTIO_EBROKEN when it broke the protocol (e.g.
 * claimed to write more than the buffer holds): the device is then reset,
 * so it owns no buffer (§3.3), and stays down until
 * virtio_device_recover(r->vdev).  VIRTIO_EDEAD when that reset never
 * completed: `buf` is still the device's, do not reuse it.
 */
int vrng_read(struct vrng *r, void *buf, uint32_t len, uint64_t timeout_ns);

#endif
