/*
 * The test bed (see fake.h): the kernel services the stack calls
 * (kernel/timer.h, kernel/dma.h) done on the host, and the fake device.
 */
#include <stdlib.h>
#include <string.h>

#include "fake.h"
#include "kernel/dma.h"
#include "kernel/net/checksum.h"
#include "kernel/timer.h"

const uint8_t fake_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
const uint8_t peer_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };

/* ---- kernel services on the host ------------------------------------------ */

uint64_t fake_now = 1000000000ull;
static struct fake the_fake;

uint64_t time_ns(void)
{
	return fake_now;
}

uint64_t deadline_in_ms(uint32_t ms)
{
	return fake_now + (uint64_t)ms * 1000000u;
}

uint64_t deadline_in_us(uint32_t us)
{
	return fake_now + (uint64_t)us * 1000u;
}

bool deadline_passed(uint64_t deadline)
{
	return fake_now >= deadline;
}

/* The network's turn: if it answered, a little time passed; otherwise
 * nothing happens until the deadline. */
void wait_for_interrupt_until(uint64_t deadline)
{
	struct fake *f = &the_fake;
	f->waits++;
	if (f->waits > 100000)
		FAIL("the stack waits forever");
	uint64_t rx_before = f->nif ? f->nif->rx_frames : 0;
	if (f->on_wait)
		f->on_wait(f);
	bool answered = f->nif && f->nif->rx_frames != rx_before;
	if (answered && fake_now + 1000 < deadline)
		fake_now += 1000;
	else if (deadline > fake_now)
		fake_now = deadline;
}

void sleep_ms(uint32_t ms)
{
	fake_now += (uint64_t)ms * 1000000u;
}

void *dma_alloc(size_t bytes)
{
	void *p = NULL;
	if (bytes == 0 || posix_memalign(&p, DMA_PAGE, bytes) != 0)
		return NULL;
	memset(p, 0, bytes);
	return p;
}

/* ---- the fake device --------------------------------------------------------- */

static struct netdev_tx *held[NETBUF_COUNT];
static unsigned nheld;

static int fake_transmit(struct netdev *dev, uint16_t queue, struct netdev_tx *tx)
{
	struct fake *f = dev->driver;
	if (f->refuse)
		return f->refuse;
	struct fake_sent *s = &f->sent[f->nsent++ % FAKE_MAX_SENT];
	if (tx->len > FAKE_FRAME_MAX)
		FAIL("a %u-byte frame", tx->len);
	memcpy(s->frame, tx->data, tx->len);
	s->len = tx->len;
	s->queue = queue;
	s->partial_csum = tx->partial_csum;
	s->csum_start = tx->csum_start;
	s->csum_offset = tx->csum_offset;
	if (f->hold)
		held[nheld++] = tx;
	else
		tx->done(tx, 0);
	return 0;
}

static void fake_poll(struct netdev *dev)
{
	(void)dev;
}

static const struct netdev_ops fake_ops = {
	.transmit = fake_transmit,
	.poll = fake_poll,
};

void fake_release(struct fake *f)
{
	(void)f;
	while (nheld) {
		struct netdev_tx *tx = held[--nheld];
		tx->done(tx, 0);
	}
}

struct fake *fake_up(uint32_t caps)
{
	struct fake *f = &the_fake;
	fake_release(f);
	if (!f->nif) {
		f->dev = (struct netdev){ .mtu = 1500, .queues = 1, .ops = &fake_ops, .driver = f };
		memcpy(f->dev.mac, fake_mac, 6);
		if (netdev_register(&f->dev) != 0 || !(f->nif = net_attach(&f->dev)))
			FAIL("cannot attach the stack to the fake device");
	}
	struct net_iface *nif = f->nif;
	*nif = (struct net_iface){ .dev = &f->dev };
	f->dev.caps = caps;
	f->dev.link_up = true;
	f->nsent = 0;
	f->hold = false;
	f->refuse = 0;
	f->on_wait = NULL;
	f->waits = 0;
	if (netbuf_available() != NETBUF_COUNT)
		FAIL("%u transmit buffers leaked by the last case", NETBUF_COUNT - netbuf_available());
	return f;
}

void fake_address(struct fake *f)
{
	f->nif->ip = FAKE_IP;
	f->nif->mask = 0xffffff00u;
	f->nif->gateway = PEER_IP;
}

void fake_rx_csum(struct fake *f, const uint8_t *frame, uint32_t len, enum netdev_csum csum,
		  uint16_t start, uint16_t offset)
{
	struct netdev_rx r = { .data = frame, .len = len, .csum = csum, .csum_start = start,
			       .csum_offset = offset };
	f->dev.rx(&f->dev, &r);
}

