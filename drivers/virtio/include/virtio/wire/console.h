/*
 * VirtIO 1.3 wire format of the console device (§5.3): queues, feature
 * bits, the configuration layout, and the control messages of a multiport
 * device.  Multi-byte fields are in the device's order (virtio16_t ..:
 * guest-endian on a legacy interface).  Only <stdint.h>/<stddef.h> and
 * common.h (the byte-order types): includable alone.
 */
#ifndef VIRTIO_WIRE_CONSOLE_H
#define VIRTIO_WIRE_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

/* Queues (§5.3.2).  Port 0 always has 0 and 1; the control queues and the
 * other ports' pairs exist only with VIRTIO_CONSOLE_F_MULTIPORT. */
#define VIRTIO_CONSOLE_QUEUE_RX0      0u /* receiveq(port0), device-writable buffers */
#define VIRTIO_CONSOLE_QUEUE_TX0      1u /* transmitq(port0), device-readable buffers */
#define VIRTIO_CONSOLE_QUEUE_CTRL_RX  2u /* control receiveq: device-to-driver messages */
#define VIRTIO_CONSOLE_QUEUE_CTRL_TX  3u /* control transmitq: driver-to-device messages */
/* Port p >= 1: receiveq at 2 + 2p, transmitq at 3 + 2p. */
#define VIRTIO_CONSOLE_QUEUE_RX(p) ((p) == 0 ? 0u : 2u + 2u * (unsigned)(p))
#define VIRTIO_CONSOLE_QUEUE_TX(p) ((p) == 0 ? 1u : 3u + 2u * (unsigned)(p))

/* Feature bits (§5.3.3). */
#define VIRTIO_CONSOLE_F_SIZE        0 /* cols and rows are valid */
#define VIRTIO_CONSOLE_F_MULTIPORT   1 /* max_nr_ports is valid; control queues in use */
#define VIRTIO_CONSOLE_F_EMERG_WRITE 2 /* emerg_wr works, even before the queues */

/* Configuration layout (§5.3.4). */
struct virtio_console_config {
	virtio16_t cols;         /* columns of port 0 (F_SIZE) */
	virtio16_t rows;         /* rows of port 0 (F_SIZE) */
	virtio32_t max_nr_ports; /* most ports the device supports (F_MULTIPORT) */
	virtio32_t emerg_wr;     /* write a character here to output it (F_EMERG_WRITE) */
};
_Static_assert(sizeof(struct virtio_console_config) == 12, "§5.3.4: 12-byte configuration");
_Static_assert(offsetof(struct virtio_console_config, cols) == 0, "console_config.cols at 0");
_Static_assert(offsetof(struct virtio_console_config, rows) == 2, "console_config.rows at 2");
_Static_assert(offsetof(struct virtio_console_config, max_nr_ports) == 4,
	       "console_config.max_nr_ports at 4");
_Static_assert(offsetof(struct virtio_console_config, emerg_wr) == 8,
	       "console_config.emerg_wr at 8");

/* Control message on the control queues (§5.3.6.2), F_MULTIPORT. */
struct virtio_console_control {
	virtio32_t id;    /* port number */
	virtio16_t event; /* VIRTIO_CONSOLE_* below */
	virtio16_t value; /* extra information for the event */
};
_Static_assert(sizeof(struct virtio_console_control) == 8, "§5.3.6.2: 8-byte control message");
_Static_assert(offsetof(struct virtio_console_control, id) == 0, "console_control.id at 0");
_Static_assert(offsetof(struct virtio_console_control, event) == 4, "console_control.event at 4");
_Static_assert(offsetof(struct virtio_console_control, value) == 6, "console_control.value at 6");

/* Control events (§5.3.6.2): who sends each, and what `value` means. */
/* driver: ready for control messages; value 1 ok, 0 failed; id unused */
#define VIRTIO_CONSOLE_DEVICE_READY  0
/* device: port `id` created (the text also calls it PORT_ADD); value unused */
#define VIRTIO_CONSOLE_DEVICE_ADD    1
/* device: port `id` removed; value unused */
#define VIRTIO_CONSOLE_DEVICE_REMOVE 2
/* driver: port `id` is set up (answers DEVICE_ADD); value 1 ok, 0 failed */
#define VIRTIO_CONSOLE_PORT_READY    3
/* device: port `id` is a console; the driver answers PORT_OPEN, value 1 */
#define VIRTIO_CONSOLE_CONSOLE_PORT  4
/* device: the size changed; struct virtio_console_resize follows; value unused */
#define VIRTIO_CONSOLE_RESIZE        5
/* either side: value 1 port open, 0 closed */
#define VIRTIO_CONSOLE_PORT_OPEN     6
/* device: the port's UTF-8 name follows, without a NUL */
#define VIRTIO_CONSOLE_PORT_NAME     7

/* What follows a VIRTIO_CONSOLE_RESIZE message (§5.3.6.2). */
struct virtio_console_resize {
	virtio16_t cols; /* columns */
	virtio16_t rows; /* rows */
};
_Static_assert(sizeof(struct virtio_console_resize) == 4, "§5.3.6.2: 4-byte resize");
_Static_assert(offsetof(struct virtio_console_resize, rows) == 2, "console_resize.rows at 2");

#endif
