/*
 * Shared between the shell's files (shell.c, line.c, shell/blk.c);
 * not for the rest of the kernel.
 */
#ifndef KERNEL_SHELL_PRIV_H
#define KERNEL_SHELL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/printf.h"

#define SHELL_LINE_MAX 256
#define SHELL_HISTORY 16
#define SHELL_MAX_ARGS 8

/* One word of a command line; `quoted` if it was written "like this". */
struct shell_arg {
	const char *s;
	bool quoted;
};

/*
 * Reads one edited line into buf (NUL-terminated).  Returns its length,
 * or -1 when the user cancelled it with Ctrl-C.  Non-empty lines go into
 * the history that the up/down arrows walk through.
 */
int shell_readline(const char *prompt, char *buf, size_t cap);

/* `blk ...` with argv[0] == "blk". */
void shell_cmd_blk(int argc, const struct shell_arg *argv);

/* The usage lines of the blk subcommands, for `help`. */
extern const char *const shell_blk_usage[][2];
extern const unsigned shell_blk_usage_count;

/* `input ...` with argv[0] == "input" (shell/input.c), and its usage rows. */
void shell_cmd_input(int argc, const struct shell_arg *argv);
extern const char *const shell_input_usage[][2];
extern const unsigned shell_input_usage_count;

#endif
