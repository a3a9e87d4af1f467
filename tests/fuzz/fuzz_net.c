/*
 * libFuzzer target: virtio-net (net.c, net_ctrl.c) over virtio-mmio
 * against the simulator's network device (sim_net.c), the input bytes
 * being the device's behaviour (fuzz_sim.h; frames received whole, merged
 * over buffers, or with a header that lies about them; link changes,
 * announce requests, control commands failed or never answered) and the
 * caller's transmits, polls, control commands, services, aborts and
 * re-initialisations.  Checked besides the simulator's rules: done() once
 * per accepted transmit and never for a refused one, its buffers no
 * longer the device's (§3.3.1), every transmit back after the last abort
 * unless the device is dead; a received frame's segments lie inside the
 * receive buffers of its pair and add up to its length.
 */
#include <string.h>

#include "fuzz_sim.h"
#include "sim/devices/sim_net.h"
#include "virtio/errors.h"
#include "virtio/mmio.h"
#include "virtio/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NPAIRS 2u
#define NTX 8u
#define FRAG_BYTES 800u
#define FRAME_MAX 3000u
#define NFRAG (VNET_MAX_TX_FRAGS + 1)
#define TX_BYTES (NFRAG * FRAG_BYTES)

struct ftx {
	struct vnet_tx tx;
	struct virtq_sg frag[NFRAG];
	uint8_t *buf; /* TX_BYTES of DMA memory, fragment i at i * FRAG_BYTES */
	bool in_flight;
};

static struct {
	struct sim_dev *d;
	struct virtio_mmio mmio;
	struct vnet n;
	struct vnet_pair pairs[NPAIRS];
	struct vnet_ctrl ctrl;
	struct ftx tx[NTX];
	/* The frame, and room behind it: a first used length that lies (up to
	 * the buffer's size) makes the back end copy past the frame's end. */
	uint8_t frame[FRAME_MAX + 65536];
} s;

static void tx_done(struct vnet_tx *tx, int status)
{
	struct ftx *f = tx->ctx;
	if (!f->in_flight)
		fuzz_fail("transmit done() for a frame not in flight (twice, or one refused)");
	f->in_flight = false;
	fuzz_owed_done();
	if (status > 0)
		fuzz_fail("transmit done() with status %d", status);
	sim_dma_check_released(f->buf, TX_BYTES, "transmit frame");
}

static void on_rx(struct vnet *n, const struct vnet_rx_frame *f)
{
	if (f->pair >= n->npairs || f->nseg == 0 || f->nseg > VNET_MAX_RX_SEGS)
		fuzz_fail("a frame on pair %u of %u segments", f->pair, f->nseg);
	const struct vnet_rxq *q = &n->pairs[f->pair]->rx;
	const uint8_t *lo = q->bufs, *hi = q->bufs + (size_t)q->nbufs * q->buf_len;
	uint64_t total = 0;
	for (unsigned i = 0; i < f->nseg; i++) {
		const uint8_t *p = f->seg[i].data;
		if (f->seg[i].len > q->buf_len || p < lo || p > hi - f->seg[i].len)
			fuzz_fail("frame segment %u (%u bytes) outside the pair's buffers", i,
				  f->seg[i].len);
		total += f->seg[i].len;
	}
	if (total != f->len)
		fuzz_fail("a frame of %u bytes whose segments hold %llu", f->len,
			  (unsigned long long)total);
}

static void transmit(bool kick)
{
	struct ftx *f = &s.tx[fuzz_u8() % NTX];
	if (f->in_flight)
		return;
	unsigned nfrag = fuzz_u8() % (NFRAG + 1); /* one too many, too */
	for (unsigned i = 0; i < nfrag; i++) {
		uint32_t len = fuzz_u16() % (FRAG_BYTES + 1);
		f->frag[i] = (struct virtq_sg){ f->buf + i * FRAG_BYTES, len };
		memset(f->frag[i].addr, 0x42 + (int)i, len);
	}
	f->tx = (struct vnet_tx){
		.frag = nfrag ? f->frag : NULL,
		.nfrag = (uint16_t)nfrag,
		.partial_csum = fuzz_one_in(4),
		.csum_start = fuzz_u16() % 128,
		.csum_offset = fuzz_u8() % 32,
		.done = tx_done,
		.ctx = f,
	};
	uint16_t pair = (uint16_t)(fuzz_u8() % (NPAIRS + 1));
	f->in_flight = true;
	int rc = kick ? vnet_transmit(&s.n, pair, &f->tx) : vnet_transmit_nokick(&s.n, pair, &f->tx);
	if (rc != VIRTIO_OK)
		f->in_flight = false; /* refused: done() must never come */
	else
		fuzz_owed_add();
}

