/*
 * The shell's `con` commands over the console-port registry
 * (kernel/console/console.h): list the ports, write a line to one, read
 * what one received.  PORT is a port number or a port name.  Each problem
 * is one line naming the command, e.g. "con write: no port 'x' (...)".
 */
#include "kernel/console/console.h"
#include "kernel/console/terminal.h"
#include "kernel/errno.h"
#include "kernel/shell/shell_priv.h"
#include "lib/kstring.h"
#include "lib/parse.h"
#include "lib/printf.h"

#define WRITE_TIMEOUT_MS 1000
#define READ_DEFAULT_MS 1000
#define READ_MAX_MS 60000
#define READ_QUIET_MS 50 /* after the first byte: the rest of what the host sent */
#define READ_MAX_BYTES 1024

static struct con_port *find_port(const char *cmd, const struct shell_arg *arg)
{
	struct con_port *p = con_port_find(arg->s);
	if (p)
		return p;
	if (con_port_count() == 0)
		kprintf("con %s: no port '%s' (there are no console ports)\n", cmd, arg->s);
	else
		kprintf("con %s: no port '%s' (see 'con list')\n", cmd, arg->s);
	return NULL;
}

/* "port 1 (org.example.port)" or "port 0" */
static void describe(char *buf, size_t n, const struct con_port *p)
{
	if (p->name[0])
		ksnprintf(buf, n, "port %u (%s)", p->num, p->name);
	else
		ksnprintf(buf, n, "port %u", p->num);
}

static void con_list(int argc, const struct shell_arg *argv)
{
	(void)argc;
	(void)argv;
	if (con_port_count() == 0) {
		kprintf("no console ports (add -device virtio-serial-device and a virtserialport "
			"or virtconsole)\n");
		return;
	}
	kprintf("%-4s %-24s %-6s %-7s %s\n", "PORT", "NAME", "HOST", "CONSOLE", "DEVICE");
	for (unsigned i = 0; i < CON_MAX_PORTS; i++) {
		struct con_port *p = con_port_get(i);
		if (!p)
			continue;
		char hvc[12] = "-";
		int k = con_console_index(p);
		if (k >= 0)
			ksnprintf(hvc, sizeof(hvc), "hvc%d%s", k, term_port() == p ? "*" : "");
		kprintf("%-4u %-24s %-6s %-7s %s port %u\n", p->num, p->name[0] ? p->name : "-",
			p->host_open ? "open" : "closed", hvc, p->device, (unsigned)p->dev_port);
	}
	if (term_port())
		kprintf("* the shell's console\n");
}

static void con_write_line(int argc, const struct shell_arg *argv)
{
	(void)argc;
	struct con_port *p = find_port("write", &argv[1]);
	if (!p)
		return;
	char line[SHELL_LINE_MAX + 1];
	size_t n = strlcpy(line, argv[2].s, sizeof(line) - 1);
	line[n++] = '\n';
	char what[96];
	describe(what, sizeof(what), p);
	int rc = con_write(p, line, n, WRITE_TIMEOUT_MS);
	if (rc < 0)
		kprintf("con write: %s: %s\n", what, kstrerror(rc));
	else if ((size_t)rc < n)
		kprintf("con write: only %d of %u bytes to %s went out within %u ms\n", rc,
			(unsigned)n, what, WRITE_TIMEOUT_MS);
	else
		kprintf("con write: %u bytes to %s%s\n", (unsigned)n, what,
			p->host_open ? "" : " (its host end is closed: the device drops them)");
}

/* Received bytes as text: printable ASCII and newlines as they are,
 * anything else as \xNN. */
static void show(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (b[i] == '\n' || (b[i] >= 0x20 && b[i] < 0x7f))
			kprintf("%c", b[i]);
		else if (b[i] != '\r')
			kprintf("\\x%02x", b[i]);
	}
	if (n && b[n - 1] != '\n')
		kprintf("\n");
}

static void con_read_port(int argc, const struct shell_arg *argv)
{
	uint64_t ms = READ_DEFAULT_MS;
	struct con_port *p = find_port("read", &argv[1]);
	if (!p)
		return;
	if (argc == 3 && (argv[2].quoted || !parse_u64(argv[2].s, &ms))) {
		kprintf("con read: MS '%s' is not a number\n", argv[2].s);
		return;
	}
	if (ms > READ_MAX_MS) {
		kprintf("con read: MS must be at most %u\n", READ_MAX_MS);
		return;
	}
	uint8_t buf[READ_MAX_BYTES];
	char what[96];
	describe(what, sizeof(what), p);
	int rc = con_read(p, buf, sizeof(buf), (uint32_t)ms);
	size_t got = rc > 0 ? (size_t)rc : 0;
	while (rc > 0 && got < sizeof(buf)) {
		rc = con_read(p, buf + got, sizeof(buf) - got, READ_QUIET_MS);
		got += rc > 0 ? (size_t)rc : 0;
	}
	if (got)
		show(buf, got);
	else if (rc < 0)
		kprintf("con read: %s: %s\n", what, kstrerror(rc));
	else
		kprintf("con read: nothing from %s within %u ms\n", what, (unsigned)ms);
}

const struct shell_command shell_con_commands[] = {
	{ "list", "", "every console port: number, name, host end open or closed, hvcN",
	  con_list, NULL },
	{ "write", "PORT TEXT", "send TEXT (a word or a \"quoted string\") and a newline",
	  con_write_line, NULL },
	{ "read", "PORT [MS]", "print what PORT received, waiting up to MS ms (1000) for it",
	  con_read_port, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};
