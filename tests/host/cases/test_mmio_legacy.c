/*
 * Legacy virtio-mmio queue set-up (§4.2.4, drivers/virtio/transport/mmio.c):
 * QueuePFN is checked for 0 before anything else of the queue is read, and
 * a ring the device would find at page 0 is refused (PFN 0 tells a legacy
 * device to stop using the queue, it is never a ring address).
 */
#include <string.h>

#include "harness/bringup.h"

/* A legacy echo device with a live queue 0 of `size`; the raw virtqueue. */
static struct tvq *legacy_up(uint16_t size)
{
	static struct tvq t;
	tvq_up(&t, sim_echo_new(1, 0, 64), ALL_FEATURES, size, 0);
	CHECK(t.sim->q[0].ready);
	CHECK(t.sim->q[0].pfn != 0);
	return &t;
}

TEST(mmio_legacy_live_queue_refused_before_queue_num_max_is_read)
{
	/* §4.2.4: "Read QueuePFN, expecting a return value of zero", then
	 * QueueNumMax.  The simulator flags a QueueNumMax read of a queue in
	 * use; the second set-up must be refused on the PFN alone. */
	struct tvq *t = legacy_up(16);
	struct virtio_device *d = &t->mmio.vdev;
	struct virtq_ring_layout l = virtq_ring_layout(16, VIRTQ_LAYOUT_SPLIT_LEGACY);
	uint8_t *mem = tmem_alloc_low(l.bytes, VIRTQ_MEM_ALIGN);
	struct virtio_queue_addrs a = {
		.desc = (uintptr_t)mem + l.desc,
		.driver = (uintptr_t)mem + l.driver,
		.device = (uintptr_t)mem + l.device,
	};
	CHECK_ERR(d->ops->queue_enable(d, 0, 16, &a), VIRTIO_EINVAL);
	CHECK_EQ(sim_violations(), 0);
	/* Unchanged: still the first ring. */
	CHECK_EQ(t->sim->q[0].desc, (uintptr_t)t->mem);
}

TEST(mmio_legacy_ring_at_page_zero_refused)
{
	/* A ring whose page number would be 0 cannot be given to a legacy
	 * device: writing QueuePFN 0 stops the queue instead. */
	static struct tvq t;
	memset(&t, 0, sizeof(t));
	t.sim = sim_echo_new(1, 0, 64);
	CHECK_OK(virtio_mmio_probe(&t.mmio, t.sim->base));
	struct virtio_device *d = &t.mmio.vdev;
	CHECK_OK(virtio_device_begin(d, 0, ALL_FEATURES));
	struct virtq_ring_layout l = virtq_ring_layout(16, VIRTQ_LAYOUT_SPLIT_LEGACY);
	struct virtio_queue_addrs a = { .desc = 0, .driver = l.driver, .device = l.device };
	CHECK_ERR(d->ops->queue_enable(d, 0, 16, &a), VIRTIO_ENOTSUP);
	CHECK(!t.sim->q[0].ready);
	CHECK_EQ(t.sim->q[0].num, 0); /* nothing of the queue was programmed */
}
