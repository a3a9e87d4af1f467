/*
 * Console input queue (see conin.h).  Producers run with interrupts
 * masked (interrupt handlers, pollers; conin_put masks them itself), all on
 * the one hart the kernel runs on, so they never interleave; the reader is
 * the thread.  head is written by producers only, tail by the reader only.
 */
#include "kernel/conin.h"

#include "kernel/riscv.h"
#include "kernel/timer.h"

#define QUEUE 256 /* power of two */

static char queue[QUEUE];
static volatile uint32_t head, tail;
static volatile uint32_t dropped;
static void (*pollers[CONIN_MAX_POLLERS])(void);
static unsigned n_pollers;

void conin_put(char c)
{
	unsigned long saved = intr_save();
	uint32_t h = head;
	if (h - tail == QUEUE) {
		dropped++;
	} else {
		queue[h % QUEUE] = c;
		/* the byte must be in the queue before the reader can see it */
		__asm__ __volatile__("" ::: "memory");
		head = h + 1;
	}
	intr_restore(saved);
}

void conin_puts(const char *s)
{
	while (*s)
		conin_put(*s++);
}

int conin_get(void)
{
	uint32_t t = tail;
	if (t == head)
		return -1;
	char c = queue[t % QUEUE];
	__asm__ __volatile__("" ::: "memory");
	tail = t + 1;
	return (unsigned char)c;
}

int conin_getc_wait(void)
{
	for (;;) {
		int c = conin_get();
		if (c >= 0)
			return c;
		unsigned long saved = intr_save();
		for (unsigned i = 0; i < n_pollers; i++)
			pollers[i]();
		/* Checked with interrupts masked: wfi wakes for one that lands
		 * after this test.  Polled sources need a short sleep. */
		if (head == tail)
			wait_for_interrupt_until(deadline_in_ms(n_pollers ? 10 : 1000));
		intr_restore(saved);
	}
}

int conin_add_poller(void (*poll)(void))
{
	if (n_pollers == CONIN_MAX_POLLERS || !poll)
		return -1;
	pollers[n_pollers++] = poll;
	return 0;
}

uint32_t conin_dropped(void)
{
	return dropped;
}
