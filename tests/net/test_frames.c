/*
 * The stack's input path against malformed frames: every length and
 * checksum is checked before it is used, and each drop is counted under
 * its own reason.  Plus the checksum arithmetic and address parsing.
 */
#include <string.h>

#include "fake.h"
#include "kernel/net/checksum.h"
#include "kernel/net/ipv4.h"
#include "kernel/net/udp.h"

static uint8_t fr[FAKE_FRAME_MAX];

TEST(net_checksum_rfc1071)
{
	/* RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 */
	static const uint8_t v[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	CHECK_EQ(csum_fold(csum_add(0, v, sizeof(v))), 0xddf2);
	CHECK_EQ(csum_finish(csum_add(0, v, sizeof(v))), 0x220d);
	/* an odd last byte is a high half */
	static const uint8_t odd[] = { 0x12, 0x34, 0x56 };
	CHECK_EQ(csum_fold(csum_add(0, odd, 3)), 0x1234 + 0x5600);
	/* carries fold back in */
	static const uint8_t ff[] = { 0xff, 0xff, 0xff, 0xff, 0x00, 0x02 };
	CHECK_EQ(csum_fold(csum_add(0, ff, sizeof(ff))), 0x0002);
	CHECK_EQ(csum_fold(csum_pseudo(0xc0a80001u, 0xc0a800c7u, 17, 0x000a)),
		 (0xc0a8 + 0x0001 + 0xc0a8 + 0x00c7 + 17 + 10) % 0xffff);
	/* a packet with its checksum in place sums to zero */
	uint32_t len = build_udp(fr, PEER_IP, FAKE_IP, 1, 2, "abc", 3);
	CHECK_EQ(csum_finish(csum_add(0, fr + ETH_HLEN, IP_HLEN)), 0);
	CHECK_EQ(csum_finish(csum_add(csum_pseudo(PEER_IP, FAKE_IP, 17, 11), fr + NET_L4_OFF,
				      len - NET_L4_OFF)), 0);
}

TEST(net_ipv4_parse)
{
	uint32_t ip = 0;
	CHECK(ipv4_parse("10.0.2.15", &ip) && ip == 0x0a00020f);
	CHECK(ipv4_parse("255.255.255.255", &ip) && ip == 0xffffffff);
	CHECK(ipv4_parse("0.0.0.0", &ip) && ip == 0);
	static const char *const bad[] = { "", "10.0.2", "10.0.2.15.1", "256.0.0.1", "1..2.3",
					   "1.2.3.4 ", "a.b.c.d", "1.2.3.0004", "-1.2.3.4", "1.2.3." };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ip = 7;
		CHECK_MSG(!ipv4_parse(bad[i], &ip) && ip == 7, "'%s' was taken", bad[i]);
	}
	char buf[16];
	CHECK(strcmp(ipv4_str(0xc0a84d02u, buf), "192.168.77.2") == 0);
}

TEST(net_ethernet_filter_and_types)
{
	struct fake *f = fake_up(0);
	fake_address(f);
	uint32_t len = build_udp(fr, PEER_IP, FAKE_IP, 1, 9, "x", 1);
	fake_rx(f, fr, 13);
	CHECK_EQ(DROPS(f, NET_DROP_SHORT), 1);
	static const uint8_t other[6] = { 2, 0, 0, 0, 0, 9 }, group[6] = { 1, 0, 0x5e, 0, 0, 1 };
	memcpy(fr, other, 6); /* another host's frame (a promiscuous device) */
	fake_rx(f, fr, len);
	memcpy(fr, group, 6); /* a group not joined */
	fake_rx(f, fr, len);
	CHECK_EQ(DROPS(f, NET_DROP_NOT_OURS), 2);
	CHECK_OK(net_set_mcast(f->nif, (const uint8_t(*)[6])group, 1));
	fake_rx(f, fr, len); /* joined: up to UDP, where nobody listens */
	CHECK_EQ(DROPS(f, NET_DROP_NOT_OURS), 2);
	CHECK_EQ(DROPS(f, NET_DROP_UDP_PORT), 1);
	CHECK_ERR(net_set_mcast(f->nif, (const uint8_t(*)[6])other, 1), NET_EINVAL);
	CHECK_OK(net_set_mcast(f->nif, NULL, 0));
	CHECK_OK(net_set_rx_mode(f->nif, false, true)); /* all-multicast */
	fake_rx(f, fr, len);
	CHECK_EQ(DROPS(f, NET_DROP_UDP_PORT), 2);
	memcpy(fr, fake_mac, 6);
	put_be16(fr + ETH_TYPE, ETH_P_VLAN);
	fake_rx(f, fr, len);
	put_be16(fr + ETH_TYPE, 0x86dd);
	fake_rx(f, fr, len);
	CHECK_EQ(DROPS(f, NET_DROP_ETHERTYPE), 2);
	CHECK_EQ(f->nsent, 0);
}

