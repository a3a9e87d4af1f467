/*
 * Line editing for the shell: typed characters are appended and echoed,
 * Backspace/DEL erase, Ctrl-U kills the line, Ctrl-C cancels it, and the
 * up/down arrows (ESC [ A / ESC [ B, or ESC O A/B) walk a 16-line history.
 *
 * Characters come from the console input queue (kernel/conin.h), which
 * merges every source: the UART (or, with console=hvcN, a console port
 * instead), a keyboard, ...  Echo goes through the terminal
 * (kernel/console/terminal.h), flushed before each wait for a key.
 */
#include "kernel/conin.h"
#include "kernel/console/terminal.h"
#include "kernel/shell/shell_priv.h"
#include "lib/kstring.h"

#define CTRL_C 0x03
#define CTRL_U 0x15
#define BS     0x08
#define DEL    0x7f
#define ESC    0x1b

static char history[SHELL_HISTORY][SHELL_LINE_MAX];
static unsigned n_history; /* lines ever added; newest at (n-1) % SHELL_HISTORY */

static void history_add(const char *line)
{
	if (!line[0])
		return;
	if (n_history && strcmp(history[(n_history - 1) % SHELL_HISTORY], line) == 0)
		return;
	strlcpy(history[n_history % SHELL_HISTORY], line, SHELL_LINE_MAX);
	n_history++;
}

/* The k-th most recent history line, k = 1 being the newest. */
static const char *history_get(unsigned k)
{
	return history[(n_history - k) % SHELL_HISTORY];
}

static void redraw(const char *prompt, const char *buf)
{
	/* back to column 0, prompt and line, then clear what is left over */
	kprintf("\r%s%s\x1b[K", prompt, buf);
}

int shell_readline(const char *prompt, char *buf, size_t cap)
{
	static char saved[SHELL_LINE_MAX]; /* the edit line while browsing */
	enum { NORMAL, GOT_ESC, IN_SEQ } state = NORMAL;
	unsigned browse = 0; /* 0: editing; k: showing history_get(k) */
	unsigned avail = n_history < SHELL_HISTORY ? n_history : SHELL_HISTORY;
	size_t len = 0;
	int prev = 0;

	if (cap > SHELL_LINE_MAX)
		cap = SHELL_LINE_MAX;
	buf[0] = '\0';
	kprintf("%s", prompt);
	for (;;) {
		term_flush(); /* the prompt and the echo, before the wait */
		int c = conin_getc_wait();
		int last = prev;
		prev = c;

		if (state == GOT_ESC) {
			state = (c == '[' || c == 'O') ? IN_SEQ : NORMAL;
			continue;
		}
		if (state == IN_SEQ) {
			if ((c >= '0' && c <= '9') || c == ';')
				continue; /* parameters: not used */
			state = NORMAL;
			if (c == 'A' && browse < avail) {
				if (browse == 0)
					strlcpy(saved, buf, sizeof(saved));
				browse++;
				len = strlcpy(buf, history_get(browse), cap);
			} else if (c == 'B' && browse > 0) {
				browse--;
				len = strlcpy(buf, browse ? history_get(browse) : saved, cap);
			} else {
				continue; /* other keys (left/right, F-keys): ignored */
			}
			if (len >= cap)
				len = cap - 1;
			redraw(prompt, buf);
			continue;
		}

		switch (c) {
		case '\n':
			if (last == '\r')
				break; /* the second half of a CR LF */
			/* fallthrough */
		case '\r':
			kprintf("\n");
			history_add(buf);
			return (int)len;
		case CTRL_C:
			kprintf("^C\n");
			buf[0] = '\0';
			return -1;
		case CTRL_U:
			len = 0;
			buf[0] = '\0';
			redraw(prompt, buf);
			break;
		case BS:
		case DEL:
			if (len) {
				buf[--len] = '\0';
				kprintf("\b \b");
			}
			break;
		case ESC:
			state = GOT_ESC;
			break;
		default:
			if (c < 0x20 || c > 0x7e)
				break; /* other control bytes and non-ASCII: ignored */
			if (len + 1 >= cap) {
				kputc('\a'); /* line full */
				break;
			}
			buf[len++] = (char)c;
			buf[len] = '\0';
			kputc((char)c);
			break;
		}
	}
}
