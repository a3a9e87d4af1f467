/*
 * MSI-X on the virtio-pci transport (drivers/virtio/transport/pci.c,
 * §4.1.4.3, §4.1.5.1.2): vector numbers inside the MSI-X table; the
 * configuration vector mapped after the reset of virtio_device_begin(),
 * not before it (the reset unmaps every event); and per-vector handling:
 * an interrupt of the queue vector touches no configuration register, the
 * configuration vector's handler says so before the device's interrupt
 * function runs.
 */
#include <string.h>

#include "harness/pci_fixture.h"

struct tmsix {
	struct sim_pci *p;
	struct virtio_pci vp;
	struct vblk blk;
	struct vblk_queue q;
};

/* The kernel's order: MSI-X chosen right after the probe, then the
 * driver's bring-up (whose first step is the reset). */
static struct tmsix *msix_up(uint16_t table, uint16_t config_vector, uint16_t queue_vector)
{
	static struct tmsix t;
	memset(&t, 0, sizeof(t));
	struct sim_pci_opts po = { .msix_vectors = table };
	t.p = new_blk_pci(NULL, &po);
	CHECK_OK(probe(t.p, &t.vp));
	CHECK_OK(virtio_pci_use_msix(&t.vp, config_vector, queue_vector));
	CHECK_OK(vblk_probe(&t.blk, &t.vp.vdev, NO(VIRTIO_F_RING_PACKED)));
	size_t len = vblk_queue_mem_bytes(16);
	CHECK_OK(vblk_attach_queue(&t.blk, 0, &t.q, 16, tmem_alloc(len, VIRTQ_MEM_ALIGN), len));
	CHECK_OK(vblk_start(&t.blk));
	return &t;
}

TEST(pci_msix_vectors_checked_against_the_table_size)
{
	/* §4.1.5.1.2: never map past the table, even to a device that
	 * would take it. */
	struct sim_pci_opts po = { .msix_vectors = 2 };
	struct sim_pci *p = new_blk_pci(NULL, &po);
	p->msix_accept_any = true;
	struct virtio_pci vp;
	CHECK_OK(probe(p, &vp));
	CHECK_OK(virtio_device_begin(&vp.vdev, 0, ALL_FEATURES));
	CHECK_ERR(virtio_pci_use_msix(&vp, 0, 2), VIRTIO_EINVAL);
	CHECK_ERR(virtio_pci_use_msix(&vp, 2, 1), VIRTIO_EINVAL);
	CHECK_EQ(vp.msix_queue_vector, VIRTIO_PCI_NO_VECTOR);
	CHECK_EQ(p->config_vector, VIRTIO_PCI_NO_VECTOR); /* nothing written */
	CHECK_OK(virtio_pci_use_msix(&vp, 1, 0));
	CHECK_EQ(p->config_vector, 1);
	CHECK_OK(virtio_pci_use_msix(&vp, VIRTIO_PCI_NO_VECTOR, 1)); /* no config interrupts */
}

TEST(pci_msix_config_vector_mapped_after_the_reset)
{
	/* use_msix() before the driver's bring-up: the reset of
	 * virtio_device_begin() unmaps every event, so the mapping is made at
	 * FEATURES_OK, and config changes have their vector before any queue
	 * is set up. */
	struct sim_pci_opts po = { .msix_vectors = 2 };
	struct sim_pci *p = new_blk_pci(NULL, &po);
	struct virtio_pci vp;
	CHECK_OK(probe(p, &vp));
	CHECK_OK(virtio_pci_use_msix(&vp, 0, 1));
	struct vblk blk;
	CHECK_OK(vblk_probe(&blk, &vp.vdev, NO(VIRTIO_F_RING_PACKED)));
	CHECK_EQ(p->config_vector, 0);
	CHECK_EQ(p->qvector[0], VIRTIO_PCI_NO_VECTOR); /* the queue's comes with it */
}

TEST(pci_msix_queue_vector_interrupt_touches_no_config)
{
	/* A vector of its own for the queue: its interrupts complete the
	 * requests and read nothing else (before: a status read and a
	 * capacity generation loop, 5 accesses, on every interrupt). */
	struct tmsix *t = msix_up(2, 0, 1);
	struct sim_dev *d = t->p->dev;
	d->mode = SIM_DEFERRED;
	struct treq r[4];
	for (unsigned i = 0; i < 4; i++) {
		treq_init(&r[i], VIRTIO_BLK_T_OUT, i, tbuf(512, i), 512, 1);
		CHECK_OK(vblk_submit(&t->blk, 0, &r[i].req));
	}
	CHECK_EQ(sim_process(d), 4);
	unsigned bar = t->p->bar_accesses, cfg = d->config_reads;
	CHECK_EQ(vblk_interrupt(&t->blk), 4);
	CHECK_EQ(t->p->bar_accesses, bar);
	CHECK_EQ(d->config_reads, cfg);
	CHECK_EQ(t->blk.vdev->events.config_changes, 0);
	for (unsigned i = 0; i < 4; i++)
		CHECK_OK(r[i].status);
}

TEST(pci_msix_config_vector_fired_reads_the_configuration)
{
	struct tmsix *t = msix_up(2, 0, 1);
	struct sim_dev *d = t->p->dev;
	sim_blk_resize(d, 1024, true);
	virtio_pci_config_vector_fired(&t->vp);
	CHECK_EQ(vblk_interrupt(&t->blk), 0);
	CHECK_EQ(t->blk.vdev->events.config_changes, 1);
	CHECK_EQ(t->blk.info.capacity, 1024);
	/* Once: the next interrupt is the queue vector's again. */
	unsigned cfg = d->config_reads;
	CHECK_EQ(vblk_interrupt(&t->blk), 0);
	CHECK_EQ(d->config_reads, cfg);
	/* DEVICE_NEEDS_RESET arrives the same way. */
	sim_set_needs_reset(d);
	virtio_pci_config_vector_fired(&t->vp);
	CHECK_ERR(vblk_interrupt(&t->blk), VIRTIO_ERESET);
	CHECK_OK(virtio_device_recover(t->blk.vdev));
	CHECK_EQ(t->p->config_vector, 0);
	CHECK_EQ(t->p->qvector[0], 1);
}

TEST(pci_msix_one_vector_for_both_reports_both)
{
	/* A one-entry table: every interrupt may be either (§4.1.5.1.2). */
	struct tmsix *t = msix_up(1, 0, 0);
	CHECK_EQ(virtio_interrupt_ack(&t->vp.vdev), VIRTIO_INT_VRING | VIRTIO_INT_CONFIG);
	sim_blk_resize(t->p->dev, 1500, false);
	CHECK_EQ(vblk_interrupt(&t->blk), 0);
	CHECK_EQ(t->blk.info.capacity, 1500);
}
