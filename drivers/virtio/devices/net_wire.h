/*
 * Wire format of the network device (§5.1), transcribed from the spec:
 * feature bits, configuration layout, the per-packet header and the
 * control-queue commands.  Private to the net driver (net.c, net_ctrl.c)
 * until the shared wire headers carry it.
 */
#ifndef VIRTIO_NET_WIRE_H
#define VIRTIO_NET_WIRE_H

#include <stdint.h>

/* Feature bits (§5.1.3). */
#define VIRTIO_NET_F_CSUM             0
#define VIRTIO_NET_F_GUEST_CSUM       1
#define VIRTIO_NET_F_CTRL_GUEST_OFFLOADS 2
#define VIRTIO_NET_F_MTU              3
#define VIRTIO_NET_F_MAC              5
#define VIRTIO_NET_F_GUEST_TSO4       7
#define VIRTIO_NET_F_GUEST_TSO6       8
#define VIRTIO_NET_F_GUEST_ECN        9
#define VIRTIO_NET_F_GUEST_UFO        10
#define VIRTIO_NET_F_HOST_TSO4        11
#define VIRTIO_NET_F_HOST_TSO6        12
#define VIRTIO_NET_F_HOST_ECN         13
#define VIRTIO_NET_F_HOST_UFO         14
#define VIRTIO_NET_F_MRG_RXBUF        15
#define VIRTIO_NET_F_STATUS           16
#define VIRTIO_NET_F_CTRL_VQ          17
#define VIRTIO_NET_F_CTRL_RX          18
#define VIRTIO_NET_F_CTRL_VLAN        19
#define VIRTIO_NET_F_CTRL_RX_EXTRA    20
#define VIRTIO_NET_F_GUEST_ANNOUNCE   21
#define VIRTIO_NET_F_MQ               22
#define VIRTIO_NET_F_CTRL_MAC_ADDR    23
#define VIRTIO_NET_F_GUEST_USO4       54
#define VIRTIO_NET_F_GUEST_USO6       55
#define VIRTIO_NET_F_HOST_USO         56
#define VIRTIO_NET_F_HASH_REPORT      57
#define VIRTIO_NET_F_RSS              60
#define VIRTIO_NET_F_STANDBY          62
#define VIRTIO_NET_F_SPEED_DUPLEX     63

/* §6.3 (legacy): without it, the header and the control command fields
 * each sit in descriptors of their own (§5.1.6.7). */
#define VIRTIO_F_ANY_LAYOUT 27

/* Configuration layout (§5.1.4): byte offsets of struct virtio_net_config. */
#define VIRTIO_NET_CFG_MAC        0x00 /* u8[6], valid with MAC */
#define VIRTIO_NET_CFG_STATUS     0x06 /* le16, with STATUS */
#define VIRTIO_NET_CFG_MAX_PAIRS  0x08 /* le16, with MQ (or RSS) */
#define VIRTIO_NET_CFG_MTU        0x0a /* le16, with MTU */
#define VIRTIO_NET_S_LINK_UP  1u
#define VIRTIO_NET_S_ANNOUNCE 2u
#define VIRTIO_NET_MTU_MIN 68u          /* §5.1.4.1: the device's mtu range */
#define VIRTIO_NET_PAIRS_MAX 0x8000u

/* The header in front of every packet, both directions (§5.1.6).  Legacy
 * devices without MRG_RXBUF stop before num_buffers: 10 bytes. */
struct virtio_net_hdr {
	uint8_t flags;        /* VIRTIO_NET_HDR_F_* */
	uint8_t gso_type;     /* VIRTIO_NET_HDR_GSO_* */
	uint16_t hdr_len;     /* le16 */
	uint16_t gso_size;    /* le16 */
	uint16_t csum_start;  /* le16 */
	uint16_t csum_offset; /* le16 */
	uint16_t num_buffers; /* le16: buffers a merged receive spans */
};
_Static_assert(sizeof(struct virtio_net_hdr) == 12, "§5.1.6: 12-byte header");
#define VIRTIO_NET_HDR_LEGACY_BYTES 10u

#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1u
#define VIRTIO_NET_HDR_F_DATA_VALID 2u
#define VIRTIO_NET_HDR_F_RSC_INFO   4u
#define VIRTIO_NET_HDR_GSO_NONE     0u

/* Control queue (§5.1.6.5): class, command, data, then the ack the device
 * writes. */
#define VIRTIO_NET_OK  0u
#define VIRTIO_NET_ERR 1u

#define VIRTIO_NET_CTRL_RX 0u
#define VIRTIO_NET_CTRL_RX_PROMISC  0u
#define VIRTIO_NET_CTRL_RX_ALLMULTI 1u

#define VIRTIO_NET_CTRL_MAC 1u
#define VIRTIO_NET_CTRL_MAC_TABLE_SET 0u
#define VIRTIO_NET_CTRL_MAC_ADDR_SET  1u

#define VIRTIO_NET_CTRL_ANNOUNCE 3u
#define VIRTIO_NET_CTRL_ANNOUNCE_ACK 0u

#define VIRTIO_NET_CTRL_MQ 4u
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET 0u

#endif
