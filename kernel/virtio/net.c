/*
 * virtio-net in the kernel: brings a device up over the library's vnet
 * driver (queue memory from the DMA pool, one interrupt for every queue)
 * and plugs it into the netdev registry, which the stack attaches to.
 *
 * Receive runs in the interrupt handler: a frame merged from several
 * buffers is copied into one linear buffer first, a whole one is handed
 * up in place.  Transmit wraps each netdev frame in a struct vnet_tx from
 * a pool sized to the transmit rings.  What the interrupt handler must
 * not do (a recovery, an announce ack: both wait for the device) is
 * deferred work (deferred.h), run from the kernel's wait loops.
 */
#include "kernel/errno.h"
#include "kernel/virtio/kerr.h"
#include "kernel/virtio/probe.h"

#include "kernel/deferred.h"
#include "kernel/dma.h"
#include "kernel/irq/irq.h"
#include "kernel/net/netdev.h"
#include "kernel/riscv.h"
#include "lib/kstring.h"
#include "lib/printf.h"
#include "virtio/errors.h"
#include "virtio/net.h"

#define MAX_NICS NETDEV_MAX
#define RING_SIZE 256       /* entries per receive and transmit queue */
#define CTRL_RING_SIZE 16
#define MRG_BUF_BYTES 1024u /* merged receive: a full frame takes two buffers */
#define WHOLE_BUF_BYTES 2048u /* otherwise: room for frames over the MTU, to count them */

struct nic;

/* One in-flight transmit: the library's request for a netdev frame. */
struct nic_tx {
	struct vnet_tx vtx;
	struct virtq_sg sg;
	struct netdev_tx *tx;
	struct nic *nic;
	struct nic_tx *next_free;
};

struct nic {
	struct vnet vn;
	struct vnet_pair pairs[VNET_MAX_PAIRS];
	struct vnet_ctrl ctrl;
	struct netdev dev;
	struct nic_tx *free_tx;
	uint8_t *linear;    /* a merged frame, made contiguous */
	uint32_t buf_len;
	uint32_t irq;
	bool handler;       /* nic_irq() is registered on irq */
	bool reported_down;
	struct deferred_work work; /* nic_deferred() */
	char transport[64];
};

static struct nic nics[MAX_NICS];
static unsigned nnics;

/* ---- receive, config, announce (library callbacks) ----------------------- */

static void nic_rx(struct vnet *vn, const struct vnet_rx_frame *f)
{
	struct nic *c = vn->ctx;
	struct netdev_rx r = { .len = f->len, .queue = f->pair };
	if (!c->dev.rx)
		return;
	if (f->nseg == 1) {
		r.data = f->seg[0].data;
	} else {
		/* f->len is bounded by the MTU (the library checked): the
		 * linear buffer holds it. */
		uint32_t off = 0;
		for (unsigned i = 0; i < f->nseg; i++) {
			memcpy(c->linear + off, f->seg[i].data, f->seg[i].len);
			off += f->seg[i].len;
		}
		r.data = c->linear;
	}
	r.csum = f->csum == VNET_RX_CSUM_VALID	 ? NETDEV_CSUM_VALID
		 : f->csum == VNET_RX_CSUM_PARTIAL ? NETDEV_CSUM_PARTIAL
						   : NETDEV_CSUM_NONE;
	r.csum_start = f->csum_start;
	r.csum_offset = f->csum_offset;
	c->dev.rx(&c->dev, &r);
}

static void nic_config_changed(struct vnet *vn)
{
	struct nic *c = vn->ctx;
	bool was = c->dev.link_up;
	c->dev.link_up = vn->link_up;
	if (was != c->dev.link_up && c->dev.link_changed)
		c->dev.link_changed(&c->dev);
	if (vnet_pending(vn))
		deferred_mark(&c->work); /* an announce to answer */
}

static void nic_announce(struct vnet *vn)
{
	struct nic *c = vn->ctx;
	if (c->dev.announce)
		c->dev.announce(&c->dev);
}

static void nic_irq(void *ctx)
{
	struct nic *c = ctx;
	bool was_live = vnet_error(&c->vn) == VIRTIO_OK;
	int rc = vnet_interrupt(&c->vn);
	/* Say it once: a device that is down sees every neighbour's
	 * interrupt on a shared line.  A needed reset is no error: the
	 * deferred work recovers it. */
	if (rc < 0 && rc != VIRTIO_ERESET && was_live)
		kprintf("%s: %s\n", c->dev.name, virtio_strerror(rc));
	if (vnet_pending(&c->vn))
		deferred_mark(&c->work);
}

