/*
 * virtio-net driver (§5.1) over the device core (driver.h): negotiation
 * and configuration, receive queues kept stocked with buffers in the
 * caller's memory, scatter-gather transmit with a driver-owned header per
 * frame, and the core's callbacks (each queue's done(), config_changed,
 * reinit).  The control queue is in net_ctrl.c.
 *
 * The device is not trusted: a receive length is bounded by the buffer it
 * was posted in (virtq checks that), num_buffers is checked against the
 * buffers actually posted and those actually used, and frames are bounded
 * by the MTU before anyone reads them.
 */
#include "net_internal.h"

#define MTU_MIN 68u /* §5.1.4.1: the device's mtu is 68..65535 */

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

static int negotiate(struct vnet *n, uint64_t mask)
{
	struct virtio_device *d = n->vdev;
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

static uint16_t read_status(struct virtio_device *d)
{
	return virtio_config_read16(d, offsetof(struct virtio_net_config, status));
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
							     : sizeof(struct virtio_net_hdr_legacy));
	if (virtio_has_feature(d, VIRTIO_NET_F_MAC)) {
		/* mac and status in one generation. */
		uint64_t v;
		if (virtio_config_read64(d, offsetof(struct virtio_net_config, mac), &v))
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
		uint16_t mtu = virtio_config_read16(d, offsetof(struct virtio_net_config, mtu));
		/* §5.1.4.1: 68..65535; anything else is not an MTU. */
		if (mtu >= MTU_MIN) {
			in->mtu = mtu;
			in->mtu_from_device = true;
		}
	}
	if (in->mq) {
		uint16_t pairs = virtio_config_read16(d, offsetof(struct virtio_net_config, max_virtqueue_pairs));
		/* The control queue's index follows from it: a device outside
		 * 1..0x8000 cannot be driven at all. */
		if (pairs == 0 || pairs > VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX)
			return VIRTIO_EBROKEN;
		in->max_pairs = pairs;
	}
	/* §5.1.4.2: without STATUS the link is up. */
	n->link_up = !virtio_has_feature(d, VIRTIO_NET_F_STATUS) ||
		     (read_status(d) & VIRTIO_NET_S_LINK_UP);
	return VIRTIO_OK;
}

static const struct virtio_driver_ops net_driver_ops;

