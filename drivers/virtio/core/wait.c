/*
 * The wait of a synchronous request (driver.h, virtio_device_wait()):
 * poll until the request's done() ran, and when the device will not let
 * it finish, take it back the only safe way, a reset (§3.3).
 */
#include "virtio/driver.h"
#include "virtio/platform.h"

void virtio_device_wait(struct virtio_device *d, const volatile bool *done,
			int (*poll)(void *ctx), void *ctx, uint64_t timeout_ns)
{
	uint64_t deadline = virtio_time_ns() + timeout_ns;
	for (unsigned spins = 1; !*done; spins++) {
		int rc = poll(ctx);
		if (*done)
			return;
		if (rc < 0) {
			/* A fault noted by the poll: reset to take the request
			 * back (nothing to do if it is back already). */
			if (d->state == VIRTIO_DEV_RESET_DUE)
				(void)virtio_device_abort(d, d->abort_err);
			return;
		}
		/* Polling never sees the config interrupt: look at the status
		 * now and then for DEVICE_NEEDS_RESET (§2.1.2). */
		if (spins % 64 == 0 && virtio_device_needs_reset(d)) {
			if (virtio_device_abort(d, VIRTIO_ERESET) == VIRTIO_OK) /* completes it */
				(void)virtio_device_recover(d);
			return;
		}
		if (virtio_time_ns() > deadline) {
			/* The device still owns the buffers: a reset takes them
			 * back, and completes the request. */
			(void)virtio_device_abort(d, VIRTIO_ETIMEDOUT);
			return;
		}
		virtio_relax();
	}
}
