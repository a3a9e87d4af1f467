/*
 * ARP (answers, learning, expiry, replacement, resolving with retries),
 * the DHCP client (its parser against malformed servers, a whole exchange,
 * a NAK, silence), sending UDP with and without checksum offload, ping.
 */
#include <string.h>

#include "fake.h"
#include "kernel/net/checksum.h"
#include "kernel/net/dhcp.h"
#include "kernel/net/icmp.h"
#include "kernel/net/ipv4.h"
#include "kernel/net/udp.h"

static uint8_t fr[FAKE_FRAME_MAX];
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t zero6[6];

TEST(net_arp_answers_and_learns)
{
	struct fake *f = fake_up(0);
	fake_address(f);
	uint32_t len = build_arp(fr, ARP_REQUEST, peer_mac, PEER_IP, zero6, FAKE_IP, bcast);
	fake_rx(f, fr, len);
	CHECK_EQ(f->nsent, 1);
	const struct fake_sent *s = fake_last(f);
	const uint8_t *a = s->frame + ETH_HLEN;
	CHECK_EQ(get_be16(s->frame + ETH_TYPE), ETH_P_ARP);
	CHECK(memcmp(s->frame + ETH_DST, peer_mac, 6) == 0);
	CHECK_EQ(get_be16(a + ARP_OPER), ARP_REPLY);
	CHECK(memcmp(a + ARP_SHA, fake_mac, 6) == 0);
	CHECK_EQ(get_be32(a + ARP_SPA), FAKE_IP);
	CHECK(memcmp(a + ARP_THA, peer_mac, 6) == 0);
	CHECK_EQ(get_be32(a + ARP_TPA), PEER_IP);
	CHECK_EQ(s->len, 60); /* padded to the Ethernet minimum */
	uint8_t mac[6];
	CHECK(arp_lookup(f->nif, PEER_IP, mac) && memcmp(mac, peer_mac, 6) == 0);

	/* a request for someone else: no answer, nothing learned */
	static const uint8_t other_mac[6] = { 2, 0, 0, 0, 0, 0x33 };
	len = build_arp(fr, ARP_REQUEST, other_mac, 0x0a000233, zero6, 0x0a000299, bcast);
	fake_rx(f, fr, len);
	CHECK_EQ(f->nsent, 1);
	CHECK(!arp_lookup(f->nif, 0x0a000233, mac));
	/* ... but a known sender is refreshed whoever it asks (RFC 826) */
	static const uint8_t moved[6] = { 2, 0, 0, 0, 0, 0x44 };
	len = build_arp(fr, ARP_REQUEST, moved, PEER_IP, zero6, 0x0a000299, bcast);
	fake_rx(f, fr, len);
	CHECK(arp_lookup(f->nif, PEER_IP, mac) && memcmp(mac, moved, 6) == 0);

	/* malformed */
	len = build_arp(fr, ARP_REQUEST, peer_mac, PEER_IP, zero6, FAKE_IP, bcast);
	fake_rx(f, fr, len - 1);
	fr[ETH_HLEN + ARP_HLEN] = 5;
	fake_rx(f, fr, len);
	len = build_arp(fr, 3, peer_mac, PEER_IP, zero6, FAKE_IP, bcast);
	fake_rx(f, fr, len);
	static const uint8_t group[6] = { 1, 0, 0x5e, 0, 0, 1 };
	len = build_arp(fr, ARP_REPLY, group, PEER_IP, fake_mac, FAKE_IP, fake_mac);
	fake_rx(f, fr, len);
	CHECK_EQ(DROPS(f, NET_DROP_ARP), 4);
	CHECK_EQ(f->nsent, 1);
}

TEST(net_arp_cache_expires_and_replaces)
{
	struct fake *f = fake_up(0);
	fake_address(f);
	uint8_t mac[6], m[6] = { 2, 0, 0, 0, 0, 0 };
	arp_learn(f->nif, PEER_IP, peer_mac);
	fake_now += (uint64_t)(ARP_TTL_MS - 1) * 1000000u;
	CHECK(arp_lookup(f->nif, PEER_IP, mac));
	fake_now += 2000000u;
	CHECK(!arp_lookup(f->nif, PEER_IP, mac)); /* stale */
	/* full: a new entry takes the one that expires first */
	for (unsigned i = 0; i < ARP_CACHE_SIZE; i++) {
		m[5] = (uint8_t)i;
		arp_learn(f->nif, 0x0a000100 + i, m);
		fake_now += 1000000u;
	}
	m[5] = 0x99;
	arp_learn(f->nif, 0x0a000200, m);
	CHECK(!arp_lookup(f->nif, 0x0a000100, mac));
	CHECK(arp_lookup(f->nif, 0x0a000101, mac) && mac[5] == 1);
	CHECK(arp_lookup(f->nif, 0x0a000200, mac) && mac[5] == 0x99);
}