void fake_rx(struct fake *f, const uint8_t *frame, uint32_t len)
{
	fake_rx_csum(f, frame, len, NETDEV_CSUM_NONE, 0, 0);
}

const struct fake_sent *fake_last(struct fake *f)
{
	if (f->nsent == 0)
		FAIL("nothing was sent");
	return &f->sent[(f->nsent - 1) % FAKE_MAX_SENT];
}

/* ---- frames -------------------------------------------------------------------- */

uint32_t build_eth(uint8_t *p, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memcpy(p + ETH_DST, dst, 6);
	memcpy(p + ETH_SRC, src, 6);
	put_be16(p + ETH_TYPE, type);
	return ETH_HLEN;
}

uint32_t build_ipv4(uint8_t *p, uint32_t src, uint32_t dst, uint8_t proto, uint32_t l4_len)
{
	memset(p, 0, IP_HLEN);
	p[IP_VER_IHL] = 0x45;
	put_be16(p + IP_TOTAL_LEN, (uint16_t)(IP_HLEN + l4_len));
	put_be16(p + IP_FRAG, IP_FLAG_DF);
	p[IP_TTL] = 64;
	p[IP_PROTO] = proto;
	put_be32(p + IP_SRC, src);
	put_be32(p + IP_DST, dst);
	put_be16(p + IP_CSUM, csum_finish(csum_add(0, p, IP_HLEN)));
	return IP_HLEN;
}

void fix_ip_csum(uint8_t *frame)
{
	uint8_t *ip = frame + ETH_HLEN;
	uint32_t hlen = (ip[IP_VER_IHL] & 15u) * 4u;
	put_be16(ip + IP_CSUM, 0);
	put_be16(ip + IP_CSUM, csum_finish(csum_add(0, ip, hlen)));
}

uint32_t build_udp(uint8_t *frame, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		   const void *data, uint32_t len)
{
	build_eth(frame, fake_mac, peer_mac, ETH_P_IPV4);
	build_ipv4(frame + ETH_HLEN, src, dst, IP_PROTO_UDP, UDP_HLEN + len);
	uint8_t *u = frame + NET_L4_OFF;
	put_be16(u + UDP_SPORT, sport);
	put_be16(u + UDP_DPORT, dport);
	put_be16(u + UDP_LEN, (uint16_t)(UDP_HLEN + len));
	put_be16(u + UDP_CSUM, 0);
	memcpy(u + UDP_HLEN, data, len);
	uint32_t sum = csum_pseudo(src, dst, IP_PROTO_UDP, (uint16_t)(UDP_HLEN + len));
	uint16_t c = csum_finish(csum_add(sum, u, UDP_HLEN + len));
	put_be16(u + UDP_CSUM, c ? c : 0xffff);
	return NET_L4_OFF + UDP_HLEN + len;
}

uint32_t build_icmp_echo(uint8_t *frame, uint32_t src, uint32_t dst, uint8_t type, uint16_t id,
			 uint16_t seq, const void *data, uint32_t len)
{
	build_eth(frame, fake_mac, peer_mac, ETH_P_IPV4);
	build_ipv4(frame + ETH_HLEN, src, dst, IP_PROTO_ICMP, ICMP_HLEN + len);
	uint8_t *m = frame + NET_L4_OFF;
	m[ICMP_TYPE] = type;
	m[ICMP_CODE] = 0;
	put_be16(m + ICMP_CSUM, 0);
	put_be16(m + ICMP_ID, id);
	put_be16(m + ICMP_SEQ, seq);
	memcpy(m + ICMP_HLEN, data, len);
	put_be16(m + ICMP_CSUM, csum_finish(csum_add(0, m, ICMP_HLEN + len)));
	return NET_L4_OFF + ICMP_HLEN + len;
}

uint32_t build_arp(uint8_t *frame, uint16_t oper, const uint8_t sha[6], uint32_t spa,
		   const uint8_t tha[6], uint32_t tpa, const uint8_t dst[6])
{
	build_eth(frame, dst, sha, ETH_P_ARP);
	uint8_t *a = frame + ETH_HLEN;
	put_be16(a + ARP_HTYPE, 1);
	put_be16(a + ARP_PTYPE, ETH_P_IPV4);
	a[ARP_HLEN] = 6;
	a[ARP_PLEN] = 4;
	put_be16(a + ARP_OPER, oper);
	memcpy(a + ARP_SHA, sha, 6);
	put_be32(a + ARP_SPA, spa);
	memcpy(a + ARP_THA, tha, 6);
	put_be32(a + ARP_TPA, tpa);
	return ETH_HLEN + ARP_LEN;
}
