/*
 * The stack's interfaces: one per registered netdev, with its IPv4
 * address, the ARP cache, the receive filter it keeps in software, and
 * the counters of what it dropped and why.  Ethernet input is demultiplexed
 * here (to arp.c and ipv4.c) and Ethernet output framed here.
 *
 * Everything runs with interrupts masked (netdev.h): received frames in
 * the device's interrupt handler, the rest from callers that masked them.
 */
#ifndef KERNEL_NET_IFACE_H
#define KERNEL_NET_IFACE_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/net/arp.h"
#include "kernel/net/netbuf.h"
#include "kernel/net/netdev.h"
#include "kernel/net/proto.h"

#define NET_MAX_MCAST 8

/* Why the stack dropped a frame (the driver counts its own, netdev.h). */
enum net_drop {
	NET_DROP_SHORT,        /* shorter than an Ethernet header */
	NET_DROP_NOT_OURS,     /* destination MAC not ours, not broadcast, not a joined group */
	NET_DROP_ETHERTYPE,    /* neither IPv4 nor ARP (VLAN tags included) */
	NET_DROP_ARP,          /* malformed ARP */
	NET_DROP_IP_HEADER,    /* not IPv4, bad header or total length, truncated */
	NET_DROP_IP_CHECKSUM,
	NET_DROP_IP_FRAGMENT,  /* a fragment: reassembly is refused */
	NET_DROP_IP_NOT_FOR_US,
	NET_DROP_IP_PROTOCOL,  /* neither ICMP nor UDP */
	NET_DROP_ICMP,         /* short, bad checksum */
	NET_DROP_UDP_HEADER,   /* short, bad length field */
	NET_DROP_UDP_CHECKSUM,
	NET_DROP_UDP_PORT,     /* nobody listens */
	NET_DROP_NO_BUFFER,    /* a reply found no buffer or no room in the device */
	NET_DROP_COUNT
};

/* Errors of the stack's own (the driver's are its VIRTIO_E*-like codes). */
#define NET_EINVAL   (-101) /* bad argument */
#define NET_ENOROUTE (-102) /* no interface reaches the address */
#define NET_ENOBUF   (-103) /* every transmit buffer is in flight */
#define NET_ETIMEDOUT (-104) /* no answer before the deadline */
#define NET_ENOADDR  (-105) /* the interface has no address yet */
#define NET_ELINK    (-106) /* the link is down */
#define NET_EREFUSED (-107) /* the server said no (DHCP NAK) */

struct net_iface {
	struct netdev *dev;
	uint32_t ip, mask, gateway; /* host order; ip 0 = no address */
	uint32_t lease_s;
	bool dhcp_active;           /* accept DHCP replies before there is an address */
	bool promisc, allmulti;     /* as asked of the device */
	uint8_t mcast[NET_MAX_MCAST][ETH_ALEN];
	unsigned nmcast;
	struct arp_cache arp;
	uint64_t drops[NET_DROP_COUNT];
	uint64_t rx_frames;         /* frames the stack accepted */
	uint64_t announces;         /* gratuitous ARPs sent */
};

/* One received frame on its way up: filled in layer by layer. */
struct net_rx {
	struct net_iface *nif;
	const uint8_t *frame;
	uint32_t len;
	uint16_t queue;
	enum netdev_csum csum;
	uint16_t csum_start, csum_offset;
	/* ipv4_input */
	uint32_t src, dst;
	const uint8_t *l4;
	uint32_t l4_off, l4_len;
};

/* Attach the stack to every registered netdev (after the drivers). */
void net_init(void);
/* The same for one device; the interface, or NULL when the table is full
 * or the buffers could not be had. */
struct net_iface *net_attach(struct netdev *dev);

unsigned net_iface_count(void);
struct net_iface *net_iface_get(unsigned i);
struct net_iface *net_iface_find(const char *name);

/* The interface that reaches dst and the next hop there (dst itself on
 * the link, else the gateway), or NULL. */
struct net_iface *net_route(uint32_t dst, uint32_t *next_hop);

/* Ethernet input, the netdev's rx callback. */
void net_input(struct netdev *dev, const struct netdev_rx *f);

/* Fill b's Ethernet header (to dst, from us, EtherType) and send len
 * bytes of it.  0 or an error; b is the device's (or free) either way. */
int net_eth_send(struct net_iface *nif, const uint8_t dst[ETH_ALEN], uint16_t type,
		 struct netbuf *b, uint32_t len, uint16_t queue);

/* The receive filter: asks the device (when it can) and filters in
 * software too, since a device's filter is best-effort (§5.1.6.5.1). */
int net_set_rx_mode(struct net_iface *nif, bool promisc, bool allmulti);
int net_set_mcast(struct net_iface *nif, const uint8_t (*groups)[ETH_ALEN], unsigned n);

/* A received L4 checksum that needs no check: the device vouched for it
 * (DATA_VALID), or validated it and left a partial sum at the L4 header. */
static inline bool net_l4_csum_trusted(const struct net_rx *rx)
{
	return rx->csum == NETDEV_CSUM_VALID ||
	       (rx->csum == NETDEV_CSUM_PARTIAL && rx->csum_start == rx->l4_off);
}

static inline void net_count_drop(struct net_iface *nif, enum net_drop why)
{
	nif->drops[why]++;
}
const char *net_drop_name(enum net_drop why);
/* Text for a NET_E* code or the driver's error. */
const char *net_strerror(const struct net_iface *nif, int err);

#endif
