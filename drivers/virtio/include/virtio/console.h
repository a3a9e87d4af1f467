/*
 * virtio-console (§5.3): ports, each a receive and a transmit queue, and
 * with VIRTIO_CONSOLE_F_MULTIPORT two control queues over which the device
 * adds, names, opens, resizes and removes ports while the driver runs.
 * A driver over the device core (driver.h).
 *
 * Bring-up, in this order:
 *   vcon_probe()                       negotiate, read the configuration
 *   vcon_mem_bytes() / vcon_attach()   memory and slots for ports 0..n-1
 *   (set on_event / event_ctx)
 *   vcon_start()                       receive buffers posted, DRIVER_OK,
 *                                      DEVICE_READY
 * Then vcon_interrupt() from the device's interrupt handler (or vcon_poll()):
 * it applies control messages, moves received bytes into each port's
 * bounded buffer and re-posts the receive buffers at once (the receive
 * queues are never left empty), and reclaims transmit buffers.  Every
 * change is reported through on_event.  When virtio_device_pending() asks
 * for it, the main loop calls vcon_poll() (VIRTIO_PENDING_POLL) or
 * vcon_recover() (VIRTIO_PENDING_RECOVER: DEVICE_NEEDS_RESET or a broken
 * rule), never the core's functions directly: the ports need their part.
 *
 * vcon_write() copies into the driver's transmit buffers and vcon_read()
 * takes from the port's buffer: neither waits (the caller decides how long
 * to wait, and for what).  Bytes arriving while the buffer is full are
 * dropped and counted in the port's `dropped`.
 *
 * The device is not trusted: every control message is checked (length,
 * event, port id, the port's state, the name's bytes); a bad one is counted
 * in struct vcon's `bad_*` fields and changes nothing.  A ring violation
 * latches the device broken (see virtq.h) and a reset is due: until
 * vcon_recover() every call fails, then every port is removed and the
 * device announces its ports again.
 *
 * Not thread-safe: one context at a time (mask the device's interrupt
 * around calls when vcon_interrupt() runs in an interrupt handler).
 */
#ifndef VIRTIO_CONSOLE_H
#define VIRTIO_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "driver.h"
#include "virtq.h"
#include "wire/console.h"

/* Entries per queue (fewer when the device offers fewer). */
#ifndef VCON_QUEUE_SIZE
#define VCON_QUEUE_SIZE 16
#endif
/* Bytes per receive and per transmit buffer. */
#ifndef VCON_BUF_BYTES
#define VCON_BUF_BYTES 256
#endif
/* Received bytes a port keeps until they are read (a power of two). */
#ifndef VCON_STASH_BYTES
#define VCON_STASH_BYTES 4096
#endif
/* Longest port name kept; a longer one is refused (and counted). */
#ifndef VCON_NAME_MAX
#define VCON_NAME_MAX 63
#endif
/* Bytes per control receive buffer: QEMU pushes a name into whatever
 * buffer it pops and reports the whole length, so room to spare. */
#ifndef VCON_CTRL_BUF_BYTES
#define VCON_CTRL_BUF_BYTES 512
#endif
/* Driver-to-device control messages waiting for a free transmit slot. */
#ifndef VCON_CTRL_BACKLOG
#define VCON_CTRL_BACKLOG 32
#endif

_Static_assert((VCON_STASH_BYTES & (VCON_STASH_BYTES - 1)) == 0, "a power of two");

enum vcon_event {
	VCON_EV_ADDED,     /* the port exists (DEVICE_ADD answered, or port 0 at start) */
	VCON_EV_REMOVED,   /* the port is gone; its buffered bytes with it */
	VCON_EV_NAMED,     /* name[] is set */
	VCON_EV_CONSOLE,   /* the device nominated it a console (guest side opened) */
	VCON_EV_HOST_OPEN, /* host_open changed */
	VCON_EV_RESIZE,    /* cols/rows changed */
	VCON_EV_DATA,      /* bytes arrived in the port's buffer */
};

struct vcon;

