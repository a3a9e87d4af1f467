/* The example's platform hooks: what every embedder writes for its board.
 * Here: RISC-V, identity-mapped coherent DMA, 10 MHz time CSR (QEMU virt). */
#ifndef MY_PLATFORM_H
#define MY_PLATFORM_H
#include <stddef.h>
#include <stdint.h>

static inline uint8_t virtio_mmio_read8(uintptr_t a) { return *(volatile uint8_t *)a; }
static inline uint16_t virtio_mmio_read16(uintptr_t a) { return *(volatile uint16_t *)a; }
static inline uint32_t virtio_mmio_read32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline void virtio_mmio_write8(uintptr_t a, uint8_t v) { *(volatile uint8_t *)a = v; }
static inline void virtio_mmio_write16(uintptr_t a, uint16_t v) { *(volatile uint16_t *)a = v; }
static inline void virtio_mmio_write32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

#define virtio_mb() __asm__ __volatile__("fence rw,rw" ::: "memory")
#define virtio_rmb() __asm__ __volatile__("fence r,r" ::: "memory")
#define virtio_wmb() __asm__ __volatile__("fence w,w" ::: "memory")
#define virtio_wmb_io() __asm__ __volatile__("fence w,o" ::: "memory")
#define virtio_rmb_io() __asm__ __volatile__("fence i,r" ::: "memory")
#define virtio_relax() __asm__ __volatile__("nop")

static inline uint64_t virtio_virt_to_dma(const void *p) { return (uintptr_t)p; }
static inline void virtio_cache_clean(const void *p, size_t n) { (void)p; (void)n; }
static inline void virtio_cache_invalidate(const void *p, size_t n) { (void)p; (void)n; }

static inline uint64_t virtio_time_ns(void)
{
	uint64_t t;
	__asm__ __volatile__("rdtime %0" : "=r"(t));
	return t * 100; /* 10 MHz */
}

void example_log(const char *fmt, ...); /* read_sector.c: to the console */
#define VIRTIO_LOG(...) example_log(__VA_ARGS__)
#endif
