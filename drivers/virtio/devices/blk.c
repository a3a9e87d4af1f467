/*
 * virtio-blk driver (§5.2) over the virtqueue API.
 *
 * A request is header (device-readable), data buffers, status byte
 * (device-writable).  Header and status live in a per-queue DMA slab
 * indexed by a slot the request holds while in flight, so the caller's
 * struct vblk_req never has to be DMA-reachable (its data buffers do).
 * Synchronous wrappers are in blk_sync.c.
 */
#include "virtio/blk.h"
#include "virtio/errors.h"
#include "virtio/platform.h"

/* Status value pre-set in the slab: the device never writes it. */
#define STATUS_UNWRITTEN 0xffu

/* A body the hot path inlines with a constant buffer count (submit()). */
#if defined(__GNUC__) && !defined(__OPTIMIZE_SIZE__)
#define VBLK_ALWAYS_INLINE __attribute__((always_inline))
#else
#define VBLK_ALWAYS_INLINE
#endif

#define DRIVER_FEATURES                                                          \
	(VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) |   \
	 VIRTIO_BIT(VIRTIO_BLK_F_RO) | VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |        \
	 VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) | VIRTIO_BIT(VIRTIO_BLK_F_TOPOLOGY) |     \
	 VIRTIO_BIT(VIRTIO_BLK_F_CONFIG_WCE) | VIRTIO_BIT(VIRTIO_BLK_F_MQ) |      \
	 VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) | VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES) | \
	 VIRTIO_BIT(VIRTIO_BLK_F_SECURE_ERASE))

/* The configuration fields the driver reads, as the device holds them. */
struct raw_config {
	uint64_t capacity;
	uint32_t size_max, seg_max, blk_size;
	uint8_t physical_block_exp, alignment_offset;
	uint16_t min_io_size;
	uint32_t opt_io_size;
	uint8_t writeback;
	uint16_t num_queues;
	uint32_t discard[3];      /* max sectors, max segments, alignment */
	uint32_t write_zeroes[2]; /* max sectors, max segments */
	uint8_t write_zeroes_may_unmap;
	uint32_t secure_erase[3]; /* max sectors, max segments, alignment */
};

/* The fields to read (14 at most): each only when its feature was
 * negotiated. */
struct field_list {
	struct virtio_config_field f[16];
	unsigned n;
};

/* `count` fields of `width` bytes at `off`, into `out`, if negotiated. */
static void want(struct field_list *l, bool negotiated, uint32_t off, void *out, size_t width,
		 uint16_t count)
{
	if (negotiated)
		l->f[l->n++] = (struct virtio_config_field){ off, (uint8_t)width, count, out };
}

/* A range command's limits: max sectors, max segments, alignment (if the
 * command has one).  A device offering the command but a zero limit would
 * make it unusable; take "one segment of any size" instead. */
static struct vblk_range_limits range_limits_from(bool negotiated, const uint32_t *raw,
						  bool has_alignment)
{
	if (!negotiated)
		return (struct vblk_range_limits){ 0 };
	return (struct vblk_range_limits){
		.max_sectors = raw[0] ? raw[0] : UINT32_MAX,
		.max_seg = raw[1] ? raw[1] : 1,
		.alignment = has_alignment ? raw[2] : 0,
	};
}

/* Called after FEATURES_OK (writeback may only be read then, §5.2.5).
 * Every field in one generation (§2.5.1): limits and topology that
 * belong together are never a mix of an old and a new configuration. */
