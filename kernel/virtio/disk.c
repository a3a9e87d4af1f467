/*
 * virtio-blk glue: adapts the library's vblk driver to the block registry.
 *
 * Each disk gets its queue memory from the DMA pool and a pool of request
 * wrappers (one per ring slot) that tie a kernel struct blkdev_io to the
 * library's struct vblk_req.  Completions run in the interrupt handler (or
 * in a poll, interrupts masked); the submit path masks interrupts so the
 * two never interleave on a queue, and a completion that resubmits its
 * own request (blkdev.h, "Completion") is already masked.  What the
 * handler must not do (the rest of a drain past its budget, a
 * reset and re-initialisation) it leaves to deferred work (deferred.h),
 * run from the kernel's wait loops with interrupts masked.
 *
 * The registry sees only kernel errors: every library code is translated
 * (kerr_from_virtio()) before it leaves this file, in a completion's
 * status as in a return value.
 */
#include "kernel/virtio/disk.h"

#include <stddef.h>

#include "kernel/deferred.h"
#include "kernel/dma.h"
#include "kernel/errno.h"
#include "kernel/irq/irq.h"
#include "kernel/riscv.h"
#include "kernel/virtio/kerr.h"
#include "kernel/virtio/probe.h"
#include "lib/printf.h"
#include "virtio/errors.h"

#define MAX_DISKS BLKDEV_MAX
#define DISK_QUEUE_SIZE 256 /* ring entries per request queue */
/* How long a completion pass keeps watching the rings after the last
 * completion while requests are in flight, at any depth
 * (virtio_device_set_busy_poll()): the interrupt starts a pass and the
 * pass then polls (NAPI-like), so an idle disk, with nothing in flight,
 * is back on interrupts and the CPU in wfi within 50 us.  Under QEMU TCG
 * every interrupt costs MMIO exits that take QEMU's global lock (PLIC
 * claim and complete, the virtio ISR read and acknowledgement) and a
 * wake-up from wfi; polling instead kept a whole queue depth in each
 * notification.  scripts/ceiling_quick.py, 4 KiB random reads at QD 128,
 * medians of interleaved boots, this with the drain budget of 128
 * (driver.h) against a limit of 16 requests in flight and a budget of 64:
 * null-co 646k against 469k IOPS, io_uring 409k against 397k (QD 32:
 * 459k against 364k and 395k against 380k; docs/performance.md, "Fifth round").  On a host whose other core
 * is busy the spinning vCPU takes CPU QEMU's I/O threads need (an earlier
 * measurement there: -10 % at QD 128). */
#define DISK_BUSY_POLL_NS 50000u
#define DISK_BUSY_POLL_MAX UINT32_MAX

struct disk;

struct disk_req {
	struct vblk_req vreq; /* first: the library's done() gets &vreq */
	struct virtq_sg sg;
	struct blkdev_io *io;
	struct disk *disk;
	struct disk_req *next_free;
};

struct disk {
	/* What every request touches: blk first (a completion hands the
	 * library r->disk as it is), the rest within a load's reach of the
	 * start (the queues put everything after them kilobytes away). */
	struct vblk blk;
	struct disk_req *free_reqs;
	uint16_t nqueues;
	struct virtio_device *vdev;
	struct vblk_queue queues[VBLK_MAX_QUEUES];
	uint32_t irq;
	struct blkdev bdev;
	struct deferred_work work; /* disk_deferred() */
	char transport[64];
};

static struct disk disks[MAX_DISKS];
static unsigned ndisks;

_Static_assert(offsetof(struct disk_req, vreq) == 0, "disk_req_done() casts the vblk_req");

static void disk_req_release(struct disk_req *r)
{
	struct disk *d = r->disk;
	r->next_free = d->free_reqs;
	d->free_reqs = r;
}

/* io failed (`status`, a library code): the device said so, an abort took
 * it back, or its resubmission was refused.  Never resubmitted (blkdev.h),
 * so done()'s answer is not looked at.  Out of line: disk_req_done()
 * saves no register for it. */
__attribute__((noinline)) static void disk_req_failed(struct disk_req *r, int status)
{
	struct blkdev_io *io = r->io;

	disk_req_release(r);
	io->status = kerr_from_virtio(status);
	io->completed = true;
	if (io->done)
		(void)io->done(io);
}

