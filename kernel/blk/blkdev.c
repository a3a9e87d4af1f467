/*
 * Block-device registry and request checks (see blkdev.h).
 *
 * The synchronous wrappers need a struct blkdev_io that outlives a timed
 * out request: the driver still owns it and may complete it later, writing
 * io->status and io->completed.  So they use a small pool of slots
 * instead of the caller's stack; a slot whose request timed out stays busy
 * until the late completion arrives (or forever, if the device is dead).
 * The slots live in the DMA pool (taken when the first disk registers):
 * a GET_ID request's 20 bytes land in its slot, the only memory here a
 * device writes.
 */
#include "kernel/blk/blkdev.h"
#include "kernel/deferred.h"
#include "kernel/dma.h"
#include "kernel/riscv.h"
#include "kernel/timer.h"
#include "lib/kstring.h"
#include "lib/printf.h"

#define SYNC_TIMEOUT_MS 5000
#define SYNC_SLOTS 4

static struct blkdev *devices[BLKDEV_MAX];
static unsigned n_devices;

struct sync_slot {
	struct blkdev_io io;
	bool busy; /* submitted and not yet seen completed */
	char id[BLKDEV_ID_BYTES]; /* GET_ID's data buffer */
};
static struct sync_slot *slots; /* SYNC_SLOTS of them */

int blkdev_register(struct blkdev *dev)
{
	/* a disk without a submit op would only fail later, far from here */
	if (!dev || !dev->ops || !dev->ops->submit)
		return KERR_EINVAL;
	if (n_devices == BLKDEV_MAX)
		return KERR_EFULL;
	if (!slots && !(slots = dma_alloc(SYNC_SLOTS * sizeof(*slots))))
		return KERR_ENOMEM;
	ksnprintf(dev->name, sizeof(dev->name), "vd%c", 'a' + n_devices);
	devices[n_devices++] = dev;
	return 0;
}

unsigned blkdev_count(void)
{
	return n_devices;
}

struct blkdev *blkdev_get(unsigned index)
{
	return index < n_devices ? devices[index] : NULL;
}

struct blkdev *blkdev_find(const char *name)
{
	for (unsigned i = 0; i < n_devices; i++) {
		if (strcmp(devices[i]->name, name) == 0)
			return devices[i];
	}
	return NULL;
}

int blkdev_submit(struct blkdev *dev, struct blkdev_io *io)
{
	switch (io->op) {
	case BLKDEV_READ:
	case BLKDEV_WRITE:
		if (io->count == 0 || !io->buf)
			return KERR_EINVAL;
		/* sector + count <= sectors, written so that nothing overflows */
		if (io->count > dev->sectors || io->sector > dev->sectors - io->count)
			return KERR_ERANGE;
		if (io->op == BLKDEV_WRITE && dev->read_only)
			return KERR_EROFS;
		break;
	case BLKDEV_FLUSH:
		break;
	case BLKDEV_DISCARD:
	case BLKDEV_WRITE_ZEROES:
		if (!(dev->caps & (io->op == BLKDEV_DISCARD ? BLKDEV_CAP_DISCARD
							    : BLKDEV_CAP_WRITE_ZEROES)))
			return KERR_EUNSUPP;
		if (io->count == 0)
			return KERR_EINVAL;
		if (io->count > dev->sectors || io->sector > dev->sectors - io->count)
			return KERR_ERANGE;
		if (dev->read_only)
			return KERR_EROFS;
		break;
	case BLKDEV_GET_ID:
		if (!(dev->caps & BLKDEV_CAP_GET_ID))
			return KERR_EUNSUPP;
		if (!io->buf)
			return KERR_EINVAL;
		break;
	default:
		return KERR_EINVAL;
	}
	io->status = 0;
	io->completed = false;
	return dev->ops->submit(dev, io);
}

static bool sync_done(struct blkdev_io *io)
{
	/* the driver has already set io->completed; nothing more to do */
	(void)io;
	return false;
}

static struct sync_slot *get_slot(void)
{
	for (unsigned i = 0; i < SYNC_SLOTS; i++) {
		if (slots[i].busy && slots[i].io.completed)
			slots[i].busy = false; /* a late completion arrived */
		if (!slots[i].busy)
			return &slots[i];
	}
	return NULL;
}

/*
 * Waits for io with a deadline.  With interrupts on, sleep in wfi (the
 * condition is checked with SIE masked; see timer.h).  With interrupts off
 * nobody would run the driver's completion handler, so poll it instead.
 */
