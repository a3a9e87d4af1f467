/*
 * virtio-rng glue: each entropy device gets its request queue from the
 * DMA pool and becomes a source in the kernel's entropy registry
 * (kernel/entropy/).  Reads poll through the library's vrng_read(); the
 * device raises no interrupt the kernel listens to.
 */
#include "kernel/dma.h"
#include "kernel/entropy/entropy.h"
#include "kernel/errno.h"
#include "kernel/timer.h"
#include "kernel/virtio/kerr.h"
#include "kernel/virtio/probe.h"
#include "lib/printf.h"
#include "virtio/errors.h"
#include "virtio/rng.h"

#define MAX_RNGS ENTROPY_MAX_SOURCES
#define RNG_QUEUE_SIZE 8

struct rng {
	struct vrng vrng;
	struct entropy_source src;
	char where[64];
};

static struct rng rngs[MAX_RNGS];
static unsigned nrngs;

static int rng_read(struct entropy_source *src, void *buf, uint32_t len, uint64_t deadline)
{
	struct rng *r = src->driver;
	return kerr_from_virtio(vrng_read(&r->vrng, buf, len, deadline_remaining_ns(deadline)));
}

static const struct entropy_source_ops rng_ops = {
	.read = rng_read,
};

/* Negotiate, the queue, DRIVER_OK, then the registry; a failed step
 * gives the queue memory back once the device provably owns none of it
 * (virtio_bringup_undo()). */
static int rng_attach(struct rng *r, struct virtio_device *vdev, const char *where)
{
	size_t mark = dma_mark();
	*r = (struct rng){ .src = { .transport = r->where, .ops = &rng_ops, .driver = r } };
	ksnprintf(r->where, sizeof(r->where), "%s", where);
	int rc = vrng_probe(&r->vrng, vdev, ~0ull);
	uint16_t size = rc ? 0 : virtio_queue_size(vdev, 0, RNG_QUEUE_SIZE);
	size_t bytes = vrng_queue_mem_bytes(size);
	void *mem = rc ? NULL : dma_alloc(bytes);
	if (rc == VIRTIO_OK)
		rc = mem ? vrng_attach_queue(&r->vrng, size, mem, bytes) : VIRTIO_ENOMEM;
	if (rc == VIRTIO_OK)
		rc = vrng_start(&r->vrng);
	rc = kerr_from_virtio(rc);
	if (rc == KERR_OK)
		rc = virtio_fail_injected(vdev) ? KERR_EFULL : entropy_register(&r->src);
	if (rc)
		virtio_bringup_undo(vdev, where, mark, 0, NULL, NULL); /* no handler: polled */
	return rc;
}

int virtio_rng_attach(struct virtio_device *vdev, const char *where, uint32_t irq)
{
	(void)irq; /* polled */
	if (nrngs == MAX_RNGS)
		return KERR_EFULL;
	struct rng *r = &rngs[nrngs];
	int rc = rng_attach(r, vdev, where);
	if (rc)
		return rc;
	nrngs++;
	kprintf("%s: entropy device, %s\n", r->src.name, where);
	return KERR_OK;
}
