/*
 * AIA driver (see aia.h): only the hardware, the handlers are irq.c's.
 * From the RISC-V Advanced Interrupt Architecture spec:
 *
 * IMSIC, S-level interrupt file, reached through CSRs: siselect (0x150)
 * picks an indirect register that sireg (0x151) reads and writes:
 *   0x70 eidelivery (1 = deliver), 0x72 eithreshold (0 = every identity),
 *   0x80.. eip (pending), 0xc0.. eie (enable): 64 identities per register
 *   on RV64, even numbers only.
 * stopei (0x15c) reads the highest-priority pending-and-enabled identity
 * (bits 26:16) and a write claims it (clears its pending bit).
 *
 * APLIC domain, memory mapped:
 *   0x0000 domaincfg (IE bit 8, DM bit 2 = MSI delivery)
 *   0x0004 + 4*(i-1) sourcecfg[i] (SM bits 2:0: 6 = level high)
 *   0x1cdc setipnum, 0x1edc setienum, 0x1fdc clrienum
 *   0x3004 + 4*(i-1) target[i]: in MSI mode hart index << 18 | guest << 12 | EIID
 * The domain's MSI address comes from the root domain's smsiaddrcfg,
 * which M-mode firmware sets up; so does the delegation of the sources.
 *
 * Level-triggered sources in MSI mode: forwarding an MSI clears the
 * source's pending bit and a still-asserted line does not set it again,
 * so after the handlers ran, a line still high is pended again through
 * setipnum (spec 4.9.2).  The spec says setipnum alone would only re-pend
 * an asserted line, but QEMU 7.2 pends it unconditionally (an endless
 * interrupt storm), so the line is read first, through in_clrip.
 */
#include <stdbool.h>

#include "kernel/irq/aia.h"
#include "kernel/mmio.h"
#include "kernel/riscv.h"
#include "lib/printf.h"

#define ISEL_EIDELIVERY  0x70
#define ISEL_EITHRESHOLD 0x72
#define ISEL_EIE0        0xc0

#define APLIC_DOMAINCFG     0x0000u
#define APLIC_SOURCECFG(i)  (0x0004u + 4u * ((i) - 1))
#define APLIC_SETIPNUM      0x1cdcu
#define APLIC_IN_CLRIP(i)   (0x1d00u + 4u * ((i) / 32)) /* reads the rectified inputs */
#define APLIC_SETIENUM      0x1edcu
#define APLIC_CLRIENUM      0x1fdcu
#define APLIC_TARGET(i)     (0x3004u + 4u * ((i) - 1))

#define DOMAINCFG_IE (1u << 8)
#define DOMAINCFG_DM (1u << 2)
#define SOURCECFG_D  (1u << 10)
#define SM_LEVEL_HIGH 6u

_Static_assert(AIA_MAX_IDS <= IRQ_MAX_LINES, "an identity is a line of irq.c");

struct aia_id {
	bool used;       /* allocated (a wired source's or an MSI's) */
	uint16_t source; /* the APLIC source it stands for, 0 for an MSI */
};

static uint32_t num_ids;      /* identities 1 .. num_ids usable */
static uint32_t ipi_id;
static uint32_t hart_index;   /* our file in the IMSIC */
/* our file's page: the bus address a device writes its MSI to, straight
 * from the device tree (a register window, not memory: no dma_addr()) */
static uint64_t msi_addr;
static uintptr_t aplic;       /* 0: no S-level APLIC domain */
static uint32_t n_sources;
static struct aia_id ids[AIA_MAX_IDS];
static uint16_t source_id[AIA_MAX_SOURCES]; /* source -> identity, 0 = none */

static void imsic_write(unsigned long sel, unsigned long val)
{
	csr_write(0x150, sel);
	csr_write(0x151, val);
}

static unsigned long imsic_read(unsigned long sel)
{
	csr_write(0x150, sel);
	return csr_read(0x151);
}

/* siselect/sireg are a pair: called with interrupts masked (irq.c). */
static void imsic_enable(uint32_t id, bool on)
{
	unsigned long sel = ISEL_EIE0 + 2 * (id / 64);
	unsigned long bits = imsic_read(sel);
	if (on)
		bits |= 1ul << (id % 64);
	else
		bits &= ~(1ul << (id % 64));
	imsic_write(sel, bits);
}

static uint32_t alloc_id(void)
{
	for (uint32_t id = 1; id <= num_ids; id++) {
		if (id == ipi_id || ids[id].used)
			continue;
		ids[id] = (struct aia_id){ .used = true };
		return id;
	}
	return 0;
}

/* The identity irq stands for, or 0. */
static uint32_t aia_lookup(uint32_t irq)
{
	if (IRQ_IS_MSI(irq)) {
		uint32_t id = irq - IRQ_MSI_BASE;
		return id && id <= num_ids && ids[id].used && !ids[id].source ? id : 0;
	}
	return irq && irq <= n_sources ? source_id[irq] : 0;
}

