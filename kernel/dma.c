/*
 * DMA pool (see dma.h): [pool_start, pool_end) physical, carved once at
 * boot, seen by the CPU DMA_VIRT_OFFSET higher; `next` is the first free
 * byte's virtual address, and a mark is just a saved `next`.
 */
#include "kernel/dt/devtree.h"
#include "kernel/dma.h"
#include "kernel/panic.h"

static uint64_t pool_start, pool_end;   /* physical */
static uintptr_t virt_start, virt_end, next;
struct dma_window dma_window; /* = virt_start, virt_end, for dma_addr() */

static uint64_t page_up(uint64_t a)
{
	return (a + DMA_PAGE - 1) & ~(uint64_t)(DMA_PAGE - 1);
}

static uint64_t page_down(uint64_t a)
{
	return a & ~(uint64_t)(DMA_PAGE - 1);
}

void dma_init(uint64_t start, uint64_t end, const struct dt_range *reserved, unsigned n,
	      uint64_t lowest)
{
	if (start < lowest)
		start = lowest;
	start = page_up(start);
	end = page_down(end);

	for (unsigned i = 0; i < n && start < end; i++) {
		uint64_t rs = page_down(reserved[i].base);
		uint64_t re = page_up(reserved[i].base + reserved[i].size);
		if (re <= start || rs >= end)
			continue;
		/* keep whichever side of the reserved range is bigger */
		uint64_t below = rs > start ? rs - start : 0;
		uint64_t above = end > re ? end - re : 0;
		if (below >= above)
			end = start + below;
		else
			start = re;
	}
	if (start > end)
		start = end;
	pool_start = start;
	pool_end = end;
	virt_start = next = (uintptr_t)(start + DMA_VIRT_OFFSET);
	virt_end = (uintptr_t)(end + DMA_VIRT_OFFSET);
	dma_window = (struct dma_window){ virt_start, virt_end };
}

/*
 * Whole pages, eight words a round: a disk's bring-up takes ~120 KiB of
 * the pool, and under TCG memset()'s word at a time was ~60k guest
 * instructions of it (issue 14); this is about a third of that.
 */
static void zero_pages(void *p, size_t bytes)
{
	uint64_t *w = p, *end = (uint64_t *)((uintptr_t)p + bytes);

	_Static_assert(DMA_PAGE % 64 == 0, "whole rounds of eight words per page");
	for (; w < end; w += 8) {
		w[0] = 0;
		w[1] = 0;
		w[2] = 0;
		w[3] = 0;
		w[4] = 0;
		w[5] = 0;
		w[6] = 0;
		w[7] = 0;
	}
}

void *dma_alloc(size_t bytes)
{
	if (bytes == 0 || bytes > virt_end - next)
		return NULL;
	size_t rounded = (bytes + DMA_PAGE - 1) & ~(size_t)(DMA_PAGE - 1);
	if (rounded > virt_end - next)
		return NULL;
	void *p = (void *)next;
	next += rounded;
	zero_pages(p, rounded);
	return p;
}

size_t dma_mark(void)
{
	return next;
}

void dma_release(size_t mark)
{
	if (mark < virt_start || mark > next || (mark & (DMA_PAGE - 1)))
		panic("dma_release: bad mark 0x%lx (pool 0x%lx..0x%lx, next 0x%lx)",
		      (unsigned long)mark, (unsigned long)virt_start,
		      (unsigned long)virt_end, (unsigned long)next);
	next = mark;
}

void dma_usage(size_t *used, size_t *total)
{
	if (used)
		*used = next - virt_start;
	if (total)
		*total = virt_end - virt_start;
}

uint64_t dma_pool_start(void)
{
	return pool_start;
}

uint64_t dma_pool_end(void)
{
	return pool_end;
}

void *dma_pool_virt(void)
{
	return (void *)virt_start;
}

void dma_addr_outside(const void *p)
{
	panic("dma_addr: %p is not DMA pool memory (the pool is 0x%lx..0x%lx); "
	      "a device may only be given pool buffers",
	      p, (unsigned long)virt_start, (unsigned long)virt_end);
}
