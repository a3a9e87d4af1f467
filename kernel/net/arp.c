/*
 * ARP (see arp.h).  RFC 826's merge rule: a frame from a sender already
 * in the cache refreshes its entry whoever it was for; a frame for our
 * address adds the sender, and a request for it gets a reply.
 */
#include "kernel/net/arp.h"

#include "kernel/net/iface.h"
#include "kernel/net/netdev.h"
#include "kernel/timer.h"
#include "lib/kstring.h"

static const uint8_t broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static struct arp_entry *find(struct arp_cache *c, uint32_t ip)
{
	for (unsigned i = 0; i < ARP_CACHE_SIZE; i++)
		if (c->e[i].valid && c->e[i].ip == ip)
			return &c->e[i];
	return NULL;
}

bool arp_lookup(struct net_iface *nif, uint32_t ip, uint8_t mac[ETH_ALEN])
{
	struct arp_entry *e = find(&nif->arp, ip);
	if (!e)
		return false;
	if (deadline_passed(e->expires)) {
		e->valid = false; /* stale: ask again */
		return false;
	}
	memcpy(mac, e->mac, ETH_ALEN);
	return true;
}

void arp_learn(struct net_iface *nif, uint32_t ip, const uint8_t mac[ETH_ALEN])
{
	struct arp_cache *c = &nif->arp;
	struct arp_entry *e = find(c, ip);
	if (!e) {
		/* A free slot, else the one that expires first. */
		e = &c->e[0];
		for (unsigned i = 0; i < ARP_CACHE_SIZE; i++) {
			if (!c->e[i].valid) {
				e = &c->e[i];
				break;
			}
			/* Deadlines are times on one clock: the smaller is sooner. */
			if (c->e[i].expires < e->expires)
				e = &c->e[i];
		}
		c->learned++;
	}
	e->ip = ip;
	memcpy(e->mac, mac, ETH_ALEN);
	e->expires = deadline_in_ms(ARP_TTL_MS);
	e->valid = true;
}

/* One ARP frame: oper, sender (us), target. */
static int send_arp(struct net_iface *nif, uint16_t oper, const uint8_t dst[ETH_ALEN],
		    const uint8_t tha[ETH_ALEN], uint32_t tpa)
{
	struct netbuf *b = netbuf_alloc();
	if (!b)
		return NET_ENOBUF;
	uint8_t *a = b->data + ETH_HLEN;
	put_be16(a + ARP_HTYPE, 1);
	put_be16(a + ARP_PTYPE, ETH_P_IPV4);
	a[ARP_HLEN] = ETH_ALEN;
	a[ARP_PLEN] = 4;
	put_be16(a + ARP_OPER, oper);
	memcpy(a + ARP_SHA, nif->dev->mac, ETH_ALEN);
	put_be32(a + ARP_SPA, nif->ip);
	memcpy(a + ARP_THA, tha, ETH_ALEN);
	put_be32(a + ARP_TPA, tpa);
	/* Padded to the 60-byte Ethernet minimum with zeroes. */
	memset(a + ARP_LEN, 0, 60 - ETH_HLEN - ARP_LEN);
	return net_eth_send(nif, dst, ETH_P_ARP, b, 60, 0);
}

void arp_input(struct net_rx *rx)
{
	struct net_iface *nif = rx->nif;
	const uint8_t *a = rx->frame + ETH_HLEN;
	if (rx->len < ETH_HLEN + ARP_LEN || get_be16(a + ARP_HTYPE) != 1 ||
	    get_be16(a + ARP_PTYPE) != ETH_P_IPV4 || a[ARP_HLEN] != ETH_ALEN || a[ARP_PLEN] != 4) {
		net_count_drop(nif, NET_DROP_ARP);
		return;
	}
	uint16_t oper = get_be16(a + ARP_OPER);
	const uint8_t *sha = a + ARP_SHA;
	uint32_t spa = get_be32(a + ARP_SPA), tpa = get_be32(a + ARP_TPA);
	if ((oper != ARP_REQUEST && oper != ARP_REPLY) || (sha[0] & 1)) {
		net_count_drop(nif, NET_DROP_ARP); /* a multicast sender is no host */
		return;
	}
	bool for_us = nif->ip && tpa == nif->ip;
	if (spa && (for_us || find(&nif->arp, spa)))
		arp_learn(nif, spa, sha);
	if (for_us && oper == ARP_REQUEST && send_arp(nif, ARP_REPLY, sha, sha, spa) == 0)
		nif->arp.replies_sent++;
}

int arp_request(struct net_iface *nif, uint32_t ip)
{
	static const uint8_t unknown[ETH_ALEN];
	int rc = send_arp(nif, ARP_REQUEST, broadcast, unknown, ip);
	if (rc == 0)
		nif->arp.requests_sent++;
	return rc;
}

int arp_announce(struct net_iface *nif)
{
	/* RFC 5227 §3: a request with our address as sender and target. */
	static const uint8_t unknown[ETH_ALEN];
	if (!nif->ip)
		return NET_ENOADDR;
	int rc = send_arp(nif, ARP_REQUEST, broadcast, unknown, nif->ip);
	if (rc == 0)
		nif->announces++;
	return rc;
}

int arp_resolve(struct net_iface *nif, uint32_t ip, uint8_t mac[ETH_ALEN], uint32_t timeout_ms)
{
	if (arp_lookup(nif, ip, mac))
		return 0;
	uint64_t give_up = deadline_in_ms(timeout_ms);
	while (!deadline_passed(give_up)) {
		int rc = arp_request(nif, ip);
		if (rc && rc != NET_ENOBUF)
			return rc;
		uint64_t retry = deadline_in_ms(ARP_RETRY_MS);
		while (!deadline_passed(retry) && !deadline_passed(give_up)) {
			wait_for_interrupt_until(retry < give_up ? retry : give_up);
			if (arp_lookup(nif, ip, mac))
				return 0;
		}
	}
	return NET_ETIMEDOUT;
}
