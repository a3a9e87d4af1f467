/*
 * The shell: read a line (line.c), split it into words, run the
 * command.  Words are separated by spaces; "double quotes" make one word
 * that may contain spaces (no escapes inside).  Every mistake in a command
 * gets exactly one line saying what was wrong, and nothing is done.
 */
#include "kernel/dma.h"
#include "kernel/exit.h"
#include "kernel/selftest/selftest.h"
#include "kernel/shell/shell.h"
#include "kernel/shell/shell_priv.h"
#include "kernel/virtio/entropy.h"
#include "lib/kstring.h"
#include "lib/printf.h"

#define PROMPT "vdisk> "

struct command {
	const char *name;
	const char *usage;
	const char *help;
	void (*run)(int argc, const struct shell_arg *argv);
};

/* Usage rows of the commands with subcommands (usage NULL in the table). */
struct subcommand_usage {
	const char *name;
	const char *const (*rows)[2];
	const unsigned *n;
};

static void cmd_help(int argc, const struct shell_arg *argv);
static void cmd_selftest(int argc, const struct shell_arg *argv);
static void cmd_mem(int argc, const struct shell_arg *argv);
static void cmd_poweroff(int argc, const struct shell_arg *argv);

/* `blk` and `input` have usage tables of their own: help prints them in place */
static const struct command commands[] = {
	{ "help", "help", "list the commands", cmd_help },
	{ "blk", NULL, NULL, shell_cmd_blk },
	{ "input", NULL, NULL, shell_cmd_input },
	{ "selftest", "selftest", "run the self-test suites (QEMU keeps running)", cmd_selftest },
	{ "rng", "rng [COUNT]", "COUNT random bytes from the entropy device (default 32)", shell_cmd_rng },
	{ "mem", "mem", "show how much of the DMA pool is in use", cmd_mem },
	{ "poweroff", "poweroff", "stop the machine (QEMU exits with status 0)", cmd_poweroff },
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct subcommand_usage subcommand_usage[] = {
	{ "blk", shell_blk_usage, &shell_blk_usage_count },
	{ "input", shell_input_usage, &shell_input_usage_count },
};

/* Refuses extra words after a command that takes none. */
static bool no_args(int argc, const struct shell_arg *argv)
{
	if (argc > 1) {
		kprintf("%s: unexpected argument '%s' (usage: %s)\n",
			argv[0].s, argv[1].s, argv[0].s);
		return false;
	}
	return true;
}

static void cmd_help(int argc, const struct shell_arg *argv)
{
	if (!no_args(argc, argv))
		return;
	for (unsigned i = 0; i < N_COMMANDS; i++) {
		if (commands[i].usage) {
			kprintf("  %-36s %s\n", commands[i].usage, commands[i].help);
			continue;
		}
		for (unsigned u = 0; u < sizeof(subcommand_usage) / sizeof(subcommand_usage[0]); u++) {
			const struct subcommand_usage *su = &subcommand_usage[u];
			if (strcmp(su->name, commands[i].name) != 0)
				continue;
			for (unsigned k = 0; k < *su->n; k++)
				kprintf("  %-36s %s\n", su->rows[k][0], su->rows[k][1]);
		}
	}
	kprintf("Numbers are decimal or 0x-hex.  Keys: Backspace, Ctrl-U (kill line),\n"
		"Ctrl-C (cancel line), Up/Down (history).\n");
}

static void cmd_selftest(int argc, const struct shell_arg *argv)
{
	if (no_args(argc, argv))
		selftest_run_all();
}

static void cmd_mem(int argc, const struct shell_arg *argv)
{
	size_t used, total;

	if (!no_args(argc, argv))
		return;
	dma_usage(&used, &total);
	kprintf("dma pool: %lu KiB used of %lu KiB (%lu%%), 0x%lx..0x%lx\n",
		(unsigned long)(used / 1024), (unsigned long)(total / 1024),
		(unsigned long)(total ? used * 100 / total : 0),
		(unsigned long)dma_pool_start(), (unsigned long)dma_pool_end());
}

static void cmd_poweroff(int argc, const struct shell_arg *argv)
{
	if (!no_args(argc, argv))
		return;
	kprintf("powering off\n");
	qemu_exit(0);
}

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

	if (argc <= 0)
		return;
	for (unsigned i = 0; i < N_COMMANDS; i++) {
		if (strcmp(argv[0].s, commands[i].name) == 0) {
			commands[i].run(argc, argv);
			return;
		}
	}
	kprintf("unknown command '%s' (type 'help' for the list)\n", argv[0].s);
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
