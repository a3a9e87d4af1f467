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
 * counts at hand, and keeps what the lookups want: the first node of each
 * compatible string in document order (as fdt_find_compatible() finds
 * it) with the properties of prop_names[], every virtio-mmio slot, the
 * root's memory and its cpus, chosen, aliases and reserved-memory
 * children, the harts, and every phandle.  What depends on another node
 * (the UART stdout-path names, the nodes an IMSIC or interrupt-map refers
 * to) is resolved after the walk from what it kept.
 *
 * Why so: under TCG a boot pays about 3 us for each block of code the
 * first time it runs, and this was a third of the kernel's blocks before
 * the prompt (issue 14): one loop reads every property, helpers are
 * shared rather than inlined, one walk replaces a dozen lookups.
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

static const char *const prop_names[P_COUNT] = {
	[P_COMPATIBLE] = "compatible", [P_REG] = "reg", [P_DEVICE_TYPE] = "device_type",
	[P_ADDRESS_CELLS] = "#address-cells", [P_SIZE_CELLS] = "#size-cells",
	[P_INTERRUPT_CELLS] = "#interrupt-cells", [P_PHANDLE] = "phandle",
	[P_LINUX_PHANDLE] = "linux,phandle", [P_INTERRUPTS] = "interrupts",
	[P_INTERRUPTS_EXTENDED] = "interrupts-extended", [P_TIMEBASE] = "timebase-frequency",
	[P_BOOTARGS] = "bootargs", [P_STDOUT_PATH] = "stdout-path", [P_REG_SHIFT] = "reg-shift",
	[P_REG_IO_WIDTH] = "reg-io-width", [P_CLOCK_FREQUENCY] = "clock-frequency",
	[P_NDEV] = "riscv,ndev", [P_BUS_RANGE] = "bus-range", [P_RANGES] = "ranges",
	[P_INTERRUPT_MAP_MASK] = "interrupt-map-mask", [P_INTERRUPT_MAP] = "interrupt-map",
	[P_MSI_PARENT] = "msi-parent", [P_NUM_SOURCES] = "riscv,num-sources",
	[P_NUM_IDS] = "riscv,num-ids", [P_IPI_ID] = "riscv,ipi-id",
	[P_GUEST_INDEX_BITS] = "riscv,guest-index-bits",
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

/* The root's children that something below looks for, by name. */
enum { R_CPUS, R_CHOSEN, R_ALIASES, R_RESERVED, R_COUNT };

static const char *const root_names[R_COUNT] = {
	"cpus", "chosen", "aliases", "reserved-memory",
};

/* A node some lookup wants: its properties and its first reg entry. */
struct node {
	int off;             /* -1: none */
	bool reg_ok;
	uint64_t base, size;
	uint32_t parent_ac;  /* the parent's #address-cells */
	struct prop p[P_COUNT];
};

/* One open node of the walk. */
struct level {
	int off;
	const char *name;
	uint32_t ac, sc;     /* the cells it sets for its children */
	bool props_done;     /* a child began: later properties are not the node's */
	bool reg_uint;       /* its reg is one or two cells: reg_value (fdt_prop_uint()) */
	uint64_t reg_value;
};

struct phandle {
	uint32_t phandle;
	uint32_t ac0, ic0;   /* #address-cells, #interrupt-cells; 0 when absent */
	bool parent_reg;     /* the parent's reg is one or two cells: parent_value */
	uint64_t parent_value;
};

static struct {
	struct node cur;                 /* the innermost open node, as it is read */
	int root_child[R_COUNT];         /* -1: none */
	struct node chosen;
	bool timebase_found;             /* nonzero, in /cpus or (else) a child of it */
	struct node first[C_COUNT];      /* the first node of each compatible */
	struct node syscon;              /* the first syscon at QEMU_TEST_BASE */
	struct node imsic;               /* the first S-level riscv,imsics */
	struct node aplic[MAX_APLICS];
	unsigned n_aplic;
	bool aplic_overflow;
	struct phandle ph[MAX_PHANDLES];
	unsigned n_ph;
	bool ph_overflow;
	struct dt_range virtio_doc[DT_MAX_VIRTIO_MMIO]; /* kept slots, in document order */
} w;

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
		unsigned c = devtree_name_index(list + pos, compat_names, C_COUNT);
		mask |= 1u << c; /* bit C_COUNT: none of them */
		pos += (uint32_t)n + 1;
	}
	return mask & ((1u << C_COUNT) - 1);
}