int vnet_probe(struct vnet *n, struct virtio_device *vdev, uint64_t mask)
{
	if (vdev->device_id != VIRTIO_ID_NET)
		return VIRTIO_ENODEV;
	*n = (struct vnet){ .vdev = vdev };
	int rc = negotiate(n, mask);
	if (rc)
		return rc;
	virtio_device_set_driver(vdev, &net_driver_ops, n);
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
	enum virtq_layout layout = virtq_layout(n->vdev);
	struct pair_layout l = { 0 };
	l.rx_ring = align_up(virtq_mem_bytes(rx_size, layout, 0), VIRTQ_MEM_ALIGN);
	l.tx_ring = align_up(virtq_mem_bytes(tx_size, layout, VNET_MAX_TX_FRAGS + 1), 64);
	l.hdrs = l.rx_ring + l.tx_ring;
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

static virtq_done_fn rx_done, tx_done;

/* Every transmit header slot free (at attach, and after a reset handed
 * every transmit back). */
static void tx_reset_slots(struct vnet_txq *q)
{
	for (uint16_t i = 0; i < q->vq.size; i++)
		q->free[i] = (uint16_t)(q->vq.size - 1 - i);
	q->nfree = q->vq.size;
}

int vnet_attach_pair(struct vnet *n, uint16_t pair, struct vnet_pair *p, uint16_t rx_size,
		     uint16_t tx_size, uint32_t buf_len, void *mem, size_t mem_len)
{
	if (n->started || pair != n->npairs || pair >= n->info.max_pairs ||
	    pair >= VNET_MAX_PAIRS || !p)
		return VIRTIO_EINVAL;
	if (buf_len < vnet_rx_buf_min(n) || buf_len % 8 || rx_size < rx_descs_per_buf(n))
		return VIRTIO_EINVAL;
	struct pair_layout l = pair_layout(n, rx_size, tx_size, buf_len);
	if (mem_len < l.total)
		return VIRTIO_ENOMEM;
	uint8_t *base = mem;
	*p = (struct vnet_pair){ .rx_size = rx_size, .tx_size = tx_size };
	p->rx = (struct vnet_rxq){ .n = n, .pair = pair, .bufs = base + l.bufs, .buf_len = buf_len,
				   .nbufs = (uint16_t)(rx_size / rx_descs_per_buf(n)) };
	p->tx = (struct vnet_txq){ .n = n, .hdrs = base + l.hdrs, .free = (uint16_t *)(base + l.free) };
	int rc = virtio_queue_attach(n->vdev, &p->rx.vq, &(struct virtio_queue_setup){
		.index = (uint16_t)VIRTIO_NET_QUEUE_RX(pair), .size = rx_size,
		.mem = base, .mem_len = l.rx_ring, .done = rx_done, .ctx = &p->rx,
	});
	if (rc == VIRTIO_OK)
		rc = virtio_queue_attach(n->vdev, &p->tx.vq, &(struct virtio_queue_setup){
			.index = (uint16_t)VIRTIO_NET_QUEUE_TX(pair), .size = tx_size,
			.indirect_max = VNET_MAX_TX_FRAGS + 1, .mem = base + l.rx_ring,
			.mem_len = l.tx_ring, .done = tx_done, .ctx = &p->tx,
		});
	if (rc)
		return rc;
	tx_reset_slots(&p->tx);
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
	for (unsigned k = 0; k < b.n; k++)
		rx_post(n, q, b.buf[k]);
	virtq_kick(&q->vq); /* a no-op unless the device asked to hear of them */
	return VIRTIO_OK;
}

/* The receive queue's done(): one used buffer, the first of a frame (a
 * merged frame's others are taken by rx_gather).  A buffer handed back by
 * a reset is simply ours again: reinit posts every buffer anew. */
static void rx_done(void *ctx, void *token, uint32_t len, int status)
{
	struct vnet_rxq *q = ctx;
	if (status == VIRTIO_OK)
		(void)rx_frame(q->n, q->pair, q, token, len); /* a ring fault is the core's to see */
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

/* The transmit queue's done(): sent, or handed back by a reset. */
static void tx_done(void *ctx, void *token, uint32_t len, int status)
{
	struct vnet_txq *q = ctx;
	(void)len; /* the used length of a transmit means nothing (§5.1.6.1) */
	tx_finish(q->n, q, token, status);
}

/* Complete what the device has sent on one queue (a full ring, from the
 * transmit path).  0 or the drain's error. */
static int tx_reclaim(struct vnet_txq *q)
{
	int rc = virtio_queue_drain(&q->vq, q->vq.size);
	return rc < 0 ? rc : VIRTIO_OK;
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
	int rc = virtio_device_error(n->vdev);
	if (rc)
		return rc;
	rc = tx_check(n, tx, &total);
	if (rc)
		return rc;
	struct vnet_txq *q = &p->tx;
	if (q->nfree == 0 && (rc = tx_reclaim(q)) != 0)
		return rc;
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
	if (n->info.hdr_len > sizeof(struct virtio_net_hdr_legacy))
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
		if ((rc = tx_reclaim(q)) != 0)
			return rc;
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
	return virtio_device_error(n->vdev);
}

int vnet_poll(struct vnet *n)
{
	return n->started ? virtio_device_poll(n->vdev) : VIRTIO_EINVAL;
}

int vnet_interrupt(struct vnet *n)
{
	return virtio_device_interrupt(n->vdev);
}

/* The core's config_changed(): not DEVICE_NEEDS_RESET (the core notes
 * that itself).  Interrupt context: no command here. */
static void config_changed(void *ctx)
{
	struct vnet *n = ctx;
	struct virtio_device *d = n->vdev;
	n->stats.config_changes++;
	if (virtio_has_feature(d, VIRTIO_NET_F_STATUS)) {
		uint16_t status = read_status(d);
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

/* The core's reinit(): the queues are rebuilt and every transmit was
 * handed back; the configuration again, every buffer posted again. */
static int reinit(void *ctx)
{
	struct vnet *n = ctx;
	int rc = read_config(n);
	for (uint16_t pi = 0; rc == VIRTIO_OK && pi < n->npairs; pi++) {
		tx_reset_slots(&n->pairs[pi]->tx);
		rx_fill(n, &n->pairs[pi]->rx);
	}
	return rc;
}

static const struct virtio_driver_ops net_driver_ops = {
	.config_changed = config_changed,
	.reinit = reinit,
};

int vnet_abort(struct vnet *n, int err)
{
	return virtio_device_abort(n->vdev, err);
}

int vnet_reinit(struct vnet *n)
{
	uint16_t pairs = n->active_pairs;
	int rc = virtio_device_recover(n->vdev);
	if (rc)
		return rc;
	n->stats.resets++;
	n->active_pairs = 1; /* the device forgot VQ_PAIRS_SET */
	for (uint16_t pi = 0; pi < n->npairs; pi++)
		virtq_kick(&n->pairs[pi]->rx.vq); /* notifications only after DRIVER_OK */
	return n->ctrl ? vnet_ctrl_restore(n, pairs) : VIRTIO_OK;
}

int vnet_service(struct vnet *n)
{
	int rc = VIRTIO_OK;
	unsigned pending = virtio_device_pending(n->vdev);
	if (pending & VIRTIO_PENDING_RECOVER)
		rc = vnet_reinit(n);
	else if (pending & VIRTIO_PENDING_POLL)
		rc = virtio_device_poll(n->vdev) < 0 ? virtio_device_error(n->vdev) : VIRTIO_OK;
	if (n->announce_pending && virtio_device_error(n->vdev) == VIRTIO_OK) {
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