/* Gives wired source `src` an identity and routes it there (disabled). */
static uint32_t route_source(uint32_t src)
{
	if (source_id[src])
		return source_id[src];
	uint32_t id = alloc_id();
	if (!id)
		return 0;
	mmio_write32(aplic + APLIC_SOURCECFG(src), SM_LEVEL_HIGH);
	uint32_t cfg = mmio_read32(aplic + APLIC_SOURCECFG(src));
	if ((cfg & 7u) != SM_LEVEL_HIGH || (cfg & SOURCECFG_D)) {
		/* reads 0 when the parent domain did not delegate it to us */
		kprintf("aia: APLIC source %u is not delegated to this domain\n", src);
		ids[id].used = false;
		return 0;
	}
	mmio_write32(aplic + APLIC_TARGET(src), hart_index << 18 | id);
	ids[id].source = (uint16_t)src;
	source_id[src] = (uint16_t)id;
	return id;
}

static int aia_map(uint32_t irq)
{
	uint32_t id;

	if (IRQ_IS_MSI(irq)) {
		id = aia_lookup(irq);
		if (!id) {
			kprintf("aia: cannot register MSI %u: not allocated\n", irq - IRQ_MSI_BASE);
			return IRQ_EINVAL;
		}
		return (int)id;
	}
	if (!aplic) {
		kprintf("aia: cannot register IRQ %u: no APLIC domain for this hart\n", irq);
		return IRQ_ENODEV;
	}
	if (irq == 0 || irq > n_sources) {
		kprintf("aia: cannot register IRQ %u: valid sources are 1..%u\n", irq, n_sources);
		return IRQ_EINVAL;
	}
	id = route_source(irq);
	return id ? (int)id : IRQ_EBUSY;
}

static void aia_enable(uint32_t id)
{
	if (id == 0 || id > num_ids)
		return;
	imsic_enable(id, true);
	if (ids[id].source)
		mmio_write32(aplic + APLIC_SETIENUM, ids[id].source);
}

/* The identity and its routing stay: only the delivery stops. */
static void aia_disable(uint32_t id)
{
	if (id == 0 || id > num_ids)
		return;
	if (ids[id].source)
		mmio_write32(aplic + APLIC_CLRIENUM, ids[id].source);
	imsic_enable(id, false);
}

/* Reads stopei and claims what it names: 0 when nothing is pending. */
static uint32_t aia_claim(void)
{
	unsigned long top;
	__asm__ __volatile__("csrrw %0, 0x15c, zero" : "=r"(top) :: "memory");
	return (uint32_t)(top >> 16) & 0x7ffu;
}

static bool line_high(uint32_t src)
{
	return (mmio_read32(aplic + APLIC_IN_CLRIP(src)) >> (src % 32)) & 1u;
}

/* The claim already cleared the identity; a level source still asserted
 * after its handlers is pended again (see the top of this file). */
static void aia_complete(uint32_t id)
{
	uint32_t src = id && id <= num_ids ? ids[id].source : 0;
	if (src && line_high(src))
		mmio_write32(aplic + APLIC_SETIPNUM, src);
}

static int aia_msi_alloc(uint32_t *irq, uint64_t *addr, uint32_t *data)
{
	uint32_t id = alloc_id();
	if (!id)
		return IRQ_EBUSY;
	*irq = IRQ_MSI(id);
	*addr = msi_addr;
	*data = id;
	return 0;
}

static const struct irq_chip aia_chip = {
	.name = "aia",
	.line_kind = "MSI identity",
	.map = aia_map,
	.lookup = aia_lookup,
	.enable = aia_enable,
	.disable = aia_disable,
	.claim = aia_claim,
	.complete = aia_complete,
	.msi_alloc = aia_msi_alloc,
};

const struct irq_chip *aia_init(const struct dt_info *dt, uint32_t hart)
{
	unsigned i;

	for (i = 0; i < dt->imsic_n_harts && dt->imsic_harts[i] != hart; i++)
		;
	if (i == dt->imsic_n_harts) {
		kprintf("aia: hart %u has no S-level IMSIC interrupt file\n", hart);
		return NULL;
	}
	hart_index = i;
	msi_addr = dt->imsic_base + (uint64_t)i * dt->imsic_stride;
	num_ids = dt->imsic_num_ids < AIA_MAX_IDS ? dt->imsic_num_ids : AIA_MAX_IDS - 1;
	ipi_id = dt->imsic_ipi_id;

	/* Interrupt file: nothing enabled, every identity above threshold. */
	imsic_write(ISEL_EIDELIVERY, 0);
	for (uint32_t w = 0; w <= num_ids / 64; w++)
		imsic_write(ISEL_EIE0 + 2 * w, 0);
	imsic_write(ISEL_EITHRESHOLD, 0);
	imsic_write(ISEL_EIDELIVERY, 1);

	if (dt->aplic_base && dt->aplic_nsources) {
		aplic = (uintptr_t)dt->aplic_base;
		n_sources = dt->aplic_nsources < AIA_MAX_SOURCES ? dt->aplic_nsources
								 : AIA_MAX_SOURCES - 1;
		mmio_write32(aplic + APLIC_DOMAINCFG, 0);
		for (uint32_t s = 1; s <= n_sources; s++)
			mmio_write32(aplic + APLIC_CLRIENUM, s);
		mmio_write32(aplic + APLIC_DOMAINCFG, DOMAINCFG_IE | DOMAINCFG_DM);
	}
	return &aia_chip;
}
