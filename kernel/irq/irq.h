/*
 * The interrupt controller behind supervisor external interrupts, chosen
 * from the device tree at boot: the PLIC (kernel/irq/plic.c), or the AIA
 * (kernel/irq/aia.c: an APLIC domain in MSI mode in front of the hart's
 * S-level IMSIC interrupt file).
 *
 * Interrupt numbers: 1 .. 0xffff are wired sources as the device tree
 * numbers them (the PLIC or APLIC source); IRQ_MSI(eiid) is a message
 * signalled interrupt with that IMSIC identity, from irq_msi_alloc().
 *
 * The same rules for both controllers (irq.c; the drivers only do the
 * hardware, behind kernel/irq/irq_chip.h): an interrupt may be shared (PCI
 * INTx lines are) by up to IRQ_MAX_SHARED handlers, all called in
 * registration order each time it fires, in interrupt context, so a
 * handler on a shared line must cope with being called when its device
 * did not interrupt.  One trap handles at most IRQ_DRAIN_MAX interrupts.
 */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#define IRQ_MSI_BASE 0x10000u
#define IRQ_MSI(eiid) (IRQ_MSI_BASE + (eiid))
#define IRQ_IS_MSI(irq) ((irq) >= IRQ_MSI_BASE)
#define IRQ_MAX_SHARED 4
#define IRQ_DRAIN_MAX 64 /* interrupts handled per trap before returning */

#define IRQ_EINVAL (-1) /* no such interrupt */
#define IRQ_EBUSY  (-2) /* too many handlers or lines, or no free MSI identity */
#define IRQ_ENODEV (-3) /* no controller (or none for that kind of interrupt) */

/* Picks and initialises the controller for `hart`'s S-mode from dt_info().
 * 0, or -1 when the tree has neither a PLIC nor an S-level IMSIC. */
int irq_init(uint32_t hart);

/* "plic", "aia" or "none". */
const char *irq_controller_name(void);

/*
 * Adds handler(ctx) to irq's handlers and unmasks it.  0, or IRQ_EINVAL /
 * IRQ_EBUSY / IRQ_ENODEV with a console line saying why (a refused
 * registration is always a bug worth seeing).
 */
int irq_register(uint32_t irq, void (*handler)(void *ctx), void *ctx);

/* Removes the one registration of handler with ctx (the others on the
 * line keep running; the last one leaving masks it).  0, or IRQ_EINVAL
 * when that pair is not registered on irq. */
int irq_unregister(uint32_t irq, void (*handler)(void *ctx), void *ctx);

/* Called by the trap handler on a supervisor external interrupt. */
void irq_handle_external(void);

/* Runs irq's handlers now, as its delivery does (counted too), from
 * another interrupt's handler: for an interrupt that stands for another
 * one's work, such as the configuration vector of a virtio-pci function
 * whose driver handles it on its queue interrupt. */
void irq_run_handlers(uint32_t irq);

/* Interrupts delivered to irq's handlers so far (0 for an unknown irq). */
uint64_t irq_count(uint32_t irq);

/* Handlers registered on irq now (0 for an unknown irq). */
unsigned irq_handler_count(uint32_t irq);

/* Whether irq_msi_alloc() can work (an IMSIC is in use). */
bool irq_has_msi(void);

/*
 * Reserves an MSI identity for this hart: *irq is the number to pass to
 * irq_register(), and a device raises it by writing the 32-bit *data to
 * the physical address *addr.  0, IRQ_ENODEV or IRQ_EBUSY.
 */
int irq_msi_alloc(uint32_t *irq, uint64_t *addr, uint32_t *data);

#endif
