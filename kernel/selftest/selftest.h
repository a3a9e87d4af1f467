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
 *
 * and one row in the table of kernel/selftest/suites.c, with a predicate
 * when it only makes sense sometimes (a boot argument, a device).
 *
 * Output: one line per case, "[PASS] name" (or "[PASS] name (detail)") or
 * "[FAIL] name: why", optional "[NOTE] ..." lines, then the summary
 * "selftest: N passed, M failed".  The suites run in table order.  A suite
 * must bound every wait with a deadline (timer.h), so a dead device fails
 * a case instead of hanging the run.
 */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/printf.h"

struct selftest_ctx;

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

/* Runs every suite whose predicate holds, prints the summary, returns the
 * number of failures.  Used by the `selftest` boot mode (which then exits
 * QEMU) and by the shell's `selftest` command (which does not). */
int selftest_run_all(void);

#endif
