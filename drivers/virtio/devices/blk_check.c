/*
 * virtio-blk (§5.2): what a request may be.  The argument checks that
 * refuse, before the device could see it, anything it could refuse
 * (vblk_validate(), and vblk_rw_one_ok()'s merged form of them for the
 * hot path, blk_internal.h), and the range commands' limits.
 */
#include "blk_internal.h"
#include "virtio/errors.h"

static const struct vblk_range_limits *range_limits(const struct vblk_info *in, uint32_t type)
{
	switch (type) {
	case VIRTIO_BLK_T_DISCARD: return &in->discard;
	case VIRTIO_BLK_T_WRITE_ZEROES: return &in->write_zeroes;
	case VIRTIO_BLK_T_SECURE_ERASE: return &in->secure_erase;
	default: return NULL;
	}
}

/* Whole logical blocks: QEMU fails I/O that is not block aligned.
 * blk_size is a power of two >= 512 (read_config()), so a mask will do. */
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
	if (!vblk_in_capacity(in, req->sector, req->nsectors))
		return VIRTIO_ERANGE;
	if (!block_aligned(in, req->sector, req->nsectors))
		return VIRTIO_EALIGN;
	return VIRTIO_OK;
}

int vblk_validate(const struct vblk *blk, const struct vblk_req *req)
{
	const struct vblk_info *in = &blk->info;
	uint32_t type = req->type;
	uint16_t ndata = req->ndata;
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
		if (!vblk_in_capacity(in, req->sector, sectors))
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

struct vblk_rw_limits vblk_rw_limits_of(const struct vblk *blk)
{
	const struct vblk_info *in = &blk->info;
	uint32_t len_limit = in->size_max && in->size_max < VBLK_FAST_MAX_BYTES
				     ? in->size_max : VBLK_FAST_MAX_BYTES;
	/* 0 for a size_max below a sector: then no length passes the
	 * block mask anyway, whatever sector_end is. */
	uint64_t longest = len_limit / VIRTIO_BLK_SECTOR;
	uint32_t type_end = in->read_only ? VIRTIO_BLK_T_IN + 1 : VIRTIO_BLK_T_OUT + 1;
	return (struct vblk_rw_limits){
		.sector_end = in->capacity >= longest ? in->capacity - longest + 1 : 0,
		.len_limit = len_limit,
		.type_end = virtio_has_feature(blk->vdev, VIRTIO_F_INDIRECT_DESC) ? type_end : 0,
		.block_mask = (uint16_t)(in->blk_size - 1u),
	};
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
