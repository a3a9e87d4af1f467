/*
 * Wire format of the console device (§5.3), private to console.c until the
 * shared wire headers exist: configuration layout, queue numbering and the
 * multiport control messages.  Names follow the specification.
 */
#ifndef VIRTIO_CONSOLE_WIRE_H
#define VIRTIO_CONSOLE_WIRE_H

#include <stdint.h>

/* struct virtio_console_config (§5.3.4): byte offsets.  cols/rows are
 * valid with F_SIZE, max_nr_ports with F_MULTIPORT, emerg_wr with
 * F_EMERG_WRITE (and writable even before the features are negotiated). */
#define VIRTIO_CONSOLE_CFG_COLS         0x00 /* le16 */
#define VIRTIO_CONSOLE_CFG_ROWS         0x02 /* le16 */
#define VIRTIO_CONSOLE_CFG_MAX_NR_PORTS 0x04 /* le32 */
#define VIRTIO_CONSOLE_CFG_EMERG_WR     0x08 /* le32: the low byte is printed */

/* Queues (§5.3.2): port 0 is 0/1, the control queues 2/3, port k >= 1 is
 * 2k+2 / 2k+3. */
#define VIRTIO_CONSOLE_Q_CTRL_RX 2u
#define VIRTIO_CONSOLE_Q_CTRL_TX 3u
static inline uint16_t virtio_console_rx_queue(uint32_t port)
{
	return (uint16_t)(port == 0 ? 0 : 2 * port + 2);
}
static inline uint16_t virtio_console_tx_queue(uint32_t port)
{
	return (uint16_t)(virtio_console_rx_queue(port) + 1);
}

/* struct virtio_console_control (§5.3.6.2), all fields little-endian. */
struct virtio_console_control {
	uint32_t id;    /* le32: port number */
	uint16_t event; /* le16: VIRTIO_CONSOLE_* below */
	uint16_t value; /* le16: extra information for the event */
};
_Static_assert(sizeof(struct virtio_console_control) == 8, "§5.3.6.2: 8-byte control message");

/* RESIZE is followed by this. */
struct virtio_console_resize {
	uint16_t cols; /* le16 */
	uint16_t rows; /* le16 */
};
_Static_assert(sizeof(struct virtio_console_resize) == 4, "§5.3.6.2: 4-byte resize");

/* Control events.  Event 1 is DEVICE_ADD in the list and PORT_ADD in the
 * text; 2 likewise. */
#define VIRTIO_CONSOLE_DEVICE_READY  0u /* driver: value 1 ready, 0 failed */
#define VIRTIO_CONSOLE_DEVICE_ADD    1u /* device: a new port */
#define VIRTIO_CONSOLE_DEVICE_REMOVE 2u /* device: the port is gone */
#define VIRTIO_CONSOLE_PORT_READY    3u /* driver: answer to DEVICE_ADD, value 1 ok */
#define VIRTIO_CONSOLE_CONSOLE_PORT  4u /* device: the port is a console */
#define VIRTIO_CONSOLE_RESIZE        5u /* device: followed by virtio_console_resize */
#define VIRTIO_CONSOLE_PORT_OPEN     6u /* both: value 1 open, 0 closed */
#define VIRTIO_CONSOLE_PORT_NAME     7u /* device: followed by the name, no NUL */

#endif