static int read_config(struct vblk *blk)
{
	struct virtio_device *d = blk->vdev;
	struct vblk_info *in = &blk->info;
	struct raw_config c = { .blk_size = 512 };
	struct field_list l = { .n = 0 };

	want(&l, true, VIRTIO_BLK_CFG_CAPACITY, &c.capacity, sizeof c.capacity, 1);
	want(&l, virtio_has_feature(d, VIRTIO_BLK_F_SIZE_MAX), VIRTIO_BLK_CFG_SIZE_MAX,
	     &c.size_max, sizeof c.size_max, 1);
	want(&l, virtio_has_feature(d, VIRTIO_BLK_F_SEG_MAX), VIRTIO_BLK_CFG_SEG_MAX,
	     &c.seg_max, sizeof c.seg_max, 1);
	want(&l, virtio_has_feature(d, VIRTIO_BLK_F_BLK_SIZE), VIRTIO_BLK_CFG_BLK_SIZE,
	     &c.blk_size, sizeof c.blk_size, 1);
	bool topology = virtio_has_feature(d, VIRTIO_BLK_F_TOPOLOGY);
	want(&l, topology, VIRTIO_BLK_CFG_PHYS_BLOCK_EXP, &c.physical_block_exp,
	     sizeof c.physical_block_exp, 1);
	want(&l, topology, VIRTIO_BLK_CFG_ALIGNMENT_OFFSET, &c.alignment_offset,
	     sizeof c.alignment_offset, 1);
	want(&l, topology, VIRTIO_BLK_CFG_MIN_IO_SIZE, &c.min_io_size, sizeof c.min_io_size, 1);
	want(&l, topology, VIRTIO_BLK_CFG_OPT_IO_SIZE, &c.opt_io_size, sizeof c.opt_io_size, 1);
	want(&l, virtio_has_feature(d, VIRTIO_BLK_F_CONFIG_WCE), VIRTIO_BLK_CFG_WRITEBACK,
	     &c.writeback, sizeof c.writeback, 1);
	want(&l, virtio_has_feature(d, VIRTIO_BLK_F_MQ), VIRTIO_BLK_CFG_NUM_QUEUES,
	     &c.num_queues, sizeof c.num_queues, 1);
	bool discard = virtio_has_feature(d, VIRTIO_BLK_F_DISCARD);
	want(&l, discard, VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS, c.discard, sizeof c.discard[0], 3);
	bool wz = virtio_has_feature(d, VIRTIO_BLK_F_WRITE_ZEROES);
	want(&l, wz, VIRTIO_BLK_CFG_MAX_WZ_SECTORS, c.write_zeroes, sizeof c.write_zeroes[0], 2);
	want(&l, wz, VIRTIO_BLK_CFG_WZ_MAY_UNMAP, &c.write_zeroes_may_unmap,
	     sizeof c.write_zeroes_may_unmap, 1);
	bool se = virtio_has_feature(d, VIRTIO_BLK_F_SECURE_ERASE);
	want(&l, se, VIRTIO_BLK_CFG_MAX_SE_SECTORS, c.secure_erase, sizeof c.secure_erase[0], 3);
	int rc = virtio_config_read_fields(d, l.f, l.n);
	if (rc)
		return rc;

	*in = (struct vblk_info){
		.capacity = c.capacity,
		.size_max = c.size_max,
		.seg_max = c.seg_max,
		/* Keep 512 unless the value is plausible. */
		.blk_size = c.blk_size >= 512 && c.blk_size <= 65536 && !(c.blk_size & (c.blk_size - 1))
				    ? c.blk_size : 512,
		.num_queues = c.num_queues ? c.num_queues : 1,
		.read_only = virtio_has_feature(d, VIRTIO_BLK_F_RO),
		.flush = virtio_has_feature(d, VIRTIO_BLK_F_FLUSH),
		.config_wce = virtio_has_feature(d, VIRTIO_BLK_F_CONFIG_WCE),
		.topology = topology,
		.physical_block_exp = c.physical_block_exp,
		.alignment_offset = c.alignment_offset,
		.min_io_size = c.min_io_size,
		.opt_io_size = c.opt_io_size,
		.discard = range_limits_from(discard, c.discard, true),
		.write_zeroes = range_limits_from(wz, c.write_zeroes, false),
		.write_zeroes_may_unmap = c.write_zeroes_may_unmap != 0,
		.secure_erase = range_limits_from(se, c.secure_erase, true),
	};
	/* §5.2.5.1: with FLUSH but no CONFIG_WCE, assume writeback. */
	in->writeback = in->config_wce ? c.writeback != 0 : in->flush;
	return VIRTIO_OK;
}

