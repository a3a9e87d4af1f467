/*
 * Fills struct dt_info from the boot device tree (see devtree.h).
 *
 * Lookups go by "compatible" and standard node names rather than by QEMU's
 * fixed addresses, so the same kernel copes with -m, -smp, extra devices or
 * a different board file.  Every decode checks the property length against
 * the cell counts that apply (#address-cells/#size-cells of the parent, or
 * of the node itself for "ranges" and "interrupt-map" children).
 */
#include "kernel/dt/devtree.h"
#include "lib/kstring.h"
#include "lib/printf.h"

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

/* Cell i of a property value. */
static uint32_t cell(const void *data, uint32_t i)
{
	return (uint32_t)fdt_cells((const uint8_t *)data + 4 * i, 1);
}

/* A node's own u32 property, or dflt when absent or not one cell. */
static uint32_t prop_u32(int node, const char *name, uint32_t dflt)
{
	uint32_t len;
	const void *p = fdt_prop(&fdt, node, name, &len);

	return p && len == 4 ? cell(p, 0) : dflt;
}

/* First interrupt of a node: "interrupts" (first cell), or the cell after
 * the phandle in "interrupts-extended".  0 when it has none. */
static uint32_t node_irq(int node)
{
	uint32_t len;
	const void *p = fdt_prop(&fdt, node, "interrupts", &len);

	if (p && len >= 4)
		return cell(p, 0);
	p = fdt_prop(&fdt, node, "interrupts-extended", &len);
	if (p && len >= 8)
		return cell(p, 1);
	return 0;
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

static bool find_memory(void)
{
	for (int n = fdt_first_child(&fdt, fdt.root); n >= 0; n = fdt_next_sibling(&fdt, n)) {
		const char *type = fdt_prop_string(&fdt, n, "device_type");
		if (type && strcmp(type, "memory") == 0 &&
		    fdt_reg(&fdt, n, 0, &info.mem_base, &info.mem_size) && info.mem_size)
			return true;
	}
	return false;
}

/* Also collects the hart ids, which live in the same nodes. */
static bool find_cpus(void)
{
	int cpus = fdt_subnode(&fdt, fdt.root, "cpus");

	if (cpus < 0)
		return false;
	for (int c = fdt_first_child(&fdt, cpus); c >= 0; c = fdt_next_sibling(&fdt, c)) {
		const char *type = fdt_prop_string(&fdt, c, "device_type");
		uint64_t id;
		if (type && strcmp(type, "cpu") == 0 && fdt_prop_uint(&fdt, c, "reg", &id) &&
		    info.n_harts < DT_MAX_HARTS)
			info.harts[info.n_harts++] = (uint32_t)id;
	}
	if (fdt_prop_uint(&fdt, cpus, "timebase-frequency", &info.timebase_hz) &&
	    info.timebase_hz)
		return true;
	/* some trees put it in each cpu node instead */
	for (int c = fdt_first_child(&fdt, cpus); c >= 0; c = fdt_next_sibling(&fdt, c)) {
		if (fdt_prop_uint(&fdt, c, "timebase-frequency", &info.timebase_hz) &&
		    info.timebase_hz)
			return true;
	}
	return false;
}

static bool is_16550(int node)
{
	return fdt_is_compatible(&fdt, node, "ns16550a") ||
	       fdt_is_compatible(&fdt, node, "ns16550");
}

static void find_chosen_and_uart(void)
{
	int chosen = fdt_subnode(&fdt, fdt.root, "chosen");
	int uart = -1;
	const char *s;

	s = fdt_prop_string(&fdt, chosen, "bootargs");
	if (s && strlcpy(info.bootargs, s, sizeof(info.bootargs)) >= sizeof(info.bootargs))
		info.bootargs_truncated = true;

	s = fdt_prop_string(&fdt, chosen, "stdout-path");
	if (s) {
		/* "path:options" (e.g. ":115200n8"): the options are not ours */
		char path[128];
		size_t n = 0;
		while (s[n] && s[n] != ':' && n < sizeof(path) - 1) {
			path[n] = s[n];
			n++;
		}
		path[n] = '\0';
		uart = fdt_lookup(&fdt, path);
		if (uart >= 0 && !is_16550(uart))
			uart = -1;
	}
	if (uart < 0)
		uart = fdt_find_compatible(&fdt, -1, "ns16550a");
	if (uart < 0)
		return;
	uint64_t size;
	if (!fdt_reg(&fdt, uart, 0, &info.uart_base, &size))
		return;
	add_mmio(info.uart_base, size);
	info.has_uart = true;
	info.uart_irq = node_irq(uart);
	info.uart_reg_shift = prop_u32(uart, "reg-shift", 0);
	info.uart_reg_io_width = prop_u32(uart, "reg-io-width", 1);
	info.uart_clock_hz = prop_u32(uart, "clock-frequency", 0);
}

static void find_plic(void)
{
	int n = fdt_find_compatible(&fdt, -1, "riscv,plic0");
	uint64_t size;

	if (n < 0)
		n = fdt_find_compatible(&fdt, -1, "sifive,plic-1.0.0");
	if (n < 0 || !fdt_reg(&fdt, n, 0, &info.plic_base, &size))
		return;
	add_mmio(info.plic_base, size);
	info.plic_ndev = prop_u32(n, "riscv,ndev", 0);
	info.has_plic = info.plic_ndev != 0;
}

/* Hart id of the CPU whose interrupt-controller node has this phandle. */
static bool intc_hart(uint32_t phandle, uint32_t *hart)
{
	int intc = fdt_find_phandle(&fdt, phandle);
	uint64_t id;

	if (intc < 0 || !fdt_prop_uint(&fdt, fdt_parent(&fdt, intc), "reg", &id))
		return false;
	*hart = (uint32_t)id;
	return true;
}

/*
 * The S-level IMSIC is the "riscv,imsics" node whose interrupts-extended
 * entries are (cpu interrupt controller, 9 = supervisor external); one
 * interrupt file per entry, in order.  The APLIC domain that delivers to
 * it names it as msi-parent.
 */
static void find_aia(void)
{
	for (int n = -1; (n = fdt_find_compatible(&fdt, n, "riscv,imsics")) >= 0;) {
		uint32_t len;
		const void *ie = fdt_prop(&fdt, n, "interrupts-extended", &len);
		uint64_t base, size;
		if (!ie || len < 8 || cell(ie, 1) != 9 || !fdt_reg(&fdt, n, 0, &base, &size))
			continue;
		info.imsic_n_harts = 0;
		for (uint32_t i = 0; (i + 1) * 8 <= len && info.imsic_n_harts < DT_MAX_HARTS; i++) {
			uint32_t hart;
			if (!intc_hart(cell(ie, 2 * i), &hart))
				hart = ~0u;
			info.imsic_harts[info.imsic_n_harts++] = hart;
		}
		uint32_t guest_bits = prop_u32(n, "riscv,guest-index-bits", 0);
		info.imsic_base = base;
		info.imsic_stride = guest_bits < 20 ? 0x1000u << guest_bits : 0;
		info.imsic_num_ids = prop_u32(n, "riscv,num-ids", 0);
		info.imsic_ipi_id = prop_u32(n, "riscv,ipi-id", 0);
		uint32_t phandle = prop_u32(n, "phandle", 0);
		if (!info.imsic_stride || info.imsic_num_ids < 63 || info.imsic_num_ids > 2047 ||
		    !phandle)
			return;
		add_mmio(base, size); /* every hart's file */
		for (int a = -1; (a = fdt_find_compatible(&fdt, a, "riscv,aplic")) >= 0;) {
			if (prop_u32(a, "msi-parent", 0) == phandle &&
			    fdt_reg(&fdt, a, 0, &info.aplic_base, &size)) {
				add_mmio(info.aplic_base, size);
				info.aplic_nsources = prop_u32(a, "riscv,num-sources", 0);
				break;
			}
		}
		info.has_aia = true;
		return;
	}
}

static void find_test_device(void)
{
	int n = fdt_find_compatible(&fdt, -1, "sifive,test1");
	uint64_t base, size;

	if (n < 0)
		n = fdt_find_compatible(&fdt, -1, "sifive,test0");
	/* a bare "syscon" only counts at the address QEMU virt uses */
	for (int s = -1; n < 0 && (s = fdt_find_compatible(&fdt, s, "syscon")) >= 0;) {
		if (fdt_reg(&fdt, s, 0, &base, &size) && base == 0x100000)
			n = s;
	}
	if (n >= 0 && fdt_reg(&fdt, n, 0, &base, &size)) {
		info.has_test_dev = true;
		info.test_dev_base = base;
		add_mmio(base, size);
	}
}

static void find_virtio_mmio(void)
{
	for (int n = -1; (n = fdt_find_compatible(&fdt, n, "virtio,mmio")) >= 0;) {
		struct dt_virtio_mmio v;
		if (!fdt_reg(&fdt, n, 0, &v.base, &v.size))
			continue;
		v.irq = node_irq(n);
		if (info.n_virtio_mmio == DT_MAX_VIRTIO_MMIO) {
			info.n_virtio_mmio_dropped++;
			continue;
		}
		/* insertion sort: QEMU lists them in descending address order */
		unsigned i = info.n_virtio_mmio++;
		while (i > 0 && info.virtio_mmio[i - 1].base > v.base) {
			info.virtio_mmio[i] = info.virtio_mmio[i - 1];
			i--;
		}
		info.virtio_mmio[i] = v;
		add_mmio(v.base, v.size);
	}
}

static void parse_pci_ranges(int node, uint32_t ac, uint32_t sc, uint32_t pac)
{
	struct dt_pci *p = &info.pci;
	uint32_t len;
	const void *r = fdt_prop(&fdt, node, "ranges", &len);
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
static void parse_pci_irq_map(int node, uint32_t ac)
{
	struct dt_pci *p = &info.pci;
	uint32_t ic = prop_u32(node, "#interrupt-cells", 1);
	uint32_t len, total, pos = 0;
	const void *m = fdt_prop(&fdt, node, "interrupt-map-mask", &len);

	if (ac != 3 || ic < 1)
		return;
	if (m && len == 4 * (ac + ic)) {
		p->irq_mask_hi = cell(m, 0);
		p->irq_mask_pin = cell(m, ac);
	}
	m = fdt_prop(&fdt, node, "interrupt-map", &len);
	if (!m)
		return;
	total = len / 4;
	/* Entries name the same parent over and over (QEMU virt: the PLIC,
	 * 16 times) and finding a phandle walks the whole tree, so the last
	 * parent's cell counts are kept: a lookup per entry was 1.5 million
	 * instructions, a quarter of a boot with eight disks. */
	uint32_t last_phandle = 0, pac = 0, pic = 0;
	while (p->n_irq_map < DT_MAX_PCI_IRQ_MAP && total - pos >= ac + ic + 1) {
		uint32_t hi = cell(m, pos), pin = cell(m, pos + ac);
		uint32_t phandle = cell(m, pos + ac + ic);
		pos += ac + ic + 1;
		if (phandle != last_phandle) {
			int parent = fdt_find_phandle(&fdt, phandle);
			if (parent < 0)
				return;
			pac = prop_u32(parent, "#address-cells", 0);
			pic = prop_u32(parent, "#interrupt-cells", 0);
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

static void find_pci(void)
{
	struct dt_pci *p = &info.pci;
	int n = fdt_find_compatible(&fdt, -1, "pci-host-ecam-generic");
	uint32_t len;
	const void *br;

	if (n < 0 || !fdt_reg(&fdt, n, 0, &p->ecam_base, &p->ecam_size))
		return;
	p->present = true;
	add_mmio(p->ecam_base, p->ecam_size);
	p->bus_start = 0;
	p->bus_end = 255;
	br = fdt_prop(&fdt, n, "bus-range", &len);
	if (br && len == 8) {
		p->bus_start = cell(br, 0);
		p->bus_end = cell(br, 1);
	}
	uint32_t ac = fdt_address_cells(&fdt, n), sc = fdt_size_cells(&fdt, n);
	uint32_t pac = fdt_address_cells(&fdt, fdt_parent(&fdt, n));
	parse_pci_ranges(n, ac, sc, pac);
	parse_pci_irq_map(n, ac);
}

static void find_reserved(const void *dtb)
{
	uint64_t base, size;
	int rm;

	add_reserved((uintptr_t)dtb, fdt.size);
	for (unsigned i = 0; fdt_rsvmap_entry(&fdt, i, &base, &size); i++)
		add_reserved(base, size);
	rm = fdt_subnode(&fdt, fdt.root, "reserved-memory");
	for (int c = fdt_first_child(&fdt, rm); c >= 0; c = fdt_next_sibling(&fdt, c)) {
		for (unsigned i = 0; fdt_reg(&fdt, c, i, &base, &size); i++)
			add_reserved(base, size);
	}
}

int devtree_init(const void *dtb, char *err, size_t errlen)
{
	uint32_t max = DT_DTB_MAX_SIZE;

	memset(&info, 0, sizeof(info));
	if (fdt_init(&fdt, dtb, max, err, errlen) < 0)
		return -1;
	info.dtb_base = (uintptr_t)dtb;
	info.dtb_size = fdt.size;

	if (!find_memory()) {
		ksnprintf(err, errlen, "devtree: no memory node with a usable reg");
		return -1;
	}
	if (!find_cpus()) {
		ksnprintf(err, errlen, "devtree: no timebase-frequency in /cpus");
		return -1;
	}
	find_chosen_and_uart();
	find_plic();
	find_aia();
	find_test_device();
	find_virtio_mmio();
	find_pci();
	find_reserved(dtb);
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