struct vcon_port {
	uint32_t id;
	bool usable;     /* its queues exist and are set up */
	bool present;    /* the device added it (and has not removed it) */
	bool console;    /* nominated by CONSOLE_PORT (port 0 without MULTIPORT) */
	bool host_open;  /* PORT_OPEN from the device (true without MULTIPORT) */
	bool guest_open; /* our PORT_OPEN 1 was sent */
	uint16_t cols, rows; /* RESIZE (port 0: also the config with F_SIZE) */
	char name[VCON_NAME_MAX + 1]; /* PORT_NAME; empty when none */
	/* records */
	uint64_t rx_bytes, tx_bytes;
	uint64_t dropped; /* received while the buffer was full */

	/* driver-private */
	struct vcon *con;
	bool rx_fresh;    /* bytes since the last VCON_EV_DATA */
	struct virtq rx, tx;
	uint8_t *rxbufs;  /* [rx.size][VCON_BUF_BYTES], device-writable */
	uint8_t *txbufs;  /* [tx.size][VCON_BUF_BYTES], device-readable */
	uint16_t *txfree; /* stack of free transmit buffer numbers */
	uint16_t ntxfree;
	uint8_t *stash;   /* [VCON_STASH_BYTES] ring of received bytes */
	uint32_t stash_head, stash_tail;
};

/* A driver-to-device control message not yet handed to the device. */
struct vcon_ctrl_msg {
	uint32_t id;
	uint16_t event, value;
};

struct vcon {
	struct virtio_device *vdev;
	uint64_t mask;
	bool multiport;
	bool emerg_write;       /* EMERG_WRITE offered: vcon_emerg_write() works */
	uint32_t max_nr_ports;  /* from the config with MULTIPORT, else 1 */
	uint16_t cols, rows;    /* with F_SIZE: port 0's size from the config */

	/* Set by the caller before vcon_start().  Runs inside vcon_start(),
	 * vcon_interrupt(), vcon_poll(), vcon_abort() and vcon_recover();
	 * it may call vcon_read() and vcon_readable(), nothing else of the
	 * driver (it is in the middle of it). */
	void (*on_event)(struct vcon *c, struct vcon_port *p, enum vcon_event ev);
	void *event_ctx;

	/* records: what the device got wrong, one count per message */
	uint32_t bad_ctrl;   /* too short or long for its event, unknown or driver-only event */
	uint32_t bad_port;   /* an id past max_nr_ports, a port not added, one added twice */
	uint32_t bad_name;   /* empty, too long, or with control bytes */
	uint32_t refused;    /* ports we have no slot for (PORT_READY 0 sent) */
	uint32_t ctrl_lost;  /* our control messages dropped: backlog full */
	uint32_t stray_rx;   /* bytes received on a port that is not present */

	/* driver-private */
	struct vcon_port *ports;
	uint16_t nports;
	void *mem;
	struct virtq ctrl_rx, ctrl_tx;
	uint8_t *ctrl_rxbufs; /* [size][VCON_CTRL_BUF_BYTES], device-writable */
	struct virtio_console_control *ctrl_txbufs; /* [size], device-readable */
	uint16_t *ctrl_txfree;
	uint16_t nctrl_txfree;
	struct vcon_ctrl_msg backlog[VCON_CTRL_BACKLOG];
	uint16_t backlog_head, backlog_len;
	bool restarted;                       /* reinit() ran: vcon_recover() goes live */
};

/* Negotiate (SIZE, MULTIPORT, EMERG_WRITE when offered) and read the
 * configuration; `mask` as in virtio_device_begin(). */
int vcon_probe(struct vcon *c, struct virtio_device *vdev, uint64_t mask);

/*
 * Memory for the control queues and `nports` ports, for any device and
 * layout (VIRTQ_MEM_ALIGN-aligned, DMA-reachable; see virtq.h, "Memory"):
 * every queue's block, then the driver's buffers.  The macro is the same
 * as a constant expression:
 *     static uint8_t mem[VCON_MEM_BYTES(2)] __attribute__((aligned(4096)));
 */
