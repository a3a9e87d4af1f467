/*
 * RISC-V AIA for the boot hart's supervisor level (see irq.h for the
 * numbering).  The IMSIC interrupt file receives MSIs: from PCI devices
 * (MSI-X) and from the S-level APLIC domain, which turns each wired
 * source it owns into an MSI with an identity this driver picks.
 */
#ifndef KERNEL_AIA_H
#define KERNEL_AIA_H

#include <stdint.h>

#include "kernel/dt/devtree.h"

#define AIA_MAX_IDS     256  /* identities tracked (QEMU virt has 255) */
#define AIA_MAX_SOURCES 1024 /* APLIC sources tracked */

/* 0, or -1 (with a console line) when the hart has no interrupt file. */
int aia_init(const struct dt_info *dt, uint32_t hart);
int aia_register(uint32_t irq, void (*handler)(void *ctx), void *ctx);
void aia_unregister(uint32_t irq);
void aia_handle_interrupt(void);
uint64_t aia_irq_count(uint32_t irq);
int aia_msi_alloc(uint32_t *irq, uint64_t *addr, uint32_t *data);

#endif