static NOINLINE void add_reserved(uint64_t base, uint64_t size)
{
	if (size && info.n_reserved < DT_MAX_RESERVED)
		info.reserved[info.n_reserved++] = (struct dt_range){ base, size };
}

/* A register window of a device the kernel uses (the page tables map it). */
static NOINLINE void add_mmio(uint64_t base, uint64_t size)
{
	if (size && info.n_mmio < DT_MAX_MMIO)
		info.mmio[info.n_mmio++] = (struct dt_range){ base, size };
}

/* ---- the walk ------------------------------------------------------------- */

static void add_phandles(const struct node *n, const struct level *up)
{
	uint32_t ph[2] = { devtree_u32(&n->p[P_PHANDLE], 0), devtree_u32(&n->p[P_LINUX_PHANDLE], 0) };

	for (unsigned i = 0; i < 2; i++) {
		if (ph[i] == 0 || (i == 1 && ph[1] == ph[0]))
			continue; /* 0 is never looked up */
		if (w.n_ph == MAX_PHANDLES) {
			w.ph_overflow = true;
			return;
		}
		w.ph[w.n_ph++] = (struct phandle){
			.phandle = ph[i],
			.ac0 = devtree_u32(&n->p[P_ADDRESS_CELLS], 0),
			.ic0 = devtree_u32(&n->p[P_INTERRUPT_CELLS], 0),
			.parent_reg = up && up->reg_uint,
			.parent_value = up ? up->reg_value : 0,
		};
	}
}

static void add_virtio(const struct node *n)
{
	if (info.n_virtio_mmio == DT_MAX_VIRTIO_MMIO) {
		info.n_virtio_mmio_dropped++;
		return;
	}
	w.virtio_doc[info.n_virtio_mmio] = (struct dt_range){ n->base, n->size };
	/* insertion sort: QEMU lists them in descending address order */
	unsigned i = info.n_virtio_mmio++;
	while (i > 0 && info.virtio_mmio[i - 1].base > n->base) {
		info.virtio_mmio[i] = info.virtio_mmio[i - 1];
		i--;
	}
	info.virtio_mmio[i] = (struct dt_virtio_mmio){ n->base, n->size, devtree_first_irq(n->p) };
}

/* A child of /cpus: a hart, and maybe where the timebase is. */
static void visit_cpu(const struct node *n)
{
	uint64_t id;

	if (devtree_prop_string_is(&n->p[P_DEVICE_TYPE], "cpu") && devtree_prop_uint(&n->p[P_REG], &id) &&
	    info.n_harts < DT_MAX_HARTS)
		info.harts[info.n_harts++] = (uint32_t)id;
	/* some trees put the timebase in each cpu node instead */
	if (!w.timebase_found)
		w.timebase_found = devtree_prop_uint(&n->p[P_TIMEBASE], &info.timebase_hz) &&
				   info.timebase_hz;
}

/* A child of the root. */
static void visit_root_child(const struct node *n, const char *name)
{
	unsigned r = 0;

	if (!info.mem_size && devtree_prop_string_is(&n->p[P_DEVICE_TYPE], "memory") && n->reg_ok &&
	    n->size) {
		info.mem_base = n->base;
		info.mem_size = n->size;
	}
	while (r < R_COUNT && (w.root_child[r] >= 0 || !devtree_component_is(name, root_names[r],
								      strlen(root_names[r]))))
		r++;
	if (r == R_COUNT)
		return;
	w.root_child[r] = n->off;
	if (r == R_CPUS)
		w.timebase_found = devtree_prop_uint(&n->p[P_TIMEBASE], &info.timebase_hz) &&
				   info.timebase_hz;
	else if (r == R_CHOSEN)
		w.chosen = *n;
}

/*
 * The node at `lv` has all its properties (w.cur.p): keep what the
 * lookups want of it.  `up` is its parent (NULL for the root), `depth`
 * its depth.
 */
