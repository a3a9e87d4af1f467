/*
 * Time and deadlines.  Every wait in the kernel is bounded by a deadline:
 *
 *	uint64_t dl = deadline_in_ms(100);
 *	unsigned long s = intr_save();
 *	while (!done && !deadline_passed(dl))
 *		wait_for_interrupt_until(dl);
 *	intr_restore(s);
 *
 * Checking `done` with interrupts masked and letting
 * wait_for_interrupt_until() open the window avoids the lost wake-up where
 * the interrupt lands between the check and the wfi.  Even without that
 * care the wait still ends by the deadline, since the timer is armed for it.
 */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <stdbool.h>
#include <stdint.h>

/* timebase_hz: the frequency of the `time` CSR, from the device tree. */
void timer_init(uint64_t timebase_hz);

uint64_t timer_frequency(void);

/* Nanoseconds since the machine started, monotonic, overflow-safe for
 * centuries.  0 before timer_init(). */
uint64_t time_ns(void);

/* A span of `time` CSR ticks in nanoseconds (0 before timer_init()). */
uint64_t timer_ticks_to_ns(uint64_t ticks);

/*
 * Deadlines are absolute values of the `time` CSR: opaque to callers,
 * compare them only through deadline_passed().  A deadline far in the
 * future saturates at UINT64_MAX ("never").
 */
uint64_t deadline_in_ms(uint32_t ms);
uint64_t deadline_in_us(uint32_t us);
bool deadline_passed(uint64_t deadline);
/* Nanoseconds left until the deadline (0 once it passed; UINT64_MAX for
 * "never"): for APIs that take a timeout rather than a deadline. */
uint64_t deadline_remaining_ns(uint64_t deadline);

/*
 * Sleeps until an interrupt arrives or the deadline passes, whichever is
 * first, and lets pending interrupt handlers run before returning.  Arms
 * the SBI timer for the deadline, so the wfi cannot sleep past it.  Runs
 * deferred work first (deferred.h), and then returns without sleeping.
 * Returns with sstatus.SIE as it found it.  Needs sie.SEIE set (kmain does
 * that; sie.STIE is the timer's own); must not be called from an interrupt
 * handler.
 */
void wait_for_interrupt_until(uint64_t deadline);

/* Waits ms milliseconds, sleeping in wfi (interrupt handlers still run). */
void sleep_ms(uint32_t ms);

/* Called by the trap handler on a supervisor timer interrupt. */
void timer_handle_interrupt(void);

#endif
