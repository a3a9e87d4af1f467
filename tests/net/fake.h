/*
 * The host test bed for the kernel's network stack (kernel/net/): a fake
 * netdev that records every frame the stack sends, a fake clock behind
 * kernel/timer.h whose waits give the test a turn (to answer like a
 * network would), and builders for the frames the tests feed in.
 */
#ifndef TESTS_NET_FAKE_H
#define TESTS_NET_FAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "harness/unit.h"
#include "kernel/net/iface.h"

#define FAKE_MAX_SENT 64
#define FAKE_FRAME_MAX 2048

extern const uint8_t fake_mac[6];  /* the interface's */
extern const uint8_t peer_mac[6];  /* the other end's */
#define FAKE_IP 0x0a00020fu        /* 10.0.2.15 */
#define PEER_IP 0x0a000202u        /* 10.0.2.2 */

struct fake_sent {
	uint8_t frame[FAKE_FRAME_MAX];
	uint32_t len;
	uint16_t queue;
	bool partial_csum;
	uint16_t csum_start, csum_offset;
};

struct fake {
	struct netdev dev;
	struct net_iface *nif;
	struct fake_sent sent[FAKE_MAX_SENT];
	unsigned nsent;
	bool hold;             /* keep frames "in flight": their buffers stay taken */
	int refuse;            /* transmit answers this error (0: accept) */
	/* the network's side: called at every wait, may feed frames in */
	void (*on_wait)(struct fake *f);
	unsigned waits;
};

/* The one interface (made once, reset for each case: no address, empty
 * ARP cache and counters, the given capabilities, link up). */
struct fake *fake_up(uint32_t caps);
/* Configure 10.0.2.15/24 via 10.0.2.2. */
void fake_address(struct fake *f);
/* Feed one frame in as the driver would (interrupt context). */
void fake_rx(struct fake *f, const uint8_t *frame, uint32_t len);
void fake_rx_csum(struct fake *f, const uint8_t *frame, uint32_t len, enum netdev_csum csum,
		  uint16_t start, uint16_t offset);
/* Give every held frame's buffer back. */
void fake_release(struct fake *f);
const struct fake_sent *fake_last(struct fake *f);

/* The fake clock (ns). */
extern uint64_t fake_now;

/* Frame builders; each returns the frame length.  Addresses in host order. */
uint32_t build_eth(uint8_t *p, const uint8_t dst[6], const uint8_t src[6], uint16_t type);
uint32_t build_ipv4(uint8_t *p, uint32_t src, uint32_t dst, uint8_t proto, uint32_t l4_len);
uint32_t build_udp(uint8_t *frame, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		   const void *data, uint32_t len);
uint32_t build_icmp_echo(uint8_t *frame, uint32_t src, uint32_t dst, uint8_t type, uint16_t id,
			 uint16_t seq, const void *data, uint32_t len);
uint32_t build_arp(uint8_t *frame, uint16_t oper, const uint8_t sha[6], uint32_t spa,
		   const uint8_t tha[6], uint32_t tpa, const uint8_t dst[6]);
/* Recompute the IP header checksum after a test changed the header. */
void fix_ip_csum(uint8_t *frame);

/* A drop counter of the interface. */
#define DROPS(f, why) ((f)->nif->drops[why])

#endif
