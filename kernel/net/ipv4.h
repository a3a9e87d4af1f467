/*
 * IPv4 (RFC 791) without fragmentation: every received header is checked
 * (version, lengths, checksum) before anything reads past it; fragments
 * are refused and counted; ICMP and UDP go up, the rest is dropped.
 * Output adds a 20-byte header in front of an L4 packet already built at
 * NET_L4_OFF of a frame buffer.
 */
#ifndef KERNEL_NET_IPV4_H
#define KERNEL_NET_IPV4_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/net/iface.h"

void ipv4_input(struct net_rx *rx);

/*
 * Send the l4_len bytes at b->data + NET_L4_OFF as protocol `proto` to dst
 * through the neighbour at dst_mac.  With the don't-fragment bit set: the
 * packet must fit the MTU (NET_EINVAL otherwise).  b is gone either way.
 */
int ipv4_send(struct net_iface *nif, const uint8_t dst_mac[ETH_ALEN], uint32_t dst,
	      uint8_t proto, struct netbuf *b, uint32_t l4_len, uint16_t queue);

/* "10.0.2.15" into *ip (host order); false for anything else. */
bool ipv4_parse(const char *s, uint32_t *ip);

/* Dotted quad of ip into buf (16 bytes). */
const char *ipv4_str(uint32_t ip, char buf[16]);

#endif
