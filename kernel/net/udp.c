/*
 * UDP (see udp.h).
 */
#include "kernel/net/udp.h"

#include "kernel/net/checksum.h"
#include "kernel/net/ipv4.h"
#include "lib/kstring.h"

static struct binding {
	uint16_t port;
	udp_handler fn;
	void *ctx;
} bindings[UDP_MAX_BINDINGS];

int udp_bind(uint16_t port, udp_handler fn, void *ctx)
{
	struct binding *free_slot = NULL;
	if (port == 0 || !fn)
		return NET_EINVAL;
	for (unsigned i = 0; i < UDP_MAX_BINDINGS; i++) {
		if (bindings[i].fn && bindings[i].port == port)
			return NET_EINVAL;
		if (!bindings[i].fn && !free_slot)
			free_slot = &bindings[i];
	}
	if (!free_slot)
		return NET_EINVAL;
	*free_slot = (struct binding){ port, fn, ctx };
	return 0;
}

void udp_unbind(uint16_t port)
{
	for (unsigned i = 0; i < UDP_MAX_BINDINGS; i++)
		if (bindings[i].fn && bindings[i].port == port)
			bindings[i] = (struct binding){ 0 };
}

void udp_input(struct net_rx *rx)
{
	const uint8_t *u = rx->l4;
	if (rx->l4_len < UDP_HLEN) {
		net_count_drop(rx->nif, NET_DROP_UDP_HEADER);
		return;
	}
	uint32_t len = get_be16(u + UDP_LEN);
	/* The length field may be shorter than the IP payload, never longer. */
	if (len < UDP_HLEN || len > rx->l4_len) {
		net_count_drop(rx->nif, NET_DROP_UDP_HEADER);
		return;
	}
	/* A zero checksum means none was computed (RFC 768). */
	if (get_be16(u + UDP_CSUM) != 0 && !net_l4_csum_trusted(rx)) {
		uint32_t sum = csum_pseudo(rx->src, rx->dst, IP_PROTO_UDP, (uint16_t)len);
		if (csum_finish(csum_add(sum, u, len)) != 0) {
			net_count_drop(rx->nif, NET_DROP_UDP_CHECKSUM);
			return;
		}
	}
	uint16_t dport = get_be16(u + UDP_DPORT);
	for (unsigned i = 0; i < UDP_MAX_BINDINGS; i++) {
		if (bindings[i].fn && bindings[i].port == dport) {
			bindings[i].fn(rx, get_be16(u + UDP_SPORT), dport, u + UDP_HLEN,
				       len - UDP_HLEN, bindings[i].ctx);
			return;
		}
	}
	net_count_drop(rx->nif, NET_DROP_UDP_PORT);
}

_Static_assert(NETBUF_BYTES - NET_L4_OFF <= 0xffff, "a datagram's length fits UDP_LEN");

int udp_send(struct net_iface *nif, const uint8_t mac[ETH_ALEN], uint32_t dst, uint16_t sport,
	     uint16_t dport, const void *data, uint32_t len, uint16_t queue)
{
	/* Compared before adding: a len near 4 GiB would wrap the sum. */
	if (len > NETBUF_BYTES - NET_L4_OFF - UDP_HLEN)
		return NET_EINVAL;
	uint32_t ulen = UDP_HLEN + len;
	struct netbuf *b = netbuf_alloc();
	if (!b)
		return NET_ENOBUF;
	uint8_t *u = b->data + NET_L4_OFF;
	put_be16(u + UDP_SPORT, sport);
	put_be16(u + UDP_DPORT, dport);
	put_be16(u + UDP_LEN, (uint16_t)ulen);
	memcpy(u + UDP_HLEN, data, len);
	uint32_t sum = csum_pseudo(nif->ip, dst, IP_PROTO_UDP, (uint16_t)ulen);
	if (nif->dev->caps & NETDEV_CAP_TX_CSUM) {
		/* The device adds the rest (§5.1.6.2: the field holds the
		 * pseudo-header sum). */
		put_be16(u + UDP_CSUM, csum_fold(sum));
		b->tx.partial_csum = true;
		b->tx.csum_start = NET_L4_OFF;
		b->tx.csum_offset = UDP_CSUM;
	} else {
		put_be16(u + UDP_CSUM, 0);
		uint16_t c = csum_finish(csum_add(sum, u, ulen));
		put_be16(u + UDP_CSUM, c ? c : 0xffff); /* 0 would mean "none" */
	}
	return ipv4_send(nif, mac, dst, IP_PROTO_UDP, b, ulen, queue);
}

int udp_reply(struct net_rx *rx, uint16_t sport, uint16_t dport, const void *data, uint32_t len)
{
	return udp_send(rx->nif, rx->frame + ETH_SRC, rx->src, sport, dport, data, len, rx->queue);
}
