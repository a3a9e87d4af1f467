/*
 * ARP for IPv4 over Ethernet (RFC 826): a small cache per interface whose
 * entries expire, answers to requests for our address, requests of our
 * own, gratuitous announcements, and a bounded wait for an answer.
 */
#ifndef KERNEL_NET_ARP_H
#define KERNEL_NET_ARP_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/net/proto.h"

#define ARP_CACHE_SIZE 16
#ifndef ARP_TTL_MS
#define ARP_TTL_MS 60000u /* an entry is believed this long after it was heard */
#endif
#define ARP_RETRY_MS 250u /* between requests while resolving */

struct arp_entry {
	uint32_t ip;
	uint8_t mac[ETH_ALEN];
	uint64_t expires;      /* a deadline (kernel/timer.h) */
	bool valid;
};

struct arp_cache {
	struct arp_entry e[ARP_CACHE_SIZE];
	uint64_t requests_sent, replies_sent, learned;
};

struct net_iface;
struct net_rx;

/* An ARP frame from rx (Ethernet header already checked). */
void arp_input(struct net_rx *rx);

/* A live entry for ip: true with mac filled. */
bool arp_lookup(struct net_iface *nif, uint32_t ip, uint8_t mac[ETH_ALEN]);
/* Insert or refresh ip -> mac (expires ARP_TTL_MS from now). */
void arp_learn(struct net_iface *nif, uint32_t ip, const uint8_t mac[ETH_ALEN]);
/* Broadcast "who has ip"; 0 or an error. */
int arp_request(struct net_iface *nif, uint32_t ip);
/* Broadcast our own address (a gratuitous ARP request); 0 or an error. */
int arp_announce(struct net_iface *nif);

/* Look ip up, asking (every ARP_RETRY_MS) and waiting up to timeout_ms
 * when it is unknown.  Waits: interrupts masked, not from an interrupt
 * handler.  0, NET_ETIMEDOUT or a send error. */
int arp_resolve(struct net_iface *nif, uint32_t ip, uint8_t mac[ETH_ALEN], uint32_t timeout_ms);

#endif
