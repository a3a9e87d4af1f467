/*
 * DHCP client (see dhcp.h).
 */
#include "kernel/net/dhcp.h"

#include "kernel/net/udp.h"
#include "kernel/timer.h"
#include "lib/kstring.h"

static const uint8_t broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* One option's value: exactly `want` bytes, or at least 4 for a list. */
static bool opt_u32(const uint8_t *v, uint8_t len, bool list, uint32_t *out)
{
	if (len != 4 && !(list && len >= 4 && len % 4 == 0))
		return false;
	*out = get_be32(v);
	return true;
}

int dhcp_parse(const uint8_t *msg, uint32_t len, uint32_t xid, const uint8_t mac[ETH_ALEN],
	       struct dhcp_reply *r)
{
	*r = (struct dhcp_reply){ 0 };
	if (len < DHCP_OPTIONS || msg[DHCP_OP] != DHCP_BOOTREPLY || msg[DHCP_HTYPE] != 1 ||
	    msg[DHCP_HLEN] != ETH_ALEN || get_be32(msg + DHCP_XID) != xid ||
	    memcmp(msg + DHCP_CHADDR, mac, ETH_ALEN) != 0 ||
	    get_be32(msg + DHCP_COOKIE) != DHCP_MAGIC)
		return -1;
	r->yiaddr = get_be32(msg + DHCP_YIADDR);
	for (uint32_t i = DHCP_OPTIONS; i < len;) {
		uint8_t code = msg[i];
		if (code == DHCP_OPT_END)
			break;
		if (code == DHCP_OPT_PAD) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + msg[i + 1] > len)
			return -1; /* an option running past the message */
		uint8_t olen = msg[i + 1];
		const uint8_t *v = msg + i + 2;
		bool ok = true;
		switch (code) {
		case DHCP_OPT_MSG_TYPE:
			ok = olen == 1;
			r->type = ok ? v[0] : 0;
			break;
		case DHCP_OPT_SUBNET: ok = opt_u32(v, olen, false, &r->mask); break;
		case DHCP_OPT_ROUTER: ok = opt_u32(v, olen, true, &r->router); break;
		case DHCP_OPT_SERVER_ID: ok = opt_u32(v, olen, false, &r->server); break;
		case DHCP_OPT_LEASE: ok = opt_u32(v, olen, false, &r->lease_s); break;
		default: break; /* not needed */
		}
		if (!ok)
			return -1;
		i += 2u + olen;
	}
	if (r->type != DHCP_OFFER && r->type != DHCP_ACK && r->type != DHCP_NAK)
		return -1;
	if (r->type != DHCP_NAK && (r->yiaddr == 0 || r->yiaddr == IP_BROADCAST))
		return -1;
	return 0;
}

uint32_t dhcp_build(uint8_t *buf, uint8_t type, uint32_t xid, const uint8_t mac[ETH_ALEN],
		    uint32_t requested, uint32_t server)
{
	memset(buf, 0, DHCP_MSG_BYTES);
	buf[DHCP_OP] = DHCP_BOOTREQUEST;
	buf[DHCP_HTYPE] = 1;
	buf[DHCP_HLEN] = ETH_ALEN;
	put_be32(buf + DHCP_XID, xid);
	/* No address yet: ask for answers by broadcast (RFC 2131 §4.1). */
	put_be16(buf + DHCP_FLAGS, DHCP_FLAG_BROADCAST);
	memcpy(buf + DHCP_CHADDR, mac, ETH_ALEN);
	put_be32(buf + DHCP_COOKIE, DHCP_MAGIC);
	uint8_t *o = buf + DHCP_OPTIONS;
	*o++ = DHCP_OPT_MSG_TYPE;
	*o++ = 1;
	*o++ = type;
	if (requested) {
		*o++ = DHCP_OPT_REQUESTED_IP;
		*o++ = 4;
		put_be32(o, requested);
		o += 4;
	}
	if (server) {
		*o++ = DHCP_OPT_SERVER_ID;
		*o++ = 4;
		put_be32(o, server);
		o += 4;
	}
	*o++ = DHCP_OPT_PARAMS;
	*o++ = 3;
	*o++ = DHCP_OPT_SUBNET;
	*o++ = DHCP_OPT_ROUTER;
	*o++ = DHCP_OPT_LEASE;
	*o++ = DHCP_OPT_END;
	return DHCP_MSG_BYTES;
}

