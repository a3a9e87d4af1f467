/*
 * virtio-blk driver (§5.2) over the virtqueue API.
 *
 * A request is header (device-readable), data buffers, status byte
 * (device-writable).  Header and status live in a per-queue DMA slab
 * indexed by a slot the request holds while in flight, so the caller's
 * struct vblk_req never has to be DMA-reachable (its data buffers do).
 * Synchronous wrappers are in blk_sync.c.
 */
#include "blk_internal.h"
#include "virtio/errors.h"
#include "virtio/platform.h"

/* Status value pre-set in the slab: the device never writes it. */
#define STATUS_UNWRITTEN 0xffu

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

/* The fields the driver reads, each only when its feature was negotiated
 * (ALWAYS: capacity), as one table walked by one loop: the boot runs this
 * once per disk, and a loop is translated once where fourteen conditional
 * calls were fourteen blocks of their own (issue 14). */
#define ALWAYS 0xffu
#define RAW(member) (uint8_t)offsetof(struct raw_config, member)
static const struct config_want {
	uint8_t feature, off, width, count, at; /* at: the offset in struct raw_config */
} config_wants[] = {
	{ ALWAYS, VIRTIO_BLK_CFG_CAPACITY, 8, 1, RAW(capacity) },
	{ VIRTIO_BLK_F_SIZE_MAX, VIRTIO_BLK_CFG_SIZE_MAX, 4, 1, RAW(size_max) },
	{ VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_CFG_SEG_MAX, 4, 1, RAW(seg_max) },
	{ VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_CFG_BLK_SIZE, 4, 1, RAW(blk_size) },
	{ VIRTIO_BLK_F_TOPOLOGY, VIRTIO_BLK_CFG_PHYS_BLOCK_EXP, 1, 1, RAW(physical_block_exp) },
	{ VIRTIO_BLK_F_TOPOLOGY, VIRTIO_BLK_CFG_ALIGNMENT_OFFSET, 1, 1, RAW(alignment_offset) },
	{ VIRTIO_BLK_F_TOPOLOGY, VIRTIO_BLK_CFG_MIN_IO_SIZE, 2, 1, RAW(min_io_size) },
	{ VIRTIO_BLK_F_TOPOLOGY, VIRTIO_BLK_CFG_OPT_IO_SIZE, 4, 1, RAW(opt_io_size) },
	{ VIRTIO_BLK_F_CONFIG_WCE, VIRTIO_BLK_CFG_WRITEBACK, 1, 1, RAW(writeback) },
	{ VIRTIO_BLK_F_MQ, VIRTIO_BLK_CFG_NUM_QUEUES, 2, 1, RAW(num_queues) },
	{ VIRTIO_BLK_F_DISCARD, VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS, 4, 3, RAW(discard) },
	{ VIRTIO_BLK_F_WRITE_ZEROES, VIRTIO_BLK_CFG_MAX_WZ_SECTORS, 4, 2, RAW(write_zeroes) },
	{ VIRTIO_BLK_F_WRITE_ZEROES, VIRTIO_BLK_CFG_WZ_MAY_UNMAP, 1, 1, RAW(write_zeroes_may_unmap) },
	{ VIRTIO_BLK_F_SECURE_ERASE, VIRTIO_BLK_CFG_MAX_SE_SECTORS, 4, 3, RAW(secure_erase) },
};
#undef RAW
#define N_WANTS (sizeof config_wants / sizeof config_wants[0])
_Static_assert(sizeof(struct raw_config) <= 255 && VIRTIO_BLK_CFG_MAX_SE_SECTORS <= 255,
	       "config_want's offsets fit a byte");

/* A range command's limits: max sectors, max segments, alignment (if the
 * command has one).  A device offering the command but a zero limit would
 * make it unusable; take "one segment of any size" instead.  Selects, not
 * branches: each branch of code run once per boot is a block QEMU
 * translates for that one run (issue 14). */
