/*
 * Kernel entry.  OpenSBI starts us in S-mode at 0x80200000 with
 * a0 = hart id and a1 = physical address of the device tree.
 *
 * OpenSBI may start any hart here (and more than one with -smp N), so the
 * first hart to swap a 1 into boot_lottery boots the kernel and every other
 * hart parks.  The lottery word lives in .data, not .bss: the winner clears
 * .bss, and a late hart must still find the 1 there.
 *
 * The very first instruction reads the `time` CSR: the `boot time:` line
 * before the first prompt counts from here (kernel/boottime.h).
 */
	.section .text.entry, "ax"
	.globl _start
_start:
	rdtime	t2
	la	t0, boot_lottery
	li	t1, 1
	amoswap.w.aq t1, t1, (t0)
	bnez	t1, park

	/* interrupts stay off until kmain has a trap vector and handlers */
	csrw	sie, zero
	csrci	sstatus, 2			/* SIE */

	/*
	 * Enable the FPU state (FS = Initial): both compilers target rv64gc
	 * and may use FP registers; with FS = Off any such instruction
	 * would trap as illegal.  The trap path saves no FP registers, which
	 * is fine because no handler uses floating point.
	 */
	li	t0, 1 << 13
	csrs	sstatus, t0

	la	sp, boot_stack_top
	la	t0, boot_hartid
	sd	a0, 0(t0)
	la	t0, boot_entry_time
	sd	t2, 0(t0)

	/*
	 * 64 bytes a round (linker.ld aligns both ends to 64): one loop
	 * branch per eight stores rather than per store.  Under TCG the
	 * ~400 KiB of .bss cost ~190k guest instructions at a store a round.
	 */
	la	t0, __bss_start
	la	t1, __bss_end
	bgeu	t0, t1, 2f
1:	sd	zero, 0(t0)
	sd	zero, 8(t0)
	sd	zero, 16(t0)
	sd	zero, 24(t0)
	sd	zero, 32(t0)
	sd	zero, 40(t0)
	sd	zero, 48(t0)
	sd	zero, 56(t0)
	addi	t0, t0, 64
	bltu	t0, t1, 1b
2:
	/* a0 (hart id) and a1 (dtb) are still untouched */
	call	kmain

	/* kmain does not return; if it ever did, park like the others */
park:
	csrw	sie, zero
	csrci	sstatus, 2
	/* count parked harts, so the self-test can see a loser arrive */
	la	t0, parked_harts
	li	t1, 1
	amoadd.w zero, t1, (t0)
3:	wfi
	j	3b

	.section .data
	.balign 4
boot_lottery:
	.word	0
	.globl	parked_harts
parked_harts:
	.word	0
	.balign 8
	.globl	boot_hartid
boot_hartid:
	.dword	0
	.globl	boot_entry_time
boot_entry_time:
	.dword	0
