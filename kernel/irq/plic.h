/*
 * PLIC (platform-level interrupt controller) for the boot hart's S-mode
 * context, plus a registry mapping each interrupt source to its handlers.
 *
 * Drivers reach it through irq_register() (kernel/irq.h), which picks the
 * PLIC or the AIA at boot.  plic_register() takes the IRQ number from the
 * device tree;
 * the handler then runs in interrupt context each time the source fires,
 * after the claim and before the complete.  A source may be shared (PCI
 * INTx lines are): up to PLIC_MAX_SHARED handlers per source, all called,
 * in registration order, on every interrupt of that source.  A handler on
 * a shared line must cope with being called when its device did not
 * interrupt.
 */
#ifndef KERNEL_PLIC_H
#define KERNEL_PLIC_H

#include <stdint.h>

#define PLIC_MAX_SOURCES 1024 /* the PLIC spec's limit; source 0 means none */
#define PLIC_MAX_SHARED  4    /* handlers per source */

#define PLIC_EINVAL (-1) /* irq is 0 or not below the source count */
#define PLIC_EBUSY  (-2) /* the irq already has PLIC_MAX_SHARED handlers */
#define PLIC_ENODEV (-3) /* plic_init() has not run */

/*
 * Sets up the PLIC at `base` with `nsources` sources (riscv,ndev) for
 * `hart`'s S-mode context: every source at priority 0 (off) and disabled,
 * threshold 0.  QEMU virt numbers the contexts M0, S0, M1, S1, ... so the
 * S-mode context of hart h is 2h+1.
 */
void plic_init(uint64_t base, uint32_t nsources, uint32_t hart);

/*
 * Adds handler(ctx) to irq's handlers and enables the source at priority 1.
 * Returns 0, or PLIC_EINVAL / PLIC_EBUSY / PLIC_ENODEV (with a console
 * line saying why: a refused registration is always a bug worth seeing).
 */
int plic_register(uint32_t irq, void (*handler)(void *ctx), void *ctx);

/* Removes every handler of irq and disables the source (for a driver that
 * fails after registering). */
void plic_unregister(uint32_t irq);

/* Called by the trap handler on a supervisor external interrupt. */
void plic_handle_interrupt(void);

/* Interrupts delivered to irq's handler so far (0 for an unknown irq). */
uint64_t plic_irq_count(uint32_t irq);

#endif
