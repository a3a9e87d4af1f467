/*
 * The simulated virtio-net back end (see sim_net.h): one back-end
 * function for every queue, told apart by index (§5.1.2: receive 2k,
 * transmit 2k+1, control 2N with N the pairs when MQ was negotiated).
 */
#include <stdlib.h>
#include <string.h>

#include "sim/devices/sim_net.h"
#include "harness/unit.h"
#include "virtio/spec.h"

#define CFG_STATUS    6
#define CFG_MAX_PAIRS 8
#define CFG_MTU       10
#define S_LINK_UP  1u
#define S_ANNOUNCE 2u
#define ACK_OK  0u
#define ACK_ERR 1u

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

unsigned sim_net_rxq(unsigned pair)
{
	return 2 * pair;
}

unsigned sim_net_ctrlq(struct sim_dev *d)
{
	if (!sim_has(d, SIM_NET_F_CTRL_VQ))
		return ~0u;
	return sim_has(d, SIM_NET_F_MQ) ? 2u * sim_net_of(d)->max_pairs : 2u;
}

uint32_t sim_net_hdr_len(struct sim_dev *d)
{
	return d->version == 1 && !sim_has(d, SIM_NET_F_MRG_RXBUF) ? 10 : 12;
}

static bool is_rx(struct sim_dev *d, unsigned q)
{
	return q != sim_net_ctrlq(d) && q % 2 == 0 && q < 2u * sim_net_of(d)->max_pairs;
}

static void set_status(struct sim_dev *d, uint16_t status)
{
	sim_net_of(d)->status = status;
	put16(d->config + CFG_STATUS, status);
}

/* ---- receive ------------------------------------------------------------ */

static uint32_t rx_piece(struct sim_dev *d, struct sim_chain *c)
{
	struct sim_net *n = sim_net_of(d);
	if (n->rx_next >= n->rx_nplan)
		FAIL("sim net: a receive buffer completed with no frame to put in it");
	unsigned k = n->rx_next++;
	uint32_t want = n->rx_plan[k], off = 0;
	if (k == 0) {
		sim_chain_write(c, 0, n->rx_hdr, n->rx_hdr_len);
		off = n->rx_hdr_len;
	}
	sim_chain_write(c, off, n->rx_src + n->rx_src_off, want - off);
	n->rx_src_off += want - off;
	return want;
}

unsigned sim_net_rx(struct sim_dev *d, unsigned pair, const void *frame, uint32_t len,
		    const struct sim_net_rx_opts *o)
{
	static const struct sim_net_rx_opts none;
	struct sim_net *n = sim_net_of(d);
	unsigned qi = sim_net_rxq(pair);
	struct sim_queue *q = &d->q[qi];
	if (!o)
		o = &none;
	if (!q->ready)
		return 0;
	q->kicked = true; /* a device looks at the ring when a frame arrives */
	sim_consume(d, qi);

	uint32_t hl = sim_net_hdr_len(d), left = hl + len;
	bool mrg = sim_has(d, SIM_NET_F_MRG_RXBUF);
	n->rx_nplan = 0;
	for (unsigned i = 0; i < q->npending && left && n->rx_nplan < 64; i++) {
		uint32_t cap = (uint32_t)q->pending[i]->writable;
		if (o->buf_fill && cap > o->buf_fill)
			cap = o->buf_fill;
		uint32_t take = cap < left ? cap : left;
		if (n->rx_nplan == 0 && take < hl)
			break; /* a buffer that cannot hold the header */
		n->rx_plan[n->rx_nplan++] = take;
		left -= take;
		if (!mrg)
			break;
	}
	if (left) {
		n->rx_dropped++;
		return 0;
	}
	memset(n->rx_hdr, 0, sizeof(n->rx_hdr));
	n->rx_hdr[0] = o->flags;
	put16(n->rx_hdr + 6, o->csum_start);
	put16(n->rx_hdr + 8, o->csum_offset);
	if (hl == 12)
		put16(n->rx_hdr + 10, (uint16_t)(o->num_buffers ? o->num_buffers : (int)n->rx_nplan));
	n->rx_hdr_len = hl;
	n->rx_src = frame;
	n->rx_src_off = 0;
	n->rx_next = 0;
	if (o->first_len) {
		if (o->first_len < hl)
			n->rx_hdr_len = o->first_len; /* a runt: not even the header */
		n->rx_plan[0] = o->first_len;
	}
	unsigned complete = o->complete ? o->complete : n->rx_nplan;
	unsigned used = n->rx_nplan;
	sim_complete(d, qi, complete);
	n->rx_frames++;
	return used;
}

