/*
 * What the virtio layer negotiated, for people and for the self-test:
 * `blk info` lines (features, ring layout, limits) and a "virtio" suite
 * that checks the ring memory itself shows the layout the driver claims,
 * that completions really arrived by interrupt, that a re-initialisation
 * refreshes the registry, and that the library's errors reach the kernel
 * with their messages.
 */
#include "kernel/dma.h"
#include "kernel/errno.h"
#include "kernel/irq/irq.h"
#include "kernel/riscv.h"
#include "kernel/selftest/selftest.h"
#include "kernel/timer.h"
#include "kernel/virtio/disk.h"
#include "kernel/virtio/kerr.h"
#include "kernel/virtio/virtio.h"
#include "lib/kstring.h"
#include "lib/printf.h"
#include "virtio/errors.h"

static const struct {
	unsigned bit;
	const char *name;
} feature_names[] = {
	{ VIRTIO_BLK_F_SIZE_MAX, "SIZE_MAX" },
	{ VIRTIO_BLK_F_SEG_MAX, "SEG_MAX" },
	{ VIRTIO_BLK_F_GEOMETRY, "GEOMETRY" },
	{ VIRTIO_BLK_F_RO, "RO" },
	{ VIRTIO_BLK_F_BLK_SIZE, "BLK_SIZE" },
	{ VIRTIO_BLK_F_FLUSH, "FLUSH" },
	{ VIRTIO_BLK_F_TOPOLOGY, "TOPOLOGY" },
	{ VIRTIO_BLK_F_CONFIG_WCE, "CONFIG_WCE" },
	{ VIRTIO_BLK_F_MQ, "MQ" },
	{ VIRTIO_BLK_F_DISCARD, "DISCARD" },
	{ VIRTIO_BLK_F_WRITE_ZEROES, "WRITE_ZEROES" },
	{ VIRTIO_BLK_F_SECURE_ERASE, "SECURE_ERASE" },
	{ VIRTIO_F_INDIRECT_DESC, "INDIRECT_DESC" },
	{ VIRTIO_F_EVENT_IDX, "EVENT_IDX" },
	{ VIRTIO_F_VERSION_1, "VERSION_1" },
	{ VIRTIO_F_ACCESS_PLATFORM, "ACCESS_PLATFORM" },
	{ VIRTIO_F_RING_PACKED, "RING_PACKED" },
	{ VIRTIO_F_IN_ORDER, "IN_ORDER" },
	{ VIRTIO_F_NOTIFICATION_DATA, "NOTIFICATION_DATA" },
	{ VIRTIO_F_RING_RESET, "RING_RESET" },
};

static void print_features(const char *label, uint64_t f)
{
	kprintf("  %-14s 0x%016llx", label, (unsigned long long)f);
	for (unsigned i = 0; i < sizeof(feature_names) / sizeof(feature_names[0]); i++)
		if (f & VIRTIO_BIT(feature_names[i].bit))
			kprintf(" %s", feature_names[i].name);
	kprintf("\n");
}

static void print_range(const char *name, const struct vblk_range_limits *l)
{
	if (l->max_sectors == 0)
		return;
	kprintf("  %-14s max %u sectors x %u segments, alignment %u\n", name,
		(unsigned)l->max_sectors, (unsigned)l->max_seg, (unsigned)l->alignment);
}

void virtio_blk_info_extra(struct blkdev *dev)
{
	struct vblk *blk = virtio_blkdev_driver(dev);
	if (!blk)
		return;
	const struct vblk_info *in = &blk->info;
	const struct virtio_device *v = blk->vdev;
	print_features("offered", v->offered);
	print_features("negotiated", v->features);
	for (uint16_t q = 0; q < VBLK_MAX_QUEUES; q++) {
		const struct vblk_queue *vq = blk->queues[q];
		if (vq)
			kprintf("  queue %-8u %u entries, %s ring, indirect tables %s, %u in flight%s\n",
				(unsigned)q, (unsigned)vq->vq.size, virtq_is_packed(&vq->vq) ? "packed" : "split",
				virtq_has_indirect(&vq->vq) ? "on" : "off",
				(unsigned)virtq_in_flight(&vq->vq),
				virtq_is_broken(&vq->vq) ? ", BROKEN" : "");
	}
	kprintf("  limits         size_max %u, seg_max %u, blk_size %u\n",
		(unsigned)in->size_max, (unsigned)in->seg_max, (unsigned)in->blk_size);
	if (in->topology)
		kprintf("  topology       physical block 2^%u logical, alignment offset %u, "
			"min io %u, optimal io %u blocks\n",
			in->physical_block_exp, in->alignment_offset, in->min_io_size,
			(unsigned)in->opt_io_size);
	kprintf("  cache          %s%s\n", in->writeback ? "writeback (FLUSH makes writes durable)"
						  : "writethrough",
		in->config_wce ? ", switchable (CONFIG_WCE)" : "");
	print_range("discard", &in->discard);
	print_range("write-zeroes", &in->write_zeroes);
	print_range("secure-erase", &in->secure_erase);
	kprintf("  events         %u config changes, %u re-initialisations, %llu interrupts\n",
		(unsigned)v->events.config_changes, (unsigned)v->events.recoveries,
		(unsigned long long)irq_count(virtio_blkdev_irq(dev)));
}

