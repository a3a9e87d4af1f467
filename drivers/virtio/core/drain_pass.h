/*
 * One queue's drain pass (driver.h: virtio_queue_drain(), the interrupt
 * and poll dispatch in dispatch.c), written once and instantiated by each
 * layout around its own pop, inlined: one call per pass where a pop per
 * chain would be a call with its registers saved each time.  Not a public
 * header.
 */
#ifndef VIRTIO_DRAIN_PASS_H
#define VIRTIO_DRAIN_PASS_H

#include "device_internal.h"
#include "virtq_internal.h"

/*
 * NAPI-like: the interrupt that started the pass is followed by polling
 * for as long as completions keep coming.  Callbacks stay off while it
 * pops (no used_event store and no barrier per entry, and the device
 * raises no interrupt the pass would only find already handled); what
 * done() resubmitted is notified once the ring is empty, and a device
 * that completes inside the notification (QEMU aio=io_uring reading the
 * page cache) has the next entries ready at once; one that completes a
 * stream of them behind the notification (QEMU's main loop, its I/O
 * threads) is given VIRTIO_KICK_COALESCE_NS of quiet first, on a
 * busy-polling device, so that one notification carries the stream and
 * not each trickle of it.  An empty ring with nothing left to notify is
 * re-armed (and checked again), or, with `rearm` false, left off for the
 * caller's busy-poll (drain_all()).
 * `take` is the layout's pop (virtq_pop_t), VIRTIO_EBROKEN once the queue
 * is latched broken, with `pass` (virtq_pass) read once by the caller;
 * `kick` the layout's notify decision, called straight from the empty
 * path: an empty pop has just found the queue not broken and the test
 * for something unkicked is the pass's own (virtq_kick_prepare()'s
 * checks, already made).
 *
 * The pops neither count nor move an event index: the pass counts its
 * chains and bytes once, at its end, and callbacks are off while it runs.
 * A done() that turns them on anyway is covered by the pass's end: every
 * way out but an error re-arms (virtq_enable_cb() moves the index) or is
 * left to the caller's poll, which re-arms in turn (dispatch.c).
 */
static VIRTQ_ALWAYS_INLINE int
virtq_drain_pass(struct virtq *vq, unsigned budget, bool rearm, struct virtq_pass pass,
		 virtq_pop_t (*take)(struct virtq *vq, const struct virtq_pass *pass),
		 bool (*kick)(struct virtq *vq))
{
	struct virtio_device *d = vq->vdev;
	/* (Set once: virtio_queue_attach() refuses a queue attached twice.) */
	virtq_done_fn *done = vq->owner.done;
	void *ctx = vq->owner.ctx;
	unsigned n = 0;
	uint64_t written = 0;
	int rc;

	virtq_disable_cb(vq);
	for (;;) {
		rc = virtio_device_error(d);
		if (rc)
			break; /* not live, or a done() gave up on the device */
		if (n == budget) {
			/* Not re-armed: the caller polls for the rest. */
			virtq_kick(vq);
			d->more = true;
			rc = (int)n;
			break;
		}
		/* (A done() may have latched the queue broken: the pop then
		 * gives VIRTIO_EBROKEN, as virtq_get_used() would.) */
		virtq_pop_t p = take(vq, &pass);
		if (p.len >= 0) {
			written += (uint32_t)p.len;
			done(ctx, p.token, (uint32_t)p.len, VIRTIO_OK);
			n++;
			continue;
		}
		if (p.len != VIRTQ_POP_EMPTY) {
			rc = virtq_pop_rc(vq, p);
			virtio_device_note_reset(d, VIRTIO_EBROKEN);
			break;
		}
		/* Empty.  Resubmissions first: they may complete at once.
		 * Unless the device is still working on others of this
		 * queue: on a busy-polling device those that keep coming
		 * back join the notification. */
		if (virtq_unkicked(vq)) {
			uint32_t in_flight = virtq_in_flight(vq);
			if (d->busy_poll_ns && in_flight <= d->busy_poll_max &&
			    in_flight > VIRTIO_KICK_COALESCE_MIN &&
			    virtq_device_holds_others(vq) &&
			    virtio_queue_await_used(vq, VIRTIO_KICK_COALESCE_NS))
				continue;
			if (kick(vq))
				virtq_notify(vq);
			continue;
		}
		rc = (int)n;
		if (!rearm)
			break;
		/* Re-arm, and drain again if something slipped in. */
		if (virtq_enable_cb(vq))
			break;
		virtq_disable_cb(vq);
	}
	virtq_count_used(vq, n, written);
	return rc;
}

#endif
