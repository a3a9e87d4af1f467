/*
 * Boot-time self-test framework.
 *
 * A suite is a function that runs any number of cases and reports each
 * one exactly once through selftest_pass() or selftest_fail().  Case names
 * are built by the suite, so one suite can cover every disk:
 *
 *	static void my_suite(struct selftest_ctx *t)
 *	{
 *		if (thing_works())
 *			selftest_pass(t, "thing works", NULL);
 *		else
 *			selftest_fail(t, "thing works", "got %d, want %d", got, 42);
 *	}
 *	...
 *	selftest_register("mine", my_suite);   any time before the run
 *
 * Output: one line per case, "[PASS] name" (or "[PASS] name (detail)") or
 * "[FAIL] name: why", optional "[NOTE] ..." lines, then the summary
 * "selftest: N passed, M failed".
 *
 * The built-in suites ("lib" for lib/, fdt and the kernel services, then
 * "blk", the block cases for every registered disk) run first, followed
 * by registered ones in registration order.  A suite must bound every wait
 * with a deadline (timer.h), so a dead device fails a case instead of
 * hanging the run.
 */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/printf.h"

#define SELFTEST_MAX_SUITES 16

struct selftest_ctx;
typedef void (*selftest_suite_fn)(struct selftest_ctx *t);

/* Adds a suite (the name string must stay valid).  0, or -1 when the
 * table is full. */
int selftest_register(const char *suite, selftest_suite_fn run);

/* detail_fmt may be NULL; otherwise it is printed in parentheses. */
void selftest_pass(struct selftest_ctx *t, const char *name, const char *detail_fmt, ...)
	PRINTF_LIKE(3, 4);
void selftest_fail(struct selftest_ctx *t, const char *name, const char *why_fmt, ...)
	PRINTF_LIKE(3, 4);
/* Informational line, e.g. why a case was skipped; counts as nothing. */
void selftest_note(struct selftest_ctx *t, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Convenience: pass or fail with the same name; why is used on failure. */
bool selftest_check(struct selftest_ctx *t, bool ok, const char *name,
		    const char *why_fmt, ...) PRINTF_LIKE(4, 5);

/* Runs every suite, prints the summary, returns the number of failures.
 * Used by the `selftest` boot mode (which then exits QEMU) and by the
 * shell's `selftest` command (which does not). */
int selftest_run_all(void);

/* The built-in suites, defined in selftest/lib.c and selftest/blk.c. */
void selftest_lib_suite(struct selftest_ctx *t);
void selftest_blk_suite(struct selftest_ctx *t);

/* The input devices' suite (selftest/input.c), registered with the drivers. */
void selftest_input_suite(struct selftest_ctx *t);

#endif
