/*
 * PCI on the ECAM host bridge of the device tree (pci-host-ecam-generic):
 * enumerate every function reachable from the root bus, number the buses
 * behind PCI-to-PCI bridges, size and assign the memory BARs from the
 * bridge's "ranges" windows, open the bridges' forwarding windows, enable
 * memory decoding and bus mastering, and find each function's INTx line on
 * the interrupt controller (PLIC or APLIC) through "interrupt-map"
 * (swizzling through bridges).
 *
 * No MMU: a BAR's CPU address is also the pointer to use.  Nothing is ever
 * freed or re-assigned: pci_init() runs once.
 */
#ifndef KERNEL_PCI_H
#define KERNEL_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_MAX_FUNCS 64
#define PCI_MAX_DEPTH 8 /* bridges between the root bus and a function */

/* Config-space offsets (PCI Local Bus 3.0, type 0 and type 1 headers). */
#define PCI_VENDOR_ID      0x00
#define PCI_DEVICE_ID      0x02
#define PCI_COMMAND        0x04
#define PCI_STATUS         0x06
#define PCI_CLASS_REVISION 0x08
#define PCI_HEADER_TYPE    0x0e
#define PCI_BAR0           0x10
#define PCI_PRIMARY_BUS    0x18 /* type 1: primary, secondary, subordinate */
#define PCI_SECONDARY_BUS  0x19
#define PCI_SUBORDINATE_BUS 0x1a
#define PCI_IO_BASE        0x1c
#define PCI_IO_LIMIT       0x1d
#define PCI_MEMORY_BASE    0x20
#define PCI_MEMORY_LIMIT   0x22
#define PCI_PREF_BASE      0x24
#define PCI_PREF_LIMIT     0x26
#define PCI_PREF_BASE_UPPER  0x28
#define PCI_PREF_LIMIT_UPPER 0x2c
#define PCI_IO_BASE_UPPER  0x30 /* 16-bit base and limit uppers */
#define PCI_ROM_TYPE0      0x30
#define PCI_ROM_TYPE1      0x38
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN  0x3d
#define PCI_BRIDGE_CONTROL 0x3e

#define PCI_COMMAND_IO     0x1u
#define PCI_COMMAND_MEMORY 0x2u
#define PCI_COMMAND_MASTER 0x4u
#define PCI_COMMAND_INTX_DISABLE 0x400u

#define PCI_HEADER_MULTI   0x80u
#define PCI_HEADER_NORMAL  0
#define PCI_HEADER_BRIDGE  1

struct pci_bar {
	uint64_t pci_addr; /* what the BAR register holds */
	uintptr_t cpu;     /* where the CPU sees it (0 when unassigned) */
	uint64_t size;     /* 0: no BAR here, an I/O BAR, or not assigned */
	bool is64, prefetch, io;
};

struct pci_func {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint8_t class_code, subclass, prog_if, revision;
	uint8_t header_type;  /* without the multi-function bit */
	uint8_t irq_pin;      /* 1 = INTA .. 4 = INTD, 0 = none */
	uint32_t irq;         /* PLIC source of that pin, 0 = none found */
	int parent;           /* index of the bridge above, -1 on the root bus */
	uint8_t secondary, subordinate; /* bridges */
	bool bars_ok;         /* every memory BAR got an address */
	struct pci_bar bar[6];
	uintptr_t cfg;        /* ECAM address of the config space */
};

/* Enumerate and assign (once; later calls return the first result).
 * Returns the number of functions found, or -1 without a PCI host. */
int pci_init(void);

unsigned pci_count(void);

/* One line per function found: place, ids, class, bridge buses, INTx and
 * its interrupt, the BARs (the `sysinfo` command; the boot does not
 * print them). */
void pci_print_all(void);
const struct pci_func *pci_get(unsigned i);

/* Config access to a function found by pci_init(); off < 4096, naturally
 * aligned. */
uint8_t pci_cfg_read8(const struct pci_func *f, uint32_t off);
uint16_t pci_cfg_read16(const struct pci_func *f, uint32_t off);
uint32_t pci_cfg_read32(const struct pci_func *f, uint32_t off);
void pci_cfg_write8(const struct pci_func *f, uint32_t off, uint8_t v);
void pci_cfg_write16(const struct pci_func *f, uint32_t off, uint16_t v);
void pci_cfg_write32(const struct pci_func *f, uint32_t off, uint32_t v);

#endif