/* A frame from the wire on a pair's receive queue, delivered as the input
 * says (whole, over buffers, with a header that lies). */
static void receive(void)
{
	unsigned pair = fuzz_u8() % NPAIRS;
	uint32_t len = fuzz_u16() % FRAME_MAX;
	fuzz_bytes(s.frame, len < 64 ? len : 64); /* the header part the driver reads */
	struct sim_net_rx_opts o = { 0 };
	uint8_t k = fuzz_u8();
	if (k & 1)
		o.flags = fuzz_u8() & 3;
	o.csum_start = fuzz_u16();
	o.csum_offset = fuzz_u16();
	if (k & 2)
		o.num_buffers = (int)(fuzz_u8() % 20);
	if (k & 4)
		o.complete = 1; /* only the first buffer of the frame */
	if (k & 8)
		o.first_len = fuzz_u16();
	if (k & 16)
		o.buf_fill = fuzz_u16() % 2000 + 1;
	unsigned qi = sim_net_rxq(pair);
	struct sim_queue *q = &s.d->q[qi];
	if (!fuzz_queue_live(s.d, qi))
		return;
	/* The back end plans the frame over the buffers in the order it took
	 * them, and can write no more than each holds (sim_net.c stops the
	 * run otherwise: no rule of the driver's): in order, and a lying
	 * first length that still fits the first buffer. */
	q->kicked = true;
	sim_consume(s.d, qi);
	if (q->npending && o.first_len > q->pending[0]->writable)
		o.first_len = (uint32_t)q->pending[0]->writable;
	bool reorder = s.d->reorder;
	s.d->reorder = false;
	(void)sim_net_rx(s.d, pair, s.frame, len, &o);
	s.d->reorder = reorder;
}

static const char *control(void)
{
	static uint8_t table[VNET_MAX_FILTER * VNET_ETH_ALEN * 2];
	switch (fuzz_u8() % 6) {
	case 0:
		(void)vnet_set_promisc(&s.n, fuzz_u8() & 1);
		return "vnet_set_promisc";
	case 1:
		(void)vnet_set_allmulti(&s.n, fuzz_u8() & 1);
		return "vnet_set_allmulti";
	case 2: {
		uint16_t nuni = fuzz_u8() % (VNET_MAX_FILTER + 2);
		uint16_t nmulti = fuzz_u8() % (VNET_MAX_FILTER + 2);
		fuzz_bytes(table, sizeof(table));
		if (nuni + nmulti > 2 * VNET_MAX_FILTER)
			nmulti = 0;
		(void)vnet_set_mac_filter(&s.n, table, nuni, table + nuni * VNET_ETH_ALEN, nmulti);
		return "vnet_set_mac_filter";
	}
	case 3:
		(void)vnet_set_pairs(&s.n, (uint16_t)(fuzz_u8() % (NPAIRS + 2)));
		return "vnet_set_pairs";
	case 4:
		(void)vnet_announce_ack(&s.n);
		return "vnet_announce_ack";
	default:
		(void)vnet_service(&s.n);
		return "vnet_service";
	}
}

static const char *driver_step(void)
{
	struct sim_net *sn = sim_net_of(s.d);
	switch (fuzz_u8() % 10) {
	case 0:
	case 1:
		transmit(false);
		return "vnet_transmit_nokick";
	case 2:
		transmit(true);
		return "vnet_transmit";
	case 3:
		vnet_tx_kick(&s.n, (uint16_t)(fuzz_u8() % (NPAIRS + 1)));
		return "vnet_tx_kick";
	case 4:
	case 5:
		receive();
		return "a frame received";
	case 6:
		(void)(fuzz_u8() & 1 ? vnet_poll(&s.n) : vnet_interrupt(&s.n));
		return "vnet_poll or vnet_interrupt";
	case 7:
		return control();
	default:
		switch (fuzz_u8() % 4) {
		case 0:
			sim_net_set_link(s.d, fuzz_u8() & 1, fuzz_u8() & 1);
			break;
		case 1:
			sim_net_request_announce(s.d);
			break;
		case 2:
			sn->ctrl_fail_next = fuzz_u8() % 3;
			break;
		default:
			sn->ctrl_silent = !sn->ctrl_silent;
			break;
		}
		return "the device's link, announce or control answers";
	}
}

