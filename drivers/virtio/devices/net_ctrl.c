/*
 * The network device's control queue (§5.1.6.5): one command at a time,
 * {class, command} | data | ack, each part in a descriptor of its own (the
 * legacy framing of §5.1.6.7, valid for every device), polled until the
 * device writes the ack.  Every ack is checked; a device that never
 * answers is reset (it owns the command buffer until then, §3.3).
 */
#include "net_internal.h"

/* The command area: class and command, then the data (two tables at
 * most), then the ack byte the device writes. */
#define CMD_HDR   0u
#define CMD_DATA  8u
#define CMD_TABLE (4u + VNET_MAX_FILTER * VNET_ETH_ALEN) /* le32 entries + MACs */
#define CMD_ACK   (CMD_DATA + 2u * CMD_TABLE)
#define CMD_BYTES 256u
_Static_assert(CMD_ACK < CMD_BYTES, "the command area holds two full filter tables");
#define ACK_UNWRITTEN 0xffu

static size_t ring_part(uint16_t size)
{
	return VIRTQ_ALIGN_UP(virtq_mem_bytes_max(size, 0), 64);
}

size_t vnet_ctrl_mem_bytes(uint16_t size)
{
	return ring_part(size) + CMD_BYTES;
}

/* The control queue's done(): the command came back, answered or taken
 * back by a reset. */
static void ctrl_done(void *ctx, void *token, uint32_t len, int status)
{
	struct vnet_ctrl *c = ctx;
	(void)token;
	(void)len; /* the ack byte says it all (§5.1.6.1: a legacy length means nothing) */
	c->status = status;
	c->answered = true;
}

int vnet_attach_ctrl(struct vnet *n, struct vnet_ctrl *c, uint16_t size, void *mem,
		     size_t mem_len)
{
	if (!n->info.ctrl_vq)
		return VIRTIO_EUNSUPP;
	if (n->started || n->ctrl || !c)
		return VIRTIO_EINVAL;
	if (mem_len < vnet_ctrl_mem_bytes(size))
		return VIRTIO_ENOMEM;
	*c = (struct vnet_ctrl){ .dma = (uint8_t *)mem + ring_part(size) };
	int rc = virtio_queue_attach(n->vdev, &c->vq, &(struct virtio_queue_setup){
		.index = vnet_ctrl_index(n), .size = size, .mem = mem, .mem_len = ring_part(size),
		.done = ctrl_done, .ctx = c,
	});
	if (rc == VIRTIO_OK)
		n->ctrl = c;
	return rc;
}

/*
 * Send {cls, cmd} with `nparts` data parts already written at
 * c->dma + CMD_DATA (lengths in part_len, laid out back to back) and wait
 * for the ack.
 */
static int command(struct vnet *n, uint8_t cls, uint8_t cmd, const uint32_t *part_len,
		   unsigned nparts)
{
	struct vnet_ctrl *c = n->ctrl;
	if (!c)
		return VIRTIO_EUNSUPP;
	if (!n->started)
		return VIRTIO_EINVAL;
	int rc = virtio_device_error(n->vdev);
	if (rc)
		return rc;

	uint8_t *dma = c->dma;
	struct virtq_sg sg[4];
	unsigned k = 0;
	dma[CMD_HDR] = cls;
	dma[CMD_HDR + 1] = cmd;
	dma[CMD_ACK] = ACK_UNWRITTEN;
	sg[k++] = (struct virtq_sg){ dma + CMD_HDR, 2 };
	uint32_t off = CMD_DATA;
	for (unsigned i = 0; i < nparts; i++) {
		sg[k++] = (struct virtq_sg){ dma + off, part_len[i] };
		off += part_len[i];
	}
	sg[k++] = (struct virtq_sg){ dma + CMD_ACK, 1 };
	virtio_cache_clean(dma, CMD_BYTES);

	c->answered = false;
	rc = virtq_add(&c->vq, sg, k - 1, 1, dma);
	if (rc)
		return rc;
	virtq_kick(&c->vq);
	c->commands++;

	uint64_t deadline = virtio_time_ns() + VNET_CTRL_TIMEOUT_NS;
	while (!c->answered) {
		rc = virtio_queue_drain(&c->vq, VIRTIO_DRAIN_BUDGET);
		if (c->answered)
			break;
		/* The device owns the command area until a reset says
		 * otherwise (§3.3): a broken rule or silence resets it. */
		if (rc < 0 || virtio_time_ns() > deadline) {
			int err = rc < 0 ? rc : VIRTIO_ETIMEDOUT;
			rc = vnet_abort(n, err);
			return rc ? rc : err;
		}
		virtio_relax();
	}
	if (c->status)
		return c->status; /* taken back by a reset meanwhile */
	virtio_cache_invalidate(dma + CMD_ACK, 1);
	if (dma[CMD_ACK] == VIRTIO_NET_OK)
		return VIRTIO_OK;
	c->failures++;
	return dma[CMD_ACK] == ACK_UNWRITTEN ? VIRTIO_ENOSTATUS : VIRTIO_EIO;
}

/* One receive-mode switch; what the device took is kept in *state (and
 * *set) to be told again after a reset. */
