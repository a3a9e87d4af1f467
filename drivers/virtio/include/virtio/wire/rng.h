/*
 * VirtIO 1.3 wire format of the entropy device (§5.4): one request queue,
 * no feature bits, no configuration.  The driver posts device-writable
 * buffers; the used length says how many random bytes the device wrote.
 * Only <stdint.h>: includable alone.
 */
#ifndef VIRTIO_WIRE_RNG_H
#define VIRTIO_WIRE_RNG_H

#include <stdint.h>

/* Queues (§5.4.2). */
#define VIRTIO_RNG_QUEUE_REQUEST 0u /* requestq */

#endif
