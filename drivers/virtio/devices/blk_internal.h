/*
 * What the files of the blk driver share: blk.c (bring-up, submission,
 * completion) and blk_check.c (what a request may be: the argument checks
 * and the range commands' limits).  Not a public header.
 */
#ifndef VIRTIO_BLK_INTERNAL_H
#define VIRTIO_BLK_INTERNAL_H

#include "virtio/blk.h"

/* A body the hot path inlines (with a constant buffer count, submit()). */
#if defined(__GNUC__) && !defined(__OPTIMIZE_SIZE__)
#define VBLK_ALWAYS_INLINE __attribute__((always_inline))
#else
#define VBLK_ALWAYS_INLINE
#endif

/* A range command: its one segment is built in the slot (§5.2.6). */
static inline bool vblk_is_range(uint32_t type)
{
	return type == VIRTIO_BLK_T_DISCARD || type == VIRTIO_BLK_T_WRITE_ZEROES ||
	       type == VIRTIO_BLK_T_SECURE_ERASE;
}

/* sector..sector+count within the capacity, without overflow. */
static inline bool vblk_in_capacity(const struct vblk_info *in, uint64_t sector, uint64_t count)
{
	return sector <= in->capacity && count <= in->capacity - sector;
}

/* Everything the device could refuse, refused here first, in an order the
 * host tests pin (test_blk.c): 0 or the error vblk_submit() returns.  Not
 * the broken queue's, nor a full one's: the caller's. */
int vblk_validate(const struct vblk *blk, const struct vblk_req *req);

/* blk->rw for blk->info and the negotiated features. */
struct vblk_rw_limits vblk_rw_limits_of(const struct vblk *blk);

_Static_assert(VIRTIO_BLK_T_IN == 0 && VIRTIO_BLK_T_OUT == 1, "vblk_rw_one_ok() compares the type");
_Static_assert(VBLK_FAST_MAX_BYTES >= 512 && VBLK_FAST_MAX_BYTES <= UINT32_MAX,
	       "vblk_rw_limits_of(): a sector at least, a 32-bit length");

/*
 * A read or write of one data buffer that vblk_validate() would accept,
 * on a queue with slot tables, in a few compares; false sends the request
 * to vblk_validate() for the verdict and its error, so this may only
 * accept less than it, never more (test_blk_one_buffer.c holds the two
 * side by side).  Its rules, merged over blk->rw:
 *   ndata == 1                 within VBLK_MAX_DATA_SG and any seg_max
 *   type < type_end            a read, or a write to a writable disk; none
 *                              without INDIRECT_DESC, which gives every
 *                              queue tables (features never change after
 *                              the probe, recovery.c); a queue without
 *                              them would refuse the add, nothing worse:
 *                              every slot's tables are built at attach
 *   len - 1 < len_limit        1..size_max bytes; 32-bit, so len 0 wraps
 *                              to UINT32_MAX, never below
 *   (sector*512 | len) & block_mask == 0, in 32 bits
 *                              whole sectors (blk_size >= 512) and whole
 *                              logical blocks at both ends: blk_size is a
 *                              power of two <= 65536, so the sector bits
 *                              cut off are never in the mask
 *   sector < sector_end        capacity - len_limit / 512 + 1: any length
 *                              that passed ends within the capacity, one
 *                              compare and no overflow (the last
 *                              len_limit bytes of the disk are the full
 *                              check's)
 */
static inline VBLK_ALWAYS_INLINE bool vblk_rw_one_ok(const struct vblk *blk,
						     const struct vblk_req *req)
{
	const struct virtq_sg *d = req->data;
	if (req->ndata != 1 || req->type >= blk->rw.type_end || !d || !req->done || !d->addr)
		return false;
	uint32_t len = d->len;
	uint64_t sector = req->sector;
	if (len - 1u >= blk->rw.len_limit || (((uint32_t)sector << 9 | len) & blk->rw.block_mask))
		return false;
	return sector < blk->rw.sector_end;
}

#endif
