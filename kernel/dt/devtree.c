/*
 * Fills struct dt_info from the boot device tree (see devtree.h).
 *
 * Lookups go by "compatible" and standard node names rather than by QEMU's
 * fixed addresses, so the same kernel copes with -m, -smp, extra devices or
 * a different board file.  Every decode checks the property length against
 * the cell counts that apply (#address-cells/#size-cells of the parent, or
 * of the node itself for "ranges" and "interrupt-map" children).
 *
 * One walk over the structure block (after fdt_init() has validated it)
 * visits every node once, with the chain of open nodes and their cell
 * counts at hand, and keeps what each lookup below wants: the first node
 * of each compatible string (document order, as fdt_find_compatible()
 * would find it), every virtio-mmio slot, the root's memory, cpus,
 * chosen, aliases and reserved-memory children, the harts, and every
 * phandle.  What depends on another node (the UART stdout-path names,
 * the parents an IMSIC or interrupt-map refers to) is resolved after the
 * walk from what it kept.  Under TCG a boot pays for every instruction
 * the first time it runs, so one walk with little code beats a dozen
 * lookups that each walk the tree (issue 14: boot time).
 *
 * A node's properties are the ones before its first child, as fdt_prop()
 * sees them; of a name given twice the first counts.
 */
#include "kernel/dt/devtree.h"
#include "kernel/dt/devtree_priv.h"
#include "lib/kstring.h"
#include "lib/printf.h"

#define MAX_PHANDLES 64 /* QEMU virt: one per hart's interrupt controller, plus a few */
#define MAX_APLICS   16 /* QEMU virt: two per socket */
#define QEMU_TEST_BASE 0x100000 /* where a bare "syscon" counts as the test device */

static struct dt_info info;
static struct fdt fdt;

const struct dt_info *dt_info(void)
{
	return &info;
}

const struct fdt *devtree_fdt(void)
{
	return &fdt;
}

/* ---- what the walk keeps ------------------------------------------------ */

/* The properties the walk reads of every node. */
enum {
	P_COMPATIBLE, P_REG, P_DEVICE_TYPE, P_ADDRESS_CELLS, P_SIZE_CELLS, P_PHANDLE,
	P_LINUX_PHANDLE, P_INTERRUPTS, P_INTERRUPTS_EXTENDED, P_COUNT
};

static const char *const prop_names[P_COUNT] = {
	"compatible", "reg", "device_type", "#address-cells", "#size-cells", "phandle",
	"linux,phandle", "interrupts", "interrupts-extended",
};

/* The compatible strings something below looks for. */
enum {
	C_NS16550A, C_NS16550, C_PLIC0, C_SIFIVE_PLIC, C_IMSICS, C_APLIC, C_TEST1, C_TEST0,
	C_SYSCON, C_VIRTIO_MMIO, C_PCI_ECAM, C_COUNT
};

static const char *const compat_names[C_COUNT] = {
	"ns16550a", "ns16550", "riscv,plic0", "sifive,plic-1.0.0", "riscv,imsics", "riscv,aplic",
	"sifive,test1", "sifive,test0", "syscon", "virtio,mmio", "pci-host-ecam-generic",
};

struct prop {
	const uint8_t *data; /* NULL: absent */
	uint32_t len;
};

/* A node some lookup wants, with its first reg entry decoded. */
struct node {
	int off;             /* -1: none */
	bool reg_ok;
	uint64_t base, size;
	uint32_t parent_ac;  /* the parent's #address-cells */
};

/* One open node of the walk. */
struct level {
	int off;
	const char *name;
	uint32_t ac, sc;     /* the cells it sets for its children */
	bool props_done;     /* a child began: later properties are not the node's */
};

static struct {
	struct prop p[P_COUNT];          /* of the innermost open node */
	int chosen, aliases, cpus, reserved; /* root children, by name; -1: none */
	bool timebase_found;             /* nonzero, in /cpus or (else) a child of it */
	struct node first[C_COUNT];      /* the first node of each compatible */
	struct node syscon;              /* the first syscon at QEMU_TEST_BASE */
	struct node imsic;               /* the first S-level riscv,imsics */
	struct prop imsic_ie;            /* its interrupts-extended */
	struct node aplic[MAX_APLICS];
	unsigned n_aplic;
	bool aplic_overflow;
	struct { uint32_t phandle; int node, parent; } ph[MAX_PHANDLES];
	unsigned n_ph;
	bool ph_overflow;
	struct dt_range virtio_doc[DT_MAX_VIRTIO_MMIO]; /* kept slots, in document order */
} w;


