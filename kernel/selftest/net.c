/*
 * Self-test suite "net", for every network interface: what the device
 * reported makes sense, a frame really leaves through it and its buffer
 * comes back, the checksum arithmetic is right on this CPU; and with the
 * boot argument `net-online` (a DHCP server and a gateway on the link, as
 * QEMU's user networking has), an address by DHCP and a ping of the
 * gateway.  Every wait is bounded.
 */
#include "kernel/dt/devtree.h"
#include "kernel/net/checksum.h"
#include "kernel/net/dhcp.h"
#include "kernel/net/icmp.h"
#include "kernel/net/ipv4.h"
#include "kernel/riscv.h"
#include "kernel/selftest/suites.h"
#include "kernel/timer.h"

#define GONE_MS 1000 /* a frame's buffer is back by then */

static void case_device(struct selftest_ctx *t, struct net_iface *nif)
{
	struct netdev *dev = nif->dev;
	char name[48];
	const uint8_t *m = dev->mac;
	bool zero = !(m[0] | m[1] | m[2] | m[3] | m[4] | m[5]);
	ksnprintf(name, sizeof(name), "%s: unicast MAC, MTU, queues", dev->name);
	selftest_check(t, !zero && !(m[0] & 1) && dev->mtu >= 68 && dev->queues >= 1, name,
		       "MAC %02x:%02x:%02x:%02x:%02x:%02x, MTU %u, %u queues", m[0], m[1], m[2],
		       m[3], m[4], m[5], (unsigned)dev->mtu, (unsigned)dev->queues);
}

static void case_transmit(struct selftest_ctx *t, struct net_iface *nif)
{
	struct netdev *dev = nif->dev;
	struct netdev_counters before = { 0 }, after = { 0 };
	char name[48];
	ksnprintf(name, sizeof(name), "%s: a frame goes out, its buffer comes back", dev->name);
	if (!dev->link_up) {
		selftest_note(t, "%s: link down, no frame sent", dev->name);
		return;
	}
	unsigned long s = intr_save();
	dev->ops->counters(dev, &before);
	/* An ARP request (a probe when there is no address yet): harmless
	 * on any network. */
	int rc = arp_request(nif, 0xc0a8fffeu);
	uint64_t dl = deadline_in_ms(GONE_MS);
	while (rc == 0 && netbuf_available() < NETBUF_COUNT && !deadline_passed(dl))
		wait_for_interrupt_until(dl);
	dev->ops->counters(dev, &after);
	intr_restore(s);
	selftest_check(t, rc == 0 && after.tx_frames == before.tx_frames + 1 &&
			       netbuf_available() == NETBUF_COUNT,
		       name, "send %s, %llu frames out, %u of %u buffers back",
		       rc ? net_strerror(nif, rc) : "ok",
		       (unsigned long long)(after.tx_frames - before.tx_frames),
		       netbuf_available(), NETBUF_COUNT);
}

static void case_online(struct selftest_ctx *t, struct net_iface *nif)
{
	struct dhcp_reply r;
	char name[48], a[16];
	uint8_t mac[ETH_ALEN];
	unsigned long s = intr_save();
	int rc = dhcp_run(nif, &r);
	ksnprintf(name, sizeof(name), "%s: an address by DHCP", nif->dev->name);
	selftest_check(t, rc == 0 && nif->ip && nif->gateway, name, "%s", net_strerror(nif, rc));
	unsigned answered = 0;
	if (rc == 0)
		rc = arp_resolve(nif, nif->gateway, mac, 1000);
	for (uint16_t seq = 1; rc == 0 && seq <= 3; seq++) {
		static struct icmp_ping p; /* the interrupt handler completes it */
		p = (struct icmp_ping){ .dst = nif->gateway, .id = 0x5654, .seq = seq };
		rc = icmp_ping_send(nif, mac, &p, 56);
		uint64_t dl = deadline_in_ms(1000);
		while (rc == 0 && !p.answered && !deadline_passed(dl))
			wait_for_interrupt_until(dl);
		icmp_ping_done(&p);
		answered += p.answered;
	}
	intr_restore(s);
	ksnprintf(name, sizeof(name), "%s: the gateway answers ARP and 3 pings", nif->dev->name);
	selftest_check(t, rc == 0 && answered == 3, name, "gateway %s: %s, %u of 3 replies",
		       ipv4_str(nif->gateway, a), net_strerror(nif, rc), answered);
}

void selftest_net_suite(struct selftest_ctx *t)
{
	/* RFC 1071 §3's example, on this CPU and compiler. */
	static const uint8_t v[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	uint16_t c = csum_finish(csum_add(0, v, sizeof(v)));
	selftest_check(t, c == 0x220d, "net: Internet checksum of the RFC 1071 example",
		       "got 0x%04x, want 0x220d", c);
	bool online = dt_bootargs_has("net-online");
	for (unsigned i = 0; i < net_iface_count(); i++) {
		struct net_iface *nif = net_iface_get(i);
		case_device(t, nif);
		case_transmit(t, nif);
		if (online && i == 0)
			case_online(t, nif);
	}
}
