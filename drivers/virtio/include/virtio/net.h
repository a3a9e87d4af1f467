/*
 * virtio-net (§5.1): Ethernet frames over receive/transmit queue pairs,
 * with the optional control queue, checksum offload both ways, merged
 * receive buffers and several queue pairs.
 *
 * Bring-up, in this order:
 *   vnet_probe()                     negotiate, read MAC, MTU, link, pairs
 *   vnet_pair_mem_bytes() / vnet_attach_pair()   once per queue pair
 *   vnet_ctrl_mem_bytes() / vnet_attach_ctrl()   when info.ctrl_vq
 *   vnet_start()                     post receive buffers, DRIVER_OK, and
 *                                    with MQ ask for the attached pairs
 *
 * Receive: the driver keeps every receive queue stocked with buffers in the
 * caller's memory and hands each frame to n->rx (one call per frame, also
 * for a frame merged from several buffers).  The frame's bytes are valid
 * during the call only; the buffers go back to the device right after.
 * Frames too short, too long, or claiming buffers that were never posted
 * are dropped and counted in n->stats, never copied.
 *
 * Transmit: a struct vnet_tx names the frame's bytes (scatter-gather, no
 * copy: the driver puts its own header in front) and a done() callback
 * that runs exactly once, from vnet_interrupt / vnet_poll (or from a
 * later vnet_transmit that reclaims completions).  The frame's buffers
 * belong to the device until then.
 *
 * Over the device core (driver.h): the interrupt and poll paths drain
 * every queue; a device that needs a reset or broke a rule is only noted
 * there, and vnet_service() from the caller's main loop recovers it (the
 * core's checked reset hands every transmit back through done(), then
 * the same queues in the same memory) and tells the device again what it
 * forgot (pairs, receive filter).
 *
 * Context: vnet_interrupt / vnet_poll / vnet_transmit must not run at the
 * same time (mask the device's interrupt around the others).  The control
 * commands and vnet_service wait (bounded) for the device and must not be
 * called from the interrupt handler.
 */
#ifndef VIRTIO_NET_H
#define VIRTIO_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "driver.h"
#include "virtq.h"
#include "wire/net.h"

#ifndef VNET_MAX_PAIRS
#define VNET_MAX_PAIRS 4 /* queue pairs one device may drive */
#endif
#define VNET_MAX_TX_FRAGS 8   /* buffers of one transmitted frame */
#define VNET_MAX_RX_SEGS 16   /* receive buffers one accepted frame may span */
#define VNET_MAX_FILTER 16    /* addresses per MAC filter table */
#define VNET_ETH_ALEN 6
#define VNET_ETH_HLEN 14      /* destination, source, EtherType */
#define VNET_ETH_VLAN_EXTRA 4 /* one 802.1Q tag may ride on a full frame */
#define VNET_DEFAULT_MTU 1500
#ifndef VNET_CTRL_TIMEOUT_NS
#define VNET_CTRL_TIMEOUT_NS 1000000000ull /* a control command's deadline */
#endif

/* Checksum state of a received frame. */
enum vnet_rx_csum {
	VNET_RX_CSUM_NONE,    /* nothing known: verify every checksum */
	VNET_RX_CSUM_VALID,   /* DATA_VALID: the device verified it */
	VNET_RX_CSUM_PARTIAL, /* NEEDS_CSUM: validated but left incomplete at
			       * csum_start + csum_offset (§5.1.6.4) */
};

/* One received frame, starting at the Ethernet header. */
struct vnet_rx_frame {
	uint16_t pair;  /* the receive queue it arrived on */
	uint16_t nseg;  /* 1, or more with MRG_RXBUF */
	uint32_t len;   /* total bytes */
	struct {
		const uint8_t *data;
		uint32_t len;
	} seg[VNET_MAX_RX_SEGS];
	enum vnet_rx_csum csum; /* NONE unless GUEST_CSUM was negotiated */
	uint16_t csum_start, csum_offset; /* PARTIAL: checked to lie in the frame */
};

/* One frame to transmit; the caller's until done() runs. */
struct vnet_tx {
	const struct virtq_sg *frag; /* the frame, Ethernet header first */
	uint16_t nfrag;              /* 1..VNET_MAX_TX_FRAGS */
	/* Checksum offload (only with info.tx_csum): the device completes the
	 * ones' complement sum over [csum_start, end) into the 16 bits at
	 * csum_start + csum_offset, which hold the pseudo-header sum. */
	bool partial_csum;
	uint16_t csum_start, csum_offset;
	void (*done)(struct vnet_tx *tx, int status); /* 0 or VIRTIO_E* */
	void *ctx;
	/* Set by the driver. */
	uint16_t pair, slot;
	uint32_t len; /* frame bytes */
};

