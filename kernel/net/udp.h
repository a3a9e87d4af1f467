/*
 * UDP (RFC 768): a table of bound ports whose handlers get each datagram
 * (interrupt context), and sending with the checksum computed or left to
 * the device.  The length field and the checksum of every datagram are
 * checked before a handler sees it.
 */
#ifndef KERNEL_NET_UDP_H
#define KERNEL_NET_UDP_H

#include <stdint.h>

#include "kernel/net/iface.h"

#define UDP_MAX_BINDINGS 8
#define UDP_EPHEMERAL 49152 /* source ports of our own sends start here */

/* One datagram for a bound port; data valid during the call only. */
typedef void (*udp_handler)(struct net_rx *rx, uint16_t sport, uint16_t dport,
			    const uint8_t *data, uint32_t len, void *ctx);

/* 0, or NET_EINVAL when the port is taken or the table full. */
int udp_bind(uint16_t port, udp_handler fn, void *ctx);
void udp_unbind(uint16_t port);

void udp_input(struct net_rx *rx);

/* Send len bytes from sport to dst:dport through the neighbour at mac.
 * 0 or an error (NET_ENOBUF, NET_EINVAL when too big, the driver's). */
int udp_send(struct net_iface *nif, const uint8_t mac[ETH_ALEN], uint32_t dst, uint16_t sport,
	     uint16_t dport, const void *data, uint32_t len, uint16_t queue);

/* Answer a received datagram: to its source (MAC, address, port), from
 * the port it came to, on the queue it came in on. */
int udp_reply(struct net_rx *rx, uint16_t sport, uint16_t dport, const void *data, uint32_t len);

#endif
