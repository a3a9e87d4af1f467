/*
 * Probing virtio devices and adapting virtio-blk to the block registry.
 *
 * Each disk gets its queue memory from the DMA pool and a pool of request
 * wrappers (one per ring slot) that tie a kernel struct blkdev_io to the
 * library's struct vblk_req.  Completions run in the interrupt handler; the
 * submit path masks interrupts so the two never interleave on a queue.
 * What the handler must not do (the rest of a drain past its budget, a
 * reset and re-initialisation) it leaves to deferred work (deferred.h),
 * run from the kernel's wait loops with interrupts masked.
 */
#include "kernel/virtio/probe.h"
#include "kernel/virtio/console.h"
#include "kernel/virtio/entropy.h"
#include "kernel/virtio/input.h"

#include "kernel/deferred.h"
#include "kernel/dt/devtree.h"
#include "kernel/dma.h"
#include "kernel/irq/irq.h"
#include "kernel/riscv.h"
#include "kernel/virtio/pci_probe.h"
#include "lib/printf.h"
#include "virtio/errors.h"
#include "virtio/mmio.h"

#define MAX_DISKS BLKDEV_MAX
#define DISK_QUEUE_SIZE 256 /* ring entries per request queue */

struct disk;

struct disk_req {
	struct vblk_req vreq;
	struct virtq_sg sg;
	struct blkdev_io *io;
	struct disk *disk;
	struct disk_req *next_free;
};

struct disk {
	struct virtio_device *vdev;
	struct vblk blk;
	struct vblk_queue queues[VBLK_MAX_QUEUES];
	uint16_t nqueues;
	uint32_t irq;
	struct blkdev bdev;
	struct disk_req *free_reqs;
	struct deferred_work work; /* disk_deferred() */
	char transport[64];
};

static struct disk disks[MAX_DISKS];
static unsigned ndisks;

static void disk_req_done(struct vblk_req *vreq, int status)
{
	struct disk_req *r = vreq->ctx;
	struct blkdev_io *io = r->io;

	r->io = NULL;
	r->next_free = r->disk->free_reqs;
	r->disk->free_reqs = r;
	io->status = status;
	io->completed = true;
	if (io->done)
		io->done(io);
}

static int disk_submit(struct blkdev *bdev, struct blkdev_io *io)
{
	struct disk *d = bdev->driver;
	int rc;

	io->completed = false;
	io->status = 0;
	if (io->op == BLKDEV_FLUSH && !d->blk.info.writeback) {
		/* A writethrough cache (no FLUSH, or CONFIG_WCE set so,
		 * §5.2.5.1): every completed write is already durable. */
		io->completed = true;
		if (io->done)
			io->done(io);
		return 0;
	}
	unsigned long irq = intr_save();
	struct disk_req *r = d->free_reqs;
	if (!r) {
		intr_restore(irq);
		return VIRTIO_ENOSPC;
	}
	r->io = io;
	r->sg = (struct virtq_sg){ io->buf, io->count * BLKDEV_SECTOR };
	r->vreq = (struct vblk_req){ .sector = io->sector, .done = disk_req_done, .ctx = r };
	switch (io->op) {
	case BLKDEV_READ:
	case BLKDEV_WRITE:
		r->vreq.type = io->op == BLKDEV_READ ? VIRTIO_BLK_T_IN : VIRTIO_BLK_T_OUT;
		r->vreq.data = &r->sg;
		r->vreq.ndata = 1;
		break;
	case BLKDEV_FLUSH:
		r->vreq.type = VIRTIO_BLK_T_FLUSH;
		break;
	case BLKDEV_DISCARD:
	case BLKDEV_WRITE_ZEROES:
		r->vreq.type = io->op == BLKDEV_DISCARD ? VIRTIO_BLK_T_DISCARD
							: VIRTIO_BLK_T_WRITE_ZEROES;
		r->vreq.nsectors = io->count;
		r->vreq.flags = io->flags & BLKDEV_F_UNMAP ? VIRTIO_BLK_WZ_F_UNMAP : 0;
		break;
	case BLKDEV_GET_ID:
		r->vreq.type = VIRTIO_BLK_T_GET_ID;
		r->sg = (struct virtq_sg){ io->buf, BLKDEV_ID_BYTES };
		r->vreq.data = &r->sg;
		r->vreq.ndata = 1;
		break;
	}
	/* The hint is normally in range: no division on the common path. */
	uint16_t q = io->queue < d->nqueues ? io->queue : (uint16_t)(io->queue % d->nqueues);
	rc = vblk_submit_nokick(&d->blk, q, &r->vreq);
	/* One notification for a batch: the last request without MORE
	 * kicks for all (a failed submit kicks what is already queued). */
	if (!(io->flags & BLKDEV_F_MORE) || rc)
		vblk_kick(&d->blk, q);
	if (rc == 0)
		d->free_reqs = r->next_free;
	else
		r->io = NULL;
	intr_restore(irq);
	return rc;
}

static uint32_t disk_caps(const struct vblk_info *in);

/* The registry's view after the library ran: the capacity (a resize seen
 * by the config interrupt, or a re-initialisation) and the cache mode (a
 * re-initialisation reads it again). */
