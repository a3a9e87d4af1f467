/*
 * Test harness: bring a simulated device up through the library's public
 * API (virtio_mmio_probe, vblk_* or virtio_device_begin + virtq_create).
 */
#ifndef HARNESS_BRINGUP_H
#define HARNESS_BRINGUP_H

#include "sim/sim_device.h"
#include "harness/unit.h"
#include "virtio/blk.h"
#include "virtio/device.h"
#include "virtio/errors.h"
#include "virtio/mmio.h"
#include "virtio/virtq.h"

#define NO(bit) (~VIRTIO_BIT(bit))
#define ALL_FEATURES (~0ull)
#define MS 1000000ull /* ns */

/* A virtio-blk device driven through blk.h. */
struct tblk {
	struct sim_dev *sim;
	struct sim_blk *b;
	struct virtio_mmio mmio;
	struct vblk blk;
	struct vblk_queue q[VBLK_MAX_QUEUES];
	void *qmem[VBLK_MAX_QUEUES];
	size_t qlen[VBLK_MAX_QUEUES];
};

/* probe + attach nq queues of qsize + start; every step must succeed. */
void tblk_up(struct tblk *t, struct sim_dev *sim, uint64_t mask, uint16_t qsize, unsigned nq);
/* Only probe (virtio_mmio_probe + vblk_probe); returns vblk_probe's code. */
int tblk_probe(struct tblk *t, struct sim_dev *sim, uint64_t mask);
/* Default modern device with `sectors` sectors, up with one queue of qsize. */
struct tblk *tblk_default(uint64_t mask, uint16_t qsize);
/* The same with the device built from `o` (NULL: the defaults). */
struct tblk *tblk_with_opts(uint64_t mask, uint16_t qsize, const struct sim_blk_opts *o);

/* The feature mask that selects the split (0) or the packed (1) layout. */
static inline uint64_t layout_mask(int packed)
{
	return packed ? ALL_FEATURES : NO(VIRTIO_F_RING_PACKED);
}

/* A data buffer with guards, filled with a pattern from seed. */
uint8_t *tbuf(size_t n, uint32_t seed);

/* Write `count` sectors of a pattern from `seed` at `sector`, check them
 * on the RAM disk (if `disk`), read them back and compare. */
void tblk_roundtrip(struct vblk *blk, const uint8_t *disk, uint64_t sector, uint32_t count,
		    uint32_t seed);

/* Asynchronous request bookkeeping. */
struct treq {
	struct vblk_req req;
	struct virtq_sg sg[VBLK_MAX_DATA_SG];
	int status;
	unsigned done_calls;
	uint8_t *buf;
	uint32_t len;
};
void treq_init(struct treq *r, uint32_t type, uint64_t sector, uint8_t *buf, uint32_t len,
	       unsigned nseg);
extern void treq_done(struct vblk_req *req, int status);

/* A raw queue over the echo device, driven through virtq.h. */
struct tvq {
	struct sim_dev *sim;
	struct virtio_mmio mmio;
	struct virtq vq;
	uint8_t *mem;
	size_t len;
};
void tvq_up(struct tvq *t, struct sim_dev *sim, uint64_t mask, uint16_t size, uint16_t indirect_max);

/* Index of the status value `s` in the device's status log, or -1. */
int status_logged(const struct sim_dev *d, uint8_t s);

#endif
