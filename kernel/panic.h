/*
 * panic(): the kernel's only reaction to "this cannot continue".
 * Prints "PANIC: <message>" and stops.  In self-test mode it ends QEMU
 * with exit status PANIC_EXIT_CODE so a host script sees a failure
 * instead of a hang; otherwise it halts with interrupts off.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdbool.h>

#include "lib/printf.h"

#define PANIC_EXIT_CODE 2 /* distinct from the self-test's "cases failed" (1) */

__attribute__((noreturn)) void panic(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Turned on by kmain for a `selftest` boot. */
void panic_set_exit_qemu(bool on);

#endif
