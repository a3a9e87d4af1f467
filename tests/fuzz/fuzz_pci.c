/*
 * libFuzzer target: the virtio-pci transport (pci.c), two ways, chosen by
 * the first input byte.
 *
 * Raw: the input bytes are a function's whole config space (capability
 * list included) and the sizes and first bytes of its six BARs, nothing
 * answering behind them.  The capability parser meets anything; checked:
 * every MMIO access the library makes lands inside a BAR it was given
 * (anything else stops the simulator), no config-space write, no memory
 * error, no UB, no hang.
 *
 * Simulated: a virtio-blk device behind the simulator's PCI function
 * (sim_pci.c), whose capability list the input builds from the true
 * structures in any order, with duplicates, and with capabilities a driver
 * must pass over (reserved or unmapped BAR, a region past the BAR's end,
 * too short, misaligned, an unknown type, a capability too short to be a
 * virtio one) and non-virtio ones between.  Then the block workload
 * (fuzz_blk_io.h) over it, MSI-X or INTx, with the simulator's rule checks
 * as the oracle (doorbell width and place, common-config field widths and
 * read-only fields, queue_size and queue_enable rules, and every ring
 * rule behind).
 */
#include <string.h>

#include "fuzz_blk_io.h"
#include "sim/sim_pci.h"
#include "virtio/errors.h"
#include "virtio/pci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- raw ----------------------------------------------------------------- */

#define RAW_BAR_BYTES 4096u
static uint8_t raw_cfg[256];
static uint8_t raw_bar[6][RAW_BAR_BYTES] __attribute__((aligned(4096)));
static uint64_t raw_bar_size[6];

/* MMIO: only inside the part of a BAR the library was told about; any
 * other address reaches the simulator, which has no device there. */
static bool raw_mmio(uintptr_t a, unsigned width, bool write, uint32_t *v)
{
	for (int b = 0; b < 6; b++) {
		uintptr_t base = (uintptr_t)raw_bar[b];
		if (a < base || a - base + width > raw_bar_size[b])
			continue;
		if (write)
			memcpy((void *)a, v, width);
		else
			memcpy(v, (void *)a, width);
		return true;
	}
	return false;
}

static uint32_t raw_read(uint32_t off, unsigned width)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < width; i++)
		v |= (uint32_t)(off + i < sizeof(raw_cfg) ? raw_cfg[off + i] : 0xff) << (8 * i);
	return v;
}
static uint8_t raw_read8(void *c, uint32_t off) { (void)c; return (uint8_t)raw_read(off, 1); }
static uint16_t raw_read16(void *c, uint32_t off) { (void)c; return (uint16_t)raw_read(off, 2); }
static uint32_t raw_read32(void *c, uint32_t off) { (void)c; return raw_read(off, 4); }
static void raw_write(uint32_t off)
{
	fuzz_fail("config space written at %#x: the library never writes it (pci.h)", off);
}
static void raw_write8(void *c, uint32_t off, uint8_t v) { (void)c; (void)v; raw_write(off); }
static void raw_write16(void *c, uint32_t off, uint16_t v) { (void)c; (void)v; raw_write(off); }
static void raw_write32(void *c, uint32_t off, uint32_t v) { (void)c; (void)v; raw_write(off); }