/* A fresh UDP frame with one field changed, fed in; the drop counter that
 * must move. */
static void udp_case(struct fake *f, void (*mutate)(uint8_t *frame, uint32_t *len),
		     enum net_drop want, const char *what)
{
	uint64_t before = DROPS(f, want);
	uint32_t len = build_udp(fr, PEER_IP, FAKE_IP, 1000, 2000, "payload!", 8);
	mutate(fr, &len);
	fake_rx(f, fr, len);
	CHECK_MSG(DROPS(f, want) == before + 1, "%s: %s did not count", what, net_drop_name(want));
}

static void ip_truncated(uint8_t *p, uint32_t *len) { (void)p; *len = ETH_HLEN + 19; }
static void ip_version(uint8_t *p, uint32_t *len) { (void)len; p[ETH_HLEN] = 0x65; fix_ip_csum(p); }
static void ip_ihl_small(uint8_t *p, uint32_t *len) { (void)len; p[ETH_HLEN] = 0x44; }
static void ip_ihl_big(uint8_t *p, uint32_t *len) { (void)len; p[ETH_HLEN] = 0x4f; }
static void ip_total_big(uint8_t *p, uint32_t *len)
{
	put_be16(p + ETH_HLEN + IP_TOTAL_LEN, (uint16_t)(*len - ETH_HLEN + 1));
	fix_ip_csum(p);
}
static void ip_total_small(uint8_t *p, uint32_t *len)
{
	(void)len;
	put_be16(p + ETH_HLEN + IP_TOTAL_LEN, 19);
	fix_ip_csum(p);
}
static void ip_csum(uint8_t *p, uint32_t *len) { (void)len; p[ETH_HLEN + IP_CSUM] ^= 1; }
static void ip_mf(uint8_t *p, uint32_t *len)
{
	(void)len;
	put_be16(p + ETH_HLEN + IP_FRAG, IP_FLAG_MF);
	fix_ip_csum(p);
}
static void ip_offset(uint8_t *p, uint32_t *len)
{
	(void)len;
	put_be16(p + ETH_HLEN + IP_FRAG, 185);
	fix_ip_csum(p);
}
static void ip_other_host(uint8_t *p, uint32_t *len)
{
	(void)len;
	put_be32(p + ETH_HLEN + IP_DST, 0x0a000263);
	fix_ip_csum(p);
}
static void ip_tcp(uint8_t *p, uint32_t *len)
{
	(void)len;
	p[ETH_HLEN + IP_PROTO] = 6;
	fix_ip_csum(p);
}
static void udp_short(uint8_t *p, uint32_t *len)
{
	put_be16(p + ETH_HLEN + IP_TOTAL_LEN, IP_HLEN + 7);
	fix_ip_csum(p);
	*len = NET_L4_OFF + 7;
}
static void udp_len_big(uint8_t *p, uint32_t *len) { (void)len; put_be16(p + NET_L4_OFF + UDP_LEN, 17); }
static void udp_len_small(uint8_t *p, uint32_t *len) { (void)len; put_be16(p + NET_L4_OFF + UDP_LEN, 7); }
static void udp_csum(uint8_t *p, uint32_t *len) { (void)len; p[NET_L4_OFF + UDP_CSUM] ^= 0x40; }
static void udp_payload(uint8_t *p, uint32_t *len) { p[*len - 1] ^= 1; }

