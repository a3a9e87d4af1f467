/*
 * VirtIO 1.3 wire format of the network device (§5.1): queues, feature
 * bits, the configuration layout, the per-packet header (all its forms),
 * hash types and reports, and the control queue's classes, commands and
 * command data.  The configuration, the packet header and the commands a
 * legacy device has are in the device's order (virtio16_t ..: guest-endian
 * on a legacy interface), the rest little-endian.  Only <stdint.h>,
 * <stddef.h> and common.h (the byte-order types): includable alone.
 */
#ifndef VIRTIO_WIRE_NET_H
#define VIRTIO_WIRE_NET_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

/* Queues (§5.1.2): pair k (0-based) is receiveq 2k, transmitq 2k+1;
 * N = 1 pair unless MQ or RSS is negotiated (then max_virtqueue_pairs);
 * the controlq, with CTRL_VQ only, comes after the last pair. */
#define VIRTIO_NET_QUEUE_RX(k)    (2u * (unsigned)(k))
#define VIRTIO_NET_QUEUE_TX(k)    (2u * (unsigned)(k) + 1u)
#define VIRTIO_NET_QUEUE_CTRL(n)  (2u * (unsigned)(n)) /* n = number of pairs */

/* Feature bits (§5.1.3); "guest" = the driver receives, "host" = the device. */
#define VIRTIO_NET_F_CSUM                0  /* device takes packets with partial checksum */
#define VIRTIO_NET_F_GUEST_CSUM          1  /* driver takes packets with partial checksum */
#define VIRTIO_NET_F_CTRL_GUEST_OFFLOADS 2  /* offloads reconfigurable on the control queue */
#define VIRTIO_NET_F_MTU                 3  /* mtu is valid: the maximum MTU */
#define VIRTIO_NET_F_MAC                 5  /* mac is valid */
#define VIRTIO_NET_F_GUEST_TSO4          7  /* driver receives TSOv4 (needs GUEST_CSUM) */
#define VIRTIO_NET_F_GUEST_TSO6          8  /* driver receives TSOv6 (needs GUEST_CSUM) */
#define VIRTIO_NET_F_GUEST_ECN           9  /* driver receives TSO with ECN */
#define VIRTIO_NET_F_GUEST_UFO           10 /* driver receives UFO (needs GUEST_CSUM) */
#define VIRTIO_NET_F_HOST_TSO4           11 /* device takes TSOv4 (needs CSUM) */
#define VIRTIO_NET_F_HOST_TSO6           12 /* device takes TSOv6 (needs CSUM) */
#define VIRTIO_NET_F_HOST_ECN            13 /* device takes TSO with ECN */
#define VIRTIO_NET_F_HOST_UFO            14 /* device takes UFO (needs CSUM) */
#define VIRTIO_NET_F_MRG_RXBUF           15 /* a received packet may span several buffers */
#define VIRTIO_NET_F_STATUS              16 /* status is valid */
#define VIRTIO_NET_F_CTRL_VQ             17 /* the control queue exists */
#define VIRTIO_NET_F_CTRL_RX             18 /* receive modes via the control queue */
#define VIRTIO_NET_F_CTRL_VLAN           19 /* VLAN filtering via the control queue */
#define VIRTIO_NET_F_CTRL_RX_EXTRA       20 /* extra receive modes via the control queue */
#define VIRTIO_NET_F_GUEST_ANNOUNCE      21 /* driver can send gratuitous packets */
#define VIRTIO_NET_F_MQ                  22 /* multiqueue with automatic receive steering */
#define VIRTIO_NET_F_CTRL_MAC_ADDR       23 /* MAC address set via the control queue */
#define VIRTIO_NET_F_HASH_TUNNEL         51 /* inner header hash of encapsulated packets */
#define VIRTIO_NET_F_VQ_NOTF_COAL        52 /* per-queue notification coalescing */
#define VIRTIO_NET_F_NOTF_COAL           53 /* notification coalescing */
#define VIRTIO_NET_F_GUEST_USO4          54 /* driver receives USOv4 (needs GUEST_CSUM) */
#define VIRTIO_NET_F_GUEST_USO6          55 /* driver receives USOv6 (needs GUEST_CSUM) */
#define VIRTIO_NET_F_HOST_USO            56 /* device takes USO (needs CSUM) */
#define VIRTIO_NET_F_HASH_REPORT         57 /* device reports a hash per received packet */
#define VIRTIO_NET_F_GUEST_HDRLEN        59 /* driver gives the exact hdr_len */
#define VIRTIO_NET_F_RSS                 60 /* receive-side scaling, Toeplitz hash */
#define VIRTIO_NET_F_RSC_EXT             61 /* device reports coalesced segments and dup ACKs */
#define VIRTIO_NET_F_STANDBY             62 /* standby for a primary with the same MAC */
#define VIRTIO_NET_F_SPEED_DUPLEX        63 /* speed and duplex are valid */
/* Legacy only (§5.1.3.2). */
#define VIRTIO_NET_F_GSO                 6  /* any GSO type */
#define VIRTIO_NET_F_GUEST_RSC4          41 /* device coalesces TCP/IPv4 */
#define VIRTIO_NET_F_GUEST_RSC6          42 /* device coalesces TCP/IPv6 */

