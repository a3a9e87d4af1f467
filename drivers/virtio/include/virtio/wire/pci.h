/*
 * VirtIO 1.3 wire format of the virtio-pci transport (§4.1): identity, the
 * vendor-specific capabilities that locate the virtio structures (§4.1.4),
 * the common configuration structure (§4.1.4.3), notification, ISR and
 * PCI-configuration-access capabilities.  All multi-byte fields are
 * little-endian.  Only <stdint.h>/<stddef.h> and common.h (the byte-order
 * types): includable alone.
 */
#ifndef VIRTIO_WIRE_PCI_H
#define VIRTIO_WIRE_PCI_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

/* Identity (§4.1.2). */
#define VIRTIO_PCI_VENDOR_ID        0x1af4u
#define VIRTIO_PCI_DEVICE_ID_FIRST  0x1000u /* 0x1000..0x103f: transitional IDs */
#define VIRTIO_PCI_DEVICE_ID_MODERN 0x1040u /* 0x1040 + virtio device ID */
#define VIRTIO_PCI_DEVICE_ID_LAST   0x107fu

/* Standard PCI configuration-space header offsets (PCI Local Bus spec). */
#define VIRTIO_PCI_CFG_VENDOR_ID     0x00 /* 16 */
#define VIRTIO_PCI_CFG_DEVICE_ID     0x02 /* 16 */
#define VIRTIO_PCI_CFG_STATUS        0x06 /* 16 */
#define VIRTIO_PCI_CFG_REVISION      0x08 /* 8: revision ID; 1 or more for modern virtio */
#define VIRTIO_PCI_CFG_SUBSYS_ID     0x2e /* 16: transitional devices put the virtio ID here */
#define VIRTIO_PCI_CFG_CAP_PTR       0x34 /* 8: first capability */
#define VIRTIO_PCI_STATUS_CAP_LIST   0x10u /* status bit 4: the capability list exists */
#define VIRTIO_PCI_CAP_ID_VNDR       0x09u /* vendor-specific capability (virtio's) */
#define VIRTIO_PCI_CAP_ID_MSIX       0x11u /* MSI-X capability */
#define VIRTIO_PCI_MSIX_CTRL         2     /* 16: its message control */
#define VIRTIO_PCI_MSIX_TABLE_SIZE   0x07ffu /* message control: table entries - 1 */

/* Virtio structure capability (§4.1.4). */
struct virtio_pci_cap {
	uint8_t cap_vndr;     /* VIRTIO_PCI_CAP_ID_VNDR */
	uint8_t cap_next;     /* configuration-space offset of the next capability */
	uint8_t cap_len;      /* length of this capability, extra data included */
	uint8_t cfg_type;     /* VIRTIO_PCI_CAP_*_CFG: which structure */
	uint8_t bar;          /* BAR 0-5 holding the structure; other values reserved */
	uint8_t id;           /* tells apart several capabilities of one type */
	uint8_t padding[2];   /* to a full dword */
	virtio_le32_t offset; /* where the structure begins within the BAR */
	virtio_le32_t length; /* its length in bytes */
};
_Static_assert(sizeof(struct virtio_pci_cap) == 16, "§4.1.4: 16-byte capability");
_Static_assert(offsetof(struct virtio_pci_cap, cap_vndr) == 0, "virtio_pci_cap.cap_vndr at 0");
_Static_assert(offsetof(struct virtio_pci_cap, cap_next) == 1, "virtio_pci_cap.cap_next at 1");
_Static_assert(offsetof(struct virtio_pci_cap, cap_len) == 2, "virtio_pci_cap.cap_len at 2");
_Static_assert(offsetof(struct virtio_pci_cap, cfg_type) == 3, "virtio_pci_cap.cfg_type at 3");
_Static_assert(offsetof(struct virtio_pci_cap, bar) == 4, "virtio_pci_cap.bar at 4");
_Static_assert(offsetof(struct virtio_pci_cap, id) == 5, "virtio_pci_cap.id at 5");
_Static_assert(offsetof(struct virtio_pci_cap, padding) == 6, "virtio_pci_cap.padding at 6");
_Static_assert(offsetof(struct virtio_pci_cap, offset) == 8, "virtio_pci_cap.offset at 8");
_Static_assert(offsetof(struct virtio_pci_cap, length) == 12, "virtio_pci_cap.length at 12");

