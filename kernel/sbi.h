/*
 * Calls into the SBI firmware (OpenSBI) with ecall.  Only what the kernel
 * uses: the timer, system reset and hart start.  Each call probes its
 * extension the first time (and falls back or refuses without it), so the
 * callers need not care.
 */
#ifndef KERNEL_SBI_H
#define KERNEL_SBI_H

#include <stdbool.h>
#include <stdint.h>

#define SBI_EXT_BASE   0x10
#define SBI_EXT_TIME   0x54494D45 /* "TIME" */
#define SBI_EXT_SRST   0x53525354 /* "SRST" */
#define SBI_EXT_HSM    0x48534D   /* "HSM" */
#define SBI_ERR_ALREADY_AVAILABLE (-6)
#define SBI_LEGACY_SET_TIMER 0x00
#define SBI_LEGACY_SHUTDOWN  0x08

#define SBI_SRST_SHUTDOWN 0
#define SBI_SRST_REASON_NONE    0
#define SBI_SRST_REASON_FAILURE 1

struct sbiret {
	long error; /* 0 or a negative SBI error */
	long value;
};

bool sbi_has_extension(long ext);

/* Programs the next timer interrupt for an absolute `time` CSR value and
 * clears a pending one; UINT64_MAX effectively disarms the timer. */
void sbi_set_timer(uint64_t stime_value);

/* SRST system reset; returns only if the firmware refused or lacks SRST. */
struct sbiret sbi_system_reset(uint32_t type, uint32_t reason);

/* HSM hart_start: start hart `hartid` in S-mode at start_addr with
 * a0 = hartid, a1 = opaque.  .error is 0 or an SBI error. */
struct sbiret sbi_hart_start(unsigned long hartid, uintptr_t start_addr, unsigned long opaque);

/* Legacy shutdown (extension 0x08); returns only if unsupported. */
void sbi_legacy_shutdown(void);

#endif