static void disk_sync_info(struct disk *d)
{
	d->bdev.sectors = d->blk.info.capacity;
	d->bdev.caps = disk_caps(&d->blk.info);
}

/* What the interrupt or a poll left for the main loop: deferred work. */
static void disk_note(struct disk *d)
{
	disk_sync_info(d);
	if (virtio_device_pending(d->vdev))
		deferred_mark(&d->work);
}

static void disk_poll(struct blkdev *bdev)
{
	struct disk *d = bdev->driver;
	unsigned long irq = intr_save();
	virtio_device_poll(d->vdev);
	disk_note(d);
	intr_restore(irq);
}

static uint32_t disk_range_chunk(struct blkdev *bdev, enum blkdev_op op, uint64_t sector,
				 uint64_t count)
{
	struct disk *d = bdev->driver;
	uint32_t type = op == BLKDEV_DISCARD ? VIRTIO_BLK_T_DISCARD : VIRTIO_BLK_T_WRITE_ZEROES;
	return vblk_range_chunk(&d->blk, type, sector, count);
}

static bool disk_has_completions(struct blkdev *bdev, uint16_t queue)
{
	struct disk *d = bdev->driver;
	return queue < d->nqueues && virtq_has_used(&d->queues[queue].vq);
}

/* CONFIG_WCE (§5.2.5.1): the device's cache mode, switched at run time. */
static int disk_set_writeback(struct blkdev *bdev, bool writeback)
{
	struct disk *d = bdev->driver;
	unsigned long irq = intr_save();
	int rc = vblk_set_writeback(&d->blk, writeback);
	bdev->caps = disk_caps(&d->blk.info);
	intr_restore(irq);
	return rc;
}

/* A request timed out: reset the device, which hands every buffer back
 * (§3.3) and fails the requests, then re-initialise it with the same
 * queues so the disk is usable again if the device recovers.  A reset
 * that never completes leaves the requests with the device. */
static void disk_abort(struct blkdev *bdev)
{
	struct disk *d = bdev->driver;
	unsigned long irq = intr_save();
	int rc = virtio_device_abort(d->vdev, VIRTIO_ETIMEDOUT);
	if (rc == VIRTIO_OK)
		rc = virtio_device_recover(d->vdev);
	disk_sync_info(d);
	intr_restore(irq);
	kprintf("%s: device stopped answering; %s%s\n", bdev->name,
		rc == VIRTIO_EDEAD ? "" : "reset, ", rc ? virtio_strerror(rc) : "re-initialised");
}

static const struct blkdev_ops disk_ops = {
	.submit = disk_submit,
	.poll = disk_poll,
	.strerror = virtio_strerror,
	.range_chunk = disk_range_chunk,
	.has_completions = disk_has_completions,
	.set_writeback = disk_set_writeback,
	.abort = disk_abort,
	.info = virtio_blk_info_extra,
};

static void disk_irq(void *ctx)
{
	struct disk *d = ctx;
	bool was_live = d->vdev->state == VIRTIO_DEV_LIVE;
	int rc = vblk_interrupt(&d->blk);
	/* Say it once: a disk that is down sees every neighbour's interrupt
	 * on a shared line.  A needed reset is no error: it is recovered. */
	if (rc < 0 && rc != VIRTIO_ERESET && was_live)
		kprintf("%s: %s\n", d->bdev.name, virtio_strerror(rc));
	disk_note(d);
}

/* Main loop, interrupts masked: what disk_irq() or disk_poll() left.  A
 * failed recovery is said once and not retried: the device is down, which
 * virtio_device_pending() does not count (one that keeps refusing would
 * be reset on every idle loop), and its requests fail as after a failed
 * bring-up. */
static void disk_deferred(void *ctx)
{
	struct disk *d = ctx;
	unsigned long irq = intr_save();
	unsigned pending = virtio_device_pending(d->vdev);
	int rc = VIRTIO_OK;
	if (pending & VIRTIO_PENDING_RECOVER)
		rc = virtio_device_recover(d->vdev);
	else if (pending & VIRTIO_PENDING_POLL)
		virtio_device_poll(d->vdev);
	disk_sync_info(d);
	if (virtio_device_pending(d->vdev) & VIRTIO_PENDING_POLL)
		deferred_mark(&d->work);
	intr_restore(irq);
	if (rc)
		kprintf("%s: re-initialisation failed: %s\n", d->bdev.name, virtio_strerror(rc));
}

/* Request queues, each with its ring memory and its share of the request
 * wrappers. */
static int disk_setup_queues(struct disk *d)
{
	uint16_t want = d->blk.info.num_queues;
	if (want > VBLK_MAX_QUEUES)
		want = VBLK_MAX_QUEUES;
	for (uint16_t q = 0; q < want; q++) {
		uint16_t size = virtio_queue_size(d->vdev, q, DISK_QUEUE_SIZE);
		if (size == 0)
			break; /* fewer queues than num_queues says: use those */
		size_t bytes = vblk_queue_mem_bytes_for(&d->blk, size);
		void *mem = dma_alloc(bytes);
		struct disk_req *reqs = dma_alloc(size * sizeof(*reqs));
		if (!mem || !reqs)
			return VIRTIO_ENOMEM;
		int rc = vblk_attach_queue(&d->blk, q, &d->queues[q], size, mem, bytes);
		if (rc)
			return rc;
		for (uint16_t i = 0; i < size; i++) {
			reqs[i].disk = d;
			reqs[i].next_free = d->free_reqs;
			d->free_reqs = &reqs[i];
		}
		d->nqueues++;
	}
	return d->nqueues ? VIRTIO_OK : VIRTIO_ENOQUEUE;
}

