/*
 * virtio-net driver (§5.1) over the virtqueue API: negotiation and
 * configuration, receive queues kept stocked with buffers in the caller's
 * memory, scatter-gather transmit with a driver-owned header per frame,
 * interrupts, and the reset path.  The control queue is in net_ctrl.c.
 *
 * The device is not trusted: a receive length is bounded by the buffer it
 * was posted in (virtq checks that), num_buffers is checked against the
 * buffers actually posted and those actually used, and frames are bounded
 * by the MTU before anyone reads them.
 */
#include "net_internal.h"

#define DRIVER_FEATURES                                                            \
	(VIRTIO_BIT(VIRTIO_NET_F_CSUM) | VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM) |      \
	 VIRTIO_BIT(VIRTIO_NET_F_MTU) | VIRTIO_BIT(VIRTIO_NET_F_MAC) |              \
	 VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) | VIRTIO_BIT(VIRTIO_NET_F_STATUS) |     \
	 VIRTIO_BIT(VIRTIO_NET_F_CTRL_VQ) | VIRTIO_BIT(VIRTIO_NET_F_CTRL_RX) |      \
	 VIRTIO_BIT(VIRTIO_NET_F_GUEST_ANNOUNCE) | VIRTIO_BIT(VIRTIO_NET_F_MQ) |    \
	 VIRTIO_BIT(VIRTIO_NET_F_CTRL_MAC_ADDR))

/* Features that need CTRL_VQ (§5.1.3.1): never accepted without it. */
#define NEEDS_CTRL_VQ                                                              \
	(VIRTIO_BIT(VIRTIO_NET_F_CTRL_RX) | VIRTIO_BIT(VIRTIO_NET_F_GUEST_ANNOUNCE) | \
	 VIRTIO_BIT(VIRTIO_NET_F_MQ) | VIRTIO_BIT(VIRTIO_NET_F_CTRL_MAC_ADDR))

/* ---- negotiation and configuration ------------------------------------ */

static uint64_t driver_features(const struct virtio_device *d)
{
	/* ANY_LAYOUT means something only to a legacy device (§6.3). */
	return DRIVER_FEATURES | (d->legacy ? VIRTIO_BIT(VIRTIO_F_ANY_LAYOUT) : 0);
}

static int negotiate(struct vnet *n)
{
	struct virtio_device *d = n->vdev;
	uint64_t mask = n->mask;
	if (!(mask & VIRTIO_BIT(VIRTIO_NET_F_CTRL_VQ)))
		mask &= ~NEEDS_CTRL_VQ;
	int rc = virtio_device_begin(d, driver_features(d), mask);
	/* A device offering a control feature without the control queue
	 * would have us accept a feature whose requirement we did not
	 * (§2.2.1): negotiate again without them. */
	if (rc == VIRTIO_OK && !virtio_has_feature(d, VIRTIO_NET_F_CTRL_VQ) &&
	    (d->features & NEEDS_CTRL_VQ))
		rc = virtio_device_begin(d, driver_features(d), mask & ~NEEDS_CTRL_VQ);
	return rc;
}

/* A locally administered unicast address (IEEE 802 §9.2) for a device
 * that offers none.  Not cryptographic: the time and the driver's address
 * through a multiply-xorshift mixer, so two devices differ. */
static void random_mac(struct vnet *n)
{
	uint64_t x = virtio_time_ns() ^ ((uint64_t)(uintptr_t)n << 16);
	for (int i = 0; i < 3; i++) {
		x += 0x9e3779b97f4a7c15ull;
		x = (x ^ (x >> 31)) * 0xbf58476d1ce4e5b9ull;
		x ^= x >> 29;
	}
	for (unsigned i = 0; i < VNET_ETH_ALEN; i++)
		n->info.mac[i] = (uint8_t)(x >> (8 * i));
	n->info.mac[0] = (uint8_t)((n->info.mac[0] & ~1u) | 2u); /* unicast, local */
}

