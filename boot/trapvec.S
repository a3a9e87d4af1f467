/*
 * S-mode trap vector (direct mode: every trap lands here).
 *
 * Saves all 31 integer registers plus sepc, sstatus, scause and stval into
 * a struct trap_frame (kernel/trap.h) on the current stack, calls
 * trap_handler(frame), then restores everything from the frame (so a
 * handler may change sepc) and returns with sret.  The kernel has no user
 * mode, so the trap always arrives on a kernel stack and needs no sscratch
 * swap.  Offsets below must match struct trap_frame: x[n] at 8*n, then
 * sepc 256, sstatus 264, scause 272, stval 280; 288 bytes in all, a
 * multiple of 16 as the ABI wants for sp.
 */
#define FRAME_SIZE	288
#define OFF_SEPC	256
#define OFF_SSTATUS	264
#define OFF_SCAUSE	272
#define OFF_STVAL	280

	.section .text
	.globl	trap_vector
	.balign	4				/* stvec ignores the low 2 bits */
trap_vector:
	addi	sp, sp, -FRAME_SIZE
	sd	x1, 8(sp)
	.irp	n, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	sd	x\n, (\n * 8)(sp)
	.endr
	/* x2 is sp itself: store its value from before the trap */
	addi	t0, sp, FRAME_SIZE
	sd	t0, 16(sp)
	sd	zero, 0(sp)
	csrr	t0, sepc
	sd	t0, OFF_SEPC(sp)
	csrr	t0, sstatus
	sd	t0, OFF_SSTATUS(sp)
	csrr	t0, scause
	sd	t0, OFF_SCAUSE(sp)
	csrr	t0, stval
	sd	t0, OFF_STVAL(sp)

	mv	a0, sp
	call	trap_handler

	ld	t0, OFF_SEPC(sp)
	csrw	sepc, t0
	ld	t0, OFF_SSTATUS(sp)
	csrw	sstatus, t0
	ld	x1, 8(sp)
	.irp	n, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld	x\n, (\n * 8)(sp)
	.endr
	addi	sp, sp, FRAME_SIZE
	sret
