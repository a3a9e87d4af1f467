/*
 * virtio-rng glue: each entropy device gets its request queue from the
 * DMA pool and becomes a source in the kernel's entropy registry
 * (kernel/entropy/).  Completions arrive by interrupt (rng_irq), so a
 * device on a shared line is acknowledged like its neighbours; a read
 * waits with interrupts masked, in the wfi of the kernel's wait loop,
 * which lets them in.
 */
#include "kernel/dma.h"
#include "kernel/entropy/entropy.h"
#include "kernel/errno.h"
#include "kernel/irq/irq.h"
#include "kernel/riscv.h"
#include "kernel/timer.h"
#include "kernel/virtio/kerr.h"
#include "kernel/virtio/probe.h"
#include "lib/printf.h"
#include "virtio/errors.h"
#include "virtio/platform.h"
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

static void rng_irq(void *ctx)
{
	struct rng *r = ctx;
	vrng_interrupt(&r->vrng); /* a fault is only noted: the waiting read resets */
}

static unsigned long rng_lock(void *ctx)
{
	(void)ctx;
	return intr_save();
}

static void rng_unlock(void *ctx, unsigned long held)
{
	(void)ctx;
	intr_restore(held);
}

static void rng_wait(void *ctx, uint64_t deadline_ns)
{
	(void)ctx;
	uint64_t now = virtio_time_ns();
	uint64_t us = deadline_ns > now ? (deadline_ns - now) / 1000 + 1 : 0;
	wait_for_interrupt_until(deadline_in_us(us < UINT32_MAX ? (uint32_t)us : UINT32_MAX));
}

static const struct virtio_waiter rng_waiter = {
	.lock = rng_lock, .unlock = rng_unlock, .wait = rng_wait,
};

/* Negotiate, the queue, the handler, DRIVER_OK, then the registry; a
 * failed step gives the queue memory back once the device provably owns
 * none of it (virtio_bringup_undo()). */
static int rng_attach(struct rng *r, struct virtio_device *vdev, const char *where, uint32_t irq)
{
	size_t mark = dma_mark();
	bool handler = false;
	*r = (struct rng){ .src = { .transport = r->where, .ops = &rng_ops, .driver = r } };
	ksnprintf(r->where, sizeof(r->where), "%s", where);
	int rc = vrng_probe(&r->vrng, vdev, ~0ull);
	uint16_t size = rc ? 0 : virtio_queue_size(vdev, 0, RNG_QUEUE_SIZE);
	size_t bytes = vrng_queue_mem_bytes(size);
	void *mem = rc ? NULL : dma_alloc(bytes);
	if (rc == VIRTIO_OK)
		rc = mem ? vrng_attach_queue(&r->vrng, size, mem, bytes) : VIRTIO_ENOMEM;
	if (rc == VIRTIO_OK) {
		handler = irq_register(irq, rng_irq, r) == 0;
		rc = handler ? VIRTIO_OK : VIRTIO_EINVAL;
	}
	if (rc == VIRTIO_OK) {
		vrng_use_interrupts(&r->vrng, &rng_waiter);
		rc = vrng_start(&r->vrng);
	}
	rc = kerr_from_virtio(rc);
	if (rc == KERR_OK)
		rc = virtio_fail_injected(vdev) ? KERR_EFULL : entropy_register(&r->src);
	if (rc)
		virtio_bringup_undo(vdev, where, mark, irq, handler ? rng_irq : NULL, r);
	return rc;
}

int virtio_rng_attach(struct virtio_device *vdev, const char *where, uint32_t irq)
{
	if (nrngs == MAX_RNGS)
		return KERR_EFULL;
	struct rng *r = &rngs[nrngs];
	int rc = rng_attach(r, vdev, where, irq);
	if (rc)
		return rc;
	nrngs++;
	kprintf("%s: entropy device, %s, ring=%s\n", r->src.name, where,
		virtq_is_packed(&r->vrng.vq) ? "packed" : "split");
	return KERR_OK;
}
