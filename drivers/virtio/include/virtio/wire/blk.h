/*
 * VirtIO 1.3 wire format of the block device (§5.2): feature bits, the
 * configuration layout, request header and status, range segments,
 * lifetime and zoned-device structures.  Multi-byte fields are in the
 * device's order (virtio16_t ..: guest-endian on a legacy device), the
 * range segments little-endian.  Only <stdint.h>/<stddef.h> and common.h
 * (the byte-order types): includable alone.
 */
#ifndef VIRTIO_WIRE_BLK_H
#define VIRTIO_WIRE_BLK_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

/* Queues (§5.2.2): requestq1 .. requestqN (N = num_queues with MQ). */

/* Feature bits (§5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX     1  /* size_max: largest single segment */
#define VIRTIO_BLK_F_SEG_MAX      2  /* seg_max: most segments per request */
#define VIRTIO_BLK_F_GEOMETRY     4  /* geometry is valid */
#define VIRTIO_BLK_F_RO           5  /* read-only */
#define VIRTIO_BLK_F_BLK_SIZE     6  /* blk_size is valid */
#define VIRTIO_BLK_F_FLUSH        9  /* VIRTIO_BLK_T_FLUSH (legacy name: WCE) */
#define VIRTIO_BLK_F_TOPOLOGY     10 /* topology is valid */
#define VIRTIO_BLK_F_CONFIG_WCE   11 /* writeback is writable: the cache mode can change */
#define VIRTIO_BLK_F_MQ           12 /* num_queues request queues */
#define VIRTIO_BLK_F_DISCARD      13 /* VIRTIO_BLK_T_DISCARD and its limits */
#define VIRTIO_BLK_F_WRITE_ZEROES 14 /* VIRTIO_BLK_T_WRITE_ZEROES and its limits */
#define VIRTIO_BLK_F_LIFETIME     15 /* VIRTIO_BLK_T_GET_LIFETIME */
#define VIRTIO_BLK_F_SECURE_ERASE 16 /* VIRTIO_BLK_T_SECURE_ERASE and its limits */
#define VIRTIO_BLK_F_ZONED        17 /* a zoned block device: zoned is valid */
/* Legacy only (§5.2.3.1). */
#define VIRTIO_BLK_F_BARRIER      0  /* request barriers */
#define VIRTIO_BLK_F_SCSI         7  /* SCSI packet commands */

/* Configuration layout (§5.2.4); fields beyond capacity exist with their feature. */
struct virtio_blk_geometry {
	virtio16_t cylinders; /* cylinders */
	uint8_t heads;      /* heads */
	uint8_t sectors;    /* sectors per track */
};
struct virtio_blk_topology {
	uint8_t physical_block_exp; /* log2 of logical blocks per physical block */
	uint8_t alignment_offset;   /* offset of the first aligned logical block */
	virtio16_t min_io_size;     /* suggested minimum I/O, in logical blocks */
	virtio32_t opt_io_size;     /* optimal (suggested maximum) I/O, in blocks */
};
struct virtio_blk_zoned_characteristics {
	virtio32_t zone_sectors;       /* zone size, 512-byte sectors */
	virtio32_t max_open_zones;     /* most zones open at once (0: no limit) */
	virtio32_t max_active_zones;   /* most zones active at once (0: no limit) */
	virtio32_t max_append_sectors; /* largest ZONE_APPEND, 512-byte sectors */
	virtio32_t write_granularity;  /* write unit, bytes */
	uint8_t model;                 /* VIRTIO_BLK_Z_* */
	uint8_t unused2[3];            /* reserved */
};
struct virtio_blk_config {
	virtio64_t capacity;                           /* size, 512-byte sectors */
	virtio32_t size_max;                           /* largest segment (SIZE_MAX) */
	virtio32_t seg_max;                            /* most segments per request (SEG_MAX) */
	struct virtio_blk_geometry geometry;           /* GEOMETRY */
	virtio32_t blk_size;                           /* logical block size (BLK_SIZE) */
	struct virtio_blk_topology topology;           /* TOPOLOGY */
	uint8_t writeback;                             /* 1 writeback, 0 writethrough (CONFIG_WCE) */
	uint8_t unused0;                               /* reserved */
	virtio16_t num_queues;                         /* queues (MQ); the listing says u16 */
	virtio32_t max_discard_sectors;                /* per segment (DISCARD) */
	virtio32_t max_discard_seg;                    /* segments per request */
	virtio32_t discard_sector_alignment;           /* 512-byte sectors */
	virtio32_t max_write_zeroes_sectors;           /* per segment (WRITE_ZEROES) */
	virtio32_t max_write_zeroes_seg;               /* segments per request */
	uint8_t write_zeroes_may_unmap;                /* the device may unmap zeroed ranges */
	uint8_t unused1[3];                            /* reserved */
	virtio32_t max_secure_erase_sectors;           /* per segment (SECURE_ERASE) */
	virtio32_t max_secure_erase_seg;               /* segments per request */
	virtio32_t secure_erase_sector_alignment;      /* 512-byte sectors */
	struct virtio_blk_zoned_characteristics zoned; /* ZONED */
};

