/*
 * The PCI host bridge's "ranges" (the windows BARs go into) and
 * "interrupt-map" (which interrupt each slot's pins raise), for
 * devtree.c's find_pci().  Every entry is checked against the cell counts
 * that apply: the bridge's own #address-cells/#size-cells for its
 * children, its parent's for CPU addresses, each interrupt parent's
 * #address-cells/#interrupt-cells.
 */
#include "kernel/dt/devtree_priv.h"

static void parse_pci_ranges(struct dt_pci *p, int node, uint32_t ac, uint32_t sc, uint32_t pac)
{
	uint32_t len;
	const void *r = fdt_prop(devtree_fdt(), node, "ranges", &len);
	uint32_t entry = 3 + pac + sc; /* cells: pci address (3), cpu address, size */

	if (!r || ac != 3 || pac > 2 || sc > 2)
		return;
	for (uint32_t i = 0; (i + 1) * entry * 4 <= len && p->n_ranges < DT_MAX_PCI_RANGES; i++) {
		uint32_t c = i * entry;
		p->ranges[p->n_ranges++] = (struct dt_pci_range){
			.flags = cell(r, c),
			.pci_addr = fdt_cells((const uint8_t *)r + 4 * (c + 1), 2),
			.cpu_addr = fdt_cells((const uint8_t *)r + 4 * (c + 3), pac),
			.size = fdt_cells((const uint8_t *)r + 4 * (c + 3 + pac), sc),
		};
	}
}

/*
 * interrupt-map entries are: child unit address (ac cells), child
 * interrupt (ic cells), parent phandle, parent unit address (the parent's
 * #address-cells, 0 when absent), parent interrupt (parent's
 * #interrupt-cells).  The entry size depends on each parent, so walk it.
 */
static void parse_pci_irq_map(struct dt_pci *p, int node, uint32_t ac)
{
	uint32_t ic = devtree_prop_u32(node, "#interrupt-cells", 1);
	uint32_t len, total, pos = 0;
	const void *m = fdt_prop(devtree_fdt(), node, "interrupt-map-mask", &len);

	if (ac != 3 || ic < 1)
		return;
	if (m && len == 4 * (ac + ic)) {
		p->irq_mask_hi = cell(m, 0);
		p->irq_mask_pin = cell(m, ac);
	}
	m = fdt_prop(devtree_fdt(), node, "interrupt-map", &len);
	if (!m)
		return;
	total = len / 4;
	/* Entries name the same parent over and over (QEMU virt: the PLIC,
	 * 16 times): its cell counts are read once per run of them. */
	uint32_t last_phandle = 0, pac = 0, pic = 0;
	while (p->n_irq_map < DT_MAX_PCI_IRQ_MAP && total - pos >= ac + ic + 1) {
		uint32_t hi = cell(m, pos), pin = cell(m, pos + ac);
		uint32_t phandle = cell(m, pos + ac + ic);
		pos += ac + ic + 1;
		if (phandle != last_phandle) {
			int up, parent = devtree_phandle_node(phandle, &up);
			if (parent < 0)
				return;
			pac = devtree_prop_u32(parent, "#address-cells", 0);
			pic = devtree_prop_u32(parent, "#interrupt-cells", 0);
			last_phandle = phandle;
		}
		if (pic == 0 || pac > total || pic > total || total - pos < pac + pic)
			return;
		p->irq_map[p->n_irq_map++] = (struct dt_pci_irq_map){
			.pci_addr_hi = hi, .pin = pin, .irq = cell(m, pos + pac),
		};
		pos += pac + pic;
	}
}

void devtree_pci_windows_and_irqs(struct dt_pci *p, int node, uint32_t parent_ac)
{
	uint32_t ac = devtree_prop_u32(node, "#address-cells", 2), sc = devtree_prop_u32(node, "#size-cells", 1);

	parse_pci_ranges(p, node, ac, sc, parent_ac);
	parse_pci_irq_map(p, node, ac);
}
