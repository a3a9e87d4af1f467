/*
 * The one dispatcher for every command table (struct shell_command):
 * find the command by its word, descend into subcommands, check the word
 * count against the row's `args`, run it.  Each refusal is one line that
 * names the command and, for a wrong word count, its usage:
 *
 *   blk read: missing SECTOR (usage: blk read DISK SECTOR [COUNT])
 *
 * `help` prints the same usage lines from the same rows.
 */
#include "kernel/shell/shell_priv.h"
#include "lib/kstring.h"
#include "lib/printf.h"

#define PATH_MAX_CHARS 32  /* "blk verify" */
#define USAGE_MAX_CHARS 96 /* path + args */
#define USAGE_COLUMN 36    /* `help`: the width of the usage column */

static const struct shell_command *find(const struct shell_command *table, const char *word)
{
	for (const struct shell_command *c = table; c->name; c++)
		if (strcmp(word, c->name) == 0)
			return c;
	return NULL;
}

/* The word of args at or after p (its length in *len), or NULL. */
static const char *next_word(const char *p, size_t *len)
{
	while (*p == ' ')
		p++;
	if (!*p)
		return NULL;
	for (*len = 0; p[*len] && p[*len] != ' '; (*len)++)
		;
	return p;
}

/* "blk read DISK SECTOR [COUNT]": path is how the command was reached. */
static const char *usage(char buf[USAGE_MAX_CHARS], const char *path, const struct shell_command *c)
{
	ksnprintf(buf, USAGE_MAX_CHARS, "%s%s%s", path, c->args[0] ? " " : "", c->args);
	return buf;
}

/* The word count after the command against c->args; false after the line
 * saying what is missing or extra. */
static bool check_args(const struct shell_command *c, const char *path, int argc,
		       const struct shell_arg *argv)
{
	int given = argc - 1, required = 0, optional = 0;
	const char *missing = NULL;
	size_t len, missing_len = 0;
	char buf[USAGE_MAX_CHARS];

	for (const char *w = c->args; (w = next_word(w, &len)); w += len) {
		if (*w == '[') {
			optional++;
			continue;
		}
		if (required++ == given) {
			missing = w;
			missing_len = len;
		}
	}
	if (missing) {
		kprintf("%s: missing %.*s (usage: %s)\n", path, (int)missing_len, missing,
			usage(buf, path, c));
		return false;
	}
	if (given > required + optional) {
		kprintf("%s: unexpected argument '%s' (usage: %s)\n", path,
			argv[1 + required + optional].s, usage(buf, path, c));
		return false;
	}
	return true;
}

/* "list, info, read": the subcommands, for the refusal lines. */
static void print_names(const struct shell_command *table)
{
	for (const struct shell_command *c = table; c->name; c++)
		kprintf("%s%s", c == table ? "" : ", ", c->name);
}

/* c was chosen by argv[0]; path names it in messages ("blk read"). */
static void run(const struct shell_command *c, const char *path, int argc,
		const struct shell_arg *argv)
{
	if (!c->subs) {
		if (check_args(c, path, argc, argv))
			c->run(argc, argv);
		return;
	}
	const struct shell_command *sub = argc > 1 ? find(c->subs, argv[1].s) : NULL;
	if (!sub) {
		if (argc > 1)
			kprintf("%s: unknown subcommand '%s' (", path, argv[1].s);
		else
			kprintf("%s: missing subcommand (", path);
		print_names(c->subs);
		kprintf("; see 'help')\n");
		return;
	}
	char sub_path[PATH_MAX_CHARS];
	ksnprintf(sub_path, sizeof(sub_path), "%s %s", path, sub->name);
	run(sub, sub_path, argc - 1, argv + 1);
}

void shell_dispatch(int argc, const struct shell_arg *argv)
{
	const struct shell_command *c = find(shell_commands, argv[0].s);

	if (c)
		run(c, c->name, argc, argv);
	else
		kprintf("unknown command '%s' (type 'help' for the list)\n", argv[0].s);
}

/* One command's rows: the usage and the first line of help, then one row
 * per further line of help. */
static void help_rows(const struct shell_command *c, const char *path)
{
	char buf[USAGE_MAX_CHARS];
	const char *line = c->help;
	const char *u = usage(buf, path, c);

	for (;;) {
		const char *end = strchr(line, '\n');
		int len = (int)(end ? (size_t)(end - line) : strlen(line));
		if (len == 0) /* a usage too long for its column: the help starts below */
			kprintf("  %s\n", u);
		else
			kprintf("  %-*s %.*s\n", USAGE_COLUMN, u, len, line);
		if (!end)
			return;
		line = end + 1;
		u = "";
	}
}

static void help_table(const struct shell_command *table, const char *parent)
{
	for (const struct shell_command *c = table; c->name; c++) {
		char path[PATH_MAX_CHARS];
		ksnprintf(path, sizeof(path), "%s%s%s", parent, parent[0] ? " " : "", c->name);
		if (c->subs)
			help_table(c->subs, path);
		else
			help_rows(c, path);
	}
}

void shell_cmd_help(int argc, const struct shell_arg *argv)
{
	(void)argc;
	(void)argv;
	help_table(shell_commands, "");
	kprintf("Numbers are decimal or 0x-hex.  Keys: Backspace, Ctrl-U (kill line),\n"
		"Ctrl-C (cancel line), Up/Down (history).\n");
}
