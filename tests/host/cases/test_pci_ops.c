/*
 * The virtio-pci transport (drivers/virtio/transport/pci.c) against the simulated
 * PCI function of sim_pci.c, operating a device found by the probe: the
 * common configuration rules (§4.1.4.3), doorbells (§4.1.4.4, §4.1.5.2),
 * the ISR (§4.1.4.5), MSI-X vector mapping (§4.1.4.3.2, §4.1.5.1.2), and
 * virtio-blk I/O end to end.  The probe itself is in test_pci.c.
 */
#include <string.h>

#include "harness/pci_fixture.h"

/* A virtio-blk device behind the PCI transport. */
struct tpci {
	struct sim_dev *sim;
	struct sim_blk *b;
	struct sim_pci *pci;
	struct virtio_pci vp;
	struct vblk blk;
	struct vblk_queue q[VBLK_MAX_QUEUES];
};

static struct tpci T;

/* Probe, vblk_probe, nq queues of qsize, start. */
static struct tpci *blk_up(struct sim_pci *p, uint64_t mask, uint16_t qsize, unsigned nq)
{
	struct tpci *t = &T;
	memset(t, 0, sizeof(*t));
	t->pci = p;
	t->sim = p->dev;
	t->b = sim_blk_of(p->dev);
	CHECK_OK(probe(p, &t->vp));
	CHECK_OK(vblk_probe(&t->blk, &t->vp.vdev, mask));
	for (unsigned qi = 0; qi < nq; qi++) {
		size_t len = vblk_queue_mem_bytes(qsize);
		void *mem = tmem_alloc(len, VIRTQ_MEM_ALIGN);
		CHECK_OK(vblk_attach_queue(&t->blk, (uint16_t)qi, &t->q[qi], qsize, mem, len));
	}
	CHECK_OK(vblk_start(&t->blk));
	return t;
}

/* Write then read back `n` sectors at `sector` on queue 0. */
static void roundtrip(struct tpci *t, uint64_t sector, uint32_t n, uint32_t seed)
{
	uint8_t *w = tbuf(n * 512, seed), *r = tbuf(n * 512, seed + 1);
	CHECK_OK(vblk_write(&t->blk, sector, w, n, 10 * MS));
	CHECK(memcmp(t->b->disk + sector * 512, w, n * 512) == 0);
	CHECK_OK(vblk_read(&t->blk, sector, r, n, 10 * MS));
	CHECK(memcmp(r, w, n * 512) == 0);
}

/* ---- virtio-blk I/O -------------------------------------------------- */

static void io_over_pci(uint64_t mask)
{
	struct tpci *t = blk_up(new_blk_pci(NULL, NULL), mask, 64, 1);
	CHECK_EQ(t->blk.info.capacity, 2048);
	static const uint32_t counts[] = { 1, 3, 8, 64 };
	uint64_t sector = 0;
	for (unsigned i = 0; i < 4; i++) {
		roundtrip(t, sector, counts[i], 40 + i);
		sector += counts[i];
	}
	roundtrip(t, 2047, 1, 99);
	CHECK(t->pci->notifies[0] > 0);
	CHECK_EQ(t->pci->notify_width, 2);
	CHECK_EQ(t->pci->notify_at, 0);
	CHECK_EQ(t->pci->cfg_writes, 0);
	CHECK_EQ(t->b->errors, 0);
	CHECK_EQ(virtq_free_descs(&t->blk.queues[0]->vq), 64);
}

TEST(pci_blk_io_split)
{
	io_over_pci(NO(VIRTIO_F_RING_PACKED));
	CHECK(!T.blk.queues[0]->vq.packed);
}

TEST(pci_blk_io_packed)
{
	io_over_pci(ALL_FEATURES);
	CHECK(T.blk.queues[0]->vq.packed);
}

TEST(pci_blk_io_no_event_idx_no_indirect)
{
	io_over_pci(NO(VIRTIO_F_EVENT_IDX) & NO(VIRTIO_F_INDIRECT_DESC));
}

/* ---- common configuration and queues --------------------------------- */

