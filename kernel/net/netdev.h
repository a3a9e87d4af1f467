/*
 * Network-device registry: the kernel's view of an Ethernet interface,
 * independent of the driver behind it.  Drivers register a struct netdev
 * (named net0, net1, ... in probe order); the stack (kernel/net/), the
 * shell and the self-test only ever use this API.
 *
 * Frames go out asynchronously: ops->transmit() queues one and the driver
 * calls tx->done from its interrupt handler once the device is finished
 * with the bytes.  Frames come in through dev->rx, called from the
 * interrupt handler with bytes valid only during the call.
 *
 * Context: everything here runs with interrupts masked (the interrupt
 * handler, or a caller that masked them); a caller that waits opens the
 * window with wait_for_interrupt_until() (kernel/timer.h).
 */
#ifndef KERNEL_NETDEV_H
#define KERNEL_NETDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETDEV_MAX 4
#define NETDEV_ALEN 6
#define NETDEV_MAX_QUEUES 8

/* ops->transmit's "queue full, try again after completions". */
#define NETDEV_EBUSY (-100)

/* What a device can do (struct netdev.caps). */
#define NETDEV_CAP_TX_CSUM   (1u << 0) /* completes a partial L4 checksum */
#define NETDEV_CAP_RX_CSUM   (1u << 1) /* may vouch for a received checksum */
#define NETDEV_CAP_RX_MODE   (1u << 2) /* promiscuous / all-multicast switchable */
#define NETDEV_CAP_MAC_FILTER (1u << 3) /* takes unicast and multicast filter tables */

struct netdev;

/* Checksum state of a received frame. */
enum netdev_csum {
	NETDEV_CSUM_NONE,    /* verify it */
	NETDEV_CSUM_VALID,   /* the device verified the L4 checksum */
	NETDEV_CSUM_PARTIAL, /* verified but left as a pseudo-header sum at
			      * csum_start + csum_offset */
};

/* One received frame, Ethernet header first. */
struct netdev_rx {
	const uint8_t *data;
	uint32_t len;
	uint16_t queue;      /* the receive queue it came in on */
	enum netdev_csum csum;
	uint16_t csum_start, csum_offset;
};

/* One frame to send; the caller's until done() runs. */
struct netdev_tx {
	const void *data;    /* DMA-reachable, Ethernet header first */
	uint32_t len;
	/* With NETDEV_CAP_TX_CSUM: the device completes the ones' complement
	 * sum over [csum_start, len) into the 16 bits at csum_start +
	 * csum_offset (which hold the pseudo-header sum). */
	bool partial_csum;
	uint16_t csum_start, csum_offset;
	void (*done)(struct netdev_tx *tx, int status); /* interrupt context */
	void *ctx;
};

/* Frames and drops the driver counts. */
struct netdev_counters {
	uint64_t rx_frames, rx_bytes, tx_frames, tx_bytes;
	uint64_t rx_runt;        /* shorter than an Ethernet header */
	uint64_t rx_oversize;    /* longer than the MTU allows */
	uint64_t rx_bad_buffers; /* the device lied about the buffers a frame spans */
	uint64_t tx_errors;      /* frames the device never sent (reset) */
};

struct netdev_ops {
	/* Queue tx on `queue` (a hint, taken modulo the queues in use); 0 when
	 * queued (done() follows), a negative error otherwise (done() is then
	 * never called).  NETDEV_EBUSY when the queue is full. */
	int (*transmit)(struct netdev *dev, uint16_t queue, struct netdev_tx *tx);
	/* Complete what the device finished, without its interrupt. */
	void (*poll)(struct netdev *dev);
	/* Optional (NETDEV_CAP_RX_MODE, NETDEV_CAP_MAC_FILTER). */
	int (*set_rx_mode)(struct netdev *dev, bool promisc, bool allmulti);
	int (*set_mac_filter)(struct netdev *dev, const uint8_t *uni, unsigned nuni,
			      const uint8_t *multi, unsigned nmulti);
	void (*counters)(struct netdev *dev, struct netdev_counters *c);
	/* Lines for `net info` about the device itself (may be NULL). */
	void (*info)(struct netdev *dev);
	const char *(*strerror)(int status);
};

struct netdev {
	char name[8];              /* set by netdev_register() */
	uint8_t mac[NETDEV_ALEN];
	uint16_t mtu;
	bool link_up;
	uint16_t queues;           /* transmit queues in use */
	uint32_t caps;             /* NETDEV_CAP_* */
	const char *transport;
	const struct netdev_ops *ops;
	void *driver;

	/* Set by the stack (kernel/net/iface.c); the driver calls them. */
	void (*rx)(struct netdev *dev, const struct netdev_rx *f);   /* interrupt context */
	void (*link_changed)(struct netdev *dev);                    /* interrupt context */
	void (*announce)(struct netdev *dev); /* send gratuitous packets (deferred work) */
	void *stack;
};

/* Adds dev (static storage) as the next netN; 0, or -1 when full. */
int netdev_register(struct netdev *dev);
unsigned netdev_count(void);
struct netdev *netdev_get(unsigned i);
struct netdev *netdev_find(const char *name);

#endif