static void answer_arp(struct fake *f)
{
	/* the network answers the last request after two tries */
	const struct fake_sent *s = fake_last(f);
	if (f->nsent >= 2 && get_be16(s->frame + ETH_TYPE) == ETH_P_ARP) {
		uint32_t len = build_arp(fr, ARP_REPLY, peer_mac, PEER_IP, fake_mac, FAKE_IP, fake_mac);
		fake_rx(f, fr, len);
	}
}

TEST(net_arp_resolve_retries_and_times_out)
{
	struct fake *f = fake_up(0);
	fake_address(f);
	uint8_t mac[6];
	f->on_wait = answer_arp;
	CHECK_OK(arp_resolve(f->nif, PEER_IP, mac, 1000));
	CHECK(memcmp(mac, peer_mac, 6) == 0);
	CHECK_EQ(f->nsent, 2);
	const uint8_t *a = fake_last(f)->frame + ETH_HLEN;
	CHECK(memcmp(fake_last(f)->frame, bcast, 6) == 0);
	CHECK_EQ(get_be16(a + ARP_OPER), ARP_REQUEST);
	CHECK_EQ(get_be32(a + ARP_TPA), PEER_IP);
	f->nsent = 0;
	CHECK_OK(arp_resolve(f->nif, PEER_IP, mac, 1000)); /* cached: nothing sent */
	CHECK_EQ(f->nsent, 0);

	f = fake_up(0);
	fake_address(f);
	uint64_t t0 = fake_now;
	CHECK_ERR(arp_resolve(f->nif, PEER_IP, mac, 1000), NET_ETIMEDOUT);
	CHECK_EQ(f->nsent, 1000 / ARP_RETRY_MS);
	CHECK(fake_now - t0 >= 1000000000ull && fake_now - t0 < 1100000000ull);
	f->dev.link_up = false;
	CHECK_ERR(arp_resolve(f->nif, 0x0a000203, mac, 1000), NET_ELINK);
	/* a gratuitous ARP names us as sender and target */
	f->dev.link_up = true;
	CHECK_OK(arp_announce(f->nif));
	a = fake_last(f)->frame + ETH_HLEN;
	CHECK_EQ(get_be32(a + ARP_SPA), FAKE_IP);
	CHECK_EQ(get_be32(a + ARP_TPA), FAKE_IP);
	f->nif->ip = 0;
	CHECK_ERR(arp_announce(f->nif), NET_ENOADDR);
}

