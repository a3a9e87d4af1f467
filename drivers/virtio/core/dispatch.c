/*
 * Completions (driver.h): the drain loop of one queue, bounded by a
 * budget, and the interrupt dispatch over every attached queue.  Nothing
 * here waits or resets: a device that needs a reset, or breaks a rule, is
 * only noted for the caller's main loop (recovery.c).
 */
#include "device_internal.h"
#include "virtq_internal.h"

static int queue_drain(struct virtq *vq, unsigned budget, bool rearm)
{
	struct virtio_device *d = vq->vdev;
	struct virtq *outer = d->draining; /* a done() that drains (nested) */

	d->draining = vq;
	int rc = vq->ops->drain(vq, budget, rearm); /* drain_pass.h */
	d->draining = outer;
	return rc;
}

int virtio_queue_drain(struct virtq *vq, unsigned budget)
{
	return queue_drain(vq, budget, true);
}

void virtio_device_set_busy_poll(struct virtio_device *d, uint32_t ns, uint32_t max_in_flight)
{
	d->busy_poll_ns = ns;
	d->busy_poll_max = max_in_flight;
}

void virtio_queue_kick(struct virtq *vq)
{
	if (vq->vdev->draining != vq)
		virtq_kick(vq);
}

void virtio_queue_fault(struct virtq *vq, const char *why)
{
	(void)virtq_fault(vq, why);
	if (vq->vdev->state == VIRTIO_DEV_LIVE)
		virtio_device_note_reset(vq->vdev, VIRTIO_EBROKEN);
}

/* Watch every ring of d, callbacks as they are, until one has a used
 * entry: that ring (`first`'s before the others'), or NULL once the
 * deadline passed. */
static struct virtq *watch_rings(struct virtio_device *d, struct virtq *first, uint64_t deadline)
{
	for (;;) {
		if (first && virtq_has_used(first))
			return first;
		for (struct virtq *vq = d->queues; vq; vq = vq->owner.next)
			if (vq != first && virtq_has_used(vq))
				return vq;
		if (virtio_time_ns() >= deadline)
			return NULL;
		virtio_relax();
	}
}

/* Busy-poll (virtio_device_set_busy_poll()): watch every ring, callbacks
 * off, for up to busy_poll_ns while 1..busy_poll_max chains are in
 * flight; true as soon as one has something used. */
__attribute__((noinline)) /* idle time, not request work: make bench-instr tells them apart */
static bool busy_poll(struct virtio_device *d)
{
	uint32_t in_flight = 0;
	for (struct virtq *vq = d->queues; vq; vq = vq->owner.next)
		in_flight += virtq_in_flight(vq);
	if (in_flight == 0 || in_flight > d->busy_poll_max)
		return false;
	return watch_rings(d, NULL, virtio_time_ns() + d->busy_poll_ns) != NULL;
}

__attribute__((noinline)) /* watching, not request work: make bench-instr tells them apart */
bool virtio_queue_await_used(struct virtq *vq, uint32_t ns)
{
	return watch_rings(vq->vdev, vq, virtio_time_ns() + ns) == vq;
}

/* Re-arm every queue; false when one had entries by then (§2.7.10). */
static bool rearm_all(struct virtio_device *d)
{
	bool quiet = true;
	for (struct virtq *vq = d->queues; vq; vq = vq->owner.next)
		quiet &= virtq_enable_cb(vq);
	return quiet;
}

/*
 * Every attached queue in attach order, a pass each, until the first
 * error.  With busy-polling, rounds of passes (each queue's turn bounded,
 * so none starves another) while completions keep arriving within the
 * window, callbacks off throughout, then every ring re-armed; the whole
 * call takes at most VIRTIO_DRAIN_BUDGET chains per queue, the rest is
 * left unarmed for the caller's poll.
 */
static int drain_all(struct virtio_device *d, bool from_interrupt)
{
	bool poll = d->busy_poll_ns != 0;
	unsigned nq = 0, total = 0;

	d->more = false;
	for (struct virtq *vq = d->queues; vq; vq = vq->owner.next)
		nq++;
	unsigned left = VIRTIO_DRAIN_BUDGET * nq;
	for (bool first = true;; first = false) {
		for (struct virtq *vq = d->queues; vq; vq = vq->owner.next) {
			unsigned budget = left < VIRTIO_DRAIN_BUDGET ? left : VIRTIO_DRAIN_BUDGET;
			if (from_interrupt && first)
				VIRTQ_STAT(vq, interrupts, 1);
			int n = queue_drain(vq, budget, !poll);
			if (n < 0)
				return n;
			if (from_interrupt && first)
				VIRTQ_STAT(vq, spurious, n == 0);
			total += (unsigned)n;
			left -= (unsigned)n;
		}
		if (!poll)
			return (int)total;
		if (d->more || left == 0) {
			d->more = true; /* unarmed: the caller polls for the rest */
			return (int)total;
		}
		if (!busy_poll(d) && rearm_all(d))
			return (int)total;
	}
}

int virtio_device_interrupt(struct virtio_device *d)
{
	/* Read once: on PCI the ISR read is itself the acknowledgement. */
	uint32_t causes = virtio_interrupt_ack(d);

	d->events.interrupts++;
	if (causes == 0) {
		/* Not ours (a shared INTx line).  Nothing is lost: every drain
		 * ended by re-arming and re-checking the ring, or left
		 * VIRTIO_PENDING_POLL for the caller. */
		d->events.spurious++;
		return 0;
	}
	int rc = virtio_device_error(d);
	if (rc)
		return rc;
	if (causes & VIRTIO_INT_CONFIG) {
		d->events.config_changes++;
		if (virtio_device_needs_reset(d)) {
			/* §2.1.2: in-flight requests are indeterminate; the reset
			 * and the re-initialisation wait for the main loop. */
			virtio_device_note_reset(d, VIRTIO_ERESET);
			return VIRTIO_ERESET;
		}
		if (d->driver && d->driver->config_changed)
			d->driver->config_changed(d->driver_ctx);
	}
	if (!(causes & VIRTIO_INT_VRING))
		return 0;
	return drain_all(d, true);
}

int virtio_device_poll(struct virtio_device *d)
{
	return drain_all(d, false);
}

unsigned virtio_device_pending(const struct virtio_device *d)
{
	return (d->more ? VIRTIO_PENDING_POLL : 0) |
	       (d->state == VIRTIO_DEV_RESET_DUE ? VIRTIO_PENDING_RECOVER : 0);
}
