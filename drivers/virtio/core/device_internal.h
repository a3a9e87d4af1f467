/*
 * What the files of the device core share (device.c, queue.c, dispatch.c,
 * recovery.c).  Not a public header.
 */
#ifndef VIRTIO_DEVICE_INTERNAL_H
#define VIRTIO_DEVICE_INTERNAL_H

#include "virtio/driver.h"

/* Steps 1-6 of §3.1.1 with the features and mask virtio_device_begin()
 * kept: the negotiation of a bring-up and of every re-initialisation. */
int virtio_device_negotiate(struct virtio_device *d);

/* A reset is due (DEVICE_NEEDS_RESET, a device fault): note it, with the
 * error the buffers will complete with, and do nothing else (interrupt
 * context).  Only for a live device: the callers check first. */
void virtio_device_note_reset(struct virtio_device *d, int err);

/* A drain pass's wait before it notifies what done() resubmitted
 * (drain_pass.h, VIRTIO_KICK_COALESCE_NS): watches vq's used ring for up
 * to `ns`; true as soon as it has an entry, false once the gap passed or
 * another queue of the device has entries (its turn comes first). */
bool virtio_queue_await_used(struct virtq *vq, uint32_t ns);

#endif
