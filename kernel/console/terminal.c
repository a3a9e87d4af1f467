/*
 * The terminal (see terminal.h): kprintf's output sink, the UART or a
 * console port, and which of the two feeds the console input queue.
 *
 * The switch follows the console-port registry: its watcher
 * (follow_console) runs after every port change, usually inside the
 * port driver's interrupt handler, so it writes to no port: what it says
 * goes to the UART, before the move or after the fallback.
 */
#include "kernel/console/terminal.h"

#include "drivers/uart/ns16550.h"
#include "kernel/conin.h"
#include "kernel/console/console.h"
#include "kernel/riscv.h"
#include "kernel/timer.h"
#include "lib/kstring.h"
#include "lib/parse.h"
#include "lib/printf.h"

#define OUT_BUF 256
/* How long one line may wait for the port to take it.  After a miss the
 * port is taken as stalled: later lines do not wait until one goes out
 * whole, so a host that stopped reading slows nothing down. */
#define WRITE_TIMEOUT_MS 1000
#define BOOT_WAIT_STEP_MS 10
#define RX_CHUNK 64

static bool want_port; /* console=hvcN given */
static unsigned want_index;
static struct con_port *volatile active; /* NULL: the UART */
static char out[OUT_BUF];
static unsigned out_len;
static bool stalled;
static uint64_t lost;

/* ---- input ------------------------------------------------------------ */

/* The active port's receive hook: its bytes into the console input queue. */
static void port_received(struct con_port *p, void *ctx)
{
	char buf[RX_CHUNK];
	int n;
	(void)ctx;
	while ((n = con_read(p, buf, sizeof(buf), 0)) > 0)
		for (int i = 0; i < n; i++)
			conin_put(buf[i]);
}

/* ---- switching -------------------------------------------------------- */

/* Onto the wanted port once it is there; back to the UART when it goes. */
static void follow_console(void)
{
	unsigned long s = intr_save();
	struct con_port *p = active;
	if (p && !p->added) {
		p->on_receive = NULL;
		active = NULL;
		out_len = 0;
		uart_set_receiver(conin_put);
		kprintf("console: hvc%u is gone; the shell is back on the UART\n", want_index);
	} else if (!p && want_port && (p = con_console(want_index))) {
		kprintf("console: the shell moves to hvc%u (port %u, %s port %u)\n", want_index,
			p->num, p->device, (unsigned)p->dev_port);
		uart_set_receiver(NULL); /* its keys are no longer the shell's */
		stalled = false;
		p->receive_ctx = NULL;
		p->on_receive = port_received;
		active = p;
		port_received(p, NULL); /* keys that came before the move */
	}
	intr_restore(s);
}

void term_init(void)
{
	printf_set_console(term_putc);
	uart_set_receiver(conin_put);
	con_set_watcher(follow_console);
}

void term_configure(const char *bootargs)
{
	static const char key[] = "console=";
	const char *w = bootargs;

	for (;;) {
		while (*w == ' ')
			w++;
		if (!*w)
			return;
		size_t len = 0;
		while (w[len] && w[len] != ' ')
			len++;
		if (len > sizeof(key) - 1 && strncmp(w, key, sizeof(key) - 1) == 0) {
			char word[16];
			size_t n = len - (sizeof(key) - 1);
			strlcpy(word, w + sizeof(key) - 1, n + 1 < sizeof(word) ? n + 1 : sizeof(word));
			uint64_t k;
			if (strncmp(word, "hvc", 3) == 0 && parse_u64(word + 3, &k) &&
			    k < CON_MAX_PORTS) {
				want_port = true;
				want_index = (unsigned)k;
			} else if (strcmp(word, "ttyS0") == 0) {
				want_port = false;
			} else {
				kprintf("console: '%s' is neither hvcN nor ttyS0; the shell stays on "
					"the UART\n", word);
			}
		}
		w += len;
	}
}

void term_wait_console(uint32_t ms)
{
	if (!want_port)
		return;
	uint64_t deadline = deadline_in_ms(ms);
	while (!active && !deadline_passed(deadline))
		sleep_ms(BOOT_WAIT_STEP_MS);
	if (!active)
		kprintf("console: no hvc%u within %u ms; the shell stays on the UART until it "
			"appears\n", want_index, (unsigned)ms);
}

const struct con_port *term_port(void)
{
	return active;
}

uint64_t term_lost(void)
{
	return lost;
}

/* ---- output ------------------------------------------------------------- */

void term_flush(void)
{
	struct con_port *p = active; /* the watcher may move it meanwhile */
	if (!p || out_len == 0)
		return;
	unsigned n = out_len;
	out_len = 0;
	/* From an interrupt handler con_write() does not wait. */
	int rc = con_write(p, out, n, stalled ? 0 : WRITE_TIMEOUT_MS);
	unsigned done = rc > 0 ? (unsigned)rc : 0;
	stalled = done < n;
	lost += n - done;
}

static void buffer(char c)
{
	if (out_len == OUT_BUF)
		term_flush();
	out[out_len++] = c;
}

void term_putc(char c)
{
	if (!active) {
		uart_putc(c);
		return;
	}
	if (c == '\n')
		buffer('\r'); /* a terminal's line end, as the UART sends it */
	buffer(c);
	if (c == '\n')
		term_flush();
}

/* ---- panic -------------------------------------------------------------- */

static void emergency_putc(char c)
{
	if (c == '\n')
		con_emergency_putc('\r');
	con_emergency_putc(c);
}

static void panic_putc(char c)
{
	uart_putc(c);
	emergency_putc(c);
}

void term_panic(void)
{
	/* The half line still buffered for the port goes the emergency way. */
	if (active)
		for (unsigned i = 0; i < out_len; i++)
			con_emergency_putc(out[i]);
	out_len = 0;
	active = NULL;
	printf_set_console(panic_putc);
}
