/*
 * virtio-blk driver (§5.2) over the virtqueue API.
 *
 * A request is header (device-readable), data buffers, status byte
 * (device-writable).  Header and status live in a per-queue DMA slab
 * indexed by a slot the request holds while in flight, so the caller's
 * struct vblk_req never has to be DMA-reachable and cache maintenance
 * never touches the caller's memory.
 */
#include "virtio/blk.h"
#include "virtio/errors.h"
#include "virtio/platform.h"

/* Status value pre-set in the slab: the device never writes it. */
#define STATUS_UNWRITTEN 0xffu
/* Indirect table entries: header + data + status. */
#define VBLK_INDIRECT_MAX (VBLK_MAX_DATA_SG + 2)

#define DRIVER_FEATURES                                                          \
	(VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) |   \
	 VIRTIO_BIT(VIRTIO_BLK_F_RO) | VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |        \
	 VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) | VIRTIO_BIT(VIRTIO_BLK_F_MQ))

static int read_config(struct vblk *blk)
{
	struct virtio_device *d = blk->vdev;
	struct vblk_info *in = &blk->info;
	uint64_t cap;

	if (virtio_config_read64(d, VIRTIO_BLK_CFG_CAPACITY, &cap))
		return VIRTIO_ETIMEDOUT;
	in->capacity = cap;
	in->size_max = virtio_has_feature(d, VIRTIO_BLK_F_SIZE_MAX)
			       ? virtio_config_read32(d, VIRTIO_BLK_CFG_SIZE_MAX) : 0;
	in->seg_max = virtio_has_feature(d, VIRTIO_BLK_F_SEG_MAX)
			      ? virtio_config_read32(d, VIRTIO_BLK_CFG_SEG_MAX) : 0;
	in->blk_size = 512;
	if (virtio_has_feature(d, VIRTIO_BLK_F_BLK_SIZE)) {
		uint32_t bs = virtio_config_read32(d, VIRTIO_BLK_CFG_BLK_SIZE);
		/* A hint only (§5.2.4): keep 512 unless it is plausible. */
		if (bs >= 512 && bs <= 65536 && (bs & (bs - 1)) == 0)
			in->blk_size = bs;
	}
	in->num_queues = 1;
	if (virtio_has_feature(d, VIRTIO_BLK_F_MQ)) {
		uint16_t n = virtio_config_read16(d, VIRTIO_BLK_CFG_NUM_QUEUES);
		in->num_queues = n == 0 ? 1 : n;
	}
	in->read_only = virtio_has_feature(d, VIRTIO_BLK_F_RO);
	in->flush = virtio_has_feature(d, VIRTIO_BLK_F_FLUSH);
	return VIRTIO_OK;
}

int vblk_probe(struct vblk *blk, struct virtio_device *vdev, uint64_t mask)
{
	if (vdev->device_id != VIRTIO_ID_BLOCK)
		return VIRTIO_ENODEV;
	*blk = (struct vblk){ .vdev = vdev, .mask = mask };
	int rc = virtio_device_begin(vdev, DRIVER_FEATURES, mask);
	if (rc)
		return rc;
	rc = read_config(blk);
	if (rc)
		virtio_device_fail(vdev);
	return rc;
}

/* Layout of a queue's block: virtq memory | slot slab | free stack. */
static size_t virtq_part(uint16_t size)
{
	size_t split = virtq_mem_bytes(size, false, VBLK_INDIRECT_MAX);
	size_t packed = virtq_mem_bytes(size, true, VBLK_INDIRECT_MAX);
	size_t larger = split > packed ? split : packed;
	return (larger + 63) & ~(size_t)63;
}

size_t vblk_queue_mem_bytes(uint16_t size)
{
	return virtq_part(size) + (size_t)size * sizeof(struct vblk_slot_dma) +
	       (size_t)size * sizeof(uint16_t);
}

