/*
 * The device core: the life of a device after bring-up, written once for
 * every device driver (blk.c, rng.c, ...).  A driver is a file over this:
 *
 *   virtio_device_begin()      negotiate (device.h)
 *   virtio_device_set_driver() its config-change and re-init callbacks
 *   virtio_queue_attach()      each queue, in caller memory, with a `done`
 *                              callback and a context
 *   virtio_device_ready()      DRIVER_OK
 * and from then on:
 *   virtio_device_interrupt()  the interrupt handler body
 *   virtio_device_poll()       the same completions without an interrupt
 *   virtio_device_abort()      reset (checked) and hand every buffer back
 *   virtio_device_recover()    the same reset, then re-initialise
 *
 * Interrupts: the causes are read and acknowledged once; a configuration
 * change calls the driver's config_changed(), then every queue is drained
 * (its done() per used chain), at most VIRTIO_DRAIN_BUDGET chains per queue
 * per call.  Leftover work is not lost but not automatic either: the ring
 * is left unarmed (no interrupt is due for what is already used), and
 * virtio_device_pending() returns VIRTIO_PENDING_POLL until the caller's
 * main loop calls virtio_device_poll().
 *
 * Recovery never runs in an interrupt handler: on DEVICE_NEEDS_RESET or a
 * device fault the interrupt path only notes it (VIRTIO_DEV_RESET_DUE,
 * VIRTIO_PENDING_RECOVER) and returns.  The caller's main loop then calls
 * virtio_device_recover(), whose waits are bounded: a reset that completes
 * (status reads 0, §2.4.2) hands every buffer back through done() with an
 * error (§3.3), then the device is re-initialised with the same features
 * and mask, the same queues in the same memory, and the driver's reinit()
 * re-reads its configuration.  A reset that never completes leaves the
 * buffers with the device (VIRTIO_DEV_DEAD): nothing is reclaimed or
 * reused, and callers get VIRTIO_EDEAD.
 *
 * Serialisation.  Per queue: virtq_add/kick (submission) and the drain
 * (virtio_queue_drain, or interrupt/poll/abort/recover, which drain or
 * rebuild every queue) must never run at the same time; on one hart, mask
 * the device's interrupt around submissions.  Per device: interrupt, poll,
 * abort, recover and config writes one at a time.  With completions on
 * another hart than submissions, a lock per device around all of these is
 * needed: the library takes none.
 */
#ifndef VIRTIO_DRIVER_H
#define VIRTIO_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "errors.h"
#include "virtq.h"

/* Used chains handed to done() per queue per interrupt or poll call.  It
 * also caps what one notification carries when done() resubmits: under
 * QEMU TCG a notification is handled synchronously on the vCPU, at a
 * fixed cost per notification, so a budget of a whole 128-deep queue
 * beat 64 once the kernel's disks busy-poll (docs/performance.md, "Fifth round"). */
#ifndef VIRTIO_DRAIN_BUDGET
#define VIRTIO_DRAIN_BUDGET 128u
#endif

/* On a busy-polling device (virtio_device_set_busy_poll()), the longest
 * quiet gap a drain pass waits out before it notifies what its done()
 * calls resubmitted, while the device still holds other chains of that
 * queue: completions that keep arriving join the notification instead of
 * each starting one of their own.  A device that completes inside the
 * notification (nothing else held) is notified at once, and a wait ends
 * early when another queue of the device has used chains.  Under QEMU
 * null-co, whose main loop completes a notification's requests one after
 * another, this took 4 KiB random reads at QD 32 from 176-189k to
 * 239-289k IOPS (docs/performance.md, "Seventh round"). */
#ifndef VIRTIO_KICK_COALESCE_NS
#define VIRTIO_KICK_COALESCE_NS 20000u
#endif
/* ... and only with more than this many chains of the queue in flight:
 * with few, what the device still holds came with a later notification
 * and will not come back within a gap, so waiting only delays this one
 * (null-co at QD 8: 10 % fewer IOPS with the wait, docs/performance.md). */
#ifndef VIRTIO_KICK_COALESCE_MIN
#define VIRTIO_KICK_COALESCE_MIN 16u
#endif

/* What a driver tells the core; every member is optional. */
struct virtio_driver_ops {
	/* A configuration-change interrupt that is not DEVICE_NEEDS_RESET:
	 * re-read what may have changed.  Interrupt context: no waiting.
	 * Runs before any queue's done() of the same interrupt. */
	void (*config_changed)(void *ctx);
	/* Re-initialisation: the features are negotiated again and the
	 * queues rebuilt; re-read the configuration (and re-post buffers the
	 * device should hold, such as receive buffers).  0, or an error that
	 * leaves the device VIRTIO_DEV_DOWN.  DRIVER_OK follows. */
	int (*reinit)(void *ctx);
};

/* Bind the driver after virtio_device_begin(); `ctx` is every callback's
 * argument.  ops may be NULL (no callbacks). */
