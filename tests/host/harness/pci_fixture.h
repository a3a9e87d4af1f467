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

/* A function with only the four structures, the common one `common_len`
 * and the notify one `notify_len` bytes long (to be found too short). */
static inline struct sim_pci *new_blk_pci_caps(const struct sim_blk_opts *bo, uint32_t common_len,
					       uint32_t notify_len)
{
	struct sim_pci_opts po = { .bare = true, .notify_mult = 4 };
	struct sim_pci *p = new_blk_pci(bo, &po);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_COMMON_CFG, 4, SIM_PCI_COMMON_OFF, common_len);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_NOTIFY_CFG, 4, SIM_PCI_NOTIFY_OFF, notify_len);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_ISR_CFG, 4, SIM_PCI_ISR_OFF, 1);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_DEVICE_CFG, 4, SIM_PCI_DEVICE_OFF, 0x60);
	return p;
}

/* Probe, vblk_probe with `mask`, attach queue `qi` of 16: that attach's
 * result (each step before it must succeed). */
static inline int attach_rc(struct sim_pci *p, struct virtio_pci *vp, struct vblk *blk,
			    uint64_t mask, uint16_t qi, struct vblk_queue *q)
{
	size_t len = vblk_queue_mem_bytes(16);
	if (qi == 0) {
		CHECK_OK(probe(p, vp));
		CHECK_OK(vblk_probe(blk, &vp->vdev, mask));
	}
	return vblk_attach_queue(blk, qi, q, 16, tmem_alloc(len, VIRTQ_MEM_ALIGN), len);
}

#endif