static void raw_function(void)
{
	static const struct virtio_pci_config_access acc = {
		raw_read8, raw_read16, raw_read32, raw_write8, raw_write16, raw_write32, NULL,
	};
	fuzz_bytes(raw_cfg, sizeof(raw_cfg));
	/* Steer towards a virtio block function most of the time. */
	if (!(raw_cfg[0xff] & 0x80)) {
		raw_cfg[0] = 0xf4, raw_cfg[1] = 0x1a;
		raw_cfg[2] = 0x42, raw_cfg[3] = 0x10;
		raw_cfg[6] |= VIRTIO_PCI_STATUS_CAP_LIST;
	}
	struct virtio_pci_bar bars[6];
	for (int b = 0; b < 6; b++) {
		raw_bar_size[b] = fuzz_u16() % (RAW_BAR_BYTES + 1);
		bars[b] = (struct virtio_pci_bar){ (uintptr_t)raw_bar[b], raw_bar_size[b] };
	}
	for (int b = 0; b < 6; b++) {
		memset(raw_bar[b], 0, RAW_BAR_BYTES);
		fuzz_bytes(raw_bar[b], 512); /* the first bytes of each BAR */
	}
	sim_mmio_hook = raw_mmio;

	static struct virtio_pci p;
	if (virtio_pci_probe(&p, &acc, bars) != VIRTIO_OK)
		return;
	static struct vblk blk;
	static struct vblk_queue q;
	p.vdev.device_id = VIRTIO_ID_BLOCK;
	if (vblk_probe(&blk, &p.vdev, ~0ull) != VIRTIO_OK)
		return;
	uint16_t qsize = virtio_queue_size(&p.vdev, 0, 64);
	size_t need = vblk_queue_mem_bytes(qsize);
	if (qsize == 0 || vblk_attach_queue(&blk, 0, &q, qsize, fuzz_dma(need, VIRTQ_MEM_ALIGN),
					    need) != VIRTIO_OK)
		return;
	if (vblk_start(&blk) != VIRTIO_OK)
		return;
	(void)vblk_read(&blk, 0, fuzz_dma(512, 512), 1, 1000000); /* nobody answers */
	(void)vblk_interrupt(&blk);
	(void)virtio_device_recover(blk.vdev);
}

/* ---- simulated ----------------------------------------------------------- */

enum { COMMON, NOTIFY, ISR, DEVICE, PCI_CFG, NTYPES };
static const uint8_t cfg_type[NTYPES] = {
	VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_PCI_CAP_ISR_CFG,
	VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_PCI_CAP_PCI_CFG,
};

/* Where the structure of type t really is (sim_pci.h). */
static void truth(const struct sim_pci *p, unsigned t, uint8_t *bar, uint32_t *off, uint32_t *len)
{
	static const uint32_t where[NTYPES] = { SIM_PCI_COMMON_OFF, SIM_PCI_NOTIFY_OFF,
						SIM_PCI_ISR_OFF, SIM_PCI_DEVICE_OFF, 0 };
	uint32_t notify = 4;
	for (unsigned q = 0; q < p->num_queues && q < SIM_MAX_QUEUES; q++)
		if (p->notify_off[q] * p->notify_mult + 4 > notify)
			notify = p->notify_off[q] * p->notify_mult + 4;
	const uint32_t lens[NTYPES] = { SIM_PCI_COMMON_LEN, notify, 1, p->dev->config_len, 0 };
	*bar = t == PCI_CFG ? 0 : p->bar;
	*off = where[t];
	*len = lens[t];
}

/* Room for one more capability of `len` bytes in config space? */
static bool room(const struct sim_pci *p, unsigned len)
{
	return p->cap_free + len <= sizeof(p->cfg);
}

/* A capability of type t that a driver cannot use, damaged one way. */
static void add_unusable(struct sim_pci *p, unsigned t)
{
	uint8_t bar;
	uint32_t off, len;
	truth(p, t, &bar, &off, &len);
	if (!room(p, 20))
		return;
	unsigned pos = sim_pci_add_cap(p, cfg_type[t], bar, off, len);
	uint8_t *c = &p->cfg[pos];
	switch (fuzz_u8() % 6) {
	case 0: /* reserved BAR number */
		c[VIRTIO_PCI_CAP_BAR] = (uint8_t)(6 + fuzz_u8() % 250);
		break;
	case 1: /* a BAR that is not mapped */
		c[VIRTIO_PCI_CAP_BAR] = p->bar == 2 ? 3 : 2;
		break;
	case 2: /* past the end of the BAR */
		sim_pci_put32(p, pos + VIRTIO_PCI_CAP_OFFSET, (uint32_t)p->bar_size);
		sim_pci_put32(p, pos + VIRTIO_PCI_CAP_LENGTH, len ? len : 4);
		break;
	case 3: /* shorter than the structure may be; ISR and device: 4 GiB */
		sim_pci_put32(p, pos + VIRTIO_PCI_CAP_LENGTH,
			      t == COMMON ? VIRTIO_PCI_COMMON_MIN_LEN - 1 : t == NOTIFY ? 1 : 0xffffffffu);
		break;
	case 4: /* an odd offset (the ISR byte may have one: past the end instead) */
		sim_pci_put32(p, pos + VIRTIO_PCI_CAP_OFFSET,
			      t == ISR ? (uint32_t)p->bar_size : off + 1 + 2 * (fuzz_u8() & 1));
		break;
	default: /* too short to be a virtio capability, or of no known type */
		if (fuzz_u8() & 1)
			c[VIRTIO_PCI_CAP_LEN] = fuzz_u8() % VIRTIO_PCI_CAP_SIZE;
		else
			c[VIRTIO_PCI_CAP_CFG_TYPE] = (uint8_t)(10 + fuzz_u8() % 246);
		break;
	}
}