/* Main loop: what the interrupt left (a recovery, the rest of a drain, an
 * announce).  A failed recovery is said once and not retried. */
static void nic_deferred(void *ctx)
{
	struct nic *c = ctx;
	unsigned long s = intr_save();
	bool recovering = virtio_device_pending(c->vn.vdev) & VIRTIO_PENDING_RECOVER;
	int rc = vnet_service(&c->vn);
	c->dev.link_up = c->vn.link_up;
	if (vnet_pending(&c->vn))
		deferred_mark(&c->work);
	intr_restore(s);
	if (recovering)
		kprintf("%s: %s\n", c->dev.name, rc ? virtio_strerror(rc) : "device reset, re-initialised");
}

/* ---- netdev operations ---------------------------------------------------- */

static void nic_tx_done(struct vnet_tx *vtx, int status)
{
	struct nic_tx *w = vtx->ctx;
	struct netdev_tx *tx = w->tx;
	w->tx = NULL;
	w->next_free = w->nic->free_tx;
	w->nic->free_tx = w;
	tx->done(tx, status);
}

static int nic_transmit(struct netdev *dev, uint16_t queue, struct netdev_tx *tx)
{
	struct nic *c = dev->driver;
	struct nic_tx *w = c->free_tx;
	if (!w)
		return NETDEV_EBUSY;
	uint16_t active = c->vn.active_pairs ? c->vn.active_pairs : 1;
	/* The hint is normally in range: no division on the common path. */
	uint16_t pair = queue < active ? queue : (uint16_t)(queue % active);
	w->tx = tx;
	w->sg = (struct virtq_sg){ (void *)tx->data, tx->len };
	w->vtx = (struct vnet_tx){
		.frag = &w->sg,
		.nfrag = 1,
		.partial_csum = tx->partial_csum,
		.csum_start = tx->csum_start,
		.csum_offset = tx->csum_offset,
		.done = nic_tx_done,
		.ctx = w,
	};
	int rc = vnet_transmit(&c->vn, pair, &w->vtx);
	if (rc) {
		w->tx = NULL;
		return rc == VIRTIO_ENOSPC ? NETDEV_EBUSY : rc;
	}
	c->free_tx = w->next_free;
	return 0;
}

static void nic_poll(struct netdev *dev)
{
	struct nic *c = dev->driver;
	unsigned long s = intr_save();
	(void)vnet_poll(&c->vn);
	if (vnet_pending(&c->vn))
		deferred_mark(&c->work);
	intr_restore(s);
}

static int nic_set_rx_mode(struct netdev *dev, bool promisc, bool allmulti)
{
	struct nic *c = dev->driver;
	int rc = vnet_set_promisc(&c->vn, promisc);
	return rc ? rc : vnet_set_allmulti(&c->vn, allmulti);
}

static int nic_set_mac_filter(struct netdev *dev, const uint8_t *uni, unsigned nuni,
			      const uint8_t *multi, unsigned nmulti)
{
	struct nic *c = dev->driver;
	return vnet_set_mac_filter(&c->vn, uni, (uint16_t)nuni, multi, (uint16_t)nmulti);
}

static void nic_counters(struct netdev *dev, struct netdev_counters *out)
{
	const struct vnet_stats *s = &((struct nic *)dev->driver)->vn.stats;
	*out = (struct netdev_counters){
		.rx_frames = s->rx_frames,
		.rx_bytes = s->rx_bytes,
		.tx_frames = s->tx_frames,
		.tx_bytes = s->tx_bytes,
		.rx_runt = s->rx_runt,
		.rx_oversize = s->rx_oversize,
		.rx_bad_buffers = s->rx_bad_buffers,
		.tx_errors = s->tx_errors,
	};
}

