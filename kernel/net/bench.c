/*
 * The network benchmark (see bench.h).
 */
#include "kernel/net/bench.h"

#include "kernel/net/arp.h"
#include "kernel/net/udp.h"
#include "kernel/timer.h"
#include "lib/kstring.h"

#define BENCH_SPORT 40000u   /* our side of both phases */
#define WORD_WAIT_MS 2000u   /* for the peer's closing word */
#define WORD_GAP_MS 200u     /* between our closing words */

struct rx_count {
	volatile uint64_t frames;
	uint64_t first_ns, last_ns;
	volatile uint64_t peer_sent;
	volatile bool ended;
};

static void on_blast(struct net_rx *rx, uint16_t sport, uint16_t dport, const uint8_t *data,
		     uint32_t len, void *ctx)
{
	struct rx_count *c = ctx;
	(void)rx;
	(void)sport;
	(void)dport;
	if (len >= 8 && memcmp(data, "VDRB", 4) == 0) {
		uint64_t now = time_ns();
		if (c->frames++ == 0)
			c->first_ns = now;
		c->last_ns = now;
	} else if (len >= 8 && memcmp(data, "VDRE", 4) == 0) {
		c->peer_sent = get_be32(data + 4);
		c->ended = true;
	}
}

/* Send one datagram, waiting (bounded) while every buffer or the device
 * queue is full.  0 or the error that is not "full". */
static int send_waiting(struct net_iface *nif, const uint8_t mac[ETH_ALEN], uint32_t peer,
			uint16_t port, const uint8_t *p, uint32_t len, uint16_t queue,
			uint64_t give_up)
{
	for (;;) {
		int rc = udp_send(nif, mac, peer, BENCH_SPORT, port, p, len, queue);
		if (rc != NET_ENOBUF && rc != NETDEV_EBUSY)
			return rc;
		if (deadline_passed(give_up))
			return NET_ETIMEDOUT;
		/* Completions free buffers: let the interrupt in. */
		wait_for_interrupt_until(deadline_in_us(100));
	}
}

static void tx_phase(struct net_iface *nif, const uint8_t mac[ETH_ALEN], uint32_t peer,
		     uint16_t port, uint32_t seconds, uint8_t *p, uint32_t size,
		     struct net_bench_result *r)
{
	uint64_t start = time_ns(), end = deadline_in_ms(seconds * 1000u);
	uint32_t seq = 0;
	memcpy(p, "VDTX", 4);
	while (!deadline_passed(end)) {
		put_be32(p + 4, seq);
		uint16_t queues = nif->dev->queues ? nif->dev->queues : 1;
		int rc = send_waiting(nif, mac, peer, port, p, size, (uint16_t)(seq % queues), end);
		if (rc == NET_ETIMEDOUT)
			break; /* the phase ended while the queue was full */
		if (rc) {
			r->error = rc;
			break;
		}
		seq++;
	}
	/* Until the device has sent all of them (bounded). */
	uint64_t drain = deadline_in_ms(1000);
	while (netbuf_available() < NETBUF_COUNT && !deadline_passed(drain))
		wait_for_interrupt_until(drain);
	r->tx_frames = seq;
	r->tx_ns = time_ns() - start;
	/* Three times, spaced out: the peer may still be drowning in the
	 * phase's last datagrams, its socket buffer full, and words sent back
	 * to back would all be dropped together. */
	memcpy(p, "VDTE", 4);
	put_be32(p + 4, seq);
	for (int i = 0; i < 3; i++) {
		if (i)
			sleep_ms(WORD_GAP_MS);
		(void)send_waiting(nif, mac, peer, port, p, 8, 0, deadline_in_ms(WORD_WAIT_MS));
	}
}

static void rx_phase(struct net_iface *nif, const uint8_t mac[ETH_ALEN], uint32_t peer,
		     uint16_t port, uint32_t seconds, uint8_t *p, uint32_t size,
		     struct net_bench_result *r)
{
	static struct rx_count c; /* the handler writes it: static storage */
	c = (struct rx_count){ 0 };
	if (udp_bind(BENCH_SPORT, on_blast, &c) != 0) {
		r->error = NET_EINVAL;
		return;
	}
	memcpy(p, "VDRX", 4);
	put_be32(p + 4, seconds);
	put_be32(p + 8, size);
	put_be32(p + 12, BENCH_SPORT);
	/* Ask again each second until the blast starts (the ask may be lost). */
	uint64_t end = deadline_in_ms((seconds + 3) * 1000u);
	while (c.frames == 0 && !c.ended && !deadline_passed(end)) {
		(void)send_waiting(nif, mac, peer, port, p, 16, 0, end);
		uint64_t dl = deadline_in_ms(1000);
		while (c.frames == 0 && !c.ended && !deadline_passed(dl))
			wait_for_interrupt_until(dl);
	}
	while (!c.ended && !deadline_passed(end))
		wait_for_interrupt_until(end);
	udp_unbind(BENCH_SPORT);
	r->rx_frames = c.frames;
	r->rx_ns = c.frames > 1 ? c.last_ns - c.first_ns : 0;
	r->peer_sent = c.peer_sent;
	if (!c.ended && r->error == 0)
		r->error = NET_ETIMEDOUT;
}

void net_bench_run(struct net_iface *nif, uint32_t peer, uint16_t port, uint32_t seconds,
		   uint32_t size, struct net_bench_result *r)
{
	static uint8_t payload[NET_BENCH_MAX_SIZE];
	uint8_t mac[ETH_ALEN];
	uint32_t hop = peer;
	*r = (struct net_bench_result){ 0 };
	if (size < NET_BENCH_MIN_SIZE || size > NET_BENCH_MAX_SIZE) {
		r->error = NET_EINVAL;
		return;
	}
	if (((peer ^ nif->ip) & nif->mask) != 0)
		hop = nif->gateway;
	r->error = arp_resolve(nif, hop, mac, 1000);
	if (r->error)
		return;
	for (uint32_t i = 0; i < size; i++)
		payload[i] = (uint8_t)i;
	tx_phase(nif, mac, peer, port, seconds, payload, size, r);
	if (r->error == 0)
		rx_phase(nif, mac, peer, port, seconds, payload, size, r);
}
