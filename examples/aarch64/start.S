/*
 * Entry from QEMU's -kernel loader: the ELF's entry point, at EL1, MMU and
 * caches off, x0 = the device tree (unused: the board's addresses are
 * fixed).  A stack, a zeroed .bss, then main().
 *
 * The MMU stays off.  Data accesses are then Device-nGnRnE: uncached, so
 * the library's default no-op cache hooks are right and DMA is coherent by
 * construction, at the price that an unaligned access faults; the Makefile
 * builds everything with -mstrict-align so the compiler never emits one.
 */
	.section .text.entry, "ax"
	.globl _start
_start:
	ldr	x1, =stack_top
	mov	sp, x1
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	bl	main
3:	wfe
	b	3b