unsigned sim_net_rx_posted(struct sim_dev *d, unsigned pair)
{
	unsigned qi = sim_net_rxq(pair);
	return d->q[qi].npending + sim_avail_pending(d, qi);
}

/* ---- transmit ----------------------------------------------------------- */

static uint32_t tx_frame(struct sim_dev *d, unsigned qi, struct sim_chain *c)
{
	struct sim_net *n = sim_net_of(d);
	struct sim_net_sent *s = &n->sent[n->nsent % SIM_NET_MAX_SENT];
	uint32_t hl = sim_net_hdr_len(d);

	if (c->writable)
		sim_violation("transmit chain with %llu device-writable bytes",
			      (unsigned long long)c->writable);
	if (c->readable < hl + 14 || c->readable - hl > SIM_NET_FRAME_MAX) {
		sim_violation("transmit chain of %llu bytes", (unsigned long long)c->readable);
		return 0;
	}
	memset(s, 0, sizeof(*s));
	s->queue = (uint16_t)qi;
	s->hdr_len = hl;
	s->len = (uint32_t)c->readable - hl;
	s->nseg = c->nseg;
	s->hdr_alone = c->nseg > 0 && c->seg[0].len == hl;
	sim_chain_read(c, 0, s->hdr, hl);
	sim_chain_read(c, hl, s->frame, s->len);
	if (hl == 12 && get16(s->hdr + 10) != 0)
		sim_violation("transmit num_buffers %u, must be 0 (§5.1.6.2.1)", get16(s->hdr + 10));
	if (s->hdr[0] & ~SIM_NET_HDR_NEEDS_CSUM)
		sim_violation("transmit header flags 0x%x (§5.1.6.2.1)", s->hdr[0]);
	if ((s->hdr[0] & SIM_NET_HDR_NEEDS_CSUM) && !sim_has(d, SIM_NET_F_CSUM))
		sim_violation("NEEDS_CSUM without CSUM negotiated");
	if (s->hdr[1] != 0)
		sim_violation("transmit gso_type %u without GSO features", s->hdr[1]);
	if (d->version == 1 && !sim_has(d, SIM_F_ANY_LAYOUT) && !s->hdr_alone)
		sim_violation("legacy transmit without ANY_LAYOUT: header not alone in its descriptor");
	/* An mtu below 68 breaks §5.1.4.1 (the device's rule): the driver
	 * may take it for no MTU at all, and send up to the default. */
	uint32_t mtu = sim_has(d, SIM_NET_F_MTU) ? get16(d->config + CFG_MTU) : 1500;
	if (mtu < 68)
		mtu = 1500;
	if (s->len > mtu + 18)
		sim_violation("transmit of %u bytes over MTU %u", s->len, mtu);
	n->nsent++;
	return 0;
}

const struct sim_net_sent *sim_net_sent(struct sim_dev *d, unsigned i)
{
	struct sim_net *n = sim_net_of(d);
	if (i >= n->nsent || n->nsent - i > SIM_NET_MAX_SENT)
		FAIL("sim net: frame %u not kept (%u sent)", i, n->nsent);
	return &n->sent[i % SIM_NET_MAX_SENT];
}

/* ---- control ------------------------------------------------------------ */

static bool need(struct sim_dev *d, unsigned bit, const char *what)
{
	if (sim_has(d, bit))
		return true;
	sim_violation("control command %s without its feature (bit %u)", what, bit);
	return false;
}