/*
 * The ring memory shows the layout: a split ring's used index (device area
 * +2) equals what the driver consumed; a packed ring holds descriptors the
 * driver posted (address set) that the device then marked used (AVAIL ==
 * USED), a state the driver never writes and zeroed memory never has.
 */
static bool layout_evidence(const struct virtq *vq, char *why, size_t n)
{
	if (!virtq_is_packed(vq)) {
		uint16_t idx = virtio16_load(&vq->ring.split.used->idx, vq->legacy);
		ksnprintf(why, n, "used.idx %u, driver consumed %u", idx, vq->last_used);
		return idx == vq->last_used && idx != 0;
	}
	unsigned used = 0;
	for (uint16_t i = 0; i < vq->size; i++) {
		const struct virtq_packed_desc *d = &vq->ring.packed.desc[i];
		uint16_t f = virtio_le16_load(&d->flags);
		used += virtio_le64_load(&d->addr) != 0 &&
			!(f & VIRTQ_DESC_F_AVAIL) == !(f & VIRTQ_DESC_F_USED);
	}
	ksnprintf(why, n, "%u of %u descriptors in device-used state", used, vq->size);
	return used > 0;
}

/* One read on every request queue, each completed by interrupt and seen
 * in that queue's own ring.  The buffers go back to the pool once every
 * request that was submitted has completed (else the device owns them). */
static void case_every_queue(struct selftest_ctx *t, struct blkdev *dev, struct vblk *blk)
{
	char name[64];
	ksnprintf(name, sizeof(name), "%s: a read on each of the %u request queues", dev->name,
		  (unsigned)dev->queues);
	size_t mark = dma_mark();
	uint8_t *buf = dma_alloc((size_t)dev->queues * dev->block_size);
	struct blkdev_io *ios = dma_alloc(dev->queues * sizeof(*ios));
	if (!buf || !ios) {
		dma_release(mark);
		selftest_fail(t, name, "DMA pool exhausted");
		return;
	}
	uint16_t before[VBLK_MAX_QUEUES], submitted = 0;
	int submit_rc = 0;
	for (; submitted < dev->queues; submitted++) {
		uint16_t q = submitted;
		before[q] = blk->queues[q]->vq.last_used;
		ios[q] = (struct blkdev_io){ .op = BLKDEV_READ, .sector = 0,
					     .count = dev->block_size / BLKDEV_SECTOR,
					     .buf = buf + (size_t)q * dev->block_size, .queue = q };
		if ((submit_rc = blkdev_submit(dev, &ios[q])) != 0)
			break;
	}
	uint64_t dl = deadline_in_ms(5000);
	unsigned long saved = intr_save();
	for (uint16_t q = 0; q < submitted; q++)
		while (!ios[q].completed && !deadline_passed(dl))
			wait_for_interrupt_until(dl);
	intr_restore(saved);
	const char *why = NULL;
	uint16_t bad = 0;
	bool all_back = true;
	for (uint16_t q = 0; q < submitted; q++) {
		all_back = all_back && ios[q].completed;
		if (why)
			continue;
		bad = q;
		if (!ios[q].completed)
			why = "no completion in 5 s";
		else if (ios[q].status)
			why = kstrerror(ios[q].status);
		else if (blk->queues[q]->vq.last_used == before[q])
			why = "its ring shows no completion";
	}
	if (!why && submit_rc) {
		bad = submitted;
		why = kstrerror(submit_rc);
	}
	if (all_back)
		dma_release(mark);
	if (why)
		selftest_fail(t, name, "queue %u: %s", bad, why);
	else
		selftest_pass(t, name, "queues %u", (unsigned)dev->queues);
}

