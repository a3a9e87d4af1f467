/*
 * The terminal (see terminal.h): an input source and an output sink, each
 * the UART or a console port, switched by `console=hvcN`.
 */
#include "kernel/console/terminal.h"

#include "drivers/uart/ns16550.h"
#include "kernel/console/console.h"
#include "kernel/riscv.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "lib/kstring.h"
#include "lib/parse.h"
#include "lib/printf.h"

#define OUT_BUF 256
/* How long one line may wait for the port to take it.  After a miss the
 * port is taken as stalled: later lines do not wait until one goes out
 * whole, so a host that stopped reading slows nothing down. */
#define WRITE_TIMEOUT_MS 1000
#define BOOT_WAIT_STEP_MS 10

/* Where keys come from. */
struct term_input {
	int (*getc)(void);   /* the next byte, or -1 */
	bool (*ready)(void); /* a byte is waiting (asked with interrupts masked) */
	bool (*polled)(void); /* no receive interrupt: look every 10 ms */
	void (*pump)(void);  /* move bytes from the hardware, when polled */
};

static bool want_port; /* console=hvcN given */
static unsigned want_index;
static struct con_port *active; /* NULL: the UART */
static volatile bool port_input_ready;
static char out[OUT_BUF];
static unsigned out_len;
static bool stalled;
static uint64_t lost;

/* ---- the UART ----------------------------------------------------------- */

static bool uart_polled(void)
{
	return !uart_rx_interrupt_enabled();
}

static void uart_pump(void)
{
	uart_irq_handler(NULL); /* safe with interrupts masked */
}

static const struct term_input uart_input = {
	.getc = uart_getc_nonblock,
	.ready = uart_rx_ready,
	.polled = uart_polled,
	.pump = uart_pump,
};

/* ---- a console port ------------------------------------------------------ */

/* The port's receive hook (interrupt context): wake the key wait. */
static void port_received(struct con_port *p, void *ctx)
{
	(void)p;
	(void)ctx;
	port_input_ready = true;
}

static int port_getc(void)
{
	unsigned char c;
	unsigned long s = intr_save();
	/* Cleared before the read, so bytes arriving after it set it again. */
	port_input_ready = false;
	int n = active ? con_read(active, &c, 1, 0) : 0;
	if (n == 1)
		port_input_ready = true; /* maybe more behind it */
	intr_restore(s);
	return n == 1 ? c : -1;
}

static bool port_ready(void)
{
	return port_input_ready;
}

static bool never(void)
{
	return false;
}

static const struct term_input port_input = {
	.getc = port_getc,
	.ready = port_ready,
	.polled = never,
	.pump = NULL,
};

static const struct term_input *input(void)
{
	return active ? &port_input : &uart_input;
}

/* ---- switching ---------------------------------------------------------- */

void term_init(void)
{
	printf_set_console(term_putc);
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

/* Move to the wanted port once it is there; back to the UART when it goes. */
static void follow_console(void)
{
	if (active && !active->added) {
		active->on_receive = NULL;
		active = NULL;
		out_len = 0;
		kprintf("console: hvc%u is gone; the shell is back on the UART\n", want_index);
	}
	if (active || !want_port)
		return;
	struct con_port *p = con_console(want_index);
	if (!p)
		return;
	kprintf("console: the shell moves to hvc%u (port %u, %s port %u)\n", want_index, p->num,
		p->device, (unsigned)p->dev_port);
	p->receive_ctx = NULL;
	p->on_receive = port_received;
	port_input_ready = true; /* look once: keys may be waiting already */
	stalled = false;
	active = p;
}

void term_wait_console(uint32_t ms)
{
	if (!want_port)
		return;
	uint64_t deadline = deadline_in_ms(ms);
	while (!con_console(want_index) && !deadline_passed(deadline))
		sleep_ms(BOOT_WAIT_STEP_MS);
	follow_console();
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
	if (!active || out_len == 0)
		return;
	unsigned n = out_len;
	out_len = 0;
	/* From an interrupt handler con_write() does not wait. */
	int rc = con_write(active, out, n, stalled ? 0 : WRITE_TIMEOUT_MS);
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

/* ---- input -------------------------------------------------------------- */

int term_getc_wait(void)
{
	term_flush();
	for (;;) {
		follow_console();
		const struct term_input *in = input();
		int c = in->getc();
		if (c >= 0)
			return c;
		unsigned long saved = intr_save();
		bool polled = in->polled();
		if (polled)
			in->pump();
		if (!in->ready())
			wait_for_interrupt_until(deadline_in_ms(polled ? 10 : 1000));
		intr_restore(saved);
	}
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
