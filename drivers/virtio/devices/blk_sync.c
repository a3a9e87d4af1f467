/*
 * Synchronous virtio-blk requests for callers without an interrupt path:
 * submit on queue 0 and poll, with a deadline.  A device that misses it,
 * or breaks a rule, is reset (the only safe way to take its buffers back,
 * §3.3), which also completes the request; a device that needs a reset is
 * noticed here too and recovered at once.
 */
#include "virtio/blk.h"
#include "virtio/errors.h"
#include "virtio/platform.h"

static void sync_done(struct vblk_req *req, int status)
{
	struct vblk_sync *s = req->ctx;
	s->status = status;
	s->done = true;
	s->busy = false;
}

static int poll_queue0(void *ctx)
{
	return vblk_poll(ctx, 0);
}

/* `tmpl` is copied into blk->sync: the request must outlive this call if
 * the device keeps it (VIRTIO_EDEAD). */
static int run_sync(struct vblk *blk, const struct vblk_req *tmpl, uint64_t timeout_ns)
{
	struct virtio_device *d = blk->vdev;
	struct vblk_sync *s = &blk->sync;

	if (s->busy) { /* the device kept the last one, or a done() calls us */
		int err = virtio_device_error(d);
		return err ? err : VIRTIO_ENOSPC;
	}
	s->req = *tmpl;
	if (tmpl->ndata == 1) {
		s->sg = tmpl->data[0];
		s->req.data = &s->sg;
	}
	s->req.done = sync_done;
	s->req.ctx = s;
	s->done = false;
	int rc = vblk_submit(blk, 0, &s->req);
	if (rc)
		return rc;
	s->busy = true;
	virtio_device_wait(d, &s->done, poll_queue0, blk, timeout_ns);
	/* Not done: the device kept the request (its reset never completed). */
	return s->done ? s->status : VIRTIO_EDEAD;
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

int vblk_get_id(struct vblk *blk, char id[VIRTIO_BLK_ID_BYTES + 1], uint64_t timeout_ns)
{
	/* `id` is a data buffer like any other: it must be DMA-reachable. */
	struct virtq_sg sg = { id, VIRTIO_BLK_ID_BYTES };
	struct vblk_req req = { .type = VIRTIO_BLK_T_GET_ID, .data = &sg, .ndata = 1 };
	for (unsigned i = 0; i <= VIRTIO_BLK_ID_BYTES; i++)
		id[i] = 0;
	int rc = run_sync(blk, &req, timeout_ns);
	id[VIRTIO_BLK_ID_BYTES] = 0; /* 20 bytes used: no terminator (§5.2.6) */
	return rc;
}

int vblk_range(struct vblk *blk, uint32_t type, uint64_t sector, uint64_t count,
	       uint32_t flags, uint64_t timeout_ns)
{
	if ((type != VIRTIO_BLK_T_DISCARD && type != VIRTIO_BLK_T_WRITE_ZEROES &&
	     type != VIRTIO_BLK_T_SECURE_ERASE) || count == 0)
		return VIRTIO_EINVAL;
	if (sector > blk->info.capacity || count > blk->info.capacity - sector)
		return VIRTIO_ERANGE;
	while (count) {
		uint32_t chunk = vblk_range_chunk(blk, type, sector, count);
		if (chunk == 0)
			return VIRTIO_EUNSUPP;
		struct vblk_req req = { .type = type, .sector = sector, .nsectors = chunk, .flags = flags };
		int rc = run_sync(blk, &req, timeout_ns);
		if (rc)
			return rc;
		sector += chunk;
		count -= chunk;
	}
	return VIRTIO_OK;
}
