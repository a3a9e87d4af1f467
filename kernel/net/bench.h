/*
 * The network benchmark behind `net bench`: UDP datagrams to a peer as
 * fast as the device takes them, then datagrams from the peer counted as
 * they arrive.  The peer (tests/qemu/netpeer.py) speaks this protocol on
 * its UDP port P:
 *
 *   us -> P   "VDTX" seq ...         the transmit phase (the peer counts)
 *   us -> P   "VDTE" count           end of it: how many we sent
 *   us -> P   "VDRX" secs size port  start the receive phase: blast `size`-
 *                                    byte datagrams at our `port` for secs
 *   P -> us   "VDRB" seq ...         the blast
 *   P -> us   "VDRE" count           end of it: how many it sent
 *
 * Every wait is bounded; interrupts masked (not from an interrupt handler).
 */
#ifndef KERNEL_NET_BENCH_H
#define KERNEL_NET_BENCH_H

#include <stdint.h>

#include "kernel/net/iface.h"

#define NET_BENCH_MAGIC_LEN 4
#define NET_BENCH_MIN_SIZE 16u   /* payload bytes: the magic and a count */
#define NET_BENCH_MAX_SIZE 1472u /* the most that fits MTU 1500 */

struct net_bench_result {
	uint64_t tx_frames, tx_ns;  /* sent and completed, over this long */
	uint64_t rx_frames, rx_ns;  /* received, first to last */
	uint64_t peer_sent;         /* what the peer said it blasted (0: no word) */
	int error;                  /* 0, or why a phase stopped */
};

/* Run both phases against peer:port for `seconds` each with `size`-byte
 * payloads. */
void net_bench_run(struct net_iface *nif, uint32_t peer, uint16_t port, uint32_t seconds,
		   uint32_t size, struct net_bench_result *r);

#endif
