/*
 * The shell's commands about the machine itself: `selftest`, `mem` and
 * `poweroff` (none takes an argument; dispatch.c has checked that).
 */
#include "kernel/dma.h"
#include "kernel/exit.h"
#include "kernel/selftest/selftest.h"
#include "kernel/shell/shell_priv.h"
#include "lib/printf.h"

void shell_cmd_selftest(int argc, const struct shell_arg *argv)
{
	(void)argc;
	(void)argv;
	selftest_run_all();
}

void shell_cmd_mem(int argc, const struct shell_arg *argv)
{
	size_t used, total;

	(void)argc;
	(void)argv;
	dma_usage(&used, &total);
	kprintf("dma pool: %lu KiB used of %lu KiB (%lu%%), 0x%lx..0x%lx\n",
		(unsigned long)(used / 1024), (unsigned long)(total / 1024),
		(unsigned long)(total ? used * 100 / total : 0),
		(unsigned long)dma_pool_start(), (unsigned long)dma_pool_end());
}

void shell_cmd_poweroff(int argc, const struct shell_arg *argv)
{
	(void)argc;
	(void)argv;
	kprintf("powering off\n");
	qemu_exit(0);
}