static int wait_io(struct blkdev *dev, struct blkdev_io *io)
{
	uint64_t dl = deadline_in_ms(SYNC_TIMEOUT_MS);

	if (intr_enabled() && (csr_read(sie) & SIE_SEIE)) {
		unsigned long saved = intr_save();
		while (!io->completed && !deadline_passed(dl))
			wait_for_interrupt_until(dl);
		intr_restore(saved);
	} else {
		while (!io->completed && !deadline_passed(dl)) {
			if (dev->ops->poll)
				dev->ops->poll(dev);
			deferred_run(); /* what the poll left for the main loop */
		}
	}
	if (io->completed)
		return io->status;
	/* Timed out.  With an abort op the driver takes every request back
	 * from the silent device (a reset) and completes them, this one
	 * included; without one the request still belongs to the device: the
	 * caller must not reuse or free the buffer, and the slot stays busy. */
	if (dev->ops->abort)
		dev->ops->abort(dev);
	return KERR_ETIMEDOUT;
}

static int sync_io_flags(struct blkdev *dev, enum blkdev_op op, uint64_t sector,
			 uint32_t count, void *buf, uint32_t flags)
{
	struct sync_slot *slot = get_slot();
	int rc;

	if (!slot)
		return KERR_ETIMEDOUT; /* earlier requests never came back */
	/* the id goes to the slot, which stays the device's on a timeout;
	 * the caller's buffer (on its stack, say) gets a copy */
	void *data = op == BLKDEV_GET_ID ? memset(slot->id, 0, sizeof(slot->id)) : buf;
	slot->io = (struct blkdev_io){
		.op = op, .sector = sector, .count = count, .buf = data,
		.flags = flags, .done = sync_done,
	};
	rc = blkdev_submit(dev, &slot->io);
	if (rc)
		return rc;
	slot->busy = true;
	rc = wait_io(dev, &slot->io);
	if (slot->io.completed)
		slot->busy = false;
	if (op == BLKDEV_GET_ID)
		memcpy(buf, slot->id, sizeof(slot->id));
	return rc;
}

static int sync_io(struct blkdev *dev, enum blkdev_op op, uint64_t sector,
		   uint32_t count, void *buf)
{
	return sync_io_flags(dev, op, sector, count, buf, 0);
}

int blkdev_read(struct blkdev *dev, uint64_t sector, uint32_t count, void *buf)
{
	return sync_io(dev, BLKDEV_READ, sector, count, buf);
}

int blkdev_write(struct blkdev *dev, uint64_t sector, uint32_t count, const void *buf)
{
	/* the driver only reads a write's buffer; io->buf is not const */
	return sync_io(dev, BLKDEV_WRITE, sector, count, (void *)buf);
}

int blkdev_flush(struct blkdev *dev)
{
	return sync_io(dev, BLKDEV_FLUSH, 0, 0, NULL);
}

/* A range command in as many requests as the driver's limits need. */
static int range_op(struct blkdev *dev, enum blkdev_op op, uint64_t sector,
		    uint64_t count, uint32_t flags)
{
	if (count == 0)
		return KERR_EINVAL;
	if (count > dev->sectors || sector > dev->sectors - count)
		return KERR_ERANGE;
	while (count) {
		uint32_t chunk = dev->ops->range_chunk
					 ? dev->ops->range_chunk(dev, op, sector, count) : 0;
		if (chunk == 0)
			return KERR_EUNSUPP;
		int rc = sync_io_flags(dev, op, sector, chunk, NULL, flags);
		if (rc)
			return rc;
		sector += chunk;
		count -= chunk;
	}
	return 0;
}

int blkdev_discard(struct blkdev *dev, uint64_t sector, uint64_t count)
{
	return range_op(dev, BLKDEV_DISCARD, sector, count, 0);
}

int blkdev_write_zeroes(struct blkdev *dev, uint64_t sector, uint64_t count, bool unmap)
{
	return range_op(dev, BLKDEV_WRITE_ZEROES, sector, count, unmap ? BLKDEV_F_UNMAP : 0);
}

int blkdev_get_id(struct blkdev *dev, char id[BLKDEV_ID_BYTES + 1])
{
	memset(id, 0, BLKDEV_ID_BYTES + 1);
	return sync_io(dev, BLKDEV_GET_ID, 0, 0, id); /* through the slot's buffer */
}
