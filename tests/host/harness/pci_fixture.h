/*
 * Helpers shared by the virtio-pci test files (test_pci.c, test_pci_ops.c):
 * a simulated PCI function (sim_pci.c) carrying a virtio-blk device, and
 * the library's probe of it.
 */
#ifndef HARNESS_PCI_FIXTURE_H
#define HARNESS_PCI_FIXTURE_H

#include "sim/sim_pci.h"
#include "harness/bringup.h"
#include "virtio/pci.h"

static inline struct sim_pci *new_blk_pci(const struct sim_blk_opts *bo,
					  const struct sim_pci_opts *po)
{
	struct sim_blk_opts def = { 0 };
	return sim_pci_new(sim_blk_new(bo ? bo : &def), po);
}

static inline int probe(struct sim_pci *p, struct virtio_pci *vp)
{
	return virtio_pci_probe(vp, &p->acc, p->bars);
}

#endif
