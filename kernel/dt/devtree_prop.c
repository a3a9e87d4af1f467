/*
 * Property values of the boot device tree, decoded by the rules fdt.c
 * applies: the helpers devtree.c's walk and its lookups after the walk
 * share, each documented where devtree_priv.h declares it.  Each is out
 * of line on purpose: under TCG every copy is one more block to translate
 * at boot (devtree.c, issue 14).
 */
#include "kernel/dt/devtree_priv.h"
#include "lib/kstring.h"


NOINLINE uint32_t devtree_u32(const struct prop *p, uint32_t dflt)
{
	return p->data && p->len == 4 ? cell(p->data, 0) : dflt;
}

NOINLINE bool devtree_prop_uint(const struct prop *p, uint64_t *out)
{
	if (!p->data || (p->len != 4 && p->len != 8))
		return false;
	*out = fdt_cells(p->data, p->len / 4);
	return true;
}

NOINLINE const char *devtree_prop_string(const struct prop *p)
{
	return p->data && p->len && p->data[p->len - 1] == '\0' ? (const char *)p->data : NULL;
}

NOINLINE bool devtree_prop_string_is(const struct prop *p, const char *s)
{
	const char *v = devtree_prop_string(p);

	return v && strcmp(v, s) == 0;
}

NOINLINE unsigned devtree_name_index(const char *name, const char *const *names, unsigned n)
{
	unsigned i = 0;

	while (i < n && strcmp(name, names[i]) != 0)
		i++;
	return i;
}

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

NOINLINE uint32_t devtree_first_irq(const struct prop *p)
{
	const struct prop *irqs = &p[P_INTERRUPTS], *ext = &p[P_INTERRUPTS_EXTENDED];

	if (irqs->data && irqs->len >= 4)
		return cell(irqs->data, 0);
	if (ext->data && ext->len >= 8)
		return cell(ext->data, 1);
	return 0;
}

NOINLINE bool devtree_component_is(const char *name, const char *comp, size_t len)
{
	bool has_unit = false;

	for (size_t i = 0; i < len; i++)
		has_unit |= comp[i] == '@';
	return strncmp(name, comp, len) == 0 &&
	       (name[len] == '\0' || (!has_unit && name[len] == '@'));
}