static void visit(struct level *lv, const struct level *up, int depth)
{
	struct node *n = &w.cur;
	const struct prop *p = n->p;

	lv->props_done = true;
	lv->ac = devtree_u32(&p[P_ADDRESS_CELLS], 2);
	lv->sc = devtree_u32(&p[P_SIZE_CELLS], 1);
	lv->reg_uint = devtree_prop_uint(&p[P_REG], &lv->reg_value);
	n->off = lv->off;
	n->parent_ac = up ? up->ac : 0;
	n->reg_ok = up && devtree_decode_reg(&p[P_REG], up->ac, up->sc, 0, &n->base, &n->size);
	add_phandles(n, up);

	uint32_t mask = p[P_COMPATIBLE].data ? compat_mask(&p[P_COMPATIBLE]) : 0;
	for (unsigned c = 0; mask >> c; c++)
		if ((mask >> c & 1) && w.first[c].off < 0)
			w.first[c] = *n;
	if (mask & 1u << C_VIRTIO_MMIO && n->reg_ok)
		add_virtio(n);
	if ((mask & 1u << C_SYSCON) && w.syscon.off < 0 && n->reg_ok && n->base == QEMU_TEST_BASE)
		w.syscon = *n;
	/* the S-level IMSIC: its interrupts-extended entries say 9, supervisor external */
	const struct prop *ie = &p[P_INTERRUPTS_EXTENDED];
	if ((mask & 1u << C_IMSICS) && w.imsic.off < 0 && n->reg_ok && ie->data && ie->len >= 8 &&
	    cell(ie->data, 1) == 9)
		w.imsic = *n;
	if (mask & 1u << C_APLIC) {
		if (w.n_aplic < MAX_APLICS)
			w.aplic[w.n_aplic++] = *n;
		else
			w.aplic_overflow = true;
	}

	if (depth == 1) {
		visit_root_child(n, lv->name);
	} else if (depth == 2 && up->off == w.root_child[R_CPUS]) {
		visit_cpu(n);
	} else if (depth == 2 && up->off == w.root_child[R_RESERVED]) {
		uint64_t base, size;
		for (unsigned i = 0; devtree_decode_reg(&p[P_REG], up->ac, up->sc, i, &base, &size); i++)
			add_reserved(base, size);
	}
}

static void walk(void)
{
	struct level stack[FDT_MAX_DEPTH];
	int depth = -1;
	struct fdt_token t;

	for (uint32_t off = (uint32_t)fdt.root; fdt_token(&fdt, off, &t); off = t.next) {
		if (t.type == FDT_PROP) {
			unsigned i = devtree_name_index(t.name, prop_names, P_COUNT);
			if (depth >= 0 && !stack[depth].props_done && i < P_COUNT && !w.cur.p[i].data)
				w.cur.p[i] = (struct prop){ t.data, t.len };
			continue;
		}
		if (t.type == FDT_NOP)
			continue;
		/* a node begins or ends: its parent's (or its own) properties are complete */
		if (depth >= 0 && !stack[depth].props_done)
			visit(&stack[depth], depth ? &stack[depth - 1] : NULL, depth);
		if (t.type == FDT_BEGIN_NODE) {
			if (++depth == FDT_MAX_DEPTH)
				return; /* fdt_init() refuses such a tree */
			stack[depth] = (struct level){ .off = (int)off, .name = t.name };
			memset(w.cur.p, 0, sizeof(w.cur.p));
		} else if (t.type != FDT_END_NODE || --depth < -1) {
			return; /* FDT_END */
		}
	}
}

/* ---- after the walk ----------------------------------------------------- */

/* The entry of the phandle table for this phandle (fdt_find_phandle():
 * the first node in document order), or NULL. */
static const struct phandle *find_phandle(uint32_t ph, struct phandle *slow)
{
	if (ph == 0 || ph == 0xffffffffu)
		return NULL;
	for (unsigned i = 0; i < w.n_ph; i++)
		if (w.ph[i].phandle == ph)
			return &w.ph[i];
	if (!w.ph_overflow)
		return NULL;
	/* past what the table kept: the slow way */
	int n = fdt_find_phandle(&fdt, ph);
	uint32_t len;
	if (n < 0)
		return NULL;
	const void *ac = fdt_prop(&fdt, n, "#address-cells", &len);
	slow->ac0 = ac && len == 4 ? cell(ac, 0) : 0;
	const void *ic = fdt_prop(&fdt, n, "#interrupt-cells", &len);
	slow->ic0 = ic && len == 4 ? cell(ic, 0) : 0;
	slow->parent_reg = fdt_prop_uint(&fdt, fdt_parent(&fdt, n), "reg", &slow->parent_value);
	return slow;
}

