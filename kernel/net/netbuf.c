/*
 * The transmit buffer pool (see netbuf.h): one DMA block cut into
 * NETBUF_COUNT buffers on a free list.
 */
#include "kernel/net/netbuf.h"

#include "kernel/dma.h"

static struct netbuf bufs[NETBUF_COUNT];
static struct netbuf *free_list;
static unsigned nfree;

int netbuf_init(void)
{
	if (bufs[0].data)
		return 0; /* already set up */
	uint8_t *mem = dma_alloc((size_t)NETBUF_COUNT * NETBUF_BYTES);
	if (!mem)
		return -1;
	for (unsigned i = 0; i < NETBUF_COUNT; i++) {
		bufs[i].data = mem + (size_t)i * NETBUF_BYTES;
		netbuf_free(&bufs[i]);
	}
	return 0;
}

struct netbuf *netbuf_alloc(void)
{
	struct netbuf *b = free_list;
	if (b) {
		free_list = b->next;
		nfree--;
		b->tx = (struct netdev_tx){ .data = b->data, .ctx = b };
	}
	return b;
}

void netbuf_free(struct netbuf *b)
{
	b->next = free_list;
	free_list = b;
	nfree++;
}

unsigned netbuf_available(void)
{
	return nfree;
}

static void sent(struct netdev_tx *tx, int status)
{
	(void)status; /* a frame the device dropped is just a lost frame */
	netbuf_free(tx->ctx);
}

int netbuf_send(struct netdev *dev, uint16_t queue, struct netbuf *b, uint32_t len)
{
	b->tx.data = b->data;
	b->tx.len = len;
	b->tx.done = sent;
	b->tx.ctx = b;
	int rc = dev->ops->transmit(dev, queue, &b->tx);
	if (rc)
		netbuf_free(b);
	return rc;
}
