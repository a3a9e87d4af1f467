/*
 * Leaving QEMU with an exit status, so a host script can read the verdict
 * of a self-test run from the process exit code.
 */
#ifndef KERNEL_EXIT_H
#define KERNEL_EXIT_H

#include <stdint.h>

/* Where the SiFive test device is (from the device tree); 0 = none. */
void qemu_exit_init(uint64_t test_dev_base);

/*
 * Ends the machine.  Through the SiFive test device when there is one
 * (exit status = code, 0..0xffff); otherwise SBI SRST shutdown, which QEMU
 * always reports as status 0, so failures are then only visible on the
 * console.  Halts forever if nothing worked.
 */
__attribute__((noreturn)) void qemu_exit(int code);

/* Parks this hart with interrupts off; used by panic and qemu_exit. */
__attribute__((noreturn)) void halt(void);

#endif