static int setup_queue(struct vblk *blk, uint16_t qi, struct vblk_queue *q)
{
	int rc = virtq_create(&q->vq, blk->vdev, qi, q->size, q->mem,
			      virtq_part(q->size), VBLK_INDIRECT_MAX);
	if (rc)
		return rc;
	uint8_t *p = (uint8_t *)q->mem + virtq_part(q->size);
	q->dma = (struct vblk_slot_dma *)p;
	q->free = (uint16_t *)(p + (size_t)q->size * sizeof(struct vblk_slot_dma));
	for (uint16_t i = 0; i < q->size; i++)
		q->free[i] = (uint16_t)(q->size - 1 - i);
	q->nfree = q->size;
	return VIRTIO_OK;
}

int vblk_attach_queue(struct vblk *blk, uint16_t qi, struct vblk_queue *q,
		      uint16_t size, void *mem, size_t mem_len)
{
	if (qi >= blk->info.num_queues || qi >= VBLK_MAX_QUEUES || blk->queues[qi] ||
	    blk->started)
		return VIRTIO_EINVAL;
	if (mem_len < vblk_queue_mem_bytes(size))
		return VIRTIO_ENOMEM;
	*q = (struct vblk_queue){ .size = size, .mem = mem, .mem_len = mem_len };
	int rc = setup_queue(blk, qi, q);
	if (rc == VIRTIO_OK)
		blk->queues[qi] = q;
	return rc;
}

int vblk_start(struct vblk *blk)
{
	if (!blk->queues[0] || blk->started)
		return VIRTIO_EINVAL;
	virtio_device_ready(blk->vdev);
	blk->started = true;
	return VIRTIO_OK;
}

/* Is the data direction device-writable for this request type? */
static bool data_is_writable(uint32_t type)
{
	return type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;
}

/* Everything the device could refuse, refused here first. */
static int validate(const struct vblk *blk, const struct vblk_req *req)
{
	const struct vblk_info *in = &blk->info;
	uint64_t bytes = 0;

	if (req->ndata > VBLK_MAX_DATA_SG || (req->ndata && !req->data) || !req->done)
		return VIRTIO_EINVAL;
	for (uint16_t i = 0; i < req->ndata; i++) {
		/* Whole sectors per buffer: no sector straddles two buffers. */
		if (req->data[i].len == 0 || !req->data[i].addr ||
		    (req->type != VIRTIO_BLK_T_GET_ID && req->data[i].len % VIRTIO_BLK_SECTOR))
			return VIRTIO_EINVAL;
		if (in->size_max && req->data[i].len > in->size_max)
			return VIRTIO_EINVAL;
		bytes += req->data[i].len;
	}
	if (in->seg_max && req->ndata > in->seg_max)
		return VIRTIO_EINVAL;

	switch (req->type) {
	case VIRTIO_BLK_T_OUT:
		if (in->read_only)
			return VIRTIO_EROFS;
		/* fall through */
	case VIRTIO_BLK_T_IN: {
		if (req->ndata == 0 || bytes % VIRTIO_BLK_SECTOR)
			return VIRTIO_EINVAL;
		uint64_t sectors = bytes / VIRTIO_BLK_SECTOR;
		if (req->sector > in->capacity || sectors > in->capacity - req->sector)
			return VIRTIO_ERANGE;
		return VIRTIO_OK;
	}
	case VIRTIO_BLK_T_FLUSH:
		if (!in->flush)
			return VIRTIO_EUNSUPP;
		return req->ndata == 0 ? VIRTIO_OK : VIRTIO_EINVAL;
	case VIRTIO_BLK_T_GET_ID:
		/* §5.2.6: exactly 20 bytes. */
		return req->ndata == 1 && bytes == VIRTIO_BLK_ID_BYTES ? VIRTIO_OK
								       : VIRTIO_EINVAL;
	default:
		return VIRTIO_EINVAL;
	}
}