TEST(net_ip_and_udp_malformed_are_counted)
{
	struct fake *f = fake_up(0);
	fake_address(f);
	udp_case(f, ip_truncated, NET_DROP_IP_HEADER, "19-byte IP header");
	udp_case(f, ip_version, NET_DROP_IP_HEADER, "version 6");
	udp_case(f, ip_ihl_small, NET_DROP_IP_HEADER, "IHL 4");
	udp_case(f, ip_ihl_big, NET_DROP_IP_HEADER, "IHL 15 past the frame");
	udp_case(f, ip_total_big, NET_DROP_IP_HEADER, "total length past the frame");
	udp_case(f, ip_total_small, NET_DROP_IP_HEADER, "total length below the header");
	udp_case(f, ip_csum, NET_DROP_IP_CHECKSUM, "header checksum");
	udp_case(f, ip_mf, NET_DROP_IP_FRAGMENT, "more fragments");
	udp_case(f, ip_offset, NET_DROP_IP_FRAGMENT, "fragment offset");
	udp_case(f, ip_other_host, NET_DROP_IP_NOT_FOR_US, "another host's address");
	udp_case(f, ip_tcp, NET_DROP_IP_PROTOCOL, "TCP");
	udp_case(f, udp_short, NET_DROP_UDP_HEADER, "7-byte UDP");
	udp_case(f, udp_len_big, NET_DROP_UDP_HEADER, "UDP length past the packet");
	udp_case(f, udp_len_small, NET_DROP_UDP_HEADER, "UDP length 7");
	udp_case(f, udp_csum, NET_DROP_UDP_CHECKSUM, "UDP checksum");
	udp_case(f, udp_payload, NET_DROP_UDP_CHECKSUM, "a flipped payload bit");
	uint64_t total = 0;
	for (unsigned i = 0; i < NET_DROP_COUNT; i++)
		total += f->nif->drops[i];
	CHECK_EQ(total, 16); /* each counted once, under one reason */
	CHECK_EQ(f->nif->drops[NET_DROP_UDP_PORT], 0);
	CHECK_EQ(f->nsent, 0);
}

struct got {
	unsigned n;
	uint16_t sport, dport;
	uint8_t data[64];
	uint32_t len;
};

static void record(struct net_rx *rx, uint16_t sport, uint16_t dport, const uint8_t *data,
		   uint32_t len, void *ctx)
{
	struct got *g = ctx;
	(void)rx;
	g->n++;
	g->sport = sport;
	g->dport = dport;
	g->len = len;
	memcpy(g->data, data, len < sizeof(g->data) ? len : sizeof(g->data));
}

TEST(net_udp_delivery_and_checksum_trust)
{
	struct fake *f = fake_up(NETDEV_CAP_RX_CSUM);
	fake_address(f);
	static struct got g;
	g = (struct got){ 0 };
	CHECK_OK(udp_bind(2000, record, &g));
	CHECK_ERR(udp_bind(2000, record, &g), NET_EINVAL);
	uint32_t len = build_udp(fr, PEER_IP, FAKE_IP, 1000, 2000, "payload!", 8);
	fake_rx(f, fr, len + 20); /* Ethernet padding after the packet is fine */
	CHECK_EQ(g.n, 1);
	CHECK_EQ(g.sport, 1000);
	CHECK_EQ(g.len, 8);
	CHECK(memcmp(g.data, "payload!", 8) == 0);
	/* a UDP length shorter than the IP payload: the rest is not data */
	put_be16(fr + NET_L4_OFF + UDP_LEN, 12);
	put_be16(fr + NET_L4_OFF + UDP_CSUM, 0); /* no checksum */
	fake_rx(f, fr, len);
	CHECK_EQ(g.n, 2);
	CHECK_EQ(g.len, 4);
	/* a broken checksum the device vouched for is believed ... */
	len = build_udp(fr, PEER_IP, FAKE_IP, 1000, 2000, "payload!", 8);
	fr[NET_L4_OFF + UDP_CSUM] ^= 0x40;
	fake_rx_csum(f, fr, len, NETDEV_CSUM_VALID, 0, 0);
	CHECK_EQ(g.n, 3);
	fake_rx_csum(f, fr, len, NETDEV_CSUM_PARTIAL, NET_L4_OFF, UDP_CSUM);
	CHECK_EQ(g.n, 4);
	/* ... a partial sum elsewhere is not about this header */
	fake_rx_csum(f, fr, len, NETDEV_CSUM_PARTIAL, ETH_HLEN, IP_CSUM);
	CHECK_EQ(g.n, 4);
	CHECK_EQ(DROPS(f, NET_DROP_UDP_CHECKSUM), 1);
	/* the IP header checksum is checked whatever the device says */
	len = build_udp(fr, PEER_IP, FAKE_IP, 1000, 2000, "payload!", 8);
	fr[ETH_HLEN + IP_CSUM] ^= 1;
	fake_rx_csum(f, fr, len, NETDEV_CSUM_VALID, 0, 0);
	CHECK_EQ(DROPS(f, NET_DROP_IP_CHECKSUM), 1);
	udp_unbind(2000);
	len = build_udp(fr, PEER_IP, FAKE_IP, 1000, 2000, "payload!", 8);
	fake_rx(f, fr, len);
	CHECK_EQ(g.n, 4);
	CHECK_EQ(DROPS(f, NET_DROP_UDP_PORT), 1);
}

