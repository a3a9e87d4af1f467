/* Platform hooks for the instruction-count benchmark: the x86-64 defaults
 * of platform_default.h (fences, MMIO, identity DMA) but for a clock and a
 * polling hint that cost nothing: the in-process device never makes the
 * library wait. */
#ifndef BENCH_PLATFORM_H
#define BENCH_PLATFORM_H
#include <stdint.h>
static inline uint64_t virtio_time_ns(void) { return 0; }
#define virtio_time_ns virtio_time_ns
#define virtio_relax() ((void)0)
#endif
