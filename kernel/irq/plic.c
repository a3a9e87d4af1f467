/*
 * PLIC driver (see plic.h).  Register map from the RISC-V PLIC spec:
 *   0x000000 + 4*irq            priority of source irq
 *   0x002000 + 0x80*ctx         enable bits of context ctx (1 bit/source)
 *   0x200000 + 0x1000*ctx       priority threshold of context ctx
 *   0x200004 + 0x1000*ctx       claim (read) / complete (write)
 */
#include <stdbool.h>

#include "kernel/irq/irq.h"
#include "kernel/mmio.h"
#include "kernel/irq/plic.h"
#include "lib/printf.h"

#define PLIC_PRIORITY(irq)   (4u * (irq))
#define PLIC_ENABLE(ctx)     (0x2000u + 0x80u * (ctx))
#define PLIC_THRESHOLD(ctx)  (0x200000u + 0x1000u * (ctx))
#define PLIC_CLAIM(ctx)      (0x200004u + 0x1000u * (ctx))

struct plic_handler {
	void (*fn[PLIC_MAX_SHARED])(void *ctx); /* the first n are set */
	void *ctx[PLIC_MAX_SHARED];
	uint8_t n;
	uint64_t count;
};

static uintptr_t plic_base;
static uint32_t n_sources; /* valid irqs are 1 .. n_sources */
static uint32_t context;
static struct plic_handler handlers[PLIC_MAX_SOURCES];
static bool warned_spurious;

static void set_enable(uint32_t irq, bool on)
{
	uintptr_t reg = plic_base + PLIC_ENABLE(context) + 4u * (irq / 32);
	uint32_t bits = mmio_read32(reg);

	if (on)
		bits |= 1u << (irq % 32);
	else
		bits &= ~(1u << (irq % 32));
	mmio_write32(reg, bits);
}

void plic_init(uint64_t base, uint32_t nsources, uint32_t hart)
{
	plic_base = (uintptr_t)base;
	n_sources = nsources < PLIC_MAX_SOURCES ? nsources : PLIC_MAX_SOURCES - 1;
	context = 2 * hart + 1;

	for (uint32_t irq = 1; irq <= n_sources; irq++)
		mmio_write32(plic_base + PLIC_PRIORITY(irq), 0);
	for (uint32_t w = 0; w <= n_sources / 32; w++)
		mmio_write32(plic_base + PLIC_ENABLE(context) + 4 * w, 0);
	/* threshold 0: any source with priority >= 1 interrupts us */
	mmio_write32(plic_base + PLIC_THRESHOLD(context), 0);
}

int plic_register(uint32_t irq, void (*handler)(void *ctx), void *ctx)
{
	if (!plic_base) {
		kprintf("plic: cannot register IRQ %u: PLIC not initialised\n", irq);
		return PLIC_ENODEV;
	}
	if (irq == 0 || irq > n_sources || !handler) {
		kprintf("plic: cannot register IRQ %u: valid sources are 1..%u\n",
			irq, n_sources);
		return PLIC_EINVAL;
	}
	struct plic_handler *h = &handlers[irq];
	if (h->n == PLIC_MAX_SHARED) {
		kprintf("plic: IRQ %u already has %u handlers; refusing another one\n", irq,
			PLIC_MAX_SHARED);
		return PLIC_EBUSY;
	}
	/* Complete the slot before publishing it: the source may already be
	 * enabled for an earlier handler and fire in between. */
	h->fn[h->n] = handler;
	h->ctx[h->n] = ctx;
	__asm__ __volatile__("" ::: "memory");
	h->n++;
	mmio_write32(plic_base + PLIC_PRIORITY(irq), 1);
	set_enable(irq, true);
	return 0;
}

void plic_unregister(uint32_t irq)
{
	if (!plic_base || irq == 0 || irq > n_sources)
		return;
	set_enable(irq, false);
	mmio_write32(plic_base + PLIC_PRIORITY(irq), 0);
	handlers[irq] = (struct plic_handler){ 0 };
}

uint64_t plic_irq_count(uint32_t irq)
{
	return irq && irq <= n_sources ? handlers[irq].count : 0;
}

void plic_handle_interrupt(void)
{
	uintptr_t claim = plic_base + PLIC_CLAIM(context);
	uint32_t irq;

	if (!plic_base)
		return;
	/* Drain: several sources may be pending behind one trap.  Bounded, so
	 * a source that never goes quiet cannot keep the hart here: what is
	 * left stays pending and traps again. */
	for (unsigned n = 0; n < IRQ_DRAIN_MAX && (irq = mmio_read32(claim)) != 0; n++) {
		if (irq <= n_sources && handlers[irq].n) {
			struct plic_handler *h = &handlers[irq];
			h->count++;
			/* A shared line: each handler checks its own device. */
			for (unsigned i = 0; i < h->n; i++)
				h->fn[i](h->ctx[i]);
		} else {
			/* nobody asked for it: disable so it cannot storm */
			if (irq <= n_sources)
				set_enable(irq, false);
			if (!warned_spurious) {
				kprintf("plic: IRQ %u has no handler; disabled it\n", irq);
				warned_spurious = true;
			}
		}
		mmio_write32(claim, irq);
	}
}
