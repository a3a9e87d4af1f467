/*
 * Timer: time from the `time` CSR, wake-ups from the SBI timer (see
 * timer.h).  Only one thing ever waits at a time in this single-threaded
 * kernel, so the SBI timer follows the current wait's deadline and is
 * disarmed when it fires.  Disarmed means sie.STIE off: a compare value
 * in the past (the one that fired, or whatever the firmware left) keeps
 * STIP pending, which is harmless while STIE is off, and the next arm
 * writes its own value before turning STIE on.  So neither the boot nor
 * a timer interrupt makes an SBI call; under TCG the firmware's path of
 * each is code translated for the first time (issue 14).  A wait whose deadline is no earlier than the
 * one armed keeps it (an early wake-up is allowed): the SBI call is an
 * M-mode round trip, and a waiter woken by every completion (a benchmark
 * at QD 1) would otherwise make one per request.
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
	/* STIP stays pending until the next arm writes a compare value */
	csr_clear(sie, SIE_STIE);
	armed = NEVER;
}
