/*
 * The kernel's platform hooks for the VirtIO library (the Makefile gives
 * this header to virtio.mk as VIRTIO_PLATFORM_HEADER, so the library's
 * objects and the kernel's virtio glue see the same hooks).
 *
 * Only what the kernel knows better than platform_default.h, which
 * supplies the rest (volatile MMIO on the identity-mapped windows, RVWMO
 * fences, the pause hint, no cache maintenance on this DMA-coherent
 * machine):
 *   virtio_virt_to_dma  pool pointers are virtual (kernel/paging.c maps the
 *                       pool away from its physical address): dma_addr()
 *                       gives the address the device must use, and panics
 *                       on memory outside the pool
 *   virtio_time_ns      the kernel's clock, scaled by the device tree's
 *                       timebase-frequency rather than an assumed 10 MHz
 *   VIRTIO_LOG          to the console, so a device fault says why it fired
 */
#ifndef KERNEL_VIRTIO_PLATFORM_H
#define KERNEL_VIRTIO_PLATFORM_H

#include <stdint.h>

#include "kernel/dma.h"
#include "kernel/timer.h"
#include "lib/printf.h"

/* A function hook counts as given when its name is defined as a macro
 * (platform_default.h tests #ifndef). */
static inline uint64_t virtio_virt_to_dma(const void *p)
{
	return dma_addr(p);
}
#define virtio_virt_to_dma virtio_virt_to_dma

static inline uint64_t virtio_time_ns(void)
{
	return time_ns();
}
#define virtio_time_ns virtio_time_ns

/* The library's formats use %s %d %x only; lib/printf.c has all three. */
#define VIRTIO_LOG(...) kprintf("virtio: " __VA_ARGS__)

#endif