int vblk_submit_nokick(struct vblk *blk, uint16_t qi, struct vblk_req *req)
{
	struct vblk_queue *q = qi < VBLK_MAX_QUEUES ? blk->queues[qi] : NULL;
	if (!q || !blk->started)
		return VIRTIO_EINVAL;
	if (blk->dead || virtq_is_broken(&q->vq))
		return VIRTIO_EBROKEN;
	int rc = validate(blk, req);
	if (rc)
		return rc;
	if (q->nfree == 0)
		return VIRTIO_ENOSPC;

	uint16_t slot = q->free[q->nfree - 1];
	struct vblk_slot_dma *dma = &q->dma[slot];
	virtio_le32_store(&dma->hdr.type, req->type);
	virtio_le32_store(&dma->hdr.reserved, 0);
	virtio_le64_store(&dma->hdr.sector, req->type == VIRTIO_BLK_T_FLUSH ? 0 : req->sector);
	dma->status = STATUS_UNWRITTEN;
	virtio_cache_clean(dma, sizeof(*dma));

	struct virtq_sg sg[VBLK_MAX_DATA_SG + 2];
	unsigned n = 0;
	sg[n++] = (struct virtq_sg){ &dma->hdr, sizeof(dma->hdr) };
	for (uint16_t i = 0; i < req->ndata; i++)
		sg[n++] = req->data[i];
	sg[n++] = (struct virtq_sg){ &dma->status, 1 };
	bool in = data_is_writable(req->type);
	unsigned n_out = 1 + (in ? 0 : req->ndata);

	rc = virtq_add(&q->vq, sg, n_out, n - n_out, req);
	if (rc)
		return rc;
	q->nfree--;
	req->queue = qi;
	req->slot = slot;
	req->written = 0;
	return VIRTIO_OK;
}

void vblk_kick(struct vblk *blk, uint16_t qi)
{
	struct vblk_queue *q = qi < VBLK_MAX_QUEUES ? blk->queues[qi] : NULL;
	if (q)
		virtq_kick(&q->vq);
}

int vblk_submit(struct vblk *blk, uint16_t qi, struct vblk_req *req)
{
	int rc = vblk_submit_nokick(blk, qi, req);
	if (rc == VIRTIO_OK)
		vblk_kick(blk, qi);
	return rc;
}

static int status_to_error(uint8_t status)
{
	switch (status) {
	case VIRTIO_BLK_S_OK: return VIRTIO_OK;
	case VIRTIO_BLK_S_UNSUPP: return VIRTIO_EUNSUPP;
	case STATUS_UNWRITTEN: return VIRTIO_ENOSTATUS;
	default: return VIRTIO_EIO; /* IOERR, or a value the spec never defined */
	}
}

static void finish(struct vblk_queue *q, struct vblk_req *req, int err)
{
	q->free[q->nfree++] = req->slot;
	req->done(req, err);
}

static void complete(struct vblk_queue *q, struct vblk_req *req, uint32_t written)
{
	struct vblk_slot_dma *dma = &q->dma[req->slot];
	virtio_cache_invalidate(&dma->status, 1);
	req->written = written;
	finish(q, req, status_to_error(dma->status));
}

void vblk_abort(struct vblk *blk, int err)
{
	/* Even if the reset times out, the device is FAILED and nothing is
	 * reused; the requests must still be completed for their owners. */
	(void)virtio_device_reset(blk->vdev);
	blk->dead = true;
	for (uint16_t qi = 0; qi < VBLK_MAX_QUEUES; qi++) {
		struct vblk_queue *q = blk->queues[qi];
		void *token;
		if (!q)
			continue;
		virtq_mark_broken(&q->vq);
		while (virtq_reclaim(&q->vq, &token) == 1)
			finish(q, token, err);
	}
}

int vblk_poll(struct vblk *blk, uint16_t qi)
{
	struct vblk_queue *q = qi < VBLK_MAX_QUEUES ? blk->queues[qi] : NULL;
	int done = 0;
	void *token;
	uint32_t len;

	if (!q)
		return VIRTIO_EINVAL;
	if (blk->dead)
		return VIRTIO_EBROKEN;
	for (;;) {
		int rc;
		while ((rc = virtq_get_used(&q->vq, &token, &len)) == 1) {
			complete(q, token, len);
			done++;
		}
		if (rc < 0) {
			vblk_abort(blk, VIRTIO_EBROKEN);
			return rc;
		}
		/* Re-arm, and drain again if something slipped in meanwhile. */
		if (virtq_enable_cb(&q->vq))
			return done;
	}
}

