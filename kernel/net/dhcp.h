/*
 * A DHCP client (RFC 2131): DISCOVER, OFFER, REQUEST, ACK, broadcast on
 * the interface, each step retried and bounded, and the address, netmask,
 * router and lease it gives applied to the interface.  The message
 * parser checks every length before it reads (tests/net/ feeds it
 * malformed messages).
 */
#ifndef KERNEL_NET_DHCP_H
#define KERNEL_NET_DHCP_H

#include <stdint.h>

#include "kernel/net/iface.h"

#define DHCP_MSG_BYTES 300u   /* what we send: BOOTP's minimum */
#define DHCP_TRIES 4          /* per step */
#define DHCP_STEP_MS 1000u    /* wait for an answer before trying again */

/* What a server's message said. */
struct dhcp_reply {
	uint8_t type;            /* DHCP_OFFER, DHCP_ACK, DHCP_NAK */
	uint32_t yiaddr;         /* "your" address */
	uint32_t server;         /* server identifier (0 if absent) */
	uint32_t mask, router;   /* 0 if absent */
	uint32_t lease_s;        /* 0 if absent */
};

/* A BOOTREPLY of transaction xid for hardware address mac: 0 and r filled,
 * or -1 (not for us, malformed, or without a message type). */
int dhcp_parse(const uint8_t *msg, uint32_t len, uint32_t xid, const uint8_t mac[ETH_ALEN],
	       struct dhcp_reply *r);

/* A DISCOVER (requested and server 0) or REQUEST into buf
 * (DHCP_MSG_BYTES); its length. */
uint32_t dhcp_build(uint8_t *buf, uint8_t type, uint32_t xid, const uint8_t mac[ETH_ALEN],
		    uint32_t requested, uint32_t server);

/* Obtain an address for nif and apply it (the lease in *out).  Waits:
 * interrupts masked, not from an interrupt handler.  0, NET_ETIMEDOUT,
 * NET_EREFUSED (NAK), or a send error. */
int dhcp_run(struct net_iface *nif, struct dhcp_reply *out);

#endif