static int net_abort(int err)
{
	return vnet_abort(&s.n, err);
}

static int net_recover(void)
{
	return vnet_reinit(&s.n);
}

static bool attach_and_start(void)
{
	uint32_t buf_len = vnet_rx_buf_min(&s.n) + (fuzz_u8() & 1 ? 0 : fuzz_u16() % 2048);
	if (fuzz_one_in(16))
		buf_len = fuzz_u16(); /* maybe below the minimum */
	unsigned npairs = fuzz_u8() % NPAIRS + 1;
	for (unsigned p = 0; p < npairs; p++) {
		uint16_t rx = (uint16_t)(fuzz_u8() % 65), tx = (uint16_t)(fuzz_u8() % 65);
		size_t len = vnet_pair_mem_bytes(&s.n, rx, tx, buf_len);
		len -= len && fuzz_one_in(32); /* one byte short */
		int rc = vnet_attach_pair(&s.n, (uint16_t)p, &s.pairs[p], rx, tx, buf_len,
					  fuzz_dma(len, VIRTQ_MEM_ALIGN), len);
		fuzz_check("vnet_attach_pair");
		if (rc != VIRTIO_OK) {
			if (p == 0)
				return false;
			break;
		}
	}
	if (s.n.info.ctrl_vq && !fuzz_one_in(8)) {
		uint16_t size = (uint16_t)(fuzz_u8() % 33);
		size_t len = vnet_ctrl_mem_bytes(size);
		(void)vnet_attach_ctrl(&s.n, &s.ctrl, size, fuzz_dma(len, VIRTQ_MEM_ALIGN), len);
		fuzz_check("vnet_attach_ctrl");
	}
	s.n.rx = on_rx;
	int rc = vnet_start(&s.n);
	fuzz_check("vnet_start");
	return rc == VIRTIO_OK;
}

static void run(void)
{
	memset(&s, 0, sizeof(s));
	/* Net features on top of sim_net's default offer, one bit each, and
	 * the ring features the same way. */
	static const uint8_t extra[] = { SIM_NET_F_CSUM,      SIM_NET_F_GUEST_CSUM,
					 SIM_NET_F_MTU,       SIM_NET_F_CTRL_RX,
					 SIM_NET_F_GUEST_ANNOUNCE, SIM_NET_F_CTRL_MAC_ADDR,
					 SIM_F_ANY_LAYOUT,    SIM_NET_F_MRG_RXBUF };
	struct sim_net_opts o = { .version = fuzz_version() };
	uint8_t x = fuzz_u8(), r = fuzz_u8();
	for (unsigned i = 0; i < sizeof(extra); i++) {
		if (x >> i & 1)
			o.extra |= VIRTIO_BIT(extra[i]);
		if (r >> i & 1)
			o.remove |= VIRTIO_BIT(extra[i]);
	}
	o.extra |= fuzz_ring_offer() & ~VIRTIO_BIT(VIRTIO_F_VERSION_1);
	if (fuzz_one_in(8))
		o.remove |= VIRTIO_BIT(VIRTIO_F_VERSION_1);
	o.qmax = (uint16_t)(fuzz_u8() % 129);
	o.max_pairs = (uint16_t)(fuzz_u8() % 4);
	o.mtu = fuzz_one_in(2) ? (uint16_t)(fuzz_u16() % 3000) : 0;
	o.status = fuzz_u8() % 4;
	o.no_ctrl = fuzz_one_in(4);
	s.d = sim_net_new(&o);
	fuzz_device_knobs(s.d);
	for (unsigned i = 0; i < NTX; i++)
		s.tx[i].buf = fuzz_dma(TX_BYTES, 64);
	if (!fuzz_mmio_probe(&s.mmio, s.d))
		return;
	int rc = vnet_probe(&s.n, &s.mmio.vdev, fuzz_mask());
	fuzz_check("vnet_probe");
	if (rc != VIRTIO_OK || !attach_and_start())
		return;
	(void)fuzz_steps(s.d, &(struct fuzz_driver){ .vdev = s.n.vdev, .abort = net_abort,
						      .recover = net_recover, .step = driver_step });
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_run_input(data, size, run);
	return 0;
}
