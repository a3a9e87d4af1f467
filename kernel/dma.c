/*
 * DMA pool (see dma.h): [pool_start, pool_end) carved once at boot, with
 * `next` the first free byte.  A mark is just a saved `next`.
 */
#include "kernel/dt/devtree.h"
#include "kernel/dma.h"
#include "kernel/panic.h"
#include "lib/kstring.h"

static uintptr_t pool_start, pool_end, next;

static uintptr_t page_up(uintptr_t a)
{
	return (a + DMA_PAGE - 1) & ~(uintptr_t)(DMA_PAGE - 1);
}

static uintptr_t page_down(uintptr_t a)
{
	return a & ~(uintptr_t)(DMA_PAGE - 1);
}

void dma_init(uintptr_t start, uintptr_t end, const struct dt_range *reserved, unsigned n)
{
	start = page_up(start);
	end = page_down(end);

	for (unsigned i = 0; i < n && start < end; i++) {
		uintptr_t rs = page_down(reserved[i].base);
		uintptr_t re = page_up(reserved[i].base + reserved[i].size);
		if (re <= start || rs >= end)
			continue;
		/* keep whichever side of the reserved range is bigger */
		uintptr_t below = rs > start ? rs - start : 0;
		uintptr_t above = end > re ? end - re : 0;
		if (below >= above)
			end = start + below;
		else
			start = re;
	}
	if (start > end)
		start = end;
	pool_start = next = start;
	pool_end = end;
}

void *dma_alloc(size_t bytes)
{
	if (bytes == 0 || bytes > pool_end - next)
		return NULL;
	size_t rounded = (bytes + DMA_PAGE - 1) & ~(size_t)(DMA_PAGE - 1);
	if (rounded > pool_end - next)
		return NULL;
	void *p = (void *)next;
	next += rounded;
	memset(p, 0, rounded);
	return p;
}

size_t dma_mark(void)
{
	return next;
}

void dma_release(size_t mark)
{
	if (mark < pool_start || mark > next || (mark & (DMA_PAGE - 1)))
		panic("dma_release: bad mark 0x%lx (pool 0x%lx..0x%lx, next 0x%lx)",
		      (unsigned long)mark, (unsigned long)pool_start,
		      (unsigned long)pool_end, (unsigned long)next);
	next = mark;
}

void dma_usage(size_t *used, size_t *total)
{
	if (used)
		*used = next - pool_start;
	if (total)
		*total = pool_end - pool_start;
}

uintptr_t dma_pool_start(void)
{
	return pool_start;
}

uintptr_t dma_pool_end(void)
{
	return pool_end;
}
