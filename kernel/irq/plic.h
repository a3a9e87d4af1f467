/*
 * PLIC (platform-level interrupt controller) for the boot hart's S-mode
 * context: the hardware half of the interrupt core (kernel/irq/irq.c),
 * which drivers reach through irq_register() (irq.h).  A line is a PLIC
 * source, numbered as the device tree does (1 .. riscv,ndev).
 */
#ifndef KERNEL_PLIC_H
#define KERNEL_PLIC_H

#include <stdint.h>

#include "kernel/irq/irq_chip.h"

/*
 * Sets up the PLIC at `base` with `nsources` sources (riscv,ndev) for
 * `hart`'s S-mode context: every source at priority 0 (off) and disabled,
 * threshold 0.  QEMU virt numbers the contexts M0, S0, M1, S1, ... so the
 * S-mode context of hart h is 2h+1.  Returns its ops for irq.c.
 */
const struct irq_chip *plic_init(uint64_t base, uint32_t nsources, uint32_t hart);

#endif
