/*
 * Test harness for the net driver: a simulated virtio-net device brought
 * up through net.h, with the frames the driver delivers recorded.
 */
#ifndef HARNESS_TNET_H
#define HARNESS_TNET_H

#include "harness/bringup.h"
#include "sim/devices/sim_net.h"
#include "virtio/net.h"

struct tnet {
	struct sim_dev *sim;
	struct sim_net *sn;
	struct virtio_mmio mmio;
	struct vnet n;
	struct vnet_pair pairs[VNET_MAX_PAIRS];
	struct vnet_ctrl ctrl;
	void *mem[VNET_MAX_PAIRS + 1];
	/* what n.rx saw */
	unsigned nrx;
	uint8_t last[SIM_NET_FRAME_MAX];
	uint32_t last_len;
	uint16_t last_pair, last_nseg;
	enum vnet_rx_csum last_csum;
	uint16_t last_csum_start, last_csum_offset;
	unsigned config_calls, announce_calls;
	unsigned acks_at_announce;   /* the device's ANNOUNCE_ACK count when n.announce ran */
};

/* Probe only; returns vnet_probe's code. */
int tnet_probe(struct tnet *t, const struct sim_net_opts *o, uint64_t mask);
/* Probe, attach npairs pairs (queues of qsize, receive buffers of buf_len,
 * 0: the minimum) and the control queue when negotiated, start. */
void tnet_up(struct tnet *t, const struct sim_net_opts *o, uint64_t mask, uint16_t qsize,
	     uint32_t buf_len, unsigned npairs);

/* A test frame of len bytes: broadcast destination, the device's source,
 * EtherType 0x88b5 (local experimental), then a pattern from seed. */
void tnet_frame(uint8_t *buf, uint32_t len, uint32_t seed);
/* The same in fresh DMA-registered memory (after tnet_up: a probe starts
 * a fresh simulator, which forgets earlier memory). */
uint8_t *tnet_frame_new(uint32_t len, uint32_t seed);

/* A transmit request over caller buffers, counting its completions. */
struct ttx {
	struct vnet_tx tx;
	struct virtq_sg sg[VNET_MAX_TX_FRAGS];
	int status;
	unsigned done_calls;
};
/* frame split into nfrag buffers of about equal size. */
void ttx_init(struct ttx *r, uint8_t *frame, uint32_t len, unsigned nfrag);

/* Traffic both ways on `pair`: rx_frame in (it must arrive whole), tx_frame
 * (DMA-registered) out (it must complete). */
void tnet_both_ways(struct tnet *t, uint16_t pair, const uint8_t *rx_frame, uint8_t *tx_frame,
		    uint32_t len);

#endif
