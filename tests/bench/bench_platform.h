/* Platform hooks for the instruction-count benchmark: the host default
 * (x86-64 fences), with MMIO never used (the transport is in-process). */
#ifndef BENCH_PLATFORM_H
#define BENCH_PLATFORM_H
#include <stddef.h>
#include <stdint.h>
static inline uint8_t virtio_mmio_read8(uintptr_t a) { return *(volatile uint8_t *)a; }
static inline uint16_t virtio_mmio_read16(uintptr_t a) { return *(volatile uint16_t *)a; }
static inline uint32_t virtio_mmio_read32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline void virtio_mmio_write8(uintptr_t a, uint8_t v) { *(volatile uint8_t *)a = v; }
static inline void virtio_mmio_write16(uintptr_t a, uint16_t v) { *(volatile uint16_t *)a = v; }
static inline void virtio_mmio_write32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
#define virtio_mb() __asm__ __volatile__("mfence" ::: "memory")
#define virtio_rmb() __asm__ __volatile__("" ::: "memory")
#define virtio_wmb() __asm__ __volatile__("" ::: "memory")
#define virtio_wmb_io() __asm__ __volatile__("" ::: "memory")
#define virtio_rmb_io() __asm__ __volatile__("" ::: "memory")
static inline uint64_t virtio_virt_to_dma(const void *p) { return (uint64_t)(uintptr_t)p; }
static inline void virtio_cache_clean(const void *p, size_t n) { (void)p; (void)n; }
static inline void virtio_cache_invalidate(const void *p, size_t n) { (void)p; (void)n; }
static inline uint64_t virtio_time_ns(void) { return 0; }
static inline void virtio_relax(void) {}
#define VIRTIO_LOG(...) ((void)0)
#endif
