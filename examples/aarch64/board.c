/*
 * The AArch64 board of the example: QEMU virt (-machine virt -cpu
 * cortex-a53), PL011 console, semihosting for the verdict; little- or
 * big-endian (the Makefile's ENDIAN).
 */
#include <stdint.h>

#include "board.h"

#define PL011 0x09000000u
#define PL011_DR 0x00    /* data register */
#define PL011_FR 0x18    /* flag register */
#define PL011_FR_TXFF 0x20 /* transmit FIFO full */

#define SEMIHOSTING_SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

/* QEMU's virt has 32 virtio-mmio slots, 0x200 bytes apart. */
const struct board board = {
	.name = "aarch64", .mmio_base = 0x0a000000u, .mmio_stride = 0x200u, .mmio_slots = 32,
};

/* The PL011's registers, and the semihosting block as QEMU 7.2 reads it,
 * are little-endian whatever the CPU's data order (ENDIAN=big builds). */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define LE32(x) __builtin_bswap32(x)
#define LE64(x) __builtin_bswap64(x)
#else
#define LE32(x) (x)
#define LE64(x) (x)
#endif

/* QEMU's PL011 transmits without being configured. */
void board_putc(char c)
{
	while (LE32(*(volatile uint32_t *)(uintptr_t)(PL011 + PL011_FR)) & PL011_FR_TXFF)
		;
	*(volatile uint32_t *)(uintptr_t)(PL011 + PL011_DR) = LE32((uint32_t)(uint8_t)c);
}

/*
 * Semihosting SYS_EXIT (QEMU needs -semihosting): on AArch64 its argument
 * is a block {reason, status}, and QEMU exits with `status`.  PSCI
 * SYSTEM_OFF would stop QEMU too, but always with status 0.
 */
_Noreturn void board_exit(int failed)
{
	static uint64_t block[2];

	block[0] = LE64((uint64_t)ADP_STOPPED_APPLICATION_EXIT);
	block[1] = LE64((uint64_t)failed);
	register uint64_t op __asm__("x0") = SEMIHOSTING_SYS_EXIT;
	register uint64_t arg __asm__("x1") = (uintptr_t)block;
	__asm__ __volatile__("hlt #0xf000" : "+r"(op) : "r"(arg) : "memory");
	for (;;)
		__asm__ __volatile__("wfe");
}
