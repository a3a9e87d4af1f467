/*
 * The shell: read a line (line.c), split it into words, run the command
 * (dispatch.c, from the table in commands.c).  Words are separated by
 * spaces; "double quotes" make one word that may contain spaces (no
 * escapes inside).  Every mistake in a command gets exactly one line
 * saying what was wrong, and nothing is done.
 */
#include "kernel/shell/shell.h"
#include "kernel/shell/shell_priv.h"
#include "lib/printf.h"

#define PROMPT "vdisk> "

/*
 * Splits line in place into argv.  Returns argc, or -1 after printing
 * the one-line reason the line cannot be split.
 */
static int split(char *line, struct shell_arg *argv)
{
	int argc = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return argc;
		if (argc == SHELL_MAX_ARGS) {
			kprintf("too many words: a command has at most %d\n", SHELL_MAX_ARGS);
			return -1;
		}
		bool quoted = *p == '"';
		char *start = quoted ? ++p : p;
		if (quoted) {
			while (*p && *p != '"')
				p++;
			if (!*p) {
				kprintf("unterminated quote: \"%s\n", start);
				return -1;
			}
			*p++ = '\0';
			if (*p && *p != ' ' && *p != '\t') {
				kprintf("closing quote must end the word (before '%s')\n", p);
				return -1;
			}
		} else {
			while (*p && *p != ' ' && *p != '\t') {
				if (*p == '"') {
					kprintf("a quote must start a word (in '%s')\n", start);
					return -1;
				}
				p++;
			}
			if (*p)
				*p++ = '\0';
		}
		argv[argc++] = (struct shell_arg){ .s = start, .quoted = quoted };
	}
}

static void run_line(char *line)
{
	struct shell_arg argv[SHELL_MAX_ARGS];
	int argc = split(line, argv);

	if (argc > 0)
		shell_dispatch(argc, argv);
}

void shell_run(void)
{
	char line[SHELL_LINE_MAX];

	kprintf("type 'help' for the commands\n");
	for (;;) {
		if (shell_readline(PROMPT, line, sizeof(line)) > 0)
			run_line(line);
	}
}