bool devtree_irq_parent(uint32_t phandle, uint32_t *address_cells, uint32_t *interrupt_cells)
{
	struct phandle slow;
	const struct phandle *e = find_phandle(phandle, &slow);

	if (!e)
		return false;
	*address_cells = e->ac0;
	*interrupt_cells = e->ic0;
	return true;
}

/* The next component of a path: skips the slashes before it, returns its
 * length (0: the path is over). */
static NOINLINE size_t next_component(const char **path)
{
	size_t len = 0;

	while (**path == '/')
		(*path)++;
	while ((*path)[len] && (*path)[len] != '/')
		len++;
	return len;
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
			if (++depth == matched + 1 && devtree_component_is(t.name, path, len)) {
				up = node;
				node = (int)off;
				matched = depth;
				path += len;
				len = next_component(&path);
			}
		} else if ((t.type == FDT_END_NODE && depth-- == matched) || t.type == FDT_END) {
			return -1; /* the node matched so far has no such child */
		}
	}
	*parent = up;
	return len ? -1 : node;
}

/* All of prop_names[] of the node at off (fdt_prop()'s rules). */
static void read_props(int off, struct prop *p)
{
	struct fdt_token t;

	memset(p, 0, sizeof(struct prop) * P_COUNT);
	if (!fdt_token(&fdt, (uint32_t)off, &t) || t.type != FDT_BEGIN_NODE)
		return;
	for (off = (int)t.next; fdt_token(&fdt, (uint32_t)off, &t); off = (int)t.next) {
		if (t.type == FDT_PROP) {
			unsigned i = devtree_name_index(t.name, prop_names, P_COUNT);
			if (i < P_COUNT && !p[i].data)
				p[i] = (struct prop){ t.data, t.len };
		} else if (t.type != FDT_NOP) {
			return;
		}
	}
}

/* The UART /chosen/stdout-path names (when it is a 16550), else the first
 * ns16550a; and the bootargs, which live in /chosen too. */
static void find_chosen_and_uart(void)
{
	const char *s = devtree_prop_string(&w.chosen.p[P_BOOTARGS]);
	const struct node *u = &w.first[C_NS16550A];

	if (s && strlcpy(info.bootargs, s, sizeof(info.bootargs)) >= sizeof(info.bootargs))
		info.bootargs_truncated = true;

	s = devtree_prop_string(&w.chosen.p[P_STDOUT_PATH]);
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
		const char *abs = path[0] == '/' ? path
				  : fdt_prop_string(&fdt, w.root_child[R_ALIASES], path);
		int parent = -1;
		int off = abs && abs[0] == '/' ? lookup_path(abs, &parent) : -1;
		/* The usual case: the first node of either compatible, which
		 * the walk kept and read already (the same properties and reg
		 * as below); u is the ns16550a one. */
		if (off >= 0 && off == w.first[C_NS16550].off)
			u = &w.first[C_NS16550];
		else if (off >= 0 && off != u->off) {
			struct node *pn = &w.cur; /* the walk is over: reused */
			read_props(off, pn->p);
			uint32_t mask = compat_mask(&pn->p[P_COMPATIBLE]);
			if (mask & (1u << C_NS16550A | 1u << C_NS16550)) {
				struct prop cells[P_COUNT];
				read_props(parent, cells);
				pn->off = off;
				pn->reg_ok = parent >= 0 &&
					     devtree_decode_reg(&pn->p[P_REG], devtree_u32(&cells[P_ADDRESS_CELLS], 2),
							devtree_u32(&cells[P_SIZE_CELLS], 1), 0, &pn->base,
							&pn->size);
				u = pn;
			}
		}
	}
	if (u->off < 0 || !u->reg_ok)
		return;
	info.uart_base = u->base;
	add_mmio(u->base, u->size);
	info.has_uart = true;
	info.uart_irq = devtree_first_irq(u->p);
	info.uart_reg_shift = devtree_u32(&u->p[P_REG_SHIFT], 0);
	info.uart_reg_io_width = devtree_u32(&u->p[P_REG_IO_WIDTH], 1);
	info.uart_clock_hz = devtree_u32(&u->p[P_CLOCK_FREQUENCY], 0);
}

