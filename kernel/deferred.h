/*
 * Deferred work: what an interrupt handler must not do itself (a device
 * reset and its bounded wait, a re-initialisation, the rest of a drain
 * that ran out of budget) is marked by the handler and run later, outside
 * interrupt context, from the places the kernel idles:
 * wait_for_interrupt_until() (every sleeping wait: the shell's wait for a
 * key, the block layer's synchronous waits, the bench, the self-test) and
 * the block layer's polled wait.
 *
 * A work item is the caller's storage.  Marked twice before it runs, it
 * runs once; marked again while it runs, it runs again on the next call.
 */
#ifndef KERNEL_DEFERRED_H
#define KERNEL_DEFERRED_H

#include <stdbool.h>

struct deferred_work {
	void (*fn)(void *ctx);
	void *ctx;
	struct deferred_work *next; /* private: the pending list */
	bool pending;               /* private */
};

/* Any context, interrupts masked or not. */
void deferred_mark(struct deferred_work *w);

/* Take a marked item off the list, so its storage can be reused (a
 * bring-up that failed after its interrupt handler could mark it).  Not
 * from inside deferred_run() for an item of the run in progress. */
void deferred_cancel(struct deferred_work *w);

/* Run every item marked before the call (not those they mark again).
 * True when something ran.  Does nothing inside an interrupt handler. */
bool deferred_run(void);

#endif
