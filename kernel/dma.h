/*
 * The DMA pool: all RAM after the kernel image that nothing else claims,
 * handed out as zeroed, page-aligned blocks.
 *
 * It is a bump allocator: there is no free().  Long-lived allocations
 * (virtqueues, driver state) are simply never returned.  Temporary buffers
 * (shell commands, self-test cases) bracket their allocations with
 *
 *	size_t mark = dma_mark();
 *	buf = dma_alloc(n);
 *	...
 *	dma_release(mark);   frees everything allocated since the mark
 *
 * Do NOT release a buffer a device may still write: after a timed-out
 * request, skip the dma_release() and leak it instead.
 *
 * No MMU: a pointer from dma_alloc() is also the address the device uses.
 */
#ifndef KERNEL_DMA_H
#define KERNEL_DMA_H

#include <stddef.h>
#include <stdint.h>

#define DMA_PAGE 4096u

struct dt_range;

/*
 * Makes [start, end) the pool, minus the `n` reserved ranges (the device
 * tree blob, firmware regions): where a reserved range overlaps, the pool
 * is cut down to the larger free piece.  Addresses are rounded inward to
 * pages.
 */
void dma_init(uintptr_t start, uintptr_t end, const struct dt_range *reserved, unsigned n);

/* bytes rounded up to 4096, zeroed, page-aligned; NULL when the pool is
 * exhausted or bytes is 0.  Prints nothing (callers decide what to say). */
void *dma_alloc(size_t bytes);

size_t dma_mark(void);
/* Frees everything allocated after `mark`; panics on a mark that is not
 * from dma_mark() or was already released (a bug, not a runtime state). */
void dma_release(size_t mark);

void dma_usage(size_t *used, size_t *total);

/* Bounds of the pool (for the banner and the self-test). */
uintptr_t dma_pool_start(void);
uintptr_t dma_pool_end(void);

static inline uint64_t dma_addr(const void *p)
{
	return (uint64_t)(uintptr_t)p; /* identity mapping: satp is 0 */
}

#endif