static void add_true(struct sim_pci *p, unsigned t)
{
	uint8_t bar;
	uint32_t off, len;
	truth(p, t, &bar, &off, &len);
	if (t != PCI_CFG && t != ISR && fuzz_one_in(4))
		len = SIM_PCI_STRUCT_SPAN; /* longer than needed, still inside */
	if (room(p, 20))
		sim_pci_add_cap(p, cfg_type[t], bar, off, len);
}

static void build_caps(struct sim_pci *p, uint16_t msix_vectors)
{
	unsigned order[NTYPES] = { COMMON, NOTIFY, ISR, DEVICE, PCI_CFG };
	for (unsigned i = NTYPES - 1; i > 0; i--) {
		unsigned j = fuzz_u8() % (i + 1), x = order[i];
		order[i] = order[j];
		order[j] = x;
	}
	for (unsigned n = fuzz_u8() % 3; n > 0 && room(p, 16); n--)
		sim_pci_add_raw_cap(p, fuzz_u8(), 4 + fuzz_u8() % 13);
	if (msix_vectors && room(p, 12)) {
		unsigned pos = sim_pci_add_raw_cap(p, VIRTIO_PCI_CAP_ID_MSIX, 12);
		p->cfg[pos + 2] = (uint8_t)(msix_vectors - 1); /* table size - 1 */
	}
	for (unsigned i = 0; i < NTYPES; i++) {
		uint8_t k = fuzz_u8();
		if (k % 16 == 0)
			continue; /* missing */
		if (k & 0x10)
			add_unusable(p, order[i]);
		add_true(p, order[i]);
		if (k & 0x20)
			add_unusable(p, order[i]); /* after the one to use */
	}
}

static void simulated_function(void)
{
	static const uint8_t bars[] = { 4, 2, 3, 5, 1 };
	static const uint64_t bar_size[] = { 0, 0, 0x10000, 0x3002, 0x2000 };
	static const uint32_t mult[] = { 0, 0, 2, 8, 0x100, 0 /* a real 0 */ };
	struct sim_dev *d = fuzz_blk_device(2);
	uint8_t m = fuzz_u8();
	struct sim_pci_opts o = {
		.device_id = fuzz_one_in(4) ? 0x1001 : 0, /* transitional ID */
		.bar = bars[fuzz_u8() % 5],
		.bar_size = bar_size[fuzz_u8() % 5],
		.notify_mult = mult[m % 6],
		.notify_mult_zero = m % 6 == 5,
		.msix_vectors = fuzz_u8() % 4,
		.bare = true,
	};
	struct sim_pci *p = sim_pci_new(d, &o);
	build_caps(p, o.msix_vectors);

	static struct virtio_pci vp;
	int rc = virtio_pci_probe(&vp, &p->acc, p->bars);
	fuzz_check("virtio_pci_probe");
	if (rc != VIRTIO_OK || !fuzz_blk_probe(&vp.vdev, d))
		return;
	if (o.msix_vectors && fuzz_u8() & 1) {
		(void)virtio_pci_use_msix(&vp, fuzz_u8() % (o.msix_vectors + 1),
					  fuzz_u8() % (o.msix_vectors + 1));
		fuzz_check("virtio_pci_use_msix");
	}
	fuzz_blk_run();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_input(data, size);
	if (fuzz_u8() & 1)
		raw_function();
	else
		simulated_function();
	fuzz_input_end();
	return 0;
}