TEST(net_udp_send_checksums)
{
	struct fake *f = fake_up(0);
	fake_address(f);
	CHECK_OK(udp_send(f->nif, peer_mac, PEER_IP, 4000, 53, "query", 5, 2));
	const struct fake_sent *s = fake_last(f);
	CHECK_EQ(s->len, NET_L4_OFF + UDP_HLEN + 5);
	CHECK_EQ(s->queue, 2);
	CHECK(!s->partial_csum);
	const uint8_t *u = s->frame + NET_L4_OFF;
	CHECK_EQ(get_be16(u + UDP_SPORT), 4000);
	CHECK_EQ(get_be16(u + UDP_DPORT), 53);
	CHECK_EQ(get_be16(u + UDP_LEN), 13);
	CHECK_EQ(csum_finish(csum_add(csum_pseudo(FAKE_IP, PEER_IP, 17, 13), u, 13)), 0);
	const uint8_t *ip = s->frame + ETH_HLEN;
	CHECK_EQ(get_be16(ip + IP_FRAG), IP_FLAG_DF);
	CHECK_EQ(csum_finish(csum_add(0, ip, IP_HLEN)), 0);

	/* offload: the field holds the pseudo-header sum; completing it
	 * over the datagram gives a valid checksum */
	f = fake_up(NETDEV_CAP_TX_CSUM);
	fake_address(f);
	CHECK_OK(udp_send(f->nif, peer_mac, PEER_IP, 4000, 53, "query", 5, 0));
	s = fake_last(f);
	CHECK(s->partial_csum && s->csum_start == NET_L4_OFF && s->csum_offset == UDP_CSUM);
	uint8_t done[UDP_HLEN + 5];
	memcpy(done, s->frame + NET_L4_OFF, sizeof(done));
	CHECK_EQ(get_be16(done + UDP_CSUM), csum_fold(csum_pseudo(FAKE_IP, PEER_IP, 17, 13)));
	put_be16(done + UDP_CSUM, csum_finish(csum_add(0, done, sizeof(done))));
	CHECK_EQ(csum_finish(csum_add(csum_pseudo(FAKE_IP, PEER_IP, 17, 13), done, sizeof(done))), 0);

	/* too big for the MTU (never fragmented), and no buffer */
	static uint8_t big[1500];
	CHECK_ERR(udp_send(f->nif, peer_mac, PEER_IP, 1, 2, big, 1473, 0), NET_EINVAL);
	CHECK_OK(udp_send(f->nif, peer_mac, PEER_IP, 1, 2, big, 1472, 0));
	/* lengths whose UDP length wraps 32 bits: refused before a buffer is
	 * taken or a byte copied (the sum once wrapped to 0 and passed) */
	CHECK_ERR(udp_send(f->nif, peer_mac, PEER_IP, 1, 2, big, UINT32_MAX - UDP_HLEN + 1, 0),
		  NET_EINVAL);
	CHECK_ERR(udp_send(f->nif, peer_mac, PEER_IP, 1, 2, big, UINT32_MAX, 0), NET_EINVAL);
	CHECK_EQ(netbuf_available(), NETBUF_COUNT);
	f->hold = true;
	for (unsigned i = 0; i < NETBUF_COUNT; i++)
		CHECK_OK(udp_send(f->nif, peer_mac, PEER_IP, 1, 2, "x", 1, 0));
	CHECK_ERR(udp_send(f->nif, peer_mac, PEER_IP, 1, 2, "x", 1, 0), NET_ENOBUF);
	fake_release(f);
	CHECK_EQ(netbuf_available(), NETBUF_COUNT);
}

static uint32_t xid_of(struct fake *f)
{
	return get_be32(fake_last(f)->frame + NET_L4_OFF + UDP_HLEN + DHCP_XID);
}

/* A server's message for the client's last one. */
static uint32_t server_msg(uint8_t *m, uint32_t xid, uint8_t type, bool with_server)
{
	memset(m, 0, 300);
	m[DHCP_OP] = DHCP_BOOTREPLY;
	m[DHCP_HTYPE] = 1;
	m[DHCP_HLEN] = 6;
	put_be32(m + DHCP_XID, xid);
	put_be32(m + DHCP_YIADDR, FAKE_IP);
	memcpy(m + DHCP_CHADDR, fake_mac, 6);
	put_be32(m + DHCP_COOKIE, DHCP_MAGIC);
	uint8_t *o = m + DHCP_OPTIONS;
	*o++ = DHCP_OPT_MSG_TYPE, *o++ = 1, *o++ = type;
	*o++ = DHCP_OPT_PAD;
	if (with_server) {
		*o++ = DHCP_OPT_SERVER_ID, *o++ = 4;
		put_be32(o, PEER_IP), o += 4;
	}
	*o++ = DHCP_OPT_SUBNET, *o++ = 4;
	put_be32(o, 0xffffff00u), o += 4;
	*o++ = DHCP_OPT_ROUTER, *o++ = 8; /* two routers: the first counts */
	put_be32(o, PEER_IP), o += 4;
	put_be32(o, 0x0a000203), o += 4;
	*o++ = DHCP_OPT_LEASE, *o++ = 4;
	put_be32(o, 86400), o += 4;
	*o++ = DHCP_OPT_END;
	return 300;
}

