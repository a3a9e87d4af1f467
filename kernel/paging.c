/*
 * Sv39 page tables (see paging.h), built once by paging_init():
 *
 *   kernel image    identity: text R+X, rodata R, data/bss/stack R+W
 *   device tree     identity, R (the self-test re-reads the blob)
 *   device windows  identity, R+W: every register window the device tree
 *                   names for a device the kernel drives (UART, PLIC or
 *                   APLIC + IMSIC, virtio-mmio slots, the test device, PCI
 *                   ECAM) and the PCI host bridge's windows, where the BARs
 *                   go
 *   DMA pool        R+W at DMA_VIRT_OFFSET + its physical address, and not
 *                   at the physical address itself
 *
 * Nothing else: the firmware, the rest of RAM and the pool's physical
 * alias fault when touched.  Each range takes the largest pages its
 * alignment allows (1 GiB, 2 MiB, else 4 KiB), so a handful of table pages
 * in .bss covers everything.  Every page is global (there is one address
 * space) and has A and D set already: the hart need not trap or update
 * them.
 */
#include "drivers/uart/ns16550.h"
#include "kernel/boot.h"
#include "kernel/dma.h"
#include "kernel/dt/devtree.h"
#include "kernel/paging.h"
#include "kernel/panic.h"
#include "kernel/riscv.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1ull << PAGE_SHIFT)
#define PTES       512u   /* entries per table: 9 bits of the address */
#define LEVELS     3      /* leaves of 1 GiB (level 2), 2 MiB (1), 4 KiB (0) */
#define MAX_TABLES 16     /* QEMU virt needs 8 to 12 */

#define PTE_V    (1u << 0)
#define PTE_R    PAGING_R
#define PTE_W    PAGING_W
#define PTE_X    PAGING_X
#define PTE_G    (1u << 5)
#define PTE_A    (1u << 6)
#define PTE_D    (1u << 7)
#define PTE_LEAF (PTE_R | PTE_W | PTE_X) /* any of them: a leaf, else a table */
#define PTE_PPN_BITS 44

#define SATP_MODE_SHIFT 60
#define SATP_MODE_SV39  8ull

static uint64_t tables[MAX_TABLES][PTES] __attribute__((aligned(PAGE_SIZE)));
static unsigned n_tables = 1; /* tables[0] is the root */

static uint64_t level_bytes(int level)
{
	return PAGE_SIZE << (9 * level);
}

static unsigned vpn(uintptr_t va, int level)
{
	return (unsigned)(va >> (PAGE_SHIFT + 9 * level)) % PTES;
}

static uint64_t pte_pa(uint64_t pte)
{
	return ((pte >> 10) & ((1ull << PTE_PPN_BITS) - 1)) << PAGE_SHIFT;
}

static uint64_t make_pte(uint64_t pa, unsigned flags)
{
	return (pa >> PAGE_SHIFT) << 10 | flags;
}

/* The tables live in the identity-mapped image: a table's physical
 * address is also the pointer to it, before and after satp is set. */
static uint64_t *table_at(uint64_t pa)
{
	return (uint64_t *)(uintptr_t)pa;
}

/* Sv39 addresses are 39 bits sign-extended: bits 63..38 all equal. */
static bool canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 25) >> 25) == va;
}

static void map_page(uintptr_t va, uint64_t pa, int level, unsigned perm, const char *what);

/* A page-sized leaf where a table already hangs (a smaller mapping came
 * first): fill the table with the next size down instead. */
static void map_through_table(uintptr_t va, uint64_t pa, int level, unsigned perm,
			      const char *what)
{
	uint64_t step = level_bytes(level - 1);

	for (unsigned i = 0; i < PTES; i++)
		map_page(va + i * step, pa + i * step, level - 1, perm, what);
}

/* The entry for va at `level`, with the tables above it made as needed;
 * NULL when a larger page already maps va to pa with perm (two windows
 * sharing a page).  A different mapping there is a bug. */
static uint64_t *slot(uintptr_t va, uint64_t pa, int level, unsigned perm, const char *what)
{
	uint64_t *t = tables[0];

	for (int l = LEVELS - 1; l > level; l--) {
		uint64_t *e = &t[vpn(va, l)];
		if (!(*e & PTE_V)) {
			if (n_tables == MAX_TABLES)
				panic("paging: %s needs more than %u page-table pages", what,
				      MAX_TABLES);
			*e = make_pte((uintptr_t)tables[n_tables++], PTE_V);
		} else if (*e & PTE_LEAF) {
			/* a larger page already covers va: the same mapping? */
			uint64_t off = va & (level_bytes(l) - 1);
			if (pte_pa(*e) + off == pa && (*e & PTE_LEAF) == perm)
				return NULL;
			panic("paging: %s at 0x%lx overlaps an earlier mapping", what,
			      (unsigned long)va);
		}
		t = table_at(pte_pa(*e));
	}
	return &t[vpn(va, level)];
}

/* One leaf of level_bytes(level) at va.  Mapping the same thing twice is
 * fine (two windows sharing a page); anything else there is a bug. */
static void map_page(uintptr_t va, uint64_t pa, int level, unsigned perm, const char *what)
{
	uint64_t leaf = make_pte(pa, perm | PTE_V | PTE_G | PTE_A | PTE_D);
	uint64_t *e = slot(va, pa, level, perm, what);

	if (!e || *e == leaf)
		return;
	if ((*e & PTE_V) && !(*e & PTE_LEAF) && level > 0) {
		map_through_table(va, pa, level, perm, what);
		return;
	}
	if (*e & PTE_V)
		panic("paging: %s at 0x%lx overlaps an earlier mapping", what, (unsigned long)va);
	*e = leaf;
}