/* A configuration change that is not a reset: the capacity may have
 * changed (e.g. QEMU block_resize).  Interrupt context. */
static void config_changed(void *ctx)
{
	struct vblk *blk = ctx;
	uint64_t cap;
	if (virtio_config_read64(blk->vdev, VIRTIO_BLK_CFG_CAPACITY, &cap) == VIRTIO_OK)
		blk->info.capacity = cap;
}

static int reinit(void *ctx)
{
	return read_config(ctx);
}

static const struct virtio_driver_ops vblk_ops = {
	.config_changed = config_changed,
	.reinit = reinit,
};

int vblk_probe(struct vblk *blk, struct virtio_device *vdev, uint64_t mask)
{
	if (vdev->device_id != VIRTIO_ID_BLOCK)
		return VIRTIO_ENODEV;
	*blk = (struct vblk){ .vdev = vdev };
	int rc = virtio_device_begin(vdev, DRIVER_FEATURES, mask);
	if (rc)
		return rc;
	virtio_device_set_driver(vdev, &vblk_ops, blk);
	rc = read_config(blk);
	if (rc)
		virtio_device_fail(vdev);
	return rc;
}

/* Layout of a queue's block: virtq memory (rounded up to
 * VBLK_QUEUE_PART_ALIGN) | slot slab | free stack, as blk.h's
 * VBLK_QUEUE_MEM_BYTES_FROM() adds it up. */
static size_t virtq_part(uint16_t size, enum virtq_layout layout)
{
	return VIRTQ_ALIGN_UP(virtq_mem_bytes(size, layout, VBLK_INDIRECT_MAX),
			      VBLK_QUEUE_PART_ALIGN);
}

size_t vblk_queue_mem_bytes(uint16_t size)
{
	return VBLK_QUEUE_MEM_BYTES_FROM(size, virtq_mem_bytes_max(size, VBLK_INDIRECT_MAX));
}

size_t vblk_queue_mem_bytes_for(const struct vblk *blk, uint16_t size)
{
	return VBLK_QUEUE_MEM_BYTES_FROM(size, virtq_mem_bytes(size, virtq_layout(blk->vdev),
							       VBLK_INDIRECT_MAX));
}

uint16_t vblk_queue_capacity(const struct vblk *blk, uint16_t qi, uint16_t ndata)
{
	const struct vblk_queue *q = qi < VBLK_MAX_QUEUES ? blk->queues[qi] : NULL;
	if (!q || ndata > VBLK_MAX_DATA_SG)
		return 0;
	/* Header, data buffers, status; a slot each is never short (size). */
	return (uint16_t)(q->vq.size / virtq_chain_descs(&q->vq, ndata + 2u));
}

static void request_done(void *ctx, void *token, uint32_t len, int status);