/* The exchange in progress (filled by the port-68 handler). */
struct exchange {
	struct net_iface *nif;
	uint32_t xid;
	uint8_t want;            /* DHCP_OFFER, then DHCP_ACK (a NAK also ends it) */
	volatile bool answered;
	struct dhcp_reply reply;
	uint32_t from;           /* the answer's source address */
};

static void on_reply(struct net_rx *rx, uint16_t sport, uint16_t dport, const uint8_t *data,
		     uint32_t len, void *ctx)
{
	struct exchange *x = ctx;
	struct dhcp_reply r;
	(void)dport;
	if (rx->nif != x->nif || sport != DHCP_SERVER_PORT || x->answered ||
	    dhcp_parse(data, len, x->xid, x->nif->dev->mac, &r) != 0)
		return;
	if (r.type == x->want || (x->want == DHCP_ACK && r.type == DHCP_NAK)) {
		x->reply = r;
		x->from = rx->src;
		x->answered = true;
	}
}

/* Send one message and wait for the answer, DHCP_TRIES times. */
static int step(struct exchange *x, uint8_t type, uint32_t requested, uint32_t server)
{
	uint8_t msg[DHCP_MSG_BYTES];
	uint32_t len = dhcp_build(msg, type, x->xid, x->nif->dev->mac, requested, server);
	x->answered = false;
	for (unsigned t = 0; t < DHCP_TRIES; t++) {
		int rc = udp_send(x->nif, broadcast, IP_BROADCAST, DHCP_CLIENT_PORT,
				  DHCP_SERVER_PORT, msg, len, 0);
		if (rc && rc != NET_ENOBUF)
			return rc;
		uint64_t dl = deadline_in_ms(DHCP_STEP_MS);
		while (!x->answered && !deadline_passed(dl))
			wait_for_interrupt_until(dl);
		if (x->answered)
			return 0;
	}
	return NET_ETIMEDOUT;
}

static uint32_t default_mask(uint32_t ip)
{
	/* A server that sends no subnet: the classful one (RFC 2132 §3.3). */
	return ip >> 31 == 0 ? 0xff000000u : ip >> 30 == 2 ? 0xffff0000u : 0xffffff00u;
}

int dhcp_run(struct net_iface *nif, struct dhcp_reply *out)
{
	static struct exchange x; /* the port-68 handler reads it: not on a stack that goes away */
	x = (struct exchange){ .nif = nif, .want = DHCP_OFFER };
	for (unsigned i = 0; i < ETH_ALEN; i++)
		x.xid = x.xid * 131 + nif->dev->mac[i];
	x.xid ^= (uint32_t)time_ns();
	if (udp_bind(DHCP_CLIENT_PORT, on_reply, &x) != 0)
		return NET_EINVAL; /* another exchange holds the port */
	nif->ip = 0;
	nif->dhcp_active = true;
	int rc = step(&x, DHCP_DISCOVER, 0, 0);
	if (rc == 0) {
		struct dhcp_reply offer = x.reply;
		uint32_t server = offer.server ? offer.server : x.from;
		x.want = DHCP_ACK;
		rc = step(&x, DHCP_REQUEST, offer.yiaddr, server);
	}
	if (rc == 0 && x.reply.type == DHCP_NAK)
		rc = NET_EREFUSED;
	if (rc == 0) {
		nif->ip = x.reply.yiaddr;
		nif->mask = x.reply.mask ? x.reply.mask : default_mask(nif->ip);
		nif->gateway = x.reply.router;
		nif->lease_s = x.reply.lease_s;
		*out = x.reply;
	}
	nif->dhcp_active = false;
	udp_unbind(DHCP_CLIENT_PORT);
	return rc;
}