struct vnet_info {
	uint8_t mac[VNET_ETH_ALEN];
	bool mac_from_device;  /* MAC negotiated; else a random local address */
	uint16_t mtu;          /* negotiated MTU, else VNET_DEFAULT_MTU */
	bool mtu_from_device;
	uint16_t max_pairs;    /* the device's max_virtqueue_pairs (1 without MQ) */
	uint16_t hdr_len;      /* 12, or 10 on a legacy device without MRG_RXBUF */
	bool mrg_rxbuf, tx_csum, rx_csum, ctrl_vq, ctrl_rx, ctrl_mac_addr, announce, mq;
	bool any_layout;       /* modern, or ANY_LAYOUT: the header may share a buffer */
};

/* Frames and drops; the drop counters each name one reason. */
struct vnet_stats {
	uint64_t rx_frames, rx_bytes, tx_frames, tx_bytes;
	uint64_t rx_runt;        /* shorter than the header plus an Ethernet header */
	uint64_t rx_oversize;    /* longer than the MTU allows (or than VNET_MAX_RX_SEGS) */
	uint64_t rx_bad_buffers; /* num_buffers 0, more than were posted, or missing */
	uint64_t tx_errors;      /* frames completed with an error (device reset) */
	uint64_t config_changes, link_changes, announces, resets;
};

/* Driver-private header slot of one in-flight transmit. */
#define VNET_TX_HDR_STRIDE 16u

struct vnet;

struct vnet_rxq {
	struct virtq vq;
	struct vnet *n;
	uint16_t pair;
	uint8_t *bufs;      /* nbufs * buf_len, in the pair's memory */
	uint32_t buf_len;
	uint16_t nbufs;     /* buffers posted at once (ring size / descriptors each) */
	uint64_t frames;
};

struct vnet_txq {
	struct virtq vq;
	struct vnet *n;
	uint8_t *hdrs;      /* [size] * VNET_TX_HDR_STRIDE */
	uint16_t *free;     /* stack of free header slots */
	uint16_t nfree;
	uint64_t frames;
};

struct vnet_pair {
	struct vnet_rxq rx;
	struct vnet_txq tx;
	uint16_t rx_size, tx_size;
	void *mem;          /* the caller's block, kept for re-initialisation */
	size_t mem_len;
};

/* The control queue and its one command buffer. */
struct vnet_ctrl {
	struct virtq vq;
	uint8_t *dma;       /* command area inside mem */
	volatile bool answered; /* the command came back (done()) */
	int status;         /* ... with this: 0, or the abort's error */
	uint64_t commands, failures;
};

struct vnet {
	struct virtio_device *vdev;
	struct vnet_info info;
	struct vnet_stats stats;
	struct vnet_pair *pairs[VNET_MAX_PAIRS]; /* NULL: not attached */
	uint16_t npairs;         /* attached (0..npairs-1) */
	uint16_t active_pairs;   /* the device may use these (VQ_PAIRS_SET) */
	struct vnet_ctrl *ctrl;  /* NULL without CTRL_VQ */
	bool started;
	bool link_up;
	bool announce_pending;   /* the device asked for an announce: vnet_service() */
	/* The receive filter as last set, restored by vnet_reinit(). */
	bool promisc, allmulti;
	bool promisc_set, allmulti_set, filter_set; /* ever set: replay after a reset */
	uint8_t filter_uni[VNET_MAX_FILTER * VNET_ETH_ALEN], filter_multi[VNET_MAX_FILTER * VNET_ETH_ALEN];
	uint16_t filter_nuni, filter_nmulti;

	/* Set by the caller before vnet_start(); any may be NULL. */
	void (*rx)(struct vnet *n, const struct vnet_rx_frame *f);
	void (*config_changed)(struct vnet *n); /* link or announce request; interrupt context */
	void (*announce)(struct vnet *n);       /* send gratuitous packets (from vnet_service) */
	void *ctx;
};

/* Negotiate and read the configuration; `mask` as in virtio_device_begin().
 * Without MAC the address is random and locally administered. */
int vnet_probe(struct vnet *n, struct virtio_device *vdev, uint64_t mask);