/*
 * 4 KiB pages up to the end of va's leaf table (at most `pages`): one walk
 * for the run rather than one per page, the same checks per entry.  A
 * larger page covering the first one covers the run (it stays inside one
 * 2 MiB table), and maps all of it the same way if it maps the first so.
 * Returns the pages done.  The kernel image and the DMA pool's first
 * stretch are hundreds of such pages at boot (issue 14).
 */
static uint64_t map_small_run(uintptr_t va, uint64_t pa, uint64_t pages, unsigned perm,
			      const char *what)
{
	uint64_t n = PTES - vpn(va, 0);
	uint64_t *e = slot(va, pa, 0, perm, what);

	if (n > pages)
		n = pages;
	for (uint64_t i = 0; e && i < n; i++) {
		uint64_t leaf = make_pte(pa + i * PAGE_SIZE, perm | PTE_V | PTE_G | PTE_A | PTE_D);
		if (e[i] == leaf)
			continue;
		if (e[i] & PTE_V)
			panic("paging: %s at 0x%lx overlaps an earlier mapping", what,
			      (unsigned long)(va + i * PAGE_SIZE));
		e[i] = leaf;
	}
	return n;
}

/* [va, va + size) -> [pa, pa + size), all page-aligned, with the largest
 * pages that both addresses' alignment and the remaining size allow. */
static void map_range(uintptr_t va, uint64_t pa, uint64_t size, unsigned perm, const char *what)
{
	if (size == 0)
		return;
	if (((va | pa | size) & (PAGE_SIZE - 1)) || !canonical(va) || !canonical(va + size - 1) ||
	    va + size - 1 < va ||
	    ((va ^ (va + size - 1)) >> 63) || pa >> (PTE_PPN_BITS + PAGE_SHIFT))
		panic("paging: cannot map %s at 0x%lx..0x%lx (physical 0x%lx): not whole pages, or beyond Sv39's reach",
		      what, (unsigned long)va, (unsigned long)(va + size), (unsigned long)pa);
	while (size) {
		int level = LEVELS - 1;
		while (level > 0 && (((va | pa) & (level_bytes(level) - 1)) ||
				     size < level_bytes(level)))
			level--;
		uint64_t bytes = level ? level_bytes(level)
				       : map_small_run(va, pa, size >> PAGE_SHIFT, perm, what) << PAGE_SHIFT;
		if (level)
			map_page(va, pa, level, perm, what);
		va += bytes;
		pa += bytes;
		size -= bytes;
	}
}

/* Rounded out to whole pages: a 256-byte UART window takes its page.  Not
 * inlined: one copy of its blocks for TCG to translate at boot rather than
 * one per caller (issue 14). */
static __attribute__((noinline)) void map_identity(uint64_t base, uint64_t size, unsigned perm, const char *what)
{
	uint64_t first = base & ~(PAGE_SIZE - 1);
	uint64_t end = (base + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

	if (size)
		map_range((uintptr_t)first, first, end - first, perm, what);
}

void paging_init(void)
{
	const struct dt_info *dt = dt_info();

	/* Addresses, not pointers: the linker's symbols are distinct objects
	 * to C, whose difference is undefined. */
	uintptr_t text = (uintptr_t)_start, rodata = (uintptr_t)__rodata_start;
	uintptr_t data = (uintptr_t)__data_start, end = (uintptr_t)_end;

	map_identity(text, rodata - text, PTE_R | PTE_X, "the kernel's text");
	map_identity(rodata, data - rodata, PTE_R, "the kernel's constants");
	map_identity(data, end - data, PTE_R | PTE_W, "the kernel's data and stack");
	map_identity(dt->dtb_base, dt->dtb_size, PTE_R, "the device tree");
	for (unsigned i = 0; i < dt->n_mmio; i++)
		map_identity(dt->mmio[i].base, dt->mmio[i].size, PTE_R | PTE_W,
			     "a device's registers");
	if (!dt->has_uart) /* the console stays on the early UART */
		map_identity(UART_EARLY_BASE, PAGE_SIZE, PTE_R | PTE_W, "the early UART");
	for (unsigned i = 0; i < dt->pci.n_ranges; i++)
		map_identity(dt->pci.ranges[i].cpu_addr, dt->pci.ranges[i].size, PTE_R | PTE_W,
			     "a PCI window");
	map_range((uintptr_t)dma_pool_virt(), dma_pool_start(), dma_pool_end() - dma_pool_start(),
		  PTE_R | PTE_W, "the DMA pool");

	/* The table stores before the hart's walker reads them, then the
	 * switch, then no translation cached from before it. */
	__asm__ __volatile__("sfence.vma" ::: "memory");
	csr_write(satp, SATP_MODE_SV39 << SATP_MODE_SHIFT | (uintptr_t)tables[0] >> PAGE_SHIFT);
	__asm__ __volatile__("sfence.vma" ::: "memory");
	/* satp is WARL: a mode the hart lacks leaves it unchanged */
	if (csr_read(satp) >> SATP_MODE_SHIFT != SATP_MODE_SV39)
		panic("paging: the hart does not implement Sv39");
}

unsigned paging_tables_used(void)
{
	return n_tables;
}

bool paging_lookup(uintptr_t va, uint64_t *pa, unsigned *perm)
{
	const uint64_t *t = tables[0];

	if (!canonical(va))
		return false;
	for (int l = LEVELS - 1; l >= 0; l--) {
		uint64_t e = t[vpn(va, l)];
		if (!(e & PTE_V))
			return false;
		if (e & PTE_LEAF) {
			*pa = pte_pa(e) + (va & (level_bytes(l) - 1));
			*perm = (unsigned)(e & PTE_LEAF);
			return true;
		}
		t = table_at(pte_pa(e));
	}
	return false;
}