void virtio_device_set_driver(struct virtio_device *d, const struct virtio_driver_ops *ops,
			      void *ctx);

/*
 * How a driver's synchronous helper (vrng_read(), ...) waits for a
 * completion that arrives by interrupt: the embedder's interrupt handler
 * calls the driver's interrupt function, and these keep the two apart.
 * lock() keeps that handler out (e.g. masks interrupts) and returns what
 * unlock() needs; wait() is called locked, lets the handler run while it
 * sleeps until an interrupt or `deadline` (virtio_time_ns()), whichever
 * comes first, and returns locked again (it may return early).
 */
struct virtio_waiter {
	unsigned long (*lock)(void *ctx);
	void (*unlock)(void *ctx, unsigned long held);
	void (*wait)(void *ctx, uint64_t deadline);
	void *ctx;
};

/* ---- queues ----------------------------------------------------------- */

/* Largest legal size for queue `index` at or below `cap`: what the device
 * offers, a power of two for split rings, any size for packed ones (after
 * virtio_device_begin(): the layout follows the features).  0 when the
 * device has no such queue or cap is 0. */
uint16_t virtio_queue_size(struct virtio_device *d, uint16_t index, uint16_t cap);

struct virtio_queue_setup {
	uint16_t index;        /* the device's queue number */
	uint16_t size;         /* entries, from virtio_queue_size() */
	uint16_t indirect_max; /* entries per indirect table; 0: none */
	void *mem;             /* virtq_mem_bytes() bytes for the device's layout (virtq.h),
				* kept for re-initialisation */
	size_t mem_len;
	virtq_done_fn *done;   /* required: each used chain, each chain taken back */
	void *ctx;             /* done()'s first argument */
};

/*
 * Create queue s->index in s->mem (virtq_create()) and attach it: the core
 * drains it, hands its chains back on an abort and rebuilds it on
 * re-initialisation.  Only between virtio_device_begin() and
 * virtio_device_ready().  VIRTIO_EINVAL for a queue attached twice or no
 * done(); otherwise virtq_create()'s result.
 */
int virtio_queue_attach(struct virtio_device *d, struct virtq *vq,
			const struct virtio_queue_setup *s);

/*
 * Pop up to `budget` used chains, calling done() for each (done() may add
 * new chains).  While it runs the device is asked not to interrupt for
 * this queue (§2.7.10: it is being polled), and chains done() adds are
 * notified once when the ring runs empty (virtio_queue_kick()); a device
 * that completes them at once keeps the drain going, up to the budget.
 * When the ring is empty within the budget it is re-armed and checked
 * again (§2.7.10); when the budget runs out it is not, and
 * VIRTIO_PENDING_POLL is set.  Number completed; VIRTIO_EBROKEN when the
 * device broke a rule (the queue is latched broken and a reset is noted,
 * VIRTIO_PENDING_RECOVER); virtio_device_error() when the device is not
 * live.
 */
int virtio_queue_drain(struct virtq *vq, unsigned budget);

/*
 * Busy-polling, NAPI's other half: when virtio_device_interrupt() or
 * virtio_device_poll() has emptied every ring while 1..max_in_flight
 * chains are still in flight (all queues together), it watches all of
 * them, callbacks off, for up to `ns` more nanoseconds (virtio_time_ns(),
 * virtio_relax() between looks), takes what arrives in another round of
 * passes (each queue in turn), and starts the window again; only a quiet
 * window re-arms the rings.  A device that completes a few microseconds
 * after the notification (QEMU's block back ends) then costs no interrupt
 * per request at low depth; with more in flight an interrupt is shared by
 * many completions and the CPU is better left to the device (under QEMU
 * its I/O threads run on the same host CPUs), and with nothing in flight,
 * or quiet for `ns`, the rings are re-armed and the CPU may idle.  While
 * busy-polling, a pass also batches what done() resubmits: with the ring
 * empty and the device still holding other chains of the queue (more than
 * VIRTIO_KICK_COALESCE_MIN in flight), it waits up to
 * VIRTIO_KICK_COALESCE_NS for more before it notifies.
 * Bounded like any drain: VIRTIO_DRAIN_BUDGET chains per queue per call,
 * the rest left for the caller's poll (VIRTIO_PENDING_POLL).  ns 0 (the
 * default, right for receive queues that always hold buffers): none.
 * virtio_queue_drain() alone never busy-polls.
 */
void virtio_device_set_busy_poll(struct virtio_device *d, uint32_t ns, uint32_t max_in_flight);

/*
 * Notify the device of the chains added to vq (virtq_kick()), or, called
 * from a done() of vq's own drain, once that drain has taken what is
 * already used: one notification for everything its callbacks resubmit.
 */
void virtio_queue_kick(struct virtq *vq);