/* Configuration layout (§5.1.4); read-only for the driver. */
struct virtio_net_config {
	uint8_t mac[6];                              /* MAC address (F_MAC) */
	virtio16_t status;                           /* VIRTIO_NET_S_* (F_STATUS) */
	virtio16_t max_virtqueue_pairs;              /* 1..0x8000 (F_MQ or F_RSS) */
	virtio16_t mtu;                              /* 68..65535 (F_MTU) */
	virtio32_t speed;                            /* Mbit/s, 0xffffffff unknown (F_SPEED_DUPLEX) */
	uint8_t duplex;                              /* VIRTIO_NET_DUPLEX_* (F_SPEED_DUPLEX) */
	uint8_t rss_max_key_size;                    /* largest RSS key, >= 40 (F_RSS or F_HASH_REPORT) */
	virtio16_t rss_max_indirection_table_length; /* >= 128 entries (F_RSS) */
	virtio32_t supported_hash_types;             /* VIRTIO_NET_HASH_TYPE_* (F_RSS or F_HASH_REPORT) */
	virtio32_t supported_tunnel_types;           /* VIRTIO_NET_HASH_TUNNEL_TYPE_* (F_HASH_TUNNEL) */
};
_Static_assert(sizeof(struct virtio_net_config) == 28, "§5.1.4: 28-byte configuration");
#define VIRTIO_NET_CFG_AT(f, o) \
	_Static_assert(offsetof(struct virtio_net_config, f) == (o), "virtio_net_config." #f)
VIRTIO_NET_CFG_AT(mac, 0);
VIRTIO_NET_CFG_AT(status, 6);
VIRTIO_NET_CFG_AT(max_virtqueue_pairs, 8);
VIRTIO_NET_CFG_AT(mtu, 10);
VIRTIO_NET_CFG_AT(speed, 12);
VIRTIO_NET_CFG_AT(duplex, 16);
VIRTIO_NET_CFG_AT(rss_max_key_size, 17);
VIRTIO_NET_CFG_AT(rss_max_indirection_table_length, 18);
VIRTIO_NET_CFG_AT(supported_hash_types, 20);
VIRTIO_NET_CFG_AT(supported_tunnel_types, 24);
#undef VIRTIO_NET_CFG_AT

#define VIRTIO_NET_S_LINK_UP  1u /* status: the link is up */
#define VIRTIO_NET_S_ANNOUNCE 2u /* status: send gratuitous packets, then ANNOUNCE_ACK */

/* duplex.  The descriptive text of §5.1.4 gives 1 = full, 0 = half, the
 * device-normative text the reverse; devices (and Linux) use 1 = full. */
#define VIRTIO_NET_DUPLEX_HALF    0x00u
#define VIRTIO_NET_DUPLEX_FULL    0x01u
#define VIRTIO_NET_DUPLEX_UNKNOWN 0xffu
#define VIRTIO_NET_SPEED_UNKNOWN  0xffffffffu /* speed; above 0x7fffffff is unknown too */

/*
 * The header before every packet, both directions (§5.1.6).  With
 * VERSION_1 it is always this 12-byte form (num_buffers present even
 * without MRG_RXBUF); HASH_REPORT extends it (struct virtio_net_hdr_hash);
 * only a legacy interface without MRG_RXBUF uses the 10-byte form
 * (struct virtio_net_hdr_legacy, §5.1.6.1).
 */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1u /* flags: checksum csum_start..end, store at +csum_offset */
#define VIRTIO_NET_HDR_F_DATA_VALID 2u /* flags (receive): the checksum was validated */
#define VIRTIO_NET_HDR_F_RSC_INFO   4u /* flags (receive): csum_* carry RSC counts (RSC_EXT) */
#define VIRTIO_NET_HDR_GSO_NONE     0u    /* gso_type: not a GSO packet */
#define VIRTIO_NET_HDR_GSO_TCPV4    1u    /* gso_type: TCPv4 segmentation */
#define VIRTIO_NET_HDR_GSO_UDP      3u    /* gso_type: UDP fragmentation (UFO) */
#define VIRTIO_NET_HDR_GSO_TCPV6    4u    /* gso_type: TCPv6 segmentation */
#define VIRTIO_NET_HDR_GSO_UDP_L4   5u    /* gso_type: UDP segmentation (USO) */
#define VIRTIO_NET_HDR_GSO_ECN      0x80u /* gso_type bit: TCP with ECN (CWR) */
struct virtio_net_hdr {
	uint8_t flags;          /* VIRTIO_NET_HDR_F_* */
	uint8_t gso_type;       /* VIRTIO_NET_HDR_GSO_* */
	virtio16_t hdr_len;     /* length of the headers to replicate per segment */
	virtio16_t gso_size;    /* payload bytes per segment */
	virtio16_t csum_start;  /* where checksumming starts (RSC: coalesced segments) */
	virtio16_t csum_offset; /* where from csum_start to store it (RSC: dup ACKs) */
	virtio16_t num_buffers; /* buffers of a received packet (MRG_RXBUF), else 1; transmit: 0 */
};
_Static_assert(sizeof(struct virtio_net_hdr) == 12, "§5.1.6: 12-byte header");
#define VIRTIO_NET_HDR_AT(f, o) \
	_Static_assert(offsetof(struct virtio_net_hdr, f) == (o), "virtio_net_hdr." #f)
VIRTIO_NET_HDR_AT(flags, 0);
VIRTIO_NET_HDR_AT(gso_type, 1);
VIRTIO_NET_HDR_AT(hdr_len, 2);
VIRTIO_NET_HDR_AT(gso_size, 4);
VIRTIO_NET_HDR_AT(csum_start, 6);
VIRTIO_NET_HDR_AT(csum_offset, 8);
VIRTIO_NET_HDR_AT(num_buffers, 10);
#undef VIRTIO_NET_HDR_AT

/* The 10-byte legacy form: no num_buffers (legacy, MRG_RXBUF not negotiated). */
struct virtio_net_hdr_legacy {
	uint8_t flags;          /* VIRTIO_NET_HDR_F_* */
	uint8_t gso_type;       /* VIRTIO_NET_HDR_GSO_* */
	virtio16_t hdr_len;     /* header length */
	virtio16_t gso_size;    /* payload bytes per segment */
	virtio16_t csum_start;  /* where checksumming starts */
	virtio16_t csum_offset; /* where from csum_start to store it */
};
_Static_assert(sizeof(struct virtio_net_hdr_legacy) == 10, "§5.1.6.1: 10-byte legacy header");
_Static_assert(offsetof(struct virtio_net_hdr_legacy, csum_offset) == 8, "hdr_legacy.csum_offset at 8");

/* The 20-byte form with HASH_REPORT (§5.1.6, §5.1.6.4.5): the hash follows. */
struct virtio_net_hdr_hash {
	struct virtio_net_hdr hdr;      /* the 12-byte header */
	virtio_le32_t hash_value;       /* the calculated hash */
	virtio_le16_t hash_report;      /* VIRTIO_NET_HASH_REPORT_* */
	virtio_le16_t padding_reserved; /* reserved */
};
_Static_assert(sizeof(struct virtio_net_hdr_hash) == 20, "§5.1.6: 20-byte hash header");
_Static_assert(offsetof(struct virtio_net_hdr_hash, hash_value) == 12, "hdr_hash.hash_value at 12");
_Static_assert(offsetof(struct virtio_net_hdr_hash, hash_report) == 16, "hdr_hash.hash_report at 16");
_Static_assert(offsetof(struct virtio_net_hdr_hash, padding_reserved) == 18,
	       "hdr_hash.padding_reserved at 18");

/* Receive buffer sizes without MRG_RXBUF (§5.1.6.3): header + frame. */
#define VIRTIO_NET_RX_BUF_BYTES     1526u  /* 12 + 1514 */
#define VIRTIO_NET_RX_BUF_BYTES_GSO 65562u /* 12 + 65550, with GUEST_TSO/UFO/USO */

/* Hash types (§5.1.6.4.3): supported_hash_types, hash_types of the commands. */
#define VIRTIO_NET_HASH_TYPE_IPv4   (1u << 0)
#define VIRTIO_NET_HASH_TYPE_TCPv4  (1u << 1)
#define VIRTIO_NET_HASH_TYPE_UDPv4  (1u << 2)
#define VIRTIO_NET_HASH_TYPE_IPv6   (1u << 3)
#define VIRTIO_NET_HASH_TYPE_TCPv6  (1u << 4)
#define VIRTIO_NET_HASH_TYPE_UDPv6  (1u << 5)
#define VIRTIO_NET_HASH_TYPE_IP_EX  (1u << 6)
#define VIRTIO_NET_HASH_TYPE_TCP_EX (1u << 7)
#define VIRTIO_NET_HASH_TYPE_UDP_EX (1u << 8)

/* Encapsulation types for the inner header hash (§5.1.6.4.4, HASH_TUNNEL). */
#define VIRTIO_NET_HASH_TUNNEL_TYPE_GRE_2784  (1u << 0) /* RFC 2784 */
#define VIRTIO_NET_HASH_TUNNEL_TYPE_GRE_2890  (1u << 1) /* RFC 2890 */
#define VIRTIO_NET_HASH_TUNNEL_TYPE_GRE_7676  (1u << 2) /* RFC 7676 */
#define VIRTIO_NET_HASH_TUNNEL_TYPE_GRE_UDP   (1u << 3) /* GRE-in-UDP, RFC 8086 */
#define VIRTIO_NET_HASH_TUNNEL_TYPE_VXLAN     (1u << 4)
#define VIRTIO_NET_HASH_TUNNEL_TYPE_VXLAN_GPE (1u << 5)
#define VIRTIO_NET_HASH_TUNNEL_TYPE_GENEVE    (1u << 6)
#define VIRTIO_NET_HASH_TUNNEL_TYPE_IPIP      (1u << 7)
#define VIRTIO_NET_HASH_TUNNEL_TYPE_NVGRE     (1u << 8)

/* hash_report values (§5.1.6.4.5): HASH_TYPE_x = 1 << (HASH_REPORT_x - 1). */
#define VIRTIO_NET_HASH_REPORT_NONE     0u /* no hash calculated */
#define VIRTIO_NET_HASH_REPORT_IPv4     1u
#define VIRTIO_NET_HASH_REPORT_TCPv4    2u
#define VIRTIO_NET_HASH_REPORT_UDPv4    3u
#define VIRTIO_NET_HASH_REPORT_IPv6     4u
#define VIRTIO_NET_HASH_REPORT_TCPv6    5u
#define VIRTIO_NET_HASH_REPORT_UDPv6    6u
#define VIRTIO_NET_HASH_REPORT_IPv6_EX  7u
#define VIRTIO_NET_HASH_REPORT_TCPv6_EX 8u
#define VIRTIO_NET_HASH_REPORT_UDPv6_EX 9u

/*
 * Control queue (§5.1.6.5), CTRL_VQ.  Every command is a device-readable
 * struct virtio_net_ctrl_hdr, the command-specific data, then one
 * device-writable ack byte.
 */
struct virtio_net_ctrl_hdr {
	uint8_t class;   /* VIRTIO_NET_CTRL_* class */
	uint8_t command; /* command within the class */
};
_Static_assert(sizeof(struct virtio_net_ctrl_hdr) == 2, "§5.1.6.5: 2-byte command header");
_Static_assert(offsetof(struct virtio_net_ctrl_hdr, command) == 1, "ctrl_hdr.command at 1");
/* The ack byte, device-writable, last in every command. */
#define VIRTIO_NET_OK  0u /* ack: done */
#define VIRTIO_NET_ERR 1u /* ack: failed */

/* Receive filtering (§5.1.6.5.1), CTRL_RX; data: one u8, 1 on / 0 off. */
#define VIRTIO_NET_CTRL_RX          0
#define VIRTIO_NET_CTRL_RX_PROMISC  0 /* promiscuous */
#define VIRTIO_NET_CTRL_RX_ALLMULTI 1 /* all multicast */
#define VIRTIO_NET_CTRL_RX_ALLUNI   2 /* all unicast (CTRL_RX_EXTRA) */
#define VIRTIO_NET_CTRL_RX_NOMULTI  3 /* no multicast (CTRL_RX_EXTRA) */
#define VIRTIO_NET_CTRL_RX_NOUNI    4 /* no unicast (CTRL_RX_EXTRA) */
#define VIRTIO_NET_CTRL_RX_NOBCAST  5 /* no broadcast (CTRL_RX_EXTRA) */

/* MAC filtering (§5.1.6.5.2).  TABLE_SET data: two tables (unicast, then
 * multicast), each a struct virtio_net_ctrl_mac; ADDR_SET data: 6 bytes. */
#define VIRTIO_NET_CTRL_MAC           1
#define VIRTIO_NET_CTRL_MAC_TABLE_SET 0
#define VIRTIO_NET_CTRL_MAC_ADDR_SET  1 /* CTRL_MAC_ADDR */
struct virtio_net_ctrl_mac {
	virtio32_t entries;  /* addresses that follow */
	uint8_t macs[][6];   /* [entries] MAC addresses */
};
_Static_assert(offsetof(struct virtio_net_ctrl_mac, macs) == 4, "ctrl_mac.macs at 4");

/* VLAN filtering (§5.1.6.5.3), CTRL_VLAN; data: a le16 VLAN id. */
#define VIRTIO_NET_CTRL_VLAN     2
#define VIRTIO_NET_CTRL_VLAN_ADD 0
#define VIRTIO_NET_CTRL_VLAN_DEL 1

/* Gratuitous packets (§5.1.6.5.4), GUEST_ANNOUNCE; no data: acknowledges
 * VIRTIO_NET_S_ANNOUNCE. */
#define VIRTIO_NET_CTRL_ANNOUNCE     3
#define VIRTIO_NET_CTRL_ANNOUNCE_ACK 0

/* Multiqueue (§5.1.6.5.5-7): the last command sent selects the mode. */
#define VIRTIO_NET_CTRL_MQ                4
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET   0 /* automatic steering (MQ): struct virtio_net_ctrl_mq_pairs_set */
#define VIRTIO_NET_CTRL_MQ_RSS_CONFIG     1 /* RSS: struct virtio_net_rss_config */
#define VIRTIO_NET_CTRL_MQ_HASH_CONFIG    2 /* hash reporting: struct virtio_net_hash_config */
struct virtio_net_ctrl_mq_pairs_set {
	virtio16_t virtqueue_pairs; /* pairs to use, MIN..max_virtqueue_pairs */
};
_Static_assert(sizeof(struct virtio_net_ctrl_mq_pairs_set) == 2, "§5.1.6.5.6: 2-byte pairs_set");
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN 1u
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX 0x8000u

/* HASH_CONFIG data (§5.1.6.5.6): laid out like the RSS data with the
 * table fields reserved. */
struct virtio_net_hash_config {
	virtio_le32_t hash_types;  /* VIRTIO_NET_HASH_TYPE_* enabled */
	virtio_le16_t reserved[4]; /* zero */
	uint8_t hash_key_length;   /* bytes of hash_key_data */
	uint8_t hash_key_data[];   /* [hash_key_length] */
};
_Static_assert(offsetof(struct virtio_net_hash_config, reserved) == 4, "hash_config.reserved at 4");
_Static_assert(offsetof(struct virtio_net_hash_config, hash_key_length) == 12,
	       "hash_config.hash_key_length at 12");
_Static_assert(offsetof(struct virtio_net_hash_config, hash_key_data) == 13,
	       "hash_config.hash_key_data at 13");

/*
 * RSS_CONFIG data (§5.1.6.5.7), variable in the middle, so in two parts:
 * struct virtio_net_rss_config (with indirection_table_mask + 1 table
 * entries), then struct virtio_net_rss_config_tail.  A receive queue id
 * (the spec's struct rss_rq_id) is a le16 holding bits 1-16 of the
 * receiveq's virtqueue index in its low 15 bits, bit 15 zero.
 */
#define VIRTIO_NET_RSS_RQ_ID(vq_index) ((uint16_t)(((vq_index) >> 1) & 0x7fffu))
struct virtio_net_rss_config {
	virtio_le32_t hash_types;             /* VIRTIO_NET_HASH_TYPE_* enabled */
	virtio_le16_t indirection_table_mask; /* applied to the hash; table has mask + 1 entries */
	virtio_le16_t unclassified_queue;     /* rss_rq_id: where unhashed packets go */
	virtio_le16_t indirection_table[];    /* rss_rq_id [mask + 1], a power of two */
};
_Static_assert(offsetof(struct virtio_net_rss_config, indirection_table_mask) == 4,
	       "rss_config.indirection_table_mask at 4");
_Static_assert(offsetof(struct virtio_net_rss_config, unclassified_queue) == 6,
	       "rss_config.unclassified_queue at 6");
_Static_assert(offsetof(struct virtio_net_rss_config, indirection_table) == 8,
	       "rss_config.indirection_table at 8");
struct virtio_net_rss_config_tail {
	virtio_le16_t max_tx_vq; /* transmit queues the device may use */
	uint8_t hash_key_length; /* bytes of hash_key_data */
	uint8_t hash_key_data[]; /* [hash_key_length] */
};
_Static_assert(offsetof(struct virtio_net_rss_config_tail, hash_key_length) == 2,
	       "rss_config_tail.hash_key_length at 2");
_Static_assert(offsetof(struct virtio_net_rss_config_tail, hash_key_data) == 3,
	       "rss_config_tail.hash_key_data at 3");

/* Offloads (§5.1.6.5.8), CTRL_GUEST_OFFLOADS; data: a le64 mask of the
 * VIRTIO_NET_F_GUEST_* bits (CSUM, TSO4, TSO6, ECN, UFO, USO4, USO6) to enable. */
#define VIRTIO_NET_CTRL_GUEST_OFFLOADS     5
#define VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET 0

/* Notification coalescing (§5.1.6.5.9), NOTF_COAL / VQ_NOTF_COAL. */
#define VIRTIO_NET_CTRL_NOTF_COAL        6
#define VIRTIO_NET_CTRL_NOTF_COAL_TX_SET 0 /* data: struct virtio_net_ctrl_coal */
#define VIRTIO_NET_CTRL_NOTF_COAL_RX_SET 1 /* data: struct virtio_net_ctrl_coal */
#define VIRTIO_NET_CTRL_NOTF_COAL_VQ_SET 2 /* data: struct virtio_net_ctrl_coal_vq */
#define VIRTIO_NET_CTRL_NOTF_COAL_VQ_GET 3 /* data: le16 vq_index, le16 reserved; answer: the coal */
struct virtio_net_ctrl_coal {
	virtio_le32_t max_packets; /* packets before a notification */
	virtio_le32_t max_usecs;   /* microseconds a notification may wait */
};
_Static_assert(sizeof(struct virtio_net_ctrl_coal) == 8, "§5.1.6.5.9: 8-byte coal");
_Static_assert(offsetof(struct virtio_net_ctrl_coal, max_usecs) == 4, "ctrl_coal.max_usecs at 4");
struct virtio_net_ctrl_coal_vq {
	virtio_le16_t vq_index;           /* an enabled receive or transmit queue */
	virtio_le16_t reserved;           /* ignored by the device */
	struct virtio_net_ctrl_coal coal; /* its parameters */
};
_Static_assert(sizeof(struct virtio_net_ctrl_coal_vq) == 12, "§5.1.6.5.9: 12-byte coal_vq");
_Static_assert(offsetof(struct virtio_net_ctrl_coal_vq, reserved) == 2, "ctrl_coal_vq.reserved at 2");
_Static_assert(offsetof(struct virtio_net_ctrl_coal_vq, coal) == 4, "ctrl_coal_vq.coal at 4");

/* Inner header hash (§5.1.6.4.4), HASH_TUNNEL; data: struct virtnet_hash_tunnel. */
#define VIRTIO_NET_CTRL_HASH_TUNNEL     7
#define VIRTIO_NET_CTRL_HASH_TUNNEL_SET 0
struct virtnet_hash_tunnel {
	virtio_le32_t enabled_tunnel_types; /* VIRTIO_NET_HASH_TUNNEL_TYPE_* to hash inside */
};
_Static_assert(sizeof(struct virtnet_hash_tunnel) == 4, "§5.1.6.4.4: 4-byte hash tunnel");

#endif
