/* Net driver test harness (harness/tnet.h). */
#include <string.h>

#include "harness/tnet.h"

static void on_rx(struct vnet *n, const struct vnet_rx_frame *f)
{
	struct tnet *t = n->ctx;
	uint32_t off = 0;
	CHECK(f->nseg >= 1 && f->nseg <= VNET_MAX_RX_SEGS);
	for (unsigned i = 0; i < f->nseg; i++) {
		CHECK(off + f->seg[i].len <= sizeof(t->last));
		memcpy(t->last + off, f->seg[i].data, f->seg[i].len);
		off += f->seg[i].len;
	}
	CHECK_EQ(off, f->len);
	t->nrx++;
	t->last_len = f->len;
	t->last_pair = f->pair;
	t->last_nseg = f->nseg;
	t->last_csum = f->csum;
	t->last_csum_start = f->csum_start;
	t->last_csum_offset = f->csum_offset;
}

static void on_config(struct vnet *n)
{
	((struct tnet *)n->ctx)->config_calls++;
}

static void on_announce(struct vnet *n)
{
	struct tnet *t = n->ctx;
	t->announce_calls++;
	t->acks_at_announce = t->sn->announce_acks; /* the ack must come after */
}

int tnet_probe(struct tnet *t, const struct sim_net_opts *o, uint64_t mask)
{
	memset(t, 0, sizeof(*t));
	sim_reset_all(); /* one device per harness, in a fresh simulator */
	t->sim = sim_net_new(o);
	t->sn = sim_net_of(t->sim);
	CHECK_OK(virtio_mmio_probe(&t->mmio, t->sim->base));
	return vnet_probe(&t->n, &t->mmio.vdev, mask);
}

static void *qmem(struct tnet *t, size_t n)
{
	return t->sim->version == 1 ? tmem_alloc_low(n, VIRTQ_MEM_ALIGN)
				    : tmem_alloc(n, VIRTQ_MEM_ALIGN);
}

void tnet_up(struct tnet *t, const struct sim_net_opts *o, uint64_t mask, uint16_t qsize,
	     uint32_t buf_len, unsigned npairs)
{
	CHECK_OK(tnet_probe(t, o, mask));
	if (buf_len == 0)
		buf_len = vnet_rx_buf_min(&t->n);
	for (unsigned p = 0; p < npairs; p++) {
		size_t len = vnet_pair_mem_bytes(&t->n, qsize, qsize, buf_len);
		t->mem[p] = qmem(t, len);
		CHECK_OK(vnet_attach_pair(&t->n, (uint16_t)p, &t->pairs[p], qsize, qsize, buf_len,
					  t->mem[p], len));
	}
	if (t->n.info.ctrl_vq) {
		size_t len = vnet_ctrl_mem_bytes(16);
		t->mem[VNET_MAX_PAIRS] = qmem(t, len);
		CHECK_OK(vnet_attach_ctrl(&t->n, &t->ctrl, 16, t->mem[VNET_MAX_PAIRS], len));
	}
	t->n.rx = on_rx;
	t->n.config_changed = on_config;
	t->n.announce = on_announce;
	t->n.ctx = t;
	CHECK_OK(vnet_start(&t->n));
}

uint8_t *tnet_frame_new(uint32_t len, uint32_t seed)
{
	uint8_t *p = tmem_alloc(len, 64);
	tnet_frame(p, len, seed);
	return p;
}

void tnet_frame(uint8_t *buf, uint32_t len, uint32_t seed)
{
	static const uint8_t head[14] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54,
					  0x00, 0x12, 0x34, 0x56, 0x88, 0xb5 };
	for (uint32_t i = 0; i < len; i++)
		buf[i] = i < sizeof(head) ? head[i] : (uint8_t)(seed * 31 + i * 7);
}

static void ttx_done(struct vnet_tx *tx, int status)
{
	struct ttx *r = tx->ctx;
	r->status = status;
	r->done_calls++;
}

void ttx_init(struct ttx *r, uint8_t *frame, uint32_t len, unsigned nfrag)
{
	memset(r, 0, sizeof(*r));
	r->status = 1; /* not a library value: "not completed" */
	uint32_t per = len / nfrag, off = 0;
	for (unsigned i = 0; i < nfrag; i++) {
		uint32_t l = i + 1 == nfrag ? len - off : per;
		r->sg[i] = (struct virtq_sg){ frame + off, l };
		off += l;
	}
	r->tx.frag = r->sg;
	r->tx.nfrag = (uint16_t)nfrag;
	r->tx.done = ttx_done;
	r->tx.ctx = r;
}

void tnet_both_ways(struct tnet *t, uint16_t pair, const uint8_t *rx_frame, uint8_t *tx_frame,
		    uint32_t len)
{
	static struct ttx r;
	unsigned nrx = t->nrx, nsent = t->sn->nsent;
	sim_net_rx(t->sim, pair, rx_frame, len, NULL);
	CHECK(vnet_interrupt(&t->n) >= 1);
	CHECK_EQ(t->nrx, nrx + 1);
	CHECK_EQ(t->last_pair, pair);
	CHECK(memcmp(t->last, rx_frame, len) == 0);
	ttx_init(&r, tx_frame, len, 1);
	CHECK_OK(vnet_transmit(&t->n, pair, &r.tx));
	CHECK(vnet_interrupt(&t->n) >= 1);
	CHECK_EQ(r.done_calls, 1);
	CHECK_EQ(r.status, 0);
	CHECK_EQ(t->sn->nsent, nsent + 1);
	CHECK(memcmp(sim_net_sent(t->sim, nsent)->frame, tx_frame, len) == 0);
}