TEST(net_icmp_echo_reply_and_malformed)
{
	struct fake *f = fake_up(0);
	fake_address(f);
	static const uint8_t data[56] = "ping data: abcdefghijklmnopqrstuvwxyz0123456789";
	uint32_t len = build_icmp_echo(fr, PEER_IP, FAKE_IP, ICMP_ECHO_REQUEST, 0x1234, 7, data,
				       sizeof(data));
	fake_rx(f, fr, len);
	CHECK_EQ(f->nsent, 1);
	const struct fake_sent *s = fake_last(f);
	CHECK_EQ(s->len, len);
	CHECK(memcmp(s->frame + ETH_DST, peer_mac, 6) == 0);
	CHECK(memcmp(s->frame + ETH_SRC, fake_mac, 6) == 0);
	const uint8_t *ip = s->frame + ETH_HLEN, *m = s->frame + NET_L4_OFF;
	CHECK_EQ(csum_finish(csum_add(0, ip, IP_HLEN)), 0);
	CHECK_EQ(get_be32(ip + IP_SRC), FAKE_IP);
	CHECK_EQ(get_be32(ip + IP_DST), PEER_IP);
	CHECK_EQ(m[ICMP_TYPE], ICMP_ECHO_REPLY);
	CHECK_EQ(get_be16(m + ICMP_ID), 0x1234);
	CHECK_EQ(get_be16(m + ICMP_SEQ), 7);
	CHECK_EQ(csum_finish(csum_add(0, m, ICMP_HLEN + sizeof(data))), 0);
	CHECK(memcmp(m + ICMP_HLEN, data, sizeof(data)) == 0);

	/* with checksum offload the device finishes the reply's sum */
	f = fake_up(NETDEV_CAP_TX_CSUM);
	fake_address(f);
	fake_rx(f, fr, len);
	s = fake_last(f);
	CHECK(s->partial_csum && s->csum_start == NET_L4_OFF && s->csum_offset == ICMP_CSUM);
	CHECK_EQ(get_be16(s->frame + NET_L4_OFF + ICMP_CSUM), 0);

	fr[NET_L4_OFF + ICMP_HLEN] ^= 1; /* bad checksum */
	fake_rx(f, fr, len);
	put_be16(fr + ETH_HLEN + IP_TOTAL_LEN, IP_HLEN + 7); /* 7 bytes of ICMP */
	fix_ip_csum(fr);
	fake_rx(f, fr, NET_L4_OFF + 7);
	CHECK_EQ(DROPS(f, NET_DROP_ICMP), 2);
	/* a ping to the broadcast address gets no answer */
	len = build_icmp_echo(fr, PEER_IP, IP_BROADCAST, ICMP_ECHO_REQUEST, 1, 1, data, 8);
	fake_rx(f, fr, len);
	CHECK_EQ(f->nsent, 1);
	/* no buffer for the reply: counted */
	f->hold = true;
	len = build_icmp_echo(fr, PEER_IP, FAKE_IP, ICMP_ECHO_REQUEST, 2, 2, data, 8);
	for (unsigned i = 0; i < NETBUF_COUNT + 3; i++)
		fake_rx(f, fr, len);
	CHECK_EQ(DROPS(f, NET_DROP_NO_BUFFER), 3);
	fake_release(f);
	/* a refused transmit too */
	f->hold = false;
	f->refuse = NETDEV_EBUSY;
	fake_rx(f, fr, len);
	CHECK_EQ(DROPS(f, NET_DROP_NO_BUFFER), 4);
	CHECK_EQ(netbuf_available(), NETBUF_COUNT);
}