int vblk_attach_queue(struct vblk *blk, uint16_t qi, struct vblk_queue *q,
		      uint16_t size, void *mem, size_t mem_len)
{
	if (qi >= blk->info.num_queues || qi >= VBLK_MAX_QUEUES || blk->queues[qi])
		return VIRTIO_EINVAL;
	if (mem_len < vblk_queue_mem_bytes_for(blk, size))
		return VIRTIO_ENOMEM;
	size_t vq_bytes = virtq_part(size, virtq_layout(blk->vdev));
	*q = (struct vblk_queue){ 0 };
	int rc = virtio_queue_attach(blk->vdev, &q->vq, &(struct virtio_queue_setup){
		.index = qi, .size = size, .indirect_max = VBLK_INDIRECT_MAX,
		.mem = mem, .mem_len = vq_bytes, .done = request_done, .ctx = q,
	});
	if (rc)
		return rc;
	uint8_t *p = (uint8_t *)mem + vq_bytes;
	q->dma = (struct vblk_slot_dma *)p;
	q->free = (uint16_t *)(p + (size_t)size * sizeof(struct vblk_slot_dma));
	for (uint16_t i = 0; i < size; i++)
		q->free[i] = (uint16_t)(size - 1 - i);
	q->nfree = size;
	/* With indirect tables, each slot's own: header and status never
	 * move, so only the data entry is written per request (submit()). */
	q->tables = virtq_has_indirect(&q->vq);
	for (uint16_t i = 0; i < size && q->tables; i++) {
		struct vblk_slot_dma *dma = &q->dma[i];
		virtq_table_set(&q->vq, dma->table, 0, VBLK_TABLE_ENTRIES,
				virtio_virt_to_dma(&dma->hdr), sizeof(dma->hdr), false);
		virtq_table_set(&q->vq, dma->table, 1, VBLK_TABLE_ENTRIES, 0, 0, false);
		virtq_table_set(&q->vq, dma->table, 2, VBLK_TABLE_ENTRIES,
				virtio_virt_to_dma(&dma->status), 1, true);
	}
	blk->queues[qi] = q;
	return VIRTIO_OK;
}

int vblk_start(struct vblk *blk)
{
	if (!blk->queues[0] || blk->vdev->state != VIRTIO_DEV_SETUP)
		return VIRTIO_EINVAL;
	virtio_device_ready(blk->vdev);
	return VIRTIO_OK;
}

/* Is the data direction device-writable for this request type? */
static bool data_is_writable(uint32_t type)
{
	return type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;
}

static const struct vblk_range_limits *range_limits(const struct vblk_info *in, uint32_t type)
{
	switch (type) {
	case VIRTIO_BLK_T_DISCARD: return &in->discard;
	case VIRTIO_BLK_T_WRITE_ZEROES: return &in->write_zeroes;
	case VIRTIO_BLK_T_SECURE_ERASE: return &in->secure_erase;
	default: return NULL;
	}
}

/* sector..sector+count within the capacity, without overflow. */
static bool in_capacity(const struct vblk_info *in, uint64_t sector, uint64_t count)
{
	return sector <= in->capacity && count <= in->capacity - sector;
}

/* Whole logical blocks: QEMU fails I/O that is not block aligned.
 * blk_size is a power of two >= 512 (read_config), so a mask will do. */
static bool block_aligned(const struct vblk_info *in, uint64_t sector, uint64_t count)
{
	uint64_t mask = in->blk_size / VIRTIO_BLK_SECTOR - 1;
	return ((sector | count) & mask) == 0;
}

static int validate_range(const struct vblk_info *in, const struct vblk_req *req)
{
	const struct vblk_range_limits *l = range_limits(in, req->type);
	if (l->max_sectors == 0)
		return VIRTIO_EUNSUPP; /* not negotiated */
	if (in->read_only)
		return VIRTIO_EROFS;
	if (req->ndata || req->nsectors == 0 || req->nsectors > l->max_sectors)
		return VIRTIO_EINVAL;
	/* §5.2.6.2: unmap is a write-zeroes flag; nothing else is defined. */
	uint32_t allowed = req->type == VIRTIO_BLK_T_WRITE_ZEROES ? VIRTIO_BLK_WZ_F_UNMAP : 0;
	if (req->flags & ~allowed)
		return VIRTIO_EINVAL;
	if (!in_capacity(in, req->sector, req->nsectors))
		return VIRTIO_ERANGE;
	if (!block_aligned(in, req->sector, req->nsectors))
		return VIRTIO_EALIGN;
	return VIRTIO_OK;
}

/* Everything the device could refuse, refused here first.  Reads and
 * writes, the hot path, are checked before the switch over the rest. */
