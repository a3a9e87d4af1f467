/*
 * The shell's network commands, over the stack (kernel/net/) only:
 *
 *   net info [IFACE]        address, link, MTU, the driver's view, counters
 *   net dhcp [IFACE]        obtain an address: "ip 10.0.2.15/24 ..."
 *   net promisc|allmulti IFACE on|off, net mcast IFACE [GROUP...]
 *   net bench IP PORT [SECONDS] [SIZE]   against tests/qemu/netpeer.py
 *   ping IP [COUNT]         one line per reply, then "N transmitted, M received"
 *   udp send IP PORT TEXT, udp echo PORT [SECONDS]
 *
 * Every command masks interrupts while it touches the stack; its waits
 * open the window (wait_for_interrupt_until) and are all bounded.
 */
#include "kernel/net/bench.h"
#include "kernel/net/dhcp.h"
#include "kernel/net/icmp.h"
#include "kernel/net/ipv4.h"
#include "kernel/net/udp.h"
#include "kernel/riscv.h"
#include "kernel/shell/shell_priv.h"
#include "kernel/timer.h"
#include "lib/kstring.h"
#include "lib/parse.h"
#include "lib/printf.h"

#define PING_DATA 56          /* bytes after the ICMP header, as ping(8) */
#define PING_WAIT_MS 1000
#define PING_GAP_MS 100       /* between one reply and the next request */
#define PING_MAX_COUNT 1000
#define PING_ID 0x5644        /* "VD" */
#define ECHO_MAX_SECONDS 3600
#define BENCH_MAX_SECONDS 60

/* ---- arguments --------------------------------------------------------- */

static bool no_net(const char *cmd)
{
	if (net_iface_count())
		return false;
	kprintf("%s: no network device (add -device virtio-net-device or virtio-net-pci)\n", cmd);
	return true;
}

static struct net_iface *iface_arg(const char *cmd, const struct shell_arg *arg)
{
	if (no_net(cmd))
		return NULL;
	if (!arg)
		return net_iface_get(0);
	struct net_iface *nif = net_iface_find(arg->s);
	if (!nif)
		kprintf("%s: no interface named '%s' (net0..%s exist; see 'net info')\n", cmd, arg->s,
			net_iface_get(net_iface_count() - 1)->dev->name);
	return nif;
}

static bool ip_arg(const char *cmd, const struct shell_arg *arg, uint32_t *ip)
{
	if (ipv4_parse(arg->s, ip))
		return true;
	kprintf("%s: '%s' is not an IPv4 address (like 10.0.2.2)\n", cmd, arg->s);
	return false;
}

static bool num_arg(const char *cmd, const char *what, const struct shell_arg *arg,
		    uint64_t min, uint64_t max, uint64_t *v)
{
	if (!parse_u64(arg->s, v)) {
		kprintf("%s: %s '%s' is not a number\n", cmd, what, arg->s);
		return false;
	}
	if (*v < min || *v > max) {
		kprintf("%s: %s must be %llu..%llu\n", cmd, what, (unsigned long long)min,
			(unsigned long long)max);
		return false;
	}
	return true;
}

static bool on_off_arg(const char *cmd, const struct shell_arg *arg, bool *on)
{
	*on = strcmp(arg->s, "on") == 0;
	if (*on || strcmp(arg->s, "off") == 0)
		return true;
	kprintf("%s: '%s' is neither on nor off\n", cmd, arg->s);
	return false;
}

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* "01:00:5e:00:00:01" */
static bool mac_arg(const char *cmd, const struct shell_arg *arg, uint8_t mac[ETH_ALEN])
{
	const char *s = arg->s;
	for (unsigned i = 0; i < ETH_ALEN; i++) {
		int hi = hex_digit(s[0]), lo = hi < 0 ? -1 : hex_digit(s[1]);
		if (lo < 0 || s[2] != (i + 1 < ETH_ALEN ? ':' : '\0')) {
			kprintf("%s: '%s' is not a MAC address (like 01:00:5e:00:00:01)\n", cmd, arg->s);
			return false;
		}
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 3;
	}
	return true;
}

