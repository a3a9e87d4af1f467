/*
 * The contract between the interrupt core (irq.c) and a controller driver
 * (plic.c, aia.c).  A driver knows only its hardware: how an interrupt
 * number reaches it, how to mask, claim and complete.  Everything that is
 * the same for every controller lives once in irq.c: the handlers of each
 * line (shared, IRQ_MAX_SHARED), their counts, the per-trap drain bound
 * and the handling of a line nobody asked for.
 *
 * A "line" is the driver's own small number for what it claims: the
 * source for the PLIC, the IMSIC identity for the AIA.  Lines are
 * 1 .. IRQ_MAX_LINES - 1; 0 means none.
 *
 * irq.c calls the ops with interrupts masked on this hart (lookup, which
 * only reads, excepted).
 */
#ifndef KERNEL_IRQ_CHIP_H
#define KERNEL_IRQ_CHIP_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/irq/irq.h" /* the numbering and the IRQ_E* codes */

#define IRQ_MAX_LINES 1024 /* the PLIC spec's source limit; the IMSIC has fewer */

struct irq_chip {
	const char *name;      /* "plic": prefixes its console lines */
	const char *line_kind; /* what a line is, for messages: "IRQ", "MSI identity" */
	/* The line irq arrives on, set up (routed) so that it can: a line, or
	 * a negative IRQ_E* after a console line saying why. */
	int (*map)(uint32_t irq);
	/* The line irq is already mapped to, or 0; no side effects. */
	uint32_t (*lookup)(uint32_t irq);
	/* Let the line interrupt / stop it (an out-of-range line is ignored). */
	void (*enable)(uint32_t line);
	void (*disable)(uint32_t line);
	/* The highest-priority pending line, taken: 0 when none is. */
	uint32_t (*claim)(void);
	/* After the line's handlers ran (or it was disabled as unwanted). */
	void (*complete)(uint32_t line);
	/* Optional (NULL: no MSIs): reserve an MSI, see irq_msi_alloc(). */
	int (*msi_alloc)(uint32_t *irq, uint64_t *addr, uint32_t *data);
};

#endif
