/*
 * Timer: time from the `time` CSR, wake-ups from the SBI timer (see
 * timer.h).  Only one thing ever waits at a time in this single-threaded
 * kernel, so the SBI timer follows the current wait's deadline and is
 * disarmed when it fires.  The boot makes no SBI call for it: sie.STIE
 * starts off and the first wait arms (under TCG the firmware's path is
 * code translated for the first time, issue 14).  A wait whose deadline
 * is no earlier than the one armed keeps it (an early wake-up is
 * allowed): the SBI call is an M-mode round trip, and a waiter woken by
 * every completion (a benchmark at QD 1) would otherwise make one per
 * request.
 *
 * Disarming after it fires also writes a compare value that never comes,
 * one SBI call per timer interrupt, to take STIP down: a pending bit is
 * not free even while masked.  QEMU (7.2, TCG) keeps the vCPU's interrupt
 * request raised while any `mip` bit is set, and then takes its global
 * lock at every exit from translated code (every CSR access), against
 * its main loop: a polled benchmark that never sleeps (aio=io_uring,
 * QD 128) blocked on that lock 9-16 times per 1000 requests with STIP
 * left pending, under 1.2 without, and ran 6-15 % faster
 * (docs/performance.md, "What an instruction costs under TCG").
 */
#include "kernel/deferred.h"
#include "kernel/riscv.h"
#include "kernel/sbi.h"
#include "kernel/timer.h"

#define NEVER UINT64_MAX

static uint64_t freq_hz;
static uint64_t armed = NEVER; /* the compare value the SBI timer holds */

void timer_init(uint64_t timebase_hz)
{
	freq_hz = timebase_hz;
	csr_clear(sie, SIE_STIE); /* disarmed (see the top) */
}

uint64_t timer_frequency(void)
{
	return freq_hz;
}

/* ticks * num / den without the intermediate product overflowing:
 * split ticks into whole multiples of den and a remainder below den. */
static uint64_t scale(uint64_t ticks, uint64_t num, uint64_t den)
{
	return (ticks / den) * num + (ticks % den) * num / den;
}

uint64_t timer_ticks_to_ns(uint64_t ticks)
{
	if (!freq_hz)
		return 0;
	return scale(ticks, 1000000000u, freq_hz);
}

uint64_t time_ns(void)
{
	return timer_ticks_to_ns(rdtime());
}

static uint64_t deadline_after(uint64_t ticks)
{
	uint64_t now = rdtime();

	return ticks > NEVER - now ? NEVER : now + ticks;
}

uint64_t deadline_in_ms(uint32_t ms)
{
	return deadline_after(scale(ms, freq_hz, 1000));
}

uint64_t deadline_in_us(uint32_t us)
{
	return deadline_after(scale(us, freq_hz, 1000000));
}

bool deadline_passed(uint64_t deadline)
{
	return rdtime() >= deadline;
}

uint64_t deadline_remaining_ns(uint64_t deadline)
{
	uint64_t now = rdtime();

	if (now >= deadline || !freq_hz)
		return 0;
	if (deadline == NEVER)
		return NEVER;
	return scale(deadline - now, 1000000000u, freq_hz);
}

void wait_for_interrupt_until(uint64_t deadline)
{
	unsigned long saved = intr_save();

	/* Work interrupt handlers left for the main loop runs first, and then
	 * no sleep: it may have been what the caller waits for. */
	bool worked = deferred_run();
	/* Armed while masked, so its interrupt cannot slip in before the wfi
	 * and leave us asleep with nothing left to wake us. */
	if (!worked && !deadline_passed(deadline)) {
		if (deadline < armed) {
			sbi_set_timer(deadline); /* clears a stale STIP first */
			armed = deadline;
			csr_set(sie, SIE_STIE);
		}
		wfi();
	}
	/* the window in which pending handlers (ours or others) run */
	intr_on();
	__asm__ __volatile__("nop" ::: "memory");
	intr_off();
	intr_restore(saved);
}

void sleep_ms(uint32_t ms)
{
	uint64_t dl = deadline_in_ms(ms);

	while (!deadline_passed(dl))
		wait_for_interrupt_until(dl);
}

void timer_handle_interrupt(void)
{
	csr_clear(sie, SIE_STIE);
	sbi_set_timer(NEVER); /* takes STIP down (see the top) */
	armed = NEVER;
}
