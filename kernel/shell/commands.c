/*
 * The shell's commands, in `help` order.  A new command is a file in
 * kernel/shell/ with its handler and one row here; a command with
 * subcommands points at its own table (shell_blk_commands in blk.c).
 */
#include "kernel/shell/shell_priv.h"

const struct shell_command shell_commands[] = {
	{ "help", "", "list the commands", shell_cmd_help, NULL },
	{ "blk", NULL, NULL, NULL, shell_blk_commands },
	{ "input", NULL, NULL, NULL, shell_input_commands },
	{ "virtio", NULL, NULL, NULL, shell_virtio_commands },
	{ "selftest", "", "run the self-test suites (QEMU keeps running)", shell_cmd_selftest, NULL },
	{ "rng", "[COUNT]", "COUNT random bytes from the entropy device (default 32)", shell_cmd_rng,
	  NULL },
	{ "con", NULL, NULL, NULL, shell_con_commands },
	{ "gpu", NULL, NULL, NULL, shell_gpu_commands },
	{ "net", NULL, NULL, NULL, shell_net_commands },
	{ "ping", "IP [COUNT]", "ICMP echo: one line per reply, then the totals (COUNT default 4)",
	  shell_cmd_ping, NULL },
	{ "udp", NULL, NULL, NULL, shell_udp_commands },
	{ "mem", "", "show how much of the DMA pool is in use", shell_cmd_mem, NULL },
	{ "sysinfo", "", "the machine: memory, harts, devices, page tables, PCI functions",
	  shell_cmd_sysinfo, NULL },
	{ "poweroff", "", "stop the machine (QEMU exits with status 0)", shell_cmd_poweroff, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};