static inline VBLK_ALWAYS_INLINE int validate(const struct vblk *blk, const struct vblk_req *req,
					     uint16_t ndata)
{
	const struct vblk_info *in = &blk->info;
	uint32_t type = req->type;
	uint64_t bytes = 0;
	uint32_t lens = 0; /* every length or'ed: one sector check for all */

	if (ndata > VBLK_MAX_DATA_SG || (ndata && !req->data) || !req->done)
		return VIRTIO_EINVAL;
	if (in->seg_max && ndata > in->seg_max)
		return VIRTIO_EINVAL;
	for (uint16_t i = 0; i < ndata; i++) {
		uint32_t len = req->data[i].len;
		if (len == 0 || !req->data[i].addr || (in->size_max && len > in->size_max))
			return VIRTIO_EINVAL;
		lens |= len;
		bytes += len;
	}
	/* Whole sectors per buffer: no sector straddles two buffers. */
	if (type != VIRTIO_BLK_T_GET_ID && lens % VIRTIO_BLK_SECTOR)
		return VIRTIO_EINVAL;

	if (type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_OUT) {
		if (type == VIRTIO_BLK_T_OUT && in->read_only)
			return VIRTIO_EROFS;
		if (ndata == 0)
			return VIRTIO_EINVAL;
		uint64_t sectors = bytes / VIRTIO_BLK_SECTOR;
		if (!in_capacity(in, req->sector, sectors))
			return VIRTIO_ERANGE;
		if (!block_aligned(in, req->sector, sectors))
			return VIRTIO_EALIGN;
		return VIRTIO_OK;
	}
	switch (type) {
	case VIRTIO_BLK_T_FLUSH:
		if (!in->flush)
			return VIRTIO_EUNSUPP;
		return ndata == 0 ? VIRTIO_OK : VIRTIO_EINVAL;
	case VIRTIO_BLK_T_GET_ID:
		/* §5.2.6: exactly 20 bytes. */
		return ndata == 1 && bytes == VIRTIO_BLK_ID_BYTES ? VIRTIO_OK
								       : VIRTIO_EINVAL;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
	case VIRTIO_BLK_T_SECURE_ERASE:
		return validate_range(in, req);
	default:
		return VIRTIO_EINVAL;
	}
}

/* A request of `ndata` data buffers validated, and the queue's next free
 * slot (*slot, *dmap) with its header written in the device's order (the
 * guest's on a legacy device) and its status byte pre-set; the slot stays
 * free until claim_slot(). */
static inline VBLK_ALWAYS_INLINE int prepare_slot(const struct vblk *blk, struct vblk_queue *q,
						  const struct vblk_req *req, uint16_t ndata,
						  uint16_t *slot, struct vblk_slot_dma **dmap)
{
	int rc = validate(blk, req, ndata);
	if (rc)
		return rc;
	if (q->nfree == 0)
		return VIRTIO_ENOSPC;
	*slot = q->free[q->nfree - 1];
	struct vblk_slot_dma *dma = &q->dma[*slot];
	*dmap = dma;
	bool legacy = blk->vdev->legacy;
	virtio32_store(&dma->hdr.type, req->type, legacy);
	virtio32_store(&dma->hdr.reserved, 0, legacy);
	/* FLUSH and GET_ID carry sector 0; a range command's is in its segment. */
	bool rw = req->type == VIRTIO_BLK_T_IN || req->type == VIRTIO_BLK_T_OUT;
	virtio64_store(&dma->hdr.sector, rw ? req->sector : 0, legacy);
	dma->status = STATUS_UNWRITTEN;
	return VIRTIO_OK;
}

/* The request is on the ring in `slot`: the device owns it now. */
static inline void claim_slot(struct vblk_queue *q, uint16_t qi, struct vblk_req *req,
			      uint16_t slot)
{
	q->nfree--;
	req->queue = qi;
	req->slot = slot;
	req->written = 0;
}

