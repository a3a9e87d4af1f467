/*
 * Helpers shared by the virtio-pci test files (test_pci.c, test_pci_ops.c):
 * a simulated PCI function (sim_pci.c) carrying a virtio-blk device, and
 * the library's probe of it.
 */
#ifndef TPCI_H
#define TPCI_H

#include "sim_pci.h"
#include "th.h"
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