static struct vblk_range_limits range_limits_from(bool negotiated, const uint32_t *raw,
						  bool has_alignment)
{
	uint32_t keep = 0u - (uint32_t)negotiated; /* all ones, or 0: none of it */
	return (struct vblk_range_limits){
		.max_sectors = (raw[0] - (uint32_t)(raw[0] == 0)) & keep, /* 0: UINT32_MAX */
		.max_seg = (raw[1] + (uint32_t)(raw[1] == 0)) & keep,     /* 0: 1 */
		.alignment = has_alignment ? raw[2] & keep : 0,
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
	struct virtio_config_field f[N_WANTS];
	unsigned n = 0;

	for (const struct config_want *w = config_wants; w < config_wants + N_WANTS; w++)
		if (w->feature == ALWAYS || virtio_has_feature(d, w->feature))
			f[n++] = (struct virtio_config_field){ w->off, w->width, w->count,
							       (uint8_t *)&c + w->at };
	bool topology = virtio_has_feature(d, VIRTIO_BLK_F_TOPOLOGY);
	bool discard = virtio_has_feature(d, VIRTIO_BLK_F_DISCARD);
	bool wz = virtio_has_feature(d, VIRTIO_BLK_F_WRITE_ZEROES);
	bool se = virtio_has_feature(d, VIRTIO_BLK_F_SECURE_ERASE);
	int rc = virtio_config_read_fields(d, f, n);
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
	blk->rw = vblk_rw_limits_of(blk);
	return VIRTIO_OK;
}

/* A configuration change that is not a reset: the capacity may have
 * changed (e.g. QEMU block_resize).  Interrupt context. */
static void config_changed(void *ctx)
{
	struct vblk *blk = ctx;
	uint64_t cap;
	if (virtio_config_read64(blk->vdev, VIRTIO_BLK_CFG_CAPACITY, &cap) == VIRTIO_OK) {
		blk->info.capacity = cap;
		blk->rw = vblk_rw_limits_of(blk); /* its sector_end */
	}
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
 * VBLK_QUEUE_PART_ALIGN) | slot slab | free stack (pointers), as blk.h's
 * VBLK_QUEUE_MEM_BYTES_FROM() adds it up. */
static size_t virtq_part(uint16_t size, enum virtq_layout layout)
{
	return VIRTQ_ALIGN_UP(virtq_mem_bytes(size, layout, VBLK_INDIRECT_MAX),
			      VBLK_QUEUE_PART_ALIGN);
}

/* Queue `qi`, NULL when there is none.  The index as a size_t: gcc would
 * sign-extend the uint16_t again on every request. */
static struct vblk_queue *queue_at(const struct vblk *blk, uint16_t qi)
{
	size_t i = qi;
	return i < VBLK_MAX_QUEUES ? blk->queues[i] : NULL;
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
	const struct vblk_queue *q = queue_at(blk, qi);
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
	q->free = (struct vblk_slot_dma **)(p + (size_t)size * sizeof(struct vblk_slot_dma));
	q->free[0] = NULL; /* the bottom: an empty stack pops NULL */
	q->top = q->free + 1 + size;
	/* With indirect tables, each slot's own for a read and a write:
	 * header (but its sector) and status never move, so only the data
	 * entry's address and length are written per request (submit_table()).
	 * Built whether or not the queue has tables: then no table the
	 * submission could point the device at is ever unwritten. */
	q->tables = virtq_has_indirect(&q->vq);
	bool legacy = blk->vdev->legacy;
	/* Both layouts once, the general way, but for the addresses of the
	 * slot's own header and status: each slot copies them and sets
	 * those where submit_table() sets the data entry's (a third of the
	 * stores, and one short loop, for the 256 slots of each disk at
	 * boot, issue 14). */
	struct vblk_slot_rw layout[2];
	for (unsigned out = 0; out < 2; out++) {
		struct vblk_slot_rw *rw = &layout[out];
		virtio32_store(&rw->hdr.type, out ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, legacy);
		rw->hdr.reserved = 0;
		rw->hdr.sector = 0;
		virtq_table_set(&q->vq, rw->table, 0, VBLK_TABLE_ENTRIES, 0, sizeof(rw->hdr), false);
		virtq_table_set(&q->vq, rw->table, 1, VBLK_TABLE_ENTRIES, 0, 0, out == 0);
		virtq_table_set(&q->vq, rw->table, 2, VBLK_TABLE_ENTRIES, 0, 1, true);
	}
	for (uint16_t i = 0; i < size; i++) {
		struct vblk_slot_dma *dma = &q->dma[i];
		q->free[size - i] = dma; /* slot 0 on top */
		/* Never anything but 0 (§5.2.6): written once, not per request. */
		dma->hdr.reserved = 0;
		for (unsigned out = 0; out < 2; out++) {
			struct vblk_slot_rw *rw = &dma->rw[out];
			*rw = layout[out];
			virtio64_store(&rw->table[0].addr, virtio_virt_to_dma(&rw->hdr), legacy);
			virtio64_store(&rw->table[2].addr, virtio_virt_to_dma(&dma->status), legacy);
		}
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

_Static_assert(sizeof(struct vblk_slot_rw) == 64 && offsetof(struct vblk_slot_dma, rw) == 0 &&
		       sizeof(struct vblk_slot_dma) % VIRTQ_TABLE_ENTRY_BYTES == 0,
	       "a slot's tables 16-aligned, a write's 64 bytes past a read's");

/* Is the data direction device-writable for this request type? */
static bool data_is_writable(uint32_t type)
{
	return type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;
}

/* The header's sector: FLUSH and GET_ID carry 0, a range command's is in
 * its segment. */
static uint64_t hdr_sector(const struct vblk_req *req)
{
	bool rw = req->type == VIRTIO_BLK_T_IN || req->type == VIRTIO_BLK_T_OUT;
	return rw ? req->sector : 0;
}

/* The slot's header written in the device's order (the guest's on a
 * legacy device; hdr.reserved is 0 since vblk_attach_queue()) and its
 * status byte pre-set.  The values come in, not the request: the stores
 * to DMA memory would otherwise make the compiler load its fields again. */
static inline VBLK_ALWAYS_INLINE void prepare_slot(const struct vblk *blk,
						   struct vblk_slot_dma *dma, uint32_t type,
						   uint64_t sector)
{
	bool legacy = blk->vdev->legacy;
	virtio32_store(&dma->hdr.type, type, legacy);
	virtio64_store(&dma->hdr.sector, sector, legacy);
	dma->status = STATUS_UNWRITTEN;
}

/* No free slot (the top of the stack is its NULL bottom).  A broken
 * queue says so first, as its virtq_add() would have (vblk_submit_nokick()
 * leaves the broken check to it). */
static int no_slot(const struct vblk_queue *q)
{
	return virtq_is_broken(&q->vq) ? VIRTIO_EBROKEN : VIRTIO_ENOSPC;
}

/* The slot at top[-1] is the request's from here: taken before the chain
 * is exposed, so a completion can never find the request without it.
 * `writable` is what a modern device must report used (request_done()).
 * A refused add gives the slot back (unclaim_slot()); the driver's fields
 * of a refused request mean nothing (written is set by the completion).
 * `top` as read before the slot's stores: the compiler would read q->top
 * again after them. */
static inline void claim_slot(struct vblk_queue *q, struct vblk_slot_dma **top, uint16_t qi,
			      struct vblk_req *req, struct vblk_slot_dma *dma, uint32_t writable)
{
	q->top = top - 1;
	req->dma = dma;
	req->used_min = writable;
	req->queue = qi;
}

static inline void unclaim_slot(struct vblk_queue *q)
{
	q->top++; /* the slot is still on the free stack, right above it */
}

/* A one-buffer read or write (`out`: its type, VIRTIO_BLK_T_OUT for a
 * write), validated, on a queue with slot tables: the slot's rw[out] has
 * its header and table ready since vblk_attach_queue(), so the sector,
 * the status byte's pre-set value and the data entry's address and length
 * (bytes 0..11 in both layouts: §2.7.5 split, §2.8.13 packed) are all
 * that is written; the table goes to the ring as one descriptor and is
 * the device's until the request is used.  (`out` an int: the type
 * indexes rw[] as it is loaded, no zero-extension; `sector` as loaded
 * before the stores to DMA memory, which the compiler would otherwise
 * read it again after.) */
static inline VBLK_ALWAYS_INLINE int submit_table(struct vblk *blk, struct vblk_queue *q,
						  uint16_t qi, struct vblk_req *req, uint64_t sector,
						  int out)
{
	struct vblk_slot_dma **top = q->top;
	struct vblk_slot_dma *dma = top[-1];
	if (!dma)
		return no_slot(q);
	void *addr = req->data->addr;
	uint32_t len = req->data->len;
	bool legacy = blk->vdev->legacy;
	dma->status = STATUS_UNWRITTEN;
	struct vblk_slot_rw *rw = &dma->rw[(long)out];
	struct virtq_desc *table = rw->table;
	virtio64_store(&rw->hdr.sector, sector, legacy);
	/* Write back the caller's data, as the general path does. */
	virtio_cache_clean(addr, len);
	struct virtq_desc *e = &table[1];
	virtio64_store(&e->addr, virtio_virt_to_dma(addr), legacy);
	virtio32_store(&e->len, len, legacy);
	/* Header and status byte (the virtqueue cleans the table). */
	virtio_cache_clean(&rw->hdr, sizeof(rw->hdr));
	virtio_cache_clean(&dma->status, 1);
	uint32_t total = (uint32_t)sizeof(rw->hdr) + len + 1;
	uint32_t in_bytes = (len & ((uint32_t)out - 1u)) + 1; /* a read: the data and status */
	claim_slot(q, top, qi, req, dma, in_bytes);
	int rc = virtq_add_table(&q->vq, table, VBLK_TABLE_ENTRIES, total, in_bytes, req);
	if (rc)
		unclaim_slot(q);
	return rc;
}

/* The submission of a validated request with `ndata` data buffers
 * (== req->ndata) as a chain: one body, inlined with ndata 1 (every read
 * and write the block layer makes without slot tables: its loops unroll
 * and only the three entries a request has are built) and once for any
 * other count. */
static inline VBLK_ALWAYS_INLINE int submit(struct vblk *blk, struct vblk_queue *q, uint16_t qi,
					    struct vblk_req *req, uint16_t ndata)
{
	struct vblk_slot_dma **top = q->top;
	struct vblk_slot_dma *dma = top[-1];
	if (!dma)
		return no_slot(q);
	prepare_slot(blk, dma, req->type, hdr_sector(req));
	struct virtq_sg sg[VBLK_MAX_DATA_SG + 2];
	unsigned n = 0;
	uint32_t in_bytes = 1; /* the status byte, and the data the device fills */
	bool writable = data_is_writable(req->type);
	sg[n++] = (struct virtq_sg){ &dma->hdr, sizeof(dma->hdr) };
	for (uint16_t i = 0; i < ndata; i++) {
		sg[n++] = req->data[i];
		if (writable)
			in_bytes += req->data[i].len;
		/* Write back the caller's data (a write's payload; for a read,
		 * dirty lines that would otherwise land over the device's
		 * data when evicted). */
		virtio_cache_clean(req->data[i].addr, req->data[i].len);
	}
	if (vblk_is_range(req->type)) {
		/* One segment, built here in DMA memory (§5.2.6). */
		virtio_le64_store(&dma->seg.sector, req->sector);
		virtio_le32_store(&dma->seg.num_sectors, req->nsectors);
		virtio_le32_store(&dma->seg.flags, req->flags);
		sg[n++] = (struct virtq_sg){ &dma->seg, sizeof(dma->seg) };
	}
	sg[n++] = (struct virtq_sg){ &dma->status, 1 };
	unsigned n_out = writable ? 1 : n - 1;
	virtio_cache_clean(&dma->hdr, offsetof(struct vblk_slot_dma, pad) - offsetof(struct vblk_slot_dma, hdr));

	claim_slot(q, top, qi, req, dma, in_bytes);
	int rc = virtq_add(&q->vq, sg, n_out, n - n_out, req);
	if (rc)
		unclaim_slot(q);
	return rc;
}

/* Every request vblk_rw_one_ok() did not take, out of line: its checks, chain
 * array and saved registers are not the hot path's cost.  The broken
 * check first, as before any argument check. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int submit_checked(struct vblk *blk, uint16_t qi, struct vblk_req *req,
			  struct vblk_queue *q)
{
	if (virtq_is_broken(&q->vq))
		return VIRTIO_EBROKEN;
	int rc = vblk_validate(blk, req);
	if (rc)
		return rc;
	if (req->ndata == 1 && q->tables && req->type <= VIRTIO_BLK_T_OUT)
		return submit_table(blk, q, qi, req, req->sector, (int)req->type);
	if (req->ndata == 1)
		return submit(blk, q, qi, req, 1);
	return submit(blk, q, qi, req, req->ndata);
}

/* A read or write of one buffer on a queue with slot tables (every one
 * the kernel's block layer sends) is checked by vblk_rw_one_ok() and goes
 * straight to its table.  The broken check is the virtqueue's there: a
 * broken queue's virtq_add_table() is VIRTIO_EBROKEN and exposes nothing,
 * the slot comes back (only its header and table entry were written, in
 * vain), and no_slot() answers for a full one. */
int vblk_submit_nokick(struct vblk *blk, uint16_t qi, struct vblk_req *req)
{
	struct vblk_queue *q = queue_at(blk, qi);
	if (!q)
		return VIRTIO_EINVAL;
	int rc = virtio_device_error(blk->vdev);
	if (rc)
		return rc;
	if (vblk_rw_one_ok(blk, req))
		return submit_table(blk, q, qi, req, req->sector, (int)req->type);
	return submit_checked(blk, qi, req, q);
}

void vblk_kick(struct vblk *blk, uint16_t qi)
{
	struct vblk_queue *q = queue_at(blk, qi);
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

/* Out of line, so request_done() saves no registers for it: a status
 * byte other than OK. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void request_status(struct vblk_req *req, uint8_t status)
{
	int err = VIRTIO_EIO; /* IOERR, or a value the spec never defined */
	if (status == VIRTIO_BLK_S_UNSUPP)
		err = VIRTIO_EUNSUPP;
	else if (status == STATUS_UNWRITTEN)
		err = VIRTIO_ENOSTATUS;
	req->done(req, err);
}

/* A request the device used with `len` (its slot already back): its
 * status byte says how it went. */
static inline VBLK_ALWAYS_INLINE void request_used(struct vblk_req *req,
						   struct vblk_slot_dma *dma, uint32_t len)
{
	virtio_cache_invalidate(&dma->status, 1);
	uint8_t status = dma->status;
	/* What the device wrote, before the caller reads it. */
	if (data_is_writable(req->type))
		for (uint16_t i = 0; i < req->ndata; i++)
			virtio_cache_invalidate(req->data[i].addr, req->data[i].len);
	req->written = len;
	if (__builtin_expect(status != VIRTIO_BLK_S_OK, 0)) {
		request_status(req, status);
		return;
	}
	req->done(req, VIRTIO_OK);
}

/* What request_done() does not take inline (the slot is back already): a
 * request an abort took back, and a used length below the request's
 * writable bytes (see there). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void request_rare(struct vblk_queue *q, struct vblk_req *req, uint32_t len, int status)
{
	if (status == VIRTIO_OK && q->vq.vdev->legacy) {
		request_used(req, req->dma, len);
		return;
	}
	if (status == VIRTIO_OK) {
		virtio_queue_fault(&q->vq, "used length leaves out the status byte");
		status = VIRTIO_EBROKEN;
	}
	req->written = 0;
	req->done(req, status);
}

/* The queue's done(): a request the device used (status 0: its status
 * byte says how it went) or one an abort took back (status < 0).
 *
 * The slot goes back first, whatever the outcome: nothing can take it
 * before done() runs (which may submit again), and its status byte is
 * read before that.
 *
 * The used length: nothing past it may be trusted (§2.7.8.3), and the
 * status byte is the last writable byte, so a modern device must report
 * all of them written (req->used_min, from the submission); less is a
 * fault.  A legacy device's lengths are ignored (§5.2.6.3: devices put
 * the whole descriptor length there, or only the status byte's); the
 * virtqueue clamps them to what was posted, and the pre-set status value
 * still catches a status byte the device never wrote. */
static void request_done(void *ctx, void *token, uint32_t len, int status)
{
	struct vblk_queue *q = ctx;
	struct vblk_req *req = token;
	struct vblk_slot_dma **top = q->top;
	struct vblk_slot_dma *dma = req->dma;

	*top = dma;
	q->top = top + 1;
	if (__builtin_expect(status != VIRTIO_OK || len < req->used_min, 0)) {
		request_rare(q, req, len, status);
		return;
	}
	request_used(req, dma, len);
}

int vblk_poll(struct vblk *blk, uint16_t qi)
{
	struct vblk_queue *q = queue_at(blk, qi);
	if (!q)
		return VIRTIO_EINVAL;
	return virtio_queue_drain(&q->vq, VIRTIO_DRAIN_BUDGET);
}