/*
 * A driver's own check of a used chain failed (done() found the device
 * broke a rule the virtqueue cannot see, e.g. a used length that leaves
 * out bytes the driver must read): handled as a fault the virtqueue
 * found, so the queue is latched broken, the device set FAILED, and a
 * reset noted for the main loop (VIRTIO_PENDING_RECOVER); the drain that
 * called done() returns VIRTIO_EBROKEN.  Call it from done(), and fail
 * that chain's owner yourself: it is no longer in flight.  `why` is
 * logged (VIRTIO_LOG).
 */
void virtio_queue_fault(struct virtq *vq, const char *why);

/* ---- the device ------------------------------------------------------- */

/*
 * The interrupt handler body, in this order: read and acknowledge the
 * causes once; none: counted spurious (a shared line), return 0.  A
 * configuration change: DEVICE_NEEDS_RESET is noted for recovery (return
 * VIRTIO_ERESET, nothing drained), anything else calls config_changed().
 * A used-buffer cause: every attached queue is drained, in attach order.
 * Number of chains completed, or a negative error (the device is not live,
 * or a queue broke).  Never waits, never resets.
 */
int virtio_device_interrupt(struct virtio_device *d);

/* Drain every attached queue without reading the interrupt status (polled
 * callers, and the leftover of a budget).  As virtio_device_interrupt(). */
int virtio_device_poll(struct virtio_device *d);

/* What the main loop owes the device: a poll, a recovery, or both.  A
 * device that is down after an abort, a failed recovery or a reset that
 * never completed (VIRTIO_DEV_DOWN, _DEAD) owes nothing by itself: its
 * owner decides whether to call virtio_device_recover() again. */
#define VIRTIO_PENDING_POLL    1u /* a drain ran out of budget: virtio_device_poll() */
#define VIRTIO_PENDING_RECOVER 2u /* a reset is due (VIRTIO_DEV_RESET_DUE): virtio_device_recover() */
unsigned virtio_device_pending(const struct virtio_device *d);

/* 0 while the device takes requests (LIVE); otherwise what a submission
 * gets: VIRTIO_EINVAL before DRIVER_OK, VIRTIO_EDEAD after a reset that
 * never completed, VIRTIO_EBROKEN while a reset is due or done. */
static inline int virtio_device_error(const struct virtio_device *d)
{
	if (__builtin_expect(d->state == VIRTIO_DEV_LIVE, 1))
		return VIRTIO_OK; /* every request and every drain step: first */
	switch (d->state) {
	case VIRTIO_DEV_SETUP: return VIRTIO_EINVAL;
	case VIRTIO_DEV_DEAD: return VIRTIO_EDEAD;
	default: return VIRTIO_EBROKEN;
	}
}

/*
 * Give up on what the device holds: reset it and check that the reset
 * completed (§2.4.2).  Then every chain still in flight on every attached
 * queue goes back through its done() with `err` (negative), exactly once,
 * and the device is VIRTIO_DEV_DOWN.  If the reset never completes the
 * device is VIRTIO_DEV_DEAD and keeps every buffer: VIRTIO_EDEAD, and
 * nothing is reclaimed.  Either way every queue is latched broken and the
 * device set FAILED.  Waits (bounded): not from an interrupt handler.
 */
int virtio_device_abort(struct virtio_device *d, int err);

/*
 * Bring the device back after DEVICE_NEEDS_RESET, a fault, or an abort:
 * first a checked reset as virtio_device_abort() does, whose chains
 * still in flight complete with the noted error (VIRTIO_ERESET for
 * NEEDS_RESET, VIRTIO_EBROKEN for a fault, an earlier abort's `err`);
 * then the same features and mask (VIRTIO_EFEATURES if the device now
 * settles on different ones), the same queues in the same memory, the
 * driver's reinit() and DRIVER_OK.  0 when live again (also when it
 * already was), VIRTIO_EDEAD when the reset still does not complete, or
 * the error that keeps it VIRTIO_DEV_DOWN.  Waits (bounded): never from
 * an interrupt handler; call it when virtio_device_pending() says so.
 */
int virtio_device_recover(struct virtio_device *d);

/*
 * The wait of a synchronous request (core/wait.c): call poll(ctx) (a drain
 * of the request's queue) until *done, which the request's done() sets.
 * A fault the poll notes is met with a reset that takes the request back;
 * DEVICE_NEEDS_RESET, looked for every 64 polls (polling never sees the
 * config interrupt, §2.1.2), with a reset and a recovery; the deadline
 * with a reset (VIRTIO_ETIMEDOUT).  Each reset completes the request
 * through its done().  *done still false on return: the reset never
 * completed and the device keeps the request (VIRTIO_EDEAD).  Waits
 * (bounded): not from an interrupt handler.
 */
void virtio_device_wait(struct virtio_device *d, const volatile bool *done,
			int (*poll)(void *ctx), void *ctx, uint64_t timeout_ns);

#endif
