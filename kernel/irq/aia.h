/*
 * RISC-V AIA for the boot hart's supervisor level: the hardware half of
 * the interrupt core (kernel/irq/irq.c; see irq.h for the numbering).  The
 * IMSIC interrupt file receives MSIs: from PCI devices (MSI-X) and from
 * the S-level APLIC domain, which turns each wired source it owns into an
 * MSI with an identity this driver picks.  A line is an identity.
 */
#ifndef KERNEL_AIA_H
#define KERNEL_AIA_H

#include <stdint.h>

#include "kernel/dt/devtree.h"
#include "kernel/irq/irq_chip.h"

#define AIA_MAX_IDS     256  /* identities tracked (QEMU virt has 255) */
#define AIA_MAX_SOURCES 1024 /* APLIC sources tracked */

/* Sets up the hart's interrupt file and the APLIC domain (if any), and
 * returns the ops for irq.c; NULL (with a console line) when the hart has
 * no interrupt file. */
const struct irq_chip *aia_init(const struct dt_info *dt, uint32_t hart);

#endif
