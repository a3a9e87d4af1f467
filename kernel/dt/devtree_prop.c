/*
 * Property values of the boot device tree, decoded by the rules fdt.c
 * applies (devtree_priv.h): the helpers devtree.c's walk and its lookups
 * after the walk share.  Each is out of line on purpose: under TCG every
 * copy is one more block to translate at boot (devtree.c, issue 14).
 */
#include "kernel/dt/devtree_priv.h"
#include "lib/kstring.h"

#define NOINLINE __attribute__((noinline))

NOINLINE uint32_t devtree_u32(const struct prop *p, uint32_t dflt)
{
	return p->data && p->len == 4 ? cell(p->data, 0) : dflt;
}

/* fdt_prop_uint()'s rule: one or two cells. */
NOINLINE bool devtree_prop_uint(const struct prop *p, uint64_t *out)
{
	if (!p->data || (p->len != 4 && p->len != 8))
		return false;
	*out = fdt_cells(p->data, p->len / 4);
	return true;
}

/* fdt_prop_string()'s rule: NUL-terminated within its length. */
NOINLINE const char *devtree_prop_string(const struct prop *p)
{
	return p->data && p->len && p->data[p->len - 1] == '\0' ? (const char *)p->data : NULL;
}

NOINLINE bool devtree_prop_string_is(const struct prop *p, const char *s)
{
	const char *v = devtree_prop_string(p);

	return v && strcmp(v, s) == 0;
}

/* Which of names[0..n) this is, or n. */
NOINLINE unsigned devtree_name_index(const char *name, const char *const *names, unsigned n)
{
	unsigned i = 0;

	while (i < n && strcmp(name, names[i]) != 0)
		i++;
	return i;
}

/* Entry `index` of a reg property under a parent with these cell counts
 * (fdt_reg()'s rules). */
NOINLINE bool devtree_decode_reg(const struct prop *reg, uint32_t ac, uint32_t sc, unsigned index,
				uint64_t *base, uint64_t *size)
{
	uint64_t entry = 4ull * (ac + sc);

	if (!reg->data || ac == 0 || ac > 2 || sc > 2 || ((uint64_t)index + 1) * entry > reg->len)
		return false;
	*base = fdt_cells(reg->data + index * entry, ac);
	*size = fdt_cells(reg->data + index * entry + 4 * ac, sc);
	return true;
}

/* First interrupt of a node: "interrupts" (first cell), or the cell after
 * the phandle in "interrupts-extended".  0 when it has none. */
NOINLINE uint32_t devtree_first_irq(const struct prop *p)
{
	const struct prop *irqs = &p[P_INTERRUPTS], *ext = &p[P_INTERRUPTS_EXTENDED];

	if (irqs->data && irqs->len >= 4)
		return cell(irqs->data, 0);
	if (ext->data && ext->len >= 8)
		return cell(ext->data, 1);
	return 0;
}

/* fdt_subnode()'s rule: without '@' in the component, "memory" matches
 * "memory@80000000" too. */
NOINLINE bool devtree_component_is(const char *name, const char *comp, size_t len)
{
	bool has_unit = false;

	for (size_t i = 0; i < len; i++)
		has_unit |= comp[i] == '@';
	return strncmp(name, comp, len) == 0 &&
	       (name[len] == '\0' || (!has_unit && name[len] == '@'));
}
