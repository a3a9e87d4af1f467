/*
 * Frame buffers for transmitting: a fixed pool of DMA-reachable buffers,
 * each big enough for one frame, taken by whoever builds a frame and given
 * back by the transmit completion.  No allocation after netbuf_init().
 *
 * Interrupts masked, like the rest of the stack (netdev.h): replies are
 * built in the receive interrupt, other frames by masked callers.
 */
#ifndef KERNEL_NET_NETBUF_H
#define KERNEL_NET_NETBUF_H

#include <stdint.h>

#include "kernel/net/netdev.h"

#define NETBUF_COUNT 256
#define NETBUF_BYTES 2048u /* a whole frame of MTU 1500 and more */

struct netbuf {
	struct netdev_tx tx; /* its done() gives the buffer back */
	uint8_t *data;       /* NETBUF_BYTES */
	struct netbuf *next; /* free list */
};

/* Takes the pool's memory from the DMA pool; 0, or -1 without memory. */
int netbuf_init(void);
/* A free buffer, or NULL when every one is in flight. */
struct netbuf *netbuf_alloc(void);
void netbuf_free(struct netbuf *b);
unsigned netbuf_available(void);

/*
 * Send the first len bytes of b on dev (b->tx's checksum fields as the
 * caller set them).  The buffer goes back to the pool when the device is
 * done with it, or at once when the transmit is refused: either way the
 * caller lets go of it.  0 or the driver's error.
 */
int netbuf_send(struct netdev *dev, uint16_t queue, struct netbuf *b, uint32_t len);

#endif