static int read_config(struct vnet *n)
{
	struct virtio_device *d = n->vdev;
	struct vnet_info *in = &n->info;
	const struct vnet_info old = *in;

	*in = (struct vnet_info){
		.mtu = VNET_DEFAULT_MTU,
		.max_pairs = 1,
		.mrg_rxbuf = virtio_has_feature(d, VIRTIO_NET_F_MRG_RXBUF),
		.tx_csum = virtio_has_feature(d, VIRTIO_NET_F_CSUM),
		.rx_csum = virtio_has_feature(d, VIRTIO_NET_F_GUEST_CSUM),
		.ctrl_vq = virtio_has_feature(d, VIRTIO_NET_F_CTRL_VQ),
		.ctrl_rx = virtio_has_feature(d, VIRTIO_NET_F_CTRL_RX),
		.ctrl_mac_addr = virtio_has_feature(d, VIRTIO_NET_F_CTRL_MAC_ADDR),
		.announce = virtio_has_feature(d, VIRTIO_NET_F_GUEST_ANNOUNCE),
		.mq = virtio_has_feature(d, VIRTIO_NET_F_MQ),
		.any_layout = !d->legacy || virtio_has_feature(d, VIRTIO_F_ANY_LAYOUT),
	};
	/* §5.1.6: num_buffers is there on every modern device; a legacy one
	 * has it only with MRG_RXBUF. */
	in->hdr_len = (uint16_t)(!d->legacy || in->mrg_rxbuf ? sizeof(struct virtio_net_hdr)
							     : VIRTIO_NET_HDR_LEGACY_BYTES);
	if (virtio_has_feature(d, VIRTIO_NET_F_MAC)) {
		/* mac and status in one generation. */
		uint64_t v;
		if (virtio_config_read64(d, VIRTIO_NET_CFG_MAC, &v))
			return VIRTIO_ETIMEDOUT;
		for (unsigned i = 0; i < VNET_ETH_ALEN; i++)
			in->mac[i] = (uint8_t)(v >> (8 * i));
		in->mac_from_device = true;
	} else if (n->started) {
		/* Re-initialisation keeps the address the stack already uses. */
		for (unsigned i = 0; i < VNET_ETH_ALEN; i++)
			in->mac[i] = old.mac[i];
	} else {
		random_mac(n);
	}
	if (virtio_has_feature(d, VIRTIO_NET_F_MTU)) {
		uint16_t mtu = virtio_config_read16(d, VIRTIO_NET_CFG_MTU);
		/* §5.1.4.1: 68..65535; anything else is not an MTU. */
		if (mtu >= VIRTIO_NET_MTU_MIN) {
			in->mtu = mtu;
			in->mtu_from_device = true;
		}
	}
	if (in->mq) {
		uint16_t pairs = virtio_config_read16(d, VIRTIO_NET_CFG_MAX_PAIRS);
		/* The control queue's index follows from it: a device outside
		 * 1..0x8000 cannot be driven at all. */
		if (pairs == 0 || pairs > VIRTIO_NET_PAIRS_MAX)
			return VIRTIO_EBROKEN;
		in->max_pairs = pairs;
	}
	/* §5.1.4.2: without STATUS the link is up. */
	n->link_up = !virtio_has_feature(d, VIRTIO_NET_F_STATUS) ||
		     (virtio_config_read16(d, VIRTIO_NET_CFG_STATUS) & VIRTIO_NET_S_LINK_UP);
	return VIRTIO_OK;
}

int vnet_probe(struct vnet *n, struct virtio_device *vdev, uint64_t mask)
{
	if (vdev->device_id != VIRTIO_ID_NET)
		return VIRTIO_ENODEV;
	*n = (struct vnet){ .vdev = vdev, .mask = mask };
	int rc = negotiate(n);
	if (rc)
		return rc;
	rc = read_config(n);
	if (rc)
		virtio_device_fail(vdev);
	return rc;
}

/* Largest frame the MTU lets through, with room for one VLAN tag. */
static uint32_t max_frame(const struct vnet *n)
{
	return (uint32_t)n->info.mtu + VNET_ETH_HLEN + VNET_ETH_VLAN_EXTRA;
}

uint32_t vnet_rx_buf_min(const struct vnet *n)
{
	/* Merged buffers: anything that holds the header and, over
	 * VNET_MAX_RX_SEGS buffers, a whole frame.  Otherwise a whole frame
	 * per buffer (§5.1.6.3.1).  Multiples of 8 keep the header aligned. */
	uint32_t whole = n->info.hdr_len + max_frame(n);
	uint32_t min = n->info.mrg_rxbuf ? (whole + VNET_MAX_RX_SEGS - 1) / VNET_MAX_RX_SEGS : whole;
	if (min < 64)
		min = 64;
	return (min + 7) & ~7u;
}

