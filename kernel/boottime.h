/*
 * Boot time: how long the kernel takes from its first instruction to the
 * shell prompt, on the guest's own clock (the `time` CSR, which
 * boot/entry.S reads before anything else runs: boot_entry_time in boot.h),
 * and where that time goes.
 *
 * kmain marks the end of each boot phase; boottime_report() prints the
 * total as one line just before the first prompt, and with the boot
 * argument `boottime` one line per phase as well.
 */
#ifndef KERNEL_BOOTTIME_H
#define KERNEL_BOOTTIME_H

#include <stdint.h>

/* Ends the phase that began at the previous mark (or at kernel entry);
 * name must stay valid until boottime_report().  Marks past the table's
 * size are dropped (the total stays right). */
void boottime_mark(const char *name);

/*
 * Prints "boot time: X.XX ms from kernel entry to the shell prompt", and
 * the phases when the bootargs contain `boottime`.  Needs timer_init().
 */
void boottime_report(void);

#endif
