/*
 * virtio-rng (§5.4) over the device core (driver.h): post one
 * device-writable buffer, poll for it, repeat until the caller's buffer is
 * full.  The used length is the byte count; the virtqueue already refuses
 * one larger than what was posted.
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
	(void)token;
	r->got = len;
	r->status = status;
	r->answered = true;
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

/* Take the posted buffer back from the device: only a reset may. */
static int give_up(struct vrng *r, int err)
{
	int rc = virtio_device_abort(r->vdev, err);
	return rc ? rc : err;
}

int vrng_read(struct vrng *r, void *buf, uint32_t len, uint64_t timeout_ns)
{
	uint8_t *p = buf;
	uint32_t done = 0;
	uint64_t deadline = virtio_time_ns() + timeout_ns;

	int rc = virtio_device_error(r->vdev);
	if (rc)
		return rc;
	if (!buf || len == 0 || len > INT32_MAX)
		return VIRTIO_EINVAL;
	while (done < len) {
		struct virtq_sg sg = { p + done, len - done };
		/* No dirty line of ours may land over the device's bytes later. */
		virtio_cache_clean(sg.addr, sg.len);
		r->answered = false;
		rc = virtq_add(&r->vq, &sg, 0, 1, r);
		if (rc)
			return rc;
		virtq_kick(&r->vq);
		while (!r->answered) {
			rc = virtio_queue_drain(&r->vq, VIRTIO_DRAIN_BUDGET);
			if (r->answered)
				break;
			if (rc < 0)
				return give_up(r, rc);
			if (virtio_time_ns() > deadline)
				return give_up(r, VIRTIO_ETIMEDOUT);
			virtio_relax();
		}
		/* What the device wrote, before the caller reads it. */
		virtio_cache_invalidate(p + done, r->got);
		done += r->got;
		r->bytes += r->got;
		if (r->got == 0 && virtio_time_ns() > deadline)
			return give_up(r, VIRTIO_ETIMEDOUT); /* only empty answers */
	}
	return (int)done;
}
