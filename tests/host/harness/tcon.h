/*
 * Test harness for the console driver: a simulated virtio-console brought
 * up through console.h, with the port events the driver reports logged.
 */
#ifndef HARNESS_TCON_H
#define HARNESS_TCON_H

#include <stdbool.h>

#include "harness/bringup.h"
#include "sim/devices/sim_console.h"
#include "virtio/console.h"
#include "virtio/pci.h"

#define TCON_NPORTS 3
#define TCON_MAX_EVENTS 128

struct tcon {
	struct sim_dev *sim;
	struct sim_con *s;
	struct virtio_mmio mmio;
	struct virtio_pci pci;
	struct vcon con;
	struct vcon_port ports[TCON_NPORTS];
	void *mem;
	size_t len;
	struct { uint32_t port; enum vcon_event ev; } log[TCON_MAX_EVENTS];
	unsigned nlog;
	uint16_t in_flight_at_removal[TCON_NPORTS]; /* transmit buffers still out at REMOVED */
};

enum tcon_transport { TCON_MMIO, TCON_PCI };

/* How many times `ev` was reported for `port` since the last clear. */
unsigned tcon_events(const struct tcon *t, uint32_t port, enum vcon_event ev);
/* The interrupt handler, run while the device raises interrupts (and
 * until one finds the device broken or needing a reset: the main loop's
 * vcon_recover() is the case's to call). */
void tcon_pump(struct tcon *t);
/* The device asked for the main loop's recovery. */
bool tcon_recovery_due(struct tcon *t);
/* Probe and attach TCON_NPORTS ports; on_event logs into t->log. */
void tcon_probe(struct tcon *t, struct sim_dev *sim, enum tcon_transport tr, uint64_t mask);
/* vcon_start, then the interrupts it raised. */
void tcon_start(struct tcon *t);

/* The next tcon_usual() device completes packed descriptors like QEMU 7.2
 * (used descriptors without WRITE); tcon_usual clears it. */
extern bool tcon_qemu_packed;
/* The usual machine: a console on port 0, a named port 1 whose host end
 * is closed, a named port 2 whose host end is open. */
struct tcon *tcon_usual(enum tcon_transport tr, uint32_t version, uint64_t mask);

/* A pattern of n bytes from seed. */
void tcon_fill(uint8_t *p, uint32_t n, uint32_t seed);
/* Read everything port `id` holds into buf; the count. */
uint32_t tcon_read_all(struct tcon *t, uint32_t id, uint8_t *buf, uint32_t cap);

#endif