size_t vcon_mem_bytes(uint16_t nports);
#define VCON_VQ_BYTES VIRTQ_ALIGN_UP(VIRTQ_MEM_BYTES_MAX(VCON_QUEUE_SIZE, 0), VIRTQ_MEM_ALIGN)
#define VCON_CTRL_AREA_BYTES                                                        \
	VIRTQ_ALIGN_UP(2 * VCON_VQ_BYTES +                                          \
			       VCON_QUEUE_SIZE * (VCON_CTRL_BUF_BYTES +             \
						  sizeof(struct virtio_console_control) + \
						  sizeof(uint16_t)),                  \
		       VIRTQ_MEM_ALIGN)
#define VCON_PORT_AREA_BYTES                                                        \
	VIRTQ_ALIGN_UP(2 * VCON_VQ_BYTES +                                          \
			       VCON_QUEUE_SIZE * (2 * VCON_BUF_BYTES + sizeof(uint16_t)) + \
			       VCON_STASH_BYTES,                                    \
		       VIRTQ_MEM_ALIGN)
#define VCON_MEM_BYTES(nports) (VCON_CTRL_AREA_BYTES + (size_t)(nports) * VCON_PORT_AREA_BYTES)

/*
 * Ports 0..nports-1 get slots `ports[0..nports-1]` (the caller's, zeroed by
 * this call) and their queues; with fewer slots than max_nr_ports the
 * device's other ports are refused.  Without MULTIPORT only port 0 exists.
 */
int vcon_attach(struct vcon *c, struct vcon_port *ports, uint16_t nports, void *mem,
		size_t mem_len);

/* DRIVER_OK, every receive queue stocked, DEVICE_READY sent (MULTIPORT) or
 * port 0 added (without). */
int vcon_start(struct vcon *c);

/* Interrupt handler body: virtio_device_interrupt() (the size re-read on a
 * config change, every queue drained), then what the ports need once per
 * batch.  As virtio_device_interrupt(): chains completed, or an error. */
int vcon_interrupt(struct vcon *c);

/* The same without reading the interrupt status (virtio_device_poll()). */
int vcon_poll(struct vcon *c);

/*
 * Queue up to `len` bytes on port `id` (copied: buf need not be
 * DMA-reachable) and notify.  The bytes taken, 0 when every transmit buffer
 * is in flight (retry after completions), or VIRTIO_EINVAL (no such slot),
 * VIRTIO_ENODEV (the port is not present), VIRTIO_EBROKEN.
 */
int vcon_write(struct vcon *c, uint32_t id, const void *buf, uint32_t len);

/* Take up to `len` received bytes of port `id`: the count (0: none yet), or
 * VIRTIO_EINVAL / VIRTIO_ENODEV. */
int vcon_read(struct vcon *c, uint32_t id, void *buf, uint32_t len);

/* Tell the device the guest side of port `id` is open (or closed): one
 * PORT_OPEN, only when that changes it.  Without MULTIPORT only the flag. */
int vcon_open(struct vcon *c, uint32_t id, bool open);

/* The port `id` when it is present, else NULL. */
struct vcon_port *vcon_port(struct vcon *c, uint32_t id);

/* Bytes waiting to be read; transmit buffers the device still holds. */
uint32_t vcon_readable(const struct vcon_port *p);
uint16_t vcon_tx_in_flight(const struct vcon_port *p);

/* One byte through emerg_wr (§5.3.5): no queue involved, usable from a
 * panic.  false when the device does not offer EMERG_WRITE. */
bool vcon_emerg_write(struct vcon *c, char ch);

/* Give up on the device: virtio_device_abort() (a checked reset, so it
 * owns no buffer any more, §3.3; VIRTIO_EDEAD when the reset never
 * completes and it keeps them), and every port removed (VCON_EV_REMOVED
 * each).  Waits (bounded): not from an interrupt handler. */
int vcon_abort(struct vcon *c, int err);

/* Bring the device back (virtio_device_recover(): reset, the same
 * features, queues and memory) and start it again: the device announces
 * its ports anew.  0, or the error that keeps it down (every port
 * removed).  Waits (bounded): main loop only. */
int vcon_recover(struct vcon *c);

#endif
