/*
 * A simulated virtio-net device (§5.1) for the host tests: receive queues
 * whose buffers wait for frames the test injects (whole, merged over
 * several buffers, or with the header lying about them), transmit queues
 * that record every frame, a control queue that keeps the receive mode,
 * filter tables, pair count and announce state, and link changes.
 *
 * The constants are written here from the spec again, not taken from the
 * driver: a wrong number in one of them must not hide in both.
 */
#ifndef SIM_NET_H
#define SIM_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim_device.h"

/* Feature bits and header flags (§5.1.3, §5.1.6). */
#define SIM_NET_F_CSUM           0
#define SIM_NET_F_GUEST_CSUM     1
#define SIM_NET_F_MTU            3
#define SIM_NET_F_MAC            5
#define SIM_NET_F_MRG_RXBUF      15
#define SIM_NET_F_STATUS         16
#define SIM_NET_F_CTRL_VQ        17
#define SIM_NET_F_CTRL_RX        18
#define SIM_NET_F_GUEST_ANNOUNCE 21
#define SIM_NET_F_MQ             22
#define SIM_NET_F_CTRL_MAC_ADDR  23
#define SIM_F_ANY_LAYOUT         27
#define SIM_NET_HDR_NEEDS_CSUM   1u
#define SIM_NET_HDR_DATA_VALID   2u

#define SIM_NET_FRAME_MAX 10000u
#define SIM_NET_MAX_SENT  64     /* transmitted frames kept (a ring) */

struct sim_net_opts {
	uint32_t version;       /* 2 (default when 0) or 1 */
	uint64_t extra, remove; /* adjust the default offer */
	uint16_t qmax;          /* default 256 */
	uint16_t max_pairs;     /* > 1: MQ offered (3 at most: 8 queues) */
	uint16_t mtu;           /* non-zero: MTU offered */
	uint16_t status;        /* initial status (default LINK_UP) */
	bool no_ctrl;           /* no control queue offered */
};

/* A frame the device took from a transmit queue. */
struct sim_net_sent {
	uint16_t queue;
	uint8_t hdr[12];
	uint32_t hdr_len;       /* header bytes the device stripped */
	uint8_t frame[SIM_NET_FRAME_MAX];
	uint32_t len;
	uint32_t nseg;          /* descriptors of the chain */
	bool hdr_alone;         /* the header filled its first descriptor exactly */
};

struct sim_net {
	uint8_t mac[6];
	uint16_t status, max_pairs;
	/* the receive state a real device keeps */
	bool promisc, allmulti;
	uint16_t pairs;
	uint32_t n_uni, n_multi;
	uint8_t uni[16][6], multi[16][6];
	uint8_t mac_set[6];     /* last MAC_ADDR_SET */
	/* control queue */
	unsigned ctrl_cmds, ctrl_errors, announce_acks, mac_table_sets, mac_addr_sets;
	uint8_t last_class, last_cmd;
	unsigned ctrl_fail_next; /* answer the next N commands with ERR */
	bool ctrl_silent;        /* never answer */
	bool ctrl_framing_ok;    /* every command came as the legacy framing */
	/* transmit record */
	struct sim_net_sent sent[SIM_NET_MAX_SENT];
	unsigned nsent;          /* total; sent[i % SIM_NET_MAX_SENT] */
	/* receive in progress (what the back end writes into each buffer) */
	const uint8_t *rx_src;
	uint32_t rx_plan[64];
	unsigned rx_nplan, rx_next;
	uint8_t rx_hdr[12];
	uint32_t rx_hdr_len;
	uint32_t rx_src_off;
	unsigned rx_frames;      /* frames delivered */
	unsigned rx_dropped;     /* frames that found no buffer */
};

/* How sim_net_rx delivers one frame. */
struct sim_net_rx_opts {
	uint8_t flags;           /* SIM_NET_HDR_* */
	uint16_t csum_start, csum_offset;
	int num_buffers;         /* 0: the true count; else written as given */
	unsigned complete;       /* 0: every buffer the frame needs; else this many */
	uint32_t first_len;      /* non-zero: the first buffer's used length, as given */
	uint32_t buf_fill;       /* non-zero: fill at most this many bytes per buffer */
};

struct sim_dev *sim_net_new(const struct sim_net_opts *o);
static inline struct sim_net *sim_net_of(struct sim_dev *d)
{
	return (struct sim_net *)d->ctx;
}
/* Receive queue of `pair` and the control queue, as the driver negotiated. */
unsigned sim_net_rxq(unsigned pair);
unsigned sim_net_ctrlq(struct sim_dev *d);
/* Header bytes in front of every frame, as negotiated. */
uint32_t sim_net_hdr_len(struct sim_dev *d);

/* Deliver a frame on pair's receive queue (the device looks at the ring
 * without being notified, as a real one does).  Buffers used; 0 when the
 * frame did not fit what was posted (dropped, as QEMU does). */
unsigned sim_net_rx(struct sim_dev *d, unsigned pair, const void *frame, uint32_t len,
		    const struct sim_net_rx_opts *o);
/* Receive buffers the device holds on pair's queue. */
unsigned sim_net_rx_posted(struct sim_dev *d, unsigned pair);
/* Change the link (and raise the config interrupt when notify). */
void sim_net_set_link(struct sim_dev *d, bool up, bool notify);
/* Ask for an announce: STATUS.ANNOUNCE and a config interrupt. */
void sim_net_request_announce(struct sim_dev *d);
/* The i-th frame transmitted (0 = first kept). */
const struct sim_net_sent *sim_net_sent(struct sim_dev *d, unsigned i);

#endif
