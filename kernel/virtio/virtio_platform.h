/*
 * The kernel's platform hooks for the VirtIO library (the Makefile gives
 * this header to virtio.mk as VIRTIO_PLATFORM_HEADER, so the library's
 * objects and the kernel's virtio glue see the same hooks).
 *
 * The library's defaults stay where they are right for QEMU virt: volatile
 * MMIO (the windows are identity-mapped), RVWMO fences, the pause hint, no
 * cache maintenance (the machine is DMA-coherent).  Replaced:
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

#include "virtio/platform_default.h"

#include "kernel/dma.h"
#include "kernel/timer.h"
#include "lib/printf.h"

/* The defaults are static inline functions: a function-like macro of the
 * same name, defined after them, takes over every call. */
#define virtio_virt_to_dma(p) dma_addr(p)
#define virtio_time_ns() time_ns()

/* The library's formats use %u %s %x and friends, all in lib/printf.c. */
#undef VIRTIO_LOG
#define VIRTIO_LOG(...) kprintf("virtio: " __VA_ARGS__)

#endif