static uint32_t pu32(const struct prop *p, uint32_t dflt)
{
	return p->data && p->len == 4 ? cell(p->data, 0) : dflt;
}

/* fdt_prop_string()'s rule: NUL-terminated within its length. */
static bool pstr_is(const struct prop *p, const char *s)
{
	return p->data && p->len && p->data[p->len - 1] == '\0' &&
	       strcmp((const char *)p->data, s) == 0;
}

uint32_t devtree_prop_u32(int node, const char *name, uint32_t dflt)
{
	struct prop p = { 0 };

	p.data = fdt_prop(&fdt, node, name, &p.len);
	return pu32(&p, dflt);
}

/* Entry `index` of a reg property under a parent with these cell counts
 * (fdt_reg()'s rules). */
static bool decode_reg(const struct prop *reg, uint32_t ac, uint32_t sc, unsigned index,
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
static uint32_t first_irq(const struct prop *irqs, const struct prop *ext)
{
	if (irqs->data && irqs->len >= 4)
		return cell(irqs->data, 0);
	if (ext->data && ext->len >= 8)
		return cell(ext->data, 1);
	return 0;
}

static uint32_t node_irq(int node)
{
	struct prop irqs = { 0 }, ext = { 0 };

	irqs.data = fdt_prop(&fdt, node, "interrupts", &irqs.len);
	ext.data = fdt_prop(&fdt, node, "interrupts-extended", &ext.len);
	return first_irq(&irqs, &ext);
}

/* Which of compat_names the stringlist holds (fdt_stringlist_contains()'s
 * rules: an unterminated last string is ignored). */
static uint32_t compat_mask(const struct prop *p)
{
	const char *list = (const char *)p->data;
	uint32_t mask = 0, pos = 0;

	while (list && pos < p->len) {
		size_t n = strnlen(list + pos, p->len - pos);
		if (n == p->len - pos)
			break;
		for (unsigned c = 0; c < C_COUNT; c++)
			if (strcmp(list + pos, compat_names[c]) == 0)
				mask |= 1u << c;
		pos += (uint32_t)n + 1;
	}
	return mask;
}

/* fdt_subnode()'s rule for a name without a unit address. */
static bool name_is(const char *name, const char *want)
{
	size_t n = strlen(want);

	return strncmp(name, want, n) == 0 && (name[n] == '\0' || name[n] == '@');
}

static void add_reserved(uint64_t base, uint64_t size)
{
	if (size && info.n_reserved < DT_MAX_RESERVED)
		info.reserved[info.n_reserved++] = (struct dt_range){ base, size };
}

/* A register window of a device the kernel uses (the page tables map it). */
static void add_mmio(uint64_t base, uint64_t size)
{
	if (size && info.n_mmio < DT_MAX_MMIO)
		info.mmio[info.n_mmio++] = (struct dt_range){ base, size };
}

static void add_phandle(uint32_t ph, int node, int parent)
{
	if (ph == 0)
		return; /* never looked up */
	if (w.n_ph == MAX_PHANDLES) {
		w.ph_overflow = true;
		return;
	}
	w.ph[w.n_ph].phandle = ph;
	w.ph[w.n_ph].node = node;
	w.ph[w.n_ph++].parent = parent;
}

static void add_virtio(uint64_t base, uint64_t size, uint32_t irq)
{
	if (info.n_virtio_mmio == DT_MAX_VIRTIO_MMIO) {
		info.n_virtio_mmio_dropped++;
		return;
	}
	w.virtio_doc[info.n_virtio_mmio] = (struct dt_range){ base, size };
	/* insertion sort: QEMU lists them in descending address order */
	unsigned i = info.n_virtio_mmio++;
	while (i > 0 && info.virtio_mmio[i - 1].base > base) {
		info.virtio_mmio[i] = info.virtio_mmio[i - 1];
		i--;
	}
	info.virtio_mmio[i] = (struct dt_virtio_mmio){ .base = base, .size = size, .irq = irq };
}

/* ---- the walk ------------------------------------------------------------- */

/*
 * The node at `lv` has all its properties (w.p): keep what the lookups
 * want of it.  `up` is its parent (NULL for the root), `depth` its depth.
 */
static void visit(struct level *lv, const struct level *up, int depth)
{
	const struct prop *p = w.p;
	uint64_t base = 0, size = 0;
	bool reg_ok = up && decode_reg(&p[P_REG], up->ac, up->sc, 0, &base, &size);
	uint32_t mask = p[P_COMPATIBLE].data ? compat_mask(&p[P_COMPATIBLE]) : 0;
	int parent = up ? up->off : -1;

	lv->props_done = true;
	lv->ac = pu32(&p[P_ADDRESS_CELLS], 2);
	lv->sc = pu32(&p[P_SIZE_CELLS], 1);
	uint32_t ph = pu32(&p[P_PHANDLE], 0), lph = pu32(&p[P_LINUX_PHANDLE], 0);
	add_phandle(ph, lv->off, parent);
	if (lph != ph)
		add_phandle(lph, lv->off, parent);

	struct node n = { lv->off, reg_ok, base, size, up ? up->ac : 0 };
	for (unsigned c = 0; mask >> c; c++)
		if ((mask >> c & 1) && w.first[c].off < 0)
			w.first[c] = n;
	if ((mask & 1u << C_SYSCON) && w.syscon.off < 0 && reg_ok && base == QEMU_TEST_BASE)
		w.syscon = n;
	if ((mask & 1u << C_VIRTIO_MMIO) && reg_ok)
		add_virtio(base, size, first_irq(&p[P_INTERRUPTS], &p[P_INTERRUPTS_EXTENDED]));
	/* the S-level IMSIC: its interrupts-extended entries say 9, supervisor external */
	if ((mask & 1u << C_IMSICS) && w.imsic.off < 0 && reg_ok &&
	    p[P_INTERRUPTS_EXTENDED].data && p[P_INTERRUPTS_EXTENDED].len >= 8 &&
	    cell(p[P_INTERRUPTS_EXTENDED].data, 1) == 9) {
		w.imsic = n;
		w.imsic_ie = p[P_INTERRUPTS_EXTENDED];
	}
	if (mask & 1u << C_APLIC) {
		if (w.n_aplic < MAX_APLICS)
			w.aplic[w.n_aplic++] = n;
		else
			w.aplic_overflow = true;
	}

	const char *name = lv->name;
	if (depth == 1) {
		if (!info.mem_size && pstr_is(&p[P_DEVICE_TYPE], "memory") && reg_ok && size) {
			info.mem_base = base;
			info.mem_size = size;
		}
		if (w.cpus < 0 && name_is(name, "cpus")) {
			w.cpus = lv->off;
			w.timebase_found = fdt_prop_uint(&fdt, lv->off, "timebase-frequency",
							 &info.timebase_hz) && info.timebase_hz;
		} else if (w.chosen < 0 && name_is(name, "chosen")) {
			w.chosen = lv->off;
		} else if (w.aliases < 0 && name_is(name, "aliases")) {
			w.aliases = lv->off;
		} else if (w.reserved < 0 && name_is(name, "reserved-memory")) {
			w.reserved = lv->off;
		}
	} else if (depth == 2 && up->off == w.cpus) {
		const struct prop *id = &p[P_REG]; /* the hart id, 1 or 2 cells */
		if (pstr_is(&p[P_DEVICE_TYPE], "cpu") && id->data && (id->len == 4 || id->len == 8) &&
		    info.n_harts < DT_MAX_HARTS)
			info.harts[info.n_harts++] = (uint32_t)fdt_cells(id->data, id->len / 4);
		/* some trees put the timebase in each cpu node instead */
		if (!w.timebase_found)
			w.timebase_found = fdt_prop_uint(&fdt, lv->off, "timebase-frequency",
							 &info.timebase_hz) && info.timebase_hz;
	} else if (depth == 2 && up->off == w.reserved) {
		for (unsigned i = 0; decode_reg(&p[P_REG], up->ac, up->sc, i, &base, &size); i++)
			add_reserved(base, size);
	}
}

static void walk(void)
{
	struct level stack[FDT_MAX_DEPTH];
	int depth = -1;
	struct fdt_token t;

	for (uint32_t off = (uint32_t)fdt.root; fdt_token(&fdt, off, &t); off = t.next) {
		if (t.type == FDT_BEGIN_NODE) {
			if (depth >= 0 && !stack[depth].props_done)
				visit(&stack[depth], depth ? &stack[depth - 1] : NULL, depth);
			if (++depth == FDT_MAX_DEPTH)
				return; /* fdt_init() refuses such a tree */
			stack[depth] = (struct level){ .off = (int)off, .name = t.name };
			memset(w.p, 0, sizeof(w.p));
		} else if (t.type == FDT_PROP) {
			if (depth < 0 || stack[depth].props_done)
				continue;
			for (unsigned i = 0; i < P_COUNT; i++) {
				if (strcmp(t.name, prop_names[i]) == 0) {
					if (!w.p[i].data)
						w.p[i] = (struct prop){ t.data, t.len };
					break;
				}
			}
		} else if (t.type == FDT_END_NODE) {
			if (depth < 0)
				return;
			if (!stack[depth].props_done)
				visit(&stack[depth], depth ? &stack[depth - 1] : NULL, depth);
			depth--;
		} else if (t.type == FDT_END) {
			return;
		}
	}
}

/* ---- after the walk ----------------------------------------------------- */

int devtree_phandle_node(uint32_t ph, int *parent)
{
	if (ph == 0 || ph == 0xffffffffu)
		return -1;
	for (unsigned i = 0; i < w.n_ph; i++) {
		if (w.ph[i].phandle == ph) {
			*parent = w.ph[i].parent;
			return w.ph[i].node;
		}
	}
	if (!w.ph_overflow)
		return -1;
	int n = fdt_find_phandle(&fdt, ph); /* past the table: the slow way */
	*parent = fdt_parent(&fdt, n);
	return n;
}

/* The next component of a path: skips the slashes before it, returns its
 * length (0: the path is over). */
static size_t next_component(const char **path)
{
	size_t len = 0;

	while (**path == '/')
		(*path)++;
	while ((*path)[len] && (*path)[len] != '/')
		len++;
	return len;
}

/* fdt_subnode()'s rule: without '@' in the component, "memory" matches
 * "memory@80000000" too. */
static bool component_is(const char *name, const char *comp, size_t len)
{
	bool has_unit = false;

	for (size_t i = 0; i < len; i++)
		has_unit |= comp[i] == '@';
	return strncmp(name, comp, len) == 0 &&
	       (name[len] == '\0' || (!has_unit && name[len] == '@'));
}

/*
 * fdt_lookup() of an absolute path in one pass over the tokens, also
 * giving the node's parent: at each level the first child whose name
 * matches the next component, and only inside it the component after.
 */
static int lookup_path(const char *path, int *parent)
{
	int node = fdt.root, up = -1, matched = 0, depth = -1;
	size_t len = next_component(&path);
	struct fdt_token t;

	for (uint32_t off = (uint32_t)fdt.root; len && fdt_token(&fdt, off, &t); off = t.next) {
		if (t.type == FDT_BEGIN_NODE) {
			if (++depth == matched + 1 && component_is(t.name, path, len)) {
				up = node;
				node = (int)off;
				matched = depth;
				path += len;
				len = next_component(&path);
			}
		} else if (t.type == FDT_END_NODE) {
			if (depth-- == matched)
				return -1; /* the node matched so far has no such child */
		} else if (t.type == FDT_END) {
			return -1;
		}
	}
	*parent = up;
	return len ? -1 : node;
}

static bool is_16550(int node)
{
	return fdt_is_compatible(&fdt, node, "ns16550a") ||
	       fdt_is_compatible(&fdt, node, "ns16550");
}

/* The UART /chosen/stdout-path names (when it is a 16550), else the first
 * ns16550a; and the bootargs, which live in /chosen too. */
static void find_chosen_and_uart(void)
{
	struct node u = { .off = -1 };
	const char *s;

	s = fdt_prop_string(&fdt, w.chosen, "bootargs");
	if (s && strlcpy(info.bootargs, s, sizeof(info.bootargs)) >= sizeof(info.bootargs))
		info.bootargs_truncated = true;

	s = fdt_prop_string(&fdt, w.chosen, "stdout-path");
	if (s) {
		/* "path:options" (e.g. ":115200n8"): the options are not ours */
		char path[128];
		size_t n = 0;
		while (s[n] && s[n] != ':' && n < sizeof(path) - 1) {
			path[n] = s[n];
			n++;
		}
		path[n] = '\0';
		/* an alias: /aliases/<name> holds the full path */
		const char *abs = path[0] == '/' ? path : fdt_prop_string(&fdt, w.aliases, path);
		int parent = -1;
		int node = abs && abs[0] == '/' ? lookup_path(abs, &parent) : -1;
		if (node >= 0 && is_16550(node)) {
			struct prop reg = { 0 };
			reg.data = fdt_prop(&fdt, node, "reg", &reg.len);
			u.off = node;
			u.reg_ok = parent >= 0 &&
				   decode_reg(&reg, devtree_prop_u32(parent, "#address-cells", 2),
					      devtree_prop_u32(parent, "#size-cells", 1), 0, &u.base, &u.size);
		}
	}
	if (u.off < 0)
		u = w.first[C_NS16550A];
	if (u.off < 0 || !u.reg_ok)
		return;
	info.uart_base = u.base;
	add_mmio(u.base, u.size);
	info.has_uart = true;
	info.uart_irq = node_irq(u.off);
	info.uart_reg_shift = devtree_prop_u32(u.off, "reg-shift", 0);
	info.uart_reg_io_width = devtree_prop_u32(u.off, "reg-io-width", 1);
	info.uart_clock_hz = devtree_prop_u32(u.off, "clock-frequency", 0);
}

static void find_plic(void)
{
	const struct node *n = w.first[C_PLIC0].off >= 0 ? &w.first[C_PLIC0]
							  : &w.first[C_SIFIVE_PLIC];

	if (n->off < 0 || !n->reg_ok)
		return;
	info.plic_base = n->base;
	add_mmio(n->base, n->size);
	info.plic_ndev = devtree_prop_u32(n->off, "riscv,ndev", 0);
	info.has_plic = info.plic_ndev != 0;
}

/* Hart id of the CPU whose interrupt-controller node has this phandle. */
static bool intc_hart(uint32_t phandle, uint32_t *hart)
{
	int cpu = -1;
	uint64_t id;

	if (devtree_phandle_node(phandle, &cpu) < 0 || !fdt_prop_uint(&fdt, cpu, "reg", &id))
		return false;
	*hart = (uint32_t)id;
	return true;
}

/* The S-level APLIC domain: msi-parent names the IMSIC. */
static void find_aplic(uint32_t imsic_phandle)
{
	uint64_t size;

	for (unsigned i = 0; i < w.n_aplic; i++) {
		const struct node *a = &w.aplic[i];
		if (devtree_prop_u32(a->off, "msi-parent", 0) == imsic_phandle && a->reg_ok) {
			info.aplic_base = a->base;
			add_mmio(a->base, a->size);
			info.aplic_nsources = devtree_prop_u32(a->off, "riscv,num-sources", 0);
			return;
		}
	}
	/* more than the walk kept: the rest the slow way */
	for (int a = w.aplic_overflow ? w.aplic[MAX_APLICS - 1].off : -1;
	     a >= 0 && (a = fdt_find_compatible(&fdt, a, "riscv,aplic")) >= 0;) {
		if (devtree_prop_u32(a, "msi-parent", 0) == imsic_phandle &&
		    fdt_reg(&fdt, a, 0, &info.aplic_base, &size)) {
			add_mmio(info.aplic_base, size);
			info.aplic_nsources = devtree_prop_u32(a, "riscv,num-sources", 0);
			return;
		}
	}
}

/*
 * The S-level IMSIC is the "riscv,imsics" node whose interrupts-extended
 * entries are (cpu interrupt controller, 9 = supervisor external); one
 * interrupt file per entry, in order.  The APLIC domain that delivers to
 * it names it as msi-parent.
 */
static void find_aia(void)
{
	const struct node *n = &w.imsic;
	const uint8_t *ie = w.imsic_ie.data;
	uint32_t len = w.imsic_ie.len;

	if (n->off < 0)
		return;
	for (uint32_t i = 0; (i + 1) * 8 <= len && info.imsic_n_harts < DT_MAX_HARTS; i++) {
		uint32_t hart;
		if (!intc_hart(cell(ie, 2 * i), &hart))
			hart = ~0u;
		info.imsic_harts[info.imsic_n_harts++] = hart;
	}
	uint32_t guest_bits = devtree_prop_u32(n->off, "riscv,guest-index-bits", 0);
	info.imsic_base = n->base;
	info.imsic_stride = guest_bits < 20 ? 0x1000u << guest_bits : 0;
	info.imsic_num_ids = devtree_prop_u32(n->off, "riscv,num-ids", 0);
	info.imsic_ipi_id = devtree_prop_u32(n->off, "riscv,ipi-id", 0);
	uint32_t phandle = devtree_prop_u32(n->off, "phandle", 0);
	if (!info.imsic_stride || info.imsic_num_ids < 63 || info.imsic_num_ids > 2047 ||
	    !phandle)
		return;
	add_mmio(n->base, n->size); /* every hart's file */
	find_aplic(phandle);
	info.has_aia = true;
}

static void find_test_device(void)
{
	const struct node *n = w.first[C_TEST1].off >= 0   ? &w.first[C_TEST1]
			       : w.first[C_TEST0].off >= 0 ? &w.first[C_TEST0]
							   : &w.syscon;

	if (n->off >= 0 && n->reg_ok) {
		info.has_test_dev = true;
		info.test_dev_base = n->base;
		add_mmio(n->base, n->size);
	}
}

static void find_pci(void)
{
	struct dt_pci *p = &info.pci;
	const struct node *n = &w.first[C_PCI_ECAM];
	uint32_t len;
	const void *br;

	if (n->off < 0 || !n->reg_ok)
		return;
	p->present = true;
	p->ecam_base = n->base;
	p->ecam_size = n->size;
	add_mmio(p->ecam_base, p->ecam_size);
	p->bus_start = 0;
	p->bus_end = 255;
	br = fdt_prop(&fdt, n->off, "bus-range", &len);
	if (br && len == 8) {
		p->bus_start = cell(br, 0);
		p->bus_end = cell(br, 1);
	}
	devtree_pci_windows_and_irqs(p, n->off, n->parent_ac);
}

int devtree_init(const void *dtb, char *err, size_t errlen)
{
	uint64_t base, size;

	memset(&info, 0, sizeof(info));
	memset(&w, 0, sizeof(w));
	w.chosen = w.aliases = w.cpus = w.reserved = -1;
	w.syscon.off = w.imsic.off = -1;
	for (unsigned c = 0; c < C_COUNT; c++)
		w.first[c].off = -1;
	if (fdt_init(&fdt, dtb, DT_DTB_MAX_SIZE, err, errlen) < 0)
		return -1;
	info.dtb_base = (uintptr_t)dtb;
	info.dtb_size = fdt.size;
	/* the blob and the reservation block first; /reserved-memory's
	 * children come from the walk */
	add_reserved((uintptr_t)dtb, fdt.size);
	for (unsigned i = 0; fdt_rsvmap_entry(&fdt, i, &base, &size); i++)
		add_reserved(base, size);

	walk();
	if (!info.mem_size) {
		ksnprintf(err, errlen, "devtree: no memory node with a usable reg");
		return -1;
	}
	if (!w.timebase_found) {
		ksnprintf(err, errlen, "devtree: no timebase-frequency in /cpus");
		return -1;
	}
	find_chosen_and_uart();
	find_plic();
	find_aia();
	find_test_device();
	for (unsigned i = 0; i < info.n_virtio_mmio; i++)
		add_mmio(w.virtio_doc[i].base, w.virtio_doc[i].size);
	find_pci();
	return 0;
}

bool dt_bootargs_has(const char *word)
{
	size_t wl = strlen(word);
	const char *s = info.bootargs;

	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		size_t n = 0;
		while (s[n] && s[n] != ' ' && s[n] != '\t')
			n++;
		if (n == wl && n && strncmp(s, word, n) == 0)
			return true;
		s += n;
	}
	return false;
}