/* r's request once more, at the sector its done() has set.  The io is
 * read again from r, here and in disk_req_failed(), not kept across the
 * calls: one register less to save. */
static inline void disk_req_again(struct disk_req *r)
{
	struct blkdev_io *io = r->io;

	io->completed = false;
	r->vreq.sector = io->sector;
	/* the queue the library put it on last time: io->queue's, in range */
	int rc = vblk_submit_nokick(&r->disk->blk, r->vreq.queue, &r->vreq);
	if (__builtin_expect(rc != VIRTIO_OK, 0))
		disk_req_failed(r, rc);
}

/*
 * The library's done() of every request.  The common case in a stream of
 * requests is a done() that wants the same request again (blkdev.h,
 * "Completion"): r goes back to the library as it is, with the new
 * sector, without a free-list round trip, an interrupt mask or a
 * notification.  A success only ever comes from a drain of r's own queue
 * (aborts and recoveries complete with an error), every drain here runs
 * with interrupts masked (the handler, disk_poll(), disk_deferred(),
 * disk_reinit()), and a drain notifies once for everything its callbacks
 * add (driver.h, virtio_queue_drain()).  Type, buffer and length are the
 * ones disk_req_fill() checked; the library validates the whole request
 * again (capacity, read-only, alignment), so nothing more is needed here.
 */
static void disk_req_done(struct vblk_req *vreq, int status)
{
	struct disk_req *r = (struct disk_req *)vreq;
	struct blkdev_io *io = r->io;

	if (__builtin_expect(status != VIRTIO_OK, 0)) {
		disk_req_failed(r, status);
		return;
	}
	io->status = KERR_OK;
	io->completed = true;
	if (!io->done || !io->done(io)) {
		disk_req_release(r);
		return;
	}
	disk_req_again(r);
}

/* The library's request for io in r (whose done and data pointer were
 * set once, disk_setup_queues()); 0 or KERR_EINVAL. */
static int disk_req_fill(struct disk_req *r, const struct blkdev_io *io)
{
	struct vblk_req *v = &r->vreq;
	/* The data length in 64 bits: count * 512 overflows 32 bits from 8 Mi
	 * sectors (4 GiB) on, and a truncated length would move a few bytes
	 * where the caller asked for gigabytes.  One buffer carries at most
	 * UINT32_MAX bytes: refuse more. */
	uint64_t bytes = (uint64_t)io->count * BLKDEV_SECTOR;

	v->sector = io->sector;
	v->ndata = 1;
	v->nsectors = 0;
	v->flags = 0;
	switch (io->op) {
	case BLKDEV_READ:
	case BLKDEV_WRITE:
		if (bytes > UINT32_MAX)
			return KERR_EINVAL;
		v->type = io->op == BLKDEV_READ ? VIRTIO_BLK_T_IN : VIRTIO_BLK_T_OUT;
		r->sg = (struct virtq_sg){ io->buf, (uint32_t)bytes };
		return KERR_OK;
	case BLKDEV_FLUSH:
		v->type = VIRTIO_BLK_T_FLUSH;
		v->ndata = 0;
		return KERR_OK;
	case BLKDEV_DISCARD:
	case BLKDEV_WRITE_ZEROES:
		v->type = io->op == BLKDEV_DISCARD ? VIRTIO_BLK_T_DISCARD
						   : VIRTIO_BLK_T_WRITE_ZEROES;
		v->ndata = 0;
		v->nsectors = io->count;
		v->flags = io->flags & BLKDEV_F_UNMAP ? VIRTIO_BLK_WZ_F_UNMAP : 0;
		return KERR_OK;
	case BLKDEV_GET_ID:
		v->type = VIRTIO_BLK_T_GET_ID;
		r->sg = (struct virtq_sg){ io->buf, BLKDEV_ID_BYTES };
		return KERR_OK;
	}
	return KERR_EINVAL;
}

