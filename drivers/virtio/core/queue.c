/*
 * The queues of the device core (driver.h): how big, how much memory, and
 * attaching them to their device, in attach order, with their done()
 * callback.  The ring itself is virtq.c's.
 */
#include "device_internal.h"

uint16_t virtio_queue_size(struct virtio_device *d, uint16_t index, uint16_t cap)
{
	uint16_t size = virtio_queue_max(d, index); /* at most VIRTQ_MAX_SIZE */

	if (size > cap)
		size = cap;
	/* §2.7: a split ring's size is a power of two; keep the top bit. */
	if (!virtio_has_feature(d, VIRTIO_F_RING_PACKED))
		while (size & (size - 1))
			size &= (uint16_t)(size - 1);
	return size;
}

int virtio_queue_attach(struct virtio_device *d, struct virtq *vq,
			const struct virtio_queue_setup *s)
{
	struct virtq **tail = &d->queues;

	if (!s->done || d->state != VIRTIO_DEV_SETUP)
		return VIRTIO_EINVAL;
	for (; *tail; tail = &(*tail)->owner.next)
		if (*tail == vq || (*tail)->index == s->index)
			return VIRTIO_EINVAL;
	int rc = virtq_create(vq, d, s->index, s->size, s->mem, s->mem_len, s->indirect_max);
	if (rc)
		return rc;
	vq->owner = (struct virtq_owner){
		.done = s->done,
		.ctx = s->ctx,
		.mem = s->mem,
		.mem_len = s->mem_len,
		.indirect_max = s->indirect_max,
	};
	*tail = vq;
	return VIRTIO_OK;
}
