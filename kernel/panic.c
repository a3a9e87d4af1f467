/*
 * panic() (see panic.h).  Interrupts go off first so nothing else runs
 * while the message is printed; a panic inside a panic (say, in the
 * printing) just halts rather than recursing.  The message goes to the
 * UART and through every console device's emergency write.
 */
#include <stdarg.h>

#include "kernel/console/terminal.h"
#include "kernel/exit.h"
#include "kernel/panic.h"
#include "kernel/riscv.h"

static bool exit_qemu;
static bool panicking;

void panic_set_exit_qemu(bool on)
{
	exit_qemu = on;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	intr_off();
	if (panicking)
		halt();
	panicking = true;
	/* No queue can be trusted now: the UART, and emergency writes. */
	term_panic();

	kprintf("\nPANIC: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");

	if (exit_qemu) {
		kprintf("panic: ending QEMU with exit status %d\n", PANIC_EXIT_CODE);
		qemu_exit(PANIC_EXIT_CODE);
	}
	kprintf("panic: system halted\n");
	halt();
}
