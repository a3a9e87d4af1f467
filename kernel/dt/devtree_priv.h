/*
 * Shared between devtree.c and devtree_pci.c; not for the rest of the
 * kernel.
 */
#ifndef KERNEL_DEVTREE_PRIV_H
#define KERNEL_DEVTREE_PRIV_H

#include "kernel/dt/devtree.h"

/* Cell i of a property value. */
static inline uint32_t cell(const void *data, uint32_t i)
{
	return (uint32_t)fdt_cells((const uint8_t *)data + 4 * i, 1);
}

/* A node's own u32 property, or dflt when absent or not one cell. */
uint32_t devtree_prop_u32(int node, const char *name, uint32_t dflt);

/* The node with this phandle (fdt_find_phandle()) and its parent; -1 when
 * there is none. */
int devtree_phandle_node(uint32_t phandle, int *parent);

/* The bridge's ranges, interrupt-map-mask and interrupt-map into p;
 * parent_ac is the #address-cells of the bridge's parent. */
void devtree_pci_windows_and_irqs(struct dt_pci *p, int node, uint32_t parent_ac);

#endif