static void nic_info(struct netdev *dev)
{
	struct nic *c = dev->driver;
	const struct vnet *vn = &c->vn;
	const struct virtio_device *v = vn->vdev;
	kprintf("  features 0x%016llx:", (unsigned long long)v->features);
	for (unsigned b = 0; b < 64; b++)
		if ((v->features >> b & 1) && vnet_feature_name(b))
			kprintf(" %s", vnet_feature_name(b));
	const struct virtq *rx0 = &vn->pairs[0]->rx.vq;
	kprintf("\n  rings %s, event index %s, header %u bytes\n", rx0->packed ? "packed" : "split",
		rx0->event_idx ? "on" : "off", (unsigned)vn->info.hdr_len);
	kprintf("  queue pairs %u in use of %u (device offers %u): rx %u x %u-byte buffers, tx %u\n",
		(unsigned)vn->active_pairs, (unsigned)vn->npairs, (unsigned)vn->info.max_pairs,
		(unsigned)vn->pairs[0]->rx.nbufs, (unsigned)c->buf_len,
		(unsigned)vn->pairs[0]->tx_size);
	/* The receive ring's state says who a stall is waiting for: buffers
	 * short of nbufs with the device are ours to post, used entries not
	 * taken are ours to drain, all of them posted and none used is the
	 * device's turn. */
	for (uint16_t p = 0; p < vn->npairs; p++) {
		struct virtq *rq = &vn->pairs[p]->rx.vq;
		kprintf("  pair %u: rx %llu frames, tx %llu frames; rx ring %u of %u buffers with "
			"the device%s\n",
			(unsigned)p, (unsigned long long)vn->pairs[p]->rx.frames,
			(unsigned long long)vn->pairs[p]->tx.frames, (unsigned)virtq_in_flight(rq),
			(unsigned)vn->pairs[p]->rx.nbufs,
			virtq_has_used(rq) ? ", used entries not yet taken" : "");
	}
	if (vn->ctrl)
		kprintf("  control queue: %llu commands, %llu refused; promiscuous %s, all-multicast %s\n",
			(unsigned long long)vn->ctrl->commands, (unsigned long long)vn->ctrl->failures,
			vn->promisc ? "on" : "off", vn->allmulti ? "on" : "off");
	else
		kprintf("  no control queue\n");
	int err = vnet_error(vn);
	kprintf("  device events: %llu config changes, %llu link changes, %llu announces, %llu resets%s%s\n",
		(unsigned long long)vn->stats.config_changes,
		(unsigned long long)vn->stats.link_changes, (unsigned long long)vn->stats.announces,
		(unsigned long long)vn->stats.resets, err ? "; " : "", err ? virtio_strerror(err) : "");
}

static const struct netdev_ops nic_ops = {
	.transmit = nic_transmit,
	.poll = nic_poll,
	.set_rx_mode = nic_set_rx_mode,
	.set_mac_filter = nic_set_mac_filter,
	.counters = nic_counters,
	.info = nic_info,
	.strerror = virtio_strerror,
};

/* ---- bring-up ------------------------------------------------------------- */

static int setup_queues(struct nic *c)
{
	struct vnet *vn = &c->vn;
	uint16_t pairs = vn->info.max_pairs < VNET_MAX_PAIRS ? vn->info.max_pairs : VNET_MAX_PAIRS;
	uint32_t ntx = 0;
	c->buf_len = vn->info.mrg_rxbuf ? MRG_BUF_BYTES : WHOLE_BUF_BYTES;
	if (c->buf_len < vnet_rx_buf_min(vn))
		c->buf_len = vnet_rx_buf_min(vn); /* a device MTU above 1500 */
	for (uint16_t p = 0; p < pairs; p++) {
		uint16_t rx = virtio_queue_size(vn->vdev, (uint16_t)VIRTIO_NET_QUEUE_RX(p), RING_SIZE);
		uint16_t tx = virtio_queue_size(vn->vdev, (uint16_t)VIRTIO_NET_QUEUE_TX(p), RING_SIZE);
		if (rx == 0 || tx == 0)
			break; /* fewer queues than the device said: use those */
		size_t bytes = vnet_pair_mem_bytes(vn, rx, tx, c->buf_len);
		void *mem = dma_alloc(bytes);
		if (!mem)
			return VIRTIO_ENOMEM;
		int rc = vnet_attach_pair(vn, p, &c->pairs[p], rx, tx, c->buf_len, mem, bytes);
		if (rc)
			return rc;
		ntx += tx;
	}
	if (vn->npairs == 0)
		return VIRTIO_ENOQUEUE;
	struct nic_tx *w = dma_alloc(ntx * sizeof(*w));
	c->linear = dma_alloc(vn->info.mtu + VNET_ETH_HLEN + VNET_ETH_VLAN_EXTRA);
	if (!w || !c->linear)
		return VIRTIO_ENOMEM;
	for (uint32_t i = 0; i < ntx; i++) {
		w[i].nic = c;
		w[i].next_free = c->free_tx;
		c->free_tx = &w[i];
	}
	if (vn->info.ctrl_vq) {
		uint16_t size = virtio_queue_size(
			vn->vdev, (uint16_t)VIRTIO_NET_QUEUE_CTRL(vn->info.mq ? vn->info.max_pairs : 1),
			CTRL_RING_SIZE);
		size_t bytes = vnet_ctrl_mem_bytes(size);
		void *mem = size ? dma_alloc(bytes) : NULL;
		if (!mem)
			return size ? VIRTIO_ENOMEM : VIRTIO_ENOQUEUE;
		return vnet_attach_ctrl(vn, &c->ctrl, size, mem, bytes);
	}
	return VIRTIO_OK;
}