static int disk_attach(struct disk *d, struct virtio_device *vdev, uint32_t irq)
{
	d->vdev = vdev;
	d->irq = irq;
	d->work = (struct deferred_work){ .fn = disk_deferred, .ctx = d };
	int rc = vblk_probe(&d->blk, vdev, ~0ull);
	if (rc == VIRTIO_OK)
		rc = disk_setup_queues(d);
	if (rc == VIRTIO_OK && irq_register(irq, disk_irq, d) != 0)
		rc = VIRTIO_EINVAL;
	if (rc == VIRTIO_OK)
		rc = vblk_start(&d->blk);
	if (rc)
		virtio_device_fail(vdev);
	return rc;
}

static uint32_t disk_caps(const struct vblk_info *in)
{
	return (in->writeback ? BLKDEV_CAP_FLUSH : 0) |
	       (in->discard.max_sectors ? BLKDEV_CAP_DISCARD : 0) |
	       (in->write_zeroes.max_sectors ? BLKDEV_CAP_WRITE_ZEROES : 0) |
	       BLKDEV_CAP_GET_ID; /* every virtio-blk device answers GET_ID or UNSUPP */
}

int virtio_attach(struct virtio_device *vdev, const char *where, uint32_t irq)
{
	if (vdev->device_id == VIRTIO_ID_RNG)
		return virtio_rng_attach(vdev, where); /* polled: no interrupt */
	if (vdev->device_id == VIRTIO_ID_CONSOLE)
		return virtio_console_attach(vdev, where, irq);
	if (vdev->device_id == VIRTIO_ID_INPUT)
		return virtio_input_attach(vdev, where, irq);
	if (vdev->device_id != VIRTIO_ID_BLOCK) {
		kprintf("%s: virtio device type %u: no driver in this kernel\n", where,
			(unsigned)vdev->device_id);
		return VIRTIO_ENOTSUP;
	}
	if (ndisks == MAX_DISKS) {
		kprintf("%s: virtio-blk: more than %u disks\n", where, MAX_DISKS);
		return VIRTIO_ENOMEM;
	}
	struct disk *d = &disks[ndisks];
	*d = (struct disk){ 0 };
	int rc = disk_attach(d, vdev, irq);
	if (rc) {
		kprintf("%s: virtio-blk: %s\n", where, virtio_strerror(rc));
		return rc;
	}
	ksnprintf(d->transport, sizeof(d->transport), "%s", where);
	d->bdev = (struct blkdev){
		.sectors = d->blk.info.capacity,
		.block_size = d->blk.info.blk_size,
		.read_only = d->blk.info.read_only,
		.transport = d->transport,
		.queues = d->nqueues,
		.irq = d->irq,
		.caps = disk_caps(&d->blk.info),
		.ops = &disk_ops,
		.driver = d,
	};
	if (blkdev_register(&d->bdev) != 0)
		return VIRTIO_ENOMEM;
	ndisks++;
	return VIRTIO_OK;
}

/* One per slot: the device structs must outlive the probe. */
static struct virtio_mmio mmio_devs[DT_MAX_VIRTIO_MMIO];

void virtio_probe_all(void)
{
	const struct dt_info *dt = dt_info();
	for (unsigned i = 0; i < dt->n_virtio_mmio && i < DT_MAX_VIRTIO_MMIO; i++) {
		uint64_t base = dt->virtio_mmio[i].base;
		uint32_t irq = dt->virtio_mmio[i].irq;
		struct virtio_mmio *m = &mmio_devs[i];
		char where[64];
		int rc = virtio_mmio_probe(m, (uintptr_t)base);
		if (rc == VIRTIO_ENODEV)
			continue; /* an empty slot: QEMU virt always has eight */
		ksnprintf(where, sizeof(where), "%s @0x%lx irq %u",
			  rc ? "virtio-mmio" : m->vdev.transport_name, (unsigned long)base,
			  (unsigned)irq);
		if (rc) {
			kprintf("%s: %s\n", where, virtio_strerror(rc));
			continue;
		}
		virtio_attach(&m->vdev, where, irq);
	}
	virtio_pci_probe_all();
}

struct vblk *virtio_blkdev_driver(struct blkdev *dev)
{
	for (unsigned i = 0; i < ndisks; i++)
		if (&disks[i].bdev == dev)
			return &disks[i].blk;
	return NULL;
}

uint32_t virtio_blkdev_irq(struct blkdev *dev)
{
	for (unsigned i = 0; i < ndisks; i++)
		if (&disks[i].bdev == dev)
			return disks[i].irq;
	return 0;
}
