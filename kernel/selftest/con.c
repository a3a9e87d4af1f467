/*
 * Self-test suite "con": every registered console port takes a line
 * ("selftest: hello from port N", which a host test can look for on its
 * end) and hands every transmit buffer back, is found again by its name,
 * and has neither dropped bytes nor seen a malformed device message.
 * With an emergency writer it also sends "selftest: emergency write"
 * through it (no queue: only the host can see that it arrived).
 */
#include "kernel/console/console.h"
#include "kernel/errno.h"
#include "kernel/selftest/suites.h"
#include "lib/kstring.h"
#include "lib/printf.h"

#define TIMEOUT_MS 1000

static void port_cases(struct selftest_ctx *t, struct con_port *p)
{
	char name[96], line[48];
	int n = ksnprintf(line, sizeof(line), "selftest: hello from port %u\n", p->num);

	ksnprintf(name, sizeof(name), "con: port %u: a line goes out and its buffers come back",
		  p->num);
	int rc = con_write(p, line, (size_t)n, TIMEOUT_MS);
	if (rc < 0)
		selftest_fail(t, name, "%s", kstrerror(rc));
	else
		selftest_check(t, rc == n && con_drain(p, TIMEOUT_MS), name,
			       "%d of %d bytes taken, %u still with the device", rc, n,
			       p->ops->tx_pending(p));

	if (p->name[0]) {
		ksnprintf(name, sizeof(name), "con: port %u is found by its name '%s'", p->num,
			  p->name);
		selftest_check(t, con_port_find(p->name) == p, name, "found another port");
	}

	struct con_port_stats s;
	p->ops->stats(p, &s);
	ksnprintf(name, sizeof(name), "con: port %u: nothing dropped, no bad device message",
		  p->num);
	selftest_check(t, s.dropped == 0 && s.device_errors == 0, name,
		       "%lu bytes dropped, %u bad device messages", (unsigned long)s.dropped,
		       s.device_errors);
}

void selftest_con_suite(struct selftest_ctx *t)
{
	for (unsigned i = 0; i < CON_MAX_PORTS; i++) {
		struct con_port *p = con_port_get(i);
		if (p)
			port_cases(t, p);
	}
	if (con_has_emergency()) {
		const char *msg = "selftest: emergency write\n";
		for (const char *c = msg; *c; c++)
			con_emergency_putc(*c);
		selftest_note(t, "con: \"%.25s\" sent through the emergency writer", msg);
	}
}