/* ---- queue pairs ------------------------------------------------------- */

static size_t align_up(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* One descriptor per receive buffer, or two when the header must sit in
 * a descriptor of its own (legacy without ANY_LAYOUT, §5.1.6.7). */
static uint16_t rx_descs_per_buf(const struct vnet *n)
{
	return n->info.any_layout ? 1 : 2;
}

/* A pair's block: rx ring | tx ring | tx headers | tx free stack | rx buffers. */
struct pair_layout {
	size_t rx_ring, tx_ring, hdrs, free, bufs, total;
};

static struct pair_layout pair_layout(const struct vnet *n, uint16_t rx_size, uint16_t tx_size,
				      uint32_t buf_len)
{
	bool packed = virtio_has_feature(n->vdev, VIRTIO_F_RING_PACKED);
	struct pair_layout l = { 0 };
	l.tx_ring = align_up(virtq_mem_bytes(rx_size, packed, 0), VIRTQ_MEM_ALIGN);
	l.hdrs = align_up(l.tx_ring + virtq_mem_bytes(tx_size, packed, VNET_MAX_TX_FRAGS + 1), 64);
	l.free = l.hdrs + (size_t)tx_size * VNET_TX_HDR_STRIDE;
	l.bufs = align_up(l.free + (size_t)tx_size * sizeof(uint16_t), 64);
	l.total = l.bufs + (size_t)(rx_size / rx_descs_per_buf(n)) * buf_len;
	return l;
}

size_t vnet_pair_mem_bytes(const struct vnet *n, uint16_t rx_size, uint16_t tx_size,
			   uint32_t buf_len)
{
	return pair_layout(n, rx_size, tx_size, buf_len).total;
}

/* Lay a pair out in its memory and create both queues (also on reinit). */
static int setup_pair(struct vnet *n, uint16_t pi, struct vnet_pair *p)
{
	struct pair_layout l = pair_layout(n, p->rx_size, p->tx_size, p->rx.buf_len);
	uint8_t *base = p->mem;
	int rc = virtq_create(&p->rx.vq, n->vdev, (uint16_t)(2 * pi), p->rx_size, base,
			      l.tx_ring, 0);
	if (rc == VIRTIO_OK)
		rc = virtq_create(&p->tx.vq, n->vdev, (uint16_t)(2 * pi + 1), p->tx_size,
				  base + l.tx_ring, l.hdrs - l.tx_ring, VNET_MAX_TX_FRAGS + 1);
	if (rc)
		return rc;
	p->rx.bufs = base + l.bufs;
	p->rx.nbufs = (uint16_t)(p->rx_size / rx_descs_per_buf(n));
	p->tx.hdrs = base + l.hdrs;
	p->tx.free = (uint16_t *)(base + l.free);
	for (uint16_t i = 0; i < p->tx_size; i++)
		p->tx.free[i] = (uint16_t)(p->tx_size - 1 - i);
	p->tx.nfree = p->tx_size;
	return VIRTIO_OK;
}

int vnet_attach_pair(struct vnet *n, uint16_t pair, struct vnet_pair *p, uint16_t rx_size,
		     uint16_t tx_size, uint32_t buf_len, void *mem, size_t mem_len)
{
	if (n->started || pair != n->npairs || pair >= n->info.max_pairs ||
	    pair >= VNET_MAX_PAIRS || !p)
		return VIRTIO_EINVAL;
	if (buf_len < vnet_rx_buf_min(n) || buf_len % 8 || rx_size < rx_descs_per_buf(n))
		return VIRTIO_EINVAL;
	if (mem_len < vnet_pair_mem_bytes(n, rx_size, tx_size, buf_len))
		return VIRTIO_ENOMEM;
	*p = (struct vnet_pair){ .rx_size = rx_size, .tx_size = tx_size, .mem = mem,
				 .mem_len = mem_len };
	p->rx.buf_len = buf_len;
	int rc = setup_pair(n, pair, p);
	if (rc)
		return rc;
	n->pairs[pair] = p;
	n->npairs++;
	return VIRTIO_OK;
}

/* ---- receive ----------------------------------------------------------- */

static void rx_post(struct vnet *n, struct vnet_rxq *q, uint8_t *buf)
{
	struct virtq_sg sg[2];
	unsigned k = 0;
	if (!n->info.any_layout)
		sg[k++] = (struct virtq_sg){ buf, n->info.hdr_len };
	sg[k] = (struct virtq_sg){ buf + (k ? n->info.hdr_len : 0),
				   q->buf_len - (k ? n->info.hdr_len : 0) };
	k++;
	/* No dirty line of ours may be evicted over the device's bytes. */
	virtio_cache_clean(buf, q->buf_len);
	/* Room is certain (a popped buffer freed its descriptors); only a
	 * broken queue refuses, and the next pop reports that. */
	(void)virtq_add(&q->vq, sg, 0, k, buf);
}

static void rx_fill(struct vnet *n, struct vnet_rxq *q)
{
	for (uint16_t i = 0; i < q->nbufs; i++)
		rx_post(n, q, q->bufs + (size_t)i * q->buf_len);
}

/* Checksum state from the header; only with GUEST_CSUM (§5.1.6.4.1: the
 * driver MUST NOT rely on bits a device without it sets anyway). */
static void rx_csum(const struct vnet *n, const uint8_t *hdr, struct vnet_rx_frame *f)
{
	uint8_t flags = hdr[0];
	f->csum = VNET_RX_CSUM_NONE;
	if (!n->info.rx_csum)
		return;
	if ((flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && !(flags & VIRTIO_NET_HDR_F_RSC_INFO)) {
		uint16_t start = vnet_load16(n, hdr + 6), off = vnet_load16(n, hdr + 8);
		/* Offsets outside the frame: nothing was validated. */
		if ((uint32_t)start + off + 2u <= f->len) {
			f->csum = VNET_RX_CSUM_PARTIAL;
			f->csum_start = start;
			f->csum_offset = off;
		}
	} else if (flags & VIRTIO_NET_HDR_F_DATA_VALID) {
		f->csum = VNET_RX_CSUM_VALID;
	}
}

/* The buffers of one received frame, as taken from the used ring. */
struct rx_bufs {
	uint8_t *buf[VNET_MAX_RX_SEGS];
	uint32_t len[VNET_MAX_RX_SEGS];
	unsigned n;     /* taken and kept here (all go back to the ring) */
	bool too_many;  /* more than VNET_MAX_RX_SEGS: the rest went back at once */
	uint64_t total; /* frame bytes, without the header */
};

/*
 * Take the rest of a frame whose first buffer is b->buf[0].  With
 * MRG_RXBUF it spans num_buffers used buffers (§5.1.6.4): all of them must
 * have been posted and be in the used ring already (the device uses them
 * together).  1 when b holds a frame, 0 when it was dropped (and counted),
 * VIRTIO_EBROKEN from the ring.
 */
static int rx_gather(struct vnet *n, struct vnet_rxq *q, struct rx_bufs *b)
{
	uint16_t hl = n->info.hdr_len;

	if (b->len[0] < hl) {
		n->stats.rx_runt++;
		return 0;
	}
	uint16_t nb = n->info.mrg_rxbuf ? vnet_load16(n, b->buf[0] + 10) : 1;
	if (nb == 0 || nb - 1u > q->vq.in_flight) {
		n->stats.rx_bad_buffers++; /* claims buffers that were never posted */
		return 0;
	}
	b->total = b->len[0] - hl;
	for (unsigned k = 1; k < nb; k++) {
		void *tok;
		uint32_t len;
		int rc = virtq_get_used(&q->vq, &tok, &len);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			n->stats.rx_bad_buffers++; /* the rest is not there */
			return 0;
		}
		virtio_cache_invalidate(tok, len);
		b->total += len;
		if (b->n < VNET_MAX_RX_SEGS) {
			b->buf[b->n] = tok;
			b->len[b->n++] = len;
		} else {
			b->too_many = true;
			rx_post(n, q, tok);
		}
	}
	if (b->total < VNET_ETH_HLEN) {
		n->stats.rx_runt++;
		return 0;
	}
	if (b->too_many || b->total > max_frame(n)) {
		n->stats.rx_oversize++;
		return 0;
	}
	return 1;
}

static void rx_deliver(struct vnet *n, uint16_t pi, struct vnet_rxq *q, const struct rx_bufs *b)
{
	struct vnet_rx_frame f = { .pair = pi, .nseg = (uint16_t)b->n, .len = (uint32_t)b->total };
	f.seg[0].data = b->buf[0] + n->info.hdr_len;
	f.seg[0].len = b->len[0] - n->info.hdr_len;
	for (unsigned k = 1; k < b->n; k++) {
		f.seg[k].data = b->buf[k];
		f.seg[k].len = b->len[k];
	}
	rx_csum(n, b->buf[0], &f);
	n->stats.rx_frames++;
	n->stats.rx_bytes += b->total;
	q->frames++;
	if (n->rx)
		n->rx(n, &f);
}

/* One frame whose first buffer the device just used; whatever happens,
 * every buffer taken goes back to the ring.  0 or VIRTIO_EBROKEN. */
static int rx_frame(struct vnet *n, uint16_t pi, struct vnet_rxq *q, uint8_t *first,
		    uint32_t len)
{
	struct rx_bufs b = { .buf = { first }, .len = { len }, .n = 1 };
	virtio_cache_invalidate(first, len);
	int rc = rx_gather(n, q, &b);
	if (rc < 0)
		return rc;
	if (rc > 0)
		rx_deliver(n, pi, q, &b);
	if (n->dead) /* the callback's transmit found the device broken */
		return VIRTIO_EBROKEN;
	for (unsigned k = 0; k < b.n; k++)
		rx_post(n, q, b.buf[k]);
	return VIRTIO_OK;
}

static int rx_drain(struct vnet *n, uint16_t pi)
{
	struct vnet_rxq *q = &n->pairs[pi]->rx;
	int work = 0;

	for (;;) {
		void *tok;
		uint32_t len;
		int rc;
		while ((rc = virtq_get_used(&q->vq, &tok, &len)) == 1) {
			rc = rx_frame(n, pi, q, tok, len);
			if (rc < 0)
				break;
			work++;
		}
		if (rc < 0) {
			if (!n->dead)
				vnet_abort(n, VIRTIO_EBROKEN);
			return VIRTIO_EBROKEN;
		}
		virtq_kick(&q->vq); /* the buffers just posted again */
		/* Re-arm, and drain again if a frame slipped in meanwhile. */
		if (virtq_enable_cb(&q->vq))
			return work;
	}
}

/* ---- transmit ---------------------------------------------------------- */

static void tx_finish(struct vnet *n, struct vnet_txq *q, struct vnet_tx *tx, int status)
{
	q->free[q->nfree++] = tx->slot;
	if (status == VIRTIO_OK) {
		n->stats.tx_frames++;
		n->stats.tx_bytes += tx->len;
		q->frames++;
	} else {
		n->stats.tx_errors++;
	}
	tx->done(tx, status);
}

/* Complete what the device has sent; `rearm` re-enables the interrupt
 * (the poll path) and drains again if something slipped in. */
static int tx_reclaim(struct vnet *n, struct vnet_txq *q, bool rearm)
{
	int done = 0;
	for (;;) {
		void *tok;
		uint32_t len;
		int rc;
		/* The used length of a transmit means nothing (§5.1.6.1). */
		while ((rc = virtq_get_used(&q->vq, &tok, &len)) == 1) {
			tx_finish(n, q, tok, VIRTIO_OK);
			done++;
		}
		if (rc < 0) {
			if (!n->dead)
				vnet_abort(n, VIRTIO_EBROKEN);
			return VIRTIO_EBROKEN;
		}
		if (!rearm || virtq_enable_cb(&q->vq))
			return done;
	}
}

static int tx_check(const struct vnet *n, const struct vnet_tx *tx, uint32_t *total)
{
	uint64_t sum = 0;
	if (!tx || !tx->done || !tx->frag || tx->nfrag == 0 || tx->nfrag > VNET_MAX_TX_FRAGS)
		return VIRTIO_EINVAL;
	for (uint16_t i = 0; i < tx->nfrag; i++) {
		if (!tx->frag[i].addr || tx->frag[i].len == 0)
			return VIRTIO_EINVAL;
		sum += tx->frag[i].len;
	}
	/* §5.1.4.2: nothing over the MTU (plus the Ethernet header). */
	if (sum < VNET_ETH_HLEN || sum > max_frame(n))
		return VIRTIO_EINVAL;
	if (tx->partial_csum) {
		if (!n->info.tx_csum)
			return VIRTIO_EUNSUPP; /* §5.1.6.2.1 */
		if (tx->csum_start < VNET_ETH_HLEN ||
		    (uint32_t)tx->csum_start + tx->csum_offset + 2u > sum)
			return VIRTIO_EINVAL;
	}
	*total = (uint32_t)sum;
	return VIRTIO_OK;
}

int vnet_transmit_nokick(struct vnet *n, uint16_t pair, struct vnet_tx *tx)
{
	struct vnet_pair *p = pair < n->active_pairs ? n->pairs[pair] : NULL;
	uint32_t total;

	if (!p || !n->started)
		return VIRTIO_EINVAL;
	if (n->dead || virtq_is_broken(&p->tx.vq))
		return VIRTIO_EBROKEN;
	int rc = tx_check(n, tx, &total);
	if (rc)
		return rc;
	struct vnet_txq *q = &p->tx;
	if (q->nfree == 0 && tx_reclaim(n, q, false) < 0)
		return VIRTIO_EBROKEN;
	if (q->nfree == 0)
		return VIRTIO_ENOSPC;

	uint16_t slot = q->free[q->nfree - 1];
	uint8_t *hdr = q->hdrs + (size_t)slot * VNET_TX_HDR_STRIDE;
	/* §5.1.6.2: no GSO, num_buffers 0; NEEDS_CSUM only when asked. */
	hdr[0] = tx->partial_csum ? VIRTIO_NET_HDR_F_NEEDS_CSUM : 0;
	hdr[1] = VIRTIO_NET_HDR_GSO_NONE;
	vnet_store16(n, hdr + 2, 0);
	vnet_store16(n, hdr + 4, 0);
	vnet_store16(n, hdr + 6, tx->partial_csum ? tx->csum_start : 0);
	vnet_store16(n, hdr + 8, tx->partial_csum ? tx->csum_offset : 0);
	if (n->info.hdr_len > VIRTIO_NET_HDR_LEGACY_BYTES)
		vnet_store16(n, hdr + 10, 0);
	virtio_cache_clean(hdr, n->info.hdr_len);

	/* The header in a descriptor of its own, then the caller's buffers
	 * untouched: a legacy device without ANY_LAYOUT needs exactly that. */
	struct virtq_sg sg[VNET_MAX_TX_FRAGS + 1];
	sg[0] = (struct virtq_sg){ hdr, n->info.hdr_len };
	for (uint16_t i = 0; i < tx->nfrag; i++) {
		sg[1 + i] = tx->frag[i];
		virtio_cache_clean(tx->frag[i].addr, tx->frag[i].len);
	}
	rc = virtq_add(&q->vq, sg, 1u + tx->nfrag, 0, tx);
	if (rc == VIRTIO_ENOSPC) { /* ring descriptors, not header slots, ran out */
		if (tx_reclaim(n, q, false) < 0)
			return VIRTIO_EBROKEN;
		rc = virtq_add(&q->vq, sg, 1u + tx->nfrag, 0, tx);
	}
	if (rc)
		return rc;
	q->nfree--;
	tx->pair = pair;
	tx->slot = slot;
	tx->len = total;
	return VIRTIO_OK;
}

void vnet_tx_kick(struct vnet *n, uint16_t pair)
{
	if (pair < n->npairs && n->pairs[pair])
		virtq_kick(&n->pairs[pair]->tx.vq);
}

int vnet_transmit(struct vnet *n, uint16_t pair, struct vnet_tx *tx)
{
	int rc = vnet_transmit_nokick(n, pair, tx);
	if (rc == VIRTIO_OK)
		vnet_tx_kick(n, pair);
	return rc;
}

/* ---- start, interrupts, reset ------------------------------------------ */

int vnet_start(struct vnet *n)
{
	if (n->started || n->npairs == 0 || (n->info.ctrl_vq && !n->ctrl))
		return VIRTIO_EINVAL;
	for (uint16_t pi = 0; pi < n->npairs; pi++)
		rx_fill(n, &n->pairs[pi]->rx);
	virtio_device_ready(n->vdev);
	n->started = true;
	n->active_pairs = 1; /* §5.1.5: only the first pair until VQ_PAIRS_SET */
	for (uint16_t pi = 0; pi < n->npairs; pi++)
		virtq_kick(&n->pairs[pi]->rx.vq);
	/* A refusal of the pair count keeps one pair; only a device that
	 * stops answering fails the start. */
	if (n->ctrl)
		(void)vnet_ctrl_restore(n, n->info.mq ? n->npairs : 1);
	return n->dead ? VIRTIO_EBROKEN : VIRTIO_OK;
}

int vnet_poll(struct vnet *n, uint16_t pair)
{
	struct vnet_pair *p = pair < n->npairs ? n->pairs[pair] : NULL;
	if (!p || !n->started)
		return VIRTIO_EINVAL;
	if (n->dead)
		return VIRTIO_EBROKEN;
	int rx = rx_drain(n, pair);
	if (rx < 0)
		return rx;
	int tx = tx_reclaim(n, &p->tx, true);
	return tx < 0 ? tx : rx + tx;
}

static void config_change(struct vnet *n)
{
	struct virtio_device *d = n->vdev;
	n->stats.config_changes++;
	if (virtio_device_needs_reset(d)) {
		/* §2.1.2: in-flight frames are indeterminate.  Re-initialising
		 * waits for control commands: that is vnet_service()'s. */
		vnet_abort(n, VIRTIO_ERESET);
		n->reset_pending = true;
	} else if (virtio_has_feature(d, VIRTIO_NET_F_STATUS)) {
		uint16_t status = virtio_config_read16(d, VIRTIO_NET_CFG_STATUS);
		bool up = status & VIRTIO_NET_S_LINK_UP;
		if (up != n->link_up)
			n->stats.link_changes++;
		n->link_up = up;
		/* §5.1.6.5.4: ANNOUNCE means send gratuitous packets, then ack. */
		if (n->info.announce && (status & VIRTIO_NET_S_ANNOUNCE))
			n->announce_pending = true;
	}
	if (n->config_changed)
		n->config_changed(n);
}

int vnet_interrupt(struct vnet *n)
{
	uint32_t causes = virtio_interrupt_ack(n->vdev);
	int total = 0;

	if (causes == 0)
		return 0; /* a neighbour's on a shared line */
	if (causes & VIRTIO_INT_CONFIG)
		config_change(n);
	if (n->dead)
		return VIRTIO_EBROKEN;
	for (uint16_t pi = 0; pi < n->npairs && n->started; pi++) {
		int rc = vnet_poll(n, pi);
		if (rc < 0)
			return rc;
		total += rc;
	}
	return total;
}

void vnet_abort(struct vnet *n, int err)
{
	void *tok;
	/* Even if the reset times out the device is FAILED and nothing it
	 * holds is reused; transmits still complete for their owners. */
	(void)virtio_device_reset(n->vdev);
	n->dead = true;
	for (uint16_t pi = 0; pi < n->npairs; pi++) {
		struct vnet_pair *p = n->pairs[pi];
		virtq_mark_broken(&p->rx.vq);
		while (virtq_reclaim(&p->rx.vq, &tok) == 1)
			; /* receive buffers are ours again: reinit posts them */
		virtq_mark_broken(&p->tx.vq);
		while (virtq_reclaim(&p->tx.vq, &tok) == 1)
			tx_finish(n, &p->tx, tok, err);
	}
	if (n->ctrl) {
		virtq_mark_broken(&n->ctrl->vq);
		while (virtq_reclaim(&n->ctrl->vq, &tok) == 1)
			;
	}
}

int vnet_reinit(struct vnet *n)
{
	uint16_t active = n->active_pairs;
	int rc = negotiate(n);
	if (rc == VIRTIO_OK)
		rc = read_config(n);
	for (uint16_t pi = 0; rc == VIRTIO_OK && pi < n->npairs; pi++)
		rc = setup_pair(n, pi, n->pairs[pi]);
	if (rc == VIRTIO_OK && n->ctrl)
		rc = n->info.ctrl_vq ? vnet_ctrl_setup(n) : VIRTIO_EFEATURES;
	if (rc) {
		virtio_device_fail(n->vdev);
		return rc;
	}
	for (uint16_t pi = 0; pi < n->npairs; pi++)
		rx_fill(n, &n->pairs[pi]->rx);
	virtio_device_ready(n->vdev);
	n->dead = false;
	n->stats.resets++;
	n->active_pairs = 1; /* the device forgot VQ_PAIRS_SET */
	for (uint16_t pi = 0; pi < n->npairs; pi++)
		virtq_kick(&n->pairs[pi]->rx.vq);
	return n->ctrl ? vnet_ctrl_restore(n, active) : VIRTIO_OK;
}

int vnet_service(struct vnet *n)
{
	int rc = VIRTIO_OK;
	if (n->reset_pending) {
		n->reset_pending = false; /* one attempt per request */
		rc = vnet_reinit(n);
	}
	if (n->announce_pending && !n->dead) {
		n->announce_pending = false;
		if (n->announce)
			n->announce(n);
		int ack = vnet_announce_ack(n);
		if (ack == VIRTIO_OK)
			n->stats.announces++;
		if (rc == VIRTIO_OK)
			rc = ack;
	}
	return rc;
}

/* ---- names ------------------------------------------------------------- */

const char *vnet_feature_name(unsigned bit)
{
	switch (bit) {
	case VIRTIO_NET_F_CSUM: return "CSUM";
	case VIRTIO_NET_F_GUEST_CSUM: return "GUEST_CSUM";
	case VIRTIO_NET_F_CTRL_GUEST_OFFLOADS: return "CTRL_GUEST_OFFLOADS";
	case VIRTIO_NET_F_MTU: return "MTU";
	case VIRTIO_NET_F_MAC: return "MAC";
	case VIRTIO_NET_F_GUEST_TSO4: return "GUEST_TSO4";
	case VIRTIO_NET_F_GUEST_TSO6: return "GUEST_TSO6";
	case VIRTIO_NET_F_GUEST_ECN: return "GUEST_ECN";
	case VIRTIO_NET_F_GUEST_UFO: return "GUEST_UFO";
	case VIRTIO_NET_F_HOST_TSO4: return "HOST_TSO4";
	case VIRTIO_NET_F_HOST_TSO6: return "HOST_TSO6";
	case VIRTIO_NET_F_HOST_ECN: return "HOST_ECN";
	case VIRTIO_NET_F_HOST_UFO: return "HOST_UFO";
	case VIRTIO_NET_F_MRG_RXBUF: return "MRG_RXBUF";
	case VIRTIO_NET_F_STATUS: return "STATUS";
	case VIRTIO_NET_F_CTRL_VQ: return "CTRL_VQ";
	case VIRTIO_NET_F_CTRL_RX: return "CTRL_RX";
	case VIRTIO_NET_F_CTRL_VLAN: return "CTRL_VLAN";
	case VIRTIO_NET_F_CTRL_RX_EXTRA: return "CTRL_RX_EXTRA";
	case VIRTIO_NET_F_GUEST_ANNOUNCE: return "GUEST_ANNOUNCE";
	case VIRTIO_NET_F_MQ: return "MQ";
	case VIRTIO_NET_F_CTRL_MAC_ADDR: return "CTRL_MAC_ADDR";
	case VIRTIO_F_ANY_LAYOUT: return "ANY_LAYOUT";
	case VIRTIO_NET_F_GUEST_USO4: return "GUEST_USO4";
	case VIRTIO_NET_F_GUEST_USO6: return "GUEST_USO6";
	case VIRTIO_NET_F_HOST_USO: return "HOST_USO";
	case VIRTIO_NET_F_HASH_REPORT: return "HASH_REPORT";
	case VIRTIO_NET_F_RSS: return "RSS";
	case VIRTIO_NET_F_STANDBY: return "STANDBY";
	case VIRTIO_NET_F_SPEED_DUPLEX: return "SPEED_DUPLEX";
	default: return NULL;
	}
}
