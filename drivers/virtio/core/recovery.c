/*
 * Abort and recovery (driver.h): take every buffer back from a device
 * with a reset, but only once the reset provably completed (§2.4.2, §3.3),
 * and bring the device back with the same features, queues and memory.
 * Both wait (bounded, VIRTIO_RESET_TIMEOUT_NS): main loop only.
 */
#include "device_internal.h"

void virtio_device_note_reset(struct virtio_device *d, int err)
{
	d->state = VIRTIO_DEV_RESET_DUE;
	d->abort_err = err;
}

/* Nothing may be posted until the queues are rebuilt: latch them all
 * broken (which also sets FAILED, §2.1.2: the driver gave up). */
static void latch_queues(struct virtio_device *d)
{
	for (struct virtq *vq = d->queues; vq; vq = vq->owner.next)
		virtq_mark_broken(vq);
}

int virtio_device_abort(struct virtio_device *d, int err)
{
	int rc = virtio_device_reset(d);

	if (err >= 0)
		err = VIRTIO_ERESET; /* done() must never see a success here */
	latch_queues(d);
	d->more = false;
	d->abort_err = err; /* kept for a later try, and for recovery */
	if (rc) {
		/* Still running, as far as we can tell: every buffer in
		 * flight stays the device's. */
		d->state = VIRTIO_DEV_DEAD;
		return VIRTIO_EDEAD;
	}
	d->state = VIRTIO_DEV_DOWN;
	/* The device owns nothing now: every chain back to its owner, once
	 * (virtq_reclaim() forgets each chain it returns). */
	for (struct virtq *vq = d->queues; vq; vq = vq->owner.next) {
		void *token;
		while (virtq_reclaim(vq, &token) == 1)
			vq->owner.done(vq->owner.ctx, token, 0, err);
	}
	return VIRTIO_OK;
}

/* The queue again in its own memory, zeroed; the owner and the
 * statistics carry over. */
static int rebuild(struct virtq *vq)
{
	struct virtq old = *vq;
	int rc = virtq_create(vq, old.vdev, old.index, old.size, old.owner.mem,
			      old.owner.mem_len, old.owner.indirect_max);
	vq->owner = old.owner;
	vq->stats = old.stats;
	return rc;
}

int virtio_device_recover(struct virtio_device *d)
{
	if (d->state == VIRTIO_DEV_SETUP || d->state == VIRTIO_DEV_LIVE)
		return VIRTIO_OK;
	/* The reset first, checked, whatever led here: also after a failed
	 * re-initialisation, whose reinit() may have posted buffers. */
	int rc = virtio_device_abort(d, d->abort_err);
	if (rc)
		return rc;
	/* The driver sized its memory and state for these features: the
	 * device must settle on them again, and they stay what the driver
	 * sees even when it does not. */
	uint64_t features = d->features;
	rc = virtio_device_negotiate(d);
	if (rc == VIRTIO_OK && d->features != features)
		rc = VIRTIO_EFEATURES;
	d->features = features;
	for (struct virtq *vq = d->queues; rc == VIRTIO_OK && vq; vq = vq->owner.next)
		rc = rebuild(vq);
	if (rc == VIRTIO_OK && d->driver && d->driver->reinit)
		rc = d->driver->reinit(d->driver_ctx);
	if (rc) {
		/* No DRIVER_OK, so the device consumed nothing posted
		 * meanwhile (§2.1.2); the next recovery's reset takes it back. */
		virtio_device_fail(d);
		latch_queues(d);
		d->state = VIRTIO_DEV_DOWN;
		return rc;
	}
	virtio_device_ready(d);
	d->events.recoveries++;
	return VIRTIO_OK;
}
