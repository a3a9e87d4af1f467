/*
 * virtio-rng (§5.4) over the virtqueue API: post one device-writable
 * buffer, poll for it, repeat until the caller's buffer is full.  The used
 * length is the byte count; the virtqueue already refuses one larger than
 * what was posted.
 */
#include "virtio/errors.h"
#include "virtio/platform.h"
#include "virtio/rng.h"

int vrng_probe(struct vrng *r, struct virtio_device *vdev, uint64_t mask)
{
	if (vdev->device_id != VIRTIO_ID_RNG)
		return VIRTIO_ENODEV;
	*r = (struct vrng){ .vdev = vdev };
	/* Split ring only, for now: with packed=on, QEMU 7.2's virtio-rng
	 * (mmio and pci, event_idx on and off) never completed a request of
	 * this driver, while virtio-blk on packed rings works with direct
	 * and indirect chains and the host tests pass single-descriptor
	 * packed chains.  The cause is not found yet. */
	int rc = virtio_device_begin(vdev, 0, mask & ~VIRTIO_BIT(VIRTIO_F_RING_PACKED));
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

int vrng_attach_queue(struct vrng *r, uint16_t size, void *mem, size_t mem_len)
{
	if (r->started)
		return VIRTIO_EINVAL;
	return virtq_create(&r->vq, r->vdev, 0, size, mem, mem_len, 0);
}

int vrng_start(struct vrng *r)
{
	/* A queue broken by a fault or a timeout needs vrng_probe() again. */
	if (r->started || r->vq.size == 0 || virtq_is_broken(&r->vq))
		return VIRTIO_EINVAL;
	virtio_device_ready(r->vdev);
	r->started = true;
	return VIRTIO_OK;
}

/* Take the posted buffer back from a silent device: only a reset may. */
static int give_up(struct vrng *r, int err)
{
	void *token;
	(void)virtio_device_reset(r->vdev);
	virtq_mark_broken(&r->vq);
	while (virtq_reclaim(&r->vq, &token) == 1)
		;
	r->started = false;
	return err;
}

int vrng_read(struct vrng *r, void *buf, uint32_t len, uint64_t timeout_ns)
{
	uint8_t *p = buf;
	uint32_t done = 0;
	uint64_t deadline = virtio_time_ns() + timeout_ns;

	if (!r->started)
		return VIRTIO_EBROKEN;
	if (!buf || len == 0 || len > INT32_MAX)
		return VIRTIO_EINVAL;
	while (done < len) {
		struct virtq_sg sg = { p + done, len - done };
		/* No dirty line of ours may land over the device's bytes later. */
		virtio_cache_clean(sg.addr, sg.len);
		int rc = virtq_add(&r->vq, &sg, 0, 1, &sg);
		if (rc)
			return rc;
		virtq_kick(&r->vq);
		void *token;
		uint32_t got;
		while ((rc = virtq_get_used(&r->vq, &token, &got)) == 0) {
			if (virtio_time_ns() > deadline)
				return give_up(r, VIRTIO_ETIMEDOUT);
			virtio_relax();
		}
		if (rc < 0)
			return give_up(r, rc);
		/* What the device wrote, before the caller reads it. */
		virtio_cache_invalidate(p + done, got);
		done += got;
		r->bytes += got;
		if (got == 0 && virtio_time_ns() > deadline)
			return give_up(r, VIRTIO_ETIMEDOUT); /* only empty answers */
	}
	return (int)done;
}
