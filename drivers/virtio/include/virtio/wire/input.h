/*
 * VirtIO 1.3 wire format of the input device (§5.8): queues, the
 * configuration selectors and layout, and the event both queues carry.
 * Event types and codes are those of Linux evdev (input-event-codes.h);
 * only the few the spec leans on are named here.  All multi-byte fields
 * are little-endian.  Only <stdint.h>/<stddef.h> and common.h (the
 * byte-order types): includable alone.
 */
#ifndef VIRTIO_WIRE_INPUT_H
#define VIRTIO_WIRE_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

/* Queues (§5.8.2); no feature bits (§5.8.3). */
#define VIRTIO_INPUT_QUEUE_EVENT  0u /* eventq: device -> driver, device-writable buffers */
#define VIRTIO_INPUT_QUEUE_STATUS 1u /* statusq: driver -> device (e.g. LEDs) */

/* Configuration selectors (§5.8.4): write select and subsel, then read size. */
enum virtio_input_config_select {
	VIRTIO_INPUT_CFG_UNSET = 0x00,
	VIRTIO_INPUT_CFG_ID_NAME = 0x01,   /* subsel 0; u.string: the device's name */
	VIRTIO_INPUT_CFG_ID_SERIAL = 0x02, /* subsel 0; u.string: its serial number */
	VIRTIO_INPUT_CFG_ID_DEVIDS = 0x03, /* subsel 0; u.ids */
	VIRTIO_INPUT_CFG_PROP_BITS = 0x10, /* subsel 0; u.bitmap of INPUT_PROP_* */
	VIRTIO_INPUT_CFG_EV_BITS = 0x11,   /* subsel EV_* type; u.bitmap of its codes */
	VIRTIO_INPUT_CFG_ABS_INFO = 0x12,  /* subsel ABS_* axis; u.abs */
};

/* An absolute axis (VIRTIO_INPUT_CFG_ABS_INFO). */
struct virtio_input_absinfo {
	virtio_le32_t min;  /* minimum value */
	virtio_le32_t max;  /* maximum value */
	virtio_le32_t fuzz; /* noise filter */
	virtio_le32_t flat; /* dead zone */
	virtio_le32_t res;  /* resolution, units per mm (or per radian) */
};
_Static_assert(sizeof(struct virtio_input_absinfo) == 20, "§5.8.4: 20-byte absinfo");
_Static_assert(offsetof(struct virtio_input_absinfo, min) == 0, "absinfo.min at 0");
_Static_assert(offsetof(struct virtio_input_absinfo, max) == 4, "absinfo.max at 4");
_Static_assert(offsetof(struct virtio_input_absinfo, fuzz) == 8, "absinfo.fuzz at 8");
_Static_assert(offsetof(struct virtio_input_absinfo, flat) == 12, "absinfo.flat at 12");
_Static_assert(offsetof(struct virtio_input_absinfo, res) == 16, "absinfo.res at 16");

/* Device identity (VIRTIO_INPUT_CFG_ID_DEVIDS), as evdev's EVIOCGID. */
struct virtio_input_devids {
	virtio_le16_t bustype; /* BUS_* */
	virtio_le16_t vendor;
	virtio_le16_t product;
	virtio_le16_t version;
};
_Static_assert(sizeof(struct virtio_input_devids) == 8, "§5.8.4: 8-byte devids");
_Static_assert(offsetof(struct virtio_input_devids, bustype) == 0, "devids.bustype at 0");
_Static_assert(offsetof(struct virtio_input_devids, vendor) == 2, "devids.vendor at 2");
_Static_assert(offsetof(struct virtio_input_devids, product) == 4, "devids.product at 4");
_Static_assert(offsetof(struct virtio_input_devids, version) == 6, "devids.version at 6");

/* Configuration layout (§5.8.4).  The driver writes select and subsel
 * only; size 0 means nothing for that pair.  Strings have no NUL. */
struct virtio_input_config {
	uint8_t select;                          /* enum virtio_input_config_select */
	uint8_t subsel;                          /* event type or axis, per select */
	uint8_t size;                            /* bytes of u that are valid */
	uint8_t reserved[5];                     /* reserved */
	union {
		char string[128];                /* ID_NAME, ID_SERIAL */
		uint8_t bitmap[128];             /* PROP_BITS, EV_BITS: bit n = code n */
		struct virtio_input_absinfo abs; /* ABS_INFO */
		struct virtio_input_devids ids;  /* ID_DEVIDS */
	} u;                                     /* the answer */
};
_Static_assert(sizeof(struct virtio_input_config) == 136, "§5.8.4: 136-byte configuration");
_Static_assert(offsetof(struct virtio_input_config, select) == 0, "input_config.select at 0");
_Static_assert(offsetof(struct virtio_input_config, subsel) == 1, "input_config.subsel at 1");
_Static_assert(offsetof(struct virtio_input_config, size) == 2, "input_config.size at 2");
_Static_assert(offsetof(struct virtio_input_config, reserved) == 3, "input_config.reserved at 3");
_Static_assert(offsetof(struct virtio_input_config, u) == 8, "input_config.u at 8");

/* The event on both queues (§5.8.6), evdev's type/code/value. */
struct virtio_input_event {
	virtio_le16_t type;  /* EV_* */
	virtio_le16_t code;  /* key, button or axis code */
	virtio_le32_t value; /* 1 press / 0 release, a movement, an axis position */
};
_Static_assert(sizeof(struct virtio_input_event) == 8, "§5.8.6: 8-byte event");
_Static_assert(offsetof(struct virtio_input_event, type) == 0, "input_event.type at 0");
_Static_assert(offsetof(struct virtio_input_event, code) == 2, "input_event.code at 2");
_Static_assert(offsetof(struct virtio_input_event, value) == 4, "input_event.value at 4");

/* evdev event types the spec's text relies on (device updates end with EV_SYN). */
#define VIRTIO_INPUT_EV_SYN 0x00u /* end of one device update */
#define VIRTIO_INPUT_EV_KEY 0x01u /* keys and buttons */
#define VIRTIO_INPUT_EV_REL 0x02u /* relative axes */
#define VIRTIO_INPUT_EV_ABS 0x03u /* absolute axes */
#define VIRTIO_INPUT_EV_LED 0x11u /* LEDs (statusq) */

#endif