TEST(pci_features_and_status_through_common_cfg)
{
	struct tpci *t = blk_up(new_blk_pci(NULL, NULL), ALL_FEATURES, 16, 1);
	/* 64 feature bits went both ways through the 32-bit windows. */
	CHECK(virtio_has_feature(&t->vp.vdev, VIRTIO_F_VERSION_1));
	CHECK(virtio_has_feature(&t->vp.vdev, VIRTIO_F_RING_PACKED));
	CHECK_EQ(t->sim->driver_features, t->vp.vdev.features);
	CHECK_EQ(t->sim->feat_words_written, 3);
	/* The status sequence of §3.1.1 reached the device. */
	CHECK(status_logged(t->sim, 0) >= 0);
	CHECK(status_logged(t->sim, 1 | 2 | 8 | 4) >= 0);
	CHECK_EQ(t->vp.vdev.ops->get_status(&t->vp.vdev), 1 | 2 | 8 | 4);
	/* config_generation is the 8-bit field. */
	t->sim->config_gen = 0x1ff;
	CHECK_EQ(t->vp.vdev.ops->config_generation(&t->vp.vdev), 0xff);
	/* Device config through the DEVICE structure. */
	CHECK_EQ(virtio_config_read16(&t->vp.vdev, VIRTIO_BLK_CFG_NUM_QUEUES), 1);
	uint64_t cap = 0;
	CHECK_OK(virtio_config_read64(&t->vp.vdev, VIRTIO_BLK_CFG_CAPACITY, &cap));
	CHECK_EQ(cap, 2048);
	/* Past the structure: 0, and the device never sees the access. */
	unsigned before = t->pci->bar_accesses;
	CHECK_EQ(t->vp.vdev.ops->config_read(&t->vp.vdev, t->vp.device.len - 2, 4), 0);
	CHECK_EQ(t->vp.vdev.ops->config_read(&t->vp.vdev, 0xfffffffeu, 4), 0);
	t->vp.vdev.ops->config_write(&t->vp.vdev, t->vp.device.len, 1, 1);
	CHECK_EQ(t->pci->bar_accesses, before);
}

TEST(pci_config_generation_retry)
{
	struct tpci *t = blk_up(new_blk_pci(NULL, NULL), ALL_FEATURES, 16, 1);
	t->sim->gen_churn = 3;
	uint64_t cap = 0;
	CHECK_OK(virtio_config_read64(&t->vp.vdev, VIRTIO_BLK_CFG_CAPACITY, &cap));
	CHECK_EQ(t->sim->gen_churn, 0);
}

TEST(pci_queue_size_is_lowered)
{
	struct sim_blk_opts bo = { .qmax = 1024 };
	struct tpci *t = blk_up(new_blk_pci(&bo, NULL), NO(VIRTIO_F_RING_PACKED), 64, 1);
	CHECK_EQ(t->pci->qsize[0], 64);
	CHECK_EQ(t->sim->q[0].num, 64);
	CHECK(t->sim->q[0].ready);
	roundtrip(t, 10, 4, 5);
	/* After a reset the device offers its maximum again. */
	CHECK_OK(virtio_device_reset(&t->vp.vdev));
	CHECK_EQ(virtio_queue_max(&t->vp.vdev, 0), 1024);
}

TEST(pci_queue_size_odd_for_packed)
{
	struct sim_blk_opts bo = { .qmax = 100 };
	struct tpci *t = blk_up(new_blk_pci(&bo, NULL), ALL_FEATURES, 37, 1);
	CHECK(t->blk.queues[0]->vq.packed);
	CHECK_EQ(t->pci->qsize[0], 37);
	roundtrip(t, 0, 2, 3);
}

