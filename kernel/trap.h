/*
 * Trap handling: the register frame built by boot/trapvec.S and the C
 * dispatcher it calls.
 */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include <stdbool.h>
#include <stdint.h>

/* Layout shared with boot/trapvec.S: keep the offsets there in step. */
struct trap_frame {
	uint64_t x[32];   /* x[0] is stored as 0; x[2] is sp before the trap */
	uint64_t sepc;
	uint64_t sstatus;
	uint64_t scause;
	uint64_t stval;
};

_Static_assert(sizeof(struct trap_frame) == 288, "trapvec.S FRAME_SIZE");
_Static_assert(__builtin_offsetof(struct trap_frame, sepc) == 256, "trapvec.S OFF_SEPC");
_Static_assert(__builtin_offsetof(struct trap_frame, stval) == 280, "trapvec.S OFF_STVAL");

/* Points stvec at the vector.  Interrupt enables are left to the caller. */
void trap_init(void);

/* Called from boot/trapvec.S only. */
void trap_handler(struct trap_frame *tf);

/* True while an interrupt handler runs (lets a done() callback check that
 * it really was called from interrupt context). */
bool in_interrupt(void);

/* Number of interrupts taken since boot, by kind (for diagnostics). */
uint64_t trap_count_external(void);
uint64_t trap_count_timer(void);

#endif
