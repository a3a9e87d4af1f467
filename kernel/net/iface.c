/*
 * Interfaces and the Ethernet layer (see iface.h): the table of
 * interfaces, routing by subnet, the destination-MAC filter, EtherType
 * demultiplexing, Ethernet framing on the way out.
 */
#include "kernel/net/iface.h"

#include "kernel/net/ipv4.h"
#include "lib/kstring.h"
#include "lib/printf.h"

static struct net_iface ifaces[NETDEV_MAX];
static unsigned nifaces;

static const uint8_t broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void announce(struct netdev *dev)
{
	struct net_iface *nif = dev->stack;
	/* §5.1.6.5.4: the device asked us to tell the network where we are. */
	if (nif->ip)
		(void)arp_announce(nif);
}

struct net_iface *net_attach(struct netdev *dev)
{
	if (nifaces == NETDEV_MAX || netbuf_init() != 0)
		return NULL;
	struct net_iface *nif = &ifaces[nifaces++];
	*nif = (struct net_iface){ .dev = dev };
	dev->stack = nif;
	dev->announce = announce;
	dev->rx = net_input; /* last: frames may arrive from here on */
	return nif;
}

void net_init(void)
{
	for (unsigned i = nifaces; i < netdev_count(); i++)
		if (!net_attach(netdev_get(i)))
			kprintf("%s: no room for the network stack\n", netdev_get(i)->name);
}

unsigned net_iface_count(void)
{
	return nifaces;
}

struct net_iface *net_iface_get(unsigned i)
{
	return i < nifaces ? &ifaces[i] : NULL;
}

struct net_iface *net_iface_find(const char *name)
{
	for (unsigned i = 0; i < nifaces; i++)
		if (strcmp(ifaces[i].dev->name, name) == 0)
			return &ifaces[i];
	return NULL;
}

struct net_iface *net_route(uint32_t dst, uint32_t *next_hop)
{
	for (unsigned i = 0; i < nifaces; i++) {
		struct net_iface *nif = &ifaces[i];
		if (nif->ip && ((dst ^ nif->ip) & nif->mask) == 0) {
			*next_hop = dst;
			return nif;
		}
	}
	for (unsigned i = 0; i < nifaces; i++) {
		if (ifaces[i].ip && ifaces[i].gateway) {
			*next_hop = ifaces[i].gateway;
			return &ifaces[i];
		}
	}
	return NULL;
}

/* Frames for this host: our address, broadcast, or a group we joined (any
 * group with allmulti).  Promiscuous mode lets the device deliver other
 * hosts' frames; they are counted here, not taken. */
static bool wanted(const struct net_iface *nif, const uint8_t *dst)
{
	if (memcmp(dst, nif->dev->mac, ETH_ALEN) == 0 || memcmp(dst, broadcast, ETH_ALEN) == 0)
		return true;
	if (!(dst[0] & 1))
		return false;
	if (nif->allmulti)
		return true;
	for (unsigned i = 0; i < nif->nmcast; i++)
		if (memcmp(dst, nif->mcast[i], ETH_ALEN) == 0)
			return true;
	return false;
}

void net_input(struct netdev *dev, const struct netdev_rx *f)
{
	struct net_iface *nif = dev->stack;
	if (f->len < ETH_HLEN) {
		net_count_drop(nif, NET_DROP_SHORT);
		return;
	}
	if (!wanted(nif, f->data + ETH_DST)) {
		net_count_drop(nif, NET_DROP_NOT_OURS);
		return;
	}
	struct net_rx rx = {
		.nif = nif,
		.frame = f->data,
		.len = f->len,
		.queue = f->queue,
		.csum = f->csum,
		.csum_start = f->csum_start,
		.csum_offset = f->csum_offset,
	};
	switch (get_be16(f->data + ETH_TYPE)) {
	case ETH_P_IPV4:
		ipv4_input(&rx);
		break;
	case ETH_P_ARP:
		arp_input(&rx);
		break;
	default:
		net_count_drop(nif, NET_DROP_ETHERTYPE);
		return;
	}
	nif->rx_frames++;
}