TEST(pci_queue_limits)
{
	struct sim_blk_opts bo = { .qmax = 128 };
	struct sim_pci *p = new_blk_pci(&bo, NULL);
	struct virtio_pci vp;
	CHECK_OK(probe(p, &vp));
	struct virtio_device *d = &vp.vdev;
	CHECK_OK(virtio_device_begin(d, 0, NO(VIRTIO_F_RING_PACKED)));
	CHECK_EQ(virtio_queue_max(d, 0), 128);
	CHECK_EQ(virtio_queue_max(d, 1), 0);    /* num_queues is 1 */
	CHECK_EQ(virtio_queue_max(d, 0xffff), 0);
	size_t len = virtq_mem_bytes(256, VIRTQ_LAYOUT_SPLIT, 0);
	void *mem = tmem_alloc(len, VIRTQ_MEM_ALIGN);
	struct virtq vq;
	CHECK_ERR(virtq_create(&vq, d, 0, 256, mem, len, 0), VIRTIO_EINVAL);
	CHECK_ERR(virtq_create(&vq, d, 1, 16, mem, len, 0), VIRTIO_ENOQUEUE);
	CHECK_OK(virtq_create(&vq, d, 0, 16, mem, len, 0));
	/* A live queue is not programmed again (§4.1.5.1.3). */
	void *mem2 = tmem_alloc(len, VIRTQ_MEM_ALIGN);
	struct virtq vq2;
	CHECK_ERR(virtq_create(&vq2, d, 0, 16, mem2, len, 0), VIRTIO_EINVAL);
	/* Transport-level checks under virtq_create's. */
	struct virtio_queue_addrs a = { 0 };
	CHECK_ERR(d->ops->queue_enable(d, 0, 0, &a), VIRTIO_EINVAL);
	CHECK_ERR(d->ops->queue_enable(d, 3, 16, &a), VIRTIO_ENOQUEUE);
	CHECK_ERR(d->ops->queue_enable(d, VIRTIO_PCI_MAX_QUEUES, 16, &a), VIRTIO_ENOQUEUE);
	/* A reset forgets the doorbells. */
	CHECK(vp.notify_valid & 1);
	CHECK_OK(virtio_device_reset(d));
	CHECK_EQ(vp.notify_valid, 0);
	d->ops->notify(d, 0, 0); /* dropped: nothing to wake */
	CHECK_EQ(p->notifies[0], 0);
}

/* ---- doorbells ------------------------------------------------------- */

/* Two request queues with this multiplier; both doorbells checked. */
static void two_queues(struct sim_pci_opts *po, const uint32_t want_at[2])
{
	struct sim_blk_opts bo = { .num_queues = 2 };
	struct tpci *t = blk_up(new_blk_pci(&bo, po), NO(VIRTIO_F_RING_PACKED), 16, 2);
	for (uint16_t qi = 0; qi < 2; qi++) {
		uint8_t *buf = tbuf(512, qi);
		struct treq r;
		treq_init(&r, VIRTIO_BLK_T_OUT, 100 + qi, buf, 512, 1);
		CHECK_OK(vblk_submit(&t->blk, qi, &r.req));
		CHECK_EQ(t->pci->notify_at, want_at[qi]);
		CHECK_EQ(t->pci->notifies[qi], 1);
		CHECK(vblk_interrupt(&t->blk) >= 1);
		CHECK_EQ(r.done_calls, 1);
		CHECK_OK(r.status);
		CHECK(memcmp(t->b->disk + (100 + qi) * 512, buf, 512) == 0);
	}
}

TEST(pci_notify_multiplier_4)
{
	struct sim_pci_opts po = { .notify_mult = 4 };
	static const uint32_t at[2] = { 0, 4 };
	two_queues(&po, at);
	CHECK_EQ(T.vp.notify_off_multiplier, 4);
}

TEST(pci_notify_multiplier_0_shares_one_doorbell)
{
	struct sim_pci_opts po = { .notify_mult_zero = true };
	static const uint32_t at[2] = { 0, 0 };
	two_queues(&po, at);
	CHECK_EQ(T.vp.notify_off_multiplier, 0);
	CHECK_EQ(T.vp.notify_addr[0], T.vp.notify_addr[1]);
}

TEST(pci_notify_off_from_the_device)
{
	/* queue_notify_off is the device's choice, not the queue index. */
	struct sim_blk_opts bo = { .num_queues = 2 };
	struct sim_pci_opts po = { .bare = true, .notify_mult = 0x1000 / 8 };
	static const uint32_t at[2] = { 7 * 0x200, 2 * 0x200 };
	struct sim_pci *p = new_blk_pci(&bo, &po);
	p->notify_off[0] = 7;
	p->notify_off[1] = 2;
	sim_pci_add_default_caps(p);
	struct tpci *t = blk_up(p, NO(VIRTIO_F_RING_PACKED), 16, 2);
	for (uint16_t qi = 0; qi < 2; qi++) {
		struct treq r;
		treq_init(&r, VIRTIO_BLK_T_IN, qi, tbuf(512, qi), 512, 1);
		CHECK_OK(vblk_submit(&t->blk, qi, &r.req));
		CHECK_EQ(t->pci->notify_at, at[qi]);
		vblk_interrupt(&t->blk);
		CHECK_EQ(r.done_calls, 1);
	}
}

