/*
 * virtio-rng (§5.4) over the device core (driver.h): each request is one
 * device-writable buffer, completed through the core's dispatch (the
 * interrupt, or a poll) with the used length as its byte count; the
 * virtqueue already refuses one larger than what was posted.  vrng_read()
 * fills a buffer with requests of its own, waiting for each by interrupt
 * or by polling, with a deadline.
 */
#include "virtio/errors.h"
#include "virtio/platform.h"
#include "virtio/rng.h"

int vrng_probe(struct vrng *r, struct virtio_device *vdev, uint64_t mask)
{
	if (vdev->device_id != VIRTIO_ID_RNG)
		return VIRTIO_ENODEV;
	*r = (struct vrng){ .vdev = vdev };
	int rc = virtio_device_begin(vdev, 0, mask);
	if (rc)
		return rc;
	if (virtio_queue_max(vdev, 0) == 0) {
		virtio_device_fail(vdev);
		return VIRTIO_ENOQUEUE;
	}
	return VIRTIO_OK;
}

size_t vrng_queue_mem_bytes(uint16_t size)
{
	return virtq_mem_bytes_max(size, 0);
}

/* The queue's done(): the request came back, used or taken back. */
static void request_done(void *ctx, void *token, uint32_t len, int status)
{
	struct vrng *r = ctx;
	struct vrng_req *req = token;
	if (status == VIRTIO_OK) {
		/* What the device wrote, before the caller reads it. */
		virtio_cache_invalidate(req->buf, len);
		r->bytes += len;
		status = (int)len; /* <= req->len <= INT32_MAX */
	}
	req->done(req, status);
}

int vrng_attach_queue(struct vrng *r, uint16_t size, void *mem, size_t mem_len)
{
	return virtio_queue_attach(r->vdev, &r->vq, &(struct virtio_queue_setup){
		.index = 0, .size = size, .mem = mem, .mem_len = mem_len,
		.done = request_done, .ctx = r,
	});
}

int vrng_start(struct vrng *r)
{
	if (r->vdev->state != VIRTIO_DEV_SETUP || r->vq.size == 0)
		return VIRTIO_EINVAL;
	virtio_device_ready(r->vdev);
	return VIRTIO_OK;
}

void vrng_use_interrupts(struct vrng *r, const struct virtio_waiter *w)
{
	r->waiter = w;
}

int vrng_submit(struct vrng *r, struct vrng_req *req)
{
	int rc = virtio_device_error(r->vdev);
	if (rc)
		return rc;
	if (!req || !req->buf || req->len == 0 || req->len > INT32_MAX || !req->done)
		return VIRTIO_EINVAL;
	struct virtq_sg sg = { req->buf, req->len };
	/* No dirty line of ours may land over the device's bytes later. */
	virtio_cache_clean(sg.addr, sg.len);
	rc = virtq_add(&r->vq, &sg, 0, 1, req);
	if (rc == VIRTIO_OK)
		virtq_kick(&r->vq);
	return rc;
}

int vrng_poll(struct vrng *r)
{
	return virtio_queue_drain(&r->vq, VIRTIO_DRAIN_BUDGET);
}

/* ---- vrng_read() ------------------------------------------------------ */

static void sync_done(struct vrng_req *req, int status)
{
	struct vrng *r = req->ctx;
	r->sync_status = status;
	r->sync_done = true;
	r->sync_busy = false;
}

/* Take the posted buffer back from the device: only a reset may. */
static int give_up(struct vrng *r, int err)
{
	int rc = virtio_device_abort(r->vdev, err);
	return rc ? rc : err;
}

/* Until the request is back: its byte count, or an error once the reset
 * that takes it back is done.  With a waiter the interrupt completes it
 * (and notes any fault, which virtio_device_error() then reports). */
static int wait_sync(struct vrng *r, uint64_t deadline)
{
	const struct virtio_waiter *w = r->waiter;
	while (!r->sync_done) {
		int rc = w ? virtio_device_error(r->vdev) : vrng_poll(r);
		if (r->sync_done)
			break;
		if (rc < 0) /* a fault noted, or NEEDS_RESET: as the core noted it */
			return give_up(r, r->vdev->state == VIRTIO_DEV_RESET_DUE ? r->vdev->abort_err : rc);
		if (virtio_time_ns() > deadline)
			return give_up(r, VIRTIO_ETIMEDOUT);
		if (w)
			w->wait(w->ctx, deadline);
		else
			virtio_relax();
	}
	return r->sync_status;
}

static int read_locked(struct vrng *r, uint8_t *p, uint32_t len, uint64_t deadline)
{
	int rc = virtio_device_error(r->vdev);
	if (rc)
		return rc;
	if (!p || len == 0 || len > INT32_MAX)
		return VIRTIO_EINVAL;
	if (r->sync_busy)
		return VIRTIO_ENOSPC; /* called from a done() of ours */
	for (uint32_t done = 0; done < len;) {
		r->sync = (struct vrng_req){ .buf = p + done, .len = len - done,
					     .done = sync_done, .ctx = r };
		r->sync_done = false;
		rc = vrng_submit(r, &r->sync);
		if (rc)
			return rc;
		r->sync_busy = true;
		rc = wait_sync(r, deadline);
		if (rc < 0)
			return rc;
		done += (uint32_t)rc;
		if (rc == 0 && virtio_time_ns() > deadline)
			return give_up(r, VIRTIO_ETIMEDOUT); /* only empty answers */
	}
	return (int)len;
}

int vrng_read(struct vrng *r, void *buf, uint32_t len, uint64_t timeout_ns)
{
	const struct virtio_waiter *w = r->waiter;
	uint64_t deadline = virtio_time_ns() + timeout_ns;
	unsigned long held = w ? w->lock(w->ctx) : 0;
	int rc = read_locked(r, buf, len, deadline);
	if (w)
		w->unlock(w->ctx, held);
	return rc;
}