/* The interface and the neighbour for dst: route, then ARP (bounded). */
static struct net_iface *reach(const char *cmd, uint32_t dst, uint8_t mac[ETH_ALEN])
{
	uint32_t hop;
	char a[16];
	struct net_iface *nif = net_route(dst, &hop);
	if (!nif) {
		kprintf("%s: no interface reaches %s (no address yet? try 'net dhcp')\n", cmd,
			ipv4_str(dst, a));
		return NULL;
	}
	int rc = arp_resolve(nif, hop, mac, 1000);
	if (rc) {
		kprintf("%s: %s: %s does not answer ARP (%s)\n", cmd, nif->dev->name, ipv4_str(hop, a),
			net_strerror(nif, rc));
		return NULL;
	}
	return nif;
}

static void print_us(uint64_t ns)
{
	uint64_t us = ns / 1000;
	kprintf("%llu.%03llu", (unsigned long long)(us / 1000), (unsigned long long)(us % 1000));
}

/* ---- net ---------------------------------------------------------------- */

static void print_counters(struct net_iface *nif)
{
	struct netdev *dev = nif->dev;
	struct netdev_counters c = { 0 };
	if (dev->ops->counters)
		dev->ops->counters(dev, &c);
	kprintf("  rx %llu frames (%llu bytes), tx %llu frames (%llu bytes)\n",
		(unsigned long long)c.rx_frames, (unsigned long long)c.rx_bytes,
		(unsigned long long)c.tx_frames, (unsigned long long)c.tx_bytes);
	kprintf("  drops: runt %llu, oversize %llu, bad-buffers %llu, tx-errors %llu",
		(unsigned long long)c.rx_runt, (unsigned long long)c.rx_oversize,
		(unsigned long long)c.rx_bad_buffers, (unsigned long long)c.tx_errors);
	for (unsigned i = 0; i < NET_DROP_COUNT; i++)
		kprintf("%s%s %llu", i % 6 == 0 ? "\n         " : ", ", net_drop_name(i),
			(unsigned long long)nif->drops[i]);
	kprintf("\n  arp: %llu requests and %llu replies sent, %llu learned, %llu announces\n",
		(unsigned long long)nif->arp.requests_sent, (unsigned long long)nif->arp.replies_sent,
		(unsigned long long)nif->arp.learned, (unsigned long long)nif->announces);
}

static void info_one(struct net_iface *nif)
{
	struct netdev *dev = nif->dev;
	const uint8_t *m = dev->mac;
	char a[16], g[16];
	kprintf("%s: %02x:%02x:%02x:%02x:%02x:%02x, link %s, mtu %u, %s\n", dev->name, m[0], m[1],
		m[2], m[3], m[4], m[5], dev->link_up ? "up" : "down", (unsigned)dev->mtu,
		dev->transport);
	if (nif->ip) {
		unsigned prefix = 0;
		for (uint32_t mk = nif->mask; mk & 0x80000000u; mk <<= 1)
			prefix++;
		kprintf("  ip %s/%u, gateway %s, lease %u s\n", ipv4_str(nif->ip, a), prefix,
			nif->gateway ? ipv4_str(nif->gateway, g) : "none", (unsigned)nif->lease_s);
	} else {
		kprintf("  no address (net dhcp %s)\n", dev->name);
	}
	if (dev->ops->info)
		dev->ops->info(dev);
	print_counters(nif);
}

static void net_info(int argc, const struct shell_arg *argv)
{
	struct net_iface *nif = iface_arg("net info", argc > 1 ? &argv[1] : NULL);
	if (!nif)
		return;
	unsigned long s = intr_save();
	if (argc > 1)
		info_one(nif);
	else
		for (unsigned i = 0; i < net_iface_count(); i++)
			info_one(net_iface_get(i));
	intr_restore(s);
}

