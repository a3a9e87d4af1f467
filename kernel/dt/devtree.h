/*
 * What the kernel needs to know about the machine, read once from the
 * device tree at boot by devtree_init() and then available to everyone
 * through dt_info().  All addresses are physical: the kernel maps the
 * device windows below at the same virtual addresses (kernel/paging.c).
 */
#ifndef KERNEL_DEVTREE_H
#define KERNEL_DEVTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/dt/fdt.h"

#define DT_MAX_VIRTIO_MMIO 32
#define DT_MAX_PCI_RANGES  8
#define DT_MAX_PCI_IRQ_MAP 64
#define DT_MAX_RESERVED    16
#define DT_MAX_HARTS       16
/* every virtio-mmio slot kept, plus the UART, PLIC, IMSIC, APLIC, test
 * device and PCI ECAM: one each at most */
#define DT_MAX_MMIO        (DT_MAX_VIRTIO_MMIO + 6)
#define DT_BOOTARGS_MAX    256
#define DT_DTB_MAX_SIZE    (2u << 20) /* QEMU reserves 2 MiB for the blob */

struct dt_virtio_mmio {
	uint64_t base;
	uint64_t size;
	uint32_t irq;      /* PLIC source */
};

/* One entry of the PCI host bridge's "ranges". */
struct dt_pci_range {
	uint32_t flags;    /* phys.hi cell: space code in bits 24-25
			      (1 I/O, 2 32-bit MMIO, 3 64-bit MMIO), prefetch bit 30 */
	uint64_t pci_addr;
	uint64_t cpu_addr;
	uint64_t size;
};

/* One entry of "interrupt-map": a (device, pin) pair and its PLIC source. */
struct dt_pci_irq_map {
	uint32_t pci_addr_hi; /* phys.hi of the child unit address (devfn in bits 8-15) */
	uint32_t pin;         /* 1 = INTA .. 4 = INTD */
	uint32_t irq;         /* first cell of the parent interrupt specifier */
};

struct dt_pci {
	bool present;
	uint64_t ecam_base, ecam_size;
	uint32_t bus_start, bus_end;
	struct dt_pci_range ranges[DT_MAX_PCI_RANGES];
	unsigned n_ranges;
	uint32_t irq_mask_hi;  /* interrupt-map-mask: phys.hi cell ... */
	uint32_t irq_mask_pin; /* ... and pin cell */
	struct dt_pci_irq_map irq_map[DT_MAX_PCI_IRQ_MAP];
	unsigned n_irq_map;
};

struct dt_range {
	uint64_t base, size;
};

struct dt_info {
	uint64_t mem_base, mem_size;      /* the first RAM region */
	uint64_t timebase_hz;             /* /cpus timebase-frequency */
	uint32_t harts[DT_MAX_HARTS];     /* hart ids of the /cpus/cpu@N nodes */
	unsigned n_harts;

	bool has_uart;
	uint64_t uart_base;
	uint32_t uart_irq;                /* 0 when the node has none */
	uint32_t uart_reg_shift;          /* reg-shift, 0 when absent */
	uint32_t uart_reg_io_width;       /* reg-io-width, 1 when absent */
	uint32_t uart_clock_hz;           /* clock-frequency, 0 when absent */

	bool has_plic;
	uint64_t plic_base;
	uint32_t plic_ndev;               /* riscv,ndev: sources are 1..ndev */

	/* AIA (-machine virt,aia=aplic-imsic): the supervisor-level IMSIC and
	 * the APLIC domain that sends it the wired interrupts as MSIs */
	bool has_aia;
	uint64_t imsic_base;              /* first interrupt file of the S-level IMSIC */
	uint32_t imsic_stride;            /* bytes per hart (4 KiB << guest bits) */
	uint32_t imsic_num_ids;           /* riscv,num-ids: identities 1..num_ids */
	uint32_t imsic_ipi_id;            /* riscv,ipi-id, 0 when absent */
	uint32_t imsic_harts[DT_MAX_HARTS]; /* hart id of each file, in order */
	unsigned imsic_n_harts;
	uint64_t aplic_base;              /* S-level APLIC domain (0: none) */
	uint32_t aplic_nsources;          /* riscv,num-sources */

	bool has_test_dev;                /* SiFive test device (exit codes) */
	uint64_t test_dev_base;

	/* every "virtio,mmio" node, in ascending base address order */
	struct dt_virtio_mmio virtio_mmio[DT_MAX_VIRTIO_MMIO];
	unsigned n_virtio_mmio;
	unsigned n_virtio_mmio_dropped;   /* nodes beyond DT_MAX_VIRTIO_MMIO */

	char bootargs[DT_BOOTARGS_MAX];   /* /chosen/bootargs, "" when absent */
	bool bootargs_truncated;

	struct dt_pci pci;                /* pci-host-ecam-generic, if any */

	/* the register windows of every device above the kernel drives (the
	 * PCI windows BARs go into are pci.ranges), for the page tables */
	struct dt_range mmio[DT_MAX_MMIO];
	unsigned n_mmio;

	/* memory nothing may overwrite: the blob itself, the reservation
	 * block entries and /reserved-memory children */
	struct dt_range reserved[DT_MAX_RESERVED];
	unsigned n_reserved;

	uint64_t dtb_base, dtb_size;
};

/*
 * Validates the blob and fills the table.  Returns 0, or -1 with a one-line
 * reason in err: an invalid blob, or a missing /memory or timebase (the
 * kernel cannot run without them).  Optional devices just stay absent.
 */
int devtree_init(const void *dtb, char *err, size_t errlen);

const struct dt_info *dt_info(void);

/* The validated blob, for code that wants to look up more itself. */
const struct fdt *devtree_fdt(void);

/* Whether the whitespace-separated bootargs contain `word` as a word. */
bool dt_bootargs_has(const char *word);

#endif
