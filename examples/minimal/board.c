/*
 * The riscv64 board of the example: QEMU virt under OpenSBI (S-mode at
 * 0x80200000), ns16550 console, the SiFive test device for the verdict.
 */
#include <stdint.h>

#include "board.h"

#define UART0 0x10000000u     /* ns16550: transmit holding register */
#define TEST_DEVICE 0x100000u /* sifive,test1: writes end QEMU */

const struct board board = {
	.name = "riscv64", .mmio_base = 0x10001000u, .mmio_stride = 0x1000u, .mmio_slots = 8,
};

/* Entry from OpenSBI: a stack, then main(). */
__asm__(".section .text.entry\n"
	".globl _start\n"
	"_start: la sp, stack\n"
	"        li t0, 16384\n"
	"        add sp, sp, t0\n"
	"        call main\n"
	"1:      wfi\n"
	"        j 1b\n");

uint8_t stack[16384] __attribute__((aligned(16)));

void board_putc(char c)
{
	volatile uint8_t *uart = (volatile uint8_t *)(uintptr_t)UART0;
	while (!(uart[5] & 0x20)) /* LSR: transmitter ready */
		;
	uart[0] = (uint8_t)c;
}

_Noreturn void board_exit(int failed)
{
	*(volatile uint32_t *)(uintptr_t)TEST_DEVICE = failed ? (1u << 16) | 0x3333u : 0x5555u;
	for (;;)
		;
}