int net_eth_send(struct net_iface *nif, const uint8_t dst[ETH_ALEN], uint16_t type,
		 struct netbuf *b, uint32_t len, uint16_t queue)
{
	memcpy(b->data + ETH_DST, dst, ETH_ALEN);
	memcpy(b->data + ETH_SRC, nif->dev->mac, ETH_ALEN);
	put_be16(b->data + ETH_TYPE, type);
	if (!nif->dev->link_up) {
		netbuf_free(b);
		return NET_ELINK;
	}
	return netbuf_send(nif->dev, queue, b, len);
}

int net_set_rx_mode(struct net_iface *nif, bool promisc, bool allmulti)
{
	struct netdev *dev = nif->dev;
	int rc = 0;
	if (dev->ops->set_rx_mode && (dev->caps & NETDEV_CAP_RX_MODE))
		rc = dev->ops->set_rx_mode(dev, promisc, allmulti);
	if (rc == 0) {
		nif->promisc = promisc;
		nif->allmulti = allmulti;
	}
	return rc;
}

int net_set_mcast(struct net_iface *nif, const uint8_t (*groups)[ETH_ALEN], unsigned n)
{
	struct netdev *dev = nif->dev;
	if (n > NET_MAX_MCAST)
		return NET_EINVAL;
	for (unsigned i = 0; i < n; i++)
		if (!(groups[i][0] & 1))
			return NET_EINVAL; /* not a group address */
	int rc = 0;
	const uint8_t *table = n ? &groups[0][0] : NULL;
	if (dev->ops->set_mac_filter && (dev->caps & NETDEV_CAP_MAC_FILTER))
		rc = dev->ops->set_mac_filter(dev, dev->mac, 1, table, n);
	if (rc == 0) {
		for (unsigned i = 0; i < n * ETH_ALEN; i++)
			nif->mcast[i / ETH_ALEN][i % ETH_ALEN] = table[i];
		nif->nmcast = n;
	}
	return rc;
}

const char *net_drop_name(enum net_drop why)
{
	static const char *const names[NET_DROP_COUNT] = {
		[NET_DROP_SHORT] = "short",
		[NET_DROP_NOT_OURS] = "not-ours",
		[NET_DROP_ETHERTYPE] = "ethertype",
		[NET_DROP_ARP] = "arp",
		[NET_DROP_IP_HEADER] = "ip-header",
		[NET_DROP_IP_CHECKSUM] = "ip-checksum",
		[NET_DROP_IP_FRAGMENT] = "fragment",
		[NET_DROP_IP_NOT_FOR_US] = "ip-not-ours",
		[NET_DROP_IP_PROTOCOL] = "ip-protocol",
		[NET_DROP_ICMP] = "icmp",
		[NET_DROP_UDP_HEADER] = "udp-header",
		[NET_DROP_UDP_CHECKSUM] = "udp-checksum",
		[NET_DROP_UDP_PORT] = "udp-port",
		[NET_DROP_NO_BUFFER] = "no-buffer",
	};
	return why < NET_DROP_COUNT ? names[why] : "?";
}

const char *net_strerror(const struct net_iface *nif, int err)
{
	switch (err) {
	case NET_EINVAL: return "invalid argument";
	case NET_ENOROUTE: return "no interface reaches that address";
	case NET_ENOBUF: return "no transmit buffer free";
	case NET_ETIMEDOUT: return "no answer";
	case NET_ENOADDR: return "the interface has no address (net dhcp)";
	case NET_ELINK: return "link down";
	case NET_EREFUSED: return "refused by the server";
	default:
		return nif && nif->dev->ops->strerror ? nif->dev->ops->strerror(err) : "error";
	}
}