static void find_plic(void)
{
	const struct node *n = w.first[C_PLIC0].off >= 0 ? &w.first[C_PLIC0]
							  : &w.first[C_SIFIVE_PLIC];

	if (n->off < 0 || !n->reg_ok)
		return;
	info.plic_base = n->base;
	add_mmio(n->base, n->size);
	info.plic_ndev = devtree_u32(&n->p[P_NDEV], 0);
	info.has_plic = info.plic_ndev != 0;
}

/* The S-level APLIC domain: msi-parent names the IMSIC. */
static void find_aplic(uint32_t imsic_phandle)
{
	uint64_t size;

	for (unsigned i = 0; i < w.n_aplic; i++) {
		const struct node *a = &w.aplic[i];
		if (devtree_u32(&a->p[P_MSI_PARENT], 0) == imsic_phandle && a->reg_ok) {
			info.aplic_base = a->base;
			add_mmio(a->base, a->size);
			info.aplic_nsources = devtree_u32(&a->p[P_NUM_SOURCES], 0);
			return;
		}
	}
	/* more than the walk kept: the rest the slow way */
	for (int a = w.aplic_overflow ? w.aplic[MAX_APLICS - 1].off : -1;
	     a >= 0 && (a = fdt_find_compatible(&fdt, a, "riscv,aplic")) >= 0;) {
		struct prop p[P_COUNT];
		read_props(a, p);
		if (devtree_u32(&p[P_MSI_PARENT], 0) == imsic_phandle &&
		    fdt_reg(&fdt, a, 0, &info.aplic_base, &size)) {
			add_mmio(info.aplic_base, size);
			info.aplic_nsources = devtree_u32(&p[P_NUM_SOURCES], 0);
			return;
		}
	}
}

/*
 * The S-level IMSIC is the "riscv,imsics" node whose interrupts-extended
 * entries are (cpu interrupt controller, 9 = supervisor external); one
 * interrupt file per entry, in order, each a hart's: the cpu node above
 * that interrupt controller.  The APLIC domain that delivers to it names
 * it as msi-parent.
 */
static void find_aia(void)
{
	const struct node *n = &w.imsic;
	const struct prop *ie = &n->p[P_INTERRUPTS_EXTENDED];

	if (n->off < 0)
		return;
	for (uint32_t i = 0; (i + 1) * 8 <= ie->len && info.imsic_n_harts < DT_MAX_HARTS; i++) {
		struct phandle slow;
		const struct phandle *intc = find_phandle(cell(ie->data, 2 * i), &slow);
		info.imsic_harts[info.imsic_n_harts++] =
			intc && intc->parent_reg ? (uint32_t)intc->parent_value : ~0u;
	}
	uint32_t guest_bits = devtree_u32(&n->p[P_GUEST_INDEX_BITS], 0);
	info.imsic_base = n->base;
	info.imsic_stride = guest_bits < 20 ? 0x1000u << guest_bits : 0;
	info.imsic_num_ids = devtree_u32(&n->p[P_NUM_IDS], 0);
	info.imsic_ipi_id = devtree_u32(&n->p[P_IPI_ID], 0);
	uint32_t phandle = devtree_u32(&n->p[P_PHANDLE], 0);
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
	struct dt_pci *pci = &info.pci;
	const struct node *n = &w.first[C_PCI_ECAM];

	if (n->off < 0 || !n->reg_ok)
		return;
	pci->present = true;
	pci->ecam_base = n->base;
	pci->ecam_size = n->size;
	add_mmio(n->base, n->size);
	devtree_pci_windows_and_irqs(pci, n->p, n->parent_ac);
}

int devtree_init(const void *dtb, char *err, size_t errlen)
{
	uint64_t base, size;

	memset(&info, 0, sizeof(info));
	memset(&w, 0, sizeof(w));
	for (unsigned r = 0; r < R_COUNT; r++)
		w.root_child[r] = -1;
	for (unsigned c = 0; c < C_COUNT; c++)
		w.first[c].off = -1;
	w.syscon.off = w.imsic.off = w.chosen.off = -1;
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