static int rx_mode(struct vnet *n, uint8_t cmd, bool on, bool *state, bool *set)
{
	if (!n->info.ctrl_rx || !n->ctrl)
		return VIRTIO_EUNSUPP;
	uint32_t len = 1;
	n->ctrl->dma[CMD_DATA] = on ? 1 : 0;
	int rc = command(n, VIRTIO_NET_CTRL_RX, cmd, &len, 1);
	if (rc == VIRTIO_OK) {
		*state = on;
		*set = true;
	}
	return rc;
}

int vnet_set_promisc(struct vnet *n, bool on)
{
	return rx_mode(n, VIRTIO_NET_CTRL_RX_PROMISC, on, &n->promisc, &n->promisc_set);
}

int vnet_set_allmulti(struct vnet *n, bool on)
{
	return rx_mode(n, VIRTIO_NET_CTRL_RX_ALLMULTI, on, &n->allmulti, &n->allmulti_set);
}

/* One table of a MAC_TABLE_SET at p: le32 entries, then the addresses. */
static uint32_t put_table(struct vnet *n, uint8_t *p, const uint8_t *macs, uint16_t count)
{
	uint32_t bytes = (uint32_t)count * VNET_ETH_ALEN;
	vnet_put32(n, p, count);
	for (uint32_t i = 0; i < bytes; i++)
		p[4 + i] = macs[i];
	return 4u + bytes;
}

/* Keep a table to set it again after a reset (unless it is the kept one). */
static void keep_table(uint8_t *kept, const uint8_t *macs, uint16_t count)
{
	for (uint32_t i = 0; kept != macs && i < (uint32_t)count * VNET_ETH_ALEN; i++)
		kept[i] = macs[i];
}

int vnet_set_mac_filter(struct vnet *n, const uint8_t *uni, uint16_t nuni,
			const uint8_t *multi, uint16_t nmulti)
{
	if (!n->info.ctrl_rx)
		return VIRTIO_EUNSUPP; /* §5.1.6.5.2.2 */
	if (nuni > VNET_MAX_FILTER || nmulti > VNET_MAX_FILTER || (nuni && !uni) ||
	    (nmulti && !multi))
		return VIRTIO_EINVAL;
	if (!n->ctrl)
		return VIRTIO_EUNSUPP;
	/* Two tables, two descriptors (§5.1.6.7). */
	uint32_t len[2];
	uint8_t *data = n->ctrl->dma + CMD_DATA;
	len[0] = put_table(n, data, uni, nuni);
	len[1] = put_table(n, data + len[0], multi, nmulti);
	int rc = command(n, VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_TABLE_SET, len, 2);
	if (rc)
		return rc;
	keep_table(n->filter_uni, uni, nuni);
	keep_table(n->filter_multi, multi, nmulti);
	n->filter_nuni = nuni;
	n->filter_nmulti = nmulti;
	n->filter_set = true;
	return VIRTIO_OK;
}

static int set_mac_addr(struct vnet *n)
{
	uint32_t len = VNET_ETH_ALEN;
	for (unsigned b = 0; b < VNET_ETH_ALEN; b++)
		n->ctrl->dma[CMD_DATA + b] = n->info.mac[b];
	return command(n, VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET, &len, 1);
}

int vnet_set_pairs(struct vnet *n, uint16_t pairs)
{
	if (!n->info.mq)
		return VIRTIO_EUNSUPP;
	/* §5.1.6.5.6.1: 1..max_virtqueue_pairs, every one of them set up. */
	if (pairs == 0 || pairs > n->info.max_pairs || pairs > n->npairs)
		return VIRTIO_EINVAL;
	if (!n->ctrl)
		return VIRTIO_EUNSUPP;
	uint32_t len = 2;
	vnet_store16(n, n->ctrl->dma + CMD_DATA, pairs);
	/* Fewer pairs: stop using the others before the device does. */
	if (pairs < n->active_pairs)
		n->active_pairs = pairs;
	int rc = command(n, VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &len, 1);
	if (rc == VIRTIO_OK)
		n->active_pairs = pairs;
	return rc;
}

int vnet_announce_ack(struct vnet *n)
{
	if (!n->info.announce)
		return VIRTIO_EUNSUPP;
	return command(n, VIRTIO_NET_CTRL_ANNOUNCE, VIRTIO_NET_CTRL_ANNOUNCE_ACK, NULL, 0);
}

int vnet_ctrl_restore(struct vnet *n, uint16_t pairs)
{
	int rc = VIRTIO_OK;
	if (!n->info.mac_from_device && n->info.ctrl_mac_addr)
		rc = set_mac_addr(n);
	if (rc == VIRTIO_OK && pairs > 1)
		rc = vnet_set_pairs(n, pairs);
	/* A device's receive mode after a reset is its own default (QEMU:
	 * promiscuous): whatever we chose goes back. */
	if (rc == VIRTIO_OK && n->promisc_set)
		rc = vnet_set_promisc(n, n->promisc);
	if (rc == VIRTIO_OK && n->allmulti_set)
		rc = vnet_set_allmulti(n, n->allmulti);
	if (rc == VIRTIO_OK && n->filter_set)
		rc = vnet_set_mac_filter(n, n->filter_uni, n->filter_nuni, n->filter_multi,
					 n->filter_nmulti);
	return rc;
}
