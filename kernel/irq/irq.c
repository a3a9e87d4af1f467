/*
 * The interrupt core (see irq.h): picks the controller at boot, the AIA
 * when the device tree has an S-level IMSIC, else the PLIC, and keeps
 * what is the same for both: each line's handlers and count, the drain
 * loop, and what to do with a line nobody asked for.  The controller
 * itself is only its ops (irq_chip.h).
 */
#include "kernel/irq/irq.h"

#include "kernel/dt/devtree.h"
#include "kernel/irq/aia.h"
#include "kernel/irq/irq_chip.h"
#include "kernel/irq/plic.h"
#include "kernel/riscv.h"
#include "lib/printf.h"

struct irq_line {
	void (*fn[IRQ_MAX_SHARED])(void *ctx); /* the first n are set */
	void *ctx[IRQ_MAX_SHARED];
	uint8_t n;
	uint32_t line; /* the controller's */
	uint64_t count;
};

/*
 * Only lines that ever had a handler have a record: a table indexed by
 * line would be IRQ_MAX_LINES of them (80 KiB of .bss, cleared at every
 * boot, and what pushed an eight-disk boot's DMA pool past the 2 MiB of
 * guest RAM the kernel image starts, a huge page QEMU's host then faults
 * in and zeroes: docs/performance.md, "Boot time").  A record stays with
 * its line once made, so the count survives the last handler leaving;
 * IRQ_MAX_USED bounds the lines a kernel registers: every virtio-mmio
 * slot (DT_MAX_VIRTIO_MMIO), two MSI vectors for each virtio-pci function
 * (MAX_VIRTIO_PCI), the four INTx lines, the UART's, with room to spare.
 */
#define IRQ_MAX_USED 96
_Static_assert(IRQ_MAX_USED < 256, "record_of[] holds an index + 1 in a byte");

static const struct irq_chip *chip;
static struct irq_line records[IRQ_MAX_USED];
static unsigned n_records;
static uint8_t record_of[IRQ_MAX_LINES]; /* line -> index + 1 into records, 0: none */
static bool warned_spurious;

static struct irq_line *line_record(uint32_t line)
{
	unsigned r = line < IRQ_MAX_LINES ? record_of[line] : 0;
	return r ? &records[r - 1] : NULL;
}

int irq_init(uint32_t hart)
{
	const struct dt_info *dt = dt_info();

	if (dt->has_aia)
		chip = aia_init(dt, hart);
	if (!chip && dt->has_plic)
		chip = plic_init(dt->plic_base, dt->plic_ndev, hart);
	return chip ? 0 : -1;
}

const char *irq_controller_name(void)
{
	return chip ? chip->name : "none";
}

/* The registered line of irq, or NULL. */
static struct irq_line *find_line(uint32_t irq)
{
	return chip ? line_record(chip->lookup(irq)) : NULL;
}

/* line's record, made on its first registration; NULL when every record
 * is taken. */
static struct irq_line *new_record(uint32_t line)
{
	struct irq_line *l = line_record(line);
	if (l || n_records == IRQ_MAX_USED)
		return l;
	l = &records[n_records++];
	l->line = line;
	record_of[line] = (uint8_t)n_records;
	return l;
}

/*
 * Both changes run with interrupts masked: the handler loop runs on this
 * hart (the others are parked), so it never sees a slot half written or
 * a list being shifted.
 */
int irq_register(uint32_t irq, void (*handler)(void *ctx), void *ctx)
{
	if (!chip)
		return IRQ_ENODEV;
	if (!handler) {
		kprintf("%s: cannot register IRQ %u without a handler\n", chip->name, irq);
		return IRQ_EINVAL;
	}
	unsigned long saved = intr_save();
	int line = chip->map(irq);
	if (line <= 0 || line >= IRQ_MAX_LINES) {
		intr_restore(saved);
		return line < 0 ? line : IRQ_EINVAL; /* 0 or too big: a driver bug */
	}
	struct irq_line *l = new_record((uint32_t)line);
	if (!l) {
		intr_restore(saved);
		kprintf("%s: %u interrupt lines registered already; refusing IRQ %u\n",
			chip->name, IRQ_MAX_USED, irq);
		return IRQ_EBUSY;
	}
	if (l->n == IRQ_MAX_SHARED) {
		intr_restore(saved);
		kprintf("%s: IRQ %u already has %u handlers; refusing another one\n", chip->name,
			irq, IRQ_MAX_SHARED);
		return IRQ_EBUSY;
	}
	l->fn[l->n] = handler;
	l->ctx[l->n] = ctx;
	l->n++;
	chip->enable((uint32_t)line);
	intr_restore(saved);
	return 0;
}

int irq_unregister(uint32_t irq, void (*handler)(void *ctx), void *ctx)
{
	unsigned long saved = intr_save();
	struct irq_line *l = find_line(irq);
	unsigned i = 0;

	while (l && i < l->n && !(l->fn[i] == handler && l->ctx[i] == ctx))
		i++;
	if (!l || i == l->n) {
		intr_restore(saved);
		return IRQ_EINVAL;
	}
	/* the others keep their order */
	for (l->n--; i < l->n; i++) {
		l->fn[i] = l->fn[i + 1];
		l->ctx[i] = l->ctx[i + 1];
	}
	if (l->n == 0)
		chip->disable(l->line);
	intr_restore(saved);
	return 0;
}

/* Each handler of one line, in registration order. */
static void run_line(struct irq_line *l)
{
	l->count++;
	/* A shared line: each handler checks its own device. */
	for (unsigned i = 0; i < l->n; i++)
		l->fn[i](l->ctx[i]);
}

void irq_run_handlers(uint32_t irq)
{
	struct irq_line *l = find_line(irq);
	if (l && l->n)
		run_line(l);
}

void irq_handle_external(void)
{
	uint32_t line;

	if (!chip)
		return;
	/* Drain: several lines may be pending behind one trap.  Bounded, so
	 * a line that never goes quiet cannot keep the hart here: what is
	 * left stays pending and traps again.  After the first claim, sip
	 * says whether the controller still signals anything (SEIP follows
	 * the PLIC's and the IMSIC's output at once): a CSR read where one
	 * more claim would be an MMIO access that finds nothing. */
	for (unsigned n = 0; n < IRQ_DRAIN_MAX; n++) {
		if (n && !(csr_read(sip) & SIE_SEIE))
			break;
		if ((line = chip->claim()) == 0)
			break;
		struct irq_line *l = line_record(line);
		if (l && l->n) {
			run_line(l);
		} else {
			/* nobody asked for it: disable so it cannot storm */
			chip->disable(line);
			if (!warned_spurious) {
				kprintf("%s: %s %u has no handler; disabled it\n", chip->name,
					chip->line_kind, line);
				warned_spurious = true;
			}
		}
		chip->complete(line);
	}
}

uint64_t irq_count(uint32_t irq)
{
	struct irq_line *l = find_line(irq);
	return l ? l->count : 0;
}

unsigned irq_handler_count(uint32_t irq)
{
	struct irq_line *l = find_line(irq);
	return l ? l->n : 0;
}

bool irq_has_msi(void)
{
	return chip && chip->msi_alloc;
}

int irq_msi_alloc(uint32_t *irq, uint64_t *addr, uint32_t *data)
{
	if (!irq_has_msi())
		return IRQ_ENODEV;
	unsigned long saved = intr_save();
	int rc = chip->msi_alloc(irq, addr, data);
	intr_restore(saved);
	return rc;
}
