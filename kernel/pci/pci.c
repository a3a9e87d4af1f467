/*
 * PCI enumeration and resource assignment over ECAM (see pci.h).
 *
 * One depth-first pass from the root bus:
 *   - every function answers at its ECAM address (vendor 0xffff: absent;
 *     functions 1-7 only when function 0 has the multi-function bit);
 *   - memory BARs are sized (all-ones written, read back, restored, with
 *     decoding off) and placed in the host bridge's windows, each aligned
 *     to its size: 64-bit BARs in the 64-bit window where every bridge on
 *     the way can forward it, the rest in the 32-bit window;
 *   - a PCI-to-PCI bridge gets the next bus number, its subtree is scanned,
 *     then its subordinate number and memory windows (1 MiB granules)
 *     are set to cover what was placed behind it;
 *   - memory decoding and bus mastering are enabled on every function whose
 *     BARs all got an address (and on every bridge, which needs both to
 *     forward accesses down and DMA up).
 * I/O BARs and I/O windows are left closed: nothing here uses port I/O.
 */
#include "kernel/pci/pci.h"

#include "kernel/dt/devtree.h"
#include "lib/printf.h"

#define MIB (1ull << 20)
#define BRIDGE_GRANULE MIB /* memory window base/limit have 1 MiB steps */

static struct pci_func funcs[PCI_MAX_FUNCS];
static unsigned nfuncs;
static bool done;
static int result = -1;
static bool warned_full;

/* ---- ECAM ------------------------------------------------------------ */

static const struct dt_pci *host;

static uintptr_t ecam_addr(unsigned bus, unsigned dev, unsigned fn)
{
	return (uintptr_t)(host->ecam_base + ((uint64_t)(bus - host->bus_start) << 20) +
			   ((uint64_t)dev << 15) + ((uint64_t)fn << 12));
}

static bool bus_reachable(unsigned bus)
{
	return bus >= host->bus_start && bus <= host->bus_end &&
	       ((uint64_t)(bus - host->bus_start) + 1) << 20 <= host->ecam_size;
}

#define IO_AFTER_READ() __asm__ __volatile__("fence i,r" ::: "memory")
#define IO_BEFORE_WRITE() __asm__ __volatile__("fence w,o" ::: "memory")

static uint8_t rd8(uintptr_t cfg, uint32_t off)
{
	uint8_t v = *(volatile uint8_t *)(cfg + off);
	IO_AFTER_READ();
	return v;
}
static uint16_t rd16(uintptr_t cfg, uint32_t off)
{
	uint16_t v = *(volatile uint16_t *)(cfg + off);
	IO_AFTER_READ();
	return v;
}
static uint32_t rd32(uintptr_t cfg, uint32_t off)
{
	uint32_t v = *(volatile uint32_t *)(cfg + off);
	IO_AFTER_READ();
	return v;
}
static void wr8(uintptr_t cfg, uint32_t off, uint8_t v)
{
	IO_BEFORE_WRITE();
	*(volatile uint8_t *)(cfg + off) = v;
}
static void wr16(uintptr_t cfg, uint32_t off, uint16_t v)
{
	IO_BEFORE_WRITE();
	*(volatile uint16_t *)(cfg + off) = v;
}
static void wr32(uintptr_t cfg, uint32_t off, uint32_t v)
{
	IO_BEFORE_WRITE();
	*(volatile uint32_t *)(cfg + off) = v;
}

uint8_t pci_cfg_read8(const struct pci_func *f, uint32_t off) { return rd8(f->cfg, off); }
uint16_t pci_cfg_read16(const struct pci_func *f, uint32_t off) { return rd16(f->cfg, off); }
uint32_t pci_cfg_read32(const struct pci_func *f, uint32_t off) { return rd32(f->cfg, off); }
void pci_cfg_write8(const struct pci_func *f, uint32_t off, uint8_t v) { wr8(f->cfg, off, v); }
void pci_cfg_write16(const struct pci_func *f, uint32_t off, uint16_t v) { wr16(f->cfg, off, v); }
void pci_cfg_write32(const struct pci_func *f, uint32_t off, uint32_t v) { wr32(f->cfg, off, v); }

/* ---- address windows -------------------------------------------------- */

struct window {
	bool present;
	uint64_t pci_base, cpu_base, size;
	uint64_t next; /* PCI address of the first free byte */
};

static struct window mem32, mem64;

