/*
 * Wire format of the virtio input device (§5.8), private to input.c until
 * the library's shared wire headers carry it.  Names follow the spec;
 * multi-byte fields are little-endian.
 */
#ifndef VIRTIO_INPUT_WIRE_H
#define VIRTIO_INPUT_WIRE_H

#include <stdint.h>

#include "virtio/wire/common.h"

/* Virtqueues (§5.8.2). */
#define VIRTIO_INPUT_EVENTQ  0u
#define VIRTIO_INPUT_STATUSQ 1u

/* struct virtio_input_config (§5.8.4): select and subsel are the only
 * fields the driver may write; the answer is `size` bytes of the union. */
#define VIRTIO_INPUT_CFG_SELECT 0u
#define VIRTIO_INPUT_CFG_SUBSEL 1u
#define VIRTIO_INPUT_CFG_SIZE   2u
#define VIRTIO_INPUT_CFG_U      8u   /* the union */
#define VIRTIO_INPUT_CFG_U_MAX  128u /* bytes in the union */

/* enum virtio_input_config_select */
#define VIRTIO_INPUT_CFG_UNSET     0x00u
#define VIRTIO_INPUT_CFG_ID_NAME   0x01u
#define VIRTIO_INPUT_CFG_ID_SERIAL 0x02u
#define VIRTIO_INPUT_CFG_ID_DEVIDS 0x03u
#define VIRTIO_INPUT_CFG_PROP_BITS 0x10u
#define VIRTIO_INPUT_CFG_EV_BITS   0x11u
#define VIRTIO_INPUT_CFG_ABS_INFO  0x12u

struct virtio_input_absinfo {
	virtio_le32_t min;
	virtio_le32_t max;
	virtio_le32_t fuzz;
	virtio_le32_t flat;
	virtio_le32_t res;
};
_Static_assert(sizeof(struct virtio_input_absinfo) == 20, "§5.8.4: 20-byte absinfo");

struct virtio_input_devids {
	virtio_le16_t bustype;
	virtio_le16_t vendor;
	virtio_le16_t product;
	virtio_le16_t version;
};
_Static_assert(sizeof(struct virtio_input_devids) == 8, "§5.8.4: 8-byte devids");

/* Both queues carry this (§5.8.6), with evdev meanings. */
struct virtio_input_event {
	virtio_le16_t type;
	virtio_le16_t code;
	virtio_le32_t value;
};
_Static_assert(sizeof(struct virtio_input_event) == 8, "§5.8.6: 8-byte event");

#endif