/* The MAC_TABLE_SET data: two {le32 entries; macs} tables, exactly. */
static bool mac_tables(struct sim_net *n, const uint8_t *p, uint32_t len)
{
	if (len < 4)
		return false;
	uint32_t nu = get32(p);
	if (nu > 16 || 4 + nu * 6 + 4 > len)
		return false;
	uint32_t nm = get32(p + 4 + nu * 6);
	if (nm > 16 || 8 + (nu + nm) * 6 != len)
		return false;
	n->n_uni = nu;
	n->n_multi = nm;
	memcpy(n->uni, p + 4, nu * 6);
	memcpy(n->multi, p + 8 + nu * 6, nm * 6);
	return true;
}

static uint8_t ctrl_exec(struct sim_dev *d, uint8_t cls, uint8_t cmd, const uint8_t *data,
			 uint32_t len)
{
	struct sim_net *n = sim_net_of(d);
	switch (cls << 8 | cmd) {
	case 0x000: /* RX PROMISC */
	case 0x001: /* RX ALLMULTI */
		if (!need(d, SIM_NET_F_CTRL_RX, "RX") || len != 1)
			return ACK_ERR;
		if (cmd == 0)
			n->promisc = data[0];
		else
			n->allmulti = data[0];
		return ACK_OK;
	case 0x100: /* MAC TABLE_SET */
		if (!need(d, SIM_NET_F_CTRL_RX, "MAC_TABLE_SET") || !mac_tables(n, data, len))
			return ACK_ERR;
		n->mac_table_sets++;
		return ACK_OK;
	case 0x101: /* MAC ADDR_SET */
		if (!need(d, SIM_NET_F_CTRL_MAC_ADDR, "MAC_ADDR_SET") || len != 6)
			return ACK_ERR;
		memcpy(n->mac_set, data, 6);
		memcpy(d->config, data, 6);
		n->mac_addr_sets++;
		return ACK_OK;
	case 0x300: /* ANNOUNCE ACK */
		if (!need(d, SIM_NET_F_GUEST_ANNOUNCE, "ANNOUNCE_ACK") || len != 0)
			return ACK_ERR;
		set_status(d, n->status & ~S_ANNOUNCE);
		n->announce_acks++;
		return ACK_OK;
	case 0x400: { /* MQ VQ_PAIRS_SET */
		if (!need(d, SIM_NET_F_MQ, "VQ_PAIRS_SET") || len != 2)
			return ACK_ERR;
		uint16_t v = get16(data);
		if (v == 0 || v > n->max_pairs)
			return ACK_ERR;
		n->pairs = v;
		return ACK_OK;
	}
	default:
		return ACK_ERR;
	}
}

static uint32_t ctrl_command(struct sim_dev *d, struct sim_chain *c)
{
	struct sim_net *n = sim_net_of(d);
	uint8_t buf[512];
	if (c->writable != 1 || c->readable < 2 || c->readable > sizeof(buf)) {
		sim_violation("control command of %llu readable, %llu writable bytes",
			      (unsigned long long)c->readable, (unsigned long long)c->writable);
		return 0;
	}
	/* §5.1.6.7: {class, command} alone, the ack alone. */
	if (c->seg[0].len != 2 || c->seg[c->nseg - 1].len != 1)
		n->ctrl_framing_ok = false;
	sim_chain_read(c, 0, buf, c->readable);
	n->last_class = buf[0];
	n->last_cmd = buf[1];
	uint8_t ack = ACK_ERR;
	if (n->ctrl_fail_next)
		n->ctrl_fail_next--;
	else
		ack = ctrl_exec(d, buf[0], buf[1], buf + 2, (uint32_t)c->readable - 2);
	n->ctrl_cmds++;
	if (ack != ACK_OK)
		n->ctrl_errors++;
	sim_chain_write(c, 0, &ack, 1);
	return 1;
}

/* ---- the device ----------------------------------------------------------- */

static uint32_t net_backend(struct sim_dev *d, unsigned qi, struct sim_chain *c)
{
	if (qi == sim_net_ctrlq(d))
		return ctrl_command(d, c);
	if (is_rx(d, qi))
		return rx_piece(d, c);
	return tx_frame(d, qi, c);
}

