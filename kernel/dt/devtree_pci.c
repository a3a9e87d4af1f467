/*
 * The PCI host bridge's "ranges" (the windows BARs go into) and
 * "interrupt-map" (which interrupt each slot's pins raise), for
 * devtree.c's find_pci().  Every entry is checked against the cell counts
 * that apply: the bridge's own #address-cells/#size-cells for its
 * children, its parent's for CPU addresses, each interrupt parent's
 * #address-cells/#interrupt-cells.
 */
#include "kernel/dt/devtree_priv.h"

static void parse_pci_ranges(struct dt_pci *pci, const struct prop *ranges, uint32_t ac,
			     uint32_t sc, uint32_t pac)
{
	const uint8_t *r = ranges->data;
	uint32_t entry = 3 + pac + sc; /* cells: pci address (3), cpu address, size */

	if (!r || ac != 3 || pac > 2 || sc > 2)
		return;
	for (uint32_t i = 0; (i + 1) * entry * 4 <= ranges->len && pci->n_ranges < DT_MAX_PCI_RANGES;
	     i++) {
		uint32_t c = i * entry;
		pci->ranges[pci->n_ranges++] = (struct dt_pci_range){
			.flags = cell(r, c),
			.pci_addr = fdt_cells(r + 4 * (c + 1), 2),
			.cpu_addr = fdt_cells(r + 4 * (c + 3), pac),
			.size = fdt_cells(r + 4 * (c + 3 + pac), sc),
		};
	}
}

/*
 * interrupt-map entries are: child unit address (ac cells), child
 * interrupt (ic cells), parent phandle, parent unit address (the parent's
 * #address-cells, 0 when absent), parent interrupt (parent's
 * #interrupt-cells).  The entry size depends on each parent, so walk it.
 */
static void parse_pci_irq_map(struct dt_pci *pci, const struct prop *p, uint32_t ac)
{
	uint32_t ic = devtree_u32(&p[P_INTERRUPT_CELLS], 1);
	const struct prop *mask = &p[P_INTERRUPT_MAP_MASK];
	const uint8_t *m = p[P_INTERRUPT_MAP].data;
	uint32_t total = p[P_INTERRUPT_MAP].len / 4, pos = 0;

	if (ac != 3 || ic < 1)
		return;
	if (mask->data && mask->len == 4 * (ac + ic)) {
		pci->irq_mask_hi = cell(mask->data, 0);
		pci->irq_mask_pin = cell(mask->data, ac);
	}
	if (!m)
		return;
	/* Entries name the same parent over and over (QEMU virt: the PLIC,
	 * 16 times): its cell counts are looked up once per run of them. */
	uint32_t last_phandle = 0, pac = 0, pic = 0;
	while (pci->n_irq_map < DT_MAX_PCI_IRQ_MAP && total - pos >= ac + ic + 1) {
		uint32_t hi = cell(m, pos), pin = cell(m, pos + ac);
		uint32_t phandle = cell(m, pos + ac + ic);
		pos += ac + ic + 1;
		if (phandle != last_phandle) {
			if (!devtree_irq_parent(phandle, &pac, &pic))
				return;
			last_phandle = phandle;
		}
		if (pic == 0 || pac > total || pic > total || total - pos < pac + pic)
			return;
		pci->irq_map[pci->n_irq_map++] = (struct dt_pci_irq_map){
			.pci_addr_hi = hi, .pin = pin, .irq = cell(m, pos + pac),
		};
		pos += pac + pic;
	}
}

void devtree_pci_windows_and_irqs(struct dt_pci *pci, const struct prop *p, uint32_t parent_ac)
{
	uint32_t ac = devtree_u32(&p[P_ADDRESS_CELLS], 2);
	const struct prop *br = &p[P_BUS_RANGE];

	pci->bus_start = 0;
	pci->bus_end = 255;
	if (br->data && br->len == 8) {
		pci->bus_start = cell(br->data, 0);
		pci->bus_end = cell(br->data, 1);
	}
	parse_pci_ranges(pci, &p[P_RANGES], ac, devtree_u32(&p[P_SIZE_CELLS], 1), parent_ac);
	parse_pci_irq_map(pci, p, ac);
}
