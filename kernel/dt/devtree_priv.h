/*
 * Shared between devtree.c, devtree_prop.c and devtree_pci.c; not for
 * the rest of the kernel.
 */
#ifndef KERNEL_DEVTREE_PRIV_H
#define KERNEL_DEVTREE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/dt/devtree.h"

/* One copy: under TCG each inlined copy is one more block to translate at boot. */
#define NOINLINE __attribute__((noinline))

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

/* Property values by fdt.c's rules (devtree_prop.c).  A one-cell
 * property's value, or dflt when absent or of another size. */
uint32_t devtree_u32(const struct prop *p, uint32_t dflt);
/* One or two cells into *out (fdt_prop_uint()); false otherwise. */
bool devtree_prop_uint(const struct prop *p, uint64_t *out);
/* The string, NUL-terminated within its length (fdt_prop_string()), or NULL. */
const char *devtree_prop_string(const struct prop *p);
bool devtree_prop_string_is(const struct prop *p, const char *s);
/* Which of names[0..n) this is, or n. */
unsigned devtree_name_index(const char *name, const char *const *names, unsigned n);
/* Entry `index` of a reg property under a parent with these cell counts
 * (fdt_reg()'s rules). */
bool devtree_decode_reg(const struct prop *reg, uint32_t ac, uint32_t sc, unsigned index,
			uint64_t *base, uint64_t *size);
/* The first interrupt of a node from its properties p (P_COUNT of them):
 * "interrupts", else the cell after the phandle in "interrupts-extended";
 * 0 when it has none. */
uint32_t devtree_first_irq(const struct prop *p);
/* A node name against one path component (fdt_subnode()'s rule: without
 * '@' in the component, "memory" matches "memory@80000000" too). */
bool devtree_component_is(const char *name, const char *comp, size_t len);

/* The #address-cells and #interrupt-cells (0 when absent) of the node
 * with this phandle, which interrupt-map entries name as their parent;
 * false when no node has it. */
bool devtree_irq_parent(uint32_t phandle, uint32_t *address_cells, uint32_t *interrupt_cells);

/* The bridge's ranges, interrupt-map-mask and interrupt-map (from its
 * properties p) into pci; parent_ac is the #address-cells of the bridge's
 * parent. */
void devtree_pci_windows_and_irqs(struct dt_pci *pci, const struct prop *p, uint32_t parent_ac);

#endif
