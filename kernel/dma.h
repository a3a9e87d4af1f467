/*
 * The DMA pool: all RAM after the kernel image that nothing else claims
 * (or, with the boot argument dma=high, only the RAM at or above 4 GiB),
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
 * Two addresses per byte.  The CPU sees the pool at a virtual window
 * (kernel/paging.c maps it there and nowhere else); a device must be given
 * the DMA address, which here is the physical one: dma_addr(p).  The two
 * never coincide, so an address handed to a device without translation
 * reaches no RAM at all.  The pool is the only memory a device may be given
 * (not the kernel image, not a stack).
 */
#ifndef KERNEL_DMA_H
#define KERNEL_DMA_H

#include <stddef.h>
#include <stdint.h>

#define DMA_PAGE 4096u

/* What dma=high asks for: a pool that only a 64-bit DMA address reaches. */
#define DMA_HIGH_FLOOR (1ull << 32)

/* The CPU sees pool byte at physical address a at DMA_VIRT_OFFSET + a: the
 * bottom of Sv39's upper half, a gigabyte multiple, so the large pages that
 * map the pool line up.  Physical addresses up to 256 GiB fit. */
#define DMA_VIRT_OFFSET 0xffffffc000000000ull

struct dt_range;

/*
 * Makes the RAM [start, end) at or above `lowest` the pool, minus the `n`
 * reserved ranges (the device tree blob, firmware regions): where a
 * reserved range overlaps, the pool is cut down to the larger free piece.
 * Physical addresses, rounded inward to pages.  Only records the range:
 * the memory is touched through its virtual window, once paging_init() has
 * mapped it.
 */
void dma_init(uint64_t start, uint64_t end, const struct dt_range *reserved, unsigned n,
	      uint64_t lowest);

/* bytes rounded up to 4096, zeroed, page-aligned; NULL when the pool is
 * exhausted or bytes is 0.  Prints nothing (callers decide what to say). */
void *dma_alloc(size_t bytes);

size_t dma_mark(void);
/* Frees everything allocated after `mark`; panics on a mark that is not
 * from dma_mark() or was already released (a bug, not a runtime state). */
void dma_release(size_t mark);

void dma_usage(size_t *used, size_t *total);

/* Bounds of the pool as DMA (physical) addresses, for the banner, the
 * page tables and the self-test; dma_pool_virt() is where the CPU sees
 * dma_pool_start(). */
uint64_t dma_pool_start(void);
uint64_t dma_pool_end(void);
void *dma_pool_virt(void);

/* The pool's virtual window [start, end), set once by dma_init(): what
 * dma_addr() checks, inline (it runs for every descriptor). */
struct dma_window {
	uintptr_t start, end;
};
extern struct dma_window dma_window;
void dma_addr_outside(const void *p) __attribute__((noreturn)); /* the panic */

/* The address a device must be given for pool memory at p (the VirtIO
 * library's virtio_virt_to_dma hook, kernel/virtio/virtio_platform.h).
 * Panics when p is not in the pool: handing a device any other memory is
 * a bug. */
static inline uint64_t dma_addr(const void *p)
{
	uintptr_t v = (uintptr_t)p;

	if (__builtin_expect(v < dma_window.start || v >= dma_window.end, 0))
		dma_addr_outside(p);
	return v - DMA_VIRT_OFFSET;
}

#endif