/* A one-buffer request (a read, a write, GET_ID) on a queue with slot
 * tables: its data in entry 1 of the slot's table (header and status
 * entries are fixed since vblk_attach_queue()), and the table to the
 * ring as one descriptor.  The table is the device's until the request
 * is used. */
static inline VBLK_ALWAYS_INLINE int submit_table(struct vblk *blk, struct vblk_queue *q,
						  uint16_t qi, struct vblk_req *req)
{
	uint16_t slot;
	struct vblk_slot_dma *dma;
	int rc = prepare_slot(blk, q, req, 1, &slot, &dma);
	if (rc)
		return rc;
	const struct virtq_sg *data = req->data;
	bool writable = data_is_writable(req->type);
	/* Write back the caller's data, as the general path does. */
	virtio_cache_clean(data->addr, data->len);
	virtq_table_set(&q->vq, dma->table, 1, VBLK_TABLE_ENTRIES,
			virtio_virt_to_dma(data->addr), data->len, writable);
	/* Header and status byte (the virtqueue cleans the table). */
	virtio_cache_clean(dma, offsetof(struct vblk_slot_dma, table));
	uint32_t total = (uint32_t)sizeof(dma->hdr) + data->len + 1;
	rc = virtq_add_table(&q->vq, dma->table, VBLK_TABLE_ENTRIES, total,
			     (writable ? data->len : 0) + 1, req);
	if (rc)
		return rc;
	claim_slot(q, qi, req, slot);
	return VIRTIO_OK;
}

/* The submission of a request with `ndata` data buffers (== req->ndata)
 * as a chain: one body, inlined with ndata 1 (every read and write the
 * block layer makes without slot tables: its loops unroll and only the
 * three entries a request has are built) and once for any other count. */
static inline VBLK_ALWAYS_INLINE int submit(struct vblk *blk, struct vblk_queue *q, uint16_t qi,
					    struct vblk_req *req, uint16_t ndata)
{
	uint16_t slot;
	struct vblk_slot_dma *dma;
	int rc = prepare_slot(blk, q, req, ndata, &slot, &dma);
	if (rc)
		return rc;
	struct virtq_sg sg[VBLK_MAX_DATA_SG + 2];
	unsigned n = 0;
	sg[n++] = (struct virtq_sg){ &dma->hdr, sizeof(dma->hdr) };
	for (uint16_t i = 0; i < ndata; i++) {
		sg[n++] = req->data[i];
		/* Write back the caller's data (a write's payload; for a read,
		 * dirty lines that would otherwise land over the device's
		 * data when evicted). */
		virtio_cache_clean(req->data[i].addr, req->data[i].len);
	}
	bool rw = req->type == VIRTIO_BLK_T_IN || req->type == VIRTIO_BLK_T_OUT;
	if (!rw && range_limits(&blk->info, req->type)) {
		/* One segment, built here in DMA memory (§5.2.6). */
		virtio_le64_store(&dma->seg.sector, req->sector);
		virtio_le32_store(&dma->seg.num_sectors, req->nsectors);
		virtio_le32_store(&dma->seg.flags, req->flags);
		sg[n++] = (struct virtq_sg){ &dma->seg, sizeof(dma->seg) };
	}
	sg[n++] = (struct virtq_sg){ &dma->status, 1 };
	unsigned n_out = data_is_writable(req->type) ? 1 : n - 1;
	virtio_cache_clean(&dma->hdr, offsetof(struct vblk_slot_dma, table));

	rc = virtq_add(&q->vq, sg, n_out, n - n_out, req);
	if (rc)
		return rc;
	claim_slot(q, qi, req, slot);
	return VIRTIO_OK;
}