static void net_dhcp(int argc, const struct shell_arg *argv)
{
	struct net_iface *nif = iface_arg("net dhcp", argc > 1 ? &argv[1] : NULL);
	if (!nif)
		return;
	struct dhcp_reply r;
	char a[16], g[16], sv[16];
	unsigned long s = intr_save();
	int rc = dhcp_run(nif, &r);
	intr_restore(s);
	if (rc) {
		kprintf("net dhcp: %s: %s\n", nif->dev->name, net_strerror(nif, rc));
		return;
	}
	unsigned prefix = 0;
	for (uint32_t mk = nif->mask; mk & 0x80000000u; mk <<= 1)
		prefix++;
	kprintf("ip %s/%u gateway %s lease %u s (%s, server %s)\n", ipv4_str(nif->ip, a), prefix,
		nif->gateway ? ipv4_str(nif->gateway, g) : "none", (unsigned)nif->lease_s,
		nif->dev->name, ipv4_str(r.server, sv));
}

static void rx_mode(int argc, const struct shell_arg *argv, bool promisc)
{
	const char *cmd = promisc ? "net promisc" : "net allmulti";
	struct net_iface *nif = iface_arg(cmd, &argv[1]);
	bool on;
	(void)argc;
	if (!nif || !on_off_arg(cmd, &argv[2], &on))
		return;
	if (!(nif->dev->caps & NETDEV_CAP_RX_MODE)) {
		kprintf("%s: %s cannot switch its receive mode (no control queue)\n", cmd,
			nif->dev->name);
		return;
	}
	unsigned long s = intr_save();
	int rc = net_set_rx_mode(nif, promisc ? on : nif->promisc, promisc ? nif->allmulti : on);
	intr_restore(s);
	if (rc)
		kprintf("%s: %s: %s\n", cmd, nif->dev->name, net_strerror(nif, rc));
	else
		kprintf("%s: %s %s\n", nif->dev->name, promisc ? "promiscuous" : "all-multicast",
			on ? "on" : "off");
}

static void net_promisc(int argc, const struct shell_arg *argv)
{
	rx_mode(argc, argv, true);
}

static void net_allmulti(int argc, const struct shell_arg *argv)
{
	rx_mode(argc, argv, false);
}

static void net_mcast(int argc, const struct shell_arg *argv)
{
	struct net_iface *nif = iface_arg("net mcast", &argv[1]);
	uint8_t groups[NET_MAX_MCAST][ETH_ALEN];
	unsigned n = 0;
	if (!nif)
		return;
	for (int i = 2; i < argc; i++) {
		if (!mac_arg("net mcast", &argv[i], groups[n]))
			return;
		if (!(groups[n][0] & 1)) {
			kprintf("net mcast: %s is not a group (multicast) address\n", argv[i].s);
			return;
		}
		n++;
	}
	if (!(nif->dev->caps & NETDEV_CAP_MAC_FILTER)) {
		kprintf("net mcast: %s has no MAC filter (no control queue)\n", nif->dev->name);
		return;
	}
	unsigned long s = intr_save();
	int rc = net_set_mcast(nif, groups, n);
	intr_restore(s);
	if (rc)
		kprintf("net mcast: %s: %s\n", nif->dev->name, net_strerror(nif, rc));
	else
		kprintf("%s: %u multicast group%s joined\n", nif->dev->name, n, n == 1 ? "" : "s");
}

static void print_rate(const char *what, uint64_t frames, uint64_t ns, uint32_t size)
{
	uint64_t pps = ns ? frames * 1000000000ull / ns : 0;
	uint64_t kbps = pps * size * 8 / 1000;
	kprintf("  %s %llu datagrams of %u bytes in ", what, (unsigned long long)frames,
		(unsigned)size);
	print_us(ns / 1000);
	kprintf(" s: %llu pps, %llu.%01llu Mbit/s", (unsigned long long)pps,
		(unsigned long long)(kbps / 1000), (unsigned long long)(kbps % 1000 / 100));
}