/* The same offsets, for reading configuration space one field at a time. */
#define VIRTIO_PCI_CAP_VNDR     0
#define VIRTIO_PCI_CAP_NEXT     1
#define VIRTIO_PCI_CAP_LEN      2
#define VIRTIO_PCI_CAP_CFG_TYPE 3
#define VIRTIO_PCI_CAP_BAR      4
#define VIRTIO_PCI_CAP_ID       5
#define VIRTIO_PCI_CAP_OFFSET   8
#define VIRTIO_PCI_CAP_LENGTH   12
#define VIRTIO_PCI_CAP_SIZE     16
_Static_assert(VIRTIO_PCI_CAP_OFFSET == offsetof(struct virtio_pci_cap, offset), "cap offset");
_Static_assert(VIRTIO_PCI_CAP_LENGTH == offsetof(struct virtio_pci_cap, length), "cap length");
_Static_assert(VIRTIO_PCI_CAP_SIZE == sizeof(struct virtio_pci_cap), "cap size");

/* cfg_type values (§4.1.4); any other is reserved and ignored. */
#define VIRTIO_PCI_CAP_COMMON_CFG        1 /* common configuration */
#define VIRTIO_PCI_CAP_NOTIFY_CFG        2 /* notifications */
#define VIRTIO_PCI_CAP_ISR_CFG           3 /* ISR status */
#define VIRTIO_PCI_CAP_DEVICE_CFG        4 /* device-specific configuration */
#define VIRTIO_PCI_CAP_PCI_CFG           5 /* PCI configuration access */
#define VIRTIO_PCI_CAP_SHARED_MEMORY_CFG 8 /* shared memory region (struct virtio_pci_cap64) */
#define VIRTIO_PCI_CAP_VENDOR_CFG        9 /* vendor data */

/* A capability with 64-bit offset and length (§4.1.4): shared memory. */
struct virtio_pci_cap64 {
	struct virtio_pci_cap cap; /* offset and length hold the low 32 bits */
	virtio_le32_t offset_hi;   /* offset, high 32 bits */
	virtio_le32_t length_hi;   /* length, high 32 bits */
};
_Static_assert(sizeof(struct virtio_pci_cap64) == 24, "§4.1.4: 24-byte cap64");
_Static_assert(offsetof(struct virtio_pci_cap64, offset_hi) == 16, "cap64.offset_hi at 16");
_Static_assert(offsetof(struct virtio_pci_cap64, length_hi) == 20, "cap64.length_hi at 20");

/* Common configuration structure (§4.1.4.3), found through COMMON_CFG. */
struct virtio_pci_common_cfg {
	/* About the whole device. */
	virtio_le32_t device_feature_select;   /* RW: word of device_feature */
	virtio_le32_t device_feature;          /* R: offered feature bits of that word */
	virtio_le32_t driver_feature_select;   /* RW: word of driver_feature */
	virtio_le32_t driver_feature;          /* RW: accepted feature bits of that word */
	virtio_le16_t config_msix_vector;      /* RW: MSI-X vector of configuration changes */
	virtio_le16_t num_queues;              /* R: queues the device supports (no admin queues) */
	uint8_t device_status;                 /* RW: device status (§2.1); 0 resets */
	uint8_t config_generation;             /* R: changes when the configuration does */
	/* About the queue chosen by queue_select. */
	virtio_le16_t queue_select;            /* RW: the queue the fields below refer to */
	virtio_le16_t queue_size;              /* RW: maximum on reset, may be lowered; 0 = none */
	virtio_le16_t queue_msix_vector;       /* RW: MSI-X vector of its used-buffer events */
	virtio_le16_t queue_enable;            /* RW: 1 = the device may use it */
	virtio_le16_t queue_notify_off;        /* R: its doorbell, in notify_off_multiplier units */
	virtio_le64_t queue_desc;              /* RW: Descriptor Area */
	virtio_le64_t queue_driver;            /* RW: Driver Area */
	virtio_le64_t queue_device;            /* RW: Device Area */
	virtio_le16_t queue_notif_config_data; /* R: notification value (NOTIF_CONFIG_DATA) */
	virtio_le16_t queue_reset;             /* RW: 1 resets the queue (RING_RESET) */
	/* About the administration virtqueues (ADMIN_VQ). */
	virtio_le16_t admin_queue_index;       /* R: index of the first admin queue */
	virtio_le16_t admin_queue_num;         /* R: how many; 0 = none */
};
_Static_assert(sizeof(struct virtio_pci_common_cfg) == 0x40, "§4.1.4.3: 64-byte common cfg");

