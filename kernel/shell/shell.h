/*
 * The interactive shell on the console (prompt "vdisk> ").  Type `help`
 * for the commands.
 */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

/* Reads and runs commands forever. */
__attribute__((noreturn)) void shell_run(void);

#endif
