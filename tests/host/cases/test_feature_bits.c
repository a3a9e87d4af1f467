/*
 * Feature bits a driver should take (§6, drivers/virtio/core/device.c):
 * VIRTIO_F_ORDER_PLATFORM (the barrier hooks are already the ones for
 * hardware devices), VIRTIO_F_NOTIF_CONFIG_DATA on PCI (notifications
 * carry queue_notif_config_data instead of the queue index, §4.1.5.2) and
 * never on MMIO, and VIRTIO_F_ANY_LAYOUT on a legacy device (a
 * transitional driver must, §6.3) and never on a modern one; each against
 * the simulated device offering it.
 */
#include <string.h>

#include "harness/pci_fixture.h"

/* virtio-blk over the simulated PCI function, one queue of 16. */
static struct vblk *pci_blk_up(struct sim_pci *p, uint64_t mask)
{
	static struct virtio_pci vp;
	static struct vblk blk;
	static struct vblk_queue q;
	CHECK_OK(probe(p, &vp));
	CHECK_OK(vblk_probe(&blk, &vp.vdev, mask));
	size_t len = vblk_queue_mem_bytes(16);
	CHECK_OK(vblk_attach_queue(&blk, 0, &q, 16, tmem_alloc(len, VIRTQ_MEM_ALIGN), len));
	CHECK_OK(vblk_start(&blk));
	return &blk;
}

TEST(features_order_platform_accepted)
{
	struct sim_blk_opts o = { .extra = VIRTIO_BIT(VIRTIO_F_ORDER_PLATFORM) };
	struct tblk *t = tblk_with_opts(ALL_FEATURES, 16, &o);
	CHECK(sim_has(t->sim, VIRTIO_F_ORDER_PLATFORM));
	CHECK(virtio_has_feature(t->blk.vdev, VIRTIO_F_ORDER_PLATFORM));
	tblk_roundtrip(&t->blk, t->b->disk, 4, 2, 1);

	sim_reset_all();
	struct sim_pci *p = new_blk_pci(&o, NULL);
	struct vblk *blk = pci_blk_up(p, ALL_FEATURES);
	CHECK(sim_has(p->dev, VIRTIO_F_ORDER_PLATFORM));
	tblk_roundtrip(blk, sim_blk_of(p->dev)->disk, 4, 2, 2);
}

/* Notifications carry the device's value; `extra` adds more offered bits. */
static void notif_config_data(uint64_t extra, unsigned width)
{
	struct sim_blk_opts o = { .extra = VIRTIO_BIT(VIRTIO_F_NOTIF_CONFIG_DATA) | extra };
	struct sim_pci *p = new_blk_pci(&o, NULL);
	p->notif_data[0] = 0x1234;
	struct vblk *blk = pci_blk_up(p, ALL_FEATURES);
	CHECK(sim_has(p->dev, VIRTIO_F_NOTIF_CONFIG_DATA));
	CHECK(virtio_has_feature(blk->vdev, VIRTIO_F_NOTIF_CONFIG_DATA));
	tblk_roundtrip(blk, sim_blk_of(p->dev)->disk, 8, 2, 3);
	CHECK(p->notifies[0] > 0); /* the simulator found queue 0 from 0x1234 */
	CHECK_EQ(p->notify_width, width);
	/* After a re-initialisation the value is read again. */
	sim_set_needs_reset(p->dev);
	CHECK_ERR(vblk_interrupt(blk), VIRTIO_ERESET);
	p->notif_data[0] = 0x0777;
	CHECK_OK(virtio_device_recover(blk->vdev));
	unsigned before = p->notifies[0];
	tblk_roundtrip(blk, sim_blk_of(p->dev)->disk, 9, 2, 4);
	CHECK(p->notifies[0] > before);
}

TEST(features_notif_config_data_pci_16_bit)
{
	notif_config_data(0, 2);
}

TEST(features_notif_config_data_pci_with_notification_data)
{
	/* §4.1.5.2: the 32-bit value, queue_notif_config_data in its low half. */
	notif_config_data(VIRTIO_BIT(VIRTIO_F_NOTIFICATION_DATA), 4);
}

TEST(features_notif_config_data_without_the_field_refused)
{
	/* A common structure that ends before queue_notif_config_data. */
	struct sim_blk_opts o = { .extra = VIRTIO_BIT(VIRTIO_F_NOTIF_CONFIG_DATA) };
	struct sim_pci *p = new_blk_pci_caps(&o, VIRTIO_PCI_COMMON_Q_NDATA, 4);
	struct virtio_pci vp;
	struct vblk blk;
	struct vblk_queue q;
	CHECK_ERR(attach_rc(p, &vp, &blk, ALL_FEATURES, 0, &q), VIRTIO_EBROKEN);
	CHECK(!p->dev->q[0].ready);
}

TEST(features_notif_config_data_never_on_mmio)
{
	struct sim_blk_opts o = { .extra = VIRTIO_BIT(VIRTIO_F_NOTIF_CONFIG_DATA) };
	struct tblk *t = tblk_with_opts(ALL_FEATURES, 16, &o);
	CHECK(!sim_has(t->sim, VIRTIO_F_NOTIF_CONFIG_DATA));
	tblk_roundtrip(&t->blk, t->b->disk, 1, 2, 5);
}

TEST(features_any_layout_accepted_on_legacy_only)
{
	struct sim_blk_opts o = { .version = 1, .extra = VIRTIO_BIT(VIRTIO_F_ANY_LAYOUT) };
	struct tblk *t = tblk_with_opts(ALL_FEATURES, 16, &o);
	CHECK(sim_has(t->sim, VIRTIO_F_ANY_LAYOUT));
	tblk_roundtrip(&t->blk, t->b->disk, 2, 2, 6);

	/* Bit 27 means nothing to a modern device (§6): never taken there. */
	sim_reset_all();
	struct sim_blk_opts m = { .extra = VIRTIO_BIT(VIRTIO_F_ANY_LAYOUT) };
	t = tblk_with_opts(ALL_FEATURES, 16, &m);
	CHECK(!sim_has(t->sim, VIRTIO_F_ANY_LAYOUT));
}