/* Its field offsets, for register-style access (and the widths in bits). */
#define VIRTIO_PCI_COMMON_DFSELECT      0x00 /* 32 device_feature_select */
#define VIRTIO_PCI_COMMON_DF            0x04 /* 32 device_feature */
#define VIRTIO_PCI_COMMON_GFSELECT      0x08 /* 32 driver_feature_select */
#define VIRTIO_PCI_COMMON_GF            0x0c /* 32 driver_feature */
#define VIRTIO_PCI_COMMON_MSIX          0x10 /* 16 config_msix_vector */
#define VIRTIO_PCI_COMMON_NUMQ          0x12 /* 16 num_queues */
#define VIRTIO_PCI_COMMON_STATUS        0x14 /* 8  device_status */
#define VIRTIO_PCI_COMMON_CFGGENERATION 0x15 /* 8  config_generation */
#define VIRTIO_PCI_COMMON_Q_SELECT      0x16 /* 16 queue_select */
#define VIRTIO_PCI_COMMON_Q_SIZE        0x18 /* 16 queue_size */
#define VIRTIO_PCI_COMMON_Q_MSIX        0x1a /* 16 queue_msix_vector */
#define VIRTIO_PCI_COMMON_Q_ENABLE      0x1c /* 16 queue_enable */
#define VIRTIO_PCI_COMMON_Q_NOFF        0x1e /* 16 queue_notify_off */
#define VIRTIO_PCI_COMMON_Q_DESCLO      0x20 /* 32 queue_desc, low */
#define VIRTIO_PCI_COMMON_Q_DESCHI      0x24 /* 32 queue_desc, high */
#define VIRTIO_PCI_COMMON_Q_AVAILLO     0x28 /* 32 queue_driver, low */
#define VIRTIO_PCI_COMMON_Q_AVAILHI     0x2c /* 32 queue_driver, high */
#define VIRTIO_PCI_COMMON_Q_USEDLO      0x30 /* 32 queue_device, low */
#define VIRTIO_PCI_COMMON_Q_USEDHI      0x34 /* 32 queue_device, high */
#define VIRTIO_PCI_COMMON_Q_NDATA       0x38 /* 16 queue_notif_config_data */
#define VIRTIO_PCI_COMMON_Q_RESET       0x3a /* 16 queue_reset */
#define VIRTIO_PCI_COMMON_ADM_Q_IDX     0x3c /* 16 admin_queue_index */
#define VIRTIO_PCI_COMMON_ADM_Q_NUM     0x3e /* 16 admin_queue_num */
#define VIRTIO_PCI_COMMON_AT(f, o) \
	_Static_assert(offsetof(struct virtio_pci_common_cfg, f) == (o), "common_cfg." #f)
VIRTIO_PCI_COMMON_AT(device_feature_select, VIRTIO_PCI_COMMON_DFSELECT);
VIRTIO_PCI_COMMON_AT(device_feature, VIRTIO_PCI_COMMON_DF);
VIRTIO_PCI_COMMON_AT(driver_feature_select, VIRTIO_PCI_COMMON_GFSELECT);
VIRTIO_PCI_COMMON_AT(driver_feature, VIRTIO_PCI_COMMON_GF);
VIRTIO_PCI_COMMON_AT(config_msix_vector, VIRTIO_PCI_COMMON_MSIX);
VIRTIO_PCI_COMMON_AT(num_queues, VIRTIO_PCI_COMMON_NUMQ);
VIRTIO_PCI_COMMON_AT(device_status, VIRTIO_PCI_COMMON_STATUS);
VIRTIO_PCI_COMMON_AT(config_generation, VIRTIO_PCI_COMMON_CFGGENERATION);
VIRTIO_PCI_COMMON_AT(queue_select, VIRTIO_PCI_COMMON_Q_SELECT);
VIRTIO_PCI_COMMON_AT(queue_size, VIRTIO_PCI_COMMON_Q_SIZE);
VIRTIO_PCI_COMMON_AT(queue_msix_vector, VIRTIO_PCI_COMMON_Q_MSIX);
VIRTIO_PCI_COMMON_AT(queue_enable, VIRTIO_PCI_COMMON_Q_ENABLE);
VIRTIO_PCI_COMMON_AT(queue_notify_off, VIRTIO_PCI_COMMON_Q_NOFF);
VIRTIO_PCI_COMMON_AT(queue_desc, VIRTIO_PCI_COMMON_Q_DESCLO);
VIRTIO_PCI_COMMON_AT(queue_driver, VIRTIO_PCI_COMMON_Q_AVAILLO);
VIRTIO_PCI_COMMON_AT(queue_device, VIRTIO_PCI_COMMON_Q_USEDLO);
VIRTIO_PCI_COMMON_AT(queue_notif_config_data, VIRTIO_PCI_COMMON_Q_NDATA);
VIRTIO_PCI_COMMON_AT(queue_reset, VIRTIO_PCI_COMMON_Q_RESET);
VIRTIO_PCI_COMMON_AT(admin_queue_index, VIRTIO_PCI_COMMON_ADM_Q_IDX);
VIRTIO_PCI_COMMON_AT(admin_queue_num, VIRTIO_PCI_COMMON_ADM_Q_NUM);
#undef VIRTIO_PCI_COMMON_AT

/* Notification capability (§4.1.4.4): a queue's doorbell is at
 * cap.offset + queue_notify_off * notify_off_multiplier in cap.bar. */
struct virtio_pci_notify_cap {
	struct virtio_pci_cap cap;           /* cfg_type VIRTIO_PCI_CAP_NOTIFY_CFG */
	virtio_le32_t notify_off_multiplier; /* bytes per queue_notify_off unit (0: one doorbell) */
};
_Static_assert(sizeof(struct virtio_pci_notify_cap) == 20, "§4.1.4.4: 20-byte notify cap");
#define VIRTIO_PCI_NOTIFY_CAP_MULT 16 /* offset of notify_off_multiplier */
#define VIRTIO_PCI_NOTIFY_CAP_SIZE 20
_Static_assert(offsetof(struct virtio_pci_notify_cap, notify_off_multiplier) ==
		       VIRTIO_PCI_NOTIFY_CAP_MULT, "notify_cap.notify_off_multiplier at 16");

/* ISR status byte (§4.1.4.5), INTx only: reading it clears it. */
#define VIRTIO_PCI_ISR_QUEUE  1u /* a queue has used buffers */
#define VIRTIO_PCI_ISR_CONFIG 2u /* the device configuration changed */

/* MSI-X vector value meaning "no vector" (§4.1.5.1.2). */
#define VIRTIO_MSI_NO_VECTOR 0xffffu

/* PCI configuration access capability (§4.1.4.9): a window onto any BAR
 * through configuration space; cap.bar, cap.offset, cap.length and
 * pci_cfg_data are read-write for the driver. */
struct virtio_pci_cfg_cap {
	struct virtio_pci_cap cap; /* cfg_type VIRTIO_PCI_CAP_PCI_CFG */
	uint8_t pci_cfg_data[4];   /* data of the access */
};
_Static_assert(sizeof(struct virtio_pci_cfg_cap) == 20, "§4.1.4.9: 20-byte cfg cap");
_Static_assert(offsetof(struct virtio_pci_cfg_cap, pci_cfg_data) == 16, "cfg_cap.pci_cfg_data at 16");

/* Vendor data capability (§4.1.4.8), followed by vendor-defined data. */
struct virtio_pci_vndr_data {
	uint8_t cap_vndr;        /* VIRTIO_PCI_CAP_ID_VNDR */
	uint8_t cap_next;        /* next capability */
	uint8_t cap_len;         /* length, a multiple of 4 */
	uint8_t cfg_type;        /* VIRTIO_PCI_CAP_VENDOR_CFG */
	virtio_le16_t vendor_id; /* PCI-SIG vendor ID of the data's format (never 0x1af4) */
};
_Static_assert(sizeof(struct virtio_pci_vndr_data) == 6, "§4.1.4.8: 6-byte vendor data head");
_Static_assert(offsetof(struct virtio_pci_vndr_data, vendor_id) == 4, "vndr_data.vendor_id at 4");

#endif
