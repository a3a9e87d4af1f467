/*
 * The console-port registry and its bounded waits (see console.h).
 *
 * Waiting follows timer.h: the condition is checked with interrupts
 * masked and wait_for_interrupt_until() opens the window, so a completion
 * between the check and the wfi is not lost; the deadline ends every wait.
 */
#include "kernel/console/console.h"

#include "kernel/errno.h"
#include "kernel/riscv.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "lib/kstring.h"
#include "lib/parse.h"

static struct con_port *ports[CON_MAX_PORTS];
static void (*watcher)(void);

static struct {
	void (*fn)(void *ctx, char c);
	void *ctx;
} emergency[CON_MAX_EMERGENCY];
static unsigned n_emergency;

int con_port_add(struct con_port *p)
{
	unsigned long s = intr_save();
	int num = -1;
	for (unsigned i = 0; i < CON_MAX_PORTS && num < 0; i++)
		if (!ports[i])
			num = (int)i;
	if (num >= 0) {
		p->num = (unsigned)num;
		p->added = true;
		p->opened = false;
		ports[num] = p;
	}
	intr_restore(s);
	if (num >= 0)
		con_port_changed(p);
	return num;
}

void con_port_remove(struct con_port *p)
{
	unsigned long s = intr_save();
	bool was = p->added && ports[p->num] == p;
	if (was)
		ports[p->num] = NULL;
	p->added = false;
	intr_restore(s);
	if (was)
		con_port_changed(p);
}

void con_port_changed(struct con_port *p)
{
	(void)p;
	if (watcher)
		watcher();
}

void con_set_watcher(void (*fn)(void))
{
	watcher = fn;
}

void con_port_received(struct con_port *p)
{
	if (p->added && p->on_receive)
		p->on_receive(p, p->receive_ctx);
}

unsigned con_port_count(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < CON_MAX_PORTS; i++)
		n += ports[i] != NULL;
	return n;
}

struct con_port *con_port_get(unsigned num)
{
	return num < CON_MAX_PORTS ? ports[num] : NULL;
}

struct con_port *con_port_find(const char *word)
{
	uint64_t num;
	if (parse_u64(word, &num))
		return num < CON_MAX_PORTS ? ports[num] : NULL;
	for (unsigned i = 0; i < CON_MAX_PORTS; i++)
		if (ports[i] && ports[i]->name[0] && strcmp(ports[i]->name, word) == 0)
			return ports[i];
	return NULL;
}

struct con_port *con_console(unsigned k)
{
	for (unsigned i = 0; i < CON_MAX_PORTS; i++)
		if (ports[i] && ports[i]->console && k-- == 0)
			return ports[i];
	return NULL;
}

int con_console_index(const struct con_port *p)
{
	int k = 0;
	if (!p->added || !p->console)
		return -1;
	for (unsigned i = 0; i < p->num; i++)
		k += ports[i] && ports[i]->console;
	return k;
}

/* With interrupts masked: open the port on its first use. */
static int use(struct con_port *p)
{
	if (!p->added)
		return KERR_ENODEV;
	if (!p->opened) {
		int rc = p->ops->open(p);
		if (rc < 0)
			return rc;
		p->opened = true;
	}
	return 0;
}

/* Sleep until an interrupt or the deadline; interrupts are masked. */
static bool wait_more(uint64_t deadline)
{
	if (in_interrupt() || deadline_passed(deadline))
		return false;
	wait_for_interrupt_until(deadline);
	return true;
}

int con_write(struct con_port *p, const void *buf, size_t n, uint32_t timeout_ms)
{
	const uint8_t *src = buf;
	uint64_t deadline = deadline_in_ms(timeout_ms);
	size_t done = 0;
	unsigned long s = intr_save();
	int rc = use(p);

	while (rc >= 0 && done < n) {
		rc = p->added ? p->ops->write(p, src + done, n - done) : KERR_ENODEV;
		if (rc > 0)
			done += (size_t)rc;
		else if (rc == 0 && !wait_more(deadline))
			break;
	}
	intr_restore(s);
	return rc < 0 && done == 0 ? rc : (int)done;
}

int con_read(struct con_port *p, void *buf, size_t n, uint32_t timeout_ms)
{
	uint64_t deadline = deadline_in_ms(timeout_ms);
	unsigned long s = intr_save();
	int rc = use(p);

	while (rc >= 0 && p->added && p->ops->readable(p) == 0 && wait_more(deadline))
		;
	if (rc >= 0)
		rc = p->added ? p->ops->read(p, buf, n) : KERR_ENODEV;
	intr_restore(s);
	return rc;
}

bool con_drain(struct con_port *p, uint32_t timeout_ms)
{
	uint64_t deadline = deadline_in_ms(timeout_ms);
	unsigned long s = intr_save();
	bool empty;
	while (!(empty = !p->added || p->ops->tx_pending(p) == 0) && wait_more(deadline))
		;
	intr_restore(s);
	return empty;
}

void con_emergency_register(void (*fn)(void *ctx, char c), void *ctx)
{
	if (n_emergency < CON_MAX_EMERGENCY) {
		emergency[n_emergency].fn = fn;
		emergency[n_emergency++].ctx = ctx;
	}
}

bool con_has_emergency(void)
{
	return n_emergency > 0;
}

void con_emergency_putc(char c)
{
	for (unsigned i = 0; i < n_emergency; i++)
		emergency[i].fn(emergency[i].ctx, c);
}
