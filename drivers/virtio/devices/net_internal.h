/*
 * What the two files of the net driver share: net.c (bring-up, receive,
 * transmit, the device core's callbacks) and net_ctrl.c (the control
 * queue).  Not a public header.
 */
#ifndef VIRTIO_NET_INTERNAL_H
#define VIRTIO_NET_INTERNAL_H

#include "virtio/errors.h"
#include "virtio/net.h"
#include "virtio/platform.h"
#include "virtio/wire/common.h"

/* Queue index of the control queue: after every pair the device has
 * (§5.1.2: 2N, N = max_virtqueue_pairs with MQ, else 1). */
static inline uint16_t vnet_ctrl_index(const struct vnet *n)
{
	return (uint16_t)VIRTIO_NET_QUEUE_CTRL(n->info.mq ? n->info.max_pairs : 1u);
}

/* 16-bit header and command fields: little-endian on a modern device,
 * the guest's own order on a legacy one (§5.1.6.1, §5.1.6.5.1.1). */
static inline uint16_t vnet_load16(const struct vnet *n, const void *p)
{
	return n->vdev->legacy ? *(const volatile uint16_t *)p : virtio_le16_load(p);
}
static inline void vnet_store16(const struct vnet *n, void *p, uint16_t v)
{
	if (n->vdev->legacy)
		*(volatile uint16_t *)p = v;
	else
		virtio_le16_store(p, v);
}
/* Byte by byte: a filter table's count sits at any offset. */
static inline void vnet_put32(const struct vnet *n, uint8_t *p, uint32_t v)
{
	uint32_t w = n->vdev->legacy ? v : VIRTIO_LE32(v);
	const uint8_t *b = (const uint8_t *)&w;
	for (unsigned i = 0; i < 4; i++)
		p[i] = b[i];
}

/* net_ctrl.c: tell the device what it does not know after DRIVER_OK or
 * forgot in a reset: a random MAC, `pairs` queue pairs, the receive
 * filter set so far.  0 or the first command's error. */
int vnet_ctrl_restore(struct vnet *n, uint16_t pairs);

#endif
