/*
 * Wire formats the stack speaks: Ethernet II, ARP for IPv4 over Ethernet
 * (RFC 826), IPv4 (RFC 791), ICMP echo (RFC 792), UDP (RFC 768) and the
 * DHCP message (RFC 2131/2132).  Offsets from the start of each header;
 * every multi-byte field is big-endian ("network order"), read and written
 * only through the helpers below, which take any alignment.
 */
#ifndef KERNEL_NET_PROTO_H
#define KERNEL_NET_PROTO_H

#include <stdint.h>

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}
static inline uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Ethernet II */
#define ETH_ALEN 6
#define ETH_HLEN 14
#define ETH_DST 0
#define ETH_SRC 6
#define ETH_TYPE 12
#define ETH_P_IPV4 0x0800
#define ETH_P_ARP  0x0806
#define ETH_P_VLAN 0x8100

/* ARP, IPv4 over Ethernet: 28 bytes */
#define ARP_LEN 28
#define ARP_HTYPE 0       /* 1: Ethernet */
#define ARP_PTYPE 2       /* 0x0800 */
#define ARP_HLEN 4        /* 6 */
#define ARP_PLEN 5        /* 4 */
#define ARP_OPER 6        /* 1 request, 2 reply */
#define ARP_SHA 8
#define ARP_SPA 14
#define ARP_THA 18
#define ARP_TPA 24
#define ARP_REQUEST 1
#define ARP_REPLY   2

/* IPv4 */
#define IP_HLEN 20        /* without options */
#define IP_VER_IHL 0
#define IP_TOS 1
#define IP_TOTAL_LEN 2
#define IP_ID 4
#define IP_FRAG 6         /* flags (3 bits) and fragment offset (13) */
#define IP_TTL 8
#define IP_PROTO 9
#define IP_CSUM 10
#define IP_SRC 12
#define IP_DST 16
#define IP_FLAG_MF 0x2000u
#define IP_FLAG_DF 0x4000u
#define IP_FRAG_OFFSET 0x1fffu
#define IP_PROTO_ICMP 1
#define IP_PROTO_UDP 17
#define IP_BROADCAST 0xffffffffu

/* ICMP */
#define ICMP_HLEN 8
#define ICMP_TYPE 0
#define ICMP_CODE 1
#define ICMP_CSUM 2
#define ICMP_ID 4
#define ICMP_SEQ 6
#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO_REQUEST 8

/* UDP */
#define UDP_HLEN 8
#define UDP_SPORT 0
#define UDP_DPORT 2
#define UDP_LEN 4
#define UDP_CSUM 6

/* DHCP (BOOTP layout, then the magic cookie and options) */
#define DHCP_OP 0
#define DHCP_HTYPE 1
#define DHCP_HLEN 2
#define DHCP_XID 4
#define DHCP_SECS 8
#define DHCP_FLAGS 10
#define DHCP_CIADDR 12
#define DHCP_YIADDR 16
#define DHCP_SIADDR 20
#define DHCP_GIADDR 24
#define DHCP_CHADDR 28
#define DHCP_COOKIE 236
#define DHCP_OPTIONS 240
#define DHCP_MAGIC 0x63825363u
#define DHCP_FLAG_BROADCAST 0x8000u
#define DHCP_BOOTREQUEST 1
#define DHCP_BOOTREPLY 2
#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define DHCP_OPT_PAD 0
#define DHCP_OPT_SUBNET 1
#define DHCP_OPT_ROUTER 3
#define DHCP_OPT_DNS 6
#define DHCP_OPT_REQUESTED_IP 50
#define DHCP_OPT_LEASE 51
#define DHCP_OPT_MSG_TYPE 53
#define DHCP_OPT_SERVER_ID 54
#define DHCP_OPT_PARAMS 55
#define DHCP_OPT_END 255
#define DHCP_DISCOVER 1
#define DHCP_OFFER 2
#define DHCP_REQUEST 3
#define DHCP_ACK 5
#define DHCP_NAK 6

/* Where a UDP or ICMP packet without IP options starts in a frame. */
#define NET_L4_OFF (ETH_HLEN + IP_HLEN)

#endif
