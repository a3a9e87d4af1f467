/*
 * The interactive shell on the console (prompt "vdisk> ").  Type `help`
 * for the commands.
 */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

/* Reads and runs commands forever. */
__attribute__((noreturn)) void shell_run(void);

/* The boot's summary of the machine (sysinfo.c; the whole of it is the
 * `sysinfo` command): its first line, which needs nothing parsed yet ... */
void sysinfo_print_kernel(const void *dtb);
/* ... and the interrupt controller and DMA pool, once they are up. */
void sysinfo_print_boot(void);

#endif