/* Every request the slot table does not take, out of line: its chain
 * array and saved registers are not the table path's cost. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int submit_chain(struct vblk *blk, struct vblk_queue *q, uint16_t qi,
			struct vblk_req *req)
{
	if (req->ndata == 1)
		return submit(blk, q, qi, req, 1);
	return submit(blk, q, qi, req, req->ndata);
}

int vblk_submit_nokick(struct vblk *blk, uint16_t qi, struct vblk_req *req)
{
	struct vblk_queue *q = qi < VBLK_MAX_QUEUES ? blk->queues[qi] : NULL;
	if (!q)
		return VIRTIO_EINVAL;
	int rc = virtio_device_error(blk->vdev);
	if (rc)
		return rc;
	if (virtq_is_broken(&q->vq))
		return VIRTIO_EBROKEN;
	if (req->ndata == 1 && q->tables)
		return submit_table(blk, q, qi, req);
	return submit_chain(blk, q, qi, req);
}

void vblk_kick(struct vblk *blk, uint16_t qi)
{
	struct vblk_queue *q = qi < VBLK_MAX_QUEUES ? blk->queues[qi] : NULL;
	if (q)
		virtio_queue_kick(&q->vq); /* from a done(): once the drain is through */
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

/* The device-writable bytes of a request: its data when the device fills
 * it, then the status byte. */
static uint32_t writable_bytes(const struct vblk_req *req)
{
	uint32_t n = 1;
	if (data_is_writable(req->type))
		for (uint16_t i = 0; i < req->ndata; i++)
			n += req->data[i].len;
	return n;
}

/* The queue's done(): a request the device used (status 0: its status
 * byte says how it went) or one an abort took back (status < 0).
 *
 * The used length: nothing past it may be trusted (§2.7.8.3), and the
 * status byte is the last writable byte, so a modern device must report
 * all of them written; less is a fault.  A legacy device's lengths are
 * ignored (§5.2.6.3: devices put the whole descriptor length there, or
 * only the status byte's); the virtqueue clamps them to what was
 * posted, and the pre-set status value still catches a status byte the
 * device never wrote. */
static void request_done(void *ctx, void *token, uint32_t len, int status)
{
	struct vblk_queue *q = ctx;
	struct vblk_req *req = token;

	if (status == VIRTIO_OK && len < writable_bytes(req) && !q->vq.vdev->legacy) {
		virtio_queue_fault(&q->vq, "used length leaves out the status byte");
		status = VIRTIO_EBROKEN;
	} else if (status == VIRTIO_OK) {
		struct vblk_slot_dma *dma = &q->dma[req->slot];
		virtio_cache_invalidate(&dma->status, 1);
		/* What the device wrote, before the caller reads it. */
		if (data_is_writable(req->type))
			for (uint16_t i = 0; i < req->ndata; i++)
				virtio_cache_invalidate(req->data[i].addr, req->data[i].len);
		req->written = len;
		status = status_to_error(dma->status);
	}
	q->free[q->nfree++] = req->slot;
	req->done(req, status);
}

int vblk_poll(struct vblk *blk, uint16_t qi)
{
	struct vblk_queue *q = qi < VBLK_MAX_QUEUES ? blk->queues[qi] : NULL;
	if (!q)
		return VIRTIO_EINVAL;
	return virtio_queue_drain(&q->vq, VIRTIO_DRAIN_BUDGET);
}

uint32_t vblk_range_chunk(const struct vblk *blk, uint32_t type, uint64_t sector,
			  uint64_t count)
{
	const struct vblk_range_limits *l = range_limits(&blk->info, type);
	if (!l || l->max_sectors == 0 || count == 0)
		return 0;
	uint64_t chunk = count < l->max_sectors ? count : l->max_sectors;
	uint64_t per = blk->info.blk_size / VIRTIO_BLK_SECTOR;
	if (l->alignment > 1 && chunk == l->max_sectors) {
		/* End the piece on an alignment boundary so the next starts
		 * on one (§5.2.5: discard_sector_alignment). */
		uint64_t end = (sector + chunk) / l->alignment * l->alignment;
		if (end > sector)
			chunk = end - sector;
	}
	if (per > 1 && chunk > per)
		chunk -= chunk % per; /* whole logical blocks */
	return (uint32_t)chunk;
}