static int disk_submit(struct blkdev *bdev, struct blkdev_io *io)
{
	struct disk *d = bdev->driver;

	io->completed = false;
	io->status = 0;
	if (io->op == BLKDEV_FLUSH && !d->blk.info.writeback) {
		/* A writethrough cache (no FLUSH, or CONFIG_WCE set so,
		 * §5.2.5.1): every completed write is already durable. */
		io->completed = true;
		if (io->done)
			(void)io->done(io); /* not a read or write: never resubmitted */
		return 0;
	}
	unsigned long irq = intr_save();
	struct disk_req *r = d->free_reqs;
	if (!r) {
		intr_restore(irq);
		return KERR_ENOSPC;
	}
	int rc = disk_req_fill(r, io);
	if (rc) {
		intr_restore(irq);
		return rc;
	}
	r->io = io;
	/* The hint is normally in range: no division on the common path. */
	uint16_t q = io->queue < d->nqueues ? io->queue : (uint16_t)(io->queue % d->nqueues);
	rc = vblk_submit_nokick(&d->blk, q, &r->vreq);
	/* One notification for a batch: the last request without MORE
	 * kicks for all (a failed submit kicks what is already queued);
	 * from a completion callback the drain kicks once it is through
	 * (virtio_queue_kick()). */
	if (!(io->flags & BLKDEV_F_MORE) || rc)
		vblk_kick(&d->blk, q);
	if (rc == 0)
		d->free_reqs = r->next_free;
	else
		r->io = NULL;
	intr_restore(irq);
	return rc ? kerr_from_virtio(rc) : KERR_OK;
}

static uint32_t disk_caps(const struct vblk_info *in)
{
	return (in->writeback ? BLKDEV_CAP_FLUSH : 0) |
	       (in->discard.max_sectors ? BLKDEV_CAP_DISCARD : 0) |
	       (in->write_zeroes.max_sectors ? BLKDEV_CAP_WRITE_ZEROES : 0) |
	       BLKDEV_CAP_GET_ID; /* every virtio-blk device answers GET_ID or UNSUPP */
}

/* The registry's view of what the library read from the device: after
 * bring-up, after a configuration interrupt (a resize), and after every
 * re-initialisation, which reads the whole configuration again (the
 * device may come back with another capacity, block size, read-only flag
 * or cache mode). */
static void disk_sync_info(struct disk *d)
{
	const struct vblk_info *in = &d->blk.info;
	d->bdev.sectors = in->capacity;
	d->bdev.block_size = in->blk_size;
	d->bdev.read_only = in->read_only;
	d->bdev.caps = disk_caps(in);
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

static uint64_t disk_notifies(struct blkdev *bdev)
{
	struct disk *d = bdev->driver;
	uint64_t n = 0;
	struct virtq_stats st;
	for (uint16_t q = 0; q < d->nqueues; q++)
		if (virtq_get_stats(&d->queues[q].vq, &st) == VIRTIO_OK)
			n += st.notifies;
	return n;
}

/* CONFIG_WCE (§5.2.5.1): the device's cache mode, switched at run time. */
static int disk_set_writeback(struct blkdev *bdev, bool writeback)
{
	struct disk *d = bdev->driver;
	unsigned long irq = intr_save();
	int rc = vblk_set_writeback(&d->blk, writeback);
	bdev->caps = disk_caps(&d->blk.info);
	intr_restore(irq);
	return kerr_from_virtio(rc);
}

/* Reset the device, which hands every buffer back (§3.3) and fails the
 * requests in flight with `err`, then re-initialise it with the same
 * queues and refresh the registry from what it reads.  0 or a KERR_*;
 * KERR_EDEAD when the reset never completes: the requests stay with the
 * device. */
static int disk_reinit(struct disk *d, int err)
{
	unsigned long irq = intr_save();
	int rc = virtio_device_abort(d->vdev, err);
	if (rc == VIRTIO_OK)
		rc = virtio_device_recover(d->vdev);
	disk_sync_info(d);
	intr_restore(irq);
	return kerr_from_virtio(rc);
}

/* A request timed out: take everything back and start again, so the disk
 * is usable again if the device recovers. */
static void disk_abort(struct blkdev *bdev)
{
	int rc = disk_reinit(bdev->driver, VIRTIO_ETIMEDOUT);
	kprintf("%s: device stopped answering; %s%s\n", bdev->name,
		rc == KERR_EDEAD ? "" : "reset, ", rc ? kstrerror(rc) : "re-initialised");
}

static const struct blkdev_ops disk_ops = {
	.submit = disk_submit,
	.poll = disk_poll,
	.range_chunk = disk_range_chunk,
	.notifies = disk_notifies,
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
		kprintf("%s: %s\n", d->bdev.name, kstrerror(kerr_from_virtio(rc)));
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
		kprintf("%s: re-initialisation failed: %s\n", d->bdev.name,
			kstrerror(kerr_from_virtio(rc)));
}

/* Request queues, each with its ring memory and its share of the request
 * wrappers, from the DMA pool (given back by the caller on failure).  One
 * wrapper more than the ring holds: a done() runs while its request's
 * ring slot is free again but its wrapper is still taken (it may ask for
 * the request again, blkdev.h), so what it submits instead finds one. */
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
		unsigned nreqs = size + 1u;
		struct disk_req *reqs = dma_alloc(nreqs * sizeof(*reqs));
		if (!mem || !reqs)
			return KERR_ENOMEM;
		int rc = vblk_attach_queue(&d->blk, q, &d->queues[q], size, mem, bytes);
		if (rc)
			return kerr_from_virtio(rc);
		for (unsigned i = 0; i < nreqs; i++) {
			reqs[i].disk = d;
			reqs[i].vreq.done = disk_req_done;
			reqs[i].vreq.data = &reqs[i].sg;
			reqs[i].next_free = d->free_reqs;
			d->free_reqs = &reqs[i];
		}
		d->nqueues++;
	}
	return d->nqueues ? KERR_OK : KERR_ENOQUEUE;
}