static bool net_holds(struct sim_dev *d, unsigned qi)
{
	if (qi == sim_net_ctrlq(d))
		return sim_net_of(d)->ctrl_silent;
	return is_rx(d, qi);
}

static void net_reset(struct sim_dev *d)
{
	struct sim_net *n = sim_net_of(d);
	/* QEMU's defaults after a reset: promiscuous, one pair, empty tables. */
	n->promisc = true;
	n->allmulti = false;
	n->pairs = 1;
	n->n_uni = n->n_multi = 0;
	n->rx_nplan = n->rx_next = 0;
}

struct sim_dev *sim_net_new(const struct sim_net_opts *o)
{
	static const struct sim_net_opts def;
	if (!o)
		o = &def;
	uint32_t version = o->version ? o->version : 2;
	uint16_t pairs = o->max_pairs ? o->max_pairs : 1;
	if (pairs > (SIM_MAX_QUEUES - 1) / 2)
		FAIL("sim net: %u pairs do not fit %u queues", pairs, SIM_MAX_QUEUES);
	uint64_t f = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_RING_PACKED) |
		     VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
		     VIRTIO_BIT(SIM_NET_F_MAC) | VIRTIO_BIT(SIM_NET_F_STATUS) |
		     VIRTIO_BIT(SIM_NET_F_MRG_RXBUF) | VIRTIO_BIT(SIM_NET_F_CSUM) |
		     VIRTIO_BIT(SIM_NET_F_GUEST_CSUM) | VIRTIO_BIT(SIM_NET_F_CTRL_VQ) |
		     VIRTIO_BIT(SIM_NET_F_CTRL_RX) | VIRTIO_BIT(SIM_NET_F_GUEST_ANNOUNCE) |
		     VIRTIO_BIT(SIM_NET_F_CTRL_MAC_ADDR);
	if (version == 1)
		f |= VIRTIO_BIT(SIM_F_ANY_LAYOUT);
	if (pairs > 1)
		f |= VIRTIO_BIT(SIM_NET_F_MQ);
	if (o->mtu)
		f |= VIRTIO_BIT(SIM_NET_F_MTU);
	if (o->no_ctrl)
		f &= ~(VIRTIO_BIT(SIM_NET_F_CTRL_VQ) | VIRTIO_BIT(SIM_NET_F_CTRL_RX) |
		       VIRTIO_BIT(SIM_NET_F_GUEST_ANNOUNCE) | VIRTIO_BIT(SIM_NET_F_MQ) |
		       VIRTIO_BIT(SIM_NET_F_CTRL_MAC_ADDR));
	f = (f | o->extra) & ~o->remove;

	struct sim_dev *d = sim_dev_new(version, VIRTIO_ID_NET, f);
	struct sim_net *n = calloc(1, sizeof(*n));
	if (!n)
		abort();
	d->ctx = n;
	d->backend = net_backend;
	d->holds = net_holds;
	d->on_reset = net_reset;
	n->max_pairs = pairs;
	n->ctrl_framing_ok = true;
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	memcpy(n->mac, mac, 6);
	memcpy(d->config, mac, 6);
	d->config_len = 20;
	set_status(d, o->status ? o->status : S_LINK_UP);
	put16(d->config + CFG_MAX_PAIRS, pairs);
	put16(d->config + CFG_MTU, o->mtu);
	for (unsigned q = 0; q <= 2u * pairs; q++)
		sim_set_queue_max(d, q, o->qmax ? o->qmax : 256);
	net_reset(d);
	return d;
}

void sim_net_set_link(struct sim_dev *d, bool up, bool notify)
{
	struct sim_net *n = sim_net_of(d);
	set_status(d, up ? (n->status | S_LINK_UP) : (n->status & ~S_LINK_UP));
	if (notify)
		sim_raise_config(d);
}

void sim_net_request_announce(struct sim_dev *d)
{
	set_status(d, sim_net_of(d)->status | S_ANNOUNCE);
	sim_raise_config(d);
}
