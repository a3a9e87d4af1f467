/*
 * IPv4 input and output (see ipv4.h).
 */
#include "kernel/net/ipv4.h"

#include "kernel/net/checksum.h"
#include "kernel/net/icmp.h"
#include "kernel/net/udp.h"
#include "lib/kstring.h"
#include "lib/printf.h"

#define TTL 64

static uint16_t next_id;

/* Addressed to this host: our address, a broadcast, or (before there is
 * an address) the DHCP client port, whatever the server chose to send to. */
static bool for_us(const struct net_rx *rx, const uint8_t *ip, uint32_t hlen)
{
	const struct net_iface *nif = rx->nif;
	uint32_t dst = rx->dst;
	if (dst == IP_BROADCAST || (nif->ip && (dst == nif->ip || dst == (nif->ip | ~nif->mask))))
		return true;
	return nif->dhcp_active && ip[IP_PROTO] == IP_PROTO_UDP &&
	       rx->len >= ETH_HLEN + hlen + UDP_HLEN &&
	       get_be16(ip + hlen + UDP_DPORT) == DHCP_CLIENT_PORT;
}

void ipv4_input(struct net_rx *rx)
{
	struct net_iface *nif = rx->nif;
	const uint8_t *ip = rx->frame + ETH_HLEN;
	uint32_t avail = rx->len - ETH_HLEN;

	if (avail < IP_HLEN || ip[IP_VER_IHL] >> 4 != 4) {
		net_count_drop(nif, NET_DROP_IP_HEADER);
		return;
	}
	uint32_t hlen = (ip[IP_VER_IHL] & 0xfu) * 4u;
	uint32_t total = get_be16(ip + IP_TOTAL_LEN);
	/* Frames may carry padding after the packet, never less than it. */
	if (hlen < IP_HLEN || hlen > avail || total < hlen || total > avail) {
		net_count_drop(nif, NET_DROP_IP_HEADER);
		return;
	}
	if (csum_finish(csum_add(0, ip, hlen)) != 0) {
		net_count_drop(nif, NET_DROP_IP_CHECKSUM);
		return;
	}
	if (get_be16(ip + IP_FRAG) & (IP_FLAG_MF | IP_FRAG_OFFSET)) {
		net_count_drop(nif, NET_DROP_IP_FRAGMENT);
		return;
	}
	rx->src = get_be32(ip + IP_SRC);
	rx->dst = get_be32(ip + IP_DST);
	if (!for_us(rx, ip, hlen)) {
		net_count_drop(nif, NET_DROP_IP_NOT_FOR_US);
		return;
	}
	rx->l4 = ip + hlen;
	rx->l4_off = ETH_HLEN + hlen;
	rx->l4_len = total - hlen;
	switch (ip[IP_PROTO]) {
	case IP_PROTO_ICMP:
		icmp_input(rx);
		break;
	case IP_PROTO_UDP:
		udp_input(rx);
		break;
	default:
		net_count_drop(nif, NET_DROP_IP_PROTOCOL);
		break;
	}
}

int ipv4_send(struct net_iface *nif, const uint8_t dst_mac[ETH_ALEN], uint32_t dst,
	      uint8_t proto, struct netbuf *b, uint32_t l4_len, uint16_t queue)
{
	uint32_t total = IP_HLEN + l4_len;
	if (total > nif->dev->mtu || ETH_HLEN + total > NETBUF_BYTES) {
		netbuf_free(b);
		return NET_EINVAL; /* too big, and we never fragment */
	}
	uint8_t *ip = b->data + ETH_HLEN;
	ip[IP_VER_IHL] = 0x45;
	ip[IP_TOS] = 0;
	put_be16(ip + IP_TOTAL_LEN, (uint16_t)total);
	put_be16(ip + IP_ID, next_id++);
	put_be16(ip + IP_FRAG, IP_FLAG_DF);
	ip[IP_TTL] = TTL;
	ip[IP_PROTO] = proto;
	put_be16(ip + IP_CSUM, 0);
	put_be32(ip + IP_SRC, nif->ip);
	put_be32(ip + IP_DST, dst);
	put_be16(ip + IP_CSUM, csum_finish(csum_add(0, ip, IP_HLEN)));
	return net_eth_send(nif, dst_mac, ETH_P_IPV4, b, ETH_HLEN + total, queue);
}

bool ipv4_parse(const char *s, uint32_t *out)
{
	uint32_t ip = 0;
	for (int part = 0; part < 4; part++) {
		uint32_t v = 0;
		int digits = 0;
		while (*s >= '0' && *s <= '9') {
			v = v * 10 + (uint32_t)(*s++ - '0');
			if (++digits > 3 || v > 255)
				return false;
		}
		if (digits == 0 || (part < 3 && *s++ != '.'))
			return false;
		ip = ip << 8 | v;
	}
	if (*s)
		return false;
	*out = ip;
	return true;
}

const char *ipv4_str(uint32_t ip, char buf[16])
{
	ksnprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
	return buf;
}
