/*
 * Self-test runner (see selftest.h): walks the table of suites (suites.c),
 * counts, and prints the PASS/FAIL/NOTE lines that host scripts parse.
 */
#include <stdarg.h>

#include "kernel/selftest/selftest.h"
#include "kernel/selftest/suites.h"
#include "kernel/timer.h"
#include "lib/printf.h"

struct selftest_ctx {
	unsigned passed, failed;
};

void selftest_pass(struct selftest_ctx *t, const char *name, const char *detail_fmt, ...)
{
	va_list ap;

	t->passed++;
	kprintf("[PASS] %s", name);
	if (detail_fmt) {
		kprintf(" (");
		va_start(ap, detail_fmt);
		kvprintf(detail_fmt, ap);
		va_end(ap);
		kprintf(")");
	}
	kprintf("\n");
}

static void vfail(struct selftest_ctx *t, const char *name, const char *why_fmt, va_list ap)
{
	t->failed++;
	kprintf("[FAIL] %s: ", name);
	kvprintf(why_fmt, ap);
	kprintf("\n");
}

void selftest_fail(struct selftest_ctx *t, const char *name, const char *why_fmt, ...)
{
	va_list ap;

	va_start(ap, why_fmt);
	vfail(t, name, why_fmt, ap);
	va_end(ap);
}

bool selftest_check(struct selftest_ctx *t, bool ok, const char *name, const char *why_fmt, ...)
{
	va_list ap;

	if (ok) {
		selftest_pass(t, name, NULL);
		return true;
	}
	va_start(ap, why_fmt);
	vfail(t, name, why_fmt, ap);
	va_end(ap);
	return false;
}

void selftest_note(struct selftest_ctx *t, const char *fmt, ...)
{
	va_list ap;

	(void)t;
	kprintf("[NOTE] ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
}

static void run_suite(struct selftest_ctx *t, const struct selftest_suite *s)
{
	unsigned before = t->passed + t->failed;
	uint64_t start = time_ns();

	kprintf("selftest: suite %s\n", s->name);
	s->run(t);
	kprintf("selftest: suite %s: %u cases in %lu ms\n", s->name,
		t->passed + t->failed - before,
		(unsigned long)((time_ns() - start) / 1000000));
}

int selftest_run_all(void)
{
	struct selftest_ctx t = { 0 };

	for (const struct selftest_suite *s = selftest_suites; s->name; s++)
		if (!s->wanted || s->wanted())
			run_suite(&t, s);
	kprintf("selftest: %u passed, %u failed\n", t.passed, t.failed);
	return (int)t.failed;
}