/* Smallest receive buffer vnet_attach_pair() takes for this device. */
uint32_t vnet_rx_buf_min(const struct vnet *n);

/* Memory for one queue pair (VIRTQ_MEM_ALIGN-aligned, DMA-reachable):
 * both rings, the transmit headers, and rx_size receive buffers of
 * buf_len bytes. */
size_t vnet_pair_mem_bytes(const struct vnet *n, uint16_t rx_size, uint16_t tx_size,
			   uint32_t buf_len);
/* Pair `pair` (< info.max_pairs, attached in order from 0).  VIRTIO_EINVAL
 * for a buf_len below vnet_rx_buf_min(). */
int vnet_attach_pair(struct vnet *n, uint16_t pair, struct vnet_pair *p, uint16_t rx_size,
		     uint16_t tx_size, uint32_t buf_len, void *mem, size_t mem_len);

size_t vnet_ctrl_mem_bytes(uint16_t size);
int vnet_attach_ctrl(struct vnet *n, struct vnet_ctrl *c, uint16_t size, void *mem,
		     size_t mem_len);

/* Post the receive buffers, DRIVER_OK; with MQ and more than one pair
 * attached, VQ_PAIRS_SET (a refusal leaves one pair active). */
int vnet_start(struct vnet *n);

/*
 * Queue a frame on pair `pair` (< active_pairs) and notify.  0 when queued
 * (done() follows exactly once); otherwise done() is never called:
 * VIRTIO_EINVAL (no or too many buffers, a frame shorter than an Ethernet
 * header or longer than the MTU, checksum offsets outside the frame),
 * VIRTIO_EUNSUPP (partial_csum without tx_csum), VIRTIO_ENOSPC (ring full
 * even after reclaiming), VIRTIO_EBROKEN.
 */
int vnet_transmit(struct vnet *n, uint16_t pair, struct vnet_tx *tx);
int vnet_transmit_nokick(struct vnet *n, uint16_t pair, struct vnet_tx *tx);
void vnet_tx_kick(struct vnet *n, uint16_t pair);

/* Receive and reclaim on every queue without the interrupt (the core's
 * poll); frames and transmits completed, or an error. */
int vnet_poll(struct vnet *n);

/* Interrupt handler body (the core's dispatch): a config change re-reads
 * link and announce; DEVICE_NEEDS_RESET or a broken rule is noted for
 * vnet_service().  Chains completed, or an error. */
int vnet_interrupt(struct vnet *n);

/* Deferred work from the caller's main loop, never from the interrupt
 * handler, when vnet_pending(): recover a device that needs it (checked
 * reset, same queues, then the pairs and filter again), finish a drain,
 * answer an announce request (n->announce sends the packets, then
 * ANNOUNCE_ACK).  0 or the error of what failed. */
int vnet_service(struct vnet *n);
static inline bool vnet_pending(const struct vnet *n)
{
	return virtio_device_pending(n->vdev) || n->announce_pending;
}
/* 0 while the device takes frames, else why not (driver.h). */
static inline int vnet_error(const struct vnet *n)
{
	return virtio_device_error(n->vdev);
}

/* Control commands (§5.1.6.5), each waiting for its ack (bounded by
 * VNET_CTRL_TIMEOUT_NS; a silent device is reset).  VIRTIO_EUNSUPP when
 * the feature was not negotiated, VIRTIO_EIO when the device said ERR. */
int vnet_set_promisc(struct vnet *n, bool on);
int vnet_set_allmulti(struct vnet *n, bool on);
/* The unicast and multicast filter tables: up to VNET_MAX_FILTER
 * addresses each, 6 bytes apiece, back to back. */
int vnet_set_mac_filter(struct vnet *n, const uint8_t *uni, uint16_t nuni,
			const uint8_t *multi, uint16_t nmulti);
int vnet_set_pairs(struct vnet *n, uint16_t pairs);
int vnet_announce_ack(struct vnet *n);

/* The core's checked reset (the device then owns no buffer, §3.3); every
 * in-flight transmit completes with `err`.  VIRTIO_EDEAD when the reset
 * never completed (the buffers stay the device's). */
int vnet_abort(struct vnet *n, int err);
/* Bring the device back (the core's recovery): same features, queues,
 * memory, then the pairs and the receive filter.  0, or why not. */
int vnet_reinit(struct vnet *n);

/* "MRG_RXBUF", "CSUM", ... for a net feature bit; NULL for unknown bits. */
const char *vnet_feature_name(unsigned bit);

#endif