TEST(net_dhcp_parser_refuses_malformed_messages)
{
	static uint8_t m[300];
	const uint32_t xid = 0x11223344;
	struct dhcp_reply r;
	uint32_t len = server_msg(m, xid, DHCP_OFFER, true);
	CHECK_OK(dhcp_parse(m, len, xid, fake_mac, &r));
	CHECK_EQ(r.type, DHCP_OFFER);
	CHECK_EQ(r.yiaddr, FAKE_IP);
	CHECK_EQ(r.server, PEER_IP);
	CHECK_EQ(r.mask, 0xffffff00u);
	CHECK_EQ(r.router, PEER_IP);
	CHECK_EQ(r.lease_s, 86400);
	CHECK_ERR(dhcp_parse(m, len, xid + 1, fake_mac, &r), -1);   /* another transaction */
	CHECK_ERR(dhcp_parse(m, len, xid, peer_mac, &r), -1);   /* another client */
	CHECK_ERR(dhcp_parse(m, 239, xid, fake_mac, &r), -1);   /* truncated */
	CHECK_ERR(dhcp_parse(m, 242, xid, fake_mac, &r), -1);   /* type cut off */
	/* options that run past the message */
	CHECK_ERR(dhcp_parse(m, DHCP_OPTIONS + 5, xid, fake_mac, &r), -1);
	struct { unsigned off; uint8_t v; const char *what; } bad[] = {
		{ DHCP_OP, DHCP_BOOTREQUEST, "a request" },
		{ DHCP_HLEN, 5, "hardware length 5" },
		{ DHCP_COOKIE, 0, "no magic cookie" },
		{ DHCP_OPTIONS + 1, 2, "message type of 2 bytes" },
		{ DHCP_OPTIONS + 2, 8, "message type 8 (INFORM)" },
		{ DHCP_OPTIONS + 5, 3, "server id of 3 bytes" },
		{ DHCP_OPTIONS + 11, 5, "subnet of 5 bytes" },
		{ DHCP_OPTIONS + 17, 6, "router list of 6 bytes" },
		{ DHCP_OPTIONS + 27, 200, "lease option past the end" },
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = server_msg(m, xid, DHCP_OFFER, true);
		m[bad[i].off] = bad[i].v;
		CHECK_MSG(dhcp_parse(m, len, xid, fake_mac, &r) == -1, "%s was taken",
			  bad[i].what);
	}
	len = server_msg(m, xid, DHCP_OFFER, true);
	put_be32(m + DHCP_YIADDR, 0);
	CHECK_ERR(dhcp_parse(m, len, xid, fake_mac, &r), -1); /* an offer of nothing */
	len = server_msg(m, xid, DHCP_NAK, true);
	put_be32(m + DHCP_YIADDR, 0);
	CHECK_OK(dhcp_parse(m, len, xid, fake_mac, &r)); /* a NAK carries none */
	len = server_msg(m, xid, DHCP_OFFER, true);
	m[DHCP_OPTIONS] = DHCP_OPT_END; /* no type at all */
	CHECK_ERR(dhcp_parse(m, len, xid, fake_mac, &r), -1);
}

static void ignore(struct net_rx *rx, uint16_t sport, uint16_t dport, const uint8_t *data,
		   uint32_t len, void *ctx)
{
	(void)rx, (void)sport, (void)dport, (void)data, (void)len, (void)ctx;
}

/* The server: OFFER to a DISCOVER, then `final` to a REQUEST. */
static uint8_t final_type;
static unsigned discovers, requests;

static void dhcp_server(struct fake *f)
{
	const struct fake_sent *s = fake_last(f);
	const uint8_t *msg = s->frame + NET_L4_OFF + UDP_HLEN;
	if (get_be16(s->frame + NET_L4_OFF + UDP_DPORT) != 67 || msg[DHCP_OPTIONS] != DHCP_OPT_MSG_TYPE)
		return;
	uint8_t type = msg[DHCP_OPTIONS + 2];
	static uint8_t m[300];
	if (type == DHCP_DISCOVER) {
		if (++discovers < 2)
			return; /* lose the first: the client tries again */
		server_msg(m, xid_of(f), DHCP_OFFER, false);
	} else if (type == DHCP_REQUEST) {
		requests++;
		if (!final_type)
			return;
		server_msg(m, xid_of(f), final_type, true);
	} else {
		return;
	}
	/* from the server's address to the broadcast one, as slirp does */
	uint32_t len = build_udp(fr, PEER_IP, IP_BROADCAST, 67, 68, m, 300);
	memcpy(fr, bcast, 6);
	fake_rx(f, fr, len);
}

