/*
 * ICMP echo (RFC 792): requests to us get a reply with the same data;
 * replies go to the one outstanding ping (struct icmp_ping).  Anything
 * short or with a wrong checksum is dropped and counted.
 */
#ifndef KERNEL_NET_ICMP_H
#define KERNEL_NET_ICMP_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/net/iface.h"

/* The ping waiting for its reply (set with icmp_ping_wait). */
struct icmp_ping {
	uint32_t dst;
	uint16_t id, seq;
	volatile bool answered;
	uint64_t answered_ns;  /* time_ns() when the reply came in */
	uint32_t reply_len;    /* ICMP bytes in the reply */
};

void icmp_input(struct net_rx *rx);

/* Send an echo request of `data_len` bytes of pattern to dst through the
 * neighbour at mac, and make p the ping the next reply completes
 * (p->answered set from the interrupt handler).  0 or an error. */
int icmp_ping_send(struct net_iface *nif, const uint8_t mac[ETH_ALEN], struct icmp_ping *p,
		   uint32_t data_len);
/* Stop waiting for p. */
void icmp_ping_done(struct icmp_ping *p);

#endif
