/*
 * ICMP echo (see icmp.h).  A reply carries the request's identifier,
 * sequence number and data back; it goes to the source MAC of the request
 * (the neighbour it came through) on the queue it came in on, so answering
 * needs no ARP.
 */
#include "kernel/net/icmp.h"

#include "kernel/net/checksum.h"
#include "kernel/net/ipv4.h"
#include "kernel/timer.h"
#include "lib/kstring.h"

static struct icmp_ping *waiting;

/* Fill the checksum of the ICMP message at b's L4 offset, or leave it to
 * the device (ICMP has no pseudo header: the field starts at zero). */
static void set_checksum(struct net_iface *nif, struct netbuf *b, uint32_t len)
{
	uint8_t *m = b->data + NET_L4_OFF;
	put_be16(m + ICMP_CSUM, 0);
	if (nif->dev->caps & NETDEV_CAP_TX_CSUM) {
		b->tx.partial_csum = true;
		b->tx.csum_start = NET_L4_OFF;
		b->tx.csum_offset = ICMP_CSUM;
	} else {
		put_be16(m + ICMP_CSUM, csum_finish(csum_add(0, m, len)));
	}
}

static void echo_reply(struct net_rx *rx)
{
	struct net_iface *nif = rx->nif;
	struct netbuf *b = netbuf_alloc();
	if (!b || NET_L4_OFF + rx->l4_len > NETBUF_BYTES) {
		if (b)
			netbuf_free(b);
		net_count_drop(nif, NET_DROP_NO_BUFFER);
		return;
	}
	uint8_t *m = b->data + NET_L4_OFF;
	memcpy(m, rx->l4, rx->l4_len);
	m[ICMP_TYPE] = ICMP_ECHO_REPLY;
	m[ICMP_CODE] = 0;
	set_checksum(nif, b, rx->l4_len);
	if (ipv4_send(nif, rx->frame + ETH_SRC, rx->src, IP_PROTO_ICMP, b, rx->l4_len,
		      rx->queue) != 0)
		net_count_drop(nif, NET_DROP_NO_BUFFER);
}

void icmp_input(struct net_rx *rx)
{
	const uint8_t *m = rx->l4;
	if (rx->l4_len < ICMP_HLEN ||
	    (!net_l4_csum_trusted(rx) && csum_finish(csum_add(0, m, rx->l4_len)) != 0)) {
		net_count_drop(rx->nif, NET_DROP_ICMP);
		return;
	}
	if (m[ICMP_TYPE] == ICMP_ECHO_REQUEST && m[ICMP_CODE] == 0 && rx->dst == rx->nif->ip) {
		echo_reply(rx);
	} else if (m[ICMP_TYPE] == ICMP_ECHO_REPLY && waiting && !waiting->answered &&
		   rx->src == waiting->dst && get_be16(m + ICMP_ID) == waiting->id &&
		   get_be16(m + ICMP_SEQ) == waiting->seq) {
		waiting->answered_ns = time_ns();
		waiting->reply_len = rx->l4_len;
		waiting->answered = true;
	}
	/* Other types (unreachables, a broadcast ping, replies nobody waits
	 * for) are well-formed: ignored, not counted as drops. */
}

int icmp_ping_send(struct net_iface *nif, const uint8_t mac[ETH_ALEN], struct icmp_ping *p,
		   uint32_t data_len)
{
	struct netbuf *b = netbuf_alloc();
	if (!b)
		return NET_ENOBUF;
	uint32_t len = ICMP_HLEN + data_len;
	if (NET_L4_OFF + len > NETBUF_BYTES) {
		netbuf_free(b);
		return NET_EINVAL;
	}
	uint8_t *m = b->data + NET_L4_OFF;
	m[ICMP_TYPE] = ICMP_ECHO_REQUEST;
	m[ICMP_CODE] = 0;
	put_be16(m + ICMP_ID, p->id);
	put_be16(m + ICMP_SEQ, p->seq);
	for (uint32_t i = 0; i < data_len; i++)
		m[ICMP_HLEN + i] = (uint8_t)(0x20 + i % 64);
	set_checksum(nif, b, len);
	p->answered = false;
	waiting = p;
	return ipv4_send(nif, mac, p->dst, IP_PROTO_ICMP, b, len, 0);
}

void icmp_ping_done(struct icmp_ping *p)
{
	if (waiting == p)
		waiting = NULL;
}