TEST(pci_notify_length_checked_per_queue)
{
	/* The notify structure covers queue 0's doorbell only. */
	struct sim_blk_opts bo = { .num_queues = 2 };
	struct sim_pci_opts po = { .bare = true, .notify_mult = 4 };
	struct sim_pci *p = new_blk_pci(&bo, &po);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_COMMON_CFG, 4, SIM_PCI_COMMON_OFF, 0x40);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_NOTIFY_CFG, 4, SIM_PCI_NOTIFY_OFF, 5);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_ISR_CFG, 4, SIM_PCI_ISR_OFF, 1);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_DEVICE_CFG, 4, SIM_PCI_DEVICE_OFF, 0x60);
	struct virtio_pci vp;
	CHECK_OK(probe(p, &vp));
	struct vblk blk;
	CHECK_OK(vblk_probe(&blk, &vp.vdev, NO(VIRTIO_F_RING_PACKED)));
	size_t len = vblk_queue_mem_bytes(16);
	struct vblk_queue q0, q1;
	CHECK_OK(vblk_attach_queue(&blk, 0, &q0, 16, tmem_alloc(len, VIRTQ_MEM_ALIGN), len));
	/* 1 * 4 + 2 = 6 > 5 */
	CHECK_ERR(vblk_attach_queue(&blk, 1, &q1, 16, tmem_alloc(len, VIRTQ_MEM_ALIGN), len),
		  VIRTIO_EBROKEN);
	/* Nothing was programmed for queue 1. */
	CHECK_EQ(p->qsize[1], 0);
	CHECK(!p->dev->q[1].ready);
}

TEST(pci_notification_data_writes_32_bits)
{
	struct sim_blk_opts bo = { .extra = VIRTIO_BIT(VIRTIO_F_NOTIFICATION_DATA) };
	struct tpci *t = blk_up(new_blk_pci(&bo, NULL), ALL_FEATURES, 16, 1);
	CHECK(virtio_has_feature(&t->vp.vdev, VIRTIO_F_NOTIFICATION_DATA));
	roundtrip(t, 5, 2, 8);
	CHECK_EQ(t->pci->notify_width, 4);
	CHECK(t->sim->q[0].last_notify_value >> 16 != 0); /* the data part is there */

	/* 2 bytes of doorbell are not enough for a 32-bit store. */
	sim_reset_all();
	struct sim_pci_opts po = { .bare = true };
	struct sim_pci *p = new_blk_pci(&bo, &po);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_COMMON_CFG, 4, SIM_PCI_COMMON_OFF, 0x40);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_NOTIFY_CFG, 4, SIM_PCI_NOTIFY_OFF, 2);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_ISR_CFG, 4, SIM_PCI_ISR_OFF, 1);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_DEVICE_CFG, 4, SIM_PCI_DEVICE_OFF, 0x60);
	struct virtio_pci vp;
	CHECK_OK(probe(p, &vp));
	struct vblk blk;
	CHECK_OK(vblk_probe(&blk, &vp.vdev, ALL_FEATURES));
	size_t len = vblk_queue_mem_bytes(16);
	struct vblk_queue q0;
	CHECK_ERR(vblk_attach_queue(&blk, 0, &q0, 16, tmem_alloc(len, VIRTQ_MEM_ALIGN), len),
		  VIRTIO_EBROKEN);
	/* Without NOTIFICATION_DATA the same 2 bytes do. */
	struct vblk blk2;
	CHECK_OK(vblk_probe(&blk2, &vp.vdev, NO(VIRTIO_F_NOTIFICATION_DATA)));
	CHECK_OK(vblk_attach_queue(&blk2, 0, &q0, 16, tmem_alloc(len, VIRTQ_MEM_ALIGN), len));
}

/* ---- interrupts: the ISR, re-initialisation, MSI-X ------------------- */