/*
 * Negotiate, queues, interrupt, DRIVER_OK, then the registry.  A step
 * that fails undoes the ones before it: the handler comes off the line,
 * and the queue memory goes back to the pool once a checked reset shows
 * the device no longer owns it (virtio_bringup_undo()).
 */
static int disk_attach(struct disk *d, struct virtio_device *vdev, const char *where,
		       uint32_t irq)
{
	size_t mark = dma_mark();
	bool handler = false;

	*d = (struct disk){ .vdev = vdev, .irq = irq };
	d->work = (struct deferred_work){ .fn = disk_deferred, .ctx = d };
	ksnprintf(d->transport, sizeof(d->transport), "%s", where);
	int rc = kerr_from_virtio(vblk_probe(&d->blk, vdev, ~0ull));
	if (rc == KERR_OK) {
		virtio_device_set_busy_poll(vdev, DISK_BUSY_POLL_NS, DISK_BUSY_POLL_MAX);
		rc = disk_setup_queues(d);
	}
	if (rc == KERR_OK) {
		handler = irq_register(irq, disk_irq, d) == 0;
		rc = handler ? KERR_OK : KERR_EINVAL;
	}
	if (rc == KERR_OK)
		rc = kerr_from_virtio(vblk_start(&d->blk));
	if (rc == KERR_OK) {
		d->bdev = (struct blkdev){
			.transport = d->transport,
			.queues = d->nqueues,
			.queue_depth = vblk_queue_capacity(&d->blk, 0, 1),
			.irq = d->irq,
			.ops = &disk_ops,
			.driver = d,
		};
		disk_sync_info(d);
		rc = virtio_fail_injected(vdev) ? KERR_EFULL : blkdev_register(&d->bdev);
	}
	if (rc) {
		virtio_bringup_undo(vdev, where, mark, irq, handler ? disk_irq : NULL, d);
		deferred_cancel(&d->work); /* a mark from the handler before it went */
	}
	return rc;
}

int virtio_blk_attach(struct virtio_device *vdev, const char *where, uint32_t irq)
{
	if (ndisks == MAX_DISKS)
		return KERR_EFULL;
	/* The slot is taken only by a disk that came up: a failed one left
	 * nothing pointing at it (no handler, no registry entry). */
	int rc = disk_attach(&disks[ndisks], vdev, where, irq);
	if (rc == KERR_OK)
		ndisks++;
	return rc;
}

static struct disk *virtio_blkdev_disk(struct blkdev *dev)
{
	for (unsigned i = 0; i < ndisks; i++)
		if (&disks[i].bdev == dev)
			return &disks[i];
	return NULL;
}

struct vblk *virtio_blkdev_driver(struct blkdev *dev)
{
	struct disk *d = virtio_blkdev_disk(dev);
	return d ? &d->blk : NULL;
}

uint32_t virtio_blkdev_irq(struct blkdev *dev)
{
	struct disk *d = virtio_blkdev_disk(dev);
	return d ? d->irq : 0;
}

int virtio_blk_reinit(struct blkdev *dev)
{
	struct disk *d = virtio_blkdev_disk(dev);
	return d ? disk_reinit(d, VIRTIO_ERESET) : KERR_ENODEV;
}
