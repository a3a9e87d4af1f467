/*
 * Symbols defined by boot/entry.S and linker.ld, for the C side.
 */
#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H

#include <stdint.h>

extern char _start[];       /* first byte of the image (0x80200000) */
extern char __rodata_start[]; /* page-aligned: .text ends, constants begin */
extern char __data_start[];   /* page-aligned: .data, .bss, the boot stack */
extern char _end[];         /* first page after the image and boot stack */

/* Hart that won the boot lottery (a0 at entry). */
extern unsigned long boot_hartid;

/* The `time` CSR when the boot hart entered _start: its first instruction. */
extern uint64_t boot_entry_time;

/* How many harts entered _start, lost the lottery and parked in wfi. */
extern volatile uint32_t parked_harts;

#endif