/* The receive filter this kernel wants: our address, broadcast, and the
 * groups the stack joins later; nothing promiscuous (QEMU starts so). */
static void default_filter(struct nic *c)
{
	if (!c->vn.info.ctrl_rx)
		return;
	int rc = vnet_set_promisc(&c->vn, false);
	if (rc == VIRTIO_OK)
		rc = vnet_set_mac_filter(&c->vn, c->vn.info.mac, 1, NULL, 0);
	if (rc)
		kprintf("%s: receive filter: %s\n", c->transport, virtio_strerror(rc));
}

static int nic_attach(struct nic *c, struct virtio_device *vdev, uint32_t irq)
{
	int rc = vnet_probe(&c->vn, vdev, ~0ull);
	if (rc == VIRTIO_OK)
		rc = setup_queues(c);
	c->vn.rx = nic_rx;
	c->vn.config_changed = nic_config_changed;
	c->vn.announce = nic_announce;
	c->vn.ctx = c;
	c->irq = irq;
	c->work = (struct deferred_work){ .fn = nic_deferred, .ctx = c };
	if (rc == VIRTIO_OK) {
		c->handler = irq_register(irq, nic_irq, c) == 0;
		rc = c->handler ? VIRTIO_OK : VIRTIO_EINVAL;
	}
	if (rc == VIRTIO_OK) {
		unsigned long s = intr_save();
		rc = vnet_start(&c->vn);
		if (rc == VIRTIO_OK)
			default_filter(c);
		intr_restore(s);
	}
	return rc;
}

int virtio_net_attach(struct virtio_device *vdev, const char *where, uint32_t irq)
{
	if (nnics == MAX_NICS)
		return KERR_EFULL;
	/* The slot is taken only by a device that came up: a failed one left
	 * nothing pointing at it (no handler, no registry entry). */
	struct nic *c = &nics[nnics];
	size_t mark = dma_mark();
	*c = (struct nic){ 0 };
	ksnprintf(c->transport, sizeof(c->transport), "%s", where);
	int rc = kerr_from_virtio(nic_attach(c, vdev, irq));
	if (rc) {
		virtio_bringup_undo(vdev, where, mark, irq, c->handler ? nic_irq : NULL, c);
		deferred_cancel(&c->work); /* a mark from the handler before it went */
		return rc;
	}
	const struct vnet_info *in = &c->vn.info;
	unsigned long s = intr_save(); /* the interrupt handler reads c->dev */
	c->dev = (struct netdev){
		.mtu = in->mtu,
		.link_up = c->vn.link_up,
		.queues = c->vn.active_pairs,
		.caps = (in->tx_csum ? NETDEV_CAP_TX_CSUM : 0) | (in->rx_csum ? NETDEV_CAP_RX_CSUM : 0) |
			(in->ctrl_rx ? NETDEV_CAP_RX_MODE | NETDEV_CAP_MAC_FILTER : 0),
		.transport = c->transport,
		.ops = &nic_ops,
		.driver = c,
	};
	memcpy(c->dev.mac, in->mac, NETDEV_ALEN);
	rc = virtio_fail_injected(vdev) ? KERR_EFULL
	     : netdev_register(&c->dev) ? KERR_EFULL : KERR_OK;
	intr_restore(s);
	if (rc) {
		virtio_bringup_undo(vdev, where, mark, irq, nic_irq, c);
		deferred_cancel(&c->work); /* a mark from the handler before it went */
		return rc;
	}
	nnics++;
	kprintf("%s: %02x:%02x:%02x:%02x:%02x:%02x, %s, link %s, mtu %u, %u queue pair%s\n",
		c->dev.name, in->mac[0], in->mac[1], in->mac[2], in->mac[3], in->mac[4], in->mac[5],
		where, c->dev.link_up ? "up" : "down", (unsigned)in->mtu,
		(unsigned)c->vn.active_pairs, c->vn.active_pairs == 1 ? "" : "s");
	return KERR_OK;
}
