/*
 * Shared between the shell's files (shell.c, line.c, dispatch.c, the
 * command files); not for the rest of the kernel.
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
 * A command, or a subcommand of one (`blk read`).  The dispatcher
 * (dispatch.c) picks it by name, checks the number of words against
 * `args` and only then calls run(), so a handler never sees a missing or
 * extra word; `help` prints every row.
 */
struct shell_command {
	const char *name;
	/* The arguments for the usage line, "DISK SECTOR [COUNT]": required
	 * words first, then [optional] ones; "" when it takes none. */
	const char *args;
	/* The `help` text; each '\n' starts a continuation row (a leading one
	 * when the usage line is too long to share its row). */
	const char *help;
	/* argv[0] is the command's own word, argc counts it. */
	void (*run)(int argc, const struct shell_arg *argv);
	/* Instead of args/help/run: the subcommands, ended by a row whose
	 * name is NULL. */
	const struct shell_command *subs;
};

/* Every command, in `help` order (commands.c); ended by a NULL name. */
extern const struct shell_command shell_commands[];

/* Runs the command line argv[0..argc-1] (argc >= 1) from shell_commands,
 * or prints the one line saying why not. */
void shell_dispatch(int argc, const struct shell_arg *argv);

/*
 * Reads one edited line into buf (NUL-terminated).  Returns its length,
 * or -1 when the user cancelled it with Ctrl-C.  Non-empty lines go into
 * the history that the up/down arrows walk through.
 */
int shell_readline(const char *prompt, char *buf, size_t cap);

/* The handlers and subcommand tables the rows of commands.c name. */
void shell_cmd_help(int argc, const struct shell_arg *argv);     /* dispatch.c */
void shell_cmd_selftest(int argc, const struct shell_arg *argv); /* system.c */
void shell_cmd_mem(int argc, const struct shell_arg *argv);      /* system.c */
void shell_cmd_poweroff(int argc, const struct shell_arg *argv); /* system.c */
void shell_cmd_sysinfo(int argc, const struct shell_arg *argv);  /* sysinfo.c */
void shell_cmd_rng(int argc, const struct shell_arg *argv);      /* rng.c */
extern const struct shell_command shell_blk_commands[];          /* blk.c */
extern const struct shell_command shell_con_commands[];          /* con.c */
extern const struct shell_command shell_gpu_commands[];          /* gpu.c */
extern const struct shell_command shell_net_commands[];          /* net.c */
extern const struct shell_command shell_udp_commands[];          /* net.c */
void shell_cmd_ping(int argc, const struct shell_arg *argv);     /* net.c */
extern const struct shell_command shell_input_commands[];        /* input.c */
extern const struct shell_command shell_virtio_commands[];       /* virtio.c */

#endif