/* The same offsets, for reading configuration space one field at a time. */
#define VIRTIO_BLK_CFG_CAPACITY            0x00
#define VIRTIO_BLK_CFG_SIZE_MAX            0x08
#define VIRTIO_BLK_CFG_SEG_MAX             0x0c
#define VIRTIO_BLK_CFG_GEOMETRY            0x10 /* cylinders le16, heads u8, sectors u8 */
#define VIRTIO_BLK_CFG_BLK_SIZE            0x14
#define VIRTIO_BLK_CFG_PHYS_BLOCK_EXP      0x18 /* topology: u8 */
#define VIRTIO_BLK_CFG_ALIGNMENT_OFFSET    0x19 /* topology: u8 */
#define VIRTIO_BLK_CFG_MIN_IO_SIZE         0x1a /* topology: le16 */
#define VIRTIO_BLK_CFG_OPT_IO_SIZE         0x1c /* topology: le32 */
#define VIRTIO_BLK_CFG_WRITEBACK           0x20
#define VIRTIO_BLK_CFG_NUM_QUEUES          0x22
#define VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS 0x24
#define VIRTIO_BLK_CFG_MAX_DISCARD_SEG     0x28
#define VIRTIO_BLK_CFG_DISCARD_ALIGNMENT   0x2c
#define VIRTIO_BLK_CFG_MAX_WZ_SECTORS      0x30
#define VIRTIO_BLK_CFG_MAX_WZ_SEG          0x34
#define VIRTIO_BLK_CFG_WZ_MAY_UNMAP        0x38
#define VIRTIO_BLK_CFG_MAX_SE_SECTORS      0x3c
#define VIRTIO_BLK_CFG_MAX_SE_SEG          0x40
#define VIRTIO_BLK_CFG_SE_ALIGNMENT        0x44
#define VIRTIO_BLK_CFG_ZONED               0x48 /* struct virtio_blk_zoned_characteristics */
#define VIRTIO_BLK_CFG_AT(f, o) \
	_Static_assert(offsetof(struct virtio_blk_config, f) == (o), "virtio_blk_config." #f)
VIRTIO_BLK_CFG_AT(capacity, VIRTIO_BLK_CFG_CAPACITY);
VIRTIO_BLK_CFG_AT(size_max, VIRTIO_BLK_CFG_SIZE_MAX);
VIRTIO_BLK_CFG_AT(seg_max, VIRTIO_BLK_CFG_SEG_MAX);
VIRTIO_BLK_CFG_AT(geometry, VIRTIO_BLK_CFG_GEOMETRY);
VIRTIO_BLK_CFG_AT(geometry.cylinders, 0x10);
VIRTIO_BLK_CFG_AT(geometry.heads, 0x12);
VIRTIO_BLK_CFG_AT(geometry.sectors, 0x13);
VIRTIO_BLK_CFG_AT(blk_size, VIRTIO_BLK_CFG_BLK_SIZE);
VIRTIO_BLK_CFG_AT(topology.physical_block_exp, VIRTIO_BLK_CFG_PHYS_BLOCK_EXP);
VIRTIO_BLK_CFG_AT(topology.alignment_offset, VIRTIO_BLK_CFG_ALIGNMENT_OFFSET);
VIRTIO_BLK_CFG_AT(topology.min_io_size, VIRTIO_BLK_CFG_MIN_IO_SIZE);
VIRTIO_BLK_CFG_AT(topology.opt_io_size, VIRTIO_BLK_CFG_OPT_IO_SIZE);
VIRTIO_BLK_CFG_AT(writeback, VIRTIO_BLK_CFG_WRITEBACK);
VIRTIO_BLK_CFG_AT(unused0, 0x21);
VIRTIO_BLK_CFG_AT(num_queues, VIRTIO_BLK_CFG_NUM_QUEUES);
VIRTIO_BLK_CFG_AT(max_discard_sectors, VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS);
VIRTIO_BLK_CFG_AT(max_discard_seg, VIRTIO_BLK_CFG_MAX_DISCARD_SEG);
VIRTIO_BLK_CFG_AT(discard_sector_alignment, VIRTIO_BLK_CFG_DISCARD_ALIGNMENT);
VIRTIO_BLK_CFG_AT(max_write_zeroes_sectors, VIRTIO_BLK_CFG_MAX_WZ_SECTORS);
VIRTIO_BLK_CFG_AT(max_write_zeroes_seg, VIRTIO_BLK_CFG_MAX_WZ_SEG);
VIRTIO_BLK_CFG_AT(write_zeroes_may_unmap, VIRTIO_BLK_CFG_WZ_MAY_UNMAP);
VIRTIO_BLK_CFG_AT(unused1, 0x39);
VIRTIO_BLK_CFG_AT(max_secure_erase_sectors, VIRTIO_BLK_CFG_MAX_SE_SECTORS);
VIRTIO_BLK_CFG_AT(max_secure_erase_seg, VIRTIO_BLK_CFG_MAX_SE_SEG);
VIRTIO_BLK_CFG_AT(secure_erase_sector_alignment, VIRTIO_BLK_CFG_SE_ALIGNMENT);
VIRTIO_BLK_CFG_AT(zoned, VIRTIO_BLK_CFG_ZONED);
VIRTIO_BLK_CFG_AT(zoned.zone_sectors, 0x48);
VIRTIO_BLK_CFG_AT(zoned.max_open_zones, 0x4c);
VIRTIO_BLK_CFG_AT(zoned.max_active_zones, 0x50);
VIRTIO_BLK_CFG_AT(zoned.max_append_sectors, 0x54);
VIRTIO_BLK_CFG_AT(zoned.write_granularity, 0x58);
VIRTIO_BLK_CFG_AT(zoned.model, 0x5c);
VIRTIO_BLK_CFG_AT(zoned.unused2, 0x5d);
#undef VIRTIO_BLK_CFG_AT
_Static_assert(sizeof(struct virtio_blk_config) == 0x60, "§5.2.4: 96-byte configuration");
_Static_assert(sizeof(struct virtio_blk_geometry) == 4, "§5.2.4: 4-byte geometry");
_Static_assert(sizeof(struct virtio_blk_topology) == 8, "§5.2.4: 8-byte topology");
_Static_assert(sizeof(struct virtio_blk_zoned_characteristics) == 24, "§5.2.4: 24-byte zoned");

/* zoned.model (§5.2.4). */
#define VIRTIO_BLK_Z_NONE 0 /* not zoned (host-aware devices may report it) */
#define VIRTIO_BLK_Z_HM   1 /* host-managed */
#define VIRTIO_BLK_Z_HA   2 /* host-aware */

/* Request types (§5.2.6). */
#define VIRTIO_BLK_T_IN           0u  /* read */
#define VIRTIO_BLK_T_OUT          1u  /* write */
#define VIRTIO_BLK_T_FLUSH        4u  /* flush the write cache */
#define VIRTIO_BLK_T_GET_ID       8u  /* the device ID string, 20 bytes */
#define VIRTIO_BLK_T_GET_LIFETIME 10u /* struct virtio_blk_lifetime */
#define VIRTIO_BLK_T_DISCARD      11u /* discard ranges */
#define VIRTIO_BLK_T_WRITE_ZEROES 13u /* zero ranges */
#define VIRTIO_BLK_T_SECURE_ERASE 14u /* securely erase ranges */
/* Zoned devices only (§5.2.6, ZONED). */
#define VIRTIO_BLK_T_ZONE_APPEND    15u /* write at the write pointer (struct virtio_blk_req_za) */
#define VIRTIO_BLK_T_ZONE_REPORT    16u /* struct virtio_blk_zone_report */
#define VIRTIO_BLK_T_ZONE_OPEN      18u /* explicitly open the zone at sector */
#define VIRTIO_BLK_T_ZONE_CLOSE     20u /* close it */
#define VIRTIO_BLK_T_ZONE_FINISH    22u /* move it to full */
#define VIRTIO_BLK_T_ZONE_RESET     24u /* reset its write pointer */
#define VIRTIO_BLK_T_ZONE_RESET_ALL 26u /* reset every zone */

/* The status byte, last in every request (§5.2.6), device-writable. */
#define VIRTIO_BLK_S_OK     0u /* success */
#define VIRTIO_BLK_S_IOERR  1u /* device or driver error */
#define VIRTIO_BLK_S_UNSUPP 2u /* request unsupported */
#define VIRTIO_BLK_S_ZONE_INVALID_CMD     3u /* zoned: invalid in the zone's state */
#define VIRTIO_BLK_S_ZONE_UNALIGNED_WP    4u /* zoned: write not at the write pointer */
#define VIRTIO_BLK_S_ZONE_OPEN_RESOURCE   5u /* zoned: too many open zones */
#define VIRTIO_BLK_S_ZONE_ACTIVE_RESOURCE 6u /* zoned: too many active zones */

#define VIRTIO_BLK_SECTOR   512u /* unit of every sector number (§5.2.6) */
#define VIRTIO_BLK_ID_BYTES 20u  /* GET_ID answer: NUL-padded, no NUL when 20 long */

/* Request header: the device-readable start of struct virtio_blk_req
 * (§5.2.6); data buffers and the status byte follow. */
struct virtio_blk_req_hdr {
	virtio32_t type;     /* VIRTIO_BLK_T_* */
	virtio32_t reserved; /* 0 */
	virtio64_t sector;   /* offset in 512-byte units (IN, OUT, zone commands) */
};
_Static_assert(sizeof(struct virtio_blk_req_hdr) == 16, "§5.2.6: 16-byte header");
_Static_assert(offsetof(struct virtio_blk_req_hdr, type) == 0, "req_hdr.type at 0");
_Static_assert(offsetof(struct virtio_blk_req_hdr, reserved) == 4, "req_hdr.reserved at 4");
_Static_assert(offsetof(struct virtio_blk_req_hdr, sector) == 8, "req_hdr.sector at 8");

/* Discard / write-zeroes / secure-erase segment (§5.2.6; the spec's struct
 * virtio_blk_discard_write_zeroes), device-readable data of those requests. */
#define VIRTIO_BLK_WZ_F_UNMAP 1u /* flags bit 0, `unmap`: write-zeroes may deallocate */
struct virtio_blk_range_seg {
	virtio_le64_t sector;      /* first sector of the range */
	virtio_le32_t num_sectors; /* its length in sectors */
	virtio_le32_t flags;       /* VIRTIO_BLK_WZ_F_UNMAP (write-zeroes only); rest reserved */
};
_Static_assert(sizeof(struct virtio_blk_range_seg) == 16, "§5.2.6: 16-byte segment");
_Static_assert(offsetof(struct virtio_blk_range_seg, sector) == 0, "range_seg.sector at 0");
_Static_assert(offsetof(struct virtio_blk_range_seg, num_sectors) == 8, "range_seg.num_sectors at 8");
_Static_assert(offsetof(struct virtio_blk_range_seg, flags) == 12, "range_seg.flags at 12");

/* GET_LIFETIME answer (§5.2.6), device-writable. */
struct virtio_blk_lifetime {
	virtio16_t pre_eol_info;              /* VIRTIO_BLK_PRE_EOL_INFO_* */
	virtio16_t device_lifetime_est_typ_a; /* SLC wear, tenths used (11: exceeded) */
	virtio16_t device_lifetime_est_typ_b; /* MLC wear, same scale */
};
_Static_assert(sizeof(struct virtio_blk_lifetime) == 6, "§5.2.6: 6-byte lifetime");
_Static_assert(offsetof(struct virtio_blk_lifetime, device_lifetime_est_typ_a) == 2,
	       "lifetime.device_lifetime_est_typ_a at 2");
_Static_assert(offsetof(struct virtio_blk_lifetime, device_lifetime_est_typ_b) == 4,
	       "lifetime.device_lifetime_est_typ_b at 4");
#define VIRTIO_BLK_PRE_EOL_INFO_UNDEFINED 0 /* not available */
#define VIRTIO_BLK_PRE_EOL_INFO_NORMAL    1 /* < 80% of reserved blocks consumed */
#define VIRTIO_BLK_PRE_EOL_INFO_WARNING   2 /* 80% consumed */
#define VIRTIO_BLK_PRE_EOL_INFO_URGENT    3 /* 90% consumed */

/* ZONE_APPEND (struct virtio_blk_req_za, §5.2.6): after the data the device
 * writes a le64 append_sector (where the data went), then the status byte. */

/* ZONE_REPORT answer (§5.2.6): a header, then nr_zones descriptors. */
struct virtio_blk_zone_descriptor {
	virtio64_t z_cap;      /* zone capacity, sectors */
	virtio64_t z_start;    /* first sector of the zone */
	virtio64_t z_wp;       /* write pointer, sector */
	uint8_t z_type;        /* VIRTIO_BLK_ZT_* */
	uint8_t z_state;       /* VIRTIO_BLK_ZS_* */
	uint8_t reserved[38];  /* reserved */
};
_Static_assert(sizeof(struct virtio_blk_zone_descriptor) == 64, "§5.2.6: 64-byte zone descriptor");
_Static_assert(offsetof(struct virtio_blk_zone_descriptor, z_start) == 8, "zone.z_start at 8");
_Static_assert(offsetof(struct virtio_blk_zone_descriptor, z_wp) == 16, "zone.z_wp at 16");
_Static_assert(offsetof(struct virtio_blk_zone_descriptor, z_type) == 24, "zone.z_type at 24");
_Static_assert(offsetof(struct virtio_blk_zone_descriptor, z_state) == 25, "zone.z_state at 25");
_Static_assert(offsetof(struct virtio_blk_zone_descriptor, reserved) == 26, "zone.reserved at 26");
struct virtio_blk_zone_report {
	virtio64_t nr_zones;                       /* descriptors fully transferred */
	uint8_t reserved[56];                      /* reserved */
	struct virtio_blk_zone_descriptor zones[]; /* [nr_zones] */
};
_Static_assert(offsetof(struct virtio_blk_zone_report, reserved) == 8, "report.reserved at 8");
_Static_assert(offsetof(struct virtio_blk_zone_report, zones) == 64, "report.zones at 64");
#define VIRTIO_BLK_ZT_CONV 1 /* conventional zone */
#define VIRTIO_BLK_ZT_SWR  2 /* sequential write required */
#define VIRTIO_BLK_ZT_SWP  3 /* sequential write preferred */
#define VIRTIO_BLK_ZS_NOT_WP  0  /* no write pointer (conventional) */
#define VIRTIO_BLK_ZS_EMPTY   1  /* empty */
#define VIRTIO_BLK_ZS_IOPEN   2  /* implicitly open */
#define VIRTIO_BLK_ZS_EOPEN   3  /* explicitly open */
#define VIRTIO_BLK_ZS_CLOSED  4  /* closed */
#define VIRTIO_BLK_ZS_RDONLY  13 /* read-only */
#define VIRTIO_BLK_ZS_FULL    14 /* full */
#define VIRTIO_BLK_ZS_OFFLINE 15 /* offline */

#endif