int vblk_reinit(struct vblk *blk)
{
	int rc = virtio_device_begin(blk->vdev, DRIVER_FEATURES, blk->mask);
	if (rc == VIRTIO_OK)
		rc = read_config(blk);
	for (uint16_t qi = 0; rc == VIRTIO_OK && qi < VBLK_MAX_QUEUES; qi++)
		if (blk->queues[qi])
			rc = setup_queue(blk, qi, blk->queues[qi]);
	if (rc) {
		virtio_device_fail(blk->vdev);
		return rc;
	}
	virtio_device_ready(blk->vdev);
	blk->dead = false;
	blk->resets++;
	return VIRTIO_OK;
}

int vblk_interrupt(struct vblk *blk)
{
	uint32_t causes = virtio_interrupt_ack(blk->vdev);
	int total = 0;

	if (causes & VIRTIO_INT_CONFIG) {
		blk->config_changes++;
		if (virtio_device_needs_reset(blk->vdev)) {
			/* §2.1.2: in-flight requests are indeterminate. */
			vblk_abort(blk, VIRTIO_ERESET);
			return vblk_reinit(blk);
		}
		uint64_t cap;
		if (virtio_config_read64(blk->vdev, VIRTIO_BLK_CFG_CAPACITY, &cap) == VIRTIO_OK)
			blk->info.capacity = cap; /* e.g. QEMU block_resize */
	}
	if (blk->dead)
		return VIRTIO_EBROKEN;
	for (uint16_t qi = 0; qi < VBLK_MAX_QUEUES; qi++) {
		if (!blk->queues[qi])
			continue;
		int rc = vblk_poll(blk, qi);
		if (rc < 0)
			return rc;
		total += rc;
	}
	return total;
}

/* Synchronous requests: submit on queue 0 and poll until done. */
struct sync_wait {
	volatile bool done;
	int status;
};

static void sync_done(struct vblk_req *req, int status)
{
	struct sync_wait *w = req->ctx;
	w->status = status;
	w->done = true;
}

static int run_sync(struct vblk *blk, struct vblk_req *req, uint64_t timeout_ns)
{
	struct sync_wait w = { false, 0 };
	req->done = sync_done;
	req->ctx = &w;
	int rc = vblk_submit(blk, 0, req);
	if (rc)
		return rc;
	uint64_t deadline = virtio_time_ns() + timeout_ns;
	while (!w.done) {
		rc = vblk_poll(blk, 0);
		if (w.done || rc < 0)
			break;
		if (virtio_time_ns() > deadline) {
			/* The device still owns the buffers: take them back the
			 * only safe way, a reset (§3.3); this completes req. */
			vblk_abort(blk, VIRTIO_ETIMEDOUT);
			break;
		}
		virtio_relax();
	}
	return w.done ? w.status : VIRTIO_EBROKEN;
}

int vblk_read(struct vblk *blk, uint64_t sector, void *buf, uint32_t count, uint64_t timeout_ns)
{
	struct virtq_sg sg = { buf, count * VIRTIO_BLK_SECTOR };
	if (count == 0 || count > UINT32_MAX / VIRTIO_BLK_SECTOR)
		return VIRTIO_EINVAL;
	struct vblk_req req = { .type = VIRTIO_BLK_T_IN, .sector = sector, .data = &sg, .ndata = 1 };
	return run_sync(blk, &req, timeout_ns);
}

int vblk_write(struct vblk *blk, uint64_t sector, const void *buf, uint32_t count, uint64_t timeout_ns)
{
	struct virtq_sg sg = { (void *)buf, count * VIRTIO_BLK_SECTOR };
	if (count == 0 || count > UINT32_MAX / VIRTIO_BLK_SECTOR)
		return VIRTIO_EINVAL;
	struct vblk_req req = { .type = VIRTIO_BLK_T_OUT, .sector = sector, .data = &sg, .ndata = 1 };
	return run_sync(blk, &req, timeout_ns);
}

int vblk_flush(struct vblk *blk, uint64_t timeout_ns)
{
	struct vblk_req req = { .type = VIRTIO_BLK_T_FLUSH };
	return run_sync(blk, &req, timeout_ns);
}