static void windows_init(void)
{
	mem32 = (struct window){ 0 };
	mem64 = (struct window){ 0 };
	for (unsigned i = 0; i < host->n_ranges; i++) {
		const struct dt_pci_range *r = &host->ranges[i];
		unsigned space = (r->flags >> 24) & 3;
		struct window *w = space == 2 ? &mem32 : space == 3 ? &mem64 : NULL;
		if (!w || w->present || r->size == 0)
			continue;
		*w = (struct window){ true, r->pci_addr, r->cpu_addr, r->size, r->pci_addr };
	}
	/* A 32-bit window must also sit below 4 GiB on the PCI side. */
	if (mem32.present && mem32.pci_base + mem32.size > (1ull << 32))
		mem32.size = mem32.pci_base < (1ull << 32) ? (1ull << 32) - mem32.pci_base : 0;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* `size` bytes aligned to `align` (powers of two); false when full. */
static bool window_alloc(struct window *w, uint64_t size, uint64_t align, uint64_t *pci)
{
	if (!w->present)
		return false;
	uint64_t a = align_up(w->next, align);
	uint64_t end = w->pci_base + w->size;
	if (a < w->next || a > end || size > end - a)
		return false;
	*pci = a;
	w->next = a + size;
	return true;
}

static uintptr_t window_cpu(const struct window *w, uint64_t pci)
{
	return (uintptr_t)(w->cpu_base + (pci - w->pci_base));
}

/* ---- BARs ------------------------------------------------------------ */

/* Size the BARs of a header with `nbars` of them; decoding must be off. */
static void size_bars(struct pci_func *f, unsigned nbars)
{
	for (unsigned i = 0; i < nbars; i++) {
		uint32_t off = PCI_BAR0 + 4 * i;
		uint32_t orig = rd32(f->cfg, off);
		struct pci_bar *b = &f->bar[i];

		if (orig & 1) { /* I/O space: never used here */
			b->io = true;
			continue;
		}
		b->is64 = ((orig >> 1) & 3) == 2 && i + 1 < nbars;
		b->prefetch = orig & 8;
		wr32(f->cfg, off, 0xffffffffu);
		uint64_t mask = rd32(f->cfg, off) & ~0xfu;
		wr32(f->cfg, off, orig);
		if (b->is64) {
			uint32_t orig_hi = rd32(f->cfg, off + 4);
			wr32(f->cfg, off + 4, 0xffffffffu);
			mask |= (uint64_t)rd32(f->cfg, off + 4) << 32;
			wr32(f->cfg, off + 4, orig_hi);
			b->size = mask ? ~mask + 1 : 0;
		} else {
			b->size = mask ? (uint32_t)~mask + 1u : 0;
		}
		if (b->is64)
			i++; /* the upper half is not a BAR of its own */
	}
}

/* Place every sized memory BAR; `deep` when behind a bridge, `pref64`
 * when every bridge on the way forwards 64-bit prefetchable addresses. */
static void assign_bars(struct pci_func *f, unsigned nbars, bool deep, bool pref64)
{
	f->bars_ok = true;
	for (unsigned i = 0; i < nbars; i++) {
		struct pci_bar *b = &f->bar[i];
		if (b->io || b->size == 0)
			continue;
		bool high = b->is64 && mem64.present && (!deep || (b->prefetch && pref64));
		struct window *w = high ? &mem64 : &mem32;
		uint64_t align = b->size < 16 ? 16 : b->size;
		uint64_t pci;
		if (!window_alloc(w, b->size, align, &pci) &&
		    !(high && window_alloc(w = &mem32, b->size, align, &pci))) {
			kprintf("pci %02x:%02x.%u: no room for BAR%u (%lu bytes)\n", f->bus, f->dev,
				f->fn, i, (unsigned long)b->size);
			b->size = 0;
			f->bars_ok = false;
			continue;
		}
		uint32_t off = PCI_BAR0 + 4 * i;
		wr32(f->cfg, off, (uint32_t)pci);
		if (b->is64)
			wr32(f->cfg, off + 4, (uint32_t)(pci >> 32));
		else if (pci >> 32) /* cannot happen: mem32 ends below 4 GiB */
			f->bars_ok = false;
		b->pci_addr = pci;
		b->cpu = window_cpu(w, pci);
	}
}

/* ---- interrupts ------------------------------------------------------- */

/* The PLIC source for `pin` of a function on the root bus, per the host
 * bridge's interrupt-map and its mask. */
static uint32_t irq_map_lookup(unsigned bus, unsigned dev, unsigned fn, unsigned pin)
{
	uint32_t mhi = host->irq_mask_hi, mpin = host->irq_mask_pin;
	if (mhi == 0 && mpin == 0) /* no mask: match all cells exactly */
		mhi = mpin = 0xffffffffu;
	uint32_t hi = (uint32_t)bus << 16 | (uint32_t)dev << 11 | (uint32_t)fn << 8;
	for (unsigned i = 0; i < host->n_irq_map; i++) {
		const struct dt_pci_irq_map *m = &host->irq_map[i];
		if ((m->pci_addr_hi & mhi) == (hi & mhi) && (m->pin & mpin) == (pin & mpin))
			return m->irq;
	}
	return 0;
}

/* INTx of a function: swizzled through each bridge above it (a device on
 * slot s of a secondary bus drives the bridge's pin (pin - 1 + s) % 4 + 1),
 * then looked up for the topmost bridge's slot on the root bus. */
static uint32_t func_irq(const struct pci_func *f)
{
	unsigned pin = f->irq_pin;
	if (pin < 1 || pin > 4)
		return 0;
	while (f->parent >= 0) {
		pin = (pin - 1 + f->dev) % 4 + 1;
		f = &funcs[f->parent];
	}
	return irq_map_lookup(f->bus, f->dev, f->fn, pin);
}

/* ---- enumeration ------------------------------------------------------- */

static unsigned next_bus;

static void scan_bus(unsigned bus, int parent, unsigned depth, bool pref64);

static void setup_bridge(struct pci_func *f, int self, unsigned depth, bool pref64)
{
	uintptr_t c = f->cfg;

	/* Close the I/O window: base above limit. */
	wr8(c, PCI_IO_BASE, 0xf0);
	wr8(c, PCI_IO_LIMIT, 0x00);
	wr32(c, PCI_IO_BASE_UPPER, 0);

	if (depth + 1 >= PCI_MAX_DEPTH || !bus_reachable(next_bus)) {
		kprintf("pci %02x:%02x.%u: bridge left unconfigured (%s)\n", f->bus, f->dev, f->fn,
			depth + 1 >= PCI_MAX_DEPTH ? "nested too deep" : "out of bus numbers");
		return;
	}
	unsigned secondary = next_bus++;
	wr8(c, PCI_PRIMARY_BUS, f->bus);
	wr8(c, PCI_SECONDARY_BUS, (uint8_t)secondary);
	wr8(c, PCI_SUBORDINATE_BUS, (uint8_t)host->bus_end); /* until we know */

	/* The prefetchable window forwards 64-bit addresses when its type
	 * field (the read-only low nibble) says 1. */
	bool pref_is64 = (rd16(c, PCI_PREF_BASE) & 0xf) == 1;
	bool child_pref64 = pref64 && pref_is64;

	mem32.next = align_up(mem32.next, BRIDGE_GRANULE);
	uint64_t mem_start = mem32.next;
	uint64_t pref_start = 0;
	if (child_pref64) {
		mem64.next = align_up(mem64.next, BRIDGE_GRANULE);
		pref_start = mem64.next;
	}

	scan_bus(secondary, self, depth + 1, child_pref64);

	unsigned subordinate = next_bus - 1;
	f->secondary = (uint8_t)secondary;
	f->subordinate = (uint8_t)subordinate;
	wr8(c, PCI_SUBORDINATE_BUS, (uint8_t)subordinate);

	mem32.next = align_up(mem32.next, BRIDGE_GRANULE);
	if (mem32.next > mem_start) {
		wr16(c, PCI_MEMORY_BASE, (uint16_t)((mem_start >> 16) & 0xfff0));
		wr16(c, PCI_MEMORY_LIMIT, (uint16_t)(((mem32.next - 1) >> 16) & 0xfff0));
	} else {
		wr16(c, PCI_MEMORY_BASE, 0xfff0);
		wr16(c, PCI_MEMORY_LIMIT, 0x0000);
	}
	if (child_pref64 && align_up(mem64.next, BRIDGE_GRANULE) > pref_start) {
		mem64.next = align_up(mem64.next, BRIDGE_GRANULE);
		uint64_t last = mem64.next - 1;
		wr32(c, PCI_PREF_BASE_UPPER, (uint32_t)(pref_start >> 32));
		wr32(c, PCI_PREF_LIMIT_UPPER, (uint32_t)(last >> 32));
		wr16(c, PCI_PREF_BASE, (uint16_t)((pref_start >> 16) & 0xfff0));
		wr16(c, PCI_PREF_LIMIT, (uint16_t)((last >> 16) & 0xfff0));
	} else {
		wr16(c, PCI_PREF_BASE, 0xfff0);
		wr16(c, PCI_PREF_LIMIT, 0x0000);
		wr32(c, PCI_PREF_BASE_UPPER, 0);
		wr32(c, PCI_PREF_LIMIT_UPPER, 0);
	}
	uint16_t cmd = rd16(c, PCI_COMMAND) & (uint16_t)~PCI_COMMAND_IO;
	wr16(c, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

static void scan_function(unsigned bus, unsigned dev, unsigned fn, int parent,
			  unsigned depth, bool pref64)
{
	if (nfuncs == PCI_MAX_FUNCS) {
		if (!warned_full)
			kprintf("pci: more than %u functions; ignoring the rest\n", PCI_MAX_FUNCS);
		warned_full = true;
		return;
	}
	int self = (int)nfuncs++;
	struct pci_func *f = &funcs[self];
	uintptr_t c = ecam_addr(bus, dev, fn);
	uint32_t class_rev = rd32(c, PCI_CLASS_REVISION);

	*f = (struct pci_func){
		.bus = (uint8_t)bus, .dev = (uint8_t)dev, .fn = (uint8_t)fn,
		.vendor = rd16(c, PCI_VENDOR_ID),
		.device = rd16(c, PCI_DEVICE_ID),
		.revision = (uint8_t)class_rev,
		.prog_if = (uint8_t)(class_rev >> 8),
		.subclass = (uint8_t)(class_rev >> 16),
		.class_code = (uint8_t)(class_rev >> 24),
		.header_type = rd8(c, PCI_HEADER_TYPE) & 0x7f,
		.irq_pin = rd8(c, PCI_INTERRUPT_PIN),
		.parent = parent,
		.cfg = c,
	};

	/* Decoding off while the BARs move. */
	uint16_t cmd = rd16(c, PCI_COMMAND);
	wr16(c, PCI_COMMAND,
	     cmd & (uint16_t)~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER));

	unsigned nbars = f->header_type == PCI_HEADER_NORMAL   ? 6
			 : f->header_type == PCI_HEADER_BRIDGE ? 2
							       : 0;
	size_bars(f, nbars);
	assign_bars(f, nbars, parent >= 0, pref64);
	f->irq = func_irq(f);

	if (f->header_type == PCI_HEADER_BRIDGE) {
		setup_bridge(f, self, depth, pref64);
	} else if (f->header_type == PCI_HEADER_NORMAL && f->bars_ok) {
		cmd = rd16(c, PCI_COMMAND) & (uint16_t)~PCI_COMMAND_IO;
		wr16(c, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	}
}

static void scan_bus(unsigned bus, int parent, unsigned depth, bool pref64)
{
	for (unsigned dev = 0; dev < 32; dev++) {
		for (unsigned fn = 0; fn < 8; fn++) {
			uintptr_t c = ecam_addr(bus, dev, fn);
			if (rd16(c, PCI_VENDOR_ID) == 0xffff) {
				if (fn == 0)
					break; /* no device in this slot */
				continue;
			}
			bool multi = rd8(c, PCI_HEADER_TYPE) & PCI_HEADER_MULTI;
			scan_function(bus, dev, fn, parent, depth, pref64);
			if (fn == 0 && !multi)
				break;
		}
	}
}

static void print_func(const struct pci_func *f)
{
	kprintf("pci %02x:%02x.%u %04x:%04x class %02x%02x", f->bus, f->dev, f->fn, f->vendor,
		f->device, f->class_code, f->subclass);
	if (f->header_type == PCI_HEADER_BRIDGE)
		kprintf(" bridge to buses %u..%u", f->secondary, f->subordinate);
	if (f->irq_pin)
		kprintf(" INT%c irq %u", 'A' + f->irq_pin - 1, (unsigned)f->irq);
	for (unsigned i = 0; i < 6; i++)
		if (f->bar[i].size)
			kprintf(" bar%u 0x%lx+0x%lx", i, (unsigned long)f->bar[i].cpu,
				(unsigned long)f->bar[i].size);
	kprintf("\n");
}

int pci_init(void)
{
	if (done)
		return result;
	done = true;
	host = &dt_info()->pci;
	if (!host->present || !bus_reachable(host->bus_start))
		return result = -1;
	windows_init();
	if (!mem32.present && !mem64.present)
		kprintf("pci: no memory window in the host bridge's ranges: BARs stay unassigned\n");
	next_bus = host->bus_start + 1;
	scan_bus(host->bus_start, -1, 0, mem64.present);
	return result = (int)nfuncs;
}

void pci_print_all(void)
{
	for (unsigned i = 0; i < nfuncs; i++)
		print_func(&funcs[i]);
}

unsigned pci_count(void)
{
	return nfuncs;
}

const struct pci_func *pci_get(unsigned i)
{
	return i < nfuncs ? &funcs[i] : NULL;
}