static void net_bench(int argc, const struct shell_arg *argv)
{
	uint32_t peer;
	uint64_t port, seconds = 2, size = 64;
	if (no_net("net bench") || !ip_arg("net bench", &argv[1], &peer) ||
	    !num_arg("net bench", "PORT", &argv[2], 1, 65535, &port) ||
	    (argc > 3 && !num_arg("net bench", "SECONDS", &argv[3], 1, BENCH_MAX_SECONDS, &seconds)) ||
	    (argc > 4 && !num_arg("net bench", "SIZE", &argv[4], NET_BENCH_MIN_SIZE,
				  NET_BENCH_MAX_SIZE, &size)))
		return;
	uint32_t hop;
	char a[16];
	struct net_iface *nif = net_route(peer, &hop);
	if (!nif) {
		kprintf("net bench: no interface reaches %s (try 'net dhcp')\n", ipv4_str(peer, a));
		return;
	}
	struct net_bench_result r;
	kprintf("net bench: %s to %s:%u, %u s each way, %u-byte UDP payloads\n", nif->dev->name,
		ipv4_str(peer, a), (unsigned)port, (unsigned)seconds, (unsigned)size);
	unsigned long s = intr_save();
	net_bench_run(nif, peer, (uint16_t)port, (uint32_t)seconds, (uint32_t)size, &r);
	intr_restore(s);
	print_rate("tx", r.tx_frames, r.tx_ns, (uint32_t)size);
	kprintf("\n");
	if (r.rx_frames || r.peer_sent) {
		print_rate("rx", r.rx_frames, r.rx_ns, (uint32_t)size);
		kprintf(" (the peer sent %llu)\n", (unsigned long long)r.peer_sent);
	}
	if (r.error)
		kprintf("net bench: stopped: %s\n", net_strerror(nif, r.error));
}

