/*
 * Shared between devtree.c and devtree_pci.c; not for the rest of the
 * kernel.
 */
#ifndef KERNEL_DEVTREE_PRIV_H
#define KERNEL_DEVTREE_PRIV_H

#include "kernel/dt/devtree.h"

/* The properties devtree.c reads, of every node the walk visits. */
enum {
	P_COMPATIBLE, P_REG, P_DEVICE_TYPE, P_ADDRESS_CELLS, P_SIZE_CELLS, P_INTERRUPT_CELLS,
	P_PHANDLE, P_LINUX_PHANDLE, P_INTERRUPTS, P_INTERRUPTS_EXTENDED, P_TIMEBASE,
	P_BOOTARGS, P_STDOUT_PATH, P_REG_SHIFT, P_REG_IO_WIDTH, P_CLOCK_FREQUENCY, P_NDEV,
	P_BUS_RANGE, P_RANGES, P_INTERRUPT_MAP_MASK, P_INTERRUPT_MAP, P_MSI_PARENT,
	P_NUM_SOURCES, P_NUM_IDS, P_IPI_ID, P_GUEST_INDEX_BITS, P_COUNT
};

/* A property's value as fdt_prop() returns it: data NULL when absent. */
struct prop {
	const uint8_t *data;
	uint32_t len;
};

/* Cell i of a property value. */
static inline uint32_t cell(const void *data, uint32_t i)
{
	return (uint32_t)fdt_cells((const uint8_t *)data + 4 * i, 1);
}

/* A one-cell property's value, or dflt when absent or of another size. */
uint32_t devtree_u32(const struct prop *p, uint32_t dflt);

/* The #address-cells and #interrupt-cells (0 when absent) of the node
 * with this phandle, which interrupt-map entries name as their parent;
 * false when no node has it. */
bool devtree_irq_parent(uint32_t phandle, uint32_t *address_cells, uint32_t *interrupt_cells);

/* The bridge's ranges, interrupt-map-mask and interrupt-map (from its
 * properties p) into pci; parent_ac is the #address-cells of the bridge's
 * parent. */
void devtree_pci_windows_and_irqs(struct dt_pci *pci, const struct prop *p, uint32_t parent_ac);

#endif