TEST(pci_isr_maps_causes_and_shared_line_is_harmless)
{
	struct tpci *t = blk_up(new_blk_pci(NULL, NULL), NO(VIRTIO_F_RING_PACKED), 32, 1);
	struct virtio_device *d = &t->vp.vdev;
	/* Nothing pending: the ISR reads 0, vblk_interrupt does nothing. */
	unsigned reads = t->pci->isr_reads;
	CHECK_EQ(virtio_interrupt_ack(d), 0);
	CHECK_EQ(t->pci->isr_reads, reads + 1);
	CHECK_EQ(vblk_interrupt(&t->blk), 0);
	CHECK_EQ(t->blk.vdev->events.config_changes, 0);

	/* Requests completed in the background, then the interrupt. */
	t->sim->mode = SIM_DEFERRED;
	struct treq r[4];
	for (unsigned i = 0; i < 4; i++) {
		treq_init(&r[i], VIRTIO_BLK_T_OUT, i, tbuf(512, i), 512, 1);
		CHECK_OK(vblk_submit(&t->blk, 0, &r[i].req));
	}
	/* Another device on the same line interrupts first: nothing here. */
	CHECK_EQ(vblk_interrupt(&t->blk), 0);
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(r[i].done_calls, 0);
	CHECK_EQ(sim_process(t->sim), 4);
	CHECK_EQ(t->sim->int_status, VIRTIO_INT_VRING);
	CHECK_EQ(vblk_interrupt(&t->blk), 4);
	CHECK_EQ(t->sim->int_status, 0); /* the read cleared it */
	for (unsigned i = 0; i < 4; i++) {
		CHECK_EQ(r[i].done_calls, 1);
		CHECK_OK(r[i].status);
	}
	/* Spurious again after the work: still harmless. */
	CHECK_EQ(vblk_interrupt(&t->blk), 0);

	/* Config change: bit 1, and the capacity is re-read. */
	sim_blk_resize(t->sim, 1024, true);
	CHECK_EQ(vblk_interrupt(&t->blk), 0);
	CHECK_EQ(t->blk.vdev->events.config_changes, 1);
	CHECK_EQ(t->blk.info.capacity, 1024);
	/* Each ISR bit on its own, then both. */
	t->sim->int_status = VIRTIO_INT_VRING;
	CHECK_EQ(virtio_interrupt_ack(d), VIRTIO_INT_VRING);
	t->sim->int_status = VIRTIO_INT_CONFIG;
	CHECK_EQ(virtio_interrupt_ack(d), VIRTIO_INT_CONFIG);
	sim_raise_config(t->sim);
	t->sim->int_status |= VIRTIO_INT_VRING;
	CHECK_EQ(virtio_interrupt_ack(d), VIRTIO_INT_VRING | VIRTIO_INT_CONFIG);
	CHECK_EQ(virtio_interrupt_ack(d), 0);
}

TEST(pci_needs_reset_reinit_restores_doorbells)
{
	struct tpci *t = blk_up(new_blk_pci(NULL, NULL), NO(VIRTIO_F_RING_PACKED), 16, 1);
	roundtrip(t, 1, 1, 1);
	uintptr_t bell = t->vp.notify_addr[0];
	sim_set_needs_reset(t->sim);
	CHECK_ERR(vblk_interrupt(&t->blk), VIRTIO_ERESET);
	CHECK_OK(virtio_device_recover(t->blk.vdev));
	CHECK_EQ(t->blk.vdev->events.recoveries, 1);
	CHECK_EQ(t->blk.vdev->state, VIRTIO_DEV_LIVE);
	CHECK(t->vp.notify_valid & 1);
	CHECK_EQ(t->vp.notify_addr[0], bell);
	unsigned before = t->pci->notifies[0];
	roundtrip(t, 2, 1, 2);
	CHECK(t->pci->notifies[0] > before);
}

