/*
 * Deferred work (deferred.h): a list of marked items, taken whole by each
 * deferred_run() so that an item that keeps marking itself cannot hold
 * the caller's loop.
 */
#include "kernel/deferred.h"

#include <stddef.h>

#include "kernel/riscv.h"
#include "kernel/trap.h"

static struct deferred_work *volatile marked; /* written by interrupt handlers too */

void deferred_mark(struct deferred_work *w)
{
	unsigned long saved = intr_save();
	if (!w->pending) {
		w->pending = true;
		w->next = marked;
		marked = w;
	}
	intr_restore(saved);
}

void deferred_cancel(struct deferred_work *w)
{
	unsigned long saved = intr_save();
	for (struct deferred_work *volatile *p = &marked; *p; p = &(*p)->next) {
		if (*p == w) {
			*p = w->next;
			break;
		}
	}
	w->pending = false;
	intr_restore(saved);
}

bool deferred_run(void)
{
	if (in_interrupt())
		return false;
	unsigned long saved = intr_save();
	struct deferred_work *list = marked;
	marked = NULL;
	intr_restore(saved);

	bool ran = list != NULL;
	while (list) {
		struct deferred_work *w = list;
		list = w->next;
		saved = intr_save();
		w->pending = false; /* before fn: a mark from fn or an interrupt counts */
		intr_restore(saved);
		w->fn(w->ctx);
	}
	return ran;
}