const struct shell_command shell_net_commands[] = {
	{ "info", "[IFACE]", "address, link, MTU, features, queues, counters", net_info, NULL },
	{ "dhcp", "[IFACE]", "obtain an address by DHCP (default net0)", net_dhcp, NULL },
	{ "promisc", "IFACE on|off", "receive every frame on the link, or only ours", net_promisc,
	  NULL },
	{ "allmulti", "IFACE on|off", "receive every multicast frame, or joined groups only",
	  net_allmulti, NULL },
	{ "mcast", "IFACE [GROUP] [GROUP] [GROUP] [GROUP]",
	  "\njoin multicast groups through the device's MAC filter (none: leave all)", net_mcast,
	  NULL },
	{ "bench", "IP PORT [SECONDS] [SIZE]", "UDP packet rates both ways against netpeer.py",
	  net_bench, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

/* ---- ping ----------------------------------------------------------------- */

void shell_cmd_ping(int argc, const struct shell_arg *argv)
{
	uint32_t dst;
	uint64_t count = 4;
	uint8_t mac[ETH_ALEN];
	char a[16];
	if (no_net("ping") || !ip_arg("ping", &argv[1], &dst) ||
	    (argc > 2 && !num_arg("ping", "COUNT", &argv[2], 1, PING_MAX_COUNT, &count)))
		return;
	unsigned long s = intr_save();
	struct net_iface *nif = reach("ping", dst, mac);
	unsigned received = 0, sent = 0;
	static struct icmp_ping p; /* the interrupt handler completes it */
	for (uint64_t seq = 1; nif && seq <= count; seq++) {
		p = (struct icmp_ping){ .dst = dst, .id = PING_ID, .seq = (uint16_t)seq };
		uint64_t t0 = time_ns();
		int rc = icmp_ping_send(nif, mac, &p, PING_DATA);
		if (rc) {
			kprintf("ping: %s\n", net_strerror(nif, rc));
			break;
		}
		sent++;
		uint64_t dl = deadline_in_ms(PING_WAIT_MS);
		while (!p.answered && !deadline_passed(dl))
			wait_for_interrupt_until(dl);
		icmp_ping_done(&p);
		if (p.answered) {
			received++;
			kprintf("%u bytes from %s: seq=%u time=", (unsigned)p.reply_len, ipv4_str(dst, a),
				(unsigned)seq);
			print_us(p.answered_ns - t0);
			kprintf(" ms\n");
		} else {
			kprintf("no reply from %s: seq=%u\n", ipv4_str(dst, a), (unsigned)seq);
		}
		if (seq < count)
			sleep_ms(PING_GAP_MS);
	}
	intr_restore(s);
	if (nif)
		kprintf("%u transmitted, %u received\n", sent, received);
}

/* ---- udp ------------------------------------------------------------------ */

static void udp_send_cmd(int argc, const struct shell_arg *argv)
{
	uint32_t dst;
	uint64_t port;
	uint8_t mac[ETH_ALEN];
	char a[16];
	(void)argc;
	if (no_net("udp send") || !ip_arg("udp send", &argv[1], &dst) ||
	    !num_arg("udp send", "PORT", &argv[2], 1, 65535, &port))
		return;
	uint32_t len = (uint32_t)strlen(argv[3].s);
	unsigned long s = intr_save();
	struct net_iface *nif = reach("udp send", dst, mac);
	int rc = nif ? udp_send(nif, mac, dst, UDP_EPHEMERAL, (uint16_t)port, argv[3].s, len, 0) : 0;
	intr_restore(s);
	if (!nif)
		return;
	if (rc)
		kprintf("udp send: %s\n", net_strerror(nif, rc));
	else
		kprintf("sent %u bytes to %s:%u from port %u\n", (unsigned)len, ipv4_str(dst, a),
			(unsigned)port, UDP_EPHEMERAL);
}

struct echo_count {
	uint64_t datagrams, bytes, failed;
};

static void echo_back(struct net_rx *rx, uint16_t sport, uint16_t dport, const uint8_t *data,
		      uint32_t len, void *ctx)
{
	struct echo_count *c = ctx;
	if (udp_reply(rx, dport, sport, data, len) == 0) {
		c->datagrams++;
		c->bytes += len;
	} else {
		c->failed++;
	}
}

static void udp_echo(int argc, const struct shell_arg *argv)
{
	uint64_t port, seconds = 10;
	if (no_net("udp echo") || !num_arg("udp echo", "PORT", &argv[1], 1, 65535, &port) ||
	    (argc > 2 && !num_arg("udp echo", "SECONDS", &argv[2], 1, ECHO_MAX_SECONDS, &seconds)))
		return;
	static struct echo_count c; /* the interrupt handler counts into it */
	c = (struct echo_count){ 0 };
	unsigned long s = intr_save();
	if (udp_bind((uint16_t)port, echo_back, &c) != 0) {
		intr_restore(s);
		kprintf("udp echo: port %u is in use\n", (unsigned)port);
		return;
	}
	kprintf("udp echo: port %u for %u s\n", (unsigned)port, (unsigned)seconds);
	uint64_t end = deadline_in_ms((uint32_t)seconds * 1000u);
	while (!deadline_passed(end))
		wait_for_interrupt_until(end);
	udp_unbind((uint16_t)port);
	intr_restore(s);
	kprintf("echoed %llu datagrams (%llu bytes)%s\n", (unsigned long long)c.datagrams,
		(unsigned long long)c.bytes, c.failed ? ", some could not be sent" : "");
}

const struct shell_command shell_udp_commands[] = {
	{ "send", "IP PORT TEXT", "send TEXT in one datagram", udp_send_cmd, NULL },
	{ "echo", "PORT [SECONDS]", "send every datagram to PORT back (default 10 s)", udp_echo,
	  NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};
