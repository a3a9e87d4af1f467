/*
 * PLIC driver (see plic.h).  Register map from the RISC-V PLIC spec:
 *   0x000000 + 4*irq            priority of source irq
 *   0x002000 + 0x80*ctx         enable bits of context ctx (1 bit/source)
 *   0x200000 + 0x1000*ctx       priority threshold of context ctx
 *   0x200004 + 0x1000*ctx       claim (read) / complete (write)
 */
#include <stdbool.h>

#include "kernel/irq/plic.h"
#include "kernel/mmio.h"
#include "lib/printf.h"

#define PLIC_PRIORITY(irq)   (4u * (irq))
#define PLIC_ENABLE(ctx)     (0x2000u + 0x80u * (ctx))
#define PLIC_THRESHOLD(ctx)  (0x200000u + 0x1000u * (ctx))
#define PLIC_CLAIM(ctx)      (0x200004u + 0x1000u * (ctx))

static uintptr_t plic_base;
static uint32_t n_sources; /* valid sources are 1 .. n_sources */
static uint32_t context;

static void set_enable(uint32_t src, bool on)
{
	uintptr_t reg = plic_base + PLIC_ENABLE(context) + 4u * (src / 32);
	uint32_t bits = mmio_read32(reg);

	if (on)
		bits |= 1u << (src % 32);
	else
		bits &= ~(1u << (src % 32));
	mmio_write32(reg, bits);
}

static uint32_t plic_lookup(uint32_t irq)
{
	return irq && irq <= n_sources ? irq : 0;
}

static int plic_map(uint32_t irq)
{
	if (plic_lookup(irq))
		return (int)irq;
	kprintf("plic: cannot register IRQ %u: valid sources are 1..%u\n", irq, n_sources);
	return IRQ_EINVAL;
}

/* Priority 1 is enough: the threshold is 0 and all sources are equal. */
static void plic_enable(uint32_t src)
{
	if (!plic_lookup(src))
		return;
	mmio_write32(plic_base + PLIC_PRIORITY(src), 1);
	set_enable(src, true);
}

static void plic_disable(uint32_t src)
{
	if (!plic_lookup(src))
		return;
	set_enable(src, false);
	mmio_write32(plic_base + PLIC_PRIORITY(src), 0);
}

static uint32_t plic_claim(void)
{
	return mmio_read32(plic_base + PLIC_CLAIM(context));
}

/* Every claim is completed, even of a source without handlers: until
 * then the PLIC does not present that source again. */
static void plic_complete(uint32_t src)
{
	mmio_write32(plic_base + PLIC_CLAIM(context), src);
}

static const struct irq_chip plic_chip = {
	.name = "plic",
	.line_kind = "IRQ",
	.map = plic_map,
	.lookup = plic_lookup,
	.enable = plic_enable,
	.disable = plic_disable,
	.claim = plic_claim,
	.complete = plic_complete,
};

const struct irq_chip *plic_init(uint64_t base, uint32_t nsources, uint32_t hart)
{
	plic_base = (uintptr_t)base;
	n_sources = nsources < IRQ_MAX_LINES ? nsources : IRQ_MAX_LINES - 1;
	context = 2 * hart + 1;

	/* Only the enable bits: a source this context has not enabled never
	 * reaches it, whatever priority it was left with, and plic_enable()
	 * sets the priority before the enable bit (one write per source in
	 * use rather than one per source at boot). */
	for (uint32_t w = 0; w <= n_sources / 32; w++)
		mmio_write32(plic_base + PLIC_ENABLE(context) + 4 * w, 0);
	/* threshold 0: any source with priority >= 1 interrupts us */
	mmio_write32(plic_base + PLIC_THRESHOLD(context), 0);
	return &plic_chip;
}