TEST(net_dhcp_exchange)
{
	struct fake *f = fake_up(0);
	f->on_wait = dhcp_server;
	final_type = DHCP_ACK;
	discovers = requests = 0;
	struct dhcp_reply r;
	CHECK_OK(dhcp_run(f->nif, &r));
	CHECK_EQ(discovers, 2);
	CHECK_EQ(requests, 1);
	CHECK_EQ(f->nif->ip, FAKE_IP);
	CHECK_EQ(f->nif->mask, 0xffffff00u);
	CHECK_EQ(f->nif->gateway, PEER_IP);
	CHECK_EQ(f->nif->lease_s, 86400);
	CHECK(!f->nif->dhcp_active);
	/* what the client sent: a broadcast REQUEST for the offered address
	 * from 0.0.0.0, naming the server (the OFFER's source: no option) */
	const struct fake_sent *s = fake_last(f);
	const uint8_t *msg = s->frame + NET_L4_OFF + UDP_HLEN;
	CHECK(memcmp(s->frame, bcast, 6) == 0);
	CHECK_EQ(get_be32(s->frame + ETH_HLEN + IP_SRC), 0);
	CHECK_EQ(get_be32(s->frame + ETH_HLEN + IP_DST), IP_BROADCAST);
	CHECK_EQ(msg[DHCP_OP], DHCP_BOOTREQUEST);
	CHECK_EQ(get_be16(msg + DHCP_FLAGS), DHCP_FLAG_BROADCAST);
	CHECK(memcmp(msg + DHCP_CHADDR, fake_mac, 6) == 0);
	CHECK_EQ(msg[DHCP_OPTIONS + 2], DHCP_REQUEST);
	CHECK_EQ(msg[DHCP_OPTIONS + 3], DHCP_OPT_REQUESTED_IP);
	CHECK_EQ(get_be32(msg + DHCP_OPTIONS + 5), FAKE_IP);
	CHECK_EQ(msg[DHCP_OPTIONS + 9], DHCP_OPT_SERVER_ID);
	CHECK_EQ(get_be32(msg + DHCP_OPTIONS + 11), PEER_IP);

	/* a NAK */
	f = fake_up(0);
	f->on_wait = dhcp_server;
	final_type = DHCP_NAK;
	discovers = requests = 0;
	CHECK_ERR(dhcp_run(f->nif, &r), NET_EREFUSED);
	CHECK_EQ(f->nif->ip, 0);
	/* no ACK at all: bounded */
	f = fake_up(0);
	f->on_wait = dhcp_server;
	final_type = 0;
	discovers = requests = 0;
	CHECK_ERR(dhcp_run(f->nif, &r), NET_ETIMEDOUT);
	CHECK_EQ(requests, DHCP_TRIES);
	/* silence: DHCP_TRIES discovers, then give up */
	f = fake_up(0);
	CHECK_ERR(dhcp_run(f->nif, &r), NET_ETIMEDOUT);
	CHECK_EQ(f->nsent, DHCP_TRIES);
	/* the client's port is free again */
	CHECK_OK(udp_bind(DHCP_CLIENT_PORT, ignore, NULL));
	udp_unbind(DHCP_CLIENT_PORT);
}

static void answer_ping(struct fake *f)
{
	const struct fake_sent *s = fake_last(f);
	const uint8_t *m = s->frame + NET_L4_OFF;
	if (get_be16(s->frame + ETH_TYPE) == ETH_P_IPV4 && m[ICMP_TYPE] == ICMP_ECHO_REQUEST) {
		uint32_t len = build_icmp_echo(fr, PEER_IP, FAKE_IP, ICMP_ECHO_REPLY, get_be16(m + ICMP_ID),
					       get_be16(m + ICMP_SEQ), m + ICMP_HLEN, 56);
		fake_rx(f, fr, len);
	}
}

TEST(net_ping_round_trip)
{
	struct fake *f = fake_up(0);
	fake_address(f);
	static struct icmp_ping p;
	p = (struct icmp_ping){ .dst = PEER_IP, .id = 0x5644, .seq = 1 };
	CHECK_OK(icmp_ping_send(f->nif, peer_mac, &p, 56));
	CHECK(!p.answered);
	/* a reply with another sequence number is not ours */
	uint32_t len = build_icmp_echo(fr, PEER_IP, FAKE_IP, ICMP_ECHO_REPLY, 0x5644, 2, "", 0);
	fake_rx(f, fr, len);
	CHECK(!p.answered);
	answer_ping(f);
	CHECK(p.answered);
	CHECK_EQ(p.reply_len, ICMP_HLEN + 56);
	icmp_ping_done(&p);
	p.answered = false;
	answer_ping(f); /* nobody waits any more */
	CHECK(!p.answered);
	CHECK_EQ(DROPS(f, NET_DROP_ICMP), 0);
}
