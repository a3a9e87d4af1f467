/* Test harness helpers (harness/bringup.h). */
#include <string.h>

#include "harness/bringup.h"

uint8_t *tbuf(size_t n, uint32_t seed)
{
	uint8_t *p = tmem_alloc(n, 64);
	tmem_fill(p, n, seed);
	return p;
}

int tblk_probe(struct tblk *t, struct sim_dev *sim, uint64_t mask)
{
	memset(t, 0, sizeof(*t));
	t->sim = sim;
	t->b = sim_blk_of(sim);
	CHECK_OK(virtio_mmio_probe(&t->mmio, sim->base));
	return vblk_probe(&t->blk, &t->mmio.vdev, mask);
}

void tblk_up(struct tblk *t, struct sim_dev *sim, uint64_t mask, uint16_t qsize, unsigned nq)
{
	CHECK_OK(tblk_probe(t, sim, mask));
	for (unsigned qi = 0; qi < nq; qi++) {
		t->qlen[qi] = vblk_queue_mem_bytes(qsize);
		CHECK(t->qlen[qi] > 0);
		t->qmem[qi] = sim->version == 1 ? tmem_alloc_low(t->qlen[qi], VIRTQ_MEM_ALIGN)
						: tmem_alloc(t->qlen[qi], VIRTQ_MEM_ALIGN);
		CHECK_OK(vblk_attach_queue(&t->blk, (uint16_t)qi, &t->q[qi], qsize, t->qmem[qi],
					   t->qlen[qi]));
	}
	CHECK_OK(vblk_start(&t->blk));
}

struct tblk *tblk_default(uint64_t mask, uint16_t qsize)
{
	return tblk_with_opts(mask, qsize, NULL);
}

struct tblk *tblk_with_opts(uint64_t mask, uint16_t qsize, const struct sim_blk_opts *o)
{
	static struct tblk t;
	struct sim_blk_opts def = { 0 };
	tblk_up(&t, sim_blk_new(o ? o : &def), mask, qsize, 1);
	return &t;
}

void treq_done(struct vblk_req *req, int status)
{
	struct treq *r = req->ctx;
	r->status = status;
	r->done_calls++;
}

void treq_init(struct treq *r, uint32_t type, uint64_t sector, uint8_t *buf, uint32_t len,
	       unsigned nseg)
{
	memset(r, 0, sizeof(*r));
	r->buf = buf;
	r->len = len;
	r->status = 1; /* not a library value: "not completed" */
	if (nseg == 0 && len)
		nseg = 1;
	if (nseg > VBLK_MAX_DATA_SG)
		FAIL("treq_init: %u segments", nseg);
	/* Split len into nseg multiples of 512 (the last takes the rest). */
	uint32_t per = nseg ? (len / nseg) & ~511u : 0;
	uint32_t off = 0;
	for (unsigned i = 0; i < nseg; i++) {
		uint32_t l = i + 1 == nseg ? len - off : per;
		if (l == 0)
			FAIL("treq_init: %u bytes cannot make %u buffers", len, nseg);
		r->sg[i] = (struct virtq_sg){ buf + off, l };
		off += l;
	}
	r->req.type = type;
	r->req.sector = sector;
	r->req.data = nseg ? r->sg : NULL;
	r->req.ndata = (uint16_t)nseg;
	r->req.done = treq_done;
	r->req.ctx = r;
}

void tvq_up(struct tvq *t, struct sim_dev *sim, uint64_t mask, uint16_t size, uint16_t indirect_max)
{
	memset(t, 0, sizeof(*t));
	t->sim = sim;
	CHECK_OK(virtio_mmio_probe(&t->mmio, sim->base));
	CHECK_OK(virtio_device_begin(&t->mmio.vdev, 0, mask));
	t->len = virtq_mem_bytes(size, virtq_layout(&t->mmio.vdev), indirect_max);
	t->mem = sim->version == 1 ? tmem_alloc_low(t->len, VIRTQ_MEM_ALIGN)
				   : tmem_alloc(t->len, VIRTQ_MEM_ALIGN);
	CHECK_OK(virtq_create(&t->vq, &t->mmio.vdev, 0, size, t->mem, t->len, indirect_max));
	virtio_device_ready(&t->mmio.vdev);
	CHECK_EQ(virtq_free_descs(&t->vq), size);
}

int status_logged(const struct sim_dev *d, uint8_t s)
{
	for (unsigned i = 0; i < d->nstatus_log; i++)
		if (d->status_log[i] == s)
			return (int)i;
	return -1;
}