/* A re-initialisation reads the device's configuration again; the
 * registry must show what it read, not what it held before.  The
 * registry's fields are scribbled over first, so only a refresh from the
 * device puts them back. */
static void case_reinit_refreshes(struct selftest_ctx *t, struct blkdev *dev, struct vblk *blk)
{
	char name[80];
	ksnprintf(name, sizeof(name), "%s: a re-initialisation refreshes capacity, block size and mode",
		  dev->name);
	struct blkdev want = *dev;
	uint32_t recoveries = blk->vdev->events.recoveries;
	dev->sectors = 1;
	dev->block_size = 0;
	dev->read_only = !want.read_only;
	dev->caps = 0;
	int rc = virtio_blk_reinit(dev);
	struct blkdev got = *dev;
	bool same = got.sectors == want.sectors && got.block_size == want.block_size &&
		    got.read_only == want.read_only && got.caps == want.caps;
	*dev = want; /* whatever happened: usable for the suites after this one */
	selftest_check(t, rc == KERR_OK && same && blk->vdev->events.recoveries == recoveries + 1,
		       name, "%s; sectors %lu block %u %s caps 0x%x, want %lu %u %s 0x%x; %u "
		       "re-initialisations, want %u", kstrerror(rc), (unsigned long)got.sectors,
		       got.block_size, got.read_only ? "ro" : "rw", got.caps,
		       (unsigned long)want.sectors, want.block_size, want.read_only ? "ro" : "rw",
		       want.caps, (unsigned)blk->vdev->events.recoveries, (unsigned)recoveries + 1);
}

/* Every library code becomes a kernel code of its own with the same
 * message (but VIRTIO_ENODEV's): a new library code without a row in
 * kerr.c fails here. */
static void case_error_translation(struct selftest_ctx *t)
{
	const char *name = "library errors reach the kernel with their messages";
	int seen[32], n = 0;
	for (int v = -1; strcmp(virtio_strerror(v), "unknown error") != 0 && n < 32; v--, n++) {
		int k = kerr_from_virtio(v);
		seen[n] = k;
		for (int j = 0; j < n; j++)
			if (seen[j] == k) {
				selftest_fail(t, name, "VIRTIO %d and %d both become %d", -1 - j, v, k);
				return;
			}
		/* The one text of its own: the kernel's "no such device" is
		 * about any device (and the probe never prints it). */
		bool same = v == VIRTIO_ENODEV || strcmp(kstrerror(k), virtio_strerror(v)) == 0;
		if (k >= 0 || !same) {
			selftest_fail(t, name, "VIRTIO %d \"%s\" became %d \"%s\"", v,
				      virtio_strerror(v), k, kstrerror(k));
			return;
		}
	}
	selftest_pass(t, name, "%d codes", n);
}

void virtio_selftest_suite(struct selftest_ctx *t)
{
	case_error_translation(t);
	for (unsigned i = 0; i < blkdev_count(); i++) {
		struct blkdev *dev = blkdev_get(i);
		struct vblk *blk = virtio_blkdev_driver(dev);
		char name[64], why[80];
		if (!blk)
			continue;
		const struct virtio_device *v = blk->vdev;
		const struct virtq *vq = &blk->queues[0]->vq;
		const char *layout = virtq_is_packed(vq) ? "packed" : "split";

		ksnprintf(name, sizeof(name), "%s: ring=%s in memory", dev->name, layout);
		bool ok = layout_evidence(vq, why, sizeof(why));
		if (ok)
			selftest_pass(t, name, "%s", why);
		else
			selftest_fail(t, name, "%s", why);

		ksnprintf(name, sizeof(name), "%s: features match the transport", dev->name);
		bool packed_ok = virtq_is_packed(vq) == virtio_has_feature(v, VIRTIO_F_RING_PACKED);
		bool version_ok = v->legacy != virtio_has_feature(v, VIRTIO_F_VERSION_1);
		selftest_check(t, packed_ok && version_ok && (v->features & ~v->offered) == 0,
			       name, "negotiated 0x%llx offered 0x%llx legacy %d",
			       (unsigned long long)v->features, (unsigned long long)v->offered,
			       v->legacy);

		case_every_queue(t, dev, blk);

		ksnprintf(name, sizeof(name), "%s: completions arrived by interrupt", dev->name);
		uint64_t irqs = irq_count(virtio_blkdev_irq(dev));
		if (irqs > 0)
			selftest_pass(t, name, "%llu interrupts", (unsigned long long)irqs);
		else
			selftest_fail(t, name, "no interrupt was delivered");

		case_reinit_refreshes(t, dev, blk);
	}
}