TEST(pci_msix_vectors_are_mapped_and_read_back)
{
	struct sim_pci_opts po = { .msix_vectors = 4 };
	struct sim_pci *p = new_blk_pci(NULL, &po);
	struct virtio_pci vp;
	CHECK_OK(probe(p, &vp));
	CHECK(vp.msix_cap != 0);
	struct vblk blk;
	CHECK_OK(vblk_probe(&blk, &vp.vdev, NO(VIRTIO_F_RING_PACKED)));
	CHECK_ERR(virtio_pci_use_msix(&vp, 0, VIRTIO_PCI_NO_VECTOR), VIRTIO_EINVAL);
	CHECK_OK(virtio_pci_use_msix(&vp, 0, 1));
	CHECK_EQ(p->config_vector, 0);
	size_t len = vblk_queue_mem_bytes(16);
	struct vblk_queue q0;
	CHECK_OK(vblk_attach_queue(&blk, 0, &q0, 16, tmem_alloc(len, VIRTQ_MEM_ALIGN), len));
	CHECK_EQ(p->qvector[0], 1);
	CHECK_OK(vblk_start(&blk));
	/* With MSI-X the ISR is left alone; both causes are reported. */
	unsigned reads = p->isr_reads;
	CHECK_EQ(virtio_interrupt_ack(&vp.vdev), VIRTIO_INT_VRING | VIRTIO_INT_CONFIG);
	CHECK_EQ(p->isr_reads, reads);
	uint8_t *buf = tbuf(512, 3);
	CHECK_OK(vblk_write(&blk, 0, buf, 1, 10 * MS));
	/* A re-initialisation maps both vectors again. */
	sim_set_needs_reset(p->dev);
	CHECK_ERR(vblk_interrupt(&blk), VIRTIO_ERESET);
	CHECK_OK(virtio_device_recover(blk.vdev));
	CHECK_EQ(blk.vdev->events.recoveries, 1);
	CHECK_EQ(p->config_vector, 0);
	CHECK_EQ(p->qvector[0], 1);
}

TEST(pci_msix_refused_vectors_fail_cleanly)
{
	/* One vector: the config vector maps, the queue's does not. */
	struct sim_pci_opts po = { .msix_vectors = 1 };
	struct sim_pci *p = new_blk_pci(NULL, &po);
	struct virtio_pci vp;
	CHECK_OK(probe(p, &vp));
	struct vblk blk;
	CHECK_OK(vblk_probe(&blk, &vp.vdev, NO(VIRTIO_F_RING_PACKED)));
	CHECK_OK(virtio_pci_use_msix(&vp, 0, 1));
	size_t len = vblk_queue_mem_bytes(16);
	struct vblk_queue q0;
	CHECK_ERR(vblk_attach_queue(&blk, 0, &q0, 16, tmem_alloc(len, VIRTQ_MEM_ALIGN), len),
		  VIRTIO_ENOTSUP);
	CHECK(!p->dev->q[0].ready);

	/* No MSI-X at all: the config vector reads back NO_VECTOR. */
	struct sim_pci *p2 = new_blk_pci(NULL, NULL);
	struct virtio_pci vp2;
	CHECK_OK(probe(p2, &vp2));
	CHECK_OK(virtio_device_begin(&vp2.vdev, 0, ALL_FEATURES));
	CHECK_ERR(virtio_pci_use_msix(&vp2, 0, 0), VIRTIO_ENOTSUP);
	CHECK_EQ(vp2.msix_queue_vector, VIRTIO_PCI_NO_VECTOR); /* back to INTx */
}

/* ---- next to virtio-mmio --------------------------------------------- */

TEST(pci_mixed_with_mmio)
{
	/* A virtio-mmio disk and a virtio-pci disk side by side. */
	struct tblk mm;
	struct sim_blk_opts bo = { 0 };
	tblk_up(&mm, sim_blk_new(&bo), NO(VIRTIO_F_RING_PACKED), 16, 1);
	struct tpci *t = blk_up(new_blk_pci(NULL, NULL), ALL_FEATURES, 16, 1);
	roundtrip(t, 3, 2, 1);
	uint8_t *w = tbuf(512, 9), *r = tbuf(512, 10);
	CHECK_OK(vblk_write(&mm.blk, 7, w, 1, 10 * MS));
	CHECK_OK(vblk_read(&mm.blk, 7, r, 1, 10 * MS));
	CHECK(memcmp(r, w, 512) == 0);
	CHECK(memcmp(mm.b->disk + 7 * 512, w, 512) == 0);
	CHECK(memcmp(t->b->disk + 7 * 512, w, 512) != 0);
}
